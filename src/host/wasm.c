/* Host interface, WebAssembly side (Emscripten build). */
#define _DEFAULT_SOURCE /* sbrk */
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"

void *host_zalloc(size_t bytes)
{
    /* Emscripten's dlmalloc never lowers the break (MORECORE_CANNOT_TRIM)
     * and nothing else writes above it: memory there is as memory.grow or
     * instantiation left it, zero. */
    uint64_t fresh = (uint64_t)(uintptr_t)sbrk(0);
    uint8_t *p = malloc(bytes);
    uint64_t at = (uint64_t)(uintptr_t)p;
    if (p && at < fresh)
        memset(p, 0, at + bytes <= fresh ? bytes : (size_t)(fresh - at));
    return p;
}

uint64_t host_time_ns(void)
{
    return (uint64_t)(emscripten_get_now() * 1e6);
}

EM_JS(double, wall_ms, (void), { return Date.now(); });

uint64_t host_wall_ns(void)
{
    return (uint64_t)(wall_ms() * 1e6);
}

/* crypto.getRandomValues fills at most 65536 bytes per call. */
EM_JS(int, wvm_js_random, (uint8_t *buf, size_t len), {
    try {
        crypto.getRandomValues(HEAPU8.subarray(buf, buf + len));
        return 0;
    } catch (e) {
        return -1;
    }
});

int host_random(uint8_t *buf, size_t len)
{
    while (len > 0) {
        size_t n = len < 65536 ? len : 65536;
        if (wvm_js_random(buf, n) != 0)
            return -1;
        buf += n;
        len -= n;
    }
    return 0;
}
#endif
