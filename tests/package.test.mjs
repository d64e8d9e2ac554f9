// The npm package as a user gets it: `npm pack` holds the wasm build, the
// JavaScript and the type declarations and no tests; installed into a fresh
// project, `import { Machine, machineSession } from 'wvm'` boots the default
// guest and the session helper runs a command; a typed embedding
// (tests/package/typed.ts) passes `tsc --noEmit --strict` against the
// package's declarations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { guestImages } from './images.mjs';
import { root } from './helpers.mjs';

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600000 });

test('npm pack, install into a new project, import wvm, boot and run a command; the types check', async (t) => {
  const dir = mkdtempSync(`${tmpdir()}/wvm-package-`);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], root); // npm test has built it
  const [tarball] = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  const files = run('tar', ['tzf', `${dir}/${tarball}`]).split('\n');
  for (const f of ['package/build/wasm/wvm.wasm', 'package/build/wasm/wvm.mjs', 'package/src/js/index.mjs', 'package/types/index.d.ts',
    'package/wasm-jit/worker.mjs', 'package/web/index.html']) {
    assert.ok(files.includes(f), `${f} is not in the package`);
  }
  assert.ok(!files.some((f) => f.startsWith('package/tests/') || f.endsWith('.c')), 'tests or C sources are in the package');

  const project = `${dir}/project`;
  run('mkdir', ['-p', project]);
  writeFileSync(`${project}/package.json`, JSON.stringify({ name: 'uses-wvm', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `${dir}/${tarball}`], project);
  const img = guestImages();
  writeFileSync(`${project}/boot.mjs`, `
    import { readFileSync } from 'node:fs';
    import { Machine, machineSession } from 'wvm';
    const machine = await Machine.create({ kernel: readFileSync('${img}/Image'), initrd: readFileSync('${img}/initramfs.cpio.gz'), append: 'console=ttyS0' });
    const s = machineSession(machine);
    machine.start();
    await s.waitFor(/~ # $/, { timeoutMs: 120000 });
    const r = await s.run('uname -m; ls /nonexistent 2>/dev/null');
    machine.stop();
    console.log(JSON.stringify(r));`);
  assert.deepEqual(JSON.parse(run(process.execPath, ['boot.mjs'], project)), { output: 'riscv64', status: 1 });

  copyFileSync(`${root}tests/package/typed.ts`, `${project}/typed.ts`);
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  const check = (file) => {
    try {
      return run(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
        '--lib', 'es2022,dom', file], project);
    } catch (e) {
      return e.stdout || e.message;
    }
  };
  assert.equal(check('typed.ts'), '');
  // and the check can fail: a wrong option type is an error
  writeFileSync(`${project}/bad.ts`, "import { Machine } from 'wvm';\nawait Machine.create({ kernel: new Uint8Array(1), mem: '256' });\n");
  assert.match(check('bad.ts'), /bad\.ts.*error TS2322/);
});
