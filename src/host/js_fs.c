/* File system backend whose files live on the JavaScript side (Emscripten
 * build): a Node directory or an in-memory tree (src/js/fs-*.mjs). Every
 * call goes synchronously to Module.wvmFsCall(id, op, a, b, c, d), which
 * src/js/fs-glue.mjs implements: a, b are pointers or 32-bit values, c, d
 * doubles; it returns a double, negative Linux errno values for errors. */
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <stdlib.h>

#include "core/machine.h"
#include "host/fs.h"

/* Operation numbers shared with src/js/fs-glue.mjs (FsOp). */
enum {
    OP_GETATTR, OP_OPEN, OP_CREATE, OP_READ, OP_WRITE, OP_FSYNC, OP_CLOSE, OP_READDIR, OP_MKDIR,
    OP_SYMLINK, OP_READLINK, OP_RENAME, OP_UNLINK, OP_LINK, OP_SETATTR, OP_STATFS, OP_DESTROY, OP_FGETATTR,
};

EM_JS(double, js_fs_call, (int id, int op, const void *a, const void *b, double c, double d), {
    return Module.wvmFsCall(id, op, a >>> 0, b >>> 0, c, d); /* pointers may be above 2 GiB */
});

#define CALL(b, op, a, p, c, d) js_fs_call((int)(intptr_t)(b)->opaque, op, a, p, c, d)

/* The 14 numbers of a getattr/fgetattr reply as fs_attr. */
static int attrs_of(int err, const double *v, fs_attr *a)
{
    if (!err)
        *a = (fs_attr){(uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2], (uint64_t)v[3], (uint64_t)v[4],
                       (uint64_t)v[5], (uint64_t)v[6], (uint64_t)v[7], (int64_t)v[8], (int64_t)v[9],
                       (int64_t)v[10], (int64_t)v[11], (int64_t)v[12], (int64_t)v[13]};
    return err;
}

static int fs_getattr(fs_backend *b, const char *path, fs_attr *a)
{
    double v[14];
    return attrs_of((int)CALL(b, OP_GETATTR, path, v, 0, 0), v, a);
}

static int fs_fgetattr(fs_backend *b, int64_t handle, fs_attr *a)
{
    double v[14];
    return attrs_of((int)CALL(b, OP_FGETATTR, NULL, v, (double)handle, 0), v, a);
}

static int handle_of(double r, int64_t *handle)
{
    if (r < 0)
        return (int)r;
    *handle = (int64_t)r;
    return 0;
}

static int fs_open(fs_backend *b, const char *path, int flags, int64_t *handle)
{
    return handle_of(CALL(b, OP_OPEN, path, NULL, flags, 0), handle);
}

static int fs_create(fs_backend *b, const char *path, int flags, uint32_t mode, int64_t *handle)
{
    return handle_of(CALL(b, OP_CREATE, path, NULL, flags, mode), handle);
}

static int64_t fs_read(fs_backend *b, int64_t handle, uint64_t offset, void *buf, uint32_t n)
{
    return (int64_t)CALL(b, OP_READ, buf, (void *)(uintptr_t)n, (double)handle, (double)offset);
}

static int64_t fs_write(fs_backend *b, int64_t handle, uint64_t offset, const void *buf, uint32_t n)
{
    return (int64_t)CALL(b, OP_WRITE, buf, (void *)(uintptr_t)n, (double)handle, (double)offset);
}

static int fs_fsync(fs_backend *b, int64_t handle) { return (int)CALL(b, OP_FSYNC, NULL, NULL, (double)handle, 0); }

static void fs_close(fs_backend *b, int64_t handle) { CALL(b, OP_CLOSE, NULL, NULL, (double)handle, 0); }

static int fs_readdir(fs_backend *b, const char *path, char **names, uint32_t *len)
{
    uint32_t out[2] = {0, 0}; /* malloc'd pointer and length, written by JS */
    int err = (int)CALL(b, OP_READDIR, path, out, 0, 0);
    *names = (char *)(uintptr_t)out[0];
    *len = out[1];
    return err;
}

static int fs_mkdir(fs_backend *b, const char *path, uint32_t mode) { return (int)CALL(b, OP_MKDIR, path, NULL, mode, 0); }

static int fs_symlink(fs_backend *b, const char *path, const char *target)
{
    return (int)CALL(b, OP_SYMLINK, path, target, 0, 0);
}

static int fs_readlink(fs_backend *b, const char *path, char *buf, uint32_t size)
{
    return (int)CALL(b, OP_READLINK, path, buf, size, 0);
}

static int fs_rename(fs_backend *b, const char *from, const char *to) { return (int)CALL(b, OP_RENAME, from, to, 0, 0); }

static int fs_unlink(fs_backend *b, const char *path, int dir) { return (int)CALL(b, OP_UNLINK, path, NULL, dir, 0); }

static int fs_link(fs_backend *b, const char *existing, const char *path)
{
    return (int)CALL(b, OP_LINK, existing, path, 0, 0);
}

static int fs_setattr(fs_backend *b, const char *path, int64_t handle, uint32_t valid, const fs_attr *a)
{
    double v[9] = {a->mode, a->uid, a->gid, (double)a->size, (double)a->atime_sec, (double)a->atime_nsec,
                   (double)a->mtime_sec, (double)a->mtime_nsec, (double)handle};
    return (int)CALL(b, OP_SETATTR, path, v, valid, 0);
}

static int fs_stat_fs(fs_backend *b, fs_statfs *s)
{
    double v[7];
    int err = (int)CALL(b, OP_STATFS, NULL, v, 0, 0);
    if (!err)
        *s = (fs_statfs){(uint32_t)v[0], (uint64_t)v[1], (uint64_t)v[2], (uint64_t)v[3], (uint64_t)v[4],
                         (uint64_t)v[5], (uint32_t)v[6]};
    return err;
}

static void fs_destroy(fs_backend *b)
{
    CALL(b, OP_DESTROY, NULL, NULL, 0, 0);
    free(b);
}

/* Export the JavaScript file system `id` (Module.wvmFsCall's first argument)
 * as mount tag `tag` (wvm_add_share). Returns the share's index, or -1 with
 * wvm_last_error set (then JS gets OP_DESTROY for `id`). */
EMSCRIPTEN_KEEPALIVE int wvm_add_js_share(wvm_machine *m, int id, const char *tag, int readonly)
{
    fs_backend *b = calloc(1, sizeof(*b));
    if (!b)
        return wvm_fail("out of memory for a file share");
    *b = (fs_backend){fs_getattr, fs_fgetattr, fs_open,   fs_create,  fs_read,   fs_write,   fs_fsync,
                      fs_close,   fs_readdir, fs_mkdir,  fs_symlink, fs_readlink, fs_rename,
                      fs_unlink,  fs_link,   fs_setattr, fs_stat_fs, fs_destroy, (void *)(intptr_t)id};
    return wvm_add_share(m, tag, b, readonly);
}
#endif
