/*
 * Shared definitions of the HTIF test programs (riscv-tests "tohost" style).
 *
 * Each program defines `run_test`, called by runtime.S in M-mode with a stack;
 * it returns its exit code in a0 (0 = pass). The self-checking programs keep
 * the number of the running case in TESTNUM and jump to `test_fail`, which
 * exits with that number, when a result is wrong.
 */
#ifndef DEJAVM_GUEST_HTIF_H
#define DEJAVM_GUEST_HTIF_H

/* Register holding the current case number (s11; gp is left to the ABI). */
#define TESTNUM s11

/* HTIF command word: device in bits 63..56, command in 55..48, payload below. */
#define HTIF_DEVICE_CONSOLE 1
#define HTIF_CONSOLE_PUTCHAR 1

/*
 * Runs `code`, then fails with case number `number` unless register `result`
 * equals the 64-bit constant `expected`. Clobbers s10.
 */
#define TEST_CASE(number, result, expected, code...) \
    li TESTNUM, number; \
    code; \
    li s10, expected; \
    bne result, s10, test_fail

#endif
