/* 9P2000.L file server (see p9.h). Message layouts follow Linux's
 * include/net/9p/9p.h and net/9p/client.c: little-endian integers, strings
 * as len[2] bytes, qid as type[1] version[4] path[8]. */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "dev/p9.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/state.h"

/* Linux errno values (Rlerror carries these; the host's may differ). */
enum {
    E_PERM = 1, E_NOENT = 2, E_IO = 5, E_BADF = 9, E_NOMEM = 12, E_EXIST = 17, E_NOTDIR = 20,
    E_ISDIR = 21, E_INVAL = 22, E_NFILE = 23, E_ROFS = 30, E_NAMETOOLONG = 36, E_LOOP = 40,
    E_PROTO = 71, E_MSGSIZE = 90, E_OPNOTSUPP = 95,
};

#define P9_RLERROR 7
#define P9_NOFID 0xffffffffu
#define P9_PATH_MAX 4096       /* bytes of a share-relative path, with its NUL */
#define P9_NAME_MAX 255        /* bytes of one component */
#define P9_MAXWELEM 16         /* names in one Twalk */
#define P9_FID_BUCKETS 256
#define QT_DIR 0x80
#define QT_SYMLINK 0x02
#define S_TYPE 0170000u
#define S_DIR 0040000u
#define S_LNK 0120000u
#define S_REG 0100000u
#define AT_REMOVEDIR 0x200
#define V9FS_MAGIC 0x01021997u
#define OPEN_FLAGS (FS_O_ACCMODE | FS_O_TRUNC | FS_O_APPEND)

typedef struct p9_fid p9_fid;
struct p9_fid {
    uint32_t id;
    p9_fid *next;          /* hash chain */
    char *path;            /* share-relative, malloc'd */
    uint8_t qtype;         /* QT_* of the file when walked to */
    uint8_t opened;        /* Tlopen or Tlcreate done */
    int flags;             /* FS_O_* when opened */
    int64_t handle;        /* backend handle of an open regular file, else -1 */
    char *names;           /* directory listing (Treaddir from offset 0) */
    uint32_t *name_at;     /* offsets of each name in `names` */
    uint32_t nnames;
};

struct p9_server {
    fs_backend *fs;
    int readonly;
    uint32_t msize;
    uint32_t nfids;
    p9_fid *fids[P9_FID_BUCKETS];
};

/* ---- message reading and writing, bounded ---- */

typedef struct rd {
    const uint8_t *p;
    uint32_t len, pos;
    int bad;               /* read past the end */
} rd;

typedef struct wr {
    uint8_t *p;
    uint32_t cap, len;
    int over;              /* wrote past cap */
} wr;

static uint64_t get(rd *r, unsigned n)
{
    uint64_t v = 0;
    if (r->bad || r->len - r->pos < n) {
        r->bad = 1;
        return 0;
    }
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)r->p[r->pos + i] << (8 * i);
    r->pos += n;
    return v;
}

/* A string into `out` (`cap` bytes with its NUL): 0, -E_PROTO if it runs
 * past the message, -E_NAMETOOLONG if too long, -E_INVAL with a NUL inside. */
static int get_str(rd *r, char *out, uint32_t cap)
{
    uint32_t n = (uint32_t)get(r, 2);
    if (r->bad || r->len - r->pos < n)
        return r->bad = 1, -E_PROTO;
    if (n >= cap)
        return -E_NAMETOOLONG;
    if (memchr(r->p + r->pos, 0, n))
        return -E_INVAL;
    memcpy(out, r->p + r->pos, n);
    out[n] = 0;
    r->pos += n;
    return 0;
}

static void put(wr *w, uint64_t v, unsigned n)
{
    if (w->cap - w->len < n) {
        w->over = 1;
        return;
    }
    for (unsigned i = 0; i < n; i++)
        w->p[w->len++] = (uint8_t)(v >> (8 * i));
}

static void put_str(wr *w, const char *s, uint32_t n)
{
    put(w, n, 2);
    if (w->over || w->cap - w->len < n) {
        w->over = 1;
        return;
    }
    memcpy(w->p + w->len, s, n);
    w->len += n;
}

