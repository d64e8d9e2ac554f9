// Guest compute loops on bare metal (tests/guest/bench_alu, bench_crc): guest
// instructions per second of wvm's wasm build (the Node CLI) with its JIT
// and with the interpreter alone, and of its native build, from the core's
// own counter (--stats). The loops last about half a second, less than the
// JIT worker takes to start and load Binaryen, so the JIT row compiles on the
// run thread (-jit sync): it measures compiled code, not the worker's start.
import { spawn } from 'node:child_process';
import { engines, guestDir } from '../helpers.mjs';

/** The bare-metal programs measured, in table order. */
export const microPrograms = ['bench_alu', 'bench_crc'];
/** The wvm CLIs they run on: argv prefix per engine. */
const ENGINES = { jit: [...engines.wasm, '-jit', 'sync'], wasm: [...engines.wasm, '-jit', 'off'], native: engines.native };
export const microEngines = Object.keys(ENGINES);

/**
 * Run a bare-metal ELF with --stats.
 * @param {string} engine  a key of ENGINES: 'jit', 'wasm' (interpreter) or 'native'
 * @param {string} name    program in build/guest (without .elf)
 * @returns {Promise<{instret: number, seconds: number, mips: number}>}
 */
export function runMicro(engine, name) {
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = ENGINES[engine];
    const elf = `${guestDir}/${name}.elf`;
    const p = spawn(cmd, [...pre, '--stats', '-bios', 'none', '-kernel', elf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const m = /wvm: (\d+) instructions in ([\d.]+) s/.exec(err);
      if (code !== 0 || !m) reject(new Error(`${engine} ${elf}: status ${code}\n${err}`));
      else resolve({ instret: Number(m[1]), seconds: Number(m[2]), mips: Number(m[1]) / Number(m[2]) / 1e6 });
    });
  });
}
