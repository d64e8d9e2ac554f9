/* An fs_backend over a host directory (native build only; the functions do
 * not exist under Emscripten): QEMU's -virtfs local,security_model=none.
 * Files are created with the host process's uid and gid; the guest's
 * ownership changes are tried and their refusal ignored. Every path is
 * resolved below the directory one component at a time without following
 * a symbolic link, so a share never reaches outside it. */
#ifndef WVM_POSIX_FS_H
#define WVM_POSIX_FS_H

#include <stddef.h>

#include "host/fs.h"

/* Share the host directory `dir` (a symbolic link in `dir` itself is
 * followed, once, here). `readonly`: every call that would modify the tree
 * fails with -EROFS (open for writing or with FS_O_TRUNC, create, write,
 * mkdir, symlink, rename, unlink, link, setattr). Returns the backend (its
 * destroy() closes the directory and frees it), or NULL with a message
 * naming `dir` in `err` (`errlen` bytes, NUL-terminated) if `dir` cannot be
 * opened, is not a directory, or memory runs out. */
fs_backend *posix_fs_open(const char *dir, int readonly, char *err, size_t errlen);

#endif
