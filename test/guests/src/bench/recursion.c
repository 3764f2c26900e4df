/*
 * Calls and recursion: naive Fibonacci, Ackermann's function and Heap's
 * algorithm enumerating the permutations of a small array.
 */
#include "bench.h"

#define PERMUTED_COUNT 8

static uint64_t fibonacci(unsigned n)
{
    return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

static uint64_t ackermann(uint64_t m, uint64_t n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

struct permutation_state {
    uint8_t items[PERMUTED_COUNT];
    uint64_t fixed_points;
    uint64_t signature;
};

static void visit(struct permutation_state *state)
{
    uint64_t code = 0;
    for (unsigned i = 0; i < PERMUTED_COUNT; i++) {
        state->fixed_points += state->items[i] == i;
        code = code * PERMUTED_COUNT + state->items[i];
    }
    state->signature = digest_mix(state->signature, code);
}

static void permute(struct permutation_state *state, unsigned count)
{
    if (count == 1) {
        visit(state);
        return;
    }
    for (unsigned i = 0; i < count - 1; i++) {
        permute(state, count - 1);
        unsigned other = (count & 1) ? 0 : i;
        uint8_t t = state->items[other];
        state->items[other] = state->items[count - 1];
        state->items[count - 1] = t;
    }
    permute(state, count - 1);
}

uint64_t bench_recursion(unsigned rounds)
{
    uint64_t digest = 0;
    for (unsigned round = 0; round < rounds; round++) {
        struct permutation_state state = { .fixed_points = 0, .signature = round };
        for (unsigned i = 0; i < PERMUTED_COUNT; i++) {
            state.items[i] = (uint8_t)i;
        }
        permute(&state, PERMUTED_COUNT);
        digest = digest_mix(digest, fibonacci(20 + round % 4));
        digest = digest_mix(digest, ackermann(2, 50 + round % 8));
        digest = digest_mix(digest, state.signature ^ state.fixed_points);
    }
    return digest;
}
