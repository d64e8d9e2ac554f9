/*
 * devices_test.c - tests for the small virt devices: the sifive,test
 * finisher (src/dev/syscon.c) and the Goldfish RTC (src/dev/goldfish_rtc.c),
 * driven through phys_read/phys_write with a fake action callback, a fake
 * clock and a fake interrupt line.
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#include <stdio.h>

#include "dev/goldfish_rtc.h"
#include "dev/syscon.h"

#include "check.h"

static phys_map pm;

static uint64_t rd(uint64_t pa, unsigned size)
{
    uint64_t v = 0xdeadbeef;
    if (phys_read(&pm, pa, size, &v) != 0)
        printf("phys_read failed at 0x%llx\n", (unsigned long long)pa);
    return v;
}

static void wr(uint64_t pa, unsigned size, uint64_t v)
{
    if (phys_write(&pm, pa, size, v) != 0)
        printf("phys_write failed at 0x%llx\n", (unsigned long long)pa);
}

/* ---- syscon ---- */

static int actions, last_kind = -1, last_code = -1;
static void fake_action(void *opaque, int kind, int code)
{
    EQ(opaque, &actions);
    actions++;
    last_kind = kind;
    last_code = code;
}

static void test_syscon(void)
{
    static syscon sc;
    EQ(syscon_init(&sc, &pm, SYSCON_BASE, fake_action, &actions), 0);
    EQ(rd(SYSCON_BASE, 4), 0);
    wr(SYSCON_BASE, 4, 0x5555);
    EQ(actions, 1);
    EQ(last_kind, SYSCON_POWEROFF);
    EQ(last_code, 0);
    wr(SYSCON_BASE, 4, (42u << 16) | 0x3333);
    EQ(actions, 2);
    EQ(last_kind, SYSCON_POWEROFF);
    EQ(last_code, 42);
    wr(SYSCON_BASE, 4, 0xffff3333u);
    EQ(last_code, 0xffff);
    wr(SYSCON_BASE, 4, 0x7777);
    EQ(actions, 4);
    EQ(last_kind, SYSCON_RESET);
    EQ(last_code, 0);
    wr(SYSCON_BASE, 4, 0x1234); /* unknown command */
    wr(SYSCON_BASE + 4, 4, 0x5555); /* other offset */
    wr(SYSCON_BASE, 1, 0x55);       /* byte write */
    EQ(actions, 4);
    wr(SYSCON_BASE, 8, 0x5555); /* 64-bit store of the same command */
    EQ(actions, 5);
    EQ(last_kind, SYSCON_POWEROFF);
}

/* ---- Goldfish RTC ---- */

enum { TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c,
       IRQ_ENABLED = 0x10, CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c };

static uint64_t clock_ns;
static uint64_t fake_now(void *opaque)
{
    (void)opaque;
    return clock_ns;
}

static int rtc_level, rtc_calls, rtc_irq;
static void fake_irq(void *opaque, int irq, int level)
{
    (void)opaque;
    rtc_irq = irq;
    rtc_level = level;
    rtc_calls++;
}

static uint64_t R(unsigned off) { return rd(GOLDFISH_RTC_BASE + off, 4); }
static void W(unsigned off, uint32_t v) { wr(GOLDFISH_RTC_BASE + off, 4, v); }

static uint64_t read_time(void)
{
    uint64_t lo = R(TIME_LOW);
    return (R(TIME_HIGH) << 32) | lo;
}

