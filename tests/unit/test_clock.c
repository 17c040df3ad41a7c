/*
 * test_clock.c — RFC 3339 / Django parse_datetime parsing, DRF rendering,
 * and the fixed clock's +1 s per successful write.
 */
#include "unit.h"

#include <string.h>

#include "clock.h"

static void expect_parse(const char *in, const char *rendered)
{
    int64_t us;
    int rc = clock_parse(in, strlen(in), &us);
    if (rc != CLOCK_OK)
        fail_msg("'%s' refused (%d)", in, rc);
    char buf[40];
    clock_format(us, buf);
    assert_string_equal(buf, rendered);
}

static void expect_refused(const char *in, int rc)
{
    int64_t us;
    int got = clock_parse(in, strlen(in), &us);
    if (got != rc)
        fail_msg("'%s': got %d, expected %d", in, got, rc);
}

static void test_format(void **state)
{
    (void)state;
    char b[40];
    assert_int_equal(clock_format(0, b), 20);
    assert_string_equal(b, "1970-01-01T00:00:00Z");
    clock_format(1767225600000000LL, b);
    assert_string_equal(b, "2026-01-01T00:00:00Z");
    assert_int_equal(clock_format(1767225600000123LL, b), 27);
    assert_string_equal(b, "2026-01-01T00:00:00.000123Z");
    clock_format(-1, b);
    assert_string_equal(b, "1969-12-31T23:59:59.999999Z");
    clock_format(951782400000000LL, b);
    assert_string_equal(b, "2000-02-29T00:00:00Z");
}

static void test_parse(void **state)
{
    (void)state;
    expect_parse("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z");
    expect_parse("2026-01-01T00:00:00", "2026-01-01T00:00:00Z");
    expect_parse("2026-01-01T00:00", "2026-01-01T00:00:00Z");
    expect_parse("2026-1-2 3:4:5", "2026-01-02T03:04:05Z");
    expect_parse("2026-01-01T00:00:00.1Z", "2026-01-01T00:00:00.100000Z");
    expect_parse("2026-01-01T00:00:00,123456789012", "2026-01-01T00:00:00.123456Z");
    expect_parse("2026-01-01T00:00:00+05:30", "2025-12-31T18:30:00Z");
    expect_parse("2026-01-01T00:00:00-0100", "2026-01-01T01:00:00Z");
    expect_parse("2026-01-01T00:00:00 +01", "2025-12-31T23:00:00Z");
    expect_parse("2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z");
    expect_parse("9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z");
    expect_parse("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z");
    expect_parse("2026-01-01T00:00:00Z\n", "2026-01-01T00:00:00Z");
}

static void test_parse_errors(void **state)
{
    (void)state;
    const char *bad[] = {"", "2026", "2026-01-01", "2026-01-01T", "2026-01-01T00",
                         "26-01-01T00:00", "2026-13-01T00:00", "2026-00-01T00:00",
                         "2023-02-29T00:00", "2026-04-31T00:00", "2026-01-01T24:00",
                         "2026-01-01T00:60", "2026-01-01T00:00:60", "0000-01-01T00:00",
                         "2026-01-01X00:00", "2026-01-01T00:00:00.", "2026-01-01T00:00:00.1234567890123",
                         "2026-01-01T00:00:00+5", "2026-01-01T00:00:00+05:", "2026-01-01T00:00:00+24:00",
                         "2026-01-01T00:00:00Zx", "2026-01-01T00:00:00 Z x", "2026-01-01T00:00:00z",
                         "2026-001-01T00:00"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_refused(bad[i], CLOCK_EFORMAT);
    expect_refused("0001-01-01T00:00:00+00:01", CLOCK_ERANGE);
    expect_refused("9999-12-31T23:59:59-00:01", CLOCK_ERANGE);
}

static void test_fixed_clock(void **state)
{
    (void)state;
    sm_clock c;
    int64_t t0;
    assert_int_equal(clock_parse("2026-01-01T00:00:00Z", 20, &t0), CLOCK_OK);
    clock_init_fixed(&c, t0);
    assert_int_equal(clock_now(&c), t0);
    assert_int_equal(clock_now(&c), t0);
    clock_tick(&c);
    clock_tick(&c);
    assert_int_equal(clock_now(&c), t0 + 2000000);
    char b[40];
    clock_format(clock_now(&c), b);
    assert_string_equal(b, "2026-01-01T00:00:02Z");
}

static void test_wall_clock(void **state)
{
    (void)state;
    sm_clock c;
    clock_init_wall(&c);
    int64_t a = clock_now(&c);
    clock_tick(&c); /* no effect on the wall clock */
    int64_t b = clock_now(&c);
    assert_true(a > INT64_C(1600000000) * 1000000); /* after 2020 */
    assert_true(b >= a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_fixed_clock),
        cmocka_unit_test(test_wall_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
