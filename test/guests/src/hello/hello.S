/*
 * hello: prints one line on UART0 and powers the board off with exit 0.
 *
 * Deliberately tiny and limited to a handful of RV64I instructions (no C, M,
 * F, D, no traps) so that it is the first guest a new CPU can run. Harts
 * other than hart 0 park in a WFI loop.
 */
#include "../common/virt.h"

    .section .text.init, "ax", @progbits
    .option norvc
    .globl _start
_start:
    csrr    t0, mhartid
    bnez    t0, park

    la      a0, message
    li      a1, UART0_BASE
next_char:
    lbu     a2, 0(a0)
    beqz    a2, power_off
wait_thre:
    lbu     t1, UART_LSR(a1)
    andi    t1, t1, UART_LSR_THRE
    beqz    t1, wait_thre
    sb      a2, UART_THR(a1)
    addi    a0, a0, 1
    j       next_char

power_off:
    li      t0, FINISHER_BASE
    li      t1, FINISHER_PASS
    sw      t1, 0(t0)
park:
    wfi
    j       park

    .section .rodata
message:
    .asciz  "Hello, world!\n"
