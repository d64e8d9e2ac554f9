// Compression for the Node and browser sides alike: node:zlib in Node (on its thread
// pool), CompressionStream / DecompressionStream in browsers.

const CHUNK = 4 << 20; // zlib's output chunk: the 16 KiB default makes Node's async zlib 3x slower
const PIECE = 2 << 20; // bytes deflated as one job of Node's thread pool
const isNode = typeof process !== 'undefined' && !!process.versions?.node;

const stream = async (bytes, transform) =>
  new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(transform)).arrayBuffer());

// Run zlib's `fn` (a callback-style node:zlib function) on bytes.
const zlibRun = (fn, bytes, opts) =>
  new Promise((ok, fail) => fn(bytes, { chunkSize: CHUNK, ...opts }, (e, r) => (e ? fail(e) : ok(new Uint8Array(r)))));

/**
 * Raw deflate (RFC 1951) at zlib's fastest level. Node deflates 2 MiB pieces in parallel,
 * each ending on a byte boundary (a sync flush), so that together they are one stream.
 * @param {Uint8Array} bytes
 * @returns {Promise<Uint8Array>}
 */
export async function deflateRaw(bytes) {
  if (!isNode) return stream(bytes, new CompressionStream('deflate-raw'));
  const zlib = await import('node:zlib');
  const pieces = [];
  for (let at = 0; at < bytes.length || !pieces.length; at += PIECE) {
    const finishFlush = at + PIECE >= bytes.length ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH;
    pieces.push(zlibRun(zlib.deflateRaw, bytes.subarray(at, at + PIECE), { level: 1, finishFlush }));
  }
  const parts = await Promise.all(pieces), all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((off, p) => (all.set(p, off), off + p.length), 0);
  return all;
}

/**
 * Decompress `bytes` of `format`: 'deflate-raw' (RFC 1951), 'deflate' (zlib, RFC 1950) or
 * 'gzip' (RFC 1952; concatenated members too).
 * @returns {Promise<Uint8Array>}
 * @throws Error if the data is damaged or truncated
 */
export async function inflate(bytes, format) {
  if (!isNode) return stream(bytes, new DecompressionStream(format));
  const zlib = await import('node:zlib');
  return zlibRun({ 'deflate-raw': zlib.inflateRaw, deflate: zlib.inflate, gzip: zlib.gunzip }[format], bytes);
}

/**
 * A kernel or initrd image unpacked on the host when it is one gzip member (magic 1f 8b) that is the
 * whole file decompressed; anything else as it is (the kernel unpacks it then), including
 * gzip followed by more archives, which node:zlib would silently cut off: the member's
 * trailer (ISIZE, RFC 1952 2.3.1) must end the file and match the unpacked length.
 * Unpacking here spares the guest its gunzip (about half of the default guest's boot) and
 * lets a compressed kernel (Debian's vmlinuz) boot as QEMU's -kernel takes it.
 * @param {Uint8Array} bytes
 * @returns {Promise<Uint8Array>}
 */
export async function gunzipImage(bytes) {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const isize = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true);
  try {
    const out = await inflate(bytes, 'gzip');
    return out.length % 2 ** 32 === isize ? out : bytes;
  } catch {
    return bytes;
  }
}
