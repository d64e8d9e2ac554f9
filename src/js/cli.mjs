#!/usr/bin/env node
// wvm Node CLI: QEMU-style flags over the wasm build (same flags as the
// native CLI, src/cli/main.c).
import { readFileSync } from 'node:fs';
import { loadCore, Status, Bios } from './core.mjs';

const usage = `usage: wvm [options]
  -m MiB            guest RAM in MiB (default 128; QEMU's M/G suffixes accepted)
  -smp N            number of harts (default 1)
  -bios none        run the kernel in machine mode from its entry (bare metal)
  -kernel FILE      kernel: ELF executable or raw image
  -nographic        console on stdio (the default)
  -h, --help        this text
An ELF with a \`tohost\` symbol ends the run when it writes it: 1 = pass (exit 0),
(n << 1) | 1 = failure n (exit status n).
`;

class UsageError extends Error {}

function parseMem(s) {
  const m = /^(\d+)([MmGg]?)$/.exec(s);
  const v = m ? Number(m[1]) * (/[Gg]/.test(m[2]) ? 1024 : 1) : NaN;
  if (!(v >= 1 && v <= 2048)) throw new UsageError(`bad -m value '${s}' (1..2048 MiB)`);
  return v;
}

/** Parse argv (without node and script) into options; throws UsageError. */
export function parseArgs(argv) {
  const o = { mem: 128, smp: 1, bios: null, kernel: null, help: false };
  const valued = new Set(['-m', '-smp', '-kernel', '-bios']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') o.help = true;
    else if (a === '-nographic') continue;
    else if (valued.has(a)) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`option '${a}' needs a value`);
      if (a === '-m') o.mem = parseMem(v);
      else if (a === '-smp') {
        o.smp = Number(v);
        if (!(Number.isInteger(o.smp) && o.smp >= 1 && o.smp <= 8)) throw new UsageError(`bad -smp value '${v}' (1..8)`);
      } else if (a === '-kernel') o.kernel = v;
      else o.bios = v;
    } else throw new UsageError(`unknown option '${a}' (try --help)`);
  }
  if (!o.help && !o.kernel) throw new UsageError('no -kernel given (try --help)');
  if (o.bios && o.bios !== 'none') throw new UsageError(`-bios '${o.bios}' is not supported (only 'none')`);
  return o;
}

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
  const kernel = readInput(o.kernel);
  const core = await loadCore();
  const m = core.create(o.mem, o.smp);
  core.loadKernel(m, kernel);
  core.boot(m, Bios.none);
  for (;;) {
    const st = core.run(m, 20000);
    const out = core.consoleRead(m);
    if (out.length) process.stdout.write(out);
    if (st === Status.HALTED) break;
    // Yield to the event loop between slices (input, signals, I/O).
    await new Promise((r) => (st === Status.IDLE ? setTimeout(r, core.idleUs(m) / 1000) : setImmediate(r)));
  }
  return core.exitCode(m);
}

main().then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (e) => {
    process.stderr.write(`wvm: ${e instanceof UsageError ? e.message : e.message ?? e}\n`);
    process.exit(1);
  },
);
