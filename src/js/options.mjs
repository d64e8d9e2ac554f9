// QEMU-style command-line options, as the native CLI takes them
// (src/cli/options.c holds the same rules and wording).

/** The --help text (the native CLI's cli_usage says the same). */
export const usage = `usage: wvm [options]
  -m SIZE           guest RAM in MiB (default 256; M/G suffixes accepted)
  -smp N            number of harts, 1..8 (default 1)
  -bios FILE|none|builtin
                    firmware: an OpenSBI image such as fw_dynamic.bin or
                    fw_jump.bin; 'none' runs the kernel in machine mode from
                    its entry (bare metal); 'builtin' (default) boots an S-mode
                    kernel with the built-in SBI
  -kernel FILE      kernel: ELF executable or raw image (Linux Image)
  -initrd FILE      initial RAM disk
  -append STRING    kernel command line
  -drive file=FILE,format=raw,if=virtio[,readonly=on][,snapshot=on]
                    a virtio-blk disk (up to 4)
  -nic user[,hostfwd=tcp:[HOSTADDR]:HOSTPORT-:GUESTPORT][,mac=MAC]
                    a virtio-net device on user-mode networking, as QEMU's:
                    the guest gets 10.0.2.15 by DHCP, 10.0.2.2 is the host's
                    loopback, 10.0.2.3 its DNS resolver; hostfwd (repeatable)
                    forwards a host port (HOSTADDR default 127.0.0.1) to a
                    guest TCP port. -nic none: no network (the default)
  -netdev user,id=ID[,hostfwd=...] -device virtio-net-device,netdev=ID[,mac=MAC]
                    the same in QEMU's long form
  -virtfs local,path=DIR,mount_tag=TAG,security_model=none[,readonly=on]
                    share host directory DIR with the guest (virtio-9p, up
                    to 4); the guest mounts it with mount -t 9p -o
                    trans=virtio,version=9p2000.L TAG /mnt/TAG. Paths never
                    leave DIR; readonly=on refuses every change
  -fsdev local,id=ID,path=DIR,security_model=none[,readonly=on]
  -device virtio-9p-device,fsdev=ID,mount_tag=TAG
                    the same in QEMU's long form
  -arch riscv64|aarch64  the guest architecture (default: read from the kernel
                    image's header; x86_64 is not emulated yet)
  -M, -machine virt the machine (QEMU's riscv64 virt board, the only one)
  -nographic        console on stdio (the default)
  -jit on|off|sync  compile hot guest code to WebAssembly (wasm build; default on,
                    compiling in a worker; sync compiles on the run thread as soon
                    as code is hot). The native build has no JIT
  -jit-threshold N  executions of a block before its page is compiled (default 10000)
  -icount shift=N[,sleep=on|off]
                    guest time from instructions retired: 2^N ns each (0..10);
                    runs with the same input repeat exactly. sleep=off: an idle
                    guest's time jumps to its next timer at once
  -rtc base=utc|DATE[,clock=host|vm]
                    the RTC starts at DATE (2006-06-17 or 2006-06-17T16:01:21,
                    UTC) and advances with host time or guest time (vm)
  -incoming file:PATH
                    restore a saved machine (monitor: migrate file:PATH) and
                    run on; give the same -drive options as when it was saved
  -gdb tcp:[HOST]:PORT
                    wait for a GDB connection (gdb-multiarch: target remote
                    HOST:PORT); HOST defaults to 127.0.0.1; harts are threads
  -s                same as -gdb tcp::1234
  -S                do not start the guest: GDB starts it (needs -gdb or -s)
  --stats           at exit, print guest instructions retired, run time and peak RSS
  -h, --help        this text
Keys: Ctrl-A x quits, Ctrl-A c switches to the monitor and back, Ctrl-A h lists keys.
An ELF with a \`tohost\` symbol ends the run when it writes it: 1 = pass (exit 0),
(n << 1) | 1 = failure n (exit status n). Guest poweroff exits 0; reboot restarts.
`;

/** What Ctrl-A h prints (raw terminal, so CR LF line ends). */
export const escapeHelp = '\r\nC-a h    print this help\r\nC-a x    exit emulator\r\nC-a c    switch between console and monitor\r\n'
  + 'C-a C-a  send C-a\r\n';

/** A bad command line; its message is one line. */
export class UsageError extends Error {}