static uint8_t qid_type(uint32_t mode)
{
    return (mode & S_TYPE) == S_DIR ? QT_DIR : (mode & S_TYPE) == S_LNK ? QT_SYMLINK : 0;
}

/* qid: type, version (as QEMU: mtime ^ size << 8), path (the inode). */
static void put_qid(wr *w, const fs_attr *a)
{
    put(w, qid_type(a->mode), 1);
    put(w, (uint32_t)((uint64_t)a->mtime_sec ^ (a->size << 8)), 4);
    put(w, a->ino, 8);
}

/* ---- fids ---- */

static p9_fid **fid_slot(p9_server *s, uint32_t id)
{
    p9_fid **f = &s->fids[id % P9_FID_BUCKETS];
    while (*f && (*f)->id != id)
        f = &(*f)->next;
    return f;
}

static p9_fid *fid_get(p9_server *s, uint32_t id) { return *fid_slot(s, id); }

static void drop_listing(p9_fid *f)
{
    free(f->names);
    free(f->name_at);
    f->names = NULL;
    f->name_at = NULL;
    f->nnames = 0;
}

static void fid_close(p9_server *s, p9_fid *f)
{
    if (f->handle >= 0)
        s->fs->close(s->fs, f->handle);
    f->handle = -1;
    f->opened = 0;
    drop_listing(f);
}

static void fid_free(p9_server *s, uint32_t id)
{
    p9_fid **slot = fid_slot(s, id), *f = *slot;
    if (!f)
        return;
    *slot = f->next;
    fid_close(s, f);
    free(f->path);
    free(f);
    s->nfids--;
}

/* Point fid `id` (new, or an existing one, which is closed) at `path`. */
static int fid_set(p9_server *s, uint32_t id, const char *path, uint8_t qtype, p9_fid **out)
{
    char *copy = strdup(path);
    if (!copy)
        return -E_NOMEM;
    p9_fid *f = fid_get(s, id);
    if (f) {
        fid_close(s, f);
        free(f->path);
    } else {
        if (id == P9_NOFID || s->nfids >= P9_MAX_FIDS || !(f = calloc(1, sizeof(*f)))) {
            free(copy);
            return id == P9_NOFID ? -E_BADF : s->nfids >= P9_MAX_FIDS ? -E_NFILE : -E_NOMEM;
        }
        f->id = id;
        f->next = s->fids[id % P9_FID_BUCKETS];
        s->fids[id % P9_FID_BUCKETS] = f;
        s->nfids++;
    }
    f->path = copy;
    f->qtype = qtype;
    f->handle = -1;
    if (out)
        *out = f;
    return 0;
}

/* ---- paths ---- */

static int valid_name(const char *name)
{
    return name[0] && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/');
}

/* A share-relative path as fs.h defines it ("" or names joined by '/'). */
static int valid_path(const char *path)
{
    char copy[P9_PATH_MAX];
    if (!path[0])
        return 1;
    if (strlen(path) >= sizeof(copy))
        return 0;
    strcpy(copy, path);
    for (char *name = copy, *end; name; name = end) {
        if ((end = strchr(name, '/')))
            *end++ = 0;
        if (!valid_name(name) || strlen(name) > P9_NAME_MAX)
            return 0;
    }
    return 1;
}

/* `dir`/`name` into `out` (P9_PATH_MAX bytes): 0, -E_INVAL for a name that
 * is not one component, -E_NAMETOOLONG. */
static int join(const char *dir, const char *name, char *out)
{
    if (!valid_name(name))
        return -E_INVAL;
    int n = snprintf(out, P9_PATH_MAX, "%s%s%s", dir, dir[0] ? "/" : "", name);
    return n < 0 || n >= P9_PATH_MAX ? -E_NAMETOOLONG : 0;
}

/* The parent of `path` in place ("" stays ""). */
static void parent(char *path)
{
    char *slash = strrchr(path, '/');
    *(slash ? slash : path) = 0;
}