static void test_rtc(void)
{
    static goldfish_rtc rtc;
    irq_line line = {fake_irq, NULL, GOLDFISH_RTC_IRQ};
    clock_ns = 1700000000123456789ull;
    EQ(goldfish_rtc_init(&rtc, &pm, GOLDFISH_RTC_BASE, line, fake_now, NULL), 0);
    EQ(read_time(), 1700000000123456789ull);
    clock_ns += 1000;
    EQ(read_time(), 1700000000123457789ull);
    /* TIME_HIGH is the half latched by the TIME_LOW read */
    clock_ns = 0x1fffffff0ull;
    EQ(R(TIME_LOW), 0xfffffff0u);
    clock_ns = 0x200000010ull;
    EQ(R(TIME_HIGH), 1);
    EQ(R(TIME_LOW), 0x10);
    EQ(R(TIME_HIGH), 2);
    /* setting the time (Linux: TIME_HIGH then TIME_LOW) */
    W(TIME_HIGH, 5);
    W(TIME_LOW, 7);
    EQ(read_time(), (5ull << 32) | 7);
    clock_ns += 100;
    EQ(read_time(), ((5ull << 32) | 7) + 100);
    /* alarm in the future, interrupt enabled */
    uint64_t t = read_time();
    EQ(R(ALARM_STATUS), 0);
    EQ(goldfish_rtc_next_alarm_ns(&rtc), UINT64_MAX);
    W(ALARM_HIGH, (uint32_t)((t + 1000) >> 32));
    W(ALARM_LOW, (uint32_t)(t + 1000));
    W(IRQ_ENABLED, 1);
    EQ(R(ALARM_STATUS), 1);
    EQ(R(IRQ_ENABLED), 1);
    EQ((R(ALARM_HIGH) << 32) | R(ALARM_LOW), t + 1000);
    EQ(goldfish_rtc_next_alarm_ns(&rtc), 1000);
    clock_ns += 999;
    goldfish_rtc_update(&rtc);
    EQ(rtc_calls, 0);
    EQ(rtc_level, 0);
    clock_ns += 1;
    EQ(goldfish_rtc_next_alarm_ns(&rtc), 0);
    goldfish_rtc_update(&rtc);
    EQ(rtc_level, 1);
    EQ(rtc_irq, GOLDFISH_RTC_IRQ);
    EQ(R(ALARM_STATUS), 0);
    goldfish_rtc_update(&rtc); /* fires once */
    EQ(rtc_calls, 1);
    W(CLEAR_INTERRUPT, 1);
    EQ(rtc_level, 0);
    EQ(rtc_calls, 2);
    /* an alarm already due fires when armed */
    t = read_time();
    W(ALARM_HIGH, (uint32_t)((t - 5) >> 32));
    W(ALARM_LOW, (uint32_t)(t - 5));
    EQ(rtc_level, 1);
    EQ(R(ALARM_STATUS), 0);
    W(CLEAR_INTERRUPT, 1);
    EQ(rtc_level, 0);
    /* with the interrupt disabled the alarm stays pending until enabled */
    W(IRQ_ENABLED, 0);
    W(ALARM_HIGH, (uint32_t)((t + 10) >> 32));
    W(ALARM_LOW, (uint32_t)(t + 10));
    clock_ns += 10;
    goldfish_rtc_update(&rtc);
    EQ(rtc_level, 0);
    W(IRQ_ENABLED, 1);
    EQ(rtc_level, 1);
    W(CLEAR_INTERRUPT, 1);
    EQ(rtc_level, 0);
    /* CLEAR_ALARM disarms */
    W(ALARM_HIGH, (uint32_t)((t + 100) >> 32));
    W(ALARM_LOW, (uint32_t)(t + 100));
    EQ(R(ALARM_STATUS), 1);
    W(CLEAR_ALARM, 1);
    EQ(R(ALARM_STATUS), 0);
    EQ(goldfish_rtc_next_alarm_ns(&rtc), UINT64_MAX);
    clock_ns += 1000;
    goldfish_rtc_update(&rtc);
    EQ(rtc_level, 0);
    EQ(R(0x20), 0); /* no register there */
}

int main(void)
{
    if (phys_init(&pm, 0x80000000, 1 << 20) != 0) {
        printf("phys_init failed\n0 passed, 1 failed\n");
        return 1;
    }
    test_syscon();
    test_rtc();
    phys_free(&pm);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
