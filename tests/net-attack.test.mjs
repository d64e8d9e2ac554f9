// A hostile guest cannot crash or corrupt the host through the network
// device and user-mode networking. The bare-metal guest
// tests/guest/net_attack.c sends seeded malformed descriptor chains and
// frames of every layer (Ethernet, ARP, IPv4 and fragments, ICMP, TCP with
// SYN floods, DNS, DHCP), then checks that RAM it never handed to the device
// is unchanged, that the device works after a reset and that the stack still
// answers ARP, ICMP echo, DHCP and a TCP SYN; here the host checks the exit
// status, that the sanitizers and lwIP's assertions stayed silent, and that
// the guest's connections reached a listener of ours (10.0.2.2:PORT to the
// guest). The job goes to the guest's UART: "SEED ROUNDS PORT".
//   WVM_ATTACK_SEEDS=1-200 node --test tests/net-attack.test.mjs   many seeds
// On every engine whose CLI takes -nic user; the others are skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { attackSeeds, engines, guestDir, runCli } from './helpers.mjs';

const ROUNDS = 300;

const nicErrors = new Map();
/** Why `engine`'s CLI cannot run the guest (it refuses -nic user), or '' if it can. */
function nicError(engine) {
  if (!nicErrors.has(engine)) {
    const probe = runCli(engine, ['-nic', 'user', '--help']);
    nicErrors.set(engine, probe.then((r) => (r.code === 0 ? '' : r.stderr.trim() || `exit ${r.code}`)));
  }
  return nicErrors.get(engine);
}

/** A TCP listener on 127.0.0.1 that sends each connection 4 KiB and its end, and reads what comes. */
async function listener() {
  let accepted = 0;
  const sockets = new Set();
  const server = net.createServer((sock) => {
    accepted++;
    sockets.add(sock);
    sock.on('error', () => {}); // the guest resets connections
    sock.on('close', () => sockets.delete(sock));
    sock.end(Buffer.alloc(4096, 0x5a));
    sock.resume();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    accepted: () => accepted,
    close: () => {
      sockets.forEach((s) => s.destroy());
      server.close();
    },
  };
}

/** The guest's own lines. */
const lines = (out) => (out.match(/net-attack: [^\r\n]*/g) ?? []).join('\n');

for (const seed of attackSeeds()) {
  test(`hostile network guest, seed ${seed}`, async (t) => {
    for (const engine of Object.keys(engines)) {
      await t.test(engine, async (tt) => {
        const refused = await nicError(engine);
        if (refused) {
          tt.skip(`its CLI does not take -nic user (${refused})`);
          return;
        }
        const host = await listener();
        try {
          const args = ['-m', '64', '-bios', 'none', '-kernel', `${guestDir}/net_attack.elf`, '-nic', 'user'];
          const r = await runCli(engine, args, { input: `${seed} ${ROUNDS} ${host.port}\n` });
          const said = lines(r.stdout);
          const why = `seed ${seed} on ${engine}: exit ${r.code}\n${said}\n${r.stderr.slice(-4000)}`;
          assert.doesNotMatch(r.stderr, /Sanitizer|runtime error|lwip: assertion/, why);
          assert.equal(r.code, 0, why);
          assert.match(said, /host kept its promises/, why);
          assert.ok(host.accepted() > 0, `no guest connection reached the listener\n${why}`);
        } finally {
          host.close();
        }
      });
    }
  });
}
