// A typed embedding, checked with `tsc --noEmit` against the installed package's
// declarations (tests/package.test.mjs); it is compiled, not run.
import { Machine, MemoryFs, machineSession, type MachineOptions } from 'wvm';

export async function uname(kernel: Uint8Array, initrd: Uint8Array): Promise<string> {
  const opts: MachineOptions = {
    mem: 128,
    kernel,
    initrd,
    append: 'console=ttyS0',
    net: { hostfwd: ['tcp::0-:80'] },
    shares: [{ tag: 'data', fs: new MemoryFs() }, { tag: 'src', path: '/tmp', readonly: true }],
  };
  const machine: Machine = await Machine.create(opts);
  const session = machineSession(machine);
  machine.addEventListener('state', (e) => console.log((e as CustomEvent<string>).detail));
  machine.start();
  await session.waitFor(/~ # $/, { timeoutMs: 60000 });
  machine.fs?.writeFile('/in.txt', 'hello');
  const names: string[] = machine.shares[0].fs.list('/').map((e) => e.name);
  const { output, status } = await session.run(`cat /media/data/in.txt ${names.join(' ')}`);
  const port: number = machine.hostfwd[0].hostPort;
  const snapshot: Uint8Array = await machine.save({ disks: false });
  const instret: bigint = machine.stats.instret;
  machine.stop();
  return `${output} ${status} ${port} ${snapshot.length} ${instret}`;
}