function parseDrive(spec) {
  const d = { file: null, readonly: false, snapshot: false };
  for (const kv of spec.split(',')) {
    const eq = kv.indexOf('=');
    if (eq < 0) throw new UsageError(`bad -drive option '${kv}' (expected key=value)`);
    const k = kv.slice(0, eq), v = kv.slice(eq + 1);
    if (k === 'file') d.file = v;
    else if (k === 'format') { if (v !== 'raw') throw new UsageError(`-drive format '${v}' is not supported (only raw)`); }
    else if (k === 'if') { if (v !== 'virtio') throw new UsageError(`-drive if='${v}' is not supported (only virtio)`); }
    else if (k === 'readonly' || k === 'snapshot') {
      if (v !== 'on' && v !== 'off') throw new UsageError(`-drive value '${v}' must be on or off`);
      d[k] = v === 'on';
    } else throw new UsageError(`unknown -drive option '${k}'`);
  }
  if (!d.file) throw new UsageError('-drive needs file=FILE');
  return d;
}

// key=value,... into [key, value] pairs in order (a key may repeat: hostfwd); a bare first item
// is `bare`'s value.
function keyValues(flag, v, bare) {
  const kv = [];
  v.split(',').forEach((item, i) => {
    const eq = item.indexOf('=');
    if (eq < 0 && i === 0 && bare) kv.push([bare, item]);
    else if (eq < 0) throw new UsageError(`bad ${flag} option '${item}'`);
    else kv.push([item.slice(0, eq), item.slice(eq + 1)]);
  });
  return kv;
}

const MAX_HOSTFWD = 8;

/**
 * The 6 bytes of a MAC address 'xx:xx:xx:xx:xx:xx'.
 * @throws UsageError if it is malformed or multicast
 */
export function parseMac(mac) {
  const b = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac) ? Uint8Array.from(mac.split(':'), (x) => parseInt(x, 16)) : null;
  if (!b || b[0] & 1) throw new UsageError(`bad mac '${mac}' (six hex bytes, unicast: 52:54:00:12:34:56)`);
  return b;
}

/**
 * Parse a hostfwd rule as QEMU writes it: 'tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT'
 * (tcp: may be left out; HOSTADDR defaults to 127.0.0.1; HOSTPORT 0 picks a free port).
 * @returns {{hostAddr: string, hostPort: number, guestPort: number}}
 * @throws Error naming the rule when it is malformed or not TCP
 */
export function parseHostfwd(rule) {
  const m = /^(?:(tcp|udp):)?([^:]*):(\d+)-([^:]*):(\d+)$/.exec(rule);
  if (!m || +m[3] > 65535 || !(+m[5] >= 1 && +m[5] <= 65535)) {
    throw new UsageError(`bad hostfwd '${rule}' (expected tcp:[HOSTADDR]:HOSTPORT-:GUESTPORT)`);
  }
  if (m[1] === 'udp') throw new UsageError(`hostfwd '${rule}': only tcp is forwarded`);
  if (m[4] && m[4] !== '10.0.2.15') throw new UsageError(`hostfwd '${rule}': the guest is 10.0.2.15`);
  return { hostAddr: m[2] || '127.0.0.1', hostPort: +m[3], guestPort: +m[5] };
}

// The hostfwd rules and MAC address of -nic/-netdev/-device pairs into `net`; `keys` are the ones
// allowed besides `skip` (the type, the id).
function netItems(flag, kv, net, keys, skip) {
  for (const [k, v] of kv) {
    if (skip.includes(k)) continue;
    if (!keys.includes(k)) throw new UsageError(`bad ${flag} option '${k}' (${keys.join(', ')})`);
    if (k === 'hostfwd') {
      if (net.hostfwd.length === MAX_HOSTFWD) throw new UsageError(`too many hostfwd rules (at most ${MAX_HOSTFWD})`);
      net.hostfwd.push(parseHostfwd(v));
    } else {
      parseMac(v);
      net.mac = v;
    }
  }
}

const value = (kv, key) => kv.find(([k]) => k === key)?.[1];