/* After `from` was renamed to `to`: fids at or under `from` follow it. */
static void rename_fids(p9_server *s, const char *from, const char *to)
{
    size_t n = strlen(from);
    char buf[P9_PATH_MAX];
    for (int b = 0; b < P9_FID_BUCKETS; b++)
        for (p9_fid *f = s->fids[b]; f; f = f->next) {
            if (strncmp(f->path, from, n) || (f->path[n] && f->path[n] != '/'))
                continue;
            int len = snprintf(buf, sizeof(buf), "%s%s", to, f->path + n);
            char *copy = len < P9_PATH_MAX ? strdup(buf) : NULL;
            if (copy) {
                free(f->path);
                f->path = copy;
            }
        }
}

/* ---- requests: each reads its fields from `in`, writes its reply's body
 * to `out` and returns 0, or returns -errno for an Rlerror. ---- */

typedef int (*p9_op)(p9_server *s, rd *in, wr *out);

#define FID(var, in)                                  \
    p9_fid *var = fid_get(s, (uint32_t)get(in, 4));   \
    if (!var)                                         \
        return -E_BADF;

static int op_version(p9_server *s, rd *in, wr *out)
{
    uint32_t msize = (uint32_t)get(in, 4);
    char version[32];
    if (get_str(in, version, sizeof(version)) == -E_PROTO)
        return -E_PROTO;
    if (msize < P9_MSIZE_MIN)
        return -E_INVAL;
    p9_server_reset(s);
    s->msize = msize < P9_MSIZE_MAX ? msize : P9_MSIZE_MAX;
    put(out, s->msize, 4);
    const char *v = strcmp(version, "9P2000.L") ? "unknown" : "9P2000.L";
    put_str(out, v, (uint32_t)strlen(v));
    return 0;
}

static int op_attach(p9_server *s, rd *in, wr *out)
{
    uint32_t fid = (uint32_t)get(in, 4);
    char name[P9_NAME_MAX + 1];
    get(in, 4); /* afid: no authentication */
    int err = get_str(in, name, sizeof(name));
    if (!err)
        err = get_str(in, name, sizeof(name));
    fs_attr a;
    if (err || (err = s->fs->getattr(s->fs, "", &a)))
        return err;
    if (fid_get(s, fid))
        return -E_EXIST;
    if ((err = fid_set(s, fid, "", QT_DIR, NULL)))
        return err;
    put_qid(out, &a);
    return 0;
}

static int op_walk(p9_server *s, rd *in, wr *out)
{
    FID(f, in);
    uint32_t newfid = (uint32_t)get(in, 4);
    uint32_t n = (uint32_t)get(in, 2);
    char names[P9_MAXWELEM][P9_NAME_MAX + 1];
    if (n > P9_MAXWELEM)
        return -E_INVAL;
    for (uint32_t i = 0; i < n; i++) {
        int err = get_str(in, names[i], sizeof(names[i]));
        if (err)
            return err;
    }
    if (newfid != f->id && fid_get(s, newfid))
        return -E_EXIST;
    if (newfid == f->id && f->opened)
        return -E_INVAL; /* an open fid does not move (QEMU: the same) */
    char path[P9_PATH_MAX], next[P9_PATH_MAX];
    strcpy(path, f->path);
    uint8_t qtype = f->qtype;
    uint32_t done = 0;
    int err = 0;
    put(out, 0, 2); /* nwqid, patched below */
    for (; done < n; done++) {
        fs_attr a;
        strcpy(next, path);
        if (!(qtype & QT_DIR))
            err = -E_NOTDIR;
        else if (!strcmp(names[done], ".."))
            parent(next);
        else if (strcmp(names[done], "."))
            err = join(path, names[done], next);
        if (err || (err = s->fs->getattr(s->fs, next, &a)))
            break;
        put_qid(out, &a);
        qtype = qid_type(a.mode);
        strcpy(path, next);
    }
    if (done == 0 && n > 0)
        return err;
    out->p[0] = (uint8_t)done, out->p[1] = (uint8_t)(done >> 8);
    return done < n ? 0 : fid_set(s, newfid, path, qtype, NULL); /* a partial walk makes no fid */
}

