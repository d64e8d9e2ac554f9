// The Node CLI's monitor (Ctrl-A c), the same subset of QEMU's human monitor
// as the native CLI's (src/cli/monitor.c): help, stop, cont, info status,
// info registers, system_reset, migrate file:PATH, quit. Output goes to a raw
// terminal, so lines end in CR LF.
import { writeFile } from 'node:fs/promises';

const help = [
  'help                  this text',
  'stop                  pause the guest',
  'cont, c               resume it',
  'info status           running or paused',
  "info registers        each hart's pc, registers and main CSRs",
  'system_reset          reboot the guest',
  'migrate file:PATH     save the machine to PATH (restore: -incoming file:PATH)',
  'quit, q               exit wvm',
].map((l) => `${l}\r\n`).join('');

const abi = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
const csrs = [['mstatus', 0x300], ['mepc', 0x341], ['mcause', 0x342], ['mtval', 0x343], ['mie', 0x304],
  ['mip', 0x344], ['satp', 0x180], ['sepc', 0x141], ['scause', 0x142], ['stval', 0x143]];
const hex = (v) => v.toString(16).padStart(16, '0');

/** `info registers` of a Machine, as the native monitor prints it. */
function registers(machine) {
  let s = '';
  for (let h = 0; h < machine.harts; h++) {
    s += `hart ${h}: pc ${hex(machine.register(h, 64))}  instret ${machine.register(h, 65)}\r\n`;
    for (let i = 0; i < 32; i++) {
      s += ` x${String(i).padEnd(2)}/${abi[i].padEnd(4)} ${hex(machine.register(h, i))}${i % 4 === 3 ? '\r\n' : ''}`;
    }
    csrs.forEach(([name, csr], i) => { s += ` ${name.padEnd(8)} ${hex(machine.register(h, 0x1000 + csr))}${i % 4 === 3 ? '\r\n' : ''}`; });
    s += '\r\n';
  }
  return s;
}

/** The monitor of one CLI session. */
export class Monitor {
  /** True while the terminal talks to the monitor rather than the guest. */
  active = false;
  #line = ''; #out; #machine; #quit; #busy = Promise.resolve();

  /**
   * @param {(s: string) => void} out         writes to the terminal
   * @param {() => import('./machine.mjs').Machine} machine  the running machine
   * @param {() => void} quit                 ends the CLI
   */
  constructor(out, machine, quit) {
    this.#out = out;
    this.#machine = machine;
    this.#quit = quit;
  }

  /** Switch between guest console and monitor (Ctrl-A c). */
  toggle() {
    this.active = !this.active;
    this.#line = '';
    this.#out(this.active ? "\r\nwvm monitor - type 'help' for more information, Ctrl-A c to return\r\n(wvm) " : '\r\n');
  }

  /** One typed byte: echoed; Enter runs the line (commands run one after another). */
  input(byte) {
    if (byte === 13 || byte === 10) {
      const line = this.#line;
      this.#line = '';
      this.#out('\r\n');
      this.#busy = this.#busy.then(() => this.#run(line))
        .catch((e) => { this.#out(`${e.message}\r\n`); return true; })
        .then((more) => more && this.#out('(wvm) '));
    } else if ((byte === 0x7f || byte === 8) && this.#line) {
      this.#line = this.#line.slice(0, -1);
      this.#out('\b \b');
    } else if (byte >= 0x20 && byte < 0x7f && this.#line.length < 511) {
      this.#line += String.fromCharCode(byte);
      this.#out(String.fromCharCode(byte));
    }
  }

  // Run one command line; false once the CLI is quitting.
  async #run(line) {
    const [cmd, arg] = line.trim().split(/\s+/);
    const m = this.#machine();
    if (!cmd) return true;
    if (cmd === 'help' || cmd === '?') this.#out(help);
    else if (cmd === 'stop') m.pause();
    else if (cmd === 'cont' || cmd === 'c') m.start();
    else if (cmd === 'info' && arg === 'status') this.#out(`VM status: ${m.state === 'paused' ? 'paused' : m.state}\r\n`);
    else if (cmd === 'info' && arg === 'registers') this.#out(registers(m));
    else if (cmd === 'system_reset') m.reset();
    else if (cmd === 'migrate') {
      if (!arg?.startsWith('file:') || arg.length === 5) this.#out('migrate: give file:PATH\r\n');
      else {
        try {
          await writeFile(arg.slice(5), await m.save());
          this.#out(`saved to ${arg.slice(5)}\r\n`);
        } catch (e) {
          this.#out(`migrate: ${e.message}\r\n`);
        }
      }
    } else if (cmd === 'quit' || cmd === 'q') {
      this.#quit();
      return false;
    } else this.#out(`unknown command: '${cmd}' (try help)\r\n`);
    return true;
  }
}
