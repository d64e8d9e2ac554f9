#!/usr/bin/env node
// wvm Node CLI: QEMU-style flags over the wasm build (same flags as the
// native CLI, src/cli/main.c). The terminal is put in raw mode on a TTY;
// Ctrl-A x quits, Ctrl-A c switches to the monitor, Ctrl-A h lists keys.
import { readFileSync } from 'node:fs';
import { Machine } from './machine.mjs';
import { openFileDisk } from './file-disk.mjs';
import { Monitor } from './monitor.mjs';
import { UsageError, escapeHelp, parseArgs, usage } from './options.mjs';

function readInput(path) {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot open '${path}' (${e.code ?? e.message})`);
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.help) {
    process.stdout.write(usage);
    return 0;
  }
  const bios = o.bios === 'none' || o.bios === 'builtin' ? o.bios : readInput(o.bios);
  const kernel = o.kernel ? readInput(o.kernel) : undefined;
  const initrd = o.initrd ? readInput(o.initrd) : undefined;
  const snapshot = o.incoming ? readInput(o.incoming) : null;
  const disks = o.drives.map((d) => openFileDisk(d.file, d));
  const jit = o.jit === 'off' ? false : { threshold: o.jitThreshold, worker: o.jit === 'on' };
  const options = { mem: o.mem, smp: o.smp, bios, kernel, initrd, append: o.append, disks, jit,
    icount: o.icount ?? undefined, rtc: o.rtc ?? undefined, net: o.net ?? undefined,
    shares: o.shares, arch: o.arch ?? undefined };
  let machine, instret = 0n, quit = false;
  const monitor = new Monitor((s) => process.stdout.write(s), () => machine, () => { quit = true; machine?.stop(); });
  const tty = process.stdin.isTTY;
  if (tty) process.stdin.setRawMode(true);
  let escape = false;
  // Input may arrive at any moment: before the machine exists, or while a
  // rebooting guest has none running. It waits here until one runs.
  const early = [];
  const send = (bytes) => (machine && machine.state !== 'halted' ? machine.write(bytes) : early.push(bytes));
  process.stdin.on('data', (buf) => {
    const forward = [];
    for (const b of buf) {
      if (tty && escape) {
        escape = false;
        if (b === 0x78) { quit = true; machine?.stop(); return; } // 'x'
        if (b === 0x68) { process.stderr.write(escapeHelp); continue; } // 'h'
        if (b === 0x63) { monitor.toggle(); continue; } // 'c'
        if (b !== 1) continue;
      } else if (tty && b === 1) { escape = true; continue; }
      if (monitor.active) monitor.input(b);
      else forward.push(b);
    }
    if (forward.length) send(Uint8Array.from(forward));
  });
  process.stdin.on('error', () => {});
  // The terminal's size reaches a guest on the virtio-console (console=hvc0).
  const resize = () => process.stdout.isTTY && machine?.resize(process.stdout.columns || 80, process.stdout.rows || 24);
  process.stdout.on('resize', resize);
  let t0 = null; // run time: from the first machine's start (not its creation and the compiler's load)
  let code, gdbServer = null;
  do { // a guest reboot starts a fresh machine with the same images and disks
    if (machine) instret += machine.stats.instret;
    machine?.stop(); // its hostfwd ports are free again
    if (snapshot && !machine) machine = await Machine.restore(snapshot, options);
    else if (!kernel) throw new Error('the guest rebooted: give -kernel to boot it again');
    else machine = await Machine.create(options);
    if (o.jit === 'sync') await machine.jitReady(); // compiled from the first hot block on
    if (options.net) { // ports picked by the system are printed once and kept across reboots
      machine.hostfwd.forEach((r, i) => options.net.hostfwd[i].hostPort === 0
        && process.stderr.write(`wvm: hostfwd ${r.hostAddr}:${r.hostPort} -> guest ${r.guestPort}\n`));
      options.net.hostfwd = machine.hostfwd;
    }
    if (quit) break; // Ctrl-A x while it was being created
    if (o.gdb) { // each machine (after a reboot too) serves the port; -S holds only the first
      gdbServer?.close();
      gdbServer = await machine.gdb(o.gdb.port, { host: o.gdb.host, wait: o.gdbWait && !t0 });
      if (o.gdbWait && !t0) process.stderr.write(`wvm: -S: the guest waits for a debugger on ${o.gdb.spec}\n`);
    }
    resize();
    machine.addEventListener('output', (e) => process.stdout.write(e.detail));
    t0 ??= performance.now();
    machine.start();
    early.splice(0).forEach(send);
    code = await machine.halted();
  } while (!quit && machine.resetRequested);
  if (tty) process.stdin.setRawMode(false);
  gdbServer?.close();
  disks.forEach((d) => d.close());
  if (o.stats) {
    const n = instret + machine.stats.instret, seconds = (performance.now() - (t0 ?? performance.now())) / 1000;
    const rss = process.resourceUsage().maxRSS / 1024; // KiB -> MiB
    process.stderr.write(`wvm: ${n} instructions in ${seconds.toFixed(3)} s (${(Number(n) / seconds / 1e6).toFixed(1)} M instr/s), peak RSS ${rss.toFixed(1)} MiB\n`);
    const j = machine.stats.jit;
    if (j) {
      process.stderr.write(`wvm: JIT: ${j.installs} regions in ${j.modules} modules (${j.compileMs.toFixed(0)} ms compiling), `
        + `${(100 * j.compiledInsns / Math.max(1, Number(machine.stats.instret))).toFixed(1)}% of instructions compiled, `
        + `${j.entries} entries, ${j.invalidations} code pages written\n`);
    }
  }
  return code ?? 0;
}

main().then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (e) => {
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stderr.write(`wvm: ${e.message ?? e}\n`);
    process.exit(1);
  },
);
