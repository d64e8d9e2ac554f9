/*
 * p9_test.c - the 9P2000.L server (src/dev/p9.c) over the host-directory
 * backend in a temporary directory, driven with hand-built T-messages as
 * Linux's v9fs sends them: version, attach, walk (".." stops at the root,
 * never through a symbolic link), create/write/read, readdir, mkdir,
 * rename (fids follow), unlink, symlink/readlink, getattr/setattr, statfs,
 * a read-only server. Then malformed messages (short, lying string
 * lengths, unknown fids, huge counts, tiny reply buffers) get Rlerror, and
 * 200000 random mutations of valid messages never crash (run under ASan by
 * the test suite). Exit status 0 on success; last line "N passed, N failed".
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev/p9.h"
#include "host/posix_fs.h"

#include "check.h"

enum { RLERROR = 7, EBADF_ = 9, ENOENT_ = 2, EROFS_ = 30, EPROTO_ = 71, EINVAL_ = 22, EEXIST_ = 17 };
enum {
    TSTATFS = 8, TLOPEN = 12, TLCREATE = 14, TSYMLINK = 16, TRENAME = 20, TREADLINK = 22, TGETATTR = 24,
    TSETATTR = 26, TREADDIR = 40, TMKDIR = 72, TRENAMEAT = 74, TUNLINKAT = 76, TVERSION = 100, TATTACH = 104,
    TWALK = 110, TREAD = 116, TWRITE = 118, TCLUNK = 120,
};

static char top[] = "/tmp/p9_test.XXXXXX";
static p9_server *S;
static uint8_t msg[8192], rep[1 << 16];
static uint32_t mlen, rlen;

/* ---- building T-messages ---- */
static void begin(uint8_t type)
{
    mlen = 7;
    msg[4] = type;
    msg[5] = 0x34, msg[6] = 0x12; /* tag */
}
static void u(uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        msg[mlen++] = (uint8_t)(v >> (8 * i));
}
static void s(const char *str)
{
    u(strlen(str), 2);
    memcpy(msg + mlen, str, strlen(str));
    mlen += (uint32_t)strlen(str);
}
/* Send the message (its size field set) with a reply buffer of `cap` bytes;
 * returns the R-message type. */
static uint8_t send_cap(uint32_t cap)
{
    msg[0] = (uint8_t)mlen, msg[1] = (uint8_t)(mlen >> 8), msg[2] = msg[3] = 0;
    rlen = p9_server_handle(S, msg, mlen, rep, cap);
    return rlen >= 7 ? rep[4] : 0;
}
static uint8_t send(void) { return send_cap(sizeof(rep)); }
static uint64_t r(uint32_t at, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)rep[at + i] << (8 * i);
    return v;
}
/* The errno of an Rlerror reply, or 0 for any other reply. */
static uint32_t err_of(uint8_t type) { return type == RLERROR ? (uint32_t)r(7, 4) : 0; }

/* ---- common requests ---- */
static uint32_t walk(uint32_t fid, uint32_t newfid, int n, const char *const *names)
{
    begin(TWALK), u(fid, 4), u(newfid, 4), u((uint64_t)n, 2);
    for (int i = 0; i < n; i++)
        s(names[i]);
    return err_of(send());
}
static uint32_t walk1(uint32_t fid, uint32_t newfid, const char *name) { return walk(fid, newfid, 1, &name); }
static uint32_t clunk(uint32_t fid) { return begin(TCLUNK), u(fid, 4), err_of(send()); }
static uint32_t lcreate(uint32_t dfid, const char *name)
{
    return begin(TLCREATE), u(dfid, 4), s(name), u(2, 4), u(0644, 4), u(0, 4), err_of(send());
}
static uint32_t lopen(uint32_t fid, uint32_t flags) { return begin(TLOPEN), u(fid, 4), u(flags, 4), err_of(send()); }
static uint32_t write_str(uint32_t fid, uint64_t off, const char *data)
{
    begin(TWRITE), u(fid, 4), u(off, 8), u(strlen(data), 4);
    memcpy(msg + mlen, data, strlen(data));
    mlen += (uint32_t)strlen(data);
    return err_of(send());
}
/* Read up to `n` bytes at `off` of open `fid` into a static string. */
static const char *read_str(uint32_t fid, uint64_t off, uint32_t n)
{
    static char buf[256];
    begin(TREAD), u(fid, 4), u(off, 8), u(n, 4);
    if (send() != TREAD + 1)
        return "(error)";
    uint32_t got = (uint32_t)r(7, 4);
    memcpy(buf, rep + 11, got < 255 ? got : 255);
    buf[got < 255 ? got : 255] = 0;
    return buf;
}
/* Attach fid 0 to the root after Tversion. */
static void session(void)
{
    begin(TVERSION), u(65536, 4), s("9P2000.L");
    EQ(send(), TVERSION + 1);
    EQ(r(7, 4), 65536);
    begin(TATTACH), u(0, 4), u(~0u, 4), s("root"), s(""), u(0, 4);
    EQ(send(), TATTACH + 1);
    EQ(rep[7], 0x80); /* a directory qid */
}