/* Reply qid[13] iounit[4] for fid `f` just opened. */
static int reply_open(p9_server *s, p9_fid *f, wr *out)
{
    fs_attr a;
    int err = s->fs->getattr(s->fs, f->path, &a);
    if (err)
        return err;
    put_qid(out, &a);
    put(out, 0, 4); /* iounit 0: msize decides */
    return 0;
}

static int writes(int flags) { return (flags & FS_O_ACCMODE) != 0 || (flags & FS_O_TRUNC); }

static int op_lopen(p9_server *s, rd *in, wr *out)
{
    FID(f, in);
    int flags = (int)get(in, 4) & OPEN_FLAGS;
    if (f->opened)
        return -E_BADF;
    if (f->qtype & QT_SYMLINK)
        return -E_LOOP;
    if (f->qtype & QT_DIR) {
        if (flags & FS_O_ACCMODE)
            return -E_ISDIR;
    } else {
        if (s->readonly && writes(flags))
            return -E_ROFS;
        int err = s->fs->open(s->fs, f->path, flags, &f->handle);
        if (err)
            return f->handle = -1, err;
    }
    f->opened = 1;
    f->flags = flags;
    return reply_open(s, f, out);
}

/* A directory fid `d` that may take a new entry `name`: its path into `path`. */
static int new_entry(p9_server *s, p9_fid *d, const char *name, char *path)
{
    if (s->readonly)
        return -E_ROFS;
    if (!(d->qtype & QT_DIR))
        return -E_NOTDIR;
    return join(d->path, name, path);
}

static int op_lcreate(p9_server *s, rd *in, wr *out)
{
    FID(f, in);
    char name[P9_NAME_MAX + 1], path[P9_PATH_MAX];
    int err = get_str(in, name, sizeof(name));
    int flags = (int)get(in, 4) & OPEN_FLAGS;
    uint32_t mode = (uint32_t)get(in, 4) & 07777;
    get(in, 4); /* gid: files belong to the host user (security_model=none) */
    if (!err && in->bad)
        err = -E_PROTO;
    if (!err && f->opened)
        err = -E_BADF;
    int64_t h;
    if (err || (err = new_entry(s, f, name, path)) || (err = s->fs->create(s->fs, path, flags, mode, &h)))
        return err;
    if ((err = fid_set(s, f->id, path, 0, &f))) {
        s->fs->close(s->fs, h);
        return err;
    }
    f->handle = h;
    f->opened = 1;
    f->flags = flags;
    return reply_open(s, f, out);
}

/* Reply the qid of `path` (after creating it). */
static int reply_qid(p9_server *s, const char *path, wr *out)
{
    fs_attr a;
    int err = s->fs->getattr(s->fs, path, &a);
    if (!err)
        put_qid(out, &a);
    return err;
}

static int op_symlink(p9_server *s, rd *in, wr *out)
{
    FID(d, in);
    char name[P9_NAME_MAX + 1], target[P9_PATH_MAX], path[P9_PATH_MAX];
    int err = get_str(in, name, sizeof(name));
    if (!err)
        err = get_str(in, target, sizeof(target));
    get(in, 4); /* gid */
    if (!err && in->bad)
        err = -E_PROTO;
    if (err || (err = new_entry(s, d, name, path)) || (err = s->fs->symlink(s->fs, path, target)))
        return err;
    return reply_qid(s, path, out);
}

static int op_mkdir(p9_server *s, rd *in, wr *out)
{
    FID(d, in);
    char name[P9_NAME_MAX + 1], path[P9_PATH_MAX];
    int err = get_str(in, name, sizeof(name));
    uint32_t mode = (uint32_t)get(in, 4) & 07777;
    get(in, 4); /* gid, as Tlcreate's */
    if (!err && in->bad)
        err = -E_PROTO;
    if (err || (err = new_entry(s, d, name, path)) || (err = s->fs->mkdir(s->fs, path, mode)))
        return err;
    return reply_qid(s, path, out);
}

/* Device nodes, FIFOs and sockets are not made on the host. */
static int op_mknod(p9_server *s, rd *in, wr *out)
{
    (void)in, (void)out;
    return s->readonly ? -E_ROFS : -E_PERM;
}

