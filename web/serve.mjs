#!/usr/bin/env node
// `npm run serve`: the static server of the web page, on 127.0.0.1. Files are
// served by the serve-static package (MIME types incl. application/wasm, HTTP
// Range, ETag); this script adds the cross-origin isolation headers (COOP/COEP,
// so SharedArrayBuffer is available) and maps the URL space:
//   /            -> redirect to /web/
//   /web/ /src/js/ /wasm-jit/ /build/wasm/ /node_modules/ /examples/   -> the repository's files
//   /images/     -> the default guest's images (examples/images/riscv64/build.sh's output)
// Usage: node web/serve.mjs [--port N] [--images DIR]   (PORT also read from the environment)
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import serveStatic from 'serve-static';

const root = fileURLToPath(new URL('..', import.meta.url));
const PUBLIC = ['/web/', '/src/js/', '/wasm-jit/', '/build/wasm/', '/node_modules/', '/examples/'];

/**
 * The server (not yet listening).
 * @param {{images?: string}} [opts]  images: directory served under /images/
 * @returns {http.Server}
 */
export function createServer({ images } = {}) {
  const repo = serveStatic(root);
  const imageFiles = images ? serveStatic(images, { index: false }) : null;
  return http.createServer((req, res) => {
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
    } else if (path.startsWith('/images/') && imageFiles) {
      req.url = req.url.slice('/images'.length);
      imageFiles(req, res, fail);
    } else if (PUBLIC.some((p) => path.startsWith(p) || `${path}/` === p)) {
      repo(req, res, fail);
    } else {
      fail();
    }
  });
}

/**
 * The default guest's image directory (builds the images on first use).
 * @returns {string}
 */
export function defaultImages() {
  const out = execFileSync('bash', [`${root}examples/images/riscv64/build.sh`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop();
}

function main(argv) {
  const arg = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const port = Number(arg('--port') ?? process.env.PORT ?? 8080);
  const images = arg('--images') ?? defaultImages();
  const server = createServer({ images });
  server.on('error', (e) => { console.error(`wvm serve: ${e.message}`); process.exit(1); });
  server.listen(port, '127.0.0.1', () => {
    console.log(`wvm: serving ${images} under /images/`);
    console.log(`wvm: open http://127.0.0.1:${server.address().port}/web/  (Ctrl-C stops)`);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
