#!/usr/bin/env node
// Boots build.sh's arm64 images under qemu-system-aarch64 (Debian package
// qemu-system-arm), the oracle for wvm's arm64 machine, and checks the guest:
// the prompt, SMP and GICv3, the disk, DHCP and TCP over virtio-net, a 9p
// share, Debian's kernel with its modules; then instructions to the prompt
// (-icount shift=0 in record mode: the monitor's `info replay` counts them).
//   node qemu-check.mjs [DIR]    DIR: build.sh's output (default: runs build.sh)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = process.argv[2] ?? execFileSync('bash', [new URL('build.sh', import.meta.url).pathname],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
const tmp = mkdtempSync(join(tmpdir(), 'wvm-arm64-'));
const PROMPT = /\n[^\n]* # $/;

/** One QEMU run: its console output, commands typed at the shell prompt. */
class Guest {
  constructor(args) {
    this.out = '';
    this.t0 = performance.now();
    // -nic none: no default NIC (virtio-net-pci, whose ROM file comes with a recommended package).
    const nic = args.includes('-netdev') ? [] : ['-nic', 'none'];
    this.q = spawn('qemu-system-aarch64', ['-M', 'virt', '-cpu', 'cortex-a72', '-m', '256', '-nographic', ...nic, ...args],
      { stdio: ['pipe', 'pipe', 'inherit'] });
    this.q.stdout.setEncoding('utf8').on('data', (d) => { this.out += d.replace(/\r/g, ''); this.wake?.(); });
    this.exited = new Promise((r) => this.q.on('exit', r));
    Guest.running.add(this.q);
    this.exited.then(() => Guest.running.delete(this.q));
  }
  static running = new Set();
  /** Waits until the output after `from` matches `re` (seconds of wall time at most). */
  async expect(re, from = 0, seconds = 60) {
    const end = performance.now() + seconds * 1000;
    for (;;) {
      const m = this.out.slice(from).match(re);
      if (m) return m;
      if (performance.now() > end) throw new Error(`timeout waiting for ${re}; output:\n${this.out.slice(-3000)}`);
      await new Promise((r) => { this.wake = r; setTimeout(r, 200); });
    }
  }
  async prompt() {
    await this.expect(PROMPT);
    this.bootMs = performance.now() - this.t0;
  }
  /** Types `line`; resolves with its output (without the echo and the next prompt). */
  async sh(line, seconds = 60) {
    const from = this.out.length;
    this.q.stdin.write(line + '\n');
    await this.expect(PROMPT, from + line.length, seconds);
    return this.out.slice(from).split('\n').slice(1, -1).join('\n');
  }
  async poweroff() {
    this.q.stdin.write('poweroff\n');
    const t = setTimeout(() => this.q.kill(), 30000);
    const code = await this.exited;
    clearTimeout(t);
    if (code !== 0) throw new Error(`QEMU did not exit by itself after poweroff (${code})`);
  }
}

function check(what, ok, detail) {
  if (!ok) throw new Error(`${what}: got\n${detail}`);
}

const kernel = ['-kernel', `${dir}/Image`, '-initrd', `${dir}/initramfs.cpio.gz`];
const disk = () => {
  const f = join(tmp, 'disk.ext2');
  copyFileSync(`${dir}/disk.ext2`, f);
  return ['-drive', `file=${f},format=raw,if=none,id=d`, '-device', 'virtio-blk-device,drive=d'];
};
const net = ['-netdev', 'user,id=n', '-device', 'virtio-net-device,netdev=n'];
const share = join(tmp, 'share');
mkdirSync(share);
writeFileSync(join(share, 'hello.txt'), 'hello from the host\n');
const p9 = ['-fsdev', `local,id=f,path=${share},security_model=none`, '-device', 'virtio-9p-device,fsdev=f,mount_tag=host'];
// The host's side of the TCP check: the guest fetches http://10.0.2.2:PORT/ (QEMU's user networking).
const server = createServer((_, res) => res.end('hello over TCP\n'));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;

