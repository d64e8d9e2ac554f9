// src/js/compress.mjs: what Machine.create does with an initrd, and the snapshot codec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { deflateRaw, gunzipImage, inflate } from '../src/js/compress.mjs';

test('a gzip initrd is unpacked only when the one member is the whole file', async () => {
  const cpio = Buffer.from('070701'.repeat(4000)), gz = gzipSync(cpio), tail = Buffer.alloc(512, 7);
  assert.deepEqual(Buffer.from(await gunzipImage(gz)), cpio);
  const appended = Buffer.concat([gz, tail]); // gzip + an uncompressed archive: the kernel needs both
  assert.equal(await gunzipImage(appended), appended);
  const damaged = Buffer.from(gz);
  damaged[damaged.length >> 1] ^= 0xff;
  assert.equal(await gunzipImage(damaged), damaged);
  assert.equal(await gunzipImage(cpio), cpio); // not gzip
});

test('deflateRaw in parallel pieces is one stream that inflates back', async () => {
  const bytes = new Uint8Array(5 << 20).map((_, i) => (i * 2654435761) >>> 24 & (i & 0x10000 ? 0xff : 0));
  assert.deepEqual(await inflate(await deflateRaw(bytes), 'deflate-raw'), bytes);
  assert.deepEqual(await inflate(await deflateRaw(new Uint8Array(0)), 'deflate-raw'), new Uint8Array(0));
});
