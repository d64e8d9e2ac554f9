// Where the page's images come from: whole downloads with progress (kernel,
// initrd, firmware), and read-only disk base images read lazily, either from
// a URL with HTTP range requests in chunks cached in memory or from a local
// File.

/** Bytes of a disk image's chunks kept in memory by default. */
const CACHE_BYTES = 64 << 20;
/** Bytes fetched per range request (and cached) for a disk image. */
export const CHUNK = 64 * 1024;
const RETRIES = 2;

/**
 * Download a whole file.
 * @param {string} url
 * @param {(loaded: number, total: number) => void} [onProgress]  bytes so far and in all (0 if unknown)
 * @returns {Promise<Uint8Array>}
 * @throws Error "cannot download URL: HTTP 404 Not Found" or "cannot download URL: <network error>"
 */
export async function download(url, onProgress = () => {}) {
  const res = await get(url);
  const total = Number(res.headers.get('Content-Length')) || 0;
  const parts = [];
  let loaded = 0;
  onProgress(0, total);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read().catch((e) => { throw new Error(`cannot download ${url}: ${e.message}`); });
    if (done) break;
    parts.push(value);
    loaded += value.length;
    onProgress(loaded, Math.max(total, loaded));
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

async function get(url, headers = {}) {
  let res;
  try {
    res = await fetch(url, { headers });
  } catch (e) {
    throw new Error(`cannot download ${url}: ${e.message}`);
  }
  if (!res.ok) throw new Error(`cannot download ${url}: HTTP ${res.status} ${res.statusText}`.trim());
  return res;
}

/** The version of a response's file: its ETag, else its Last-Modified date, else ''. */
const versionOf = (res) => res.headers.get('ETag') ?? res.headers.get('Last-Modified') ?? '';

/**
 * Open a disk image on a web server lazily: only the chunks the guest reads
 * are fetched (Range requests, retried twice), then kept in memory up to
 * `cacheBytes`, the least recently read going first (read again later, they
 * are fetched again). A server without range support gets one whole download
 * instead, all of it kept. Every chunk must
 * come from the same version of the file as the first (same ETag or
 * Last-Modified): a base image replaced on the server while in use fails the
 * read instead of mixing two images under the guest's file system.
 * @param {string} url
 * @param {{chunkSize?: number, cacheBytes?: number}} [opts]  bytes per request, a multiple of 512;
 *   bytes of chunks kept (default 64 MiB, at least one chunk)
 * @returns {Promise<import('./cow-disk.mjs').BaseImage & {fetched: () => number, version: string}>}
 *   fetched(): bytes downloaded so far; version: the file's ETag or Last-Modified ('' if the server sends neither)
 * @throws Error if the first request fails or the size is not a multiple of 512; read() throws
 *   if the file changed on the server
 */
export async function openHttpImage(url, { chunkSize = CHUNK, cacheBytes = CACHE_BYTES } = {}) {
  const chunks = new Map(); // chunk index -> Promise<Uint8Array>, least recently read first
  let keep = Math.max(1, Math.floor(cacheBytes / chunkSize)); // chunks kept
  let fetched = 0;
  const first = await get(url, { Range: `bytes=0-${chunkSize - 1}` });
  const version = versionOf(first);
  let size;
  if (first.status === 206) {
    size = Number(/\/(\d+)\s*$/.exec(first.headers.get('Content-Range') ?? '')?.[1]);
    if (!Number.isSafeInteger(size)) throw new Error(`${url}: the server's Content-Range gives no size`);
    const bytes = new Uint8Array(await first.arrayBuffer());
    fetched += bytes.length;
    chunks.set(0, Promise.resolve(bytes));
  } else {
    const all = new Uint8Array(await first.arrayBuffer());
    size = fetched = all.length;
    for (let i = 0; i * chunkSize < size; i++) chunks.set(i, Promise.resolve(all.subarray(i * chunkSize, (i + 1) * chunkSize)));
    keep = Infinity; // one buffer, and no way to fetch a part again
  }
  if (size === 0 || size % 512) throw new Error(`${url}: size ${size} bytes is not a multiple of 512, so not a disk image`);

  async function fetchChunk(i) {
    const start = i * chunkSize, end = Math.min(start + chunkSize, size) - 1;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await get(url, { Range: `bytes=${start}-${end}` });
        if (versionOf(res) !== version) {
          throw Object.assign(new Error(`${url} changed on the server while in use (was ${version || 'unversioned'}, now ${versionOf(res) || 'unversioned'})`), { changed: true });
        }
        if (res.status !== 206) throw new Error(`${url}: the server ignored a Range request (HTTP ${res.status})`);
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (bytes.length !== end - start + 1) throw new Error(`${url}: short range response (${bytes.length} bytes)`);
        fetched += bytes.length;
        return bytes;
      } catch (e) {
        if (attempt >= RETRIES || e.changed) throw e;
        await new Promise((r) => setTimeout(r, 250 * 4 ** attempt));
      }
    }
  }
  function chunk(i) {
    let p = chunks.get(i);
    if (p) chunks.delete(i); // set again below: now the most recently read
    else {
      p = fetchChunk(i);
      p.catch(() => chunks.get(i) === p && chunks.delete(i)); // a later read tries again
    }
    chunks.set(i, p);
    while (chunks.size > keep) chunks.delete(chunks.keys().next().value);
    return p;
  }

  return {
    size,
    version,
    fetched: () => fetched,
    async read(offset, length) {
      if (offset < 0 || offset + length > size) throw new RangeError(`${url}: read at ${offset}+${length} is past the end (${size} bytes)`);
      const out = new Uint8Array(length);
      if (!length) return out;
      const lo = Math.floor(offset / chunkSize), hi = Math.floor((offset + length - 1) / chunkSize);
      const parts = await Promise.all(Array.from({ length: hi - lo + 1 }, (_, k) => chunk(lo + k)));
      parts.forEach((bytes, k) => {
        const start = (lo + k) * chunkSize; // image offset of this chunk
        const from = Math.max(offset, start), to = Math.min(offset + length, start + bytes.length);
        out.set(bytes.subarray(from - start, to - start), from - offset);
      });
      return out;
    },
  };
}

/**
 * A local file (chosen or dropped) as a disk base image.
 * @param {Blob} file
 * @returns {import('./cow-disk.mjs').BaseImage}
 */
export function fileImage(file) {
  return {
    size: file.size,
    async read(offset, length) { return new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()); },
  };
}
