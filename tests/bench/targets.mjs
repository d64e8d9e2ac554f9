// What the workloads run on. Each target opens a "runner": for a guest, a
// booted default Linux guest with a shell session (boot time measured on the
// way); for the host, Debian's busybox-static started once per workload.
// To add a mode (e.g. a JIT build), add an entry to `targets`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readSync, closeSync, readFileSync, symlinkSync, renameSync, rmSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Machine } from '../../src/js/machine.mjs';
import { root } from '../helpers.mjs';
import { RANDOM_SIZE, benchCacheDir } from './bench-initrd.mjs';
import { PROMPT, machineSession, processSession } from '../../src/js/session.mjs';
import { clockSetup, clockWorks, guestPaths, parseTimed, timedCommand } from './workloads.mjs';

/** Debian's OpenSBI, the firmware every riscv64 guest target boots. */
export const OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
const HOST_BUSYBOX = '/bin/busybox';
export const QEMU = 'qemu-system-riscv64';

/**
 * @typedef {object} Guest  one guest architecture's machine, as each target runs it
 * @property {string} arch        wvm's -arch
 * @property {string} recipe      examples/images/<recipe>
 * @property {string|null} firmware  the -bios file (null: the machine's own, as QEMU's -kernel does)
 * @property {string} append      the kernel command line (the serial console)
 * @property {string} qemu        QEMU's binary, and the Debian package that has it
 * @property {string} qemuPackage
 * @property {string[]} qemuMachine  its -M (and -cpu) flags
 */
/** @type {{riscv64: Guest, aarch64: Guest}} */
export const GUESTS = {
  riscv64: { arch: 'riscv64', recipe: 'riscv64', firmware: OPENSBI, append: 'console=ttyS0', qemu: QEMU, qemuPackage: 'qemu-system-misc', qemuMachine: ['-M', 'virt'] },
  aarch64: {
    arch: 'aarch64', recipe: 'arm64', firmware: null, append: 'console=ttyAMA0', qemu: 'qemu-system-aarch64', qemuPackage: 'qemu-system-arm',
    qemuMachine: ['-M', 'virt,gic-version=3', '-cpu', 'cortex-a72', '-nic', 'none'], // its default NIC wants a ROM file
  },
};
/** The guest of `images` (riscv64 unless it says). */
const guestOf = (images) => images.guest ?? GUESTS.riscv64;
const BOOT_TIMEOUT_MS = 300000;
const WORKLOAD_TIMEOUT_MS = 1800000;

/**
 * @typedef {object} GuestImages  what a target runs on (the host target uses only `paths`)
 * @property {string} [kernel]  host path of the kernel Image
 * @property {string} [initrd]  host path of the initrd
 * @property {{random: string}|null} paths  where the workloads find their files
 *   on that target (null: the initrd lacks the bench files; run no workload)
 * @property {Guest} [guest]   the machine (default GUESTS.riscv64)
 */

/**
 * @typedef {object} WorkloadSample
 * @property {number} seconds       time measured by the shell that ran the workload (guest clock, or the host's)
 * @property {number} hostSeconds   host wall time: typing the command (or spawning the shell) to the next prompt (or exit)
 * @property {number|null} instret  guest instructions retired over hostSeconds, if the target can tell
 */

/**
 * @typedef {object} Runner
 * @property {{seconds: number, instret: number|null, createSeconds: number|null, kernel: string|null}|null} boot
 *   spawn (wasm: Machine.create) to the first prompt, guest instructions to
 *   get there, the part of it Machine.create took (wasm only), the guest's kernel release
 * @property {(w: import('./workloads.mjs').Workload) => Promise<WorkloadSample>} run
 * @property {() => Promise<{instret: number, seconds: number}|null>} close  power off; totals if the target reports them
 * @property {import('../../src/js/session.mjs').GuestSession} [session]  the guest's console (guest targets)
 * @property {import('../../src/js/machine.mjs').Machine} [machine]  the machine (wvm wasm only)
 * @property {import('node:child_process').ChildProcess} [child]  the emulator's process (wvm native, QEMU)
 */

