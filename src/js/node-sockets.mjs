// The transport of user-mode networking in Node (usernet.mjs' Sockets): the
// guest's TCP connections and UDP datagrams become node:net and node:dgram
// sockets, its DNS questions dns.lookup calls (the host's resolver).
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import net from 'node:net';

// A TcpConn over a node:net socket, reporting to handlers `h`.
function wrap(sock, h) {
  let closed = false;
  sock.setNoDelay(true);
  sock.on('connect', () => h.onOpen());
  sock.on('data', (buf) => h.onData(new Uint8Array(buf.buffer, buf.byteOffset, buf.length)));
  sock.on('end', () => h.onEnd());
  sock.on('error', () => {}); // 'close' follows with hadError
  sock.on('close', (hadError) => {
    if (!closed) h.onClose(hadError ? new Error('connection failed or reset') : undefined);
    closed = true;
  });
  return {
    write: (bytes, done) => sock.write(bytes, done),
    end: () => sock.end(),
    close: () => sock.end(), // the socket closes once its peer has ended too
    // RST; after end() a plain destroy: Node 20's resetAndDestroy with a shutdown pending leaves
    // a request that never completes, and the process cannot exit.
    reset: () => { closed = true; if (sock.writableEnded) sock.destroy(); else sock.resetAndDestroy(); },
    pause: () => sock.pause(),
    resume: () => sock.resume(),
  };
}

/** Address bytes of an IPv4 or IPv6 address string. */
function addressBytes(s) {
  if (isIP(s) === 4) return Uint8Array.from(s.split('.').map(Number));
  const [head, tail = ''] = s.split('::'), part = (x) => (x ? x.split(':') : []);
  const groups = [...part(head), ...Array(8 - part(head).length - part(tail).length).fill('0'), ...part(tail)];
  return Uint8Array.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255]));
}

/** @type {import('./usernet.mjs').Sockets} */
export const nodeSockets = {
  tcp: (host, port, h) => wrap(net.connect({ host, port, allowHalfOpen: true }), h),

  udp(onMessage) {
    const sock = createSocket('udp4');
    sock.on('message', (buf, rinfo) => onMessage(new Uint8Array(buf), rinfo.address, rinfo.port));
    sock.on('error', () => {});
    sock.unref();
    return { send: (bytes, host, port) => sock.send(bytes, port, host), close: () => sock.close() };
  },

  async lookup(name, family) {
    const all = await lookup(name, { family, all: true });
    return all.map((a) => addressBytes(a.address));
  },

  listen(host, port, onConn) {
    const server = net.createServer({ allowHalfOpen: true }, (sock) => {
      const h = onConn();
      if (!h) { sock.destroy(); return; }
      const conn = wrap(sock, h);
      h.bind(conn);
    });
    return new Promise((resolve, reject) => {
      server.once('error', (e) => reject(new Error(`hostfwd: cannot listen on ${host}:${port} (${e.code ?? e.message})`)));
      server.listen(port, host, () => {
        server.unref();
        resolve({ port: server.address().port, close: () => server.close() });
      });
    });
  },
};
