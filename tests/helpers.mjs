// Shared helpers of the node --test suites: paths of the builds and a way to
// run the CLIs as a user would.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const guestDir = `${root}build/guest`;

/** The CLIs under test: argv prefix per engine (wasm: the JIT on, compiling in its worker). */
export const engines = {
  native: [`${root}build/native/wvm`],
  asan: [`${root}build/asan/wvm`],
  wasm: [process.execPath, `${root}src/js/cli.mjs`],
};

/** The wasm CLI compiling every block at once on the run thread (JIT threshold 1). */
export const jitEngine = { 'wasm-jit': [process.execPath, `${root}src/js/cli.mjs`, '-jit', 'sync', '-jit-threshold', '1'] };

/** Seeds of the hostile-guest tests from WVM_ATTACK_SEEDS ("1-200" or "3,17"), else two fixed ones. */
export function attackSeeds() {
  const spec = process.env.WVM_ATTACK_SEEDS;
  if (!spec) return [1, 2];
  return spec.split(',').flatMap((part) => {
    const [a, b = a] = part.split('-').map(Number);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

/** Names of the self-checking guest tests (TESTS_CHECK of tests/guest/Makefile). */
export function guestTests(dir = 'tests/guest') {
  const mk = readFileSync(`${root}${dir}/Makefile`, 'utf8').replace(/\\\n/g, ' '); // join continued lines
  return /^TESTS_CHECK\s*:=\s*(.*)$/m.exec(mk)[1].trim().split(/\s+/);
}

/**
 * Run an engine's CLI with `args`; resolves {code, stdout, stderr} when it
 * exits, or rejects after `timeoutMs`.
 */
export function runCli(engine, args, { timeoutMs = 120000, input } = {}) {
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = engines[engine] ?? jitEngine[engine];
    const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1' };
    const p = spawn(cmd, [...pre, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`${engine} ${args.join(' ')}: timed out\n${stdout}\n${stderr}`)); }, timeoutMs);
    p.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    p.stdin.on('error', () => {}); // EPIPE: the CLI exited before reading all input
    if (input !== undefined) p.stdin.end(input); else p.stdin.end();
  });
}

/**
 * Spawn the CLI of `engine` with `args` on a pseudo-terminal (util-linux's `script`), as a user
 * runs it: raw mode, so Ctrl-A keys reach the monitor. stdin and stdout are the terminal's.
 */
export function spawnOnTerminal(engine, args) {
  const quote = (s) => `'${s.replace(/'/g, "'\\''")}'`;
  return spawn('script', ['-qfec', [...engines[engine], ...args].map(quote).join(' '), '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
}