/**
 * @typedef {object} Target
 * @property {string} id        key in JSON
 * @property {string} label     name in messages
 * @property {string} short     column title
 * @property {boolean} wvm      a wvm build (the tables give its ratios to the others)
 * @property {boolean} guest    true if it boots the guest (has a boot time)
 * @property {() => string|null} unavailable  why it cannot run here, or null
 * @property {() => string|null} version      version string for the JSON's machine info
 * @property {(images: GuestImages, opts?: {net?: boolean, share?: string}) => Promise<Runner>} open  share: a host
 *   directory shared as mount tag 'host' (the guest mounts it at /media/host); net: a virtio-net device on
 *   user-mode networking (wvm wasm and QEMU)
 */

// A full GC before each Machine.create, outside the timing: the previous
// machines' wasm memories (256 MiB of guest RAM each) are garbage by then,
// and while V8 has not collected them a new Machine.create takes seconds
// instead of ~0.15 s, which a user's first boot never pays.
v8.setFlagsFromString('--expose-gc');
export const collectGarbage = vm.runInNewContext('gc');

/** Child processes still running, so a failing bench can end them. */
export const liveChildren = new Set();

export function track(child) {
  liveChildren.add(child);
  child.on('close', () => liveChildren.delete(child));
  return child;
}

/** Boot-to-prompt, clock check and workload runs on a guest session. */
async function guestRunner({ session, images, name, t0, shutdown, instretNow = () => null, createSeconds = null, jitNow = () => null }) {
  await session.waitFor(PROMPT, { timeoutMs: BOOT_TIMEOUT_MS, what: `${name}: the shell prompt after boot` });
  const boot = {
    seconds: (performance.now() - t0) / 1000,
    instret: instretNow(),
    createSeconds,
    kernel: /Linux version (\S+)/.exec(session.text)?.[1] ?? null,
  };
  if (images.paths) {
    const { output } = await session.command(`${clockSetup()}; wc -c <${images.paths.random}`);
    if (!clockWorks(output)) {
      process.stderr.write(`bench: ${name}: no /proc/timer_list in the guest; timing with /proc/uptime (10 ms resolution)\n`);
      const fallback = await session.command(clockSetup(true));
      if (!clockWorks(fallback.output)) throw new Error(`${name}: cannot read a clock in the guest:\n${output}\n${fallback.output}`);
    }
    if (!new RegExp(`^${RANDOM_SIZE}$`, 'm').test(output)) throw new Error(`${name}: ${images.paths.random} is missing or truncated in the guest:\n${output}`);
  }
  return {
    boot,
    session,
    async run(w) {
      const jit0 = jitNow();
      const r = await session.command(timedCommand(w, images.paths), { timeoutMs: WORKLOAD_TIMEOUT_MS });
      const jit = jitDelta(jit0, jitNow(), r.instret);
      const { seconds } = parseTimed(w, r.output);
      if (w.verify) {
        const v = await session.command(w.verify.command);
        if (!w.verify.expect.test(v.output)) throw new Error(`${name} ${w.id}: '${w.verify.command}' printed '${v.output}', expected ${w.verify.expect}`);
      }
      return { seconds, hostSeconds: r.seconds, instret: r.instret, ...(jit && { jit }) };
    },
    close: shutdown,
  };
}

/**
 * What the JIT did during one workload, from Machine.stats.jit before and
 * after: the share of its `instret` guest instructions run compiled, regions
 * installed, modules built and worker compile time (ms). null without a JIT.
 */
function jitDelta(a, b, instret) {
  if (!a || !b) return null;
  const d = (k) => Number(b[k]) - Number(a[k]);
  return { compiledShare: instret ? d('compiledInsns') / instret : null, regions: d('installs'), modules: d('modules'), compileMs: d('compileMs') };
}

/** QEMU-style flags shared by the native wvm and QEMU. */
function guestArgs(images) {
  const g = guestOf(images);
  return ['-m', '256M', '-nographic', ...(g.firmware ? ['-bios', g.firmware] : []), '-kernel', images.kernel, '-initrd', images.initrd,
    '-append', g.append];
}

/** QEMU's user networking on the virt board's virtio-mmio (its -nic user would be PCI). */
const QEMU_USER_NET = ['-netdev', 'user,id=n0', '-device', 'virtio-net-device,netdev=n0'];
/** QEMU's flags for sharing host directory `dir` as mount tag 'host' (virtio-9p on virtio-mmio). */
const qemuShare = (dir) => ['-fsdev', `local,id=f0,path=${dir},security_model=none`, '-device', 'virtio-9p-device,fsdev=f0,mount_tag=host'];

