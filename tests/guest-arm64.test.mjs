// The self-checking A64 guest programs of tests/guest/arm64 (QEMU is their
// oracle: `make -C tests/guest/arm64 check-qemu`) run on the native build,
// the ASan+UBSan build and the wasm build in Node (its JIT at the default
// threshold, and compiling every block at once); all must pass, and the
// sanitizers must stay silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines, guestDir, guestTests, jitEngine, runCli } from './helpers.mjs';

for (const name of guestTests('tests/guest/arm64')) {
  test(`arm64 guest ${name}`, async (t) => {
    for (const engine of [...Object.keys(engines), ...Object.keys(jitEngine)]) {
      await t.test(engine, async () => {
        const r = await runCli(engine, ['-arch', 'aarch64', '-bios', 'none', '-m', '128', '-kernel', `${guestDir}/arm64/${name}.elf`]);
        assert.equal(r.code, 0, `${name} on ${engine} failed with status ${r.code} (check number)\n${r.stdout}${r.stderr}`);
        assert.doesNotMatch(r.stderr, /Sanitizer|runtime error/, r.stderr);
      });
    }
  });
}

test('an aarch64 ELF picks the aarch64 machine without -arch; -arch riscv64 refuses it', async () => {
  const elf = `${guestDir}/arm64/a64_branch.elf`;
  for (const engine of ['native', 'wasm']) {
    const r = await runCli(engine, ['-bios', 'none', '-m', '128', '-kernel', elf]);
    assert.equal(r.code, 0, `${engine}: ${r.stderr}`);
    const bad = await runCli(engine, ['-arch', 'riscv64', '-bios', 'none', '-kernel', elf]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /an ARM64 \(AArch64\) ELF[^;]*; this machine is riscv64 \(-arch aarch64 runs it\)/);
  }
});
