/*
 * uart_test.c - tests for the NS16550A UART (src/dev/uart16550.c), driven
 * through guest-physical accesses (phys_read/phys_write) as a guest would,
 * and through the host API (uart_rx_push/uart_rx_space). A fake interrupt
 * controller and transmit callback record what the device did.
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include "dev/uart16550.h"

#include "check.h"

enum { RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

static phys_map pm;
static uart16550 uart;

/* fake PLIC input: last level and number of calls */
static int irq_level, irq_calls, irq_num;
static void fake_irq(void *opaque, int irq, int level)
{
    (void)opaque;
    irq_num = irq;
    irq_level = level;
    irq_calls++;
}

/* fake host terminal */
static uint8_t txbuf[256];
static size_t txlen;
static void fake_tx(void *opaque, uint8_t b)
{
    (void)opaque;
    if (txlen < sizeof(txbuf))
        txbuf[txlen++] = b;
}

static uint64_t rd(unsigned off)
{
    uint64_t v = 0xdead;
    if (phys_read(&pm, UART_BASE + off, 1, &v) != 0)
        printf("phys_read failed at +%u\n", off);
    return v;
}

static void wr(unsigned off, uint64_t v)
{
    if (phys_write(&pm, UART_BASE + off, 1, v) != 0)
        printf("phys_write failed at +%u\n", off);
}

static void reset(void)
{
    pm.nio = 0;
    irq_level = irq_calls = 0;
    txlen = 0;
    irq_line line = {fake_irq, NULL, UART_IRQ};
    EQ(uart_init(&uart, &pm, UART_BASE, line, fake_tx, NULL), 0);
}

static void test_reset_and_registers(void)
{
    reset();
    EQ(rd(IER), 0);
    EQ(rd(IIR), 0x01);
    EQ(rd(LCR), 0);
    EQ(rd(MCR), 0);
    EQ(rd(LSR), 0x60); /* THRE | TEMT */
    EQ(rd(MSR), 0xb0); /* DCD | DSR | CTS */
    EQ(rd(SCR), 0);
    EQ(irq_level, 0);
    wr(SCR, 0xa5);
    EQ(rd(SCR), 0xa5);
    wr(LCR, 0x1b);
    EQ(rd(LCR), 0x1b);
    wr(IER, 0xf0); /* bits 4-7 do not exist */
    EQ(rd(IER), 0);
    wr(MCR, 0xff);
    EQ(rd(MCR), 0x1f);
    wr(MCR, 0);
    EQ(rd(8), 0); /* beyond the registers */
    wr(LSR, 0);  /* read-only */
    EQ(rd(LSR), 0x60);
    EQ(irq_calls, 0);
}

static void test_dlab_and_tx(void)
{
    reset();
    wr(LCR, 0x83);
    wr(RBR, 0x12); /* DLL */
    wr(IER, 0x34); /* DLM */
    EQ(rd(RBR), 0x12);
    EQ(rd(IER), 0x34);
    EQ(txlen, 0);
    wr(LCR, 0x03);
    EQ(rd(IER), 0); /* IER unaffected by the DLM write */
    wr(RBR, 'h');
    wr(RBR, 'i');
    EQ(txlen, 2);
    EQ(txbuf[0], 'h');
    EQ(txbuf[1], 'i');
    EQ(rd(LSR), 0x60);
    wr(LCR, 0x83);
    EQ(rd(RBR), 0x12); /* divisor kept */
    EQ(rd(IER), 0x34);
}

static void test_rx_no_fifo(void)
{
    reset();
    EQ(uart_rx_space(&uart), 1);
    EQ(uart_rx_push(&uart, (const uint8_t *)"xy", 2), 1);
    EQ(uart_rx_space(&uart), 0);
    EQ(uart_rx_push(&uart, (const uint8_t *)"y", 1), 0);
    EQ(rd(LSR), 0x61);
    EQ(rd(RBR), 'x');
    EQ(rd(LSR), 0x60);
    EQ(uart_rx_space(&uart), 1);
    EQ(irq_calls, 0); /* IER = 0: no interrupt */
}

