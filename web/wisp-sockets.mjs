// The transport of user-mode networking in a browser (usernet.mjs' Sockets):
// the guest's TCP connections and UDP datagrams become streams of one Wisp
// connection (a WebSocket to a relay such as `npm run serve`'s /wisp/, which
// decides where they may go). A page cannot resolve names, so the guest's DNS
// questions get stand-in addresses from 198.18.0.0/15 (RFC 2544's benchmark
// range) that stand for the name: a connection to one goes to the relay by
// name, and the relay resolves it. Wisp streams have no half-close: the
// guest's FIN is held until the guest closes the connection.
import { client } from '../node_modules/@mercuryworkshop/wisp-js/dist/wisp-client.mjs';
import { ipNumber, ipString } from '../src/js/usernet.mjs';

const STANDIN = 0xc6120000, STANDIN_MASK = 0xfffe0000; // 198.18.0.0/15
const CLOSE_VOLUNTARY = 2; // Wisp close reasons (protocol section 4.5)
const WS_HIGH_WATER = 1 << 20; // bytes the WebSocket may hold before writes wait


/**
 * A Sockets transport over the Wisp relay at `url` (ws: or wss:, ending in '/').
 * The WebSocket opens on first use and again after it drops (its streams end as
 * resets for the guest).
 * @param {string} url
 * @returns {import('../src/js/usernet.mjs').Sockets}
 */
export function wispSockets(url) {
  let conn = null, ready = null;
  const names = new Map(), addrs = new Map(); // stand-in address <-> name

  // The relay connection: resolves once it is open; rejects if it cannot open.
  const relay = () => {
    if (ready) return ready;
    conn = new client.ClientConnection(url);
    ready = new Promise((resolve, reject) => {
      conn.onopen = resolve;
      conn.onerror = () => reject(new Error(`cannot reach the network relay ${url}`));
      conn.onclose = () => reject(new Error(`the network relay ${url} closed`));
    });
    const forget = () => { conn = null; ready = null; };
    ready.then(() => { conn.onclose = forget; }, forget);
    return ready;
  };

  // A stream to host:port once the relay is open: onStream(stream), or onError(error).
  const open = (host, port, type, onStream, onError) => {
    const ip = ipNumber(host);
    const target = ip !== null && (ip & STANDIN_MASK) >>> 0 === STANDIN ? names.get(ip) ?? host : host;
    relay().then(() => onStream(conn.create_stream(target, port, type)), onError);
  };

  return {
    tcp(host, port, h) {
      let stream = null, dead = false;
      const early = []; // writes before the stream exists
      const end = (reason) => {
        if (dead) return;
        dead = true;
        if (reason === CLOSE_VOLUNTARY) { h.onEnd(); h.onClose(); } else h.onClose(new Error(`relay closed the stream (reason ${reason})`));
      };
      open(host, port, 'tcp', (s) => {
        stream = s;
        s.onmessage = (bytes) => h.onData(bytes);
        s.onclose = end;
        h.onOpen(); // Wisp reports no connect: a refusal arrives later as a close
        early.splice(0).forEach(([b, done]) => write(b, done));
      }, (e) => { dead = true; h.onClose(e); });
      // done() once the relay took the bytes, so the guest's window follows the relay's pace.
      const write = (bytes, done) => {
        if (dead) return;
        if (!stream) { early.push([bytes, done]); return; }
        stream.send(bytes);
        const drained = () => (dead || (!stream.send_buffer.length && stream.ws.bufferedAmount < WS_HIGH_WATER) ? done() : setTimeout(drained, 5));
        drained();
      };
      const close = () => { if (!dead && stream) { dead = true; stream.close(CLOSE_VOLUNTARY); } };
      return { write, end: () => {}, close, reset: close, pause: () => {}, resume: () => {} };
    },

    udp(onMessage) {
      const streams = new Map(); // 'host:port' -> stream
      return {
        send(bytes, host, port) {
          const key = `${host}:${port}`, s = streams.get(key);
          if (s?.pending) { s.pending.push(bytes); return; }
          if (s) { s.send(bytes); return; }
          streams.set(key, { pending: [bytes] }); // until the relay is open
          open(host, port, 'udp', (stream) => {
            const queued = streams.get(key)?.pending ?? [];
            streams.set(key, stream);
            stream.onmessage = (b) => onMessage(b, host, port);
            stream.onclose = () => streams.delete(key);
            queued.forEach((b) => stream.send(b));
          }, () => streams.delete(key));
        },
        close: () => { for (const s of streams.values()) s.close?.(CLOSE_VOLUNTARY); streams.clear(); },
      };
    },

    // A stand-in address for `name` (IPv4 only: AAAA questions get no answer records).
    async lookup(name, family) {
      if (family === 6) return [];
      let ip = addrs.get(name);
      if (ip === undefined) {
        if (addrs.size >= ~STANDIN_MASK - 1) throw new Error('out of stand-in addresses');
        ip = (STANDIN + 1 + addrs.size) >>> 0;
        addrs.set(name, ip);
        names.set(ip, name);
      }
      return [Uint8Array.from(ipString(ip).split('.'), Number)];
    },
  };
}