static int do_rename(p9_server *s, const char *from, const char *to)
{
    int err = s->readonly ? -E_ROFS : !from[0] ? -E_INVAL : s->fs->rename(s->fs, from, to);
    if (!err)
        rename_fids(s, from, to);
    return err;
}

static int op_rename(p9_server *s, rd *in, wr *out)
{
    (void)out;
    FID(f, in);
    FID(d, in);
    char name[P9_NAME_MAX + 1], path[P9_PATH_MAX];
    int err = get_str(in, name, sizeof(name));
    if (err || (err = new_entry(s, d, name, path)))
        return err;
    return do_rename(s, f->path, path);
}

static int op_renameat(p9_server *s, rd *in, wr *out)
{
    (void)out;
    FID(od, in);
    char oname[P9_NAME_MAX + 1], nname[P9_NAME_MAX + 1], from[P9_PATH_MAX], to[P9_PATH_MAX];
    int err = get_str(in, oname, sizeof(oname));
    if (err)
        return err;
    if (in->len - in->pos < 6)
        return -E_PROTO;
    FID(nd, in);
    if ((err = get_str(in, nname, sizeof(nname))) || (err = new_entry(s, od, oname, from)) ||
        (err = new_entry(s, nd, nname, to)))
        return err;
    return do_rename(s, from, to);
}

static int op_readlink(p9_server *s, rd *in, wr *out)
{
    FID(f, in);
    char target[P9_PATH_MAX];
    int n = s->fs->readlink(s->fs, f->path, target, sizeof(target));
    if (n < 0)
        return n;
    put_str(out, target, (uint32_t)n);
    return 0;
}

static int op_getattr(p9_server *s, rd *in, wr *out)
{
    FID(f, in);
    fs_attr a;
    /* An open file by its handle: it may be unlinked and still in use. */
    int err = f->handle >= 0 && s->fs->fgetattr ? s->fs->fgetattr(s->fs, f->handle, &a) : -E_OPNOTSUPP;
    if (err == -E_OPNOTSUPP)
        err = s->fs->getattr(s->fs, f->path, &a);
    if (err)
        return err;
    put(out, 0x7ff, 8); /* P9_STATS_BASIC: mode .. blocks */
    put_qid(out, &a);
    put(out, a.mode, 4), put(out, a.uid, 4), put(out, a.gid, 4);
    put(out, a.nlink, 8), put(out, a.rdev, 8), put(out, a.size, 8);
    put(out, 4096, 8), put(out, a.blocks, 8);
    const int64_t times[] = {a.atime_sec, a.atime_nsec, a.mtime_sec, a.mtime_nsec, a.ctime_sec, a.ctime_nsec};
    for (unsigned i = 0; i < 6; i++)
        put(out, (uint64_t)times[i], 8);
    for (unsigned i = 0; i < 4; i++)
        put(out, 0, 8); /* btime, gen, data_version: not kept */
    return 0;
}

static int op_setattr(p9_server *s, rd *in, wr *out)
{
    (void)out;
    FID(f, in);
    fs_attr a = {0};
    uint32_t valid = (uint32_t)get(in, 4) & 0x1ff;
    a.mode = (uint32_t)get(in, 4) & 07777;
    a.uid = (uint32_t)get(in, 4), a.gid = (uint32_t)get(in, 4);
    a.size = get(in, 8);
    a.atime_sec = (int64_t)get(in, 8), a.atime_nsec = (int64_t)get(in, 8);
    a.mtime_sec = (int64_t)get(in, 8), a.mtime_nsec = (int64_t)get(in, 8);
    if (in->bad)
        return -E_PROTO;
    if (s->readonly)
        return -E_ROFS;
    if ((valid & FS_SET_SIZE) && (f->qtype & QT_DIR))
        return -E_ISDIR;
    return s->fs->setattr(s->fs, f->path, f->handle, valid, &a);
}

static int op_unsupported(p9_server *s, rd *in, wr *out)
{
    (void)s, (void)in, (void)out;
    return -E_OPNOTSUPP;
}

