// Real Linux in the wasm build under Node: boot Debian's OpenSBI (or the
// built-in SBI) with the recipe's kernel, initramfs and an ext2 virtio disk,
// wait for the shell prompt, type commands and read their output; write a
// file to the disk, power off, boot again and read it back. -smp 2 with the
// JIT at threshold 1 must give the same results.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Machine } from '../src/js/machine.mjs';
import { openFileDisk } from '../src/js/file-disk.mjs';
import { guestImages } from './images.mjs';
import { Session, stopMachines } from './linux-session.mjs';
import { engines, root } from './helpers.mjs';

const OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic';
const PROMPT = /~ # $/;
let img, kernel, initrd;

before(() => {
  img = guestImages();
  kernel = readFileSync(`${img}/Image`);
  initrd = readFileSync(`${img}/initramfs.cpio.gz`);
});

after(stopMachines);

async function boot(opts) {
  const machine = await Machine.create({ mem: 256, kernel, initrd, append: 'console=ttyS0', ...opts });
  const s = new Session(machine);
  machine.start();
  await s.waitFor(PROMPT, 120000);
  return s;
}

test('a gzip initrd is unpacked on the host: the guest reaches its prompt in about the instructions of the uncompressed one', async () => {
  const prompt = async (rd) => {
    const s = await boot({ initrd: rd, jit: false });
    const n = Number(s.machine.stats.instret);
    s.machine.write('poweroff -f\n');
    assert.equal(await s.machine.halted(), 0);
    return n;
  };
  const gz = await prompt(initrd), cpio = await prompt(readFileSync(`${img}/initramfs.cpio`));
  // the guest's own gunzip would cost ~30M more instructions than the ~25M of this boot
  assert.ok(gz < cpio * 1.2, `${gz} instructions to the prompt with the gzip initrd, ${cpio} with the cpio`);
  // the native CLI too (--stats counts the instructions up to the poweroff)
  const native = async (file) => {
    const p = spawn(engines.native[0], ['-kernel', `${img}/Image`, '-initrd', `${img}/${file}`, '-append', 'console=ttyS0', '--stats']);
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; if (PROMPT.test(out)) p.stdin.write('poweroff -f\n'); });
    p.stderr.on('data', (d) => (err += d));
    assert.equal(await new Promise((resolve) => p.on('close', resolve)), 0, err);
    return Number(/wvm: (\d+) instructions/.exec(err)[1]);
  };
  const ngz = await native('initramfs.cpio.gz'), ncpio = await native('initramfs.cpio');
  assert.ok(ngz < ncpio * 1.2, `native: ${ngz} instructions with the gzip initrd, ${ncpio} with the cpio`);
});

test('OpenSBI fw_dynamic: shell commands, then a file survives poweroff on the ext2 disk', async () => {
  const dir = mkdtempSync(`${tmpdir()}/wvm-linux-`);
  copyFileSync(`${img}/disk.ext2`, `${dir}/disk.ext2`);
  const bios = readFileSync(`${OPENSBI}/fw_dynamic.bin`);

  let disk = openFileDisk(`${dir}/disk.ext2`);
  let s = await boot({ bios, disks: [disk] });
  assert.match(s.text, /OpenSBI v/);
  assert.equal(await s.run('uname -m'), 'riscv64');
  assert.equal(await s.run('echo $((6*7))'), '42');
  const cpuinfo = await s.run('cat /proc/cpuinfo');
  assert.match(cpuinfo, /isa\s*: rv64imafdc/);
  assert.match(cpuinfo, /mmu\s*: sv(39|48|57)/);
  assert.match(await s.run('mount'), /\/dev\/vda on \/mnt type ext2/);
  await s.run('echo hello-from-wvm-$((40+2)) > /mnt/persist.txt && sync');
  s.machine.write('poweroff -f\n');
  assert.equal(await s.machine.halted(), 0);
  disk.close();

  disk = openFileDisk(`${dir}/disk.ext2`);
  s = await boot({ bios, disks: [disk] });
  assert.equal(await s.run('cat /mnt/persist.txt'), 'hello-from-wvm-42');
  s.machine.write('poweroff -f\n');
  assert.equal(await s.machine.halted(), 0);
  disk.close();
});

