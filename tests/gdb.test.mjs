// The GDB stub (issue 9), driven by gdb-multiarch as a user would: a
// bare-metal program (tests/guest/gdb_target.c, which passes only if the
// debugger writes 42 to `magic`) under both CLIs with -S, and its A64 twin
// (tests/guest/arm64/gdb_target.c, MMU on) on the aarch64 machine: x0-x30,
// sp, pc, cpsr, memory through the A64 translation tables; a Linux guest with
// two harts in-process through Machine.gdb() with the JIT on: a breakpoint
// on start_kernel, single step, a watchpoint on jiffies at the shell prompt,
// harts as threads; raw packets (Ctrl-C, bad checksums, huge lengths,
// unknown commands) through Machine.gdbSession, and the aarch64 target's
// description and register sizes; the guest runs on after each.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { Machine } from '../src/js/machine.mjs';
import { PROMPT, machineSession } from '../src/js/session.mjs';
import { guestImages } from './images.mjs';
import { engines, guestDir } from './helpers.mjs';

const machines = new Set();
after(() => machines.forEach((m) => m.stop()));

/** A TCP port nobody listens on now. */
function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/**
 * Run gdb-multiarch in batch mode with `commands` against 127.0.0.1:port (GDB architecture `arch`);
 * resolves its output.
 */
function gdb(port, commands, { elf = null, timeoutMs = 120000, arch = 'riscv:rv64' } = {}) {
  const args = ['-nx', '-batch', '-ex', 'set pagination off', '-ex', 'set confirm off', '-ex', `set architecture ${arch}`,
    '-ex', `target remote 127.0.0.1:${port}`, ...commands.flatMap((c) => ['-ex', c])];
  if (elf) args.push(elf);
  return new Promise((resolve, reject) => {
    const p = spawn('gdb-multiarch', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`gdb timed out:\n${out}`)); }, timeoutMs);
    p.on('close', () => { clearTimeout(timer); resolve(out); });
  });
}

/** The text of `out` from `pattern` on, for readable assertion messages. */
const near = (out, pattern) => out.slice(Math.max(0, out.search(pattern) - 200), out.search(pattern) + 400);

