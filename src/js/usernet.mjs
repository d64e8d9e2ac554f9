// The host's part of user-mode networking (QEMU's -netdev user): the core's
// TCP/IP stack (src/net/usernet, wvm_net_user) terminates the guest's
// connections and asks the host, through events, for sockets and names; this
// class answers them with a transport of sockets: Node's (node-sockets.mjs)
// or a Wisp relay's (wisp-sockets.mjs, in the browser).
import { NetEvent } from './core.mjs';

const HOST_IP = 0x0a000202, NET_IP = 0x0a000200; // 10.0.2.2, 10.0.2.0/24
const UDP_IDLE_MS = 60000; // a guest port's UDP socket closes after this long unused
const UDP_SOCKETS = 64; // host UDP sockets at once (a guest sending from every port cannot exhaust the host's files)

/**
 * @typedef {object} TcpHandlers  what a transport reports about one TCP connection
 * @property {() => void} onOpen              connected
 * @property {(bytes: Uint8Array) => void} onData
 * @property {() => void} onEnd               the peer sends no more
 * @property {(error?: Error) => void} onClose  over (error: refused, reset, relay lost)
 */
/**
 * @typedef {object} TcpConn  one TCP connection of a transport
 * @property {(bytes: Uint8Array, done: () => void) => void} write  done: the bytes left this host
 * @property {() => void} end      send FIN after what was written (the guest sends no more)
 * @property {() => void} close    the guest has closed both ways: release the connection
 * @property {() => void} reset    abort (RST where the transport can)
 * @property {() => void} pause    stop onData until resume
 * @property {() => void} resume
 */
/**
 * @typedef {object} Sockets  a transport: how the host reaches its network
 * @property {(host: string, port: number, h: TcpHandlers) => TcpConn} tcp
 * @property {(onMessage: (bytes: Uint8Array, host: string, port: number) => void) =>
 *   {send: (bytes: Uint8Array, host: string, port: number) => void, close: () => void}} udp
 * @property {(name: string, family: 4|6) => Promise<Uint8Array[]>} lookup  addresses (4 or 16
 *   bytes); rejects with code 'ENOTFOUND'/'ENODATA' for a name that does not exist
 * @property {(host: string, port: number, onConn: () => (TcpHandlers & {bind: (c: TcpConn) => void})|null) =>
 *   Promise<{port: number, close: () => void}>} [listen]  hostfwd: for each host connection, onConn
 *   gives the guest side's handlers (null: refuse it) and takes the connection with bind
 */

/** 'a.b.c.d' of an IPv4 address in host order. */
export const ipString = (ip) => [24, 16, 8, 0].map((s) => (ip >>> s) & 255).join('.');

/** IPv4 'a.b.c.d' in host order, or null for anything else. */
export function ipNumber(s) {
  const p = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (!p || p.slice(1).some((x) => +x > 255)) return null;
  return p.slice(1).reduce((n, x) => n * 256 + +x, 0);
}

/**
 * The host side of a machine's user networking. attach() gives it a core machine; pump() after
 * each run slice serves the core's events; detach() drops every connection (the machine goes).
 */
export class UserNet {
  #core; #m = 0; #sockets; #kick; #conns = new Map(); #udp = new Map(); #servers = [];

  /**
   * @param {import('./core.mjs').Core} core
   * @param {Sockets} sockets  the transport
   * @param {() => void} kick  called when the guest has something new (run it soon)
   */
  constructor(core, sockets, kick) {
    this.#core = core;
    this.#sockets = sockets;
    this.#kick = kick;
  }

