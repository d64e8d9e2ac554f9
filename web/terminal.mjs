// The page's terminal: xterm.js filling its element and following its size
// (@xterm/addon-fit), with copy/paste keys that leave Ctrl-C to the guest,
// the WebGL renderer where the browser has it (the DOM renderer otherwise),
// clickable links, OSC 52 clipboard writes from the guest, and Unicode 11
// character widths.
import { Terminal } from '../node_modules/@xterm/xterm/lib/xterm.mjs';
import { FitAddon } from '../node_modules/@xterm/addon-fit/lib/addon-fit.mjs';
import { WebglAddon } from '../node_modules/@xterm/addon-webgl/lib/addon-webgl.mjs';
import { WebLinksAddon } from '../node_modules/@xterm/addon-web-links/lib/addon-web-links.mjs';
import { ClipboardAddon } from '../node_modules/@xterm/addon-clipboard/lib/addon-clipboard.mjs';
import { Unicode11Addon } from '../node_modules/@xterm/addon-unicode11/lib/addon-unicode11.mjs';

/** The WebGL renderer, or false (the DOM renderer stays) where WebGL is missing or its context is lost. */
function webgl(term) {
  try {
    const addon = new WebglAddon();
    addon.onContextLoss(() => addon.dispose());
    term.loadAddon(addon);
    return true;
  } catch {
    return false;
  }
}

/**
 * Open a terminal in `el`. Copy: select, then Ctrl+Shift+C (or the browser's
 * menu / Cmd+C); paste: Ctrl+Shift+V (or Cmd+V, the menu, or a right click).
 * @param {HTMLElement} el
 * @param {(bytes: Uint8Array) => void} onInput  keyboard and pasted bytes (UTF-8) for the guest
 * @returns {Terminal & {renderer: 'webgl'|'dom', zoom: (step: number) => void}}  write() takes the
 *   guest's bytes (Uint8Array, UTF-8); renderer says which renderer draws it; zoom changes the text size
 */
export function createTerminal(el, onInput) {
  const term = new Terminal({
    cursorBlink: true,
    fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
    fontSize: fontSize(),
    scrollback: 10000,
    theme: { background: '#0d1117', foreground: '#e6edf3', cursor: '#58a6ff', selectionBackground: '#264f78' },
    allowProposedApi: true, // term.unicode
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(el);
  term.renderer = webgl(term) ? 'webgl' : 'dom';
  term.loadAddon(new WebLinksAddon());
  term.loadAddon(new ClipboardAddon());
  term.loadAddon(new Unicode11Addon());
  term.unicode.activeVersion = '11';
  const refit = () => { if (el.clientWidth && el.clientHeight) fit.fit(); };
  refit();
  // A soft keyboard opening resizes the page over many frames: the guest hears of the size it
  // settles on, not of every step (each is a SIGWINCH and a redraw).
  let settle = 0;
  new ResizeObserver(() => { clearTimeout(settle); settle = setTimeout(refit, 100); }).observe(el);

  const utf8 = new TextEncoder();
  term.onData((s) => onInput(utf8.encode(s)));
  term.onBinary((s) => onInput(Uint8Array.from(s, (ch) => ch.charCodeAt(0))));
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
    if (e.code === 'KeyC') {
      if (term.hasSelection()) navigator.clipboard?.writeText(term.getSelection()).catch(() => {});
      e.preventDefault();
      return false;
    }
    return e.code !== 'KeyV'; // the browser then fires a paste event, which xterm.js forwards as input
  });
  el.addEventListener('contextmenu', (e) => { // right-click pastes, as in many terminals
    if (!navigator.clipboard?.readText) return;
    e.preventDefault();
    navigator.clipboard.readText().then((text) => text && term.paste(text), () => {});
  });
  /** Change the text size by `step` px (kept within 8..32 and for the next visit); refits. */
  term.zoom = (step) => {
    term.options.fontSize = Math.min(32, Math.max(8, term.options.fontSize + step));
    try { localStorage.setItem(FONT_KEY, String(term.options.fontSize)); } catch { /* storage off: this visit only */ }
    refit();
  };
  return term;
}

const FONT_KEY = 'wvm-font-size';

/** The text size in px chosen on an earlier visit, else 14. */
function fontSize() {
  let n = NaN;
  try { n = Number(localStorage.getItem(FONT_KEY)); } catch { /* storage off */ }
  return n >= 8 && n <= 32 ? n : 14;
}
