// The C unit tests (tests/unit/*_test.c), run from the native build and from
// the ASan+UBSan build; each prints 'N passed, N failed' and exits 0 on success.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { root } from './helpers.mjs';

const names = readdirSync(`${root}tests/unit`).filter((f) => f.endsWith('_test.c')).map((f) => f.slice(0, -2));

for (const build of ['native', 'asan']) {
  for (const name of names) {
    test(`${build}: ${name}`, () => {
      const r = spawnSync(`${root}build/${build}/${name}`, { cwd: root, encoding: 'utf8', timeout: 300000 });
      assert.equal(r.error, undefined, String(r.error));
      assert.equal(r.status, 0, `${name} exited ${r.status}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
      assert.match(r.stdout, /\b\d+ passed, 0 failed/);
    });
  }
}
