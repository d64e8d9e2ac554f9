// The JIT worker (worker_threads in Node, a module Worker in a browser): turns
// batches of region descriptions into compiled WebAssembly.Modules off the run
// thread. Messages:
//   in  {id, layout, opNames, regions: Uint8Array[]}
//   out {id, module: WebAssembly.Module, regions: [{vpcs: bigint[]}], ms} | {id, error: string}
import { compileRegions } from './compile.mjs';

const { parentPort } = typeof self === 'undefined' ? await import('node:worker_threads') : { parentPort: null };
const post = (msg) => (parentPort ? parentPort.postMessage(msg) : self.postMessage(msg));
const binaryen = (await import(loadBinaryenFrom())).default;

/** Node resolves the package; a page serves it from the repository's node_modules. */
function loadBinaryenFrom() {
  return parentPort ? 'binaryen' : new URL('../node_modules/binaryen/index.js', import.meta.url).href;
}

async function onMessage({ id, layout, opNames, regions }) {
  const t0 = performance.now();
  try {
    const out = compileRegions(binaryen, layout, opNames, regions);
    const module = await WebAssembly.compile(out.bytes);
    post({ id, module, regions: out.regions, ms: performance.now() - t0 });
  } catch (e) {
    post({ id, error: e?.message ?? String(e) });
  }
}

if (parentPort) parentPort.on('message', onMessage);
else self.onmessage = (e) => onMessage(e.data);
post({ ready: true });