static void test_fifo(void)
{
    reset();
    wr(FCR, 0x01);
    EQ(rd(IIR), 0xc1);
    EQ(uart_rx_space(&uart), 16);
    uint8_t data[20];
    for (int i = 0; i < 20; i++)
        data[i] = (uint8_t)('a' + i);
    EQ(uart_rx_push(&uart, data, 20), 16);
    EQ(uart_rx_space(&uart), 0);
    EQ(uart_rx_push(&uart, data + 16, 4), 0);
    int ok = 1;
    for (int i = 0; i < 16; i++)
        ok &= (rd(LSR) & 1) && rd(RBR) == (uint64_t)('a' + i);
    EQ(ok, 1);
    EQ(rd(LSR), 0x60);
    EQ(rd(RBR), 0); /* empty */
    EQ(uart_rx_push(&uart, data + 16, 4), 4);
    EQ(rd(RBR), 'q');
    /* FCR bit 1 resets the RX FIFO */
    wr(FCR, 0x03);
    EQ(rd(LSR), 0x60);
    EQ(uart_rx_space(&uart), 16);
    EQ(rd(IIR), 0xc1); /* still enabled; reset bits self-clear */
    /* disabling the FIFOs clears them and drops IIR bits 6-7 */
    EQ(uart_rx_push(&uart, data, 3), 3);
    wr(FCR, 0x00);
    EQ(rd(LSR), 0x60);
    EQ(rd(IIR), 0x01);
    EQ(uart_rx_space(&uart), 1);
    /* FIFO control bits other than enable are ignored with bit 0 clear */
    wr(FCR, 0xc0);
    EQ(rd(IIR), 0x01);
    EQ(uart_rx_space(&uart), 1);
}

static void test_rx_interrupts(void)
{
    reset();
    wr(FCR, 0x01); /* trigger level 1 */
    wr(IER, 0x01);
    EQ(irq_level, 0);
    uart_rx_push(&uart, (const uint8_t *)"a", 1);
    EQ(irq_level, 1);
    EQ(irq_num, UART_IRQ);
    EQ(rd(IIR), 0xc4);
    EQ(rd(IIR), 0xc4); /* reading IIR does not clear RX data available */
    EQ(rd(RBR), 'a');
    EQ(rd(IIR), 0xc1);
    EQ(irq_level, 0);

    /* trigger levels 4, 8, 14: below -> timeout (0x0c), at/above -> 0x04 */
    static const struct { uint8_t fcr; unsigned trig; } lv[] = {
        {0x41, 4}, {0x81, 8}, {0xc1, 14}};
    for (unsigned k = 0; k < 3; k++) {
        wr(FCR, lv[k].fcr | 0x02);
        EQ(rd(IIR), 0xc1);
        for (unsigned i = 1; i < lv[k].trig; i++)
            uart_rx_push(&uart, (const uint8_t *)"z", 1);
        EQ(rd(IIR), 0xcc);
        EQ(irq_level, 1);
        uart_rx_push(&uart, (const uint8_t *)"z", 1);
        EQ(rd(IIR), 0xc4);
        rd(RBR);
        EQ(rd(IIR), 0xcc);
    }
    /* without FIFOs any byte is "data available" */
    wr(FCR, 0x00);
    uart_rx_push(&uart, (const uint8_t *)"b", 1);
    EQ(rd(IIR), 0x04);
    wr(IER, 0x00);
    EQ(rd(IIR), 0x01);
    EQ(irq_level, 0);
}

static void test_thre(void)
{
    reset();
    wr(FCR, 0x01);
    int calls = irq_calls;
    wr(IER, 0x02); /* enabling THRI with THR empty raises it */
    EQ(irq_level, 1);
    EQ(irq_calls, calls + 1);
    EQ(rd(IIR), 0xc2); /* reported, hence acknowledged */
    EQ(irq_level, 0);
    EQ(rd(IIR), 0xc1);
    wr(IER, 0x02); /* no rising edge: stays acknowledged */
    EQ(rd(IIR), 0xc1);
    wr(RBR, 'x'); /* transmitted at once: THR empty again */
    EQ(irq_level, 1);
    EQ(rd(IIR), 0xc2);
    EQ(rd(IIR), 0xc1);
    /* Linux's 8250 THRE test: IER 0 then THRI again must re-assert */
    wr(IER, 0x00);
    wr(IER, 0x02);
    EQ(rd(IIR), 0xc2);
    /* disabling THRI drops the line */
    wr(RBR, 'y');
    EQ(irq_level, 1);
    wr(IER, 0x00);
    EQ(irq_level, 0);
    EQ(rd(IIR), 0xc1);
    EQ(txlen, 2);

    /* priority: RX data over THRE; IIR read of RX does not ack THRE */
    wr(IER, 0x03);
    uart_rx_push(&uart, (const uint8_t *)"r", 1);
    EQ(rd(IIR), 0xc4);
    EQ(rd(IIR), 0xc4);
    EQ(rd(RBR), 'r');
    EQ(irq_level, 1);
    EQ(rd(IIR), 0xc2);
    EQ(rd(IIR), 0xc1);
    EQ(irq_level, 0);
    /* the output ignores MCR.OUT2 (as QEMU) */
    wr(MCR, 0x08);
    wr(RBR, 'z');
    EQ(irq_level, 1);
    wr(MCR, 0x00);
    EQ(irq_level, 1);
    rd(IIR);
    EQ(irq_level, 0);
}

