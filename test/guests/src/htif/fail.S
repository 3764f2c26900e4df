/* fail: deliberately exits with code 3 (writes 7 to tohost). */
#include "htif.h"

    .text
    .globl run_test
run_test:
    li      a0, 3
    ret