// -nic, -netdev and -device ([flag, value] in order) into o.net: {hostfwd, mac}, or none.
function parseNet(o, items) {
  const by = { '-nic': [], '-netdev': [], '-device': [] };
  for (const [flag, v] of items) {
    const kv = keyValues(flag, v, flag === '-device' ? 'driver' : 'type'), type = kv[0][1];
    if (flag === '-device' && type !== 'virtio-net-device') throw new UsageError(`-device '${type}' is not emulated (only virtio-net-device)`);
    if (flag !== '-device' && type !== 'user' && !(flag === '-nic' && type === 'none')) {
      throw new UsageError(`${flag} '${type}' is not supported (only user${flag === '-nic' ? ' or none' : ''})`);
    }
    if (by[flag].length) throw new UsageError(`only one ${flag} (one network device)`);
    by[flag].push(kv);
  }
  const [nic] = by['-nic'], [netdev] = by['-netdev'], [device] = by['-device'];
  const net = { hostfwd: [], mac: '52:54:00:12:34:56' };
  if (nic && (netdev || device)) throw new UsageError('give -nic, or -netdev with -device, not both');
  if (nic) {
    if (nic[0][1] === 'none') return;
    netItems('-nic', nic, net, ['hostfwd', 'mac'], ['type']);
  } else if (netdev || device) {
    const id = netdev && value(netdev, 'id');
    if (!id) throw new UsageError(netdev ? '-netdev needs id=ID' : '-device virtio-net-device needs netdev=ID of a -netdev user,id=ID');
    if (!device || value(device, 'netdev') !== id) throw new UsageError(`-netdev '${id}' is not used: add -device virtio-net-device,netdev=${id}`);
    netItems('-netdev', netdev, net, ['hostfwd'], ['type', 'id']);
    netItems('-device', device, net, ['mac'], ['driver', 'netdev']);
  } else return;
  o.net = net;
}

function parseIcount(v) {
  const kv = keyValues('-icount', v, 'shift');
  const icount = { shift: NaN, sleep: true };
  for (const [k, val] of kv) {
    if (k === 'shift') icount.shift = /^\d+$/.test(val) ? Number(val) : NaN;
    else if (k === 'sleep' && (val === 'on' || val === 'off')) icount.sleep = val === 'on';
    else throw new UsageError(`bad -icount option '${k}' (shift=N, sleep=on|off)`);
    if (k === 'shift' && !(icount.shift <= 10)) throw new UsageError(`bad -icount shift '${val}' (0..10)`);
  }
  if (Number.isNaN(icount.shift)) throw new UsageError('-icount needs shift=N');
  return icount;
}

function parseGdb(v) {
  const m = /^tcp:(.*):(\d+)$/.exec(v);
  const host = m?.[1] || '127.0.0.1', port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535 || host.length >= 64) throw new UsageError(`bad -gdb '${v}' (tcp::PORT or tcp:HOST:PORT)`);
  return { host, port, spec: v };
}

function parseRtc(v) {
  const rtc = { base: 'utc', clock: 'host' };
  for (const [k, val] of keyValues('-rtc', v)) {
    if (k === 'base') {
      const ok = val === 'utc' || (/^\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d)?$/.test(val) && Date.parse(`${val}${val.includes('T') ? 'Z' : ''}`) >= 0);
      if (!ok) throw new UsageError(`bad -rtc base '${val}' (utc, 2006-06-17 or 2006-06-17T16:01:21)`);
      rtc.base = val;
    } else if (k === 'clock' && ['host', 'rt', 'vm'].includes(val)) rtc.clock = val === 'vm' ? 'vm' : 'host';
    else throw new UsageError(`bad -rtc option '${k}' (base=utc|DATE, clock=host|vm)`);
  }
  return rtc;
}

/**
 * A guest architecture name (-arch, Machine's `arch`) checked: riscv64 and aarch64 are emulated.
 * @param {string} v
 * @returns {string} v
 * @throws UsageError for x86_64 (not yet) and anything else
 */
export function checkArch(v) {
  if (v === 'x86_64') throw new UsageError(`-arch ${v}: not emulated yet (riscv64 and aarch64 are)`);
  if (v !== 'riscv64' && v !== 'aarch64') throw new UsageError(`bad -arch value '${v}' (riscv64, aarch64 or x86_64)`);
  return v;
}

/**
 * A -virtfs or -fsdev value (QEMU's local driver with security_model=none) as {path, tag,
 * readonly, id}: -virtfs names its mount_tag, -fsdev its id, which a
 * -device virtio-9p-device,fsdev=ID,mount_tag=TAG then uses.
 */