test('built-in SBI, console on the virtio-console (the web page\'s setup): the tty has the terminal size and follows it', async () => {
  const machine = await Machine.create({ mem: 256, kernel, initrd, bios: 'builtin', append: 'earlycon=sbi console=hvc0 noirqdebug' });
  machine.resize(100, 30); // before boot: given to the driver when it is ready
  const s = new Session(machine);
  machine.start();
  await s.waitFor(PROMPT, 120000);
  assert.doesNotMatch(s.text, /OpenSBI/);
  assert.match(s.text, /^Linux version /); // the first kernel line, through earlycon=sbi
  assert.equal(await s.run('tty'), '/dev/hvc0');
  assert.equal(await s.run('echo $((6*7))'), '42');
  assert.equal(await s.run('stty size'), '30 100');
  machine.resize(132, 43); // a config-change interrupt; the kernel applies it from a worker
  let size;
  for (let i = 0; i < 20 && size !== '43 132'; i++) size = await s.run('stty size');
  assert.equal(size, '43 132');
  s.machine.write('poweroff -f\n');
  assert.equal(await s.machine.halted(), 0);
});

test('-m 2047 in wasm: module memory above 2 GiB (images, console, disk buffers) works', async () => {
  const dir = mkdtempSync(`${tmpdir()}/wvm-linux-`);
  copyFileSync(`${img}/disk.ext2`, `${dir}/disk.ext2`);
  const disk = openFileDisk(`${dir}/disk.ext2`);
  const s = await boot({ mem: 2047, bios: 'builtin', disks: [disk] });
  assert.ok(Number(/Mem:\s+(\d+)/.exec(await s.run('free -m'))[1]) > 1900);
  assert.match(await s.run('head -n 1 /mnt/README'), /^This is disk.ext2/);
  s.machine.write('poweroff -f\n');
  assert.equal(await s.machine.halted(), 0);
  disk.close();
});

