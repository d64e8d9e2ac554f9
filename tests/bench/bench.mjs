// `npm run bench [-- --quick]`: wvm's performance in one run, against QEMU
// and against the host itself.
//  1. Bare-metal compute loops (tests/guest/bench_alu, bench_crc): guest
//     M instr/s of wvm's native and wasm builds (micro.mjs).
//  2. The default riscv64 Linux guest on every target of targets.mjs (wvm
//     wasm in this process, wvm native, QEMU; the host's own busybox for the
//     workloads): boot to the prompt, then the workloads of workloads.mjs,
//     each timed inside the guest and by the host.
//  2b. The same on the arm64 guest (examples/images/arm64; QEMU is
//     qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72).
//  3. Snapshots of the default guest at its prompt (snapshot.mjs): save and
//     restore on wvm wasm (JIT) and QEMU, against a cold boot.
//  4. User-mode networking (net.mjs): TCP upload, download and connection
//     setup on wvm wasm (JIT) and QEMU's -netdev user.
//  5. File sharing (share.mjs): 9p read, write and small-file throughput on
//     wvm wasm (JIT) and QEMU's virtio-9p-device.
// Each figure has 3 samples (1 with --quick); tables on stdout, progress on
// stderr, every sample in build/bench/bench-<date>.json and latest.json, and
// the change vs the previous latest.json. Timings are printed, never
// asserted: the exit status is non-zero only if something breaks (a guest
// does not boot, a workload fails or prints the wrong result).
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { guestImages } from '../images.mjs';
import { root } from '../helpers.mjs';
import { benchInitrd, RANDOM_SIZE } from './bench-initrd.mjs';
import { machineInfo } from './machine-info.mjs';
import { microEngines, microPrograms, runMicro } from './micro.mjs';
import { compareTable, hostWallTable, jitTable, mainTable, microTable, networkTable, saveResult, sessionLine, shareTable,
  snapshotTable } from './report.mjs';
import { measureNetwork } from './net.mjs';
import { measureShare } from './share.mjs';
import { measureSnapshots } from './snapshot.mjs';
import { GUESTS, liveChildren, targets } from './targets.mjs';
import { guestPaths, workloads } from './workloads.mjs';

const quick = process.argv.includes('--quick');
const runs = quick ? 1 : 3;
const outDir = `${root}build/bench`;
const progress = (s) => process.stderr.write(`bench: ${s}\n`);
const fmtS = (x) => `${x.toFixed(3)} s`;

/** Bare-metal MIPS, wvm native vs wasm. */
async function measureMicro() {
  const micro = {};
  for (const name of microPrograms) {
    micro[name] = {};
    for (const engine of microEngines) {
      micro[name][engine] = [];
      for (let i = 0; i < runs; i++) {
        const s = await runMicro(engine, name);
        progress(`${name} on wvm ${engine} (${i + 1}/${runs}): ${s.mips.toFixed(0)} M instr/s`);
        micro[name][engine].push(s);
      }
    }
  }
  return micro;
}

/** A boot as a row sample: measured by the host, so seconds = hostSeconds. */
function bootSample({ seconds, instret, createSeconds }) {
  return { seconds, hostSeconds: seconds, instret, ...(createSeconds != null && { createSeconds }) };
}

/**
 * Boots and workloads on every available target, sample by sample (each
 * sample visits every target in turn, so a drift of the host's speed spreads
 * over all of them).
 */
async function measureTargets(available, images) {
  const samples = {}, sessions = {};
  const add = (t, row, s) => ((samples[t.id] ??= {})[row] ??= []).push(s);
  let guestKernel = null;
  for (let i = 0; i < runs; i++) {
    for (const t of available) {
      const tag = `[${t.label} ${i + 1}/${runs}]`;
      if (t.guest) {
        progress(`${tag} boot to prompt`);
        const plain = await t.open(images.plain);
        add(t, 'boot', bootSample(plain.boot));
        guestKernel ??= plain.boot.kernel;
        await plain.close();
        progress(`${tag} boot to prompt: ${fmtS(plain.boot.seconds)}; boot with the bench cpio`);
      }
      const r = await t.open(t.guest ? images.bench : images.host);
      if (r.boot) {
        add(t, 'boot-bench', bootSample(r.boot));
        progress(`${tag} boot with the bench cpio: ${fmtS(r.boot.seconds)}`);
      }
      for (const w of workloads) {
        progress(`${tag} ${w.title} ...`);
        const s = await r.run(w);
        add(t, w.id, s);
        const instr = s.instret != null ? `, ${(s.instret / 1e9).toFixed(3)} G instr` : '';
        progress(`${tag} ${w.title}: ${fmtS(s.seconds)} (host wall ${fmtS(s.hostSeconds)}${instr})`);
      }
      const totals = await r.close();
      if (totals) (sessions[t.id] ??= []).push(totals);
    }
  }
  return { samples, sessions, guestKernel };
}

/**
 * The boots and workloads again on the arm64 guest (its recipe's kernel and
 * initramfs, the same bench files), on every target; QEMU is
 * qemu-system-aarch64 then. Returns {targets, samples, sessions, guestKernel}.
 */
