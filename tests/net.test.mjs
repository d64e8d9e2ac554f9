// User-mode networking under Node (-nic user): the default guest gets its
// address by DHCP, downloads a file from an HTTP server on the host's
// loopback (10.0.2.2) and checks its sha256, serves a file with busybox httpd
// that the host fetches through hostfwd, exchanges UDP datagrams with a host
// echo server, resolves a name through 10.0.2.3 with the host's resolver and
// pings the gateway. A host server that resets mid-transfer gives the guest
// an error, not a hang.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { Machine } from '../src/js/machine.mjs';
import { PROMPT, machineSession } from '../src/js/session.mjs';
import { guestImages } from './images.mjs';

let img, s, machine;
/** Type a command line; its output. */
const run = async (line, timeoutMs = 60000) => (await s.command(line, { timeoutMs })).output;
const servers = [];

/** Listen on 127.0.0.1 and a free port; resolves with the port. */
function listen(server) {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

before(async () => {
  img = guestImages();
  machine = await Machine.create({
    mem: 256, kernel: readFileSync(`${img}/Image`), initrd: readFileSync(`${img}/initramfs.cpio.gz`),
    append: 'console=ttyS0', net: { hostfwd: ['tcp::0-:8080'] },
  });
  s = machineSession(machine);
  machine.start();
  await s.waitFor(PROMPT, { timeoutMs: 120000 });
  // the lease comes in the background after the prompt
  await run('while [ ! -s /etc/resolv.conf ]; do sleep 0.2; done', 60000);
});

after(() => {
  machine?.stop();
  servers.forEach((x) => x.close());
});

test('DHCP gives the guest 10.0.2.15, gateway 10.0.2.2 and DNS 10.0.2.3', async () => {
  assert.match(await run('ip -4 addr show eth0'), /inet 10\.0\.2\.15\/24/);
  assert.match(await run('ip route'), /default via 10\.0\.2\.2 dev eth0/);
  assert.match(await run('cat /etc/resolv.conf'), /nameserver 10\.0\.2\.3/);
});

test('wget from an HTTP server on the host loopback: the sha256 matches', async () => {
  const blob = randomBytes(2 << 20);
  const port = await listen(http.createServer((req, res) => res.end(req.url === '/f' ? blob : 'no')));
  const out = await run(`wget -q -O /tmp/f http://10.0.2.2:${port}/f && sha256sum /tmp/f && rm /tmp/f`, 120000);
  assert.equal(out.split(/\s+/)[0], createHash('sha256').update(blob).digest('hex'));
});

test('hostfwd: a host client reaches the guest\'s httpd', async () => {
  await run('mkdir -p /www && echo served-by-guest-$((6*7)) > /www/i.txt && httpd -p 8080 -h /www');
  const [{ hostPort }] = machine.hostfwd;
  const res = await fetch(`http://127.0.0.1:${hostPort}/i.txt`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'served-by-guest-42\n');
  // a large body from the guest: 1 MiB of a known pattern
  await run('dd if=/dev/zero bs=1024 count=1024 2>/dev/null | tr "\\0" "w" > /www/big');
  const big = new Uint8Array(await (await fetch(`http://127.0.0.1:${hostPort}/big`)).arrayBuffer());
  assert.equal(big.length, 1 << 20);
  assert.ok(big.every((b) => b === 0x77));
});

test('UDP round trip with a host echo server', async () => {
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => sock.send(Buffer.concat([Buffer.from('echo:'), msg]), rinfo.port, rinfo.address));
  servers.push(sock);
  const port = await new Promise((resolve) => sock.bind(0, '127.0.0.1', () => resolve(sock.address().port)));
  const out = await run(`echo ping-$((2+3)) | nc -u -w 2 10.0.2.2 ${port}`);
  assert.match(out, /echo:ping-5/);
});

test('DNS: 10.0.2.3 answers with the host\'s resolver', async () => {
  const out = await run('nslookup localhost 10.0.2.3');
  assert.match(out, /Address: 127\.0\.0\.1/);
  assert.match(await run('nslookup no-such-name.invalid 10.0.2.3; echo rc=$?'), /NXDOMAIN[\s\S]*rc=1/);
});

test('ping 10.0.2.2: the stack answers ICMP echo', async () => {
  assert.match(await run('ping -c 2 10.0.2.2'), /2 packets transmitted, 2 packets received/);
});

test('a host server that resets mid-transfer: the guest\'s wget fails, it does not hang', async () => {
  const port = await listen(net.createServer((sock) => {
    sock.write('HTTP/1.0 200 OK\r\nContent-Length: 10000000\r\n\r\n');
    sock.write(Buffer.alloc(100000, 1), () => sock.resetAndDestroy());
  }));
  const out = await run(`wget -q -O /dev/null http://10.0.2.2:${port}/; echo rc=$?`, 60000);
  assert.match(out, /rc=1/);
  // a port nobody listens on is refused at once
  const closed = await listen(net.createServer());
  servers.pop().close();
  assert.match(await run(`wget -q -O /dev/null http://10.0.2.2:${closed}/; echo rc=$?`), /refused[\s\S]*rc=1/);
});

test('a snapshot of a networked guest restores with the network working (connections are not in it)', async (t) => {
  const snap = await machine.save();
  const restored = await Machine.restore(snap, { net: true });
  t.after(() => restored.stop());
  const r = machineSession(restored);
  restored.start();
  const port = await listen(http.createServer((req, res) => res.end('after-restore')));
  const { output } = await r.command(`wget -q -O - http://10.0.2.2:${port}/; echo`, { timeoutMs: 60000 });
  assert.match(output, /after-restore/, r.text);
  assert.deepEqual(restored.hostfwd, []); // hostfwd only where asked for
});
