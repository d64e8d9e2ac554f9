// Helpers of tests/web.test.mjs: headless Chromium (Debian's /usr/bin/chromium
// through playwright-core) with a fresh profile (or one reused after a crash),
// and the page's terminal read through window.wvm.term (xterm.js).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Launch Chromium with a new profile directory, or with `profile` (one a killed browser left, to
 * see what survived the crash). The profile is kept across reloads, so IndexedDB survives them.
 * @param {{profile?: string, viewport?: {width: number, height: number}}} [opts]
 * @returns {Promise<{page: import('playwright-core').Page, context: import('playwright-core').BrowserContext,
 *   profile: string, errors: string[], close(): Promise<void>, kill(): Promise<void>}>}
 *   errors: uncaught page errors, console errors and HTTP errors seen so far;
 *   close(): close the browser (unless killed) and delete the profile directory;
 *   kill(): SIGKILL every process of the browser, as a crash would, keeping the profile
 */
export async function openBrowser({ profile = mkdtempSync(`${tmpdir()}/wvm-chromium-`), viewport = { width: 1100, height: 640 } } = {}) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${r.url()}`); });
  let killed = false;
  return {
    page,
    context,
    profile,
    errors,
    async close() {
      if (!killed) await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
    async kill() {
      // Playwright starts Chromium as a child of this process and leader of a new process group
      // (its helpers, renderers and GPU process are in it too): the one child using this profile.
      const ps = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
      const line = ps.split('\n').map((l) => l.trim().split(/\s+/)).find((w) => w.includes(`--user-data-dir=${profile}`));
      const pid = Number(line?.[0]);
      if (!pid) throw new Error(`no Chromium process of ${profile} among this process's children`);
      killed = true;
      const closed = new Promise((resolve) => context.once('close', resolve));
      process.kill(-pid, 'SIGKILL');
      await closed;
    },
  };
}

/** The page's terminal: its text, and commands typed on the keyboard. */
export class Screen {
  constructor(page) { this.page = page; }

  /** Every line of the terminal's buffer (scrollback included), right-trimmed. */
  text() {
    return this.page.evaluate(() => {
      const b = window.wvm.term.buffer.active, lines = [];
      for (let i = 0; i < b.length; i++) lines.push(b.getLine(i).translateToString(true));
      return lines.join('\n').trimEnd();
    });
  }

  /** The status line's state (window.wvm.state). */
  state() { return this.page.evaluate(() => window.wvm.state); }

  /** Wait until `pred(text)` holds; throws with the screen's text after `ms`. */
  async waitFor(pred, what, ms = 60000) {
    const end = Date.now() + ms;
    for (;;) {
      const text = await this.text().catch(() => '');
      if (pred(text)) return text;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; terminal:\n${text.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Wait for the guest's shell prompt ("~ # ") at the end of the terminal. */
  waitForPrompt(ms) { return this.waitFor((t) => /~ #$/.test(t), 'the shell prompt', ms); }

  /** How many times the page has started a guest so far (window.wvm.boots). */
  boots() { return this.page.evaluate(() => window.wvm.boots); }

  /**
   * Wait for the guest started after `boots` (a count read before the action
   * that restarts it) to reach its shell prompt: the old prompt does not count.
   */
  async waitForReboot(boots, ms = 60000) {
    await this.page.waitForFunction((n) => window.wvm.boots > n && window.wvm.state === 'running', boots, { timeout: ms });
    return this.waitForPrompt(ms);
  }

  /**
   * Wait for the machine restored after `boots` (a count read before the action that restores
   * it) to run and show the page's note on the cleared terminal, then press Enter for a prompt.
   */
  async waitForRestore(boots, ms = 60000) {
    await this.page.waitForFunction((n) => window.wvm.boots > n && window.wvm.state === 'running', boots, { timeout: ms });
    await this.waitFor((t) => t.startsWith('[restored '), 'the note of the restore', ms);
    await this.page.locator('#terminal').click();
    await this.page.keyboard.press('Enter');
    return this.waitForPrompt(ms);
  }

  /** Type `cmd` and Enter; resolves with its output (the lines before the next prompt). */
  async run(cmd, ms = 30000) {
    const before = (await this.text()).length;
    await this.page.locator('#terminal').click();
    await this.page.keyboard.type(`${cmd}\n`);
    const text = await this.waitFor((t) => t.length > before && /\n[^\n]*~ #$/.test(t.slice(before)), `the output of ${cmd}`, ms);
    const out = text.slice(before);
    return out.slice(out.indexOf('\n') + 1, out.lastIndexOf('\n'));
  }
}