/** QEMU's flags for the guest images (its monitor is on stdio too: Ctrl-A c switches). */
export const qemuArgs = (images) => [...guestOf(images).qemuMachine, ...guestArgs(images)];

/** Spawn an emulator on the guest images and drive it over stdio. */
async function processRunner(name, cmd, args, images, parseStats = () => null) {
  const t0 = performance.now();
  const child = track(spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] }));
  const session = processSession(child, name);
  try {
    const shutdown = async () => {
      child.stdin.write('poweroff -f\n');
      const code = await session.exited;
      if (code !== 0) throw new Error(`${name} exited with status ${code} after poweroff; stderr:\n${session.stderr}`);
      return parseStats(session.stderr);
    };
    return { ...(await guestRunner({ session, images, name, t0, shutdown })), child };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}

const fileExists = (p, what) => (existsSync(p) ? null : `${what} not found (${p})`);

/**
 * wvm's wasm build in this Node process, through the embedding API (the
 * product): with its JIT (the default), or the interpreter alone.
 */
const wvmWasm = (jit) => ({
  id: jit ? 'wvm-jit' : 'wvm-wasm',
  label: jit ? 'wvm wasm JIT' : 'wvm wasm interpreter',
  short: jit ? 'jit' : 'wasm',
  wvm: true,
  guest: true,
  unavailable: () => fileExists(`${root}build/wasm/wvm.wasm`, 'wasm build') ?? fileExists(OPENSBI, 'OpenSBI'),
  version: () => null,
  async open(images, { net = false, share = null } = {}) {
    const g = guestOf(images);
    const bios = g.firmware ? readFileSync(g.firmware) : 'builtin', kernel = readFileSync(images.kernel), initrd = readFileSync(images.initrd);
    collectGarbage();
    const t0 = performance.now();
    const shares = share ? [{ tag: 'host', path: share }] : [];
    const machine = await Machine.create({ arch: g.arch, mem: 256, bios, kernel, initrd, append: g.append, jit, net, shares });
    const createSeconds = (performance.now() - t0) / 1000;
    const session = machineSession(machine);
    machine.start();
    const shutdown = async () => {
      const { instret, seconds } = machine.stats;
      machine.write('poweroff -f\n');
      const code = await machine.halted();
      machine.stop();
      if (code !== 0) throw new Error(`wvm wasm: the guest halted with status ${code} after poweroff`);
      return { instret: Number(instret), seconds };
    };
    try {
      const runner = await guestRunner({ session, images, name: this.label, t0, shutdown, instretNow: () => Number(machine.stats.instret), createSeconds,
        jitNow: () => machine.stats.jit });
      return { ...runner, machine };
    } catch (e) {
      machine.stop();
      throw e;
    }
  },
});

/** wvm's native build (build/native/wvm), spawned with QEMU's flags. */
const wvmNative = {
  id: 'wvm-native',
  label: 'wvm native',
  short: 'native',
  wvm: true,
  guest: true,
  unavailable: () => fileExists(`${root}build/native/wvm`, 'native build') ?? fileExists(OPENSBI, 'OpenSBI'),
  version: () => null,
  open: (images) => processRunner('wvm native', `${root}build/native/wvm`, ['--stats', '-arch', guestOf(images).arch, ...guestArgs(images)], images, (stderr) => {
    const m = /wvm: (\d+) instructions in ([\d.]+) s/.exec(stderr);
    return m ? { instret: Number(m[1]), seconds: Number(m[2]) } : null;
  }),
};

