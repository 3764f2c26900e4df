/*
 * demo: the guest `deja demo` records. It exercises what a recording holds:
 * it prints on UART0 (MMIO writes and status reads), drops to U-mode and
 * makes ECALLs that trap to M-mode, takes eight machine timer interrupts
 * from the ACLINT (IRQ lines and interrupt traps), reads the Goldfish RTC,
 * and powers off through the test finisher with exit status 0.
 */
#include "../common/virt.h"

#define ACLINT_MTIMECMP 0x2004000
#define ACLINT_MTIME    0x200bff8
#define RTC_TIME_LOW    0x101000
#define TICKS           500         /* timer period: 50 us of virtual time */
#define INTERRUPTS      8

    .section .text.init, "ax", @progbits
    .option norvc
    .globl _start
_start:
    csrr    t0, mhartid
    bnez    t0, park
    la      sp, stack_top
    la      t0, trap_handler
    csrw    mtvec, t0
    li      t0, -1                  /* PMP: let U-mode reach all memory */
    csrw    pmpaddr0, t0
    li      t0, 0x1f                /* NAPOT, RWX */
    csrw    pmpcfg0, t0

    la      a0, banner
    call    puts

    /* Three system calls from U-mode: the handler prints the number in a0. */
    li      t0, 0x1800              /* mstatus.MPP = U */
    csrc    mstatus, t0
    la      t0, user_code
    csrw    mepc, t0
    mret
user_code:
    li      a0, 1
    ecall
    li      a0, 2
    ecall
    li      a0, 3
    ecall
    li      a0, 0                   /* a0 = 0: back to M-mode for good */
    ecall

machine_again:
    la      a0, timer_text
    call    puts
    li      s0, 0                   /* interrupts taken */
    call    arm_timer
    li      t0, 0x80                /* mie.MTIE */
    csrs    mie, t0
    csrsi   mstatus, 8              /* mstatus.MIE */
wait_ticks:
    wfi
    li      t0, INTERRUPTS
    blt     s0, t0, wait_ticks
    csrci   mstatus, 8
    li      a0, '\n'
    call    putc

    li      t0, RTC_TIME_LOW        /* the RTC must move forward (its value is host time on QEMU) */
    lw      s1, 0(t0)
    li      t1, 1000
6:  addi    t1, t1, -1
    bnez    t1, 6b
    lw      s2, 0(t0)
    la      a0, rtc_text
    bne     s1, s2, 7f
    la      a0, rtc_stuck_text
7:  call    puts

    la      a0, bye_text
    call    puts
    li      t0, FINISHER_BASE
    li      t1, FINISHER_PASS
    sw      t1, 0(t0)
park:
    wfi
    j       park

/* Program mtimecmp = mtime + TICKS. */
arm_timer:
    li      t0, ACLINT_MTIME
    ld      t1, 0(t0)
    addi    t1, t1, TICKS
    li      t0, ACLINT_MTIMECMP
    sd      t1, 0(t0)
    ret

/* Machine trap handler: timer interrupts print '.', ECALLs print their a0. */
    .balign 4
trap_handler:
    addi    sp, sp, -32
    sd      ra, 0(sp)
    sd      a0, 8(sp)
    sd      t0, 16(sp)
    sd      t1, 24(sp)
    csrr    t0, mcause
    bltz    t0, interrupt
    mv      t1, a0
    beqz    t1, leave_user
    la      a0, ecall_text
    call    puts
    ld      a0, 8(sp)
    addi    a0, a0, '0'
    call    putc
    li      a0, '\n'
    call    putc
    csrr    t0, mepc
    addi    t0, t0, 4
    csrw    mepc, t0
    j       restore
leave_user:
    li      t0, 0x1800              /* return to M-mode after the last ECALL */
    csrs    mstatus, t0
    la      t0, machine_again
    csrw    mepc, t0
    j       restore
interrupt:
    addi    s0, s0, 1
    li      a0, '.'
    call    putc
    li      t0, INTERRUPTS
    blt     s0, t0, rearm
    li      t0, 0x80                /* last one: mask the timer */
    csrc    mie, t0
    j       restore
rearm:
    call    arm_timer
restore:
    ld      ra, 0(sp)
    ld      a0, 8(sp)
    ld      t0, 16(sp)
    ld      t1, 24(sp)
    addi    sp, sp, 32
    mret

/* putc(a0): wait for THR empty, send a0. */
putc:
    li      t0, UART0_BASE
1:  lbu     t1, UART_LSR(t0)
    andi    t1, t1, UART_LSR_THRE
    beqz    t1, 1b
    sb      a0, UART_THR(t0)
    ret

/* puts(a0): send a NUL-terminated string. */
puts:
    addi    sp, sp, -16
    sd      ra, 0(sp)
    sd      s2, 8(sp)
    mv      s2, a0
2:  lbu     a0, 0(s2)
    beqz    a0, 3f
    call    putc
    addi    s2, s2, 1
    j       2b
3:  ld      ra, 0(sp)
    ld      s2, 8(sp)
    addi    sp, sp, 16
    ret

    .section .rodata
banner:     .asciz "dejavm demo: a guest that prints, traps and takes interrupts\n"
ecall_text: .asciz "  ecall from U-mode, a0 = "
timer_text: .asciz "  timer interrupts: "
rtc_text:   .asciz "  the RTC advances\n"
rtc_stuck_text: .asciz "  the RTC is stuck\n"
bye_text:   .asciz "  powering off\n"

    .section .bss
    .balign 16
stack:      .space 4096
stack_top:
