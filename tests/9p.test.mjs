// Host file sharing (virtio-9p, 9P2000.L) with the default guest, whose /init
// mounts each share at /media/TAG: a host directory (Machine shares, path),
// both ways: read, write, create, append, rename, unlink, mkdir/rmdir,
// symlink, hard link, chmod, truncate and a 3 MiB file checked by sha256 each
// way; links that point out of the share reach nothing of the host; a
// read-only share refuses changes; an in-memory share changed through
// machine.fs while the guest runs; a snapshot with an open file restores
// with the file still open. Then the native and Node CLIs with -virtfs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync,
  writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Machine } from '../src/js/machine.mjs';
import { MemoryFs } from '../src/js/fs-memory.mjs';
import { PROMPT, machineSession, processSession } from '../src/js/session.mjs';
import { engines } from './helpers.mjs';
import { guestImages } from './images.mjs';

const top = mkdtempSync(`${tmpdir()}/wvm-9p-`), dir = `${top}/share`, ro = `${top}/ro`;
const sha = (b) => createHash('sha256').update(b).digest('hex');
let img, machine, s, mem;

/** Run a guest command line; its output, failing the test on a non-zero status. */
async function ok(line) {
  const r = await s.run(line, { timeoutMs: 120000 });
  assert.equal(r.status, 0, `${line}: ${r.output}`);
  return r.output;
}

before(async () => {
  img = guestImages();
  mkdirSync(dir);
  mkdirSync(ro);
  writeFileSync(`${top}/secret.txt`, 'host secret\n');
  writeFileSync(`${dir}/hello.txt`, 'hello from the host\n');
  writeFileSync(`${ro}/r.txt`, 'read only\n');
  mem = new MemoryFs();
  mem.writeFile('/seed/in.txt', 'from memory\n');
  machine = await Machine.create({
    kernel: readFileSync(`${img}/Image`), initrd: readFileSync(`${img}/initramfs.cpio.gz`), append: 'console=ttyS0',
    shares: [{ tag: 'host', path: dir }, { tag: 'ro', path: ro, readonly: true }, { tag: 'mem', fs: mem }],
  });
  s = machineSession(machine);
  machine.start();
  await s.waitFor(PROMPT, { timeoutMs: 120000 });
});

after(() => {
  machine?.stop();
  rmSync(top, { recursive: true, force: true });
});

test('/init mounts every share at /media/TAG', async () => {
  assert.match(s.text, /host files 'host' at \/media\/host/);
  const mounts = await ok('grep " 9p " /proc/mounts');
  for (const tag of ['host', 'ro', 'mem']) assert.match(mounts, new RegExp(`^${tag} /media/${tag} 9p .*trans=virtio`, 'm'));
});

test('the guest reads and changes a host directory', async () => {
  assert.equal(await ok('cat /media/host/hello.txt'), 'hello from the host');
  await ok('(cd /media/host && echo one > a.txt && echo two >> a.txt && mkdir -p d/e && mv a.txt d/e/b.txt)');
  assert.equal(readFileSync(`${dir}/d/e/b.txt`, 'utf8'), 'one\ntwo\n');
  await ok('(cd /media/host && ln -s d/e/b.txt link && ln d/e/b.txt hard && chmod 600 hard)');
  assert.equal(readlinkSync(`${dir}/link`), 'd/e/b.txt');
  assert.equal(statSync(`${dir}/d/e/b.txt`).nlink, 2);
  assert.equal(statSync(`${dir}/hard`).mode & 0o777, 0o600);
  assert.equal(await ok('cat /media/host/link; readlink /media/host/link'), 'one\ntwo\nd/e/b.txt');
  await ok('truncate -s 3 /media/host/hard && rm /media/host/link && ls /media/host');
  assert.equal(readFileSync(`${dir}/d/e/b.txt`, 'utf8'), 'one');
  assert.equal(existsSync(`${dir}/link`), false);
  await ok('rm -r /media/host/d /media/host/hard');
  assert.equal(existsSync(`${dir}/d`), false);
  // a file the host adds shows at once (no stale cache)
  writeFileSync(`${dir}/late.txt`, 'late\n');
  assert.equal(await ok('ls /media/host | cat; cat /media/host/late.txt'), 'hello.txt\nlate.txt\nlate');
});

test('a file unlinked while open: written, read and stat\'ed through its descriptor (host directory and memory)', async () => {
  for (const tag of ['host', 'mem']) {
    const out = await ok(`exec 3>/media/${tag}/gone 4</media/${tag}/gone; echo hello >&3; rm /media/${tag}/gone; `
      + `echo more >&3; stat -L -c '%s %h' /proc/$$/fd/3; cat <&4; exec 3>&- 4<&-; ls /media/${tag} | grep -c gone || true`);
    assert.equal(out, '11 0\nhello\nmore\n0', tag);
  }
});

test('a 3 MiB file each way: the sha256 matches', async () => {
  const blob = randomBytes(3 << 20);
  writeFileSync(`${dir}/big.bin`, blob);
  assert.equal((await ok('sha256sum /media/host/big.bin')).split(/\s+/)[0], sha(blob));
  await ok('dd if=/media/host/big.bin of=/media/host/copy.bin bs=64k 2>/dev/null && sync');
  assert.equal(sha(readFileSync(`${dir}/copy.bin`)), sha(blob));
});

test('links out of the share reach nothing of the host', async () => {
  symlinkSync('/', `${dir}/root`);
  symlinkSync('../secret.txt', `${dir}/sec`);
  // the guest follows links itself, inside its own file tree
  const out = (await s.run('cat /media/host/sec; ls /media/host/root/ | head -3')).output;
  assert.doesNotMatch(out, /host secret/);
  assert.equal(lstatSync(`${dir}/root`).isSymbolicLink(), true);
});