/* Load the listing of directory fid `f` (Treaddir from offset 0). */
static int load_listing(p9_server *s, p9_fid *f)
{
    drop_listing(f);
    uint32_t len = 0;
    int err = s->fs->readdir(s->fs, f->path, &f->names, &len);
    if (err)
        return f->names = NULL, err;
    for (uint32_t i = 0; i < len; i++)
        f->nnames += f->names[i] == 0;
    if (!(f->name_at = malloc(sizeof(uint32_t) * (f->nnames + 1)))) {
        drop_listing(f);
        return -E_NOMEM;
    }
    for (uint32_t i = 0, k = 0; k < f->nnames; i++)
        if (i == 0 || f->names[i - 1] == 0)
            f->name_at[k++] = i;
    return 0;
}

static int op_readdir(p9_server *s, rd *in, wr *out)
{
    FID(f, in);
    uint64_t offset = get(in, 8);
    uint32_t count = (uint32_t)get(in, 4);
    if (in->bad)
        return -E_PROTO;
    if (!(f->qtype & QT_DIR) || !f->opened)
        return -E_NOTDIR;
    int err = offset == 0 || !f->names ? load_listing(s, f) : 0;
    if (err)
        return err;
    if (count > out->cap - out->len - 4)
        count = out->cap - out->len - 4;
    wr body = {out->p + out->len + 4, count, 0, 0};
    char path[P9_PATH_MAX];
    for (uint64_t i = offset; i < 2ull + f->nnames; i++) {
        const char *name = i == 0 ? "." : i == 1 ? ".." : f->names + f->name_at[i - 2];
        fs_attr a;
        strcpy(path, f->path);
        if (i == 1)
            parent(path);
        else if (i > 1 && join(f->path, name, path))
            continue;
        if (s->fs->getattr(s->fs, path, &a))
            continue; /* gone since the listing */
        uint32_t n = (uint32_t)strlen(name), mark = body.len;
        put_qid(&body, &a);
        put(&body, i + 1, 8);
        put(&body, (a.mode & S_TYPE) >> 12, 1); /* d_type is S_IFMT >> 12 */
        put_str(&body, name, n);
        if (body.over) {
            body.len = mark;
            if (mark == 0)
                return -E_MSGSIZE; /* not even one entry fits */
            break;
        }
    }
    put(out, body.len, 4);
    out->len += body.len;
    return 0;
}

static int op_fsync(p9_server *s, rd *in, wr *out)
{
    (void)out;
    FID(f, in);
    return f->handle >= 0 ? s->fs->fsync(s->fs, f->handle) : 0;
}

/* Locks are granted (one client: the guest keeps its own lock state). */
static int op_lock(p9_server *s, rd *in, wr *out)
{
    FID(f, in);
    (void)f;
    put(out, 0, 1); /* P9_LOCK_SUCCESS */
    return 0;
}

static int op_getlock(p9_server *s, rd *in, wr *out)
{
    FID(f, in);
    (void)f;
    get(in, 1);
    uint64_t start = get(in, 8), length = get(in, 8);
    uint32_t proc = (uint32_t)get(in, 4);
    char client[P9_NAME_MAX + 1];
    int err = get_str(in, client, sizeof(client));
    if (err)
        return err;
    put(out, 2, 1); /* F_UNLCK: nothing else holds it */
    put(out, start, 8), put(out, length, 8), put(out, proc, 4);
    put_str(out, client, (uint32_t)strlen(client));
    return 0;
}

static int op_link(p9_server *s, rd *in, wr *out)
{
    (void)out;
    FID(d, in);
    FID(f, in);
    char name[P9_NAME_MAX + 1], path[P9_PATH_MAX];
    int err = get_str(in, name, sizeof(name));
    if (err || (err = new_entry(s, d, name, path)))
        return err;
    return f->qtype & QT_DIR ? -E_PERM : s->fs->link(s->fs, f->path, path);
}

static int op_unlinkat(p9_server *s, rd *in, wr *out)
{
    (void)out;
    FID(d, in);
    char name[P9_NAME_MAX + 1], path[P9_PATH_MAX];
    int err = get_str(in, name, sizeof(name));
    uint32_t flags = (uint32_t)get(in, 4);
    if (!err && in->bad)
        err = -E_PROTO;
    if (err || (err = new_entry(s, d, name, path)))
        return err;
    return s->fs->unlink(s->fs, path, (flags & AT_REMOVEDIR) != 0);
}

