/* Host-directory file system backend (host/fs.h) behind a virtio-9p share.
 *
 * Containment: the shared directory is opened once (an O_PATH fd) and every
 * path is resolved from it one component at a time with openat(2) and
 * O_NOFOLLOW | O_DIRECTORY, so a symbolic link in a directory position fails
 * (ENOTDIR or ELOOP) instead of being followed, whoever put it there and
 * whenever. The last component is then handed to a *at() call that does not
 * follow it either (AT_SYMLINK_NOFOLLOW, O_NOFOLLOW, or a call that never
 * follows one: mkdirat, symlinkat, readlinkat, renameat, unlinkat, linkat
 * with flags 0). Nothing here ever passes a host path to a call that
 * resolves it from "/" or the working directory. */
#ifndef __EMSCRIPTEN__
#define _GNU_SOURCE /* O_PATH, open(2) */
#define _FILE_OFFSET_BITS 64
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "host/posix_fs.h"

typedef struct pfs {
    fs_backend be;
    int root;     /* O_PATH fd of the shared directory */
    int readonly;
} pfs;

/* Where a call acts: the directory holding the last component of a path
 * (the root's fd, or one resolve() opened) and that component. */
typedef struct where {
    int dir;
    char name[NAME_MAX + 1];
} where;

#define SYS(call) ((call) < 0 ? -errno : 0) /* 0, or -errno of a failed call */

static void release(pfs *p, const where *w)
{
    if (w->dir != p->root)
        close(w->dir);
}

/* Is `path` in host/fs.h's form: components of 1..NAME_MAX bytes joined
 * by '/', none "." or "..", no leading or trailing '/'? 0, -EINVAL, or
 * -ENAMETOOLONG. Checked whole before any is opened, so a malformed path
 * fails the same whatever the tree holds. */
static int check_path(const char *path)
{
    for (;;) {
        size_t len = strcspn(path, "/");
        if (len == 0 || (path[0] == '.' && (len == 1 || (len == 2 && path[1] == '.'))))
            return -EINVAL;
        if (len > NAME_MAX)
            return -ENAMETOOLONG;
        if (!path[len])
            return 0;
        path += len + 1;
    }
}

/* Resolve `path` (checked by check_path) into `w`: every component but the
 * last is opened as a directory without following a link. "" is the root
 * itself (name "."), accepted only if `root_ok` (calls that name an entry
 * to create, remove or link cannot act on the root). Returns 0 (release()
 * `w` when done) or -errno, with nothing to release: check_path's, -EINVAL
 * for a refused "", or openat's (ENOTDIR, ELOOP, ENOENT...). */
static int resolve(pfs *p, const char *path, int root_ok, where *w)
{
    w->dir = p->root;
    strcpy(w->name, ".");
    if (!*path)
        return root_ok ? 0 : -EINVAL;
    int r = check_path(path);
    while (!r) {
        size_t len = strcspn(path, "/");
        memcpy(w->name, path, len);
        w->name[len] = '\0';
        if (!path[len])
            return 0;
        int fd = openat(w->dir, w->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        r = SYS(fd);
        release(p, w); /* the parent: fd, if any, holds the child */
        w->dir = fd;
        path += len + 1;
    }
    w->dir = p->root; /* (nothing left open) */
    return r;
}

/* Host open(2) flags for FS_O_* `flags`, or -1 for an invalid access mode.
 * Besides the guest's: never follow a final link (O_NOFOLLOW: ELOOP), keep
 * the fd from child processes, and neither block on a FIFO nor acquire a
 * controlling terminal before open_file's type check rejects them
 * (O_NONBLOCK has no effect on the regular files that pass it). */
static int host_flags(int flags)
{
    static const int modes[4] = {O_RDONLY, O_WRONLY, O_RDWR, -1}; /* by FS_O_ACCMODE */
    int acc = modes[flags & FS_O_ACCMODE];
    if (acc < 0)
        return -1;
    return acc | (flags & FS_O_TRUNC ? O_TRUNC : 0) | (flags & FS_O_APPEND ? O_APPEND : 0) |
           O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
}

/* Open `w` with host flags `hf` (and `mode` if they create it): the fd of a
 * regular file, or -errno (-EISDIR for a directory, -EPERM for any other
 * type: fs.h's open is for regular files only). */
static int open_file(const where *w, int hf, mode_t mode)
{
    int fd = openat(w->dir, w->name, hf, mode);
    struct stat st;
    int r;
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0)
        r = -errno;
    else if (!S_ISREG(st.st_mode))
        r = S_ISDIR(st.st_mode) ? -EISDIR : -EPERM;
    else
        return fd;
    close(fd);
    return r;
}

