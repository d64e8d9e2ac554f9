/*
 * posix_fs_test.c - the host-directory file system backend of virtio-9p
 * (src/host/posix_fs.c) through its fs_backend calls, in a temporary
 * directory: TMP/share is the share, TMP/outside a directory next to it
 * that no call may reach. Every call once; then escapes (symbolic links to
 * "/", "..", and into TMP/outside, malformed paths) fail and leave the
 * outside untouched; a read-only share refuses every change. Exit status 0
 * on success; the last output line is "N passed, N failed".
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host/posix_fs.h"

#include "check.h"

static char top[] = "/tmp/posix_fs_test.XXXXXX";
static char share[64], outside[64];
static fs_backend *B;

/* Create `path` in the share holding `text`: 0 or -errno. */
static int put(const char *path, const char *text)
{
    int64_t h;
    int r = B->create(B, path, 2, 0644, &h);
    if (r)
        return r;
    int64_t n = B->write(B, h, 0, text, (uint32_t)strlen(text));
    B->close(B, h);
    return n == (int64_t)strlen(text) ? 0 : -EIO;
}

/* The contents of `path` in the share (up to 63 bytes), "" if unreadable. */
static const char *get(fs_backend *b, const char *path)
{
    static char buf[64];
    int64_t h, n = -1;
    if (b->open(b, path, 0, &h) == 0) {
        n = b->read(b, h, 0, buf, sizeof(buf) - 1);
        b->close(b, h);
    }
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

/* Does directory `path` of the share hold exactly the names in `want`
 * (NULL-terminated)? */
static int names_are(const char *path, const char *const *want)
{
    char *names;
    uint32_t len;
    if (B->readdir(B, path, &names, &len))
        return 0;
    int count = 0, ok = 1;
    for (uint32_t i = 0; i < len; i += (uint32_t)strlen(names + i) + 1)
        count++;
    for (; *want; want++, count--) {
        int found = 0;
        for (uint32_t i = 0; i < len; i += (uint32_t)strlen(names + i) + 1)
            found |= !strcmp(names + i, *want);
        ok &= found;
    }
    free(names);
    return ok && count == 0;
}

static int attr(const char *path, fs_attr *a)
{
    memset(a, 0, sizeof(*a));
    return B->getattr(B, path, a);
}

static void test_open_errors(void)
{
    char err[256], path[128];
    snprintf(path, sizeof(path), "%s/missing", top);
    EQ(posix_fs_open(path, 0, err, sizeof(err)), NULL);
    EQ(strstr(err, path) != NULL, 1);
    snprintf(path, sizeof(path), "%s/secret", outside);
    EQ(posix_fs_open(path, 0, err, sizeof(err)), NULL);
    EQ(strstr(err, path) != NULL && strstr(err, "Not a directory") != NULL, 1);
}

static void test_files(void)
{
    fs_attr a, b;
    int64_t h;
    char buf[16];
    EQ(B->create(B, "a", 2, 0644, &h), 0);
    EQ(B->write(B, h, 0, "hello", 5), 5);
    EQ(B->read(B, h, 1, buf, sizeof(buf)), 4);
    EQ(memcmp(buf, "ello", 4), 0);
    EQ(B->read(B, h, 5, buf, sizeof(buf)), 0);
    EQ(B->fsync(B, h), 0);
    B->close(B, h);
    EQ(B->create(B, "a", 2, 0644, &h), -EEXIST);
    EQ(attr("a", &a), 0);
    EQ(S_ISREG(a.mode), 1);
    EQ(a.mode & 07777, 0644); /* not the host's umask (077, set by main) */
    EQ(a.size, 5);
    EQ(a.nlink, 1);
    EQ(a.uid, getuid());

    EQ(B->open(B, "a", 1 | FS_O_TRUNC, &h), 0);
    EQ(attr("a", &a) == 0 && a.size == 0, 1);
    EQ(B->write(B, h, 0, "abc", 3), 3);
    B->close(B, h);
    EQ(B->open(B, "a", 1 | FS_O_APPEND, &h), 0);
    EQ(B->write(B, h, 0, "de", 2), 2); /* at the end, not at 0 */
    B->close(B, h);
    EQ(strcmp(get(B, "a"), "abcde"), 0);
    EQ(B->open(B, "a", 3, &h), -EINVAL);
    EQ(B->open(B, "nothing", 0, &h), -ENOENT);

    EQ(B->link(B, "a", "b"), 0);
    EQ(attr("a", &a) == 0 && attr("b", &b) == 0, 1);
    EQ(a.nlink, 2);
    EQ(b.ino, a.ino);
    EQ(B->link(B, "a", "b"), -EEXIST);

    EQ(put("c", "new"), 0);
    EQ(B->rename(B, "c", "b"), 0); /* replaces b; a keeps its data */
    EQ(strcmp(get(B, "b"), "new"), 0);
    EQ(strcmp(get(B, "a"), "abcde"), 0);
    EQ(attr("c", &a), -ENOENT);
    EQ(attr("a", &a) == 0 && a.nlink == 1, 1);

    char fifo[128];
    snprintf(fifo, sizeof(fifo), "%s/fifo", share);
    EQ(mkfifo(fifo, 0600), 0);
    EQ(B->open(B, "fifo", 0, &h), -EPERM); /* and did not block for a writer */
    EQ(B->unlink(B, "fifo", 0), 0);
}

static void test_dirs(void)
{
    fs_attr a;
    int64_t h;
    EQ(B->mkdir(B, "d", 0750), 0);
    EQ(attr("d", &a), 0);
    EQ(S_ISDIR(a.mode), 1);
    EQ(a.mode & 07777, 0750);
    EQ(B->mkdir(B, "d", 0750), -EEXIST);
    EQ(put("d/f", "in d"), 0);
    EQ(strcmp(get(B, "d/f"), "in d"), 0);
    EQ(B->open(B, "d", 0, &h), -EISDIR);
    EQ(B->open(B, "d", 2, &h), -EISDIR);
    EQ(B->unlink(B, "d", 1), -ENOTEMPTY);
    EQ(B->unlink(B, "d", 0), -EISDIR);
    EQ(B->unlink(B, "d/f", 1), -ENOTDIR);
    EQ(names_are("d", (const char *[]){"f", NULL}), 1);
    EQ(B->unlink(B, "d/f", 0), 0);
    EQ(names_are("d", (const char *[]){NULL}), 1);
    EQ(B->unlink(B, "d", 1), 0);
    EQ(attr("d", &a), -ENOENT);
    EQ(B->mkdir(B, "d", 0755), 0);
    EQ(B->rename(B, "a", "d/a"), 0);
    EQ(B->rename(B, "d/a", "a"), 0);
    EQ(B->readdir(B, "a", &(char *){0}, &(uint32_t){0}), -ENOTDIR);
}

static void test_symlinks(void)
{
    fs_attr a;
    char buf[16];
    EQ(B->symlink(B, "s", "a"), 0);
    EQ(attr("s", &a), 0);
    EQ(S_ISLNK(a.mode), 1);
    EQ(a.size, 1);
    EQ(B->readlink(B, "s", buf, sizeof(buf)), 1);
    EQ(buf[0], 'a');
    EQ(B->symlink(B, "long", "0123456789"), 0);
    EQ(B->readlink(B, "long", buf, 4), -ENAMETOOLONG);
    EQ(B->readlink(B, "long", buf, 10), 10); /* exactly fits */
    EQ(memcmp(buf, "0123456789", 10), 0);
    EQ(B->readlink(B, "a", buf, sizeof(buf)), -EINVAL);
    EQ(B->symlink(B, "s", "x"), -EEXIST);
    EQ(B->link(B, "s", "s2"), 0); /* a hard link to the link itself */
    EQ(attr("s2", &a) == 0 && S_ISLNK(a.mode), 1);
    EQ(B->unlink(B, "s2", 0), 0);
}

static void test_setattr(void)
{
    fs_attr a, set = {0};
    int64_t h;
    set.size = 2;
    EQ(B->setattr(B, "a", -1, FS_SET_SIZE, &set), 0);
    EQ(strcmp(get(B, "a"), "ab"), 0);
    EQ(B->open(B, "a", 0, &h), 0); /* read-only handle: truncates by path */
    set.size = 1;
    EQ(B->setattr(B, "a", h, FS_SET_SIZE, &set), 0);
    B->close(B, h);
    EQ(B->open(B, "a", 2, &h), 0);
    set.size = 4096;
    EQ(B->setattr(B, "a", h, FS_SET_SIZE, &set), 0);
    B->close(B, h);
    EQ(attr("a", &a) == 0 && a.size == 4096, 1);
    EQ(B->setattr(B, "d", -1, FS_SET_SIZE, &set), -EISDIR);

    set.mode = 0600;
    EQ(B->setattr(B, "a", -1, FS_SET_MODE, &set), 0);
    EQ(attr("a", &a) == 0 && a.mode == (S_IFREG | 0600), 1);
    EQ(B->setattr(B, "s", -1, FS_SET_MODE, &set), 0); /* a link's mode: ignored */
    EQ(attr("a", &a) == 0 && a.mode == (S_IFREG | 0600), 1);

    set.uid = getuid(), set.gid = getgid();
    EQ(B->setattr(B, "a", -1, FS_SET_UID | FS_SET_GID, &set), 0);
    EQ(B->setattr(B, "s", -1, FS_SET_GID, &set), 0);

    set.atime_sec = 1000000000, set.atime_nsec = 500000000;
    set.mtime_sec = 1234567890, set.mtime_nsec = 250000000;
    EQ(B->setattr(B, "a", -1, FS_SET_ATIME | FS_SET_MTIME | FS_SET_ATIME_SET | FS_SET_MTIME_SET,
                  &set), 0);
    EQ(attr("a", &a), 0);
    EQ(a.atime_sec, 1000000000);
    EQ(a.atime_nsec, 500000000);
    EQ(a.mtime_sec, 1234567890);
    EQ(a.mtime_nsec, 250000000);
    EQ(B->setattr(B, "a", -1, FS_SET_MTIME, &set), 0); /* now; atime untouched */
    EQ(attr("a", &a), 0);
    EQ(a.atime_sec, 1000000000);
    EQ(a.mtime_sec + 60 > time(NULL), 1);
    EQ(B->setattr(B, "a", -1, FS_SET_CTIME, &set), 0);
    EQ(B->setattr(B, "s", -1, FS_SET_ATIME | FS_SET_ATIME_SET, &set), 0); /* the link's own */
    EQ(attr("s", &a) == 0 && a.atime_sec == 1000000000, 1);
    EQ(B->setattr(B, "nothing", -1, FS_SET_MODE, &set), -ENOENT);
}

static void test_root(void)
{
    fs_attr a;
    fs_statfs s = {0};
    fs_attr set = {.mode = 0755};
    EQ(attr("", &a), 0);
    EQ(S_ISDIR(a.mode), 1);
    EQ(B->setattr(B, "", -1, FS_SET_MODE, &set), 0);
    EQ(names_are("", (const char *[]){"a", "b", "d", "s", "long", NULL}), 1);
    EQ(B->statfs(B, &s), 0);
    EQ(s.bsize != 0 && s.blocks != 0 && s.namelen != 0, 1);
    int64_t h;
    EQ(B->open(B, "", 0, &h), -EISDIR);
    EQ(B->mkdir(B, "", 0755), -EINVAL);
    EQ(B->unlink(B, "", 1), -EINVAL);
    EQ(B->rename(B, "", "x"), -EINVAL);
}

/* The names of host directory `dir` are exactly `want` (one name, or none if NULL)? */
static int host_dir_is(const char *dir, const char *want)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "test \"$(ls -A '%s')\" = '%s'", dir, want ? want : "");
    return system(cmd) == 0;
}

