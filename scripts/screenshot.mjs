// Takes docs/screenshot.png, the picture of the web page in README.md: the default guest at its
// prompt after a short command, with the Files panel open on a file added from the host.
// Run from the repository, after a build (it serves build/wasm and the guest images the way
// tests/web.test.mjs does, and drives Debian's /usr/bin/chromium):
//   node scripts/screenshot.mjs [out.png]
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer } from '../web/serve.mjs';
import { guestImages } from '../tests/images.mjs';
import { root } from '../tests/helpers.mjs';
import { openBrowser, Screen } from '../tests/web-browser.mjs';

const out = process.argv[2] ?? `${root}docs/screenshot.png`;
const server = createServer({ images: guestImages(), relay: false });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await openBrowser({ viewport: { width: 1200, height: 640 } });
try {
  const { page } = browser;
  const screen = new Screen(page);
  await page.goto(`http://127.0.0.1:${server.address().port}/web/`);
  await screen.waitForPrompt();
  await page.click('#share');
  await page.setInputFiles('#share-add', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Hello from the host\n') });
  await page.locator('#share-note', { hasText: 'copied 1 file' }).waitFor();
  await screen.run('uname -a; ls /media/host; cat /media/host/notes.txt');
  await page.waitForFunction(() => /JIT/.test(document.querySelector('#stats').textContent)); // the stats of a running guest
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  if (browser.errors.length) throw new Error(`the page reported errors:\n${browser.errors.join('\n')}`);
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.close();
}
