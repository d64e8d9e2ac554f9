/* File system backends: the host directory tree behind a virtio-9p share
 * (dev/virtio_9p.c). The 9P server owns the protocol, fids and path names;
 * a backend only touches files. Natively it is a host directory
 * (posix_fs.c); under Emscripten the calls go to JavaScript (js_fs.c): a
 * Node directory or an in-memory tree.
 *
 * Paths given to a backend are relative to the share's root: "" is the root,
 * else components joined by '/', each 1..255 bytes without '/' or NUL, never
 * "." or "..". The server walks only through directories, but a backend must
 * itself never follow a symbolic link in any component (another host process
 * may have swapped a directory for a link): a share never reaches outside its
 * root. Every call is synchronous. Errors are negative Linux errno values
 * (-ENOENT ...), which 9P2000.L's Rlerror carries unchanged. */
#ifndef WVM_FS_H
#define WVM_FS_H

#include <stdint.h>

/* Open flags a backend sees (Linux generic values, as 9P2000.L's). */
#define FS_O_ACCMODE 3     /* 0 read only, 1 write only, 2 read and write */
#define FS_O_TRUNC 0x200
#define FS_O_APPEND 0x400

/* File attributes, as lstat(2) gives them. */
typedef struct fs_attr {
    uint32_t mode;          /* file type and permission bits (S_IFMT | 07777) */
    uint32_t uid, gid;
    uint64_t nlink, rdev;
    uint64_t size;          /* bytes */
    uint64_t blocks;        /* 512-byte blocks allocated */
    uint64_t ino;           /* unique within the share while the file exists */
    int64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
} fs_attr;

/* What setattr changes (9P2000.L Tsetattr's valid bits, as Linux's iattr). */
enum {
    FS_SET_MODE = 0x1, FS_SET_UID = 0x2, FS_SET_GID = 0x4, FS_SET_SIZE = 0x8,
    FS_SET_ATIME = 0x10, FS_SET_MTIME = 0x20, FS_SET_CTIME = 0x40,
    FS_SET_ATIME_SET = 0x80, FS_SET_MTIME_SET = 0x100, /* else: the current time */
};

/* File system statistics (statfs(2)). */
typedef struct fs_statfs {
    uint32_t bsize;         /* bytes per block */
    uint64_t blocks, bfree, bavail, files, ffree;
    uint32_t namelen;
} fs_statfs;

typedef struct fs_backend fs_backend;
struct fs_backend {
    /* lstat `path` (no link followed) into `a`. 0 or -errno. */
    int (*getattr)(fs_backend *b, const char *path, fs_attr *a);
    /* fstat an open handle (the file may have been renamed or unlinked since)
     * into `a`. 0 or -errno; NULL or -EOPNOTSUPP: the server asks getattr
     * by path instead. */
    int (*fgetattr)(fs_backend *b, int64_t handle, fs_attr *a);
    /* Open the existing regular file `path` with FS_O_* `flags`; a symbolic
     * link is -ELOOP. 0 with *handle set (>= 0), or -errno. */
    int (*open)(fs_backend *b, const char *path, int flags, int64_t *handle);
    /* Create the regular file `path` (it must not exist: -EEXIST) with
     * permission bits `mode` and open it as open() does. */
    int (*create)(fs_backend *b, const char *path, int flags, uint32_t mode, int64_t *handle);
    /* Read up to `n` bytes at byte `offset` into `buf`: bytes read (0 at the
     * end) or -errno. */
    int64_t (*read)(fs_backend *b, int64_t handle, uint64_t offset, void *buf, uint32_t n);
    /* Write `n` bytes from `buf` at byte `offset` (at the end with
     * FS_O_APPEND): bytes written or -errno. */
    int64_t (*write)(fs_backend *b, int64_t handle, uint64_t offset, const void *buf, uint32_t n);
    int (*fsync)(fs_backend *b, int64_t handle);            /* 0 or -errno */
    void (*close)(fs_backend *b, int64_t handle);
    /* The names in directory `path`, without "." and "..": `*names` becomes a
     * malloc'd buffer of `*len` bytes holding NUL-terminated names one after
     * the other (free() it). 0 or -errno. */
    int (*readdir)(fs_backend *b, const char *path, char **names, uint32_t *len);
    int (*mkdir)(fs_backend *b, const char *path, uint32_t mode);          /* 0 or -errno */
    int (*symlink)(fs_backend *b, const char *path, const char *target);   /* 0 or -errno */
    /* The target of link `path` into `buf` (`size` bytes, not NUL-terminated):
     * its length or -errno (-ENAMETOOLONG if it does not fit). */
    int (*readlink)(fs_backend *b, const char *path, char *buf, uint32_t size);
    /* rename(2) `from` to `to`, replacing `to` as rename(2) does. 0 or -errno. */
    int (*rename)(fs_backend *b, const char *from, const char *to);
    /* Remove `path`: a directory (must be empty) if `dir`, else a non-directory. */
    int (*unlink)(fs_backend *b, const char *path, int dir);
    int (*link)(fs_backend *b, const char *existing, const char *path);    /* 0 or -errno */
    /* Change what `valid` (FS_SET_*) names of `path` to the values in `a`
     * (uid/gid changes the host refuses are ignored, as QEMU's
     * security_model=none does). `handle` is an open handle of the file, or
     * -1. 0 or -errno. */
    int (*setattr)(fs_backend *b, const char *path, int64_t handle, uint32_t valid, const fs_attr *a);
    int (*statfs)(fs_backend *b, fs_statfs *s);                            /* 0 or -errno */
    /* Forget the backend (open handles are closed first by the server). */
    void (*destroy)(fs_backend *b);
    void *opaque;           /* the backend's */
};

#endif
