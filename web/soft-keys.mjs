// A row of keys that touch keyboards lack (Esc, Tab, Ctrl, arrows), under the
// terminal on narrow or touch screens (style.css shows it). Ctrl is sticky:
// it applies to the next key typed, on the soft keyboard or in the row.
const KEYS = [
  ['Esc', '\x1b'], ['Tab', '\t'], ['Ctrl', null],
  ['←', '\x1b[D'], ['↑', '\x1b[A'], ['↓', '\x1b[B'], ['→', '\x1b[C'],
];

/**
 * Fill `el` with the keys and return the terminal's input path through them.
 * @param {HTMLElement} el  the row's container
 * @param {(bytes: Uint8Array) => void} send  bytes for the guest
 * @param {() => void} focus  gives the terminal the keyboard back after a key
 * @returns {(bytes: Uint8Array) => void}  what the terminal's input goes through (Ctrl applied)
 */
export function softKeys(el, send, focus) {
  let ctrl = false;
  const ctrlButton = document.createElement('button');
  const setCtrl = (on) => { ctrl = on; ctrlButton.setAttribute('aria-pressed', String(on)); };
  // Ctrl with one key: a letter (either case) or @[\]^_ becomes its control character.
  const input = (bytes) => {
    if (ctrl && bytes.length === 1 && ((bytes[0] >= 0x40 && bytes[0] <= 0x5f) || (bytes[0] >= 0x61 && bytes[0] <= 0x7a))) {
      bytes = Uint8Array.of(bytes[0] & 0x1f);
    }
    setCtrl(false);
    send(bytes);
  };
  for (const [label, seq] of KEYS) {
    const b = seq === null ? ctrlButton : document.createElement('button');
    b.textContent = label;
    b.type = 'button';
    b.addEventListener('pointerdown', (e) => e.preventDefault()); // keep the soft keyboard open
    b.addEventListener('click', () => {
      if (seq === null) setCtrl(!ctrl);
      else input(new TextEncoder().encode(seq));
      focus();
    });
    el.append(b);
  }
  setCtrl(false);
  return input;
}