static void test_loopback(void)
{
    reset();
    wr(FCR, 0x01);
    wr(MCR, 0x10 | 0x0a); /* LOOP | RTS | OUT2, Linux's autoconfig test */
    EQ(rd(MSR) & 0xf0, 0x90); /* CTS | DCD */
    EQ(rd(MSR), 0x90);       /* delta bits cleared by the read */
    EQ(uart_rx_space(&uart), 0);
    EQ(uart_rx_push(&uart, (const uint8_t *)"h", 1), 0);
    wr(RBR, 'L');
    EQ(txlen, 0);
    EQ(rd(LSR), 0x61);
    EQ(rd(RBR), 'L');
    /* modem status: deltas and TERI, interrupt 0x00 */
    wr(MCR, 0x10 | 0x0f);
    EQ(rd(MSR), 0xf2); /* DSR rose: DDSR; RI rising is not TERI */
    wr(IER, 0x08);
    EQ(rd(IIR), 0xc1);
    wr(MCR, 0x10 | 0x0b); /* OUT1 off: RI trailing edge */
    EQ(irq_level, 1);
    EQ(rd(IIR), 0xc0);
    EQ(rd(MSR), 0xb4);
    EQ(rd(IIR), 0xc1);
    EQ(irq_level, 0);
    wr(MCR, 0x10 | 0x03); /* OUT2 off: DCD falls, DDCD */
    EQ(rd(MSR), 0x38);
    wr(IER, 0x00);
    /* overrun: the 17th byte is lost, LSR.OE until LSR is read */
    for (int i = 0; i < 17; i++)
        wr(RBR, (uint64_t)(0x40 + i));
    wr(IER, 0x04);
    EQ(rd(IIR), 0xc6);
    EQ(irq_level, 1);
    EQ(rd(LSR), 0x63);
    EQ(rd(LSR), 0x61);
    EQ(rd(IIR), 0xc1);
    EQ(irq_level, 0);
    int ok = 1;
    for (int i = 0; i < 16; i++)
        ok &= rd(RBR) == (uint64_t)(0x40 + i);
    EQ(ok, 1);
    /* without FIFOs a second byte overwrites RBR */
    wr(FCR, 0x00);
    wr(RBR, 'a');
    wr(RBR, 'b');
    EQ(rd(LSR), 0x63);
    EQ(rd(RBR), 'b');
    EQ(txlen, 0);
    /* leaving loopback reconnects the host */
    wr(MCR, 0x00);
    EQ(rd(MSR) & 0xf0, 0xb0);
    EQ(uart_rx_space(&uart), 1);
    wr(RBR, 'o');
    EQ(txlen, 1);
    EQ(txbuf[0], 'o');
}

static void test_wide_access(void)
{
    reset();
    uint64_t v = 0;
    EQ(phys_write(&pm, UART_BASE + SCR, 4, 0x12345677), 0);
    EQ(phys_read(&pm, UART_BASE + SCR, 4, &v), 0);
    EQ(v, 0x77);
}

int main(void)
{
    if (phys_init(&pm, 0x80000000, 1 << 20) != 0) {
        printf("phys_init failed\n0 passed, 1 failed\n");
        return 1;
    }
    test_reset_and_registers();
    test_dlab_and_tx();
    test_rx_no_fifo();
    test_fifo();
    test_rx_interrupts();
    test_thre();
    test_loopback();
    test_wide_access();
    phys_free(&pm);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
