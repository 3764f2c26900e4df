/*
 * Addresses and register bits of the QEMU `virt` board devices the guests use.
 * Shared by assembly (.S) and C sources.
 */
#ifndef DEJAVM_GUEST_VIRT_H
#define DEJAVM_GUEST_VIRT_H

/* NS16550A UART0: byte registers at consecutive addresses. */
#define UART0_BASE      0x10000000
#define UART_THR        0       /* transmit holding register (write) */
#define UART_LSR        5       /* line status register */
#define UART_LSR_THRE   0x20    /* transmit holding register empty */

/* SiFive test finisher: a 32-bit write powers the board off. */
#define FINISHER_BASE   0x100000
#define FINISHER_PASS   0x5555  /* exit status 0 */
#define FINISHER_FAIL   0x3333  /* exit status in bits 31..16 */

/* mstatus.FS = Initial: enables the F and D instructions. */
#define MSTATUS_FS_INITIAL 0x2000

#endif