async function measureArm64(status, host) {
  const guest = GUESTS.aarch64;
  progress('building or finding the arm64 guest images and its bench initrd');
  const dir = guestImages('arm64');
  const kernel = `${dir}/Image`;
  const images = {
    plain: { kernel, initrd: `${dir}/initramfs.cpio.gz`, paths: null, guest },
    bench: { kernel, initrd: benchInitrd(dir).initrd, paths: guestPaths, guest },
    host,
  };
  const qemuMissing = spawnSync(guest.qemu, ['--version']).status === 0 ? null : `${guest.qemu} not found (apt-get install ${guest.qemuPackage})`;
  const status64 = status.map(({ t, skipped }) => ({ t, skipped: skipped ?? (t.id === 'qemu' ? qemuMissing : null) }));
  for (const { t, skipped } of status64) if (skipped && t.id === 'qemu') progress(`arm64: skipping ${t.label}: ${skipped}`);
  const measured = await measureTargets(status64.filter((x) => !x.skipped).map((x) => x.t), images);
  return { ...measured, targets: status64.map(({ t, skipped }) => ({ id: t.id, label: t.label, short: t.short, wvm: t.wvm, guest: t.guest, skipped })) };
}

async function main() {
  const date = new Date().toISOString();
  const loadBefore = os.loadavg()[0];
  if (loadBefore > os.cpus().length - 1) progress(`the host is busy (load average ${loadBefore.toFixed(2)} on ${os.cpus().length} CPUs): figures will be noisy`);
  const micro = await measureMicro();

  progress('building or finding the guest images');
  const imageDir = guestImages();
  progress('building or finding the bench initrd (default initramfs + 16 MiB random file)');
  const bench = benchInitrd(imageDir);
  const kernel = `${imageDir}/Image`;
  const images = {
    plain: { kernel, initrd: `${imageDir}/initramfs.cpio.gz`, paths: null },
    bench: { kernel, initrd: bench.initrd, paths: guestPaths },
    host: { paths: { random: bench.randomFile } },
  };

  const status = targets.map((t) => ({ t, skipped: t.unavailable() }));
  for (const { t, skipped } of status) if (skipped) progress(`skipping ${t.label}: ${skipped}`);
  const available = status.filter((s) => !s.skipped).map((s) => s.t);
  if (!available.some((t) => t.wvm)) throw new Error('no wvm build to measure (run scripts/build.sh)');
  const measured = await measureTargets(available, images);
  const arm64 = await measureArm64(status, images.host);
  const snapshots = await measureSnapshots(status, images.plain, runs, progress);
  const network = await measureNetwork(status, images.plain, runs, progress);
  const share = await measureShare(status, images.plain, runs, progress);

  const result = {
    schema: 'wvm-bench/1',
    date,
    quick,
    runs,
    machine: {
      ...machineInfo(targets, imageDir),
      guestKernel: measured.guestKernel,
      benchRandomSha256: bench.randomSha256,
      loadAverage: { start: loadBefore, end: os.loadavg()[0] },
    },
    micro,
    targets: status.map(({ t, skipped }) => ({ id: t.id, label: t.label, short: t.short, wvm: t.wvm, guest: t.guest, skipped })),
    rows: [
      { id: 'boot', title: 'boot to prompt', kind: 'boot' },
      { id: 'boot-bench', title: `boot, +${RANDOM_SIZE >> 20} MiB bench cpio`, kind: 'boot' },
      ...workloads.map((w) => ({ id: w.id, title: w.title, kind: 'workload', command: w.command(guestPaths) })),
    ],
    samples: measured.samples,
    sessions: measured.sessions,
    snapshots,
    network,
    share,
    arm64,
  };
  const { path, previous } = saveResult(result, outDir);

  const m = result.machine;
  console.log(`wvm bench ${date} (${runs === 1 ? '1 run' : `${runs} runs`}): commit ${m.wvmCommit?.slice(0, 12) ?? '?'}${m.wvmDirty ? '+dirty' : ''}, ` +
    `${m.cpu} x${m.cpus}, node ${m.node}, ${m.versions.qemu ?? 'no QEMU'}, guest Linux ${m.guestKernel ?? '?'}, ` +
    `load average ${m.loadAverage.start.toFixed(2)} -> ${m.loadAverage.end.toFixed(2)}`);
  console.log(`\n${microTable(result)}\n\n${mainTable(result)}\n${sessionLine(result)}\n\n${hostWallTable(result)}\n\n${jitTable(result)}\n\n${snapshotTable(result)}\n\n${networkTable(result)}\n\n${shareTable(result)}`);
  const r64 = { ...result, ...arm64 };
  console.log(`\nThe arm64 guest (${GUESTS.aarch64.qemuMachine.join(' ')}; Linux ${arm64.guestKernel ?? '?'}):\n${mainTable(r64)}\n\n${jitTable(r64)}`);
  if (previous) console.log(`\n${compareTable(previous, result)}`);
  console.log(`\nresults: ${path} (and ${outDir}/latest.json)`);
}

main().then(
  () => process.exit(0),
  (e) => {
    for (const child of liveChildren) child.kill('SIGKILL');
    process.stderr.write(`bench: FAILED: ${e.message ?? e}\n`);
    process.exit(1);
  },
);