/** Start the CLI of `engine` with `args` and -gdb on a free port, -S; resolves {port, exited, output()} once it listens. */
async function cliWaitingForGdb(engine, args) {
  const port = await freePort();
  const [cmd, ...pre] = engines[engine];
  const cli = spawn(cmd, [...pre, ...args, '-gdb', `tcp::${port}`, '-S'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '', stdout = '';
  cli.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise((resolve) => cli.on('close', resolve));
  await new Promise((resolve, reject) => {
    cli.stderr.on('data', (d) => { stderr += d; if (/waits for a debugger/.test(stderr)) resolve(); });
    cli.on('close', () => reject(new Error(`the CLI exited before listening:\n${stderr}`)));
  });
  return { port, exited, output: () => `${stdout}\n${stderr}` };
}

for (const engine of ['native', 'asan', 'wasm']) {
  test(`${engine}: gdb-multiarch debugs a bare-metal program from its first instruction (-S)`, async () => {
    const elf = `${guestDir}/gdb_target.elf`;
    const cli = await cliWaitingForGdb(engine, ['-bios', 'none', '-kernel', elf]);
    const out = await gdb(cli.port, [
      'info threads', 'info registers pc',
      'break tick', 'continue', 'print counter', 'continue', 'print counter', 'delete',
      'watch counter', 'continue', 'delete',
      'stepi', 'info registers priv', 'set var magic = 42', 'print magic', 'print/x $mstatus', 'detach',
    ], { elf });
    assert.match(out, /\* 1 +Thread 1 /, 'one hart, thread 1, current');
    assert.match(out, /^pc\s+0x80000000\b/m, 'stopped before the first instruction (-S)');
    assert.match(out, /Breakpoint 1, (0x[0-9a-f]+ in )?tick \(\)/, near(out, /Breakpoint 1/));
    assert.match(out, /\$1 = 0\n[^]*\$2 = 1\n/, 'counter after the first and second break');
    assert.match(out, /Hardware watchpoint 2: counter\s+Old value = 1\s+New value = 2/, near(out, /watchpoint 2/));
    assert.match(out, /^priv\s+0x3\s+prv:3 \[Machine\]/m);
    assert.match(out, /\$3 = 42\n/);
    assert.match(out, /\[Inferior 1 \(Remote target\) detached\]/);
    assert.equal(await cli.exited, 0, `the program did not pass after the debugger set magic:\n${cli.output()}\n${out}`);
  });
}

for (const engine of ['native', 'asan', 'wasm']) {
  test(`${engine}: gdb-multiarch debugs an A64 program on the aarch64 machine from its first instruction (-S)`, async () => {
    const elf = `${guestDir}/arm64/gdb_target.elf`;
    const cli = await cliWaitingForGdb(engine, ['-arch', 'aarch64', '-bios', 'none', '-m', '128', '-kernel', elf]);
    const out = await gdb(cli.port, [
      'info threads', 'info registers pc',
      'break tick', 'continue', 'print counter', 'continue', 'print counter', 'print *alias', 'print alias',
      'x/gx 0xffff000000041000', 'info registers x0 x30 sp cpsr', 'delete',
      'watch counter', 'continue', 'delete',
      'print $pc', 'stepi', 'print $pc', 'set var $x9 = 0x1234', 'print/x $x9', 'set var magic = 42', 'print magic',
      'x/2i $pc', 'detach',
    ], { elf, arch: 'aarch64' });
    assert.match(out, /\* 1 +Thread 1 \(cpu 0\)/, 'one CPU, thread 1, current');
    assert.match(out, /^pc\s+0x40080000\b/m, 'stopped before the first instruction (-S)');
    assert.match(out, /Breakpoint 1, (0x[0-9a-f]+ in )?tick \(\)/, near(out, /Breakpoint 1/));
    assert.match(out, /\$1 = 0\n[^]*\$2 = 1\n\$3 = 1\n/, 'counter after the first and second break, and through its TTBR1 alias');
    assert.match(out, /\$4 = \(volatile unsigned long \*\) 0xffff000000040000\n/);
    assert.match(out, /Cannot access memory at address 0xffff000000041000/, 'an unmapped VA is refused');
    assert.match(out, /^x30\s+0x4008[0-9a-f]{4}\s/m, 'the link register points into main');
    assert.match(out, /^sp\s+0x400[0-9a-f]{5}\s/m);
    assert.match(out, /^cpsr\s+0x[0-9a-f]+\s+\[ SP EL=1 F I A D[^\]]*\]/m, 'EL1h, DAIF masked');
    assert.match(out, /Hardware watchpoint 2: counter\s+Old value = 1\s+New value = 2/, near(out, /watchpoint 2/));
    const pcs = [...out.matchAll(/^\$\d+ = \(void \(\*\)\(\)\) (0x[0-9a-f]+)/gm)].map((m) => BigInt(m[1]));
    assert.equal(pcs.length, 2, near(out, /stepi|\$5/));
    assert.equal(pcs[1] - pcs[0], 4n, 'stepi moved one instruction on');
    assert.match(out, /\$7 = 0x1234\n/, 'a register write reads back');
    assert.match(out, /\$8 = 42\n/);
    assert.match(out, /\[Inferior 1 \(Remote target\) detached\]/);
    assert.equal(await cli.exited, 0, `the program did not pass after the debugger set magic:\n${cli.output()}\n${out}`);
  });
}

/** Addresses of kernel symbols from the image's System.map. */
function symbols(img, names) {
  const map = readFileSync(`${img}/System.map`, 'utf8');
  return Object.fromEntries(names.map((n) => [n, new RegExp(`^([0-9a-f]+) \\w ${n}$`, 'm').exec(map)[1]]));
}

test('Linux with two harts: a breakpoint on start_kernel from reset, stepping, a watchpoint on jiffies at the prompt; then the shell runs on', async () => {
  const img = guestImages(), sym = symbols(img, ['start_kernel', 'jiffies', 'linux_banner']);
  const machine = await Machine.create({ mem: 256, smp: 2, kernel: readFileSync(`${img}/Image`),
    initrd: readFileSync(`${img}/initramfs.cpio.gz`), append: 'console=ttyS0' });
  machines.add(machine);
  const server = await machine.gdb(0, { wait: true });
  const session = machineSession(machine);
  machine.start();
  const early = await gdb(server.port, [
    'info threads', `break *0x${sym.start_kernel}`, 'continue', 'info registers pc', 'x/2i $pc', 'stepi', 'info registers pc',
    'print/x $priv', `x/s 0x${sym.linux_banner}`, 'delete', 'detach',
  ]);
  assert.match(early, /Thread 1 [^]*Thread 2 /, 'both harts are threads');
  assert.match(early, new RegExp(`Breakpoint 1, 0x0*${sym.start_kernel} in \\?\\? \\(\\)`), near(early, /Breakpoint 1,/));
  const pcs = [...early.matchAll(/^pc\s+0x([0-9a-f]+)/gm)].map((m) => m[1]);
  assert.equal(pcs[0], sym.start_kernel);
  assert.notEqual(pcs[1], pcs[0], 'stepi moved the pc');
  assert.match(early, /\$1 = 0x1\n/, 'the kernel runs in S mode');
  assert.match(early, /:\s+"Linux version \d/, 'kernel memory read through the page tables');
  await session.waitFor(PROMPT, { timeoutMs: 180000 });

  const late = await gdb(server.port, [
    'info threads', `watch *(long *)0x${sym.jiffies}`, 'continue', 'delete', 'thread 2', 'info registers pc', 'detach',
  ]);
  assert.match(late, /Thread 1 [^]*Thread 2 /);
  const hit = /Old value = (\d+)\s+New value = (\d+)/.exec(late);
  assert.ok(hit, near(late, /watchpoint/));
  assert.ok(Number(hit[2]) > Number(hit[1]), 'jiffies went on (by more than one after a tickless idle)');
  assert.match(late, /Switching to thread 2/);
  assert.equal((await session.command('echo $((6*7))')).output, '42');
  server.close();
});

/** Frame a GDB packet. */
const packet = (body) => `$${body}#${([...body].reduce((s, c) => s + c.charCodeAt(0), 0) & 255).toString(16).padStart(2, '0')}`;

test('raw packets: bad checksums are refused, huge lengths and unknown commands get error or empty replies, Ctrl-C stops a running guest', async () => {
  const machine = await Machine.create({ mem: 64, bios: 'none', kernel: readFileSync(`${guestDir}/gdb_target.elf`), jit: false });
  machines.add(machine);
  let replies = '';
  const gdbs = machine.gdbSession((bytes) => (replies += Buffer.from(bytes).toString('latin1')));
  machine.start();
  const ask = async (bytes) => {
    replies = '';
    gdbs.input(Buffer.from(bytes, 'latin1'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    return replies;
  };
  assert.equal(await ask('$g#00'), '-', 'a bad checksum is answered with a NAK');
  assert.equal(await ask(packet('m80000000,ffffffffffffffff')), `+${packet('E01')}`);
  assert.equal(await ask(packet('M80000000,ffffffff:00')), `+${packet('E01')}`);
  assert.equal(await ask(packet('vMustReplyEmpty')), `+${packet('')}`);
  assert.equal(await ask(packet('p99999')), `+${packet('E01')}`);
  assert.match(await ask(`$${'A'.repeat(20000)}#00`), /^\+?\$E0\d#|^-/, 'an overlong packet is refused');
  assert.equal(await ask(packet('m80000000,4')), `+${packet('97020000')}`, 'memory at the entry (auipc t0, 0)');
  assert.match(await ask(packet('?')), /^\+\$T05thread:0*1;/);
  // a tight loop at the entry keeps the guest running until Ctrl-C
  assert.equal(await ask(packet('M80000000,4:6f000000')), `+${packet('OK')}`); // j . (jal x0, 0)
  assert.equal(await ask(packet('c')), '+');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(machine.state, 'running');
  assert.match(await ask('\x03'), /^\$T02thread:0*1;/);
  assert.match(await ask(packet('p20')), /^\+\$0000008000000000#/, 'the pc is in the loop');
  gdbs.close();
});

test('raw packets on the aarch64 machine: its target description, g with a 32-bit cpsr, p, a single step', async () => {
  const machine = await Machine.create({ arch: 'aarch64', mem: 128, bios: 'none', kernel: readFileSync(`${guestDir}/arm64/gdb_target.elf`), jit: false });
  machines.add(machine);
  let replies = '';
  const gdbs = machine.gdbSession((bytes) => (replies += Buffer.from(bytes).toString('latin1')));
  machine.start();
  const ask = async (body) => {
    replies = '';
    gdbs.input(Buffer.from(packet(body), 'latin1'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    return replies;
  };
  const xml = await ask('qXfer:features:read:target.xml:0,fff');
  assert.match(xml, /^\+\$l<\?xml[^]*<architecture>aarch64<\/architecture><feature name="org\.gnu\.gdb\.aarch64\.core">/);
  assert.match(xml, /<reg name="sp" bitsize="64" regnum="31" type="data_ptr"\/><reg name="pc" bitsize="64" regnum="32" type="code_ptr"\/><reg name="cpsr" bitsize="32" regnum="33" type="cpsr_flags"\/>/);
  assert.match(await ask('g'), /^\+\$[0-9a-f]{536}#/, '31 X, sp and pc of 8 bytes, cpsr of 4');
  assert.equal(await ask('p20'), `+${packet('0000084000000000')}`, 'pc at the entry');
  assert.equal(await ask('p21'), `+${packet('c5030000')}`, 'EL1h, DAIF masked');
  assert.equal(await ask('p22'), `+${packet('E01')}`);
  assert.match(await ask('s'), /^\+\$T05thread:0*1;#/);
  assert.equal(await ask('p20'), `+${packet('0400084000000000')}`, 'one instruction on');
  gdbs.close();
});
