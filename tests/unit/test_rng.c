/*
 * test_rng.c — the seeded generator (rng.h): a fixed vector for seed 0
 * (computed independently from the published splitmix64 / xoshiro256**
 * definitions), whole-word draws, rng_reset(), and the OS source.
 */
#include "unit.h"

#include <string.h>

#include "rng.h"

static void hex(const unsigned char *b, size_t n, char *out)
{
    static const char h[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = h[b[i] >> 4];
        out[2 * i + 1] = h[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static void test_seed0_vector_and_reset(void **state)
{
    (void)state;
    unsigned char b[10];
    char t[21];
    rng_seed(0);
    assert_true(rng_seeded());
    rng_bytes(b, 10); /* two words, the second's last 6 bytes dropped */
    hex(b, 10, t);
    assert_string_equal(t, "b4f275cb365fec992a45");
    unsigned char c[10];
    rng_bytes(c, 10);
    assert_memory_not_equal(b, c, 10);
    rng_reset();
    rng_bytes(c, 10);
    assert_memory_equal(b, c, 10);
    rng_seed(1);
    rng_bytes(c, 10);
    assert_memory_not_equal(b, c, 10);
}

static void test_os_source(void **state)
{
    (void)state;
    unsigned char a[16], b[16];
    rng_use_os();
    assert_false(rng_seeded());
    rng_bytes(a, sizeof a);
    rng_reset(); /* no effect unseeded */
    rng_bytes(b, sizeof b);
    assert_memory_not_equal(a, b, sizeof a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed0_vector_and_reset),
        cmocka_unit_test(test_os_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