static void test_files(void)
{
    EQ(walk1(0, 1, "."), 0); /* fid 1: the root again */
    EQ(lcreate(1, "a.txt"), 0);
    EQ(write_str(1, 0, "hello 9p"), 0);
    EQ(r(7, 4), 8);
    EQ(clunk(1), 0);
    EQ(walk1(0, 2, "a.txt"), 0);
    EQ(lopen(2, 0), 0);
    EQ(strcmp(read_str(2, 6, 100), "9p"), 0);
    EQ(strcmp(read_str(2, 100, 100), ""), 0); /* past the end */
    EQ(err_of((begin(TWRITE), u(2, 4), u(0, 8), u(1, 4), u('x', 1), send())), EBADF_); /* opened read-only */
    begin(TGETATTR), u(2, 4), u(0x7ff, 8);
    EQ(send(), TGETATTR + 1);
    EQ(r(7 + 8 + 13, 4) & 0170000, 0100000); /* mode: a regular file */
    EQ(r(7 + 8 + 13 + 12 + 16, 8), 8);       /* size */
    EQ(clunk(2), 0);
    EQ(clunk(2), EBADF_);
    EQ(lcreate(0, "a.txt"), EEXIST_); /* exists */
}

static void test_dirs(void)
{
    begin(TMKDIR), u(0, 4), s("d"), u(0755, 4), u(0, 4);
    EQ(send(), TMKDIR + 1);
    EQ(walk1(0, 3, "d"), 0);
    EQ(lcreate(3, "f"), 0); /* fid 3 is now d/f, open */
    EQ(clunk(3), 0);
    /* readdir of d: ".", "..", "f" */
    EQ(walk1(0, 4, "d"), 0);
    EQ(lopen(4, 0), 0);
    begin(TREADDIR), u(4, 4), u(0, 8), u(4096, 4);
    EQ(send(), TREADDIR + 1);
    uint32_t count = (uint32_t)r(7, 4), at = 11, n = 0;
    int saw_f = 0;
    while (at < 11 + count) {
        uint32_t len = (uint32_t)r(at + 22, 2);
        saw_f |= len == 1 && rep[at + 24] == 'f' && rep[at + 21] == 8; /* DT_REG */
        at += 24 + len;
        n++;
    }
    EQ(n, 3);
    EQ(saw_f, 1);
    /* a read from the end offset gives nothing */
    begin(TREADDIR), u(4, 4), u(3, 8), u(4096, 4);
    EQ(send(), TREADDIR + 1);
    EQ(r(7, 4), 0);
    EQ(clunk(4), 0);
    /* rename d -> e with fid 5 walked to d/f: the fid follows */
    const char *df[] = {"d", "f"};
    EQ(walk(0, 5, 2, df), 0);
    begin(TRENAMEAT), u(0, 4), s("d"), u(0, 4), s("e");
    EQ(send(), TRENAMEAT + 1);
    EQ(lopen(5, 0), 0);
    EQ(clunk(5), 0);
    const char *ef[] = {"e", "f"};
    EQ(walk(0, 6, 2, ef), 0);
    EQ(clunk(6), 0);
    /* a partial walk answers the qids it got and makes no fid */
    const char *missing[] = {"e", "nope"};
    EQ(walk(0, 7, 2, missing), 0);
    EQ(r(7, 2), 1);
    EQ(clunk(7), EBADF_);
    EQ(walk1(0, 7, "nope"), ENOENT_);
    /* unlink: the non-empty directory first, then its file */
    EQ(walk1(0, 8, "e"), 0);
    begin(TUNLINKAT), u(0, 4), s("e"), u(0x200, 4);
    EQ(err_of(send()), 39); /* ENOTEMPTY */
    begin(TUNLINKAT), u(8, 4), s("f"), u(0, 4);
    EQ(send(), TUNLINKAT + 1);
    begin(TUNLINKAT), u(0, 4), s("e"), u(0x200, 4);
    EQ(send(), TUNLINKAT + 1);
    EQ(clunk(8), 0);
}

