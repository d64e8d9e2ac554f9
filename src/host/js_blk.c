/* Block backend whose storage lives on the JavaScript side (Emscripten
 * build): a Node file, an IndexedDB overlay or HTTP ranges in the browser.
 * submit() hands the request to Module.wvmBlkSubmit; JS calls
 * wvm_blk_complete() later (after wvm_run returned). */
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <stdlib.h>

#include "core/wvm.h"
#include "host/blk.h"

typedef struct js_blk {
    blk_backend b;
    int id;
} js_blk;

EM_JS(void, js_blk_submit, (int id, blk_req *req, int op, double offset, uint8_t *buf, double len), {
    Module.wvmBlkSubmit(id, req, op, offset, buf >>> 0, len); /* buf may be above 2 GiB */
});

static void submit(blk_backend *b, blk_req *r)
{
    js_blk_submit(((js_blk *)b)->id, r, r->op, (double)r->offset, r->buf, (double)r->len);
}

/* Attach a JS-backed disk of `size` bytes (a multiple of 512) to `m`; JS
 * identifies it as `id` in Module.wvmBlkSubmit(id, req, op, offset, buf, len)
 * calls (op: 0 read, 1 write, 2 flush; buf/len: bytes in module memory).
 * Returns the disk index, or -1 (wvm_last_error set). */
EMSCRIPTEN_KEEPALIVE int wvm_add_js_disk(wvm_machine *m, int id, double size, int readonly)
{
    js_blk *d = calloc(1, sizeof(*d));
    if (!d)
        return -1;
    d->id = id;
    d->b.size = (uint64_t)size;
    d->b.readonly = readonly;
    d->b.submit = submit;
    d->b.opaque = d;
    return wvm_add_disk(m, &d->b);
}

/* Complete request `req` (from Module.wvmBlkSubmit) with `status` (0 ok,
 * 1 I/O error). Call between wvm_run calls, never from inside submit. */
EMSCRIPTEN_KEEPALIVE void wvm_blk_complete(blk_req *req, int status)
{
    req->done(req, status);
}
#endif