static void test_escapes(void)
{
    fs_attr a, set = {.mode = 0, .size = 0};
    int64_t h;
    char buf[128];
    char *names;
    uint32_t len;
    EQ(B->symlink(B, "root", "/"), 0);
    EQ(B->symlink(B, "up", ".."), 0);
    EQ(B->symlink(B, "out", "../outside"), 0);
    EQ(B->symlink(B, "outfile", "../outside/secret"), 0);
    EQ(B->symlink(B, "d/deep", "../../outside"), 0);

    EQ(attr("root", &a) == 0 && S_ISLNK(a.mode), 1); /* the link itself */
    EQ(B->open(B, "root/etc/passwd", 0, &h) < 0, 1);
    EQ(attr("root/etc", &a) < 0, 1);
    EQ(B->readdir(B, "root", &names, &len) < 0, 1);
    EQ(B->readdir(B, "up", &names, &len) < 0, 1);
    EQ(B->readdir(B, "out", &names, &len) < 0, 1);
    /* Through "/" to TMP/outside: where a broken backend would land is ours. */
    snprintf(buf, sizeof(buf), "root%s/x", outside);
    EQ(B->mkdir(B, buf, 0755) < 0, 1);
    EQ(B->create(B, buf, 2, 0644, &h) < 0, 1);
    EQ(B->symlink(B, buf, "x") < 0, 1);
    EQ(host_dir_is(outside, "secret"), 1);
    EQ(B->mkdir(B, "out/x", 0755) < 0, 1);
    EQ(B->create(B, "out/x", 2, 0644, &h) < 0, 1);
    EQ(B->create(B, "d/deep/x", 2, 0644, &h) < 0, 1);
    EQ(B->symlink(B, "out/x", "/") < 0, 1);
    EQ(B->rename(B, "a", "out/x") < 0, 1);
    EQ(B->link(B, "a", "out/x") < 0, 1);
    EQ(B->rename(B, "out/secret", "stolen") < 0, 1);
    EQ(B->link(B, "out/secret", "stolen") < 0, 1);
    EQ(B->unlink(B, "out/secret", 0) < 0, 1);
    EQ(B->readlink(B, "out/secret", buf, sizeof(buf)) < 0, 1);
    EQ(B->setattr(B, "out/secret", -1, FS_SET_SIZE, &set) < 0, 1);
    EQ(B->setattr(B, "out/secret", -1, FS_SET_MODE, &set) < 0, 1);
    EQ(B->open(B, "outfile", 0, &h), -ELOOP);
    EQ(B->open(B, "outfile", 1 | FS_O_TRUNC, &h), -ELOOP);
    EQ(B->create(B, "outfile", 2, 0644, &h), -EEXIST);
    EQ(B->setattr(B, "outfile", -1, FS_SET_SIZE, &set), -ELOOP);
    EQ(B->setattr(B, "outfile", -1, FS_SET_MODE, &set), 0); /* the link's: ignored */
    EQ(B->setattr(B, "outfile", -1, FS_SET_MTIME | FS_SET_MTIME_SET, &set), 0);

    /* Nothing reached the outside. */
    char secret[128];
    struct stat st;
    snprintf(secret, sizeof(secret), "%s/secret", outside);
    EQ(host_dir_is(outside, "secret"), 1);
    EQ(stat(secret, &st), 0);
    EQ(st.st_mode, S_IFREG | 0640);
    EQ(st.st_size, 6);
    EQ(st.st_mtime != 0, 1);

    /* A directory another process swapped for a link after the server
     * walked it is not followed either. */
    char dd[128];
    EQ(B->mkdir(B, "dd", 0755), 0);
    snprintf(dd, sizeof(dd), "%s/dd", share);
    EQ(rmdir(dd) == 0 && symlink(outside, dd) == 0, 1);
    EQ(attr("dd/secret", &a) < 0, 1);
    EQ(B->create(B, "dd/new", 2, 0644, &h) < 0, 1);
    EQ(host_dir_is(outside, "secret"), 1);
    EQ(B->unlink(B, "dd", 0), 0);

    /* Malformed paths. */
    static const char *const bad[] = {"..", "../x", "/etc/passwd", "a//b", ".", "a/", "d/../a",
                                      "./a", "d/.", "/"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        EQ(attr(bad[i], &a), -EINVAL);
        EQ(B->open(B, bad[i], 0, &h), -EINVAL);
        EQ(B->mkdir(B, bad[i], 0755), -EINVAL);
        EQ(B->readdir(B, bad[i], &names, &len), -EINVAL);
    }
    char lng[300];
    memset(lng, 'n', 256);
    lng[256] = '\0';
    EQ(attr(lng, &a), -ENAMETOOLONG);
    EQ(B->create(B, lng, 2, 0644, &h), -ENAMETOOLONG);
    EQ(host_dir_is(outside, "secret"), 1);
}

