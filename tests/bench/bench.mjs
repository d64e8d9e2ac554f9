// `npm run bench`: performance figures measured in one run.
//  1. Guest compute loops (tests/guest/bench_alu, bench_crc): guest M instr/s
//     of the native build and of the wasm build in Node, and their ratio.
//  2. Boot to the shell prompt of the default Linux guest (OpenSBI + Linux +
//     busybox initramfs): seconds and guest instructions, wasm and native.
// Each figure is the median of 3 runs (1 with --quick). Timings are printed,
// never asserted.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Machine } from '../../src/js/machine.mjs';
import { guestImages } from '../images.mjs';
import { engines, guestDir, root } from '../helpers.mjs';

const quick = process.argv.includes('--quick');
const runs = quick ? 1 : 3;
const OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const progress = (s) => process.stderr.write(`bench: ${s}\n`);

/** Run a bare-metal ELF with --stats; returns {instret, seconds}. */
function runStats(engine, elf) {
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = engines[engine];
    const p = spawn(cmd, [...pre, '--stats', '-bios', 'none', '-kernel', elf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => {
      const m = /wvm: (\d+) instructions in ([\d.]+) s/.exec(err);
      if (code !== 0 || !m) reject(new Error(`${engine} ${elf}: status ${code}\n${err}`));
      else resolve({ instret: Number(m[1]), seconds: Number(m[2]) });
    });
  });
}

/** Boot the default guest in the wasm build in this process; seconds and instructions to the prompt. */
async function bootWasm(img) {
  const machine = await Machine.create({
    mem: 256, bios: readFileSync(OPENSBI), kernel: readFileSync(`${img}/Image`),
    initrd: readFileSync(`${img}/initramfs.cpio.gz`), append: 'console=ttyS0',
  });
  let text = '';
  const t0 = performance.now();
  const result = await new Promise((resolve) => {
    machine.addEventListener('output', (e) => {
      text += new TextDecoder().decode(e.detail);
      if (/~ # $/.test(text)) resolve({ seconds: (performance.now() - t0) / 1000, instret: Number(machine.stats.instret) });
    });
    machine.start();
  });
  machine.stop();
  return result;
}

/** Boot the default guest with the native CLI; seconds from spawn to the prompt. */
function bootNative(img) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(engines.native[0], ['-m', '256', '-bios', OPENSBI, '-kernel', `${img}/Image`,
      '-initrd', `${img}/initramfs.cpio.gz`, '-append', 'console=ttyS0'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let text = '', seconds = 0;
    p.stdout.on('data', (d) => {
      text += d;
      if (!seconds && /~ # $/.test(text)) {
        seconds = (performance.now() - t0) / 1000;
        p.stdin.write('poweroff -f\n');
      }
    });
    p.on('close', (code) => (seconds ? resolve({ seconds }) : reject(new Error(`native boot failed (${code})\n${text}`))));
  });
}

const rows = [];
for (const name of ['bench_alu', 'bench_crc']) {
  const mips = {};
  for (const engine of ['native', 'wasm']) {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      progress(`${name} on ${engine} (${i + 1}/${runs})`);
      const r = await runStats(engine, `${guestDir}/${name}.elf`);
      samples.push(r.instret / r.seconds / 1e6);
    }
    mips[engine] = median(samples);
  }
  rows.push([`${name}: guest M instr/s`, mips.wasm.toFixed(0), mips.native.toFixed(0), (mips.wasm / mips.native).toFixed(2)]);
}

progress('building or finding the guest images');
const img = guestImages();
const wasmBoots = [], nativeBoots = [];
for (let i = 0; i < runs; i++) {
  progress(`boot to prompt, wasm (${i + 1}/${runs})`);
  wasmBoots.push(await bootWasm(img));
  progress(`boot to prompt, native (${i + 1}/${runs})`);
  nativeBoots.push(await bootNative(img));
}
const wb = median(wasmBoots.map((b) => b.seconds)), nb = median(nativeBoots.map((b) => b.seconds));
rows.push(['boot to prompt: seconds', wb.toFixed(2), nb.toFixed(2), (wb / nb).toFixed(2)]);
rows.push(['boot to prompt: guest M instructions', (median(wasmBoots.map((b) => b.instret)) / 1e6).toFixed(0), '', '']);

const widths = [40, 10, 10, 12];
const line = (cells) => cells.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join(' ');
console.log(`wvm bench (${runs === 1 ? '1 run' : `median of ${runs} runs`}; ${root})`);
console.log(line(['measure', 'wasm', 'native', 'wasm/native']));
for (const r of rows) console.log(line(r));
