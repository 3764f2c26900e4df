/* Console output on UART0 (polled) and the trap report used by crt0. */
#include "bench.h"
#include "../common/virt.h"

static void console_putc(char c)
{
    volatile uint8_t *uart = (volatile uint8_t *)UART0_BASE;
    while ((uart[UART_LSR] & UART_LSR_THRE) == 0) {
    }
    uart[UART_THR] = (uint8_t)c;
}

void console_puts(const char *text)
{
    while (*text != '\0') {
        console_putc(*text++);
    }
}

void console_put_hex64(uint64_t value)
{
    static const char digits[] = "0123456789abcdef";
    for (int shift = 60; shift >= 0; shift -= 4) {
        console_putc(digits[(value >> shift) & 0xf]);
    }
}

/* Called from crt0's trap vector; returns the exit status to fail with. */
int report_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval)
{
    console_puts("unexpected trap: mcause ");
    console_put_hex64(mcause);
    console_puts(" mepc ");
    console_put_hex64(mepc);
    console_puts(" mtval ");
    console_put_hex64(mtval);
    console_puts("\n");
    return 2;
}
