/* Host interface, POSIX side (native build). */
#ifndef __EMSCRIPTEN__
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/random.h>
#endif

#include "host/host.h"

uint64_t host_time_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void *host_zalloc(size_t bytes)
{
    return calloc(1, bytes);
}

uint64_t host_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int host_random(uint8_t *buf, size_t len)
{
    static int fd = -1;
    while (len > 0) {
        ssize_t n = -1;
#if defined(__linux__)
        n = getrandom(buf, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
#endif
        if (n < 0) { /* no getrandom: /dev/urandom, kept open */
            if (fd < 0)
                fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                return -1;
            n = read(fd, buf, len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}
#endif
