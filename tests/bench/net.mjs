// User-mode networking of the default Linux guest: TCP throughput both ways
// and connection setup, for wvm's wasm build (JIT) in this process and for
// QEMU's -netdev user (slirp), against servers this process runs on the
// host's loopback (10.0.2.2 for both guests).
//  - upload: the guest pipes 16 MiB into `nc 10.0.2.2 PORT`; a host sink
//    counts them and closes; MB/s from its first byte to its last.
//  - download: `wget -O /dev/null` of 16 MiB from a host HTTP server; MB/s
//    over the command's host time (wget's start included).
//  - connect: a loop of 20 `nc 10.0.2.2 PORT </dev/null` against a host
//    server that closes at once; ms per round (nc's process start included,
//    for both emulators alike).
import http from 'node:http';
import net from 'node:net';
import { measureJitAndQemu } from './targets.mjs';

const BYTES = 16 << 20;
const CONNECTS = 20;
const TIMEOUT_MS = 300000;

/** The host's servers for one sample; close() stops them. */
async function hostServers() {
  const upload = { first: 0, last: 0, bytes: 0 };
  const sink = net.createServer((sock) => {
    sock.on('data', (d) => {
      upload.first ||= performance.now();
      upload.bytes += d.length;
      upload.last = performance.now();
      if (upload.bytes >= BYTES) sock.end();
    });
    sock.on('error', () => {});
  });
  const blob = Buffer.alloc(BYTES, 0x61);
  const web = http.createServer((req, res) => res.end(blob));
  const closer = net.createServer((sock) => sock.end());
  const all = [sink, web, closer];
  await Promise.all(all.map((s) => new Promise((resolve) => s.listen(0, '127.0.0.1', resolve))));
  const [sinkPort, webPort, closerPort] = all.map((s) => s.address().port);
  return { upload, sinkPort, webPort, closerPort, close: () => all.forEach((s) => { s.closeAllConnections?.(); s.close(); }) };
}

/** One sample on `target` (targets.mjs): {uploadMBps, downloadMBps, connectMs}. */
async function sample(target, images) {
  const srv = await hostServers();
  const r = await target.open(images, { net: true });
  try {
    const cmd = async (line) => r.session.command(line, { timeoutMs: TIMEOUT_MS });
    await cmd('while [ ! -s /etc/resolv.conf ]; do sleep 0.1; done'); // the lease comes after the prompt
    const up = await cmd(`dd if=/dev/zero bs=65536 count=${BYTES >> 16} 2>/dev/null | nc 10.0.2.2 ${srv.sinkPort}; echo rc=$?`);
    if (srv.upload.bytes !== BYTES) throw new Error(`${target.label}: the host received ${srv.upload.bytes} of ${BYTES} bytes: ${up.output}`);
    const down = await cmd(`wget -q -O - http://10.0.2.2:${srv.webPort}/ | wc -c`);
    if (down.output.trim() !== String(BYTES)) throw new Error(`${target.label}: the guest received '${down.output}' bytes, expected ${BYTES}`);
    const conn = await cmd(`i=0; while [ $i -lt ${CONNECTS} ]; do nc 10.0.2.2 ${srv.closerPort} </dev/null || echo fail; i=$((i+1)); done`);
    if (/fail|refused/.test(conn.output)) throw new Error(`${target.label}: a connection failed: ${conn.output}`);
    return {
      uploadMBps: BYTES / 1e6 / ((srv.upload.last - srv.upload.first) / 1000),
      downloadMBps: BYTES / 1e6 / down.seconds,
      connectMs: (conn.seconds * 1000) / CONNECTS,
    };
  } finally {
    await r.close().catch(() => {});
    srv.close();
  }
}

/**
 * Measure the network on wvm wasm (JIT) and QEMU, `runs` samples each, alternating (see
 * measureJitAndQemu).
 * @param {{t: import('./targets.mjs').Target, skipped: string|null}[]} status
 * @param {import('./targets.mjs').GuestImages} images  the default guest
 * @param {number} runs
 * @param {(s: string) => void} progress
 * @returns {Promise<Array<{id: string, label: string, skipped: string|null, samples: object[]}>>}
 */
export function measureNetwork(status, images, runs, progress) {
  return measureJitAndQemu(status, runs, progress, 'network: upload, download, connections', (t) => sample(t, images),
    (s) => `network: upload ${s.uploadMBps.toFixed(1)} MB/s, download ${s.downloadMBps.toFixed(1)} MB/s, `
      + `${s.connectMs.toFixed(1)} ms per connection`);
}