  /** Serve the core machine `m` (after wvm_net_user). */
  attach(m) { this.#m = m; }

  /** The machine goes: close every connection and UDP socket (hostfwd servers stay). */
  detach() {
    this.#m = 0;
    for (const c of this.#conns.values()) c.sock?.reset();
    this.#conns.clear();
    for (const gport of [...this.#udp.keys()]) this.#closeUdp(gport);
  }

  /** detach(), and stop listening for hostfwd. */
  close() {
    this.detach();
    for (const s of this.#servers) s.close();
    this.#servers = [];
  }

  /**
   * Listen for hostfwd rules ({hostAddr, hostPort, guestPort}): each host connection becomes a
   * connection from 10.0.2.2 to the guest's port.
   * @returns {Promise<Array<{hostAddr: string, hostPort: number, guestPort: number}>>} the rules
   *   with the ports listened on (a hostPort 0 becomes the one picked)
   * @throws Error if the transport cannot listen or a port is taken
   */
  async forward(rules) {
    if (!this.#sockets.listen) throw new Error('hostfwd needs a transport that can listen (Node)');
    const bound = [];
    for (const r of rules) {
      const server = await this.#sockets.listen(r.hostAddr, r.hostPort, () => this.#forwardConn(r.guestPort));
      this.#servers.push(server);
      bound.push({ ...r, hostPort: server.port });
    }
    return bound;
  }

  // A host connection to a hostfwd port: the guest side's handlers, or null (no machine, no room).
  #forwardConn(guestPort) {
    const id = this.#m ? this.#core.netTcpForward(this.#m, guestPort) : 0;
    if (!id) return null;
    this.#kick();
    const c = { id, sock: null, pending: [], ended: false, forward: true };
    this.#conns.set(id, c);
    return this.#handlers(c, (sock) => { c.sock = sock; });
  }

  /** Serve the events the core has queued (call after each run slice). */
  pump() {
    if (!this.#m) return;
    for (const e of this.#core.netEvents(this.#m)) this.#event(e);
  }

  #event({ type, id, ip, port, arg, data }) {
    const c = this.#conns.get(id);
    switch (type) {
      case NetEvent.TCP_CONNECT: return this.#connect(id, ip, port);
      case NetEvent.TCP_DATA: {
        if (!c?.sock) return; // gone meanwhile
        c.sock.write(data, () => this.#call(() => this.#conns.get(id) === c && this.#core.netTcpConsumed(this.#m, id, data.length)));
        return;
      }
      case NetEvent.TCP_EOF: return c?.sock?.end();
      case NetEvent.TCP_WRITABLE: return c && this.#flush(c);
      case NetEvent.TCP_CLOSED:
        if (!c) return;
        this.#conns.delete(id);
        if (arg) c.sock?.reset(); else c.sock?.close();
        return;
      case NetEvent.UDP_SEND: return this.#udpSend(arg, ip, port, data);
      case NetEvent.DNS_QUERY: return this.#resolve(id, new TextDecoder().decode(data), arg);
      default:
    }
  }

  // Run `fn` against the machine if it is still there, then wake it.
  #call(fn) {
    if (!this.#m) return;
    fn();
    this.#kick();
  }

  // Handlers of a connection's host socket, feeding the guest side of `c`.
  #handlers(c, bind) {
    const live = () => this.#m && this.#conns.get(c.id) === c;
    return {
      bind,
      onOpen: () => {
        c.open = true;
        if (live()) this.#call(() => this.#core.netTcpConnected(this.#m, c.id, true));
      },
      onData: (bytes) => {
        if (!live()) return;
        c.pending.push(bytes);
        this.#call(() => this.#flush(c));
      },
      onEnd: () => {
        c.ended = true;
        if (live()) this.#call(() => this.#flush(c));
      },
      onClose: (error) => {
        if (!live() || (!error && c.ended)) return;
        this.#conns.delete(c.id);
        this.#call(() => (c.open || c.forward ? this.#core.netTcpAbort(this.#m, c.id) : this.#core.netTcpConnected(this.#m, c.id, false)));
      },
    };
  }

  // Hand the guest what waits from the host side, as much as it takes; FIN after the last byte.
  #flush(c) {
    while (c.pending.length) {
      const head = c.pending[0], n = this.#core.netTcpSend(this.#m, c.id, head);
      if (n < head.length) {
        c.pending[0] = head.subarray(n);
        c.sock?.pause();
        return;
      }
      c.pending.shift();
    }
    c.sock?.resume();
    if (c.ended && !c.shut) {
      c.shut = true;
      this.#core.netTcpShutdown(this.#m, c.id);
    }
  }

  // The guest connects to ip:port: 10.0.2.2 is the host's loopback, the rest of 10.0.2.0/24 refuses.
  #connect(id, ip, port) {
    const host = ip === HOST_IP ? '127.0.0.1' : ip >>> 8 === NET_IP >>> 8 ? null : ipString(ip);
    if (!host) { this.#core.netTcpConnected(this.#m, id, false); return; }
    const c = { id, sock: null, pending: [], ended: false, open: false };
    this.#conns.set(id, c);
    c.sock = this.#sockets.tcp(host, port, this.#handlers(c));
  }

  // A datagram from guest port `gport`: one host socket per guest port (at most UDP_SOCKETS, the
  // least recently used one goes), replies come back to it. 10.0.2.x other than .2 goes nowhere.
  #udpSend(gport, ip, port, data) {
    if (ip >>> 8 === NET_IP >>> 8 && ip !== HOST_IP) return;
    let u = this.#udp.get(gport);
    if (u) this.#udp.delete(gport); // re-inserted last: Map order is the use order
    else {
      const m = this.#m;
      if (this.#udp.size >= UDP_SOCKETS) this.#closeUdp(this.#udp.keys().next().value);
      u = { sock: null, timer: null };
      u.sock = this.#sockets.udp((bytes, host, sport) => {
        if (this.#m !== m) return;
        const from = host === '127.0.0.1' ? HOST_IP : ipNumber(host);
        if (from !== null) this.#call(() => this.#core.netUdpRecv(m, from, sport, gport, bytes));
      });
    }
    this.#udp.set(gport, u);
    clearTimeout(u.timer);
    u.timer = setTimeout(() => this.#closeUdp(gport), UDP_IDLE_MS);
    u.timer.unref?.();
    u.sock.send(data, ip === HOST_IP ? '127.0.0.1' : ipString(ip), port);
  }

  #closeUdp(gport) {
    const u = this.#udp.get(gport);
    this.#udp.delete(gport);
    clearTimeout(u?.timer);
    u?.sock.close();
  }

  // A DNS query for `name` (qtype 1 A, 28 AAAA): the transport's resolver answers. A name with
  // no address of the type asked for is NOERROR with no answers; NXDOMAIN is for a name with none.
  #resolve(id, name, qtype) {
    const m = this.#m, len = qtype === 28 ? 16 : 4;
    const answer = (rcode, addrs = []) => this.#call(() => {
      if (this.#m !== m) return;
      const all = new Uint8Array(addrs.length * len);
      addrs.forEach((a, i) => all.set(a, i * len));
      this.#core.netDnsAnswer(m, id, rcode, all, len, 60);
    });
    const missing = (e) => e.code === 'ENOTFOUND' || e.code === 'ENODATA';
    this.#sockets.lookup(name, qtype === 28 ? 6 : 4).then(
      (addrs) => answer(0, addrs),
      (e) => {
        if (!missing(e)) answer(2);
        else if (qtype !== 28) answer(3);
        else this.#sockets.lookup(name, 4).then(() => answer(0), (e4) => answer(missing(e4) ? 3 : 2));
      },
    );
  }
}
