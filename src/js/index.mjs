// The package's main entry (`import { Machine } from 'wvm'`): the embedding API
// and the headless session helper, the same in Node and in a browser worker.
// Node-only parts have their own subpaths: 'wvm/file-disk' (a host file as a
// disk), 'wvm/dir-fs' (a host directory as a file share), 'wvm/core' (the wasm
// core's thin wrapper); the page's parts are under 'wvm/web/*'. Types:
// types/index.d.ts.
export { Machine } from './machine.mjs';
export { MemoryFs } from './fs-memory.mjs';
export { GuestSession, PROMPT, machineSession } from './session.mjs';
