// The page's terminal: xterm.js filling its element and following its size
// (@xterm/addon-fit), with copy/paste keys that leave Ctrl-C to the guest.
import { Terminal } from '../node_modules/@xterm/xterm/lib/xterm.mjs';
import { FitAddon } from '../node_modules/@xterm/addon-fit/lib/addon-fit.mjs';

/**
 * Open a terminal in `el`. Copy: select, then Ctrl+Shift+C (or the browser's
 * menu / Cmd+C); paste: Ctrl+Shift+V (or Cmd+V, or the menu).
 * @param {HTMLElement} el
 * @param {(bytes: Uint8Array) => void} onInput  keyboard and pasted bytes (UTF-8) for the guest
 * @returns {Terminal}  write() takes the guest's bytes (Uint8Array, UTF-8)
 */
export function createTerminal(el, onInput) {
  const term = new Terminal({
    cursorBlink: true,
    fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
    fontSize: 14,
    scrollback: 10000,
    theme: { background: '#0d1117', foreground: '#e6edf3', cursor: '#58a6ff', selectionBackground: '#264f78' },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(el);
  const refit = () => { if (el.clientWidth && el.clientHeight) fit.fit(); };
  refit();
  new ResizeObserver(refit).observe(el);

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
  return term;
}
