// TypeScript declarations of the package's main entry (src/js/index.mjs):
// class Machine (src/js/machine.mjs, whose JSDoc is the reference) and the
// headless session helper (src/js/session.mjs).

/** Storage behind one virtio-blk disk; offsets and lengths in bytes. */
export interface DiskBackend {
  /** bytes, a multiple of 512 */
  size: number;
  readonly?: boolean;
  read(offset: number, length: number): Uint8Array | Promise<Uint8Array>;
  write(offset: number, data: Uint8Array): void | Promise<void>;
  /** resolves once earlier writes are durable */
  flush(): void | Promise<void>;
  /** the sectors written so far (snapshot-host.mjs' overlay format), for save({disks: true}) */
  exportOverlay?(): Uint8Array | Promise<Uint8Array>;
  /** replace the sectors written so far with an overlay, for restore */
  importOverlay?(overlay: Uint8Array): void | Promise<void>;
}

/** A host port forwarded to a guest TCP port (QEMU's hostfwd). */
export interface Hostfwd {
  hostAddr: string;
  /** 0: any free port (Machine.hostfwd then says which) */
  hostPort: number;
  guestPort: number;
}

/** How the host reaches its network for user-mode networking (src/js/usernet.mjs: Sockets). */
export interface Sockets {
  tcp(host: string, port: number, handlers: object): object;
  udp(onMessage: (bytes: Uint8Array, host: string, port: number) => void): object;
  lookup(name: string, family: 4 | 6): Promise<Uint8Array[]>;
  listen?(host: string, port: number, onConn: () => object | null): Promise<{ port: number; close(): void }>;
}

export interface NetOptions {
  /** 'tcp:[HOSTADDR]:HOSTPORT-:GUESTPORT' as QEMU writes it, or parsed */
  hostfwd?: Array<string | Hostfwd>;
  /** default '52:54:00:12:34:56' */
  mac?: string;
  /** default in Node: node:net, node:dgram and the host resolver; required in a browser */
  sockets?: Sockets;
}

/** A file in a share's listing (MemoryFs.list). */
export interface FsEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink';
  /** bytes */
  size: number;
}

/**
 * The files of a share as the host sees them (src/js/fs-common.mjs FsHelpers). Paths are
 * relative to the share ('/a/b.txt' or 'a/b.txt'); errors are Errors with a Node-style `code`.
 */
export interface FsFiles {
  /** write a file, creating the directories above it */
  writeFile(path: string, data: Uint8Array | string, opts?: { mode?: number }): void;
  readFile(path: string): Uint8Array;
  list(path?: string): FsEntry[];
  /** remove a file or a directory tree */
  remove(path: string): void;
}

/** An in-memory file tree to share with the guest (also what the page shares). */
export class MemoryFs implements FsFiles {
  constructor(opts?: { readonly?: boolean; uid?: number; gid?: number; maxBytes?: number });
  readonly: boolean;
  writeFile(path: string, data: Uint8Array | string, opts?: { mode?: number }): void;
  readFile(path: string): Uint8Array;
  list(path?: string): FsEntry[];
  remove(path: string): void;
}

/** A file share (virtio-9p, QEMU's -virtfs); the default guest mounts it at /media/TAG. */
export interface ShareOptions {
  /** mount tag, 1..64 bytes */
  tag: string;
  /** a host directory (Node): nothing outside it is reachable */
  path?: string;
  /** or the files themselves (default: a new MemoryFs) */
  fs?: FsFiles;
  readonly?: boolean;
}

/** The options of Machine.create; they mirror the CLI flags. */
export interface MachineOptions {
  /** guest RAM in MiB, 16..2048 (default 256) */
  mem?: number;
  /** harts, 1..8 (default 1) */
  smp?: number;
  /** firmware image bytes, or a built-in choice (default 'builtin') */
  bios?: 'builtin' | 'none' | Uint8Array;
  /** ELF or raw kernel image */
  kernel: Uint8Array;
  /** initial RAM disk (a gzip one is unpacked on the host) */
  initrd?: Uint8Array;
  /** kernel command line */
  append?: string;
  /** the guest architecture (default: the kernel image's, else riscv64); x86_64 is not emulated yet */
  arch?: 'riscv64' | 'aarch64';
  /** virtio-blk disks, in slot order */
  disks?: DiskBackend[];
  /** host time per run slice in ms (default 10) */
  sliceMs?: number;
  /** compile hot guest code to WebAssembly (default true) */
  jit?: boolean | { threshold?: number; worker?: boolean; maxFunctions?: number };
  /** guest time from instructions retired, as QEMU's -icount */
  icount?: { shift: number; sleep?: boolean };
  /** the guest's wall clock, as QEMU's -rtc */
  rtc?: { base?: 'utc' | string | Date; clock?: 'host' | 'vm' };
  /** a virtio-net device on user-mode networking (QEMU's -nic user) */
  net?: boolean | NetOptions;
  /** file shares (at most 4) */
  shares?: ShareOptions[];
}