static void test_escapes(void)
{
    /* ".." at the root stays at the root */
    const char *up[] = {"..", "..", ".."};
    EQ(walk(0, 9, 3, up), 0);
    begin(TGETATTR), u(9, 4), u(0x7ff, 8);
    EQ(send(), TGETATTR + 1);
    uint64_t ino9 = r(7 + 8 + 5, 8);
    begin(TGETATTR), u(0, 4), u(0x7ff, 8);
    EQ(send(), TGETATTR + 1);
    EQ(r(7 + 8 + 5, 8), ino9);
    EQ(clunk(9), 0);
    /* a symbolic link to "/" is a link: walking through it is refused */
    begin(TSYMLINK), u(0, 4), s("root"), s("/"), u(0, 4);
    EQ(send(), TSYMLINK + 1);
    EQ(rep[7], 0x02); /* QTSYMLINK */
    const char *through[] = {"root", "etc"};
    EQ(walk(0, 10, 2, through), 0); /* partial: one qid, no fid */
    EQ(r(7, 2), 1);
    EQ(clunk(10), EBADF_);
    EQ(walk1(0, 10, "root"), 0);
    EQ(lopen(10, 0), 40); /* ELOOP: a link is never opened */
    begin(TREADLINK), u(10, 4);
    EQ(send(), TREADLINK + 1);
    EQ(r(7, 2), 1);
    EQ(rep[9], '/');
    EQ(clunk(10), 0);
    /* names with '/' and ".." in creates */
    EQ(lcreate(0, "../x"), EINVAL_);
    EQ(lcreate(0, ".."), EINVAL_);
    EQ(walk1(0, 11, "a/b"), EINVAL_);
    begin(TMKDIR), u(0, 4), s("x/y"), u(0755, 4), u(0, 4);
    EQ(err_of(send()), EINVAL_);
}

static void test_malformed(void)
{
    uint8_t tiny[4] = {4, 0, 0, 0};
    EQ(p9_server_handle(S, tiny, 4, rep, sizeof(rep)), 0);      /* no header */
    begin(TWALK), u(0, 4);                                     /* short fixed part */
    EQ(err_of(send()), EPROTO_);
    begin(TWALK), u(0, 4), u(12, 4), u(1, 2), u(200, 2), u('a', 1); /* string longer than the message */
    EQ(err_of(send()), EPROTO_);
    begin(TWALK), u(0, 4), u(12, 4), u(17, 2);                  /* more than 16 names */
    EQ(err_of(send()), EINVAL_);
    begin(TGETATTR), u(777, 4), u(0, 8);                         /* unknown fid */
    EQ(err_of(send()), EBADF_);
    begin(TWRITE), u(0, 4), u(0, 8), u(0xffffffffu, 4);          /* count past the message */
    EQ(err_of(send()), EPROTO_);
    begin(99);                                                   /* unknown type */
    EQ(err_of(send()), 95);
    EQ(walk1(0, 12, "a.txt"), 0);
    EQ(lopen(12, 0), 0);
    begin(TREAD), u(12, 4), u(0, 8), u(0xffffffffu, 4);          /* huge count: capped by the reply buffer */
    EQ(send_cap(16), TREAD + 1);
    EQ(r(7, 4), 5);
    EQ(rlen, 16);
    EQ(send_cap(10), 0); /* not even Rlerror fits */
    begin(TREADDIR), u(0, 4), u(0, 8), u(100, 4);                /* readdir of a fid not opened */
    EQ(err_of(send()), 20);
    EQ(clunk(12), 0);
    begin(TVERSION), u(100, 4), s("9P2000.L");                   /* msize too small */
    EQ(err_of(send()), EINVAL_);
}

