// Snapshots of the aarch64 machine: tests/guest/arm64/snapshot_target.c (MMU
// on, generic timer, SVCs, then a wait for one UART byte) runs under -icount
// to its "ready" line and is saved there: through the monitor of one CLI
// (migrate) and restored by the other CLI, and through Machine.save and
// Machine.restore. The restored run, fed the same byte, prints the same sum
// as a run that was never saved, exits 0, and (Machine) ends in the same
// state, byte for byte, as the machine it was saved from. A damaged aarch64
// snapshot is refused with a message.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Machine } from '../src/js/machine.mjs';
import { machineSession, processSession } from '../src/js/session.mjs';
import { guestDir, runCli, spawnOnTerminal } from './helpers.mjs';

const tmp = mkdtempSync(`${tmpdir()}/wvm-snap-a64-`);
const elf = `${guestDir}/arm64/snapshot_target.elf`;
const args = ['-icount', 'shift=0', '-arch', 'aarch64', '-bios', 'none', '-m', '128', '-kernel', elf];
const SUM = /sum=0x[0-9a-f]{16}\r?\n/;
const machines = new Set();
after(() => machines.forEach((m) => m.stop()));

for (const [engine, other] of [['native', 'wasm'], ['wasm', 'native']]) {
  test(`${engine}: the monitor saves an aarch64 program waiting for input; ${other} restores it and it ends as a run never saved`, async () => {
    const file = `${tmp}/${engine}.snap`;
    const s = processSession(spawnOnTerminal(engine, args), `${engine} on a terminal`);
    await s.waitFor(/ready\r\n/, { timeoutMs: 60000 });
    const monitor = async (line, reply) => {
      const from = s.text.length;
      s.send(`${line}\r`);
      await s.waitFor(new RegExp(`${reply}[^]*\\(wvm\\) $`), { from, timeoutMs: 30000, what: `'${line}' answered` });
    };
    const from = s.text.length;
    s.send('\x01c');
    await s.waitFor(/wvm monitor[^]*\(wvm\) $/, { from, timeoutMs: 10000 });
    await monitor('stop', '');
    await monitor(`migrate file:${file}`, `saved to ${file}`);
    s.send('quit\r');
    await s.exited;
    assert.ok(existsSync(file));

    const whole = await runCli(engine, args, { input: 'k' });
    assert.equal(whole.code, 0, whole.stderr);
    const restored = await runCli(other, ['-incoming', `file:${file}`], { input: 'k' });
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(whole.stdout, SUM);
    assert.equal(SUM.exec(restored.stdout)[0], SUM.exec(whole.stdout)[0], 'the restored run printed another sum');
    assert.doesNotMatch(restored.stdout, /ready/, 'the restored run started over');
  });
}

test('Machine.save of an aarch64 machine restores as an aarch64 machine that ends in the same state as the original', async () => {
  const a = await Machine.create({ arch: 'aarch64', bios: 'none', mem: 128, kernel: readFileSync(elf), icount: { shift: 0 } });
  machines.add(a);
  const sa = machineSession(a);
  a.start();
  await sa.waitFor(/ready\r?\n/, { timeoutMs: 60000 });
  a.pause(); // so that the byte below comes at the point of guest time of the snapshot
  const snap = await a.save();
  assert.ok(Buffer.from(snap).equals(Buffer.from(await a.save())), 'two saves without running in between differ');
  const from = sa.text.length;
  a.write('k');
  a.resume();
  const b = await Machine.restore(snap);
  machines.add(b);
  const sb = machineSession(b);
  b.write('k');
  b.start();
  assert.equal(await a.halted(), 0);
  assert.equal(await b.halted(), 0);
  assert.match(sa.text.slice(from), SUM);
  assert.equal(sb.text, sa.text.slice(from));
  const [ea, eb] = [await a.save({ compress: false }), await b.save({ compress: false })];
  assert.ok(Buffer.from(ea).equals(Buffer.from(eb)), 'the two machines ended in different states');

  const raw = await a.save({ compress: false });
  await assert.rejects(Machine.restore(raw.subarray(0, raw.length - 100)), /corrupted or truncated/);
  const flipped = Uint8Array.from(raw);
  flipped[raw.length >> 1] ^= 4;
  await assert.rejects(Machine.restore(flipped), /corrupted or truncated/);
});
