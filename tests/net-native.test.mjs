// User-mode networking of the native CLI (-nic user, src/cli/net_posix.c)
// with real Linux: the guest gets its address by DHCP, wgets a 2 MiB file
// from a host HTTP server on 127.0.0.1 (as 10.0.2.2), serves it back with
// httpd through a hostfwd port picked by the system (HOSTPORT 0), has a
// datagram echoed by a host UDP server, resolves a name through 10.0.2.3 and
// pings the gateway; a reboot keeps the hostfwd port. The ASan build runs the
// same session when it is built. A machine saved with a NIC (monitor: migrate)
// continues on user networking after -incoming.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { PROMPT, processSession } from '../src/js/session.mjs';
import { guestImages } from './images.mjs';
import { engines, spawnOnTerminal } from './helpers.mjs';

const big = randomBytes(2 << 20);
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
let http, udp, httpPort, udpPort;

before(async () => {
  http = createServer((req, res) => {
    if (req.url !== '/big') { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-length': big.length }).end(big);
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpPort = http.address().port;
  udp = createSocket('udp4');
  udp.on('message', (msg, from) => udp.send(Buffer.concat([Buffer.from('echo:'), msg]), from.port, from.address));
  await new Promise((resolve) => udp.bind(0, '127.0.0.1', resolve));
  udpPort = udp.address().port;
});
after(() => { http.close(); udp.close(); });

/** GET http://127.0.0.1:port/path: the body. */
async function fetchBody(port, path) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  assert.equal(res.status, 200);
  return Buffer.from(await res.arrayBuffer());
}

for (const engine of ['native', 'asan']) {
  const skip = !existsSync(engines[engine][0]) && `${engines[engine][0]} is not built`;
  test(`${engine}: -nic user: DHCP, wget from the host, httpd through hostfwd, UDP, DNS, ping`, { skip, timeout: 900000 }, async (t) => {
    const img = guestImages();
    const child = spawn(engines[engine][0], ['-m', '256', '-kernel', `${img}/Image`, '-initrd', `${img}/initramfs.cpio.gz`,
      '-append', 'console=ttyS0', '-nic', 'user,hostfwd=tcp::0-:8080'], {
      stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0' },
    });
    const s = processSession(child, engine);
    t.after(() => child.kill('SIGKILL'));
    const slow = engine === 'asan' ? 5 : 1, cmd = async (line, ms = 60000) => (await s.command(line, { timeoutMs: ms * slow })).output;
    await s.waitFor(PROMPT, { timeoutMs: 180000 * slow });
    const fwd = /wvm: hostfwd 127\.0\.0\.1:(\d+) -> guest 8080\n/.exec(s.stderr);
    assert.ok(fwd, `no hostfwd port on stderr: ${s.stderr}`);

    await cmd('while [ ! -s /etc/resolv.conf ]; do sleep 1; done', 120000);
    assert.match(await cmd('cat /etc/resolv.conf; ip -4 addr show dev eth0'), /nameserver 10\.0\.2\.3[^]*inet 10\.0\.2\.15\/24/);

    const t0 = performance.now();
    await cmd(`mkdir -p /www && wget -q -O /www/big http://10.0.2.2:${httpPort}/big`, 300000);
    const seconds = (performance.now() - t0) / 1000;
    t.diagnostic(`wget of 2 MiB from the host: ${seconds.toFixed(2)} s`);
    assert.equal((await cmd('sha256sum /www/big')).split(' ')[0], sha256(big));

    await cmd('httpd -p 8080 -h /www');
    assert.equal(sha256(await fetchBody(+fwd[1], '/big')), sha256(big));

    assert.match(await cmd(`echo hi | nc -u -w1 10.0.2.2 ${udpPort}`), /echo:hi/);
    assert.match(await cmd('nslookup localhost 10.0.2.3'), /Address:\s*127\.0\.0\.1/);
    assert.match(await cmd('ping -c1 10.0.2.2'), /1 packets received/);
    assert.match(await cmd(`wget -q -O - http://10.0.2.9:${httpPort}/big || echo refused`), /refused/);

    // A reboot resets the connections; the hostfwd port stays (a reset while the guest does not listen).
    const open = connect(+fwd[1], '127.0.0.1'), closed = new Promise((resolve) => open.on('close', resolve));
    open.on('error', () => {});
    await new Promise((resolve) => open.on('connect', resolve));
    const from = s.text.length;
    s.send('reboot -f\n');
    await s.waitFor(PROMPT, { from, timeoutMs: 180000 * slow });
    await closed;
    await assert.rejects(fetchBody(+fwd[1], '/big'));
    await cmd('while [ ! -s /etc/resolv.conf ]; do sleep 1; done; mkdir /www; echo again > /www/x; httpd -p 8080 -h /www', 120000);
    assert.equal(String(await fetchBody(+fwd[1], '/x')), 'again\n');

    child.stdin.write('poweroff -f\n');
    assert.equal(await s.exited, 0, s.stderr);
    assert.doesNotMatch(s.stderr, /Sanitizer|runtime error/);
  });
}

test('native: a machine saved with -nic user (monitor migrate) serves through hostfwd again after -incoming', { timeout: 600000 }, async (t) => {
  const img = guestImages(), file = `${mkdtempSync(`${tmpdir()}/wvm-net-`)}/net.snap`;
  // on a pseudo-terminal (util-linux's script), where Ctrl-A c reaches the monitor; stderr shows there too
  const args = ['-m', '256', '-kernel', `${img}/Image`, '-initrd', `${img}/initramfs.cpio.gz`, '-append', 'console=ttyS0',
    '-nic', 'user,hostfwd=tcp::0-:8080'];
  const a = processSession(spawnOnTerminal('native', args), 'native on a terminal');
  t.after(() => a.send('\x01x'));
  await a.waitFor(PROMPT, { timeoutMs: 180000 });
  await a.command('while [ ! -s /etc/resolv.conf ]; do sleep 1; done; mkdir /www; echo saved > /www/x; httpd -p 8080 -h /www', { timeoutMs: 120000 });
  const from = a.text.length;
  a.send(`\x01cmigrate file:${file}\r`);
  await a.waitFor(/saved to/, { from, timeoutMs: 60000 });
  a.send('\x01x');
  assert.equal(await a.exited, 0);

  const b = spawn(engines.native[0], ['-incoming', `file:${file}`, '-nic', 'user,hostfwd=tcp::0-:8080'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const s = processSession(b, 'native -incoming');
  t.after(() => b.kill('SIGKILL'));
  const fwd = await new Promise((resolve) => b.stderr.on('data', () => { const m = /hostfwd 127\.0\.0\.1:(\d+)/.exec(s.stderr); if (m) resolve(+m[1]); }));
  assert.equal(String(await fetchBody(fwd, '/x')), 'saved\n');
  assert.match((await s.command('ping -c1 10.0.2.2', { timeoutMs: 60000 })).output, /1 packets received/);
  b.stdin.write('poweroff -f\n');
  assert.equal(await s.exited, 0, s.stderr);
});
