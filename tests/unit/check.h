/* Shared assertion macro of the C unit tests: EQ(a, b) counts a pass, or
 * prints the failing expression with both values and counts a failure. Each
 * test prints "<passed> passed, <failed> failed" last and exits non-zero on
 * any failure. */
#ifndef WVM_TEST_CHECK_H
#define WVM_TEST_CHECK_H

#include <stdio.h>

static int passed, failed;

#define EQ(a, b)                                                                          \
    do {                                                                                  \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);   \
        if (a_ == b_) {                                                                   \
            passed++;                                                                     \
        } else {                                                                          \
            failed++;                                                                     \
            printf("FAIL %s:%d: %s = 0x%llx, expected %s = 0x%llx\n", __FILE__, __LINE__, \
                   #a, a_, #b, b_);                                                       \
        }                                                                                 \
    } while (0)

#endif
