// The host side of user networking (src/js/usernet.mjs) against a fake core
// and fake sockets: where the guest's datagrams may go, how many host UDP
// sockets a guest can make the host open, DNS answers, and TCP flow control
// (the guest's bytes count as consumed only once the host socket took them;
// host bytes the guest cannot take wait, with the socket paused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetEvent } from '../src/js/core.mjs';
import { UserNet } from '../src/js/usernet.mjs';

const HOST = 0x0a000202, OTHER = 0x0a000209, OUTSIDE = 0xc0000201; // 10.0.2.2, 10.0.2.9, 192.0.2.1

/** A fake core recording the calls UserNet makes, with events to hand out. */
function fakeCore() {
  const calls = [];
  const core = { events: [], calls, room: Infinity };
  core.netEvents = () => core.events.splice(0);
  for (const name of ['netTcpConnected', 'netTcpConsumed', 'netTcpShutdown', 'netTcpAbort', 'netUdpRecv', 'netDnsAnswer']) {
    core[name] = (m, ...args) => calls.push([name, ...args]);
  }
  core.netTcpSend = (m, id, bytes) => { const n = Math.min(bytes.length, core.room); calls.push(['netTcpSend', id, n]); return n; };
  return core;
}

/** Fake sockets: UDP sockets opened and closed, datagrams sent, TCP connections made; names with IPv4 addresses only. */
function fakeSockets() {
  const s = { open: 0, maxOpen: 0, sent: [], tcps: [], names: new Map() };
  s.udp = () => {
    s.open++;
    s.maxOpen = Math.max(s.maxOpen, s.open);
    return { send: (bytes, host, port) => s.sent.push(`${host}:${port}`), close: () => s.open-- };
  };
  s.tcp = (host, port, h) => {
    const conn = { host, port, h, written: [], paused: false };
    s.tcps.push(conn);
    return { write: (b, done) => conn.written.push([b, done]), end() {}, close() {}, reset() {}, pause: () => { conn.paused = true; }, resume: () => { conn.paused = false; } };
  };
  s.lookup = async (name, family) => {
    if (!s.names.has(name) || family === 6) throw Object.assign(new Error('no'), { code: 'ENOTFOUND' });
    return s.names.get(name);
  };
  return s;
}

function setup() {
  const core = fakeCore(), sockets = fakeSockets();
  const net = new UserNet(core, sockets, () => {});
  net.attach(1);
  const send = (...events) => { core.events.push(...events); net.pump(); };
  return { core, sockets, net, send };
}

test('UDP: one host socket per guest port, at most 64 at once; 10.0.2.x other than .2 goes nowhere', () => {
  const { sockets, net, send } = setup();
  const udp = (sport, ip, port) => ({ type: NetEvent.UDP_SEND, id: 0, ip, port, arg: sport, data: new Uint8Array(4) });
  for (let p = 1000; p < 1300; p++) send(udp(p, HOST, 9));
  assert.equal(sockets.maxOpen, 64);
  assert.equal(sockets.sent.length, 300);
  assert.equal(sockets.sent[0], '127.0.0.1:9');
  send(udp(2000, OTHER, 9), udp(2001, OUTSIDE, 53));
  assert.deepEqual(sockets.sent.slice(300), ['192.0.2.1:53']);
  net.close();
  assert.equal(sockets.open, 0);
});

test('DNS: addresses for A, NOERROR without records for a missing AAAA, NXDOMAIN for an unknown name', async () => {
  const { core, sockets, send } = setup();
  sockets.names.set('here', [Uint8Array.of(127, 0, 0, 1)]);
  const q = (id, name, qtype) => ({ type: NetEvent.DNS_QUERY, id, ip: 0, port: 0, arg: qtype, data: new TextEncoder().encode(name) });
  send(q(1, 'here', 1), q(2, 'here', 28), q(3, 'nowhere', 1));
  await new Promise((r) => setTimeout(r, 10));
  const answers = new Map(core.calls.filter(([n]) => n === 'netDnsAnswer').map(([, id, rcode, addrs]) => [id, [rcode, [...addrs]]]));
  assert.deepEqual(answers.get(1), [0, [127, 0, 0, 1]]);
  assert.deepEqual(answers.get(2), [0, []]);
  assert.deepEqual(answers.get(3), [3, []]);
});

test('TCP: connect to 10.0.2.2 is the host loopback, guest bytes are consumed once written, host bytes wait for room', () => {
  const { core, sockets, send } = setup();
  send({ type: NetEvent.TCP_CONNECT, id: 7, ip: OTHER, port: 80, arg: 0, data: new Uint8Array(0) });
  assert.deepEqual(core.calls.pop(), ['netTcpConnected', 7, false]); // refused without a socket
  send({ type: NetEvent.TCP_CONNECT, id: 8, ip: HOST, port: 80, arg: 0, data: new Uint8Array(0) });
  const [c] = sockets.tcps;
  assert.equal(c.host, '127.0.0.1');
  c.h.onOpen();
  assert.deepEqual(core.calls.pop(), ['netTcpConnected', 8, true]);
  send({ type: NetEvent.TCP_DATA, id: 8, ip: 0, port: 0, arg: 0, data: new Uint8Array(100) });
  assert.equal(core.calls.some(([n]) => n === 'netTcpConsumed'), false);
  c.written[0][1](); // the host socket took them
  assert.deepEqual(core.calls.pop(), ['netTcpConsumed', 8, 100]);
  core.room = 30;
  c.h.onData(new Uint8Array(50));
  assert.deepEqual(core.calls.pop(), ['netTcpSend', 8, 30]);
  assert.equal(c.paused, true);
  core.room = 0;
  c.h.onEnd(); // no FIN while bytes wait
  assert.equal(core.calls.some(([n]) => n === 'netTcpShutdown'), false);
  core.room = Infinity;
  send({ type: NetEvent.TCP_WRITABLE, id: 8, ip: 0, port: 0, arg: 0, data: new Uint8Array(0) });
  assert.deepEqual(core.calls.slice(-2), [['netTcpSend', 8, 20], ['netTcpShutdown', 8]]);
  assert.equal(c.paused, false);
});