test('a read-only share refuses changes', async () => {
  assert.equal(await ok('cat /media/ro/r.txt'), 'read only');
  for (const cmd of ['touch /media/ro/x', 'echo x >> /media/ro/r.txt', 'rm /media/ro/r.txt', 'mkdir /media/ro/d']) {
    const r = await s.run(cmd);
    assert.notEqual(r.status, 0, cmd);
    assert.match(r.output, /Read-only file system/, cmd);
  }
  assert.equal(readFileSync(`${ro}/r.txt`, 'utf8'), 'read only\n');
});

test('machine.shares: an in-memory share changed by the host while the guest runs', async () => {
  assert.equal(machine.shares.map((x) => x.tag).join(), 'host,ro,mem');
  assert.equal(await ok('cat /media/mem/seed/in.txt'), 'from memory');
  mem.writeFile('/new/put.txt', 'put while running\n');
  assert.equal(await ok('cat /media/mem/new/put.txt'), 'put while running');
  await ok('echo from the guest > /media/mem/out.txt');
  assert.equal(new TextDecoder().decode(mem.readFile('/out.txt')), 'from the guest\n');
  assert.deepEqual(mem.list('/').map((e) => e.name), ['new', 'out.txt', 'seed']);
  assert.equal(machine.fs.readFile('/hello.txt').length, 20); // machine.fs: the first share
});

test('a snapshot keeps the 9P session: an open file reads on after restore', async () => {
  await ok('exec 7</media/host/hello.txt');
  const snap = await machine.save();
  const other = await Machine.restore(snap, {
    shares: [{ tag: 'host', path: dir }, { tag: 'ro', path: ro, readonly: true }, { tag: 'mem', fs: mem }],
  });
  try {
    const s2 = machineSession(other);
    other.start();
    s2.send("\n");
    await s2.waitFor(PROMPT, { timeoutMs: 60000 });
    const r = await s2.run('cat <&7; exec 7<&-; cat /media/mem/out.txt');
    assert.equal(r.output, 'hello from the host\nfrom the guest');
  } finally {
    other.stop();
  }
  await assert.rejects(Machine.restore(snap, {}), /3 file shares/);
  await ok('exec 7<&-');
});

for (const name of ['native', 'wasm']) {
  test(`${name} CLI: -virtfs and QEMU's -fsdev/-device virtio-9p-device share directories; bad options are refused`, async () => {
    const share = mkdtempSync(`${top}/cli-`), second = mkdtempSync(`${top}/cli-ro-`);
    writeFileSync(`${share}/in.txt`, 'cli share\n');
    writeFileSync(`${second}/ro.txt`, 'long form\n');
    const child = spawn(engines[name][0], [...engines[name].slice(1), '-kernel', `${img}/Image`, '-initrd',
      `${img}/initramfs.cpio.gz`, '-append', 'console=ttyS0',
      '-virtfs', `local,path=${share},mount_tag=cli,security_model=none`,
      '-fsdev', `local,id=f1,path=${second},security_model=none,readonly=on`, '-device', 'virtio-9p-device,fsdev=f1,mount_tag=ro2',
      '-nic', 'none'], { stdio: 'pipe' });
    const cs = processSession(child, name);
    try {
      await cs.waitFor(PROMPT, { timeoutMs: 180000 });
      const r = await cs.run('cat /media/cli/in.txt && echo back > /media/cli/out.txt');
      assert.equal(r.output, 'cli share');
      assert.equal(readFileSync(`${share}/out.txt`, 'utf8'), 'back\n');
      const ro2 = await cs.run('cat /media/ro2/ro.txt; touch /media/ro2/x');
      assert.match(ro2.output, /^long form\n.*Read-only file system/s);
      cs.send("poweroff\n");
      assert.equal(await cs.exited, 0);
    } finally {
      child.kill();
    }
    const bad = [
      ['local,path=/x,mount_tag=t', /-virtfs needs security_model=none/],
      ['local,path=/x,mount_tag=t,security_model=mapped-xattr', /security_model=mapped-xattr is not supported/],
      ['proxy,path=/x', /only local/],
      ['local,mount_tag=t,security_model=none', /needs path=DIR/],
      ['local,path=/x,security_model=none', /needs mount_tag=TAG/],
      [`local,path=${top}/missing,mount_tag=t,security_model=none`, /missing/],
      [['-fsdev', 'local,id=f0,path=/x,security_model=none'], /-fsdev 'f0' is not used: add -device virtio-9p-device/],
      [['-device', 'virtio-9p-device,fsdev=f0,mount_tag=t'], /no -fsdev with id=f0/],
      [['-fsdev', 'local,path=/x,security_model=none'], /-fsdev needs id=ID/],
      [['-fsdev', 'local,id=f,path=/x,security_model=none,mount_tag=t'], /unknown -fsdev option 'mount_tag'/],
      [['-virtfs', 'local,path=/x,mount_tag=a,security_model=none', '-virtfs', 'local,path=/y,mount_tag=a,security_model=none'],
        /mount_tag 'a' is used twice/],
    ];
    for (const [spec, re] of bad) {
      const args = Array.isArray(spec) ? spec : ['-virtfs', spec];
      const c = spawn(engines[name][0], [...engines[name].slice(1), '-kernel', `${img}/Image`, ...args], { stdio: 'pipe' });
      let err = '';
      c.stderr.on('data', (d) => { err += d; });
      const code = await new Promise((resolve) => c.on('exit', resolve));
      assert.notEqual(code, 0, spec);
      assert.match(err, re, spec);
    }
  });
}