export type MachineState = 'created' | 'running' | 'paused' | 'halted' | 'error';

export interface MachineStats {
  /** guest instructions retired */
  instret: bigint;
  /** host seconds since the first start() */
  seconds: number;
  exitCode: number | null;
  jit: Record<string, number> | null;
}

/** A running guest. Events: 'output' (detail: Uint8Array), 'state' (detail: MachineState), 'jit', 'error', 'diskerror'. */
export class Machine extends EventTarget {
  static create(opts: MachineOptions, coreOpts?: { moduleUrl?: URL | string; wasmBinary?: Uint8Array }): Promise<Machine>;
  static restore(
    snapshot: Uint8Array,
    opts?: Partial<Omit<MachineOptions, 'disks' | 'shares'>> & {
      disks?: DiskBackend[] | ((saved: Array<{ size: number; readonly: boolean; overlay: boolean }>) => DiskBackend[]);
      shares?: ShareOptions[] | ((count: number) => ShareOptions[]);
    },
    coreOpts?: { moduleUrl?: URL | string; wasmBinary?: Uint8Array },
  ): Promise<Machine>;
  state: MachineState;
  /** guest exit status once halted (0 = poweroff), else null */
  exitCode: number | null;
  /** true if the guest asked for a reboot rather than poweroff */
  resetRequested: boolean;
  /** the hostfwd rules served, with the host ports listened on */
  hostfwd: Hostfwd[];
  /** the file shares, their files as the host sees them */
  shares: Array<{ tag: string; readonly: boolean; fs: FsFiles }>;
  /** the first share's files, or null */
  readonly fs: FsFiles | null;
  readonly harts: number;
  readonly stats: MachineStats;
  start(): void;
  pause(): void;
  resume(): void;
  reset(): void;
  stop(): void;
  /** console input; bytes the core cannot take yet wait, none are dropped */
  write(data: Uint8Array | string): void;
  /** the terminal's size in character columns and rows (guests on console=hvc0) */
  resize(cols: number, rows: number): void;
  save(opts?: { compress?: boolean; disks?: boolean }): Promise<Uint8Array>;
  /** resolves with the exit status when the guest halts */
  halted(): Promise<number | null>;
  jitReady(): Promise<void>;
  /** hart `hart`'s register: 0..31 x0..x31, 32..63 f0..f31, 64 pc, 65 instret, 0x1000 + n CSR n */
  register(hart: number, index: number): bigint;
  gdbSession(send: (bytes: Uint8Array) => void, end?: () => void): { input(bytes: Uint8Array): void; close(): void };
  gdb(port?: number, opts?: { host?: string; wait?: boolean }): Promise<{ port: number; close(): void }>;
}

/** The default guest's shell prompt at the end of the transcript. */
export const PROMPT: RegExp;

/** A shell session on a guest console: wait for output, run commands. */
export class GuestSession {
  constructor(write: (s: string) => void, instret?: () => number, opts?: { prompt?: RegExp });
  /** everything the guest printed so far */
  text: string;
  send(str: string): void;
  push(bytes: Uint8Array): void;
  end(reason: string): void;
  waitFor(re: RegExp, opts?: { timeoutMs?: number; from?: number; what?: string }): Promise<RegExpExecArray>;
  /** type a line, wait for the next prompt: its output, host seconds and guest instructions meanwhile */
  command(line: string, opts?: { timeoutMs?: number }): Promise<{ output: string; seconds: number; instret: number | null }>;
  /** run a shell command: its output and exit status */
  run(line: string, opts?: { timeoutMs?: number }): Promise<{ output: string; status: number }>;
}

/** A session on a Machine's console (create it before start()). */
export function machineSession(machine: Machine, opts?: { prompt?: RegExp }): GuestSession;
