// Command-line behaviour of both CLIs: HTIF exit codes, and bad input (unknown
// flags, missing/truncated/foreign/misplaced ELF files) giving a one-line
// message and a non-zero status, never a crash or stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { engines, guestDir, root, runCli } from './helpers.mjs';
import { usage } from '../src/js/options.mjs';

const tmp = mkdtempSync(`${tmpdir()}/wvm-cli-`);
const good = readFileSync(`${guestDir}/rv64i.elf`);

// A guest that reports failure number 7 through tohost.
writeFileSync(`${tmp}/fail7.S`, `
  .globl _start
_start:
  li t0, (7 << 1) | 1
  la t1, tohost
  sd t0, 0(t1)
1: j 1b
  .section .tohost, "aw"
  .align 6
  .globl tohost
tohost: .dword 0
`);
execFileSync('riscv64-linux-gnu-gcc', ['-nostdlib', '-nostartfiles', '-static', '-mcmodel=medany',
  '-T', `${root}tests/guest/link.ld`, '-Wl,--no-warn-rwx-segments', '-o', `${tmp}/fail7.elf`, `${tmp}/fail7.S`]);

writeFileSync(`${tmp}/truncated.elf`, good.subarray(0, 200));
// Same ELF with its first PT_LOAD's p_paddr moved below RAM.
const moved = Buffer.from(good);
const phoff = Number(moved.readBigUInt64LE(0x20));
let ph = phoff;
while (moved.readUInt32LE(ph) !== 1) ph += moved.readUInt16LE(0x36);
moved.writeBigUInt64LE(0x1000n, ph + 0x18);
writeFileSync(`${tmp}/outside.elf`, moved);

writeFileSync(`${tmp}/odd.img`, Buffer.alloc(1000));
// Kernel images of other architectures: only their headers' magic matters.
const header = (at, magic) => { const b = Buffer.alloc(4096); b.write(magic, at, 'latin1'); return b; };
writeFileSync(`${tmp}/arm64.img`, header(0x38, 'ARM\x64'));
writeFileSync(`${tmp}/x86.img`, header(0x202, 'HdrS'));
writeFileSync(`${tmp}/fail7.elf.gz`, gzipSync(readFileSync(`${tmp}/fail7.elf`)));
writeFileSync(`${tmp}/big.cpio`, Buffer.alloc(20 << 20));