static void test_readonly(void)
{
    char err[256];
    fs_backend *r = posix_fs_open(share, 1, err, sizeof(err));
    fs_attr a, set = {.mode = 0777};
    fs_statfs s;
    int64_t h;
    char buf[16], *names;
    uint32_t len;
    EQ(r != NULL, 1);
    if (!r)
        return;
    EQ(strcmp(get(r, "b"), "new"), 0);
    EQ(r->getattr(r, "b", &a), 0);
    EQ(r->readlink(r, "s", buf, sizeof(buf)), 1);
    EQ(r->readdir(r, "", &names, &len), 0);
    free(names);
    EQ(r->statfs(r, &s), 0);
    EQ(r->open(r, "b", 1, &h), -EROFS);
    EQ(r->open(r, "b", 2, &h), -EROFS);
    EQ(r->open(r, "b", FS_O_TRUNC, &h), -EROFS);
    EQ(r->open(r, "b", 0, &h), 0);
    EQ(r->write(r, h, 0, "x", 1), -EROFS);
    r->close(r, h);
    EQ(r->create(r, "n", 2, 0644, &h), -EROFS);
    EQ(r->mkdir(r, "n", 0755), -EROFS);
    EQ(r->symlink(r, "n", "b"), -EROFS);
    EQ(r->rename(r, "b", "n"), -EROFS);
    EQ(r->link(r, "b", "n"), -EROFS);
    EQ(r->unlink(r, "b", 0), -EROFS);
    EQ(r->unlink(r, "d", 1), -EROFS);
    EQ(r->setattr(r, "b", -1, FS_SET_MODE, &set), -EROFS);
    EQ(r->getattr(r, "n", &a), -ENOENT);
    EQ(strcmp(get(r, "b"), "new"), 0);
    r->destroy(r);
}

