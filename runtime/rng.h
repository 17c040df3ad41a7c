/*
 * rng.h — the one source of random bytes for generated values (UUID and
 * token fills, `set ... uuid/token`, check-time fresh values).
 *
 * Seeded (--seed N): xoshiro256** whose state is filled from N by
 * splitmix64, so the same sequence of draws gives the same bytes on every
 * machine.  Unseeded: getrandom(2) (falls back to /dev/urandom).
 *
 * The state is process-wide and owned by main (the app): rng_seed() /
 * rng_use_os() once at start-up, before serving.  rng_reset() restarts a
 * seeded sequence from its seed (for an admin reset); unseeded it does
 * nothing.  Single-threaded use only (the event loop).
 */
#ifndef SM_RNG_H
#define SM_RNG_H

#include <stddef.h>
#include <stdint.h>

void rng_seed(uint64_t seed);
void rng_use_os(void);
/* Seeded: back to the first draw after rng_seed(seed). */
void rng_reset(void);
/* 1 when seeded. */
int rng_seeded(void);
/* n random bytes; never fails.  Seeded, each call consumes whole 64-bit
 * words (leftover bytes are dropped), so draws depend only on the call
 * sequence. */
void rng_bytes(void *buf, size_t n);

#endif