const cases = [
  { name: 'unknown flag', args: ['-bogus'], msg: /unknown option '-bogus'/ },
  { name: 'flag without value', args: ['-kernel'], msg: /needs a value/ },
  { name: 'missing file', args: ['-bios', 'none', '-kernel', `${tmp}/nope.elf`], msg: /cannot open/ },
  { name: 'truncated ELF', args: ['-bios', 'none', '-kernel', `${tmp}/truncated.elf`], msg: /outside the file|truncated/ },
  { name: 'foreign ELF', args: ['-bios', 'none', '-kernel', '/bin/true'], msg: /kernel: an? [^;]+ ELF; wvm does not emulate that architecture yet/ },
  { name: 'an ARM64 kernel on -arch riscv64', args: ['-arch', 'riscv64', '-kernel', `${tmp}/arm64.img`], msg: /kernel: an ARM64 \(AArch64\) Linux Image; this machine is riscv64 \(-arch aarch64 runs it\)/ },
  { name: 'an x86 kernel', args: ['-kernel', `${tmp}/x86.img`], msg: /kernel: an x86-64 bzImage; wvm does not emulate that architecture yet/ },
  { name: '-arch x86_64', args: ['-arch', 'x86_64', '-kernel', `${tmp}/fail7.elf`], msg: /-arch x86_64: not emulated yet \(riscv64 and aarch64 are\)/ },
  { name: '-arch aarch64 with a RISC-V kernel', args: ['-arch', 'aarch64', '-bios', 'none', '-kernel', `${tmp}/fail7.elf`], msg: /kernel: a RISC-V 64 ELF[^;]*; this machine is aarch64 \(-arch riscv64 runs it\)/ },
  { name: 'bad -arch', args: ['-arch', 'mips', '-kernel', `${tmp}/fail7.elf`], msg: /bad -arch value 'mips' \(riscv64, aarch64 or x86_64\)/ },
  { name: 'segment outside RAM', args: ['-bios', 'none', '-kernel', `${tmp}/outside.elf`], msg: /does not fit in RAM/ },
  { name: 'bad -m', args: ['-m', 'lots', '-kernel', `${tmp}/fail7.elf`], msg: /bad -m value/ },
  { name: 'bad -smp', args: ['-smp', '9', '-kernel', `${tmp}/fail7.elf`], msg: /bad -smp value/ },
  { name: 'initrd larger than RAM', args: ['-m', '16', '-kernel', `${tmp}/fail7.elf`, '-initrd', `${tmp}/big.cpio`], msg: /initrd: .* do not fit in RAM/ },
  { name: 'disk size not a multiple of 512', args: ['-kernel', `${tmp}/fail7.elf`, '-drive', `file=${tmp}/odd.img,format=raw,if=virtio`], msg: /not a multiple of 512/ },
  { name: 'missing disk', args: ['-kernel', `${tmp}/fail7.elf`, '-drive', `file=${tmp}/none.img,format=raw,if=virtio`], msg: /none\.img/ },
  { name: 'unknown -drive key', args: ['-kernel', `${tmp}/fail7.elf`, '-drive', `file=${tmp}/odd.img,cache=none`], msg: /unknown -drive option 'cache'/ },
  { name: 'a machine other than virt', args: ['-M', 'sifive_u', '-kernel', `${tmp}/fail7.elf`], msg: /machine 'sifive_u' is not emulated \(only 'virt'\)/ },
  { name: 'bad -jit', args: ['-jit', 'fast', '-kernel', `${tmp}/fail7.elf`], msg: /bad -jit value 'fast' \(on, off or sync\)/ },
  { name: 'bad -jit-threshold', args: ['-jit-threshold', '0', '-kernel', `${tmp}/fail7.elf`], msg: /bad -jit-threshold value '0'/ },
  { name: 'bad -icount', args: ['-icount', 'shift=11', '-kernel', `${tmp}/fail7.elf`], msg: /bad -icount shift '11' \(0\.\.10\)/ },
  { name: 'bad -rtc', args: ['-rtc', 'base=yesterday', '-kernel', `${tmp}/fail7.elf`], msg: /bad -rtc base 'yesterday'/ },
  { name: 'bad -incoming', args: ['-incoming', 'tcp:1234'], msg: /bad -incoming 'tcp:1234' \(only file:PATH\)/ },
  { name: 'missing -incoming file', args: ['-incoming', `file:${tmp}/none.snap`], msg: /none\.snap/ },
  { name: 'bad -gdb', args: ['-gdb', 'tcp::99999', '-kernel', `${tmp}/fail7.elf`], msg: /bad -gdb 'tcp::99999' \(tcp::PORT or tcp:HOST:PORT\)/ },
  { name: '-S without -gdb', args: ['-S', '-kernel', `${tmp}/fail7.elf`], msg: /-S needs -gdb or -s/ },
  { name: '-nic of another type', args: ['-nic', 'tap', '-kernel', `${tmp}/fail7.elf`], msg: /-nic 'tap' is not supported \(only user or none\)/ },
  { name: 'two -nic', args: ['-nic', 'user', '-nic', 'user', '-kernel', `${tmp}/fail7.elf`], msg: /only one -nic \(one network device\)/ },
  { name: 'unknown -nic key', args: ['-nic', 'user,model=e1000', '-kernel', `${tmp}/fail7.elf`], msg: /bad -nic option 'model' \(hostfwd, mac\)/ },
  { name: 'bad hostfwd', args: ['-nic', 'user,hostfwd=tcp::x-:22', '-kernel', `${tmp}/fail7.elf`], msg: /bad hostfwd 'tcp::x-:22' \(expected tcp:\[HOSTADDR\]:HOSTPORT-:GUESTPORT\)/ },
  { name: 'udp hostfwd', args: ['-nic', 'user,hostfwd=udp::5353-:53', '-kernel', `${tmp}/fail7.elf`], msg: /hostfwd 'udp::5353-:53': only tcp is forwarded/ },
  { name: 'hostfwd to another guest address', args: ['-nic', 'user,hostfwd=tcp::2222-10.0.2.16:22', '-kernel', `${tmp}/fail7.elf`], msg: /the guest is 10\.0\.2\.15/ },
  { name: 'nine hostfwd rules', args: ['-nic', `user${',hostfwd=tcp::0-:22'.repeat(9)}`, '-kernel', `${tmp}/fail7.elf`], msg: /too many hostfwd rules \(at most 8\)/ },
  { name: 'multicast mac', args: ['-nic', 'user,mac=01:00:5e:00:00:01', '-kernel', `${tmp}/fail7.elf`], msg: /bad mac '01:00:5e:00:00:01' \(six hex bytes, unicast/ },
  { name: '-netdev without -device', args: ['-netdev', 'user,id=n0', '-kernel', `${tmp}/fail7.elf`], msg: /-netdev 'n0' is not used: add -device virtio-net-device,netdev=n0/ },
  { name: '-netdev without id', args: ['-netdev', 'user', '-device', 'virtio-net-device,netdev=n0', '-kernel', `${tmp}/fail7.elf`], msg: /-netdev needs id=ID/ },
  { name: '-device of another kind', args: ['-device', 'e1000,netdev=n0', '-kernel', `${tmp}/fail7.elf`], msg: /-device 'e1000' is not emulated \(only virtio-net-device\)/ },
  { name: '-nic with -netdev', args: ['-nic', 'user', '-netdev', 'user,id=n0', '-kernel', `${tmp}/fail7.elf`], msg: /give -nic, or -netdev with -device, not both/ },
  { name: 'firmware that is an ELF', args: ['-bios', `${tmp}/fail7.elf`, '-kernel', `${tmp}/fail7.elf`], msg: /raw \.bin image/ },
];

for (const engine of Object.keys(engines)) {
  test(`${engine}: tohost failure n exits with status n (QEMU's -M virt accepted)`, async () => {
    const r = await runCli(engine, ['-M', 'virt', '-bios', 'none', '-kernel', `${tmp}/fail7.elf`]);
    assert.equal(r.code, 7, r.stderr);
  });
  test(`${engine}: a gzip-compressed kernel is unpacked on the host (as a vmlinuz)`, async () => {
    const r = await runCli(engine, ['-bios', 'none', '-kernel', `${tmp}/fail7.elf.gz`]);
    assert.equal(r.code, 7, r.stderr);
  });
  test(`${engine}: input piped in before the machine runs is taken (yes | wvm ...)`, async () => {
    const r = await runCli(engine, ['-bios', 'none', '-kernel', `${tmp}/fail7.elf`], { input: 'y\n'.repeat(1 << 19) });
    assert.equal(r.code, 7, r.stderr);
    assert.equal(r.stderr, '');
  });
  test(`${engine}: -jit off runs the interpreter${engine === 'wasm' ? '' : '; -jit on says the native build has no JIT'}`, async () => {
    const off = await runCli(engine, ['-jit', 'off', '-bios', 'none', '-kernel', `${tmp}/fail7.elf`]);
    assert.equal(off.code, 7, off.stderr);
    const on = await runCli(engine, ['-jit', 'on', '-bios', 'none', '-kernel', `${tmp}/fail7.elf`]);
    if (engine === 'wasm') assert.equal(on.code, 7, on.stderr);
    else assert.match(on.stderr, /^wvm: -jit: the native build has no JIT/);
  });
  test(`${engine}: --help prints options.mjs's usage`, async () => {
    const r = await runCli(engine, ['--help']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, usage);
  });
  test(`${engine}: a hostfwd port that is taken is a one-line error`, async () => {
    const taken = createServer();
    await new Promise((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address();
    const r = await runCli(engine, ['-nic', `user,hostfwd=tcp:127.0.0.1:${port}-:22`, '-bios', 'none', '-kernel', `${tmp}/fail7.elf`]);
    taken.close();
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, `wvm: hostfwd: cannot listen on 127.0.0.1:${port} (EADDRINUSE)\n`);
  });
  for (const c of cases) {
    test(`${engine}: ${c.name} is a one-line error`, async () => {
      const r = await runCli(engine, c.args);
      assert.equal(r.code, 1, `status ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, c.msg);
      assert.match(r.stderr, /^wvm: [^\n]*\n$/, `not one line:\n${r.stderr}`);
    });
  }
}
