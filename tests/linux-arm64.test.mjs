// Real arm64 Linux on the aarch64 virt board (GICv3, generic timer, PL011,
// PL031, virtio-mmio, PSCI), in the wasm build under Node and the native
// CLI: the recipe's kernel and Debian's own linux-image-arm64, each with a
// busybox initramfs; commands are typed at the shell and their output read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Machine } from '../src/js/machine.mjs';
import { openFileDisk } from '../src/js/file-disk.mjs';
import { guestImages } from './images.mjs';
import { engines, guestDir } from './helpers.mjs';
import { Session, stopMachines } from './linux-session.mjs';

const PROMPT = /~ # $/;
let img, kernel, initrd;

before(() => {
  img = guestImages('arm64');
  kernel = readFileSync(`${img}/Image`);
  initrd = readFileSync(`${img}/initramfs.cpio`);
});
after(stopMachines);

async function boot(opts) {
  const machine = await Machine.create({ mem: 256, kernel, initrd, append: 'console=ttyAMA0', ...opts });
  const s = new Session(machine);
  machine.start();
  await s.waitFor(PROMPT, 240000);
  return s;
}

async function poweroff(s) {
  s.machine.write('poweroff -f\n');
  assert.equal(await s.machine.halted(), 0);
}

/** A disk image copy the guest may write. */
function diskCopy() {
  const dir = mkdtempSync(`${tmpdir()}/wvm-arm64-`);
  copyFileSync(`${img}/disk.ext2`, `${dir}/disk.ext2`);
  return `${dir}/disk.ext2`;
}

