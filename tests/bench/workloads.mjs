// The workloads run in the guest (and on the host by its busybox), and the
// shell snippets that time them from inside: the timed command is wrapped so
// the shell that runs it reads the kernel's monotonic clock before and after
// (busybox builtins only, no process is started to read the clock) and prints
// one marker line `WVMBENCH <nanoseconds> <exit status>`.
import { createHash } from 'node:crypto';
import { GUEST_RANDOM_PATH, RANDOM_SIZE } from './bench-initrd.mjs';

/**
 * @typedef {object} Workload
 * @property {string} id            short key (JSON, tables)
 * @property {string} title         row label
 * @property {(paths: {random: string}) => string} command  shell command line, given the random file's path
 * @property {RegExp} [expect]      must match the timed command's output
 * @property {{command: string, expect: RegExp}} [verify]  run after the timed command, untimed
 */

const zeros32MiBSha256 = createHash('sha256').update(Buffer.alloc(32 << 20)).digest('hex');

/** @type {Workload[]} the guest workloads, in table order */
export const workloads = [
  {
    id: 'sha256',
    title: 'dd 32 MiB | sha256sum',
    command: () => 'dd if=/dev/zero bs=1M count=32 | sha256sum',
    expect: new RegExp(zeros32MiBSha256),
  },
  {
    id: 'gzip',
    title: `gzip -c ${RANDOM_SIZE >> 20} MiB random`,
    command: ({ random }) => `gzip -c ${random} >/dev/null`,
  },
  {
    id: 'shloop',
    title: 'ash loop 1e6 iterations',
    command: () => 'i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done',
    verify: { command: 'echo $i', expect: /^1000000$/m },
  },
];

/** The random file's path inside the guest. */
export const guestPaths = { random: GUEST_RANDOM_PATH };

/**
 * Shell line that defines `_t`, which sets T to the kernel's CLOCK_MONOTONIC
 * in nanoseconds ("now at N nsecs", the third line of /proc/timer_list), and
 * prints `WVMCLOCK <T>` once so the caller can check the clock works.
 * `uptimeFallback` reads /proc/uptime instead (10 ms resolution), for hosts
 * where /proc/timer_list is not readable.
 */
export function clockSetup(uptimeFallback = false) {
  const def = uptimeFallback
    ? '_t() { read -r _u _ </proc/uptime; T=$(( ${_u%.*}${_u#*.}0000000 )); }'
    : '_t() { { read -r _; read -r _; read -r _ _ T _; } </proc/timer_list; }';
  return `${def}; _t; echo "WVMCLOCK $T"`;
}

/** Parse the output of clockSetup; true if the clock printed a number. */
export function clockWorks(output) {
  return /WVMCLOCK \d+/.test(output);
}

/** The workload's command wrapped in the clock reads and the marker line (needs clockSetup first). */
export function timedCommand(workload, paths) {
  return `_t; _a=$T; ${workload.command(paths)}; _s=$?; _t; echo "WVMBENCH $((T-_a)) $_s"`;
}

/**
 * Check the output of timedCommand.
 * @returns {{seconds: number}} the time the guest measured
 * @throws Error if the marker is missing, the status is not 0 or `expect` does not match
 */
export function parseTimed(workload, output) {
  const m = /WVMBENCH (\d+) (\d+)/.exec(output);
  if (!m) throw new Error(`${workload.id}: no timing marker in the output:\n${output.slice(-2000)}`);
  if (m[2] !== '0') throw new Error(`${workload.id}: exit status ${m[2]}; output:\n${output.slice(-2000)}`);
  if (workload.expect && !workload.expect.test(output)) {
    throw new Error(`${workload.id}: output does not match ${workload.expect}:\n${output.slice(-2000)}`);
  }
  return { seconds: Number(m[1]) / 1e9 };
}