/** QEMU TCG on the same kernel, initrd and RAM size. */
const qemu = {
  id: 'qemu',
  label: 'QEMU',
  short: 'QEMU',
  wvm: false,
  guest: true,
  unavailable: () => (spawnSync(QEMU, ['--version']).status === 0 ? fileExists(OPENSBI, 'OpenSBI') : `${QEMU} not found (apt-get install qemu-system-misc)`),
  version: () => spawnSync(QEMU, ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? null,
  open: (images, { net = false, share = null } = {}) => processRunner('QEMU', guestOf(images).qemu,
    [...qemuArgs(images), ...(net ? QEMU_USER_NET : []), ...(share ? qemuShare(share) : [])], images),
};

/** A directory whose only entries are links to the host busybox's applets, for PATH. */
function hostAppletDir() {
  const dir = `${benchCacheDir()}/host-busybox-bin`;
  if (!existsSync(dir)) {
    const tmp = `${dir}.tmp${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const list = spawnSync(HOST_BUSYBOX, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const applet of list) symlinkSync(HOST_BUSYBOX, `${tmp}/${applet}`);
    renameSync(tmp, dir);
  }
  return dir;
}

/** True if this host's /proc/timer_list can be read (root; not masked by a container). */
function hostHasTimerList() {
  try {
    const fd = openSync('/proc/timer_list', 'r');
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, 256, null);
    closeSync(fd);
    return /now at \d+ nsecs/.test(buf.toString('latin1', 0, n));
  } catch {
    return false;
  }
}

/** The host itself: the same workloads in Debian's busybox-static sh, with its applets only. */
const host = {
  id: 'host',
  label: 'host busybox',
  short: 'host',
  wvm: false,
  guest: false,
  unavailable: () => fileExists(HOST_BUSYBOX, 'busybox-static (apt-get install busybox-static)'),
  version: () => spawnSync(HOST_BUSYBOX, [], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? null,
  async open(images) {
    const env = { PATH: hostAppletDir(), HOME: process.env.HOME ?? '/', LC_ALL: 'C' };
    const setup = clockSetup(!hostHasTimerList());
    return {
      boot: null,
      run: (w) => new Promise((resolve, reject) => {
        const script = `${setup}; ${timedCommand(w, images.paths)}${w.verify ? `; ${w.verify.command}` : ''}`;
        const t0 = performance.now();
        const child = track(spawn(HOST_BUSYBOX, ['sh', '-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('error', reject);
        child.on('close', (code) => {
          const hostSeconds = (performance.now() - t0) / 1000;
          try {
            if (code !== 0) throw new Error(`host busybox sh exited with status ${code}:\n${out}`);
            const { seconds } = parseTimed(w, out);
            const tail = out.slice(out.indexOf('WVMBENCH'));
            if (w.verify && !w.verify.expect.test(tail.slice(tail.indexOf('\n') + 1))) throw new Error(`host ${w.id}: verification failed:\n${out}`);
            resolve({ seconds, hostSeconds, instret: null });
          } catch (e) {
            reject(e);
          }
        });
      }),
      close: async () => null,
    };
  },
};

/** @type {Target[]} every target, in column order; the first is the one the ratios are about */
export const targets = [wvmWasm(true), wvmWasm(false), wvmNative, qemu, host];


/**
 * Measure `sample(target)` on wvm wasm (JIT) and QEMU, `runs` samples each, alternating. A wvm
 * failure throws; a QEMU failure marks QEMU skipped with its message.
 * @param {{t: Target, skipped: string|null}[]} status
 * @param {number} runs
 * @param {(s: string) => void} progress
 * @param {string} what  for progress lines
 * @param {(t: Target) => Promise<object>} sample  one sample's figures
 * @param {(s: object) => string} describe  a sample's figures in words
 * @returns {Promise<Array<{id: string, label: string, skipped: string|null, samples: object[]}>>}
 */
export async function measureJitAndQemu(status, runs, progress, what, sample, describe) {
  const out = status.filter(({ t }) => t.id === 'wvm-jit' || t.id === 'qemu').map(({ t, skipped }) => ({ id: t.id, label: t.label, skipped, samples: [], t }));
  for (let i = 0; i < runs; i++) {
    for (const x of out.filter((o) => !o.skipped)) {
      const tag = `[${x.label} ${i + 1}/${runs}]`;
      progress(`${tag} ${what}`);
      try {
        const s = await sample(x.t);
        x.samples.push(s);
        progress(`${tag} ${describe(s)}`);
      } catch (e) {
        if (x.id !== 'qemu') throw e;
        x.skipped = e.message.split('\n')[0];
        progress(`${tag} ${what}: skipping QEMU: ${e.message}`);
      }
    }
  }
  return out.map(({ t, ...x }) => x);
}
