// The Files panel (#share-panel in index.html): the share the guest sees at
// /media/host, one directory at a time. Directories open on a click ('..'
// goes up), files download; files added (chosen, or dropped on the page) go
// into the directory shown; "Open folder…" mirrors a folder of this computer
// where the browser has the File System Access API. The worker does the work
// (its put-files, list-files, get-file and open-folder messages).

const $ = (id) => document.getElementById(id);
const join = (dir, name) => (dir ? `${dir}/${name}` : name);
const parentOf = (path) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
const element = (tag, props) => Object.assign(document.createElement(tag), props);
const TYPES = { // entries of each type: what a click asks the worker for, the tooltip
  dir: { message: (path) => ({ type: 'list-files', path }), title: 'Open this directory' },
  file: { message: (path) => ({ type: 'get-file', path }), title: 'Download this file' },
  symlink: { message: null, title: 'A symbolic link (made by the guest)' },
};

/**
 * Wire the panel.
 * @param {(msg: object) => void} send  posts a message to the worker
 * @param {(n: number) => string} size  a byte count as text
 * @returns {{show(m: {path: string, entries: {name: string, type: string, size: number}[], note?: string}): void,
 *   put(files: File[]): void, reset(): void}}  show: the worker's 'files' message (a note opens the
 *   panel); put: copy files into the directory shown; reset: the share is new and empty (a new worker)
 */
export function filesPanel(send, size) {
  const panel = $('share-panel'), list = $('share-list');
  let cwd = '';
  const refresh = () => send({ type: 'list-files', path: cwd });
  const entry = (name, type, bytes, path) => {
    const li = element('li'), b = element('button', { type: 'button', disabled: !TYPES[type].message, title: TYPES[type].title });
    b.dataset.type = type;
    b.onclick = () => send(TYPES[type].message(path));
    b.append(element('span', { className: 'name', textContent: type === 'dir' ? `${name}/` : name }));
    if (type === 'file') b.append(element('span', { className: 'size', textContent: size(bytes) }));
    li.append(b);
    return li;
  };

  $('share').onclick = () => {
    panel.hidden = !panel.hidden;
    if (!panel.hidden) refresh();
  };
  $('share-close').onclick = () => { panel.hidden = true; };
  $('share-refresh').onclick = refresh;
  $('share-add').onchange = (e) => { put([...e.target.files]); e.target.value = ''; };
  $('share-folder').hidden = typeof showDirectoryPicker !== 'function';
  $('share-folder').onclick = () => showDirectoryPicker({ mode: 'readwrite' }).then(
    (handle) => send({ type: 'open-folder', handle }),
    (e) => { if (e.name !== 'AbortError') $('share-note').textContent = e.message; },
  );

  function put(files) {
    if (files.length) send({ type: 'put-files', files: files.map((f) => ({ path: join(cwd, f.name), data: f })) });
  }

  return {
    show({ path, entries, note }) {
      cwd = path;
      $('share-path').textContent = path ? `/media/host/${path}` : '/media/host';
      $('share-note').textContent = note ?? '';
      if (note) panel.hidden = false;
      list.replaceChildren(
        ...(path ? [entry('..', 'dir', 0, parentOf(path))] : []),
        ...entries.sort((a, b) => (b.type === 'dir') - (a.type === 'dir')) // directories first, by name
          .map((e) => entry(e.name, e.type, e.size, join(path, e.name))),
      );
      if (!entries.length) list.append(element('li', { className: 'empty', textContent: 'empty' }));
    },
    put,
    reset() {
      cwd = '';
      if (!panel.hidden) refresh();
    },
  };
}