static void test_readonly(void)
{
    char err[200];
    fs_backend *fs = posix_fs_open(top, 1, err, sizeof(err));
    p9_server *rw = S;
    S = p9_server_new(fs, 1);
    session();
    EQ(lcreate(0, "new"), EROFS_);
    EQ(walk1(0, 1, "a.txt"), 0);
    EQ(lopen(1, 2), EROFS_);
    EQ(lopen(1, 0x200), EROFS_); /* O_TRUNC */
    EQ(lopen(1, 0), 0);
    EQ(strcmp(read_str(1, 0, 5), "hello"), 0);
    begin(TSETATTR), u(1, 4), u(8, 4), u(0, 4), u(0, 4), u(0, 4), u(0, 8), u(0, 8), u(0, 8), u(0, 8), u(0, 8);
    EQ(err_of(send()), EROFS_);
    begin(TRENAME), u(1, 4), u(0, 4), s("b.txt");
    EQ(err_of(send()), EROFS_);
    begin(TSTATFS), u(0, 4);
    EQ(send(), TSTATFS + 1);
    EQ(r(7, 4), 0x01021997);
    p9_server_free(S);
    fs->destroy(fs);
    S = rw;
}

/* Random single-byte and field mutations of valid messages, and random
 * bytes: every reply is a well-formed R-message (its size right, the request's
 * type + 1 or Rlerror, the tag echoed) or nothing. */
static void fuzz(void)
{
    uint64_t x = 88172645463325252ull;
    int bad = 0;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        switch (x % 6) {
        case 0: begin(TWALK), u(x >> 8 & 3, 4), u(x >> 16 & 15, 4), u(2, 2), s(".."), s("a.txt"); break;
        case 1: begin(TLCREATE), u(x >> 8 & 15, 4), s("fz"), u(x >> 20, 4), u(0644, 4), u(0, 4); break;
        case 2: begin(TREAD), u(x >> 8 & 15, 4), u(x >> 12 & 0xffff, 8), u((uint32_t)(x >> 32), 4); break;
        case 3: begin(TREADDIR), u(x >> 8 & 15, 4), u(x >> 12 & 7, 8), u((uint32_t)(x >> 32), 4); break;
        case 4: begin(TUNLINKAT), u(x >> 8 & 15, 4), s("fz"), u(x >> 30 & 0x200, 4); break;
        default:
            begin((uint8_t)(x >> 8));
            for (uint32_t k = 0; k < (x >> 16) % 64; k++)
                u(x >> (k % 56), 1);
        }
        if (x >> 40 & 1) /* mutate one byte after the header */
            msg[7 + (x >> 41) % (mlen > 7 ? mlen - 7 : 1)] ^= (uint8_t)(x >> 50 | 1);
        if (x >> 60 & 1 && mlen > 8) /* or cut it short */
            mlen -= (uint32_t)(x >> 54) % (mlen - 7);
        uint8_t t = send_cap(64 + (uint32_t)(x >> 44) % 4096);
        bad += rlen && (rlen < 7 || r(0, 4) != rlen || (t != RLERROR && t != msg[4] + 1) || rep[5] != 0x34);
    }
    EQ(bad, 0);
}

static int rm(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(p);
}

int main(void)
{
    char err[200];
    EQ(mkdtemp(top) != NULL, 1);
    fs_backend *fs = posix_fs_open(top, 0, err, sizeof(err));
    S = p9_server_new(fs, 0);
    session();
    test_files();
    test_dirs();
    test_escapes();
    test_malformed();
    session(); /* Tversion starts over: fid 0 again */
    test_readonly();
    fuzz();
    p9_server_free(S);
    fs->destroy(fs);
    nftw(top, rm, 16, FTW_DEPTH | FTW_PHYS);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
