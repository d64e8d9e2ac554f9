// A headless session on a guest's shell, for test suites and scripts: wait
// for a pattern, type a command line and get its output (and exit status),
// time it with the host clock, all with timeouts. The console stream can be a
// Machine in this process (machineSession) or the stdio of a child process
// (processSession: the native wvm, QEMU).

/** The default guest's shell prompt at the end of the transcript (PS1='\w # ', in ~). */
export const PROMPT = /~ # $/;
// run()'s markers around a command's output, typed so that the echoed line does not contain them
const BEGIN = '@wvm-begin@\n', STATUS = /@wvm-status=(\d+)@\r?\n/;

/** A shell session on a guest console. */
export class GuestSession {
  /** Everything the guest printed so far. */
  text = '';
  #write; #instret; #prompt; #decoder = new TextDecoder(); #waiters = new Set(); #ended = null;

  /**
   * @param {(s: string) => void} write  sends bytes to the guest console
   * @param {() => number} [instret]     the guest's retired-instruction count, if the transport knows it
   * @param {{prompt?: RegExp}} [opts]   the shell's prompt at the end of the transcript (default PROMPT)
   */
  constructor(write, instret, { prompt = PROMPT } = {}) {
    this.#write = write;
    this.#instret = instret;
    this.#prompt = new RegExp(`\\n[^\\n]*${prompt.source}`, prompt.flags);
  }

  /** Send `str` to the guest console as it is (no newline added, no waiting). */
  send(str) {
    this.#write(str);
  }

  /** Feed bytes the guest printed. */
  push(bytes) {
    this.text += this.#decoder.decode(bytes, { stream: true });
    for (const w of this.#waiters) w.check();
  }

  /** The stream ended (the guest or its process exited): pending and later waits fail with `reason`. */
  end(reason) {
    this.#ended = reason;
    for (const w of this.#waiters) w.fail(new Error(`${reason}; last output:\n${this.text.slice(-3000)}`));
  }

  /**
   * Resolve when `re` matches the transcript from offset `from` on.
   * @param {RegExp} re
   * @param {{timeoutMs?: number, from?: number, what?: string}} [opts]
   * @returns {Promise<RegExpExecArray>}
   */
  waitFor(re, { timeoutMs = 600000, from = 0, what = String(re) } = {}) {
    return new Promise((resolve, reject) => {
      const w = {
        check: () => {
          const m = re.exec(this.text.slice(from));
          if (m) { w.done(); resolve(m); }
        },
        fail: (e) => { w.done(); reject(e); },
        done: () => { clearTimeout(w.timer); this.#waiters.delete(w); },
      };
      w.timer = setTimeout(() => w.fail(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last output:\n${this.text.slice(-3000)}`)), timeoutMs);
      this.#waiters.add(w);
      if (this.#ended) w.fail(new Error(`${this.#ended}; last output:\n${this.text.slice(-3000)}`));
      else w.check();
    });
  }

  /**
   * Type `line` and wait for the next prompt.
   * @param {string} line  one shell command line (no newline)
   * @param {{timeoutMs?: number}} [opts]
   * @returns {Promise<{output: string, seconds: number, instret: number|null}>} the text
   *   between the echoed line and the prompt (\r removed), host seconds from
   *   typing to the prompt, and guest instructions retired meanwhile (null if unknown)
   */
  async command(line, { timeoutMs = 1800000 } = {}) {
    const from = this.text.length;
    const i0 = this.#instret?.();
    const t0 = performance.now();
    this.#write(`${line}\n`);
    await this.waitFor(this.#prompt, { timeoutMs, from, what: `the prompt after '${line}'` });
    const seconds = (performance.now() - t0) / 1000;
    const instret = this.#instret ? this.#instret() - i0 : null;
    const out = this.text.slice(from).replace(/\r/g, '');
    return { output: out.slice(out.indexOf('\n') + 1, out.lastIndexOf('\n')), seconds, instret };
  }

  /**
   * Run a shell command line and get what it printed and its exit status (of its last
   * pipeline). Output is taken between markers the shell prints, so a long line that the
   * terminal wraps when echoing it does not leak into it.
   * @param {string} line  one shell command line (no newline)
   * @param {{timeoutMs?: number}} [opts]  default 10 minutes
   * @returns {Promise<{output: string, status: number}>} output without \r and without its last newline
   * @throws Error on timeout or when the stream ends first
   */
  async run(line, { timeoutMs = 600000 } = {}) {
    const from = this.text.length;
    this.#write(`printf '@wvm-''begin@\\n'; ${line}; printf '@wvm-''status=%d@\\n' $?\n`);
    const end = await this.waitFor(STATUS, { timeoutMs, from, what: `the end of '${line}'` });
    const text = this.text.slice(from, from + end.index).replace(/\r/g, '');
    const begin = text.lastIndexOf(BEGIN);
    const output = begin < 0 ? '' : text.slice(begin + BEGIN.length);
    await this.waitFor(this.#prompt, { timeoutMs, from: from + end.index, what: `the prompt after '${line}'` });
    return { output: output.endsWith('\n') ? output.slice(0, -1) : output, status: Number(end[1]) };
  }
}

/**
 * A session on a Machine (machine.mjs); create it before start() to see all output.
 * @param {import('./machine.mjs').Machine} machine
 * @param {{prompt?: RegExp}} [opts]  the shell's prompt (default PROMPT)
 * @returns {GuestSession}
 */
export function machineSession(machine, opts) {
  const s = new GuestSession((str) => machine.write(str), () => Number(machine.stats.instret), opts);
  machine.addEventListener('output', (e) => s.push(e.detail));
  machine.addEventListener('error', (e) => s.end(`the machine failed: ${e.detail?.message ?? e.detail}`));
  machine.addEventListener('state', (e) => { if (e.detail === 'halted') s.end('the guest halted'); });
  return s;
}

/**
 * A session on a child process's stdin/stdout (spawned with stdio pipes).
 * stderr is collected in `session.stderr`.
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} name  for messages
 * @returns {GuestSession & {stderr: string, exited: Promise<number|null>}}
 */
export function processSession(child, name) {
  const s = new GuestSession((str) => child.stdin.write(str));
  s.stderr = '';
  child.stdout.on('data', (d) => s.push(d));
  child.stderr?.on('data', (d) => (s.stderr += d));
  child.stdin.on('error', () => {}); // EPIPE after exit: reported by 'close'
  s.exited = new Promise((resolve) => {
    child.on('error', (e) => { s.end(`${name}: ${e.message}`); resolve(null); });
    child.on('close', (code, signal) => {
      s.end(`${name} exited (${signal ?? `status ${code}`})${s.stderr ? `; stderr:\n${s.stderr.slice(-2000)}` : ''}`);
      resolve(code);
    });
  });
  return s;
}
