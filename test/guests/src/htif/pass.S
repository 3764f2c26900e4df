/* pass: does nothing and exits with code 0 (writes 1 to tohost). */
#include "htif.h"

    .text
    .globl run_test
run_test:
    li      a0, 0
    ret
