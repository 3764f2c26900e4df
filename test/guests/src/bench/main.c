/*
 * The CPU-bound benchmark guest: runs each workload once at a fixed size,
 * prints one digest per workload and their combined checksum in hex on
 * UART0, then returns 0 (crt0 powers off with exit status 0).
 */
#include "bench.h"

struct workload {
    const char *name;
    uint64_t (*run)(unsigned size);
    unsigned size;
};

/* Sizes chosen so the whole run retires about 380 million instructions. */
static const struct workload workloads[] = {
    { "integer  ", bench_integer, 2000 },
    { "memory   ", bench_memory, 200 },
    { "hash     ", bench_hash, 200 },
    { "sort     ", bench_sort, 50 },
    { "recursion", bench_recursion, 8 },
    { "muldiv   ", bench_muldiv, 80000 },
    { "nbody    ", bench_nbody, 100000 },
    { "matmul   ", bench_matmul, 200 },
};

int main(void)
{
    uint64_t checksum = 0;
    console_puts("dejavm bench\n");
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++) {
        uint64_t digest = workloads[i].run(workloads[i].size);
        checksum = digest_mix(checksum, digest);
        console_puts(workloads[i].name);
        console_puts(" ");
        console_put_hex64(digest);
        console_puts("\n");
    }
    console_puts("checksum  ");
    console_put_hex64(checksum);
    console_puts("\n");
    return 0;
}
