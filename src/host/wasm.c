/* Host interface, WebAssembly side (Emscripten build). */
#ifdef __EMSCRIPTEN__
#include <emscripten.h>

#include "host/host.h"

uint64_t host_time_ns(void)
{
    return (uint64_t)(emscripten_get_now() * 1e6);
}

EM_JS(double, wall_ms, (void), { return Date.now(); });

uint64_t host_wall_ns(void)
{
    return (uint64_t)(wall_ms() * 1e6);
}
#endif
