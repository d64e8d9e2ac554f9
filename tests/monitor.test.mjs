// The monitor (Ctrl-A c) of both CLIs on a real terminal (a pseudo-terminal
// from util-linux's `script`), as a user types it: info status, stop,
// info registers, migrate file:PATH, cont, back to the console; the file
// then continues in the other CLI (native <-> Node), where the shell still
// has its variable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PROMPT, processSession } from '../src/js/session.mjs';
import { guestImages } from './images.mjs';
import { engines, spawnOnTerminal } from './helpers.mjs';

const tmp = mkdtempSync(`${tmpdir()}/wvm-mon-`);

/** The CLI of `engine` on a pseudo-terminal; its session reads the terminal's output. */
const onTerminal = (engine, args) => processSession(spawnOnTerminal(engine, args), `${engine} on a terminal`);

for (const [engine, other] of [['native', 'wasm'], ['wasm', 'native']]) {
  test(`${engine}: the monitor stops, saves (migrate) and continues the guest; ${other} restores the file`, async () => {
    const img = guestImages(), file = `${tmp}/${engine}.snap`;
    const s = onTerminal(engine, ['-m', '256', '-kernel', `${img}/Image`, '-initrd', `${img}/initramfs.cpio.gz`,
      '-append', 'console=ttyS0']);
    await s.waitFor(PROMPT, { timeoutMs: 120000 });
    assert.equal((await s.command('X=kept; echo $((6*7))')).output, '42');
    const monitor = async (line, reply) => {
      const from = s.text.length;
      s.send(`${line}\r`);
      return (await s.waitFor(new RegExp(`${reply}[^]*\\(wvm\\) $`), { from, timeoutMs: 30000, what: `'${line}' answered` }))[0];
    };
    let from = s.text.length;
    s.send('\x01c');
    await s.waitFor(/wvm monitor[^]*\(wvm\) $/, { from, timeoutMs: 10000 });
    await monitor('info status', 'VM status: running');
    await monitor('stop', '');
    await monitor('info status', 'VM status: paused');
    assert.match(await monitor('info registers', 'hart 0: pc'), /satp\s+[89a][0-9a-f]{15}/, 'paging (Sv39/48/57) is on');
    await monitor(`migrate file:${file}`, `saved to ${file}`);
    assert.ok(existsSync(file));
    await monitor('cont', '');
    from = s.text.length;
    s.send('\x01c');
    await s.waitFor(/\r\n$/, { from, timeoutMs: 10000 });
    assert.equal((await s.command('echo $X')).output, 'kept', 'the guest runs on after the save');
    s.send('\x01x');
    assert.equal(await s.exited, 0);

    const [cmd, ...pre] = engines[other];
    const r = processSession(spawn(cmd, [...pre, '-incoming', `file:${file}`], { stdio: ['pipe', 'pipe', 'pipe'] }), other);
    assert.equal((await r.command('echo $X $((7*6))', { timeoutMs: 60000 })).output, 'kept 42');
    r.send('poweroff -f\n');
    assert.equal(await r.exited, 0);
  });
}
