// A TCP server for GDB's remote serial protocol in Node (QEMU's -gdb
// tcp::PORT), in front of a Machine's transport-free debug session
// (Machine.gdbSession, over the core's stub: src/core/gdbstub.c).
import { createServer } from 'node:net';

/**
 * Listen for one debugger at a time on host:port and connect it to `machine`.
 * A second connection while one is open is closed at once; when the
 * debugger disconnects, its breakpoints go and the guest runs on.
 * @param {import('./machine.mjs').Machine} machine
 * @param {number} port  TCP port, 0 for any free one
 * @param {string} host  IPv4 or IPv6 address to listen on
 * @returns {Promise<{port: number, close: () => void}>} the port listened on (useful with 0) and
 *   a function that closes the server and the connection (the guest then runs on)
 * @throws Error "-gdb: cannot listen on HOST:PORT (EADDRINUSE)" and the like
 */
export function listenGdb(machine, port, host) {
  let conn = null;
  const server = createServer((socket) => {
    if (conn) { socket.destroy(); return; }
    socket.setNoDelay(true);
    const session = machine.gdbSession((bytes) => socket.write(bytes), () => socket.destroy());
    conn = { socket, session };
    socket.on('data', (buf) => session.input(buf));
    socket.on('error', () => {});
    socket.on('close', () => { session.close(); conn = null; });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`-gdb: cannot listen on ${host}:${port} (${e.code ?? e.message})`)));
    server.listen(port, host, () => {
      server.unref(); // the guest's end ends the process, as the native CLI's
      resolve({
        port: server.address().port,
        close: () => { server.close(); conn?.socket.destroy(); },
      });
    });
  });
}