function parseShare(spec, flag) {
  const [driver, ...kvs] = spec.split(','), fsdev = flag === '-fsdev';
  if (driver !== 'local') throw new UsageError(`${flag} '${spec}' is not supported (only local)`);
  const s = { path: null, tag: null, readonly: false, id: null };
  let model = false;
  for (const kv of kvs) {
    const eq = kv.indexOf('=');
    if (eq < 0) throw new UsageError(`bad ${flag} option '${kv}' (expected key=value)`);
    const k = kv.slice(0, eq), v = kv.slice(eq + 1);
    if (k === 'path') s.path = v;
    else if (k === 'mount_tag' && !fsdev) s.tag = v;
    else if (k === 'id') s.id = v;
    else if (k === 'security_model') {
      if (v !== 'none') throw new UsageError(`${flag} security_model=${v} is not supported (only none)`);
      model = true;
    } else if (k === 'readonly') {
      if (v !== 'on' && v !== 'off') throw new UsageError(`${flag} value '${v}' must be on or off`);
      s.readonly = v === 'on';
    } else throw new UsageError(`unknown ${flag} option '${k}'`);
  }
  if (!s.path) throw new UsageError(`${flag} needs path=DIR`);
  if (fsdev ? !s.id : !s.tag || new TextEncoder().encode(s.tag).length > 64) {
    throw new UsageError(fsdev ? `${flag} needs id=ID` : `${flag} needs mount_tag=TAG (1 to 64 characters)`);
  }
  if (!model) throw new UsageError(`${flag} needs security_model=none`);
  return s;
}

/** Whether a -device value is a virtio-9p-device. */
const is9pDevice = (v) => v.split(',')[0] === 'virtio-9p-device';

/** Add share `s` ({path, tag, readonly}) to o.shares. */
function addShare(o, { path, tag, readonly }) {
  if (o.shares.length === 4) throw new UsageError('too many file shares (at most 4)');
  if (o.shares.some((t) => t.tag === tag)) throw new UsageError(`mount_tag '${tag}' is used twice`);
  o.shares.push({ path, tag, readonly });
}

/** The -fsdev and -device virtio-9p-device pairs, matched by id, into o.shares. */
function pairFsdevs(o, fsdevs, devices) {
  for (const spec of devices) {
    let fsdev = null, tag = null;
    for (const kv of spec.split(',').slice(1)) {
      const eq = kv.indexOf('=');
      if (eq < 0) throw new UsageError(`bad -device virtio-9p-device option '${kv}' (expected key=value)`);
      const k = kv.slice(0, eq), v = kv.slice(eq + 1);
      if (k === 'fsdev') fsdev = v;
      else if (k === 'mount_tag') tag = v;
      else if (k !== 'id') throw new UsageError(`unknown -device virtio-9p-device option '${k}' (fsdev, mount_tag)`);
    }
    if (fsdev === null || !tag || new TextEncoder().encode(tag).length > 64) {
      throw new UsageError('-device virtio-9p-device needs fsdev=ID and mount_tag=TAG (1 to 64 characters)');
    }
    const f = fsdevs.find((x) => x.id === fsdev);
    if (!f) throw new UsageError(`-device virtio-9p-device: no -fsdev with id=${fsdev}`);
    if (f.tag) throw new UsageError(`-fsdev '${fsdev}' is used by two devices`);
    f.tag = tag;
    addShare(o, f);
  }
  const unused = fsdevs.find((f) => !f.tag);
  if (unused) throw new UsageError(`-fsdev '${unused.id}' is not used: add -device virtio-9p-device,fsdev=ID,mount_tag=TAG`);
}

/**
 * Parse argv (without node and the script) into options.
 * @returns {{mem:number, smp:number, bios:string, kernel:string|null, initrd:string|null,
 *            append:string, drives:{file:string, readonly:boolean, snapshot:boolean}[], help:boolean, stats:boolean,
 *            jit:'on'|'off'|'sync', jitThreshold:number, icount:{shift:number, sleep:boolean}|null,
 *            rtc:{base:string, clock:'host'|'vm'}|null, incoming:string|null,
 *            gdb:{host:string, port:number, spec:string}|null, gdbWait:boolean,
 *            net:{hostfwd:{hostAddr:string, hostPort:number, guestPort:number}[], mac:string}|null,
 *            shares:{path:string, tag:string, readonly:boolean}[], arch:string|null}}
 * @throws UsageError
 */
