// A hostile guest cannot crash, corrupt or exhaust the host. The bare-metal
// guest tests/guest/virtio_attack.c drives every virtio device with seeded
// malformed input, checks that RAM it never handed to a device is unchanged
// and that every device works after a reset, then reboots with disk requests
// in flight and checks the devices again; here the host checks the exit
// status, the read-only image, and that the sanitizers stayed silent. On the
// native, ASan+UBSan and wasm builds.
//   WVM_ATTACK_SEEDS=1-200 node --test tests/attack.test.mjs   many seeds
// A flood of 32 MiB disk writes keeps peak host RSS within 64 MiB of a run
// that touches the same guest memory without I/O.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { attackSeeds, engines, guestDir, runCli } from './helpers.mjs';

const ROUNDS = 300;
const FLOOD = 16; // 32 MiB writes submitted at once: 512 MiB of requests
const FLOOD_BASELINE = 0xffffffff; // the guest touches the flood buffer, no I/O
const RSS_BOUND_MIB = 64;

/**
 * The two disks of a run in a fresh directory: a 64 MiB sparse read-write
 * image and a 1 MiB read-only one holding the job (sector 0) and a known
 * pattern (ro_byte in the guest).
 */
function makeDisks(seed, rounds, flood) {
  const dir = mkdtempSync(`${tmpdir()}/wvm-attack-`);
  const ro = new Uint8Array(1 << 20);
  for (let o = 0; o < ro.length; o++) ro[o] = ((o >> 9) * 31 + (o & 511) * 7 + 0x5a) & 0xff;
  const job = Buffer.alloc(24);
  job.write('WVMATTK1', 0, 'latin1');
  job.writeBigUInt64LE(BigInt(seed), 8);
  job.writeUInt32LE(rounds, 16);
  job.writeUInt32LE(flood, 20);
  ro.set(job, 0);
  writeFileSync(`${dir}/ro.img`, ro);
  writeFileSync(`${dir}/rw.img`, '');
  truncateSync(`${dir}/rw.img`, 64 << 20);
  return { dir, rw: `${dir}/rw.img`, ro: `${dir}/ro.img`, roHash: createHash('sha256').update(ro).digest('hex') };
}

function run(engine, disks, extra = []) {
  return runCli(engine, [...extra, '-m', '64', '-bios', 'none', '-kernel', `${guestDir}/virtio_attack.elf`,
    '-drive', `file=${disks.rw},format=raw,if=virtio`,
    '-drive', `file=${disks.ro},format=raw,if=virtio,readonly=on`], { timeoutMs: 300000 });
}

/** The guest's own lines (it also sends garbage to the console on purpose). */
const lines = (out) => (out.match(/attack: [^\r\n]*/g) ?? []).join('\n');

for (const seed of attackSeeds()) {
  test(`hostile guest, seed ${seed}`, async (t) => {
    for (const engine of Object.keys(engines)) {
      await t.test(engine, async () => {
        const disks = makeDisks(seed, ROUNDS, 0);
        try {
          const r = await run(engine, disks);
          const said = lines(r.stdout);
          const why = `seed ${seed} on ${engine}: exit ${r.code}\n${said}\n${r.stderr.slice(-4000)}`;
          assert.doesNotMatch(r.stderr, /Sanitizer|runtime error/, why);
          assert.equal(r.code, 0, why);
          assert.match(said, /host kept its promises/, why);
          assert.match(said, /rebooting with disk requests in flight/, why);
          assert.match(said, /devices work after the reboot/, why);
          assert.equal((said.match(/virtio-console ok/g) ?? []).length, 2, why);
          const ro = readFileSync(disks.ro);
          assert.equal(createHash('sha256').update(ro).digest('hex'), disks.roHash, 'the read-only image changed');
        } finally {
          rmSync(disks.dir, { recursive: true, force: true });
        }
      });
    }
  });
}

/** Peak RSS in MiB that --stats reports for a run of the flood job `flood`. */
async function peakRss(engine, flood) {
  const disks = makeDisks(0, 0, flood);
  try {
    // JIT off: its compiler's own memory (Binaryen in a worker) is not what this measures
    const r = await run(engine, disks, ['--stats', ...(engine === 'wasm' ? ['-jit', 'off'] : [])]);
    assert.equal(r.code, 0, `${engine} flood ${flood}: exit ${r.code}\n${lines(r.stdout)}\n${r.stderr.slice(-4000)}`);
    const m = /peak RSS ([\d.]+) MiB/.exec(r.stderr);
    assert.ok(m, r.stderr);
    return Number(m[1]);
  } finally {
    rmSync(disks.dir, { recursive: true, force: true });
  }
}

test(`a disk flood holds at most ${RSS_BOUND_MIB} MiB of host memory`, async (t) => {
  for (const engine of ['native', 'wasm']) {
    await t.test(engine, async () => {
      const base = await peakRss(engine, FLOOD_BASELINE);
      const flood = await peakRss(engine, FLOOD);
      t.diagnostic(`${engine}: peak RSS ${base} MiB without I/O, ${flood} MiB with ${FLOOD} x 32 MiB writes in flight`);
      assert.ok(flood - base <= RSS_BOUND_MIB, `${engine}: ${flood} MiB vs ${base} MiB without I/O`);
    });
  }
});
