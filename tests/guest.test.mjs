// The self-checking guest programs of tests/guest run on the native build,
// the ASan+UBSan build and the wasm build in Node (its JIT at the default
// threshold, and compiling every block at once); all must pass, and the
// sanitizers must stay silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines, guestDir, guestTests, jitEngine, runCli } from './helpers.mjs';

for (const name of guestTests()) {
  test(`guest ${name}`, async (t) => {
    for (const engine of [...Object.keys(engines), ...Object.keys(jitEngine)]) {
      await t.test(engine, async () => {
        const r = await runCli(engine, ['-bios', 'none', '-kernel', `${guestDir}/${name}.elf`]);
        assert.equal(r.code, 0, `${name} on ${engine} failed with status ${r.code} (check number)\n${r.stdout}${r.stderr}`);
        assert.doesNotMatch(r.stderr, /Sanitizer|runtime error/, r.stderr);
      });
    }
  });
}