for (const append of ['console=ttyS0', 'console=hvc0']) {
  test(`a 200 KB paste reaches the guest whole (${append}): input beyond the core's buffer waits, none is dropped`, async () => {
    const s = await boot({ bios: 'builtin', append });
    await s.run('stty -echo');
    const from = s.text.length;
    s.machine.write(`cat > /tmp/paste\n${`${'p'.repeat(99)}\n`.repeat(2000)}\x04`);
    await s.waitFor(/~ # $/, 60000, from);
    const echoed = s.text.length;
    s.machine.write('stty echo\n');
    await s.waitFor(/~ # $/, 60000, echoed);
    assert.equal(await s.run('wc -c < /tmp/paste; grep -c -v "^p\\{99\\}$" /tmp/paste'), '200000\n0');
    s.machine.write('poweroff -f\n');
    assert.equal(await s.machine.halted(), 0);
  });
}

test('OpenSBI fw_jump boots to a shell', async () => {
  const s = await boot({ bios: readFileSync(`${OPENSBI}/fw_jump.bin`) });
  assert.match(s.text, /OpenSBI v/);
  assert.equal(await s.run('uname -m'), 'riscv64');
  s.machine.write('poweroff -f\n');
  assert.equal(await s.machine.halted(), 0);
});

for (const smp of [2, 4]) {
  test(`-smp ${smp} brings up every hart, and they all run processes`, async () => {
    const s = await boot({ bios: readFileSync(`${OPENSBI}/fw_dynamic.bin`), smp });
    assert.equal(await s.run('grep -c ^processor /proc/cpuinfo'), String(smp));
    assert.match(s.text, new RegExp(`Brought up 1 node, ${smp} CPUs`));
    // one busy loop per hart, in the background; each hart's user time then grows
    await s.run(`for c in $(seq ${smp}); do (i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done) & done; wait`);
    const busy = (await s.run('grep "^cpu[0-9]" /proc/stat')).split('\n').map((l) => Number(l.split(/\s+/)[1]));
    assert.equal(busy.length, smp);
    assert.ok(busy.every((user) => user >= 10), `user time per hart (1/100 s): ${busy}`);
    s.machine.write('poweroff -f\n');
    assert.equal(await s.machine.halted(), 0);
  });
}

test('-smp 2 with the JIT compiling every page at once (threshold 1): the same results', async () => {
  const s = await boot({ bios: readFileSync(`${OPENSBI}/fw_dynamic.bin`), smp: 2, jit: { threshold: 1 } });
  await s.machine.jitReady(); // the boot ran while the compiler loaded
  const zeros = createHash('sha256').update(Buffer.alloc(4 << 20)).digest('hex');
  let share = 0;
  for (let round = 0; round < 3; round++) { // each round runs more of it compiled
    const before = s.machine.stats;
    assert.equal(await s.run('echo $((6*7))'), '42');
    const loops = await s.run('for c in 1 2; do (i=0; while [ $i -lt 5000 ]; do i=$((i+1)); done; echo n=$i) & done; wait');
    assert.equal(loops.match(/n=5000/g)?.length, 2, loops);
    assert.equal(await s.run('dd if=/dev/zero bs=1M count=4 2>/dev/null | sha256sum'), `${zeros}  -`);
    const after = s.machine.stats;
    share = (after.jit.compiledInsns - before.jit.compiledInsns) / Number(after.instret - before.instret);
  }
  const { jit } = s.machine.stats;
  assert.ok(jit.installs > 100 && jit.failures === 0, JSON.stringify(jit));
  assert.ok(share > 0.5, `share of the last round's instructions run compiled: ${share}`);
  s.machine.write('poweroff -f\n');
  assert.equal(await s.machine.halted(), 0);
});

test('examples/node-embed.mjs boots the guest headless and prints uname -a', async () => {
  const { stdout } = await promisify(execFile)('node', [`${root}examples/node-embed.mjs`], { timeout: 120000 });
  assert.match(stdout, /^Linux \S+ 6\.1\.\d+ .* riscv64 GNU\/Linux$/m);
});

/** Drive a CLI process: wait for the prompt, then type `line`; repeat. */
function driveCli(engine, args, lines) {
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = engines[engine];
    const p = spawn(cmd, [...pre, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let text = '', seen = 0;
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`${engine}: timed out\n${text.slice(-2000)}`)); }, 120000);
    p.stdout.on('data', (d) => {
      text += d;
      const prompts = text.split('~ # ').length - 1;
      if (prompts > seen && /~ # $/.test(text) && lines.length) {
        seen = prompts;
        p.stdin.write(`${lines.shift()}\n`);
      }
    });
    p.stderr.on('data', (d) => (text += d));
    p.on('close', (code) => { clearTimeout(timer); resolve({ code, text }); });
  });
}

const sha256 = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');
let diskHash;
before(() => { diskHash = sha256(`${img}/disk.ext2`); });

for (const engine of ['native', 'asan', 'wasm']) {
  test(`${engine} CLI: disk (snapshot), rng, guest reboot restarts the machine, poweroff exits 0`, async () => {
    const r = await driveCli(engine, ['-m', '128', '-smp', '2', '-bios', 'builtin', '-kernel', `${img}/Image`,
      '-initrd', `${img}/initramfs.cpio.gz`, '-append', 'console=ttyS0',
      '-drive', `file=${img}/disk.ext2,format=raw,if=virtio,snapshot=on`],
    ['echo x > /mnt/scratch && sync && cat /mnt/README >/dev/null && echo disk-ok', 'head -c 16 /dev/hwrng | wc -c', 'reboot -f', 'ls /mnt', 'poweroff -f']);
    assert.equal(r.code, 0, r.text.slice(-2000));
    assert.match(r.text, /\ndisk-ok\r?\n/);
    assert.match(r.text, /\n16\r?\n/);
    assert.equal(r.text.split('Linux version').length - 1, 2, 'two boots');
    assert.match(r.text.split('Linux version')[2], /scratch/, 'the snapshot overlay lives as long as the process');
    assert.equal(sha256(`${img}/disk.ext2`), diskHash, 'snapshot=on never writes the image file');
    assert.match(r.text, /reboot: Power down/);
    assert.doesNotMatch(r.text, /Sanitizer|runtime error/);
  });
}