export function parseArgs(argv) {
  const o = { mem: 256, smp: 1, bios: 'builtin', kernel: null, initrd: null, append: '', drives: [], help: false, stats: false, jit: 'on', jitThreshold: 10000, icount: null, rtc: null, incoming: null,
    gdb: null, gdbWait: false, net: null, shares: [], arch: null };
  const netArgs = [], fsdevs = [], devices9p = []; // -fsdev and -device virtio-9p-device, paired by id
  const valued = new Set(['-m', '-smp', '-bios', '-kernel', '-initrd', '-append', '-drive', '-M', '-machine', '-jit', '-jit-threshold',
    '-icount', '-rtc', '-incoming', '-gdb', '-nic', '-netdev', '-device', '-virtfs', '-arch', '-fsdev']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') { o.help = true; continue; }
    if (a === '-nographic') continue;
    if (a === '--stats') { o.stats = true; continue; }
    if (a === '-s') { o.gdb = parseGdb('tcp::1234'); continue; }
    if (a === '-S') { o.gdbWait = true; continue; }
    if (!valued.has(a)) throw new UsageError(`unknown option '${a}' (try --help)`);
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`option '${a}' needs a value`);
    if (a === '-m') {
      const m = /^(\d+)([MmGg]?)$/.exec(v);
      o.mem = m ? Number(m[1]) * (/[Gg]/.test(m[2]) ? 1024 : 1) : NaN;
      if (!(o.mem >= 16 && o.mem <= 2048)) throw new UsageError(`bad -m value '${v}' (16..2048 MiB)`);
    } else if (a === '-smp') {
      o.smp = /^\d+$/.test(v) ? Number(v) : NaN;
      if (!(o.smp >= 1 && o.smp <= 8)) throw new UsageError(`bad -smp value '${v}' (1..8)`);
    } else if (a === '-bios') o.bios = v;
    else if (a === '-kernel') o.kernel = v;
    else if (a === '-initrd') o.initrd = v;
    else if (a === '-append') o.append = v;
    else if (a === '-jit') {
      if (!['on', 'off', 'sync'].includes(v)) throw new UsageError(`bad -jit value '${v}' (on, off or sync)`);
      o.jit = v;
    } else if (a === '-jit-threshold') {
      o.jitThreshold = /^\d+$/.test(v) ? Number(v) : NaN;
      if (!(o.jitThreshold >= 1 && o.jitThreshold <= 1e9)) throw new UsageError(`bad -jit-threshold value '${v}' (1..1000000000)`);
    } else if (a === '-icount') o.icount = parseIcount(v);
    else if (a === '-rtc') o.rtc = parseRtc(v);
    else if (a === '-gdb') o.gdb = parseGdb(v);
    else if (a === '-device' && is9pDevice(v)) {
      if (devices9p.length === 4) throw new UsageError('too many virtio-9p-device options (at most 4)');
      devices9p.push(v);
    } else if (a === '-nic' || a === '-netdev' || a === '-device') netArgs.push([a, v]);
    else if (a === '-incoming') {
      if (!v.startsWith('file:') || v.length === 5) throw new UsageError(`bad -incoming '${v}' (only file:PATH)`);
      o.incoming = v.slice(5);
    } else if (a === '-arch') o.arch = checkArch(v);
    else if (a === '-virtfs') addShare(o, parseShare(v, a));
    else if (a === '-fsdev') {
      if (fsdevs.length === 4) throw new UsageError('too many -fsdev options (at most 4)');
      fsdevs.push(parseShare(v, a));
    } else if (a === '-M' || a === '-machine') {
      if (v !== 'virt') throw new UsageError(`machine '${v}' is not emulated (only 'virt')`);
    } else {
      if (o.drives.length === 4) throw new UsageError('too many -drive options (at most 4)');
      o.drives.push(parseDrive(v));
    }
  }
  pairFsdevs(o, fsdevs, devices9p);
  parseNet(o, netArgs);
  if (o.gdbWait && !o.gdb) throw new UsageError('-S needs -gdb or -s (the debugger starts the guest)');
  if (!o.help && !o.kernel && !o.incoming) throw new UsageError('no -kernel given (try --help)');
  return o;
}
