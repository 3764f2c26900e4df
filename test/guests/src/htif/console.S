/* console: prints one line through the HTIF console, then exits with code 0. */
#include "htif.h"

    .text
    .globl run_test
run_test:
    addi    sp, sp, -16
    sd      ra, 8(sp)
    la      a0, message
    call    htif_puts
    ld      ra, 8(sp)
    addi    sp, sp, 16
    li      a0, 0
    ret

    .section .rodata
message:
    .asciz  "Hello from the HTIF console!\n"