/* Tremove: remove the file and clunk the fid, whatever the outcome. */
static int op_remove(p9_server *s, rd *in, wr *out)
{
    (void)out;
    FID(f, in);
    int err = s->readonly ? -E_ROFS : !f->path[0] ? -E_INVAL : s->fs->unlink(s->fs, f->path, f->qtype & QT_DIR);
    fid_free(s, f->id);
    return err;
}

static int op_statfs(p9_server *s, rd *in, wr *out)
{
    FID(f, in);
    (void)f;
    fs_statfs st;
    int err = s->fs->statfs(s->fs, &st);
    if (err)
        return err;
    put(out, V9FS_MAGIC, 4), put(out, st.bsize, 4);
    put(out, st.blocks, 8), put(out, st.bfree, 8), put(out, st.bavail, 8);
    put(out, st.files, 8), put(out, st.ffree, 8), put(out, 0, 8), put(out, st.namelen, 4);
    return 0;
}

static int op_read(p9_server *s, rd *in, wr *out)
{
    FID(f, in);
    uint64_t offset = get(in, 8);
    uint32_t count = (uint32_t)get(in, 4);
    if (in->bad)
        return -E_PROTO;
    if (f->handle < 0)
        return f->opened && (f->qtype & QT_DIR) ? -E_ISDIR : -E_BADF;
    if ((f->flags & FS_O_ACCMODE) == 1)
        return -E_BADF;
    if (count > out->cap - out->len - 4)
        count = out->cap - out->len - 4;
    int64_t n = s->fs->read(s->fs, f->handle, offset, out->p + out->len + 4, count);
    if (n < 0)
        return (int)n;
    if (n > count)
        return -E_IO; /* a backend that overran would be a bug: never report it */
    put(out, (uint64_t)n, 4);
    out->len += (uint32_t)n;
    return 0;
}

static int op_write(p9_server *s, rd *in, wr *out)
{
    FID(f, in);
    uint64_t offset = get(in, 8);
    uint32_t count = (uint32_t)get(in, 4);
    if (in->bad || count > in->len - in->pos)
        return -E_PROTO;
    if (s->readonly)
        return -E_ROFS;
    if (f->handle < 0 || (f->flags & FS_O_ACCMODE) == 0)
        return -E_BADF;
    int64_t n = s->fs->write(s->fs, f->handle, offset, in->p + in->pos, count);
    if (n < 0)
        return (int)n;
    put(out, (uint64_t)n, 4);
    return 0;
}

static int op_clunk(p9_server *s, rd *in, wr *out)
{
    (void)out;
    FID(f, in);
    fid_free(s, f->id);
    return 0;
}

/* Every request completes before the next is read: nothing to flush. */
static int op_flush(p9_server *s, rd *in, wr *out)
{
    (void)s, (void)in, (void)out;
    return 0;
}

/* T-message type -> handler and the fewest bytes its body can have (fixed
 * fields, and 2 per string), checked before the handler runs, so fixed
 * fields before the first string always read; the R-message type is one more. */
static const struct {
    p9_op fn;
    uint8_t min;
} ops[128] = {
    [8] = {op_statfs, 4}, [12] = {op_lopen, 8}, [14] = {op_lcreate, 18}, [16] = {op_symlink, 12},
    [18] = {op_mknod, 22}, [20] = {op_rename, 10}, [22] = {op_readlink, 4}, [24] = {op_getattr, 12},
    [26] = {op_setattr, 60}, [30] = {op_unsupported, 0} /* Txattrwalk */,
    [32] = {op_unsupported, 0} /* Txattrcreate */, [40] = {op_readdir, 16}, [50] = {op_fsync, 4},
    [52] = {op_lock, 31}, [54] = {op_getlock, 27}, [70] = {op_link, 10}, [72] = {op_mkdir, 14},
    [74] = {op_renameat, 12}, [76] = {op_unlinkat, 10}, [100] = {op_version, 6},
    [102] = {op_unsupported, 0} /* Tauth */, [104] = {op_attach, 12}, [108] = {op_flush, 2},
    [110] = {op_walk, 10}, [116] = {op_read, 16}, [118] = {op_write, 16}, [120] = {op_clunk, 4},
    [122] = {op_remove, 4},
};