/* chmod(2) `name` in `dir` without following a link. glibc's fchmodat with
 * AT_SYMLINK_NOFOLLOW does it safely (an O_PATH fd and /proc/self/fd since
 * glibc 2.32, Linux 6.6's fchmodat2 where present) and fails with
 * EOPNOTSUPP on a link, whose mode Linux never uses: that is a success.
 * (An older glibc fails with EOPNOTSUPP on every file: refused, safely.) */
static int chmod_at(int dir, const char *name, mode_t mode)
{
    struct stat st;
    if (fchmodat(dir, name, mode, AT_SYMLINK_NOFOLLOW) == 0)
        return 0;
    int e = errno;
    if (e == EOPNOTSUPP && fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        return 0;
    return -e;
}

/* ---- fs_backend calls (their contracts are host/fs.h's) ---- */

static void stat_to_attr(const struct stat *s, fs_attr *a);

static int pf_getattr(fs_backend *b, const char *path, fs_attr *a)
{
    pfs *p = b->opaque;
    where w;
    struct stat st;
    int r = resolve(p, path, 1, &w);
    if (r)
        return r;
    r = SYS(fstatat(w.dir, w.name, &st, AT_SYMLINK_NOFOLLOW));
    release(p, &w);
    if (r)
        return r;
    stat_to_attr(&st, a);
    return 0;
}

static int pf_fgetattr(fs_backend *b, int64_t handle, fs_attr *a)
{
    struct stat st;
    (void)b;
    int r = SYS(fstat((int)handle, &st));
    if (!r)
        stat_to_attr(&st, a);
    return r;
}

/* struct stat as fs_attr. */
static void stat_to_attr(const struct stat *s, fs_attr *a)
{
    struct stat st = *s;
    *a = (fs_attr){
        .mode = st.st_mode, .uid = st.st_uid, .gid = st.st_gid,
        .nlink = st.st_nlink, .rdev = st.st_rdev, .size = (uint64_t)st.st_size,
        .blocks = (uint64_t)st.st_blocks, .ino = st.st_ino,
        .atime_sec = st.st_atim.tv_sec, .atime_nsec = st.st_atim.tv_nsec,
        .mtime_sec = st.st_mtim.tv_sec, .mtime_nsec = st.st_mtim.tv_nsec,
        .ctime_sec = st.st_ctim.tv_sec, .ctime_nsec = st.st_ctim.tv_nsec,
    };
}

/* Does FS_O_* `flags` modify the file (write access or truncation)? */
static int writes(int flags)
{
    return (flags & FS_O_ACCMODE) != 0 || (flags & FS_O_TRUNC);
}

static int pf_open(fs_backend *b, const char *path, int flags, int64_t *handle)
{
    pfs *p = b->opaque;
    where w;
    int hf = host_flags(flags), r;
    if (hf < 0)
        return -EINVAL;
    if (p->readonly && writes(flags))
        return -EROFS;
    if ((r = resolve(p, path, 1, &w)))
        return r;
    int fd = open_file(&w, hf, 0);
    release(p, &w);
    if (fd < 0)
        return fd;
    *handle = fd;
    return 0;
}

static int pf_create(fs_backend *b, const char *path, int flags, uint32_t mode, int64_t *handle)
{
    pfs *p = b->opaque;
    where w;
    int hf = host_flags(flags), r;
    if (hf < 0)
        return -EINVAL;
    if (p->readonly)
        return -EROFS;
    if ((r = resolve(p, path, 0, &w)))
        return r;
    /* O_EXCL: an existing name, a link included, is EEXIST (open(2)). */
    int fd = open_file(&w, hf | O_CREAT | O_EXCL, mode & 07777);
    release(p, &w);
    if (fd < 0)
        return fd;
    /* The guest applied its umask already; undo the host's, as QEMU's
     * local_set_cred_passthrough does (best effort: the file exists). */
    (void)fchmod(fd, mode & 07777);
    *handle = fd;
    return 0;
}

/* The fd of `handle`, or -1 if it cannot be one. */
static int handle_fd(int64_t handle)
{
    return handle >= 0 && handle <= INT_MAX ? (int)handle : -1;
}

static int64_t pf_read(fs_backend *b, int64_t handle, uint64_t offset, void *buf, uint32_t n)
{
    (void)b;
    int fd = handle_fd(handle);
    ssize_t k;
    if (fd < 0)
        return -EBADF;
    if (offset > INT64_MAX)
        return -EINVAL;
    do
        k = pread(fd, buf, n, (off_t)offset);
    while (k < 0 && errno == EINTR);
    return k < 0 ? -errno : k;
}

static int64_t pf_write(fs_backend *b, int64_t handle, uint64_t offset, const void *buf, uint32_t n)
{
    pfs *p = b->opaque;
    int fd = handle_fd(handle);
    uint32_t done = 0;
    if (p->readonly)
        return -EROFS; /* (no handle of a read-only share can write anyway) */
    if (fd < 0)
        return -EBADF;
    if (offset > INT64_MAX)
        return -EINVAL;
    /* All `n` bytes unless an error stops it (then what was written, if any).
     * On an O_APPEND fd Linux's pwrite writes at the end whatever the offset
     * (pwrite(2), BUGS): FS_O_APPEND's meaning. */
    while (done < n) {
        ssize_t k = pwrite(fd, (const char *)buf + done, n - done, (off_t)(offset + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return done ? (int64_t)done : k < 0 ? -errno : -EIO;
        done += (uint32_t)k;
    }
    return done;
}

static int pf_fsync(fs_backend *b, int64_t handle)
{
    (void)b;
    int fd = handle_fd(handle);
    return fd < 0 ? -EBADF : SYS(fsync(fd));
}

static void pf_close(fs_backend *b, int64_t handle)
{
    (void)b;
    int fd = handle_fd(handle);
    if (fd >= 0)
        close(fd);
}

static int pf_readdir(fs_backend *b, const char *path, char **names, uint32_t *len)
{
    pfs *p = b->opaque;
    where w;
    int r = resolve(p, path, 1, &w);
    if (r)
        return r;
    int fd = openat(w.dir, w.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    r = SYS(fd);
    release(p, &w);
    if (r)
        return r;
    DIR *d = fdopendir(fd); /* owns fd from here */
    size_t n = 0, cap = 256;
    char *buf = malloc(cap);
    if (!d || !buf) {
        r = !d ? -errno : -ENOMEM;
        if (d)
            closedir(d);
        else
            close(fd);
        free(buf);
        return r;
    }
    for (;;) {
        errno = 0; /* readdir(3): NULL with errno unchanged is the end */
        struct dirent *e = readdir(d);
        if (!e) {
            r = -errno;
            break;
        }
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t k = strlen(e->d_name) + 1;
        if (n + k > cap) {
            char *more = n + k <= UINT32_MAX ? realloc(buf, cap * 2) : NULL;
            if (!more) {
                r = n + k <= UINT32_MAX ? -ENOMEM : -EOVERFLOW;
                break;
            }
            buf = more;
            cap *= 2;
        }
        memcpy(buf + n, e->d_name, k);
        n += k;
    }
    closedir(d);
    if (r) {
        free(buf);
        return r;
    }
    *names = buf;
    *len = (uint32_t)n;
    return 0;
}

static int pf_mkdir(fs_backend *b, const char *path, uint32_t mode)
{
    pfs *p = b->opaque;
    where w;
    int r;
    if (p->readonly)
        return -EROFS;
    if ((r = resolve(p, path, 0, &w)))
        return r;
    r = SYS(mkdirat(w.dir, w.name, mode & 07777));
    if (!r) /* undo the host's umask, as pf_create does (best effort) */
        (void)chmod_at(w.dir, w.name, mode & 07777);
    release(p, &w);
    return r;
}

static int pf_symlink(fs_backend *b, const char *path, const char *target)
{
    pfs *p = b->opaque;
    where w;
    int r;
    if (p->readonly)
        return -EROFS;
    if ((r = resolve(p, path, 0, &w)))
        return r;
    r = SYS(symlinkat(target, w.dir, w.name));
    release(p, &w);
    return r;
}

static int pf_readlink(fs_backend *b, const char *path, char *buf, uint32_t size)
{
    pfs *p = b->opaque;
    where w;
    char target[PATH_MAX + 1]; /* one more than the longest target: a full one did fit */
    int r = resolve(p, path, 0, &w);
    if (r)
        return r;
    ssize_t n = readlinkat(w.dir, w.name, target, sizeof(target));
    r = SYS(n);
    release(p, &w);
    if (r)
        return r;
    if ((size_t)n > size || (size_t)n == sizeof(target))
        return -ENAMETOOLONG;
    memcpy(buf, target, (size_t)n);
    return (int)n;
}

/* A call on two paths, from and to: renameat(2) or linkat(2). */
static int two_paths(fs_backend *b, const char *from, const char *to, int is_link)
{
    pfs *p = b->opaque;
    where f, t;
    int r;
    if (p->readonly)
        return -EROFS;
    if ((r = resolve(p, from, 0, &f)))
        return r;
    if ((r = resolve(p, to, 0, &t))) {
        release(p, &f);
        return r;
    }
    /* linkat with flags 0 links a link itself, never its target. */
    r = is_link ? SYS(linkat(f.dir, f.name, t.dir, t.name, 0))
                : SYS(renameat(f.dir, f.name, t.dir, t.name));
    release(p, &t);
    release(p, &f);
    return r;
}

static int pf_rename(fs_backend *b, const char *from, const char *to)
{
    return two_paths(b, from, to, 0);
}

static int pf_link(fs_backend *b, const char *existing, const char *path)
{
    return two_paths(b, existing, path, 1);
}

static int pf_unlink(fs_backend *b, const char *path, int dir)
{
    pfs *p = b->opaque;
    where w;
    int r;
    if (p->readonly)
        return -EROFS;
    if ((r = resolve(p, path, 0, &w)))
        return r;
    r = SYS(unlinkat(w.dir, w.name, dir ? AT_REMOVEDIR : 0));
    release(p, &w);
    return r;
}

/* ---- setattr, one step per attribute group ---- */

/* Owner and group: lchown semantics; EPERM (not root, not ours) is ignored,
 * as QEMU's security_model=none does. -1 leaves one unchanged (chown(2)). */
static int set_owner(const where *w, int64_t handle, uint32_t valid, const fs_attr *a)
{
    (void)handle;
    uid_t uid = valid & FS_SET_UID ? (uid_t)a->uid : (uid_t)-1;
    gid_t gid = valid & FS_SET_GID ? (gid_t)a->gid : (gid_t)-1;
    if (fchownat(w->dir, w->name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EPERM)
        return -errno;
    return 0;
}

static int set_mode(const where *w, int64_t handle, uint32_t valid, const fs_attr *a)
{
    (void)handle, (void)valid;
    return chmod_at(w->dir, w->name, a->mode & 07777);
}

/* Size: ftruncate(2) through `handle` if it is open for writing, else
 * through a fresh O_WRONLY | O_NOFOLLOW fd of the regular file (truncate(2)
 * would follow a link). */
static int set_size(const where *w, int64_t handle, uint32_t valid, const fs_attr *a)
{
    (void)valid;
    int fd = handle_fd(handle), fl = fd >= 0 ? fcntl(fd, F_GETFL) : -1, r;
    if (a->size > INT64_MAX)
        return -EINVAL;
    if (fl >= 0 && (fl & O_ACCMODE) != O_RDONLY)
        return SYS(ftruncate(fd, (off_t)a->size));
    if ((fd = open_file(w, host_flags(1), 0)) < 0)
        return fd == -EPERM ? -EINVAL : fd; /* truncate(2): EINVAL if not a regular file */
    r = SYS(ftruncate(fd, (off_t)a->size));
    close(fd);
    return r;
}

/* utimensat(2)'s value for one time: left alone unless `set`, else now
 * unless `given`, else `sec`.`nsec`. */
static struct timespec stamp(uint32_t valid, uint32_t set, uint32_t given, int64_t sec,
                             int64_t nsec)
{
    if (!(valid & set))
        return (struct timespec){.tv_nsec = UTIME_OMIT};
    if (!(valid & given))
        return (struct timespec){.tv_nsec = UTIME_NOW};
    return (struct timespec){.tv_sec = (time_t)sec, .tv_nsec = (long)nsec};
}

static int set_times(const where *w, int64_t handle, uint32_t valid, const fs_attr *a)
{
    (void)handle;
    struct timespec ts[2] = {
        stamp(valid, FS_SET_ATIME, FS_SET_ATIME_SET, a->atime_sec, a->atime_nsec),
        stamp(valid, FS_SET_MTIME, FS_SET_MTIME_SET, a->mtime_sec, a->mtime_nsec),
    };
    return SYS(utimensat(w->dir, w->name, ts, AT_SYMLINK_NOFOLLOW));
}

/* In this order: chown may clear set-user/group-ID bits that a chmod in the
 * same call sets again; truncation updates mtime, which explicit times then
 * override. FS_SET_CTIME alone needs nothing: any change sets ctime. */
static const struct {
    uint32_t bits;
    int (*step)(const where *w, int64_t handle, uint32_t valid, const fs_attr *a);
} setters[] = {
    {FS_SET_UID | FS_SET_GID, set_owner},
    {FS_SET_MODE, set_mode},
    {FS_SET_SIZE, set_size},
    {FS_SET_ATIME | FS_SET_MTIME, set_times},
};

static int pf_setattr(fs_backend *b, const char *path, int64_t handle, uint32_t valid,
                      const fs_attr *a)
{
    pfs *p = b->opaque;
    where w;
    int r;
    if (p->readonly)
        return -EROFS;
    if ((r = resolve(p, path, 1, &w)))
        return r;
    for (size_t i = 0; !r && i < sizeof(setters) / sizeof(setters[0]); i++)
        if (valid & setters[i].bits)
            r = setters[i].step(&w, handle, valid, a);
    release(p, &w);
    return r;
}

static int pf_statfs(fs_backend *b, fs_statfs *s)
{
    pfs *p = b->opaque;
    struct statvfs v;
    if (fstatvfs(p->root, &v) < 0)
        return -errno;
    /* statvfs(3) counts blocks in f_frsize units: that is the block size. */
    *s = (fs_statfs){
        .bsize = (uint32_t)v.f_frsize, .blocks = v.f_blocks, .bfree = v.f_bfree,
        .bavail = v.f_bavail, .files = v.f_files, .ffree = v.f_ffree,
        .namelen = (uint32_t)v.f_namemax,
    };
    return 0;
}

static void pf_destroy(fs_backend *b)
{
    pfs *p = b->opaque;
    close(p->root);
    free(p);
}

fs_backend *posix_fs_open(const char *dir, int readonly, char *err, size_t errlen)
{
    /* O_PATH: no read permission needed, and the fd only anchors the *at()
     * calls (open(2)). */
    int fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    pfs *p = NULL;
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
    } else if (!(p = calloc(1, sizeof(*p)))) {
        snprintf(err, errlen, "%s: out of memory", dir);
        close(fd);
    } else {
        p->root = fd;
        p->readonly = readonly != 0;
        p->be = (fs_backend){
            .getattr = pf_getattr, .fgetattr = pf_fgetattr, .open = pf_open, .create = pf_create, .read = pf_read,
            .write = pf_write, .fsync = pf_fsync, .close = pf_close, .readdir = pf_readdir,
            .mkdir = pf_mkdir, .symlink = pf_symlink, .readlink = pf_readlink,
            .rename = pf_rename, .unlink = pf_unlink, .link = pf_link,
            .setattr = pf_setattr, .statfs = pf_statfs, .destroy = pf_destroy,
            .opaque = p,
        };
        return &p->be;
    }
    return NULL;
}

#endif