/* The number of open file descriptors of this process. */
static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

int main(void)
{
    char err[256];
    umask(077);
    if (!mkdtemp(top)) {
        printf("mkdtemp: %s\n0 passed, 1 failed\n", strerror(errno));
        return 1;
    }
    snprintf(share, sizeof(share), "%s/share", top);
    snprintf(outside, sizeof(outside), "%s/outside", top);
    char secret[128];
    snprintf(secret, sizeof(secret), "%s/secret", outside);
    int fd = -1;
    EQ(mkdir(share, 0755) == 0 && mkdir(outside, 0755) == 0, 1);
    EQ((fd = open(secret, O_WRONLY | O_CREAT, 0640)) >= 0 && write(fd, "secret", 6) == 6, 1);
    if (fd >= 0)
        close(fd);
    EQ(chmod(secret, 0640), 0); /* (the umask took the group's read) */
    test_open_errors();
    int fds = open_fds();
    B = posix_fs_open(share, 0, err, sizeof(err));
    EQ(B != NULL, 1);
    if (B) {
        test_files();
        test_dirs();
        test_symlinks();
        test_setattr();
        test_root();
        test_escapes();
        test_readonly();
        B->destroy(B);
    }
    EQ(open_fds(), fds); /* every fd a call opened is closed */
    EQ(nftw(top, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
