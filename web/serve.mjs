#!/usr/bin/env node
// `npm run serve`: the static server of the web page, on 127.0.0.1. Files are
// served by the serve-static package (MIME types incl. application/wasm, HTTP
// Range, ETag); this script adds the cross-origin isolation headers (COOP/COEP,
// so SharedArrayBuffer is available) and maps the URL space:
//   /            -> redirect to /web/
//   /web/ /src/js/ /wasm-jit/ /build/wasm/ /node_modules/ /examples/   -> the repository's files
//   /images/     -> the default guest's images (examples/images/riscv64/build.sh's output)
//   /images/arm64/ -> the arm64 guest's (examples/images/arm64/build.sh's), for ?arch=aarch64
//   /wisp/       -> a Wisp relay (WebSocket, @mercuryworkshop/wisp-js) for the page's user-mode
//                   networking: TCP/UDP to the allowed hosts only (default: this host's loopback),
//                   for pages of this origin only, so the page is no open proxy
// Usage: node web/serve.mjs [--port N] [--images DIR] [--arm64-images DIR] [--relay-allow HOST]... [--no-relay]
//   (PORT also read from the environment)
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import serveStatic from 'serve-static';
import { logging, server as wisp } from '@mercuryworkshop/wisp-js/server';

const root = fileURLToPath(new URL('..', import.meta.url));
const PUBLIC = ['/web/', '/src/js/', '/wasm-jit/', '/build/wasm/', '/node_modules/', '/examples/'];

/** A RegExp matching exactly `host` (the relay's allow list matches the names pages ask for). */
const exactly = (host) => new RegExp(`^${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i');

/**
 * Set up the Wisp relay's destination rules (process-wide: wisp-js keeps one set).
 * @param {string[]} allow  host names or addresses allowed besides 127.0.0.1 and localhost
 */
function relayRules(allow) {
  logging.set_level(logging.WARN);
  Object.assign(wisp.options, {
    hostname_whitelist: ['127.0.0.1', 'localhost', ...allow].map(exactly),
    allow_loopback_ips: true,
    allow_private_ips: allow.length > 0, // a LAN host the operator named
  });
}

/**
 * The server (not yet listening).
 * @param {{images?: string, arm64Images?: string, relay?: false|{allow?: string[]}}} [opts]  images:
 *   directory served under /images/; arm64Images: the arm64 guest's, under /images/arm64/ (the
 *   page's ?arch=aarch64); relay: the Wisp relay at /wisp/ (default on, loopback only), false for none
 * @returns {http.Server}
 */
export function createServer({ images, arm64Images, relay = {} } = {}) {
  const repo = serveStatic(root);
  const imageFiles = images ? serveStatic(images, { index: false }) : null;
  const arm64Files = arm64Images ? serveStatic(arm64Images, { index: false }) : null;
  const server = http.createServer((req, res) => {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    const fail = (err) => {
      res.statusCode = err?.statusCode ?? err?.status ?? 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(res.statusCode === 404 ? 'not found\n' : `${err.message}\n`);
    };
    const path = new URL(req.url, 'http://localhost').pathname;
    if (path === '/') {
      res.writeHead(302, { Location: '/web/' });
      res.end();
    } else if (path.startsWith('/images/arm64/') && arm64Files) {
      req.url = req.url.slice('/images/arm64'.length);
      arm64Files(req, res, fail);
    } else if (path.startsWith('/images/') && imageFiles) {
      req.url = req.url.slice('/images'.length);
      imageFiles(req, res, fail);
    } else if (PUBLIC.some((p) => path.startsWith(p) || `${path}/` === p)) {
      repo(req, res, fail);
    } else {
      fail();
    }
  });
  if (relay) {
    relayRules(relay.allow ?? []);
    server.on('upgrade', (req, socket, head) => {
      // Browsers send Origin with every WebSocket: only this server's own pages may use the relay.
      const origin = req.headers.origin, self = `http://${req.headers.host}`;
      if (new URL(req.url, 'http://x').pathname !== '/wisp/' || (origin && origin !== self)) socket.destroy();
      else wisp.routeRequest(req, socket, head);
    });
  }
  return server;
}

/**
 * A guest's image directory (builds the images on first use).
 * @param {'riscv64'|'arm64'} [recipe]  examples/images/<recipe>
 * @returns {string}
 */
export function defaultImages(recipe = 'riscv64') {
  const out = execFileSync('bash', [`${root}examples/images/${recipe}/build.sh`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop();
}

function main(argv) {
  const arg = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const port = Number(arg('--port') ?? process.env.PORT ?? 8080);
  const images = arg('--images') ?? defaultImages();
  const arm64Images = arg('--arm64-images') ?? defaultImages('arm64');
  const allow = argv.flatMap((a, i) => (argv[i - 1] === '--relay-allow' ? [a] : []));
  const relay = !argv.includes('--no-relay') && { allow };
  const server = createServer({ images, arm64Images, relay });
  server.on('error', (e) => { console.error(`wvm serve: ${e.message}`); process.exit(1); });
  server.listen(port, '127.0.0.1', () => {
    console.log(`wvm: serving ${images} under /images/, ${arm64Images} under /images/arm64/ (?arch=aarch64)`);
    const url = `http://127.0.0.1:${server.address().port}/web/`;
    if (relay) console.log(`wvm: network relay at /wisp/ to ${['this host\'s loopback', ...allow].join(', ')}; with networking: ${url}?net=/wisp/`);
    console.log(`wvm: open ${url}  (Ctrl-C stops)`);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