test('arm64 Linux (the kernel image picks -arch): shell, FP and NEON in user space, RTC, a file survives poweroff on virtio-blk', async () => {
  const file = diskCopy();
  let disk = openFileDisk(file);
  let s = await boot({ disks: [disk] });
  assert.match(s.text, /Machine model: linux,dummy-virt/);
  assert.match(s.text, /GICv3: CPU0: found redistributor 0/);
  assert.equal(await s.run('uname -m'), 'aarch64');
  assert.match(await s.run('grep Features /proc/cpuinfo'), /fp asimd crc32 atomics/);
  assert.equal(await s.run("awk 'BEGIN { printf \"%.6f %d\\n\", atan2(1, 1) * 4, 2 ^ 20 }'"), '3.141593 1048576');
  assert.equal(await s.run('echo $((6*7))'), '42');
  // glibc's string functions run on NEON: sort, uniq and hashes
  assert.equal(await s.run('seq 1 3000 | sort -r | uniq | sed -n "1p;3000p"'), '999\n1');
  assert.equal(await s.run('echo -n abc | sha256sum'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -');
  const year = Number(await s.run('date +%Y'));
  assert.ok(year >= 2026, `the PL031 gave year ${year}`);
  assert.match(await s.run('mount'), /\/dev\/vda on \/mnt type ext2/);
  await s.run('echo hello-from-arm64-$((40+2)) > /mnt/persist.txt && sync');
  await poweroff(s);
  disk.close();

  disk = openFileDisk(file);
  s = await boot({ disks: [disk], arch: 'aarch64' });
  assert.equal(await s.run('cat /mnt/persist.txt'), 'hello-from-arm64-42');
  await poweroff(s);
  disk.close();
});

test('arm64 -smp 2 with the JIT compiling every page at once: both CPUs run processes; virtio-rng and the virtio-console work', async () => {
  const s = await boot({ smp: 2, jit: { threshold: 1 }, append: 'console=hvc0' });
  assert.equal(await s.run('tty'), '/dev/hvc0');
  assert.equal(await s.run('grep -c ^processor /proc/cpuinfo'), '2');
  await s.run('for c in 1 2; do (i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done) & done; wait');
  const busy = (await s.run('grep "^cpu[0-9]" /proc/stat')).split('\n').map((l) => Number(l.split(/\s+/)[1]));
  assert.equal(busy.length, 2);
  assert.ok(busy.every((user) => user >= 10), `user time per CPU (1/100 s): ${busy}`);
  const rng = await s.run('dd if=/dev/hwrng bs=32 count=1 2>/dev/null | od -An -tx1 | tr -d " \\n"; echo');
  assert.match(rng, /^[0-9a-f]{64}$/);
  assert.notEqual(rng, '0'.repeat(64));
  assert.match(await s.run('grep -E "arch_timer|IPI0" /proc/interrupts'), /arch_timer[\s\S]*Rescheduling/);
  await poweroff(s);
});

test('arm64: user-mode networking (DHCP, wget from the host: sha256 matches) and a 9p share both ways', async (t) => {
  const blob = randomBytes(1 << 20);
  const server = http.createServer((req, res) => res.end(blob));
  t.after(() => server.close());
  const port = await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
  const dir = mkdtempSync(`${tmpdir()}/wvm-arm64-share-`);
  writeFileSync(`${dir}/hello.txt`, 'hello from the host\n');
  const s = await boot({ net: true, shares: [{ tag: 'host', path: dir }] });
  await s.run('while [ ! -s /etc/resolv.conf ]; do sleep 0.2; done', 60000); // the lease comes after the prompt
  assert.match(await s.run('ip -4 addr show eth0'), /inet 10\.0\.2\.15\/24/);
  const out = await s.run(`wget -q -O /tmp/f http://10.0.2.2:${port}/ && sha256sum /tmp/f`, 120000);
  assert.equal(out.split(/\s+/)[0], createHash('sha256').update(blob).digest('hex'));
  assert.equal(await s.run('cat /media/host/hello.txt'), 'hello from the host');
  await s.run('cp /tmp/f /media/host/from-guest.bin && sync');
  assert.deepEqual(readFileSync(`${dir}/from-guest.bin`), blob);
  await poweroff(s);
});

test('the user-level A64 test programs, as static Linux binaries, print the same in the wvm guest (JIT at threshold 1) as under qemu-aarch64', async () => {
  const dir = `${guestDir}/arm64/linux`;
  const names = readdirSync(dir).sort();
  assert.ok(names.length >= 8, `built by make linux: ${names}`);
  const expected = names.map((n) => {
    const r = spawnSync('qemu-aarch64', [`${dir}/${n}`], { encoding: 'utf8' });
    assert.equal(r.error, undefined, 'qemu-aarch64 (Debian\'s qemu-user) runs');
    return `${n} ${r.stdout.trim()} ${r.status}`;
  });
  assert.ok(expected.every((l) => / PASS 0$/.test(l)), expected.join('\n'));
  const s = await boot({ shares: [{ tag: 'host', path: dir }], jit: { threshold: 1 } });
  await s.machine.jitReady();
  const out = await s.run(`(cd /media/host && for t in ${names.join(' ')}; do echo "$t $(./$t) $?"; done)`, 240000);
  assert.deepEqual(out.split('\n').filter((l) => /^a64_\w+ (PASS|FAIL \d+) \d+$/.test(l)), expected); // not the echoed command line
  await poweroff(s);
});

test("Debian's linux-image-arm64 boots to a shell with its virtio modules loaded", async () => {
  const disk = openFileDisk(diskCopy());
  const s = await boot({
    mem: 512, kernel: readFileSync(`${img}/debian-Image`), initrd: readFileSync(`${img}/debian-initramfs.cpio.gz`), disks: [disk],
  });
  assert.match(await s.run('uname -r'), /-arm64$/);
  assert.match(await s.run('cat /proc/modules'), /virtio_blk/);
  assert.match(await s.run('head -n 1 /mnt/README'), /^This is disk.ext2/);
  assert.equal(await s.run("awk 'BEGIN { print 1 / 3 }'"), '0.333333');
  await poweroff(s);
  disk.close();
});

test('the native CLI boots arm64 Linux (-arch read from the Image header)', async () => {
  const p = spawn(engines.native[0], ['-m', '256', '-kernel', `${img}/Image`, '-initrd', `${img}/initramfs.cpio`, '-append', 'console=ttyAMA0']);
  let out = '', err = '', typed = false;
  p.stdout.on('data', (d) => {
    out += d;
    if (!typed && PROMPT.test(out)) {
      typed = true;
      p.stdin.write('uname -m; poweroff -f\n');
    }
  });
  p.stderr.on('data', (d) => (err += d));
  assert.equal(await new Promise((resolve) => p.on('close', resolve)), 0, err);
  assert.match(out, /uname -m[^\n]*\n[^\n]*aarch64/);
});