const waitDhcp = 'i=0; while [ ! -e /etc/resolv.conf ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; ip -4 addr show dev eth0';
async function netChecks(g) {
  const a = await g.sh(waitDhcp);
  check('DHCP address', /inet 10\.0\.2\.15\/24/.test(a), a);
  const w = await g.sh(`wget -q -O - http://10.0.2.2:${port}/`);
  check('wget from the host', w.includes('hello over TCP'), w);
}
async function shareChecks(g) {
  const c = await g.sh('cat /media/host/hello.txt && echo from-guest >/media/host/guest.txt');
  check('9p read', c.includes('hello from the host'), c);
  check('9p write', readFileSync(join(share, 'guest.txt'), 'utf8') === 'from-guest\n', '(host file)');
}
async function diskChecks(g) {
  const c = await g.sh('cat /mnt/README && echo written >/mnt/guest.txt && sync');
  check('disk at /mnt', c.includes('This is disk.ext2'), c);
}
function fsck() {
  const f = join(tmp, 'disk.ext2');
  execFileSync('e2fsck', ['-fn', f], { stdio: 'ignore' });
  const c = execFileSync('debugfs', ['-R', 'cat /guest.txt', f], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  check('the guest\'s file on the disk (host debugfs)', c === 'written\n', c);
}

const scenarios = {
  'console=ttyAMA0': async () => {
    const g = new Guest([...kernel, '-append', 'console=ttyAMA0']);
    await g.prompt();
    const m = await g.sh('uname -m; grep -m1 GIC /proc/interrupts; dmesg | grep -E "psci: PSCIv|arch_timer: cp15|pl031|ttyAMA0 at"');
    check('uname -m', /^aarch64$/m.test(m), m);
    // (GICv2 is virt's default; its driver prints nothing: /proc/interrupts names it GIC-0.)
    check('GICv2, PSCI, timer, PL031 RTC, PL011', ['GIC-0', 'PSCIv', 'arch_timer', 'rtc-pl031', 'ttyAMA0 at MMIO'].every((s) => m.includes(s)), m);
    await g.poweroff();
    return g;
  },
  '-smp 2, earlycon': async () => {
    const g = new Guest([...kernel, '-smp', '2', '-append', 'console=ttyAMA0 earlycon']);
    await g.prompt();
    const m = await g.sh('grep -c ^processor /proc/cpuinfo; dmesg | grep -E "earlycon|CPUs"');
    check('2 CPUs', /^2$/m.test(m) && /Brought up 1 node, 2 CPUs/.test(m), m);
    check('earlycon', /earlycon: pl11 at MMIO/.test(m), m);
    await g.poweroff();
    return g;
  },
  '-smp 8 -cpu max, GICv3': async () => {
    const g = new Guest([...kernel, '-M', 'virt,gic-version=3', '-cpu', 'max', '-smp', '8', '-append', 'console=ttyAMA0']);
    await g.prompt();
    const m = await g.sh('dmesg | grep -E "GICv3|CPUs"');
    check('GICv3, 8 CPUs', /GICv3/.test(m) && /Brought up 1 node, 8 CPUs/.test(m), m);
    await g.poweroff();
    return g;
  },
  'virtio-blk': async () => {
    const g = new Guest([...kernel, ...disk(), '-append', 'console=ttyAMA0']);
    await g.prompt();
    await diskChecks(g);
    await g.poweroff();
    fsck();
    return g;
  },
  'virtio-net': async () => {
    const g = new Guest([...kernel, ...net, '-append', 'console=ttyAMA0']);
    await g.prompt();
    await netChecks(g);
    await g.poweroff();
    return g;
  },
  'virtio-9p': async () => {
    const g = new Guest([...kernel, ...p9, '-append', 'console=ttyAMA0']);
    await g.prompt();
    await shareChecks(g);
    await g.poweroff();
    return g;
  },
  'initramfs.cpio, virtio-console (hvc0)': async () => {
    const g = new Guest(['-kernel', `${dir}/Image`, '-initrd', `${dir}/initramfs.cpio`,
      '-device', 'virtio-serial-device', '-device', 'virtconsole,chardev=c', '-chardev', `file,id=c,path=${join(tmp, 'hvc0.txt')}`,
      '-append', 'console=ttyAMA0']);
    await g.prompt();
    const m = await g.sh('echo via-hvc0 >/dev/hvc0 && echo ok');
    check('hvc0', m.includes('ok') && readFileSync(join(tmp, 'hvc0.txt'), 'utf8').includes('via-hvc0'), m);
    await g.poweroff();
    return g;
  },
  'Debian kernel + modules: blk, net, 9p, -smp 2': async () => {
    const g = new Guest(['-kernel', `${dir}/debian-Image`, '-initrd', `${dir}/debian-initramfs.cpio.gz`,
      '-smp', '2', ...disk(), ...net, ...p9, '-append', 'console=ttyAMA0']);
    await g.prompt();
    const m = await g.sh('cat /proc/sys/kernel/osrelease; echo modules: $(cut -d" " -f1 /proc/modules)');
    check('Debian kernel', /-arm64$/m.test(m), m);
    await diskChecks(g);
    await netChecks(g);
    await shareChecks(g);
    await g.poweroff();
    fsck();
    g.note = m.match(/modules: (.*)/)[1];
    return g;
  },
};

/** Instructions from reset to the prompt: QEMU's icount in record mode, read by `info replay`. */
async function instructions(kernel, initrd) {
  const mon = join(tmp, 'mon.sock');
  const g = new Guest(['-kernel', `${dir}/${kernel}`, '-initrd', `${dir}/${initrd}`, '-append', 'console=ttyAMA0',
    '-icount', `shift=0,rr=record,rrfile=${join(tmp, 'rr.bin')}`, '-monitor', `unix:${mon},server=on,wait=off`]);
  await g.expect(PROMPT);
  const reply = await new Promise((resolve, reject) => {
    let s = '';
    const c = connect(mon, () => c.write('info replay\n'));
    c.on('data', (d) => { s += d; if (/instruction count = \d+/.test(s)) { c.end('quit\n'); resolve(s); } });
    c.on('error', reject);
  });
  const t = setTimeout(() => g.q.kill('SIGKILL'), 5000); // should `quit` be lost
  await g.exited;
  clearTimeout(t);
  return Number(reply.match(/instruction count = (\d+)/)[1]);
}

const only = process.env.CHECK;
let failed = 0;
console.log(`images: ${dir}`);
for (const [name, run] of Object.entries(scenarios)) {
  if (only && !name.includes(only)) continue;
  try {
    const g = await run();
    console.log(`ok    ${name}: prompt after ${(g.bootMs / 1000).toFixed(2)} s${g.note ? ` (${g.note})` : ''}`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${name}: ${e.message}`);
  }
  for (const q of Guest.running) q.kill();
}
if (!only || only === 'icount') {
  for (const [kernel, initrd] of [['Image', 'initramfs.cpio.gz'], ['Image', 'initramfs.cpio'], ['debian-Image', 'debian-initramfs.cpio.gz']]) {
    try {
      console.log(`icount: ${((await instructions(kernel, initrd)) / 1e6).toFixed(1)}M instructions to the prompt, ${kernel} + ${initrd}`);
    } catch (e) {
      failed++;
      console.log(`FAIL  icount (${kernel} + ${initrd}): ${e.message}`);
    }
  }
}
server.close();
rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
