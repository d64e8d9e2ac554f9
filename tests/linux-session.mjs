// A guest's console as a test reads it: a transcript, waiting for output,
// typing commands at the busybox prompt and reading their output.
// Machines still running when the tests end (a failed assertion skipped the
// poweroff) are stopped, so the process exits instead of running them forever.
const machines = new Set();

/** Stop every machine a Session still holds (an after() hook). */
export function stopMachines() { machines.forEach((m) => m.stop()); }

/** A booted guest with a transcript and a way to wait for output. */
export class Session {
  constructor(machine) {
    machines.add(machine);
    this.machine = machine;
    this.text = '';
    this.waiters = [];
    machine.addEventListener('output', (e) => {
      this.text += new TextDecoder().decode(e.detail);
      this.waiters = this.waiters.filter((w) => !w());
    });
  }

  /** Resolve when `re` matches the transcript after `from`; reject after `ms`. */
  waitFor(re, ms = 60000, from = 0) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; transcript:\n${this.text.slice(-3000)}`)), ms);
      const check = () => {
        const m = re.exec(this.text.slice(from));
        if (m) { clearTimeout(timer); resolve(m); return true; }
        return false;
      };
      if (!check()) this.waiters.push(check);
    });
  }

  /** Type a command line and return its output (the text before the next prompt). */
  async run(cmd, ms = 60000) {
    const from = this.text.length;
    this.machine.write(`${cmd}\n`);
    await this.waitFor(/\n[^\n]*~ # $/, ms, from);
    const out = this.text.slice(from);
    return out.slice(out.indexOf('\n') + 1, out.lastIndexOf('\n')).replace(/\r/g, '');
  }
}

