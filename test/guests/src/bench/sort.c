/*
 * Sorting: a recursive quicksort (median of three, insertion sort for short
 * runs) of pseudo-random signed 64-bit keys, then a check that the result is
 * ordered.
 */
#include "bench.h"

#define ELEMENT_COUNT 8192
#define SHORT_RUN 16

static int64_t elements[ELEMENT_COUNT];

static void swap(int64_t *a, int64_t *b)
{
    int64_t t = *a;
    *a = *b;
    *b = t;
}

static void insertion_sort(int64_t *first, int64_t *last)
{
    for (int64_t *next = first + 1; next <= last; next++) {
        int64_t value = *next;
        int64_t *hole = next;
        while (hole > first && hole[-1] > value) {
            hole[0] = hole[-1];
            hole--;
        }
        *hole = value;
    }
}

static void quicksort(int64_t *first, int64_t *last)
{
    while (last - first >= SHORT_RUN) {
        int64_t *middle = first + (last - first) / 2;
        if (*middle < *first) swap(middle, first);
        if (*last < *first) swap(last, first);
        if (*last < *middle) swap(last, middle);
        int64_t pivot = *middle;
        int64_t *low = first;
        int64_t *high = last;
        while (low <= high) {
            while (*low < pivot) low++;
            while (*high > pivot) high--;
            if (low <= high) {
                swap(low++, high--);
            }
        }
        /* Recurse into the smaller part, loop on the larger: bounded depth. */
        if (high - first < last - low) {
            quicksort(first, high);
            first = low;
        } else {
            quicksort(low, last);
            last = high;
        }
    }
    insertion_sort(first, last);
}

uint64_t bench_sort(unsigned rounds)
{
    uint64_t digest = 0;
    for (unsigned round = 0; round < rounds; round++) {
        uint64_t state = 0x9e3779b97f4a7c15ull ^ round;
        for (unsigned i = 0; i < ELEMENT_COUNT; i++) {
            /* Every fourth key repeats a small value, to exercise equal keys. */
            uint64_t bits = xorshift64(&state);
            elements[i] = (i & 3) == 0 ? (int64_t)(bits & 15) - 8 : (int64_t)bits;
        }
        quicksort(elements, elements + ELEMENT_COUNT - 1);
        uint64_t disorder = 0;
        uint64_t weighted = 0;
        for (unsigned i = 0; i < ELEMENT_COUNT; i++) {
            disorder += i > 0 && elements[i - 1] > elements[i];
            weighted += (uint64_t)elements[i] * (i + 1);
        }
        digest = digest_mix(digest, weighted + (disorder << 60));
    }
    return digest;
}