uint32_t p9_server_handle(p9_server *s, const uint8_t *req, uint32_t len, uint8_t *rep, uint32_t cap)
{
    if (len < P9_HEADER_BYTES || cap < P9_HEADER_BYTES + 4)
        return 0;
    if (cap > s->msize)
        cap = s->msize;
    uint8_t type = req[4];
    rd in = {req, len, P9_HEADER_BYTES, 0};
    wr out = {rep + P9_HEADER_BYTES, cap - P9_HEADER_BYTES, 0, 0};
    int err = type >= 128 || !ops[type].fn ? -E_OPNOTSUPP
              : len - P9_HEADER_BYTES < ops[type].min ? -E_PROTO
              : ops[type].fn(s, &in, &out);
    if (!err && in.bad)
        err = -E_PROTO;
    if (!err && out.over)
        err = -E_MSGSIZE;
    if (err) {
        out.len = 0;
        put(&out, (uint32_t)-err, 4);
        type = P9_RLERROR - 1;
    }
    uint32_t size = P9_HEADER_BYTES + out.len;
    wr head = {rep, P9_HEADER_BYTES, 0, 0};
    put(&head, size, 4), put(&head, type + 1u, 1);
    memcpy(rep + 5, req + 5, 2); /* tag */
    return size;
}

p9_server *p9_server_new(fs_backend *fs, int readonly)
{
    p9_server *s = calloc(1, sizeof(*s));
    if (s) {
        s->fs = fs;
        s->readonly = readonly;
        s->msize = P9_MSIZE_MAX;
    }
    return s;
}

void p9_server_reset(p9_server *s)
{
    for (int b = 0; b < P9_FID_BUCKETS; b++)
        while (s->fids[b])
            fid_free(s, s->fids[b]->id);
    s->msize = P9_MSIZE_MAX;
}

void p9_server_free(p9_server *s)
{
    if (s)
        p9_server_reset(s);
    free(s);
}

uint32_t p9_server_msize(const p9_server *s) { return s->msize; }

void p9_server_state(p9_server *s, sv_io *io)
{
    if (!sv_begin(io, "9p", 1))
        return;
    if (io->load)
        p9_server_reset(s);
    SV(io, s->msize);
    uint32_t n = s->nfids;
    SV(io, n);
    if (io->load && (n > P9_MAX_FIDS || s->msize < P9_MSIZE_MIN || s->msize > P9_MSIZE_MAX))
        sv_fail(io, "9p: %u fids, msize %u", n, s->msize);
    p9_fid *f = NULL;
    for (int b = 0; b < P9_FID_BUCKETS && !io->load; b++)
        for (f = s->fids[b]; f; f = f->next) {
            uint32_t len = (uint32_t)strlen(f->path);
            SV(io, f->id), SV(io, f->qtype), SV(io, f->opened), SV(io, f->flags), SV(io, len);
            sv_bytes(io, f->path, len);
        }
    for (uint32_t i = 0; i < n && io->load && !io->err; i++) {
        uint32_t id = 0, len = 0;
        uint8_t qtype = 0, opened = 0;
        int flags = 0;
        char path[P9_PATH_MAX] = {0};
        SV(io, id), SV(io, qtype), SV(io, opened), SV(io, flags), SV(io, len);
        if (len >= P9_PATH_MAX) {
            sv_fail(io, "9p: path of %u bytes", len);
            break;
        }
        sv_bytes(io, path, len);
        if (!io->err && !valid_path(path))
            sv_fail(io, "9p: path '%s' is not inside the share", path);
        if (io->err || fid_set(s, id, path, qtype, &f) != 0)
            break;
        f->opened = opened;
        f->flags = flags & OPEN_FLAGS;
        if (opened && !(qtype & QT_DIR) && s->fs->open(s->fs, path, f->flags & ~FS_O_TRUNC, &f->handle))
            f->handle = -1;
    }
    sv_end(io);
}
