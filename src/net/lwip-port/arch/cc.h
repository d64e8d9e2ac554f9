/* lwIP 2.1 platform glue of wvm (gcc natively, clang under Emscripten): byte
 * order, diagnostics, assertions and the random numbers lwIP asks for. */
#ifndef WVM_LWIP_ARCH_CC_H
#define WVM_LWIP_ARCH_CC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define LWIP_NO_INTTYPES_H 0
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#ifndef BYTE_ORDER /* (glibc's <endian.h> may have it) */
#define BYTE_ORDER BIG_ENDIAN
#endif
#else
#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN /* x86-64 and aarch64 hosts, wasm32 */
#endif
#define lwip_htons(x) __builtin_bswap16(x) /* instead of def.c's shifts */
#define lwip_htonl(x) __builtin_bswap32(x)
#endif

#define LWIP_PLATFORM_DIAG(x) \
    do {                      \
        printf x;             \
    } while (0)
/* An lwIP invariant broken (a bug, not bad input): stop before memory is corrupted. */
#define LWIP_PLATFORM_ASSERT(x)                                                                \
    do {                                                                                       \
        fprintf(stderr, "lwip: assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__); \
        abort();                                                                               \
    } while (0)

/* Initial sequence numbers and ephemeral ports (src/net/usernet.c). */
uint32_t usernet_rand(void);
#define LWIP_RAND() usernet_rand()

#endif
