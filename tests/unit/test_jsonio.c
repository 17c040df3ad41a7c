/*
 * test_jsonio.c — Python-compatible JSON error messages and DRF-style
 * output.  The expected messages were produced by CPython 3.11's json
 * module (json.loads, and json.load over codecs.getreader('utf-8') for the
 * byte-level cases).
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "jsonio.h"
#include "pytext.h"

static void expect_error(const char *in, size_t len, const char *msg)
{
    strbuf m = STRBUF_INIT;
    json_t *v = jsonio_parse(in, len, &m);
    if (v)
        fail_msg("'%s' parsed, expected: %s", in, msg);
    assert_non_null(m.p);
    assert_string_equal(m.p, msg);
    strbuf_free(&m);
}

#define ERR(in, msg) expect_error(in, sizeof(in) - 1, msg)

static void test_python_messages(void **state)
{
    (void)state;
    ERR("", "Expecting value: line 1 column 1 (char 0)");
    ERR(" ", "Expecting value: line 1 column 2 (char 1)");
    ERR("{", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)");
    ERR("{\"a\"", "Expecting ':' delimiter: line 1 column 5 (char 4)");
    ERR("{\"a\" 1}", "Expecting ':' delimiter: line 1 column 6 (char 5)");
    ERR("{\"a\":1", "Expecting ',' delimiter: line 1 column 7 (char 6)");
    ERR("{\"a\":1,}", "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)");
    ERR("[1,]", "Expecting value: line 1 column 4 (char 3)");
    ERR("[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)");
    ERR("{\"a\":tru}", "Expecting value: line 1 column 6 (char 5)");
    ERR("tru", "Expecting value: line 1 column 1 (char 0)");
    ERR("\"abc", "Unterminated string starting at: line 1 column 1 (char 0)");
    ERR("\"a\\qb\"", "Invalid \\escape: line 1 column 3 (char 2)");
    ERR("\"a\x01" "b\"", "Invalid control character at: line 1 column 3 (char 2)");
    ERR("\"a\nb\"", "Invalid control character at: line 1 column 3 (char 2)");
    ERR("{} x", "Extra data: line 1 column 4 (char 3)");
    ERR("12 3", "Extra data: line 1 column 4 (char 3)");
    ERR("[1.]", "Expecting ',' delimiter: line 1 column 3 (char 2)");
    ERR("01", "Extra data: line 1 column 2 (char 1)");
    ERR("{a:1}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)");
    ERR("{'a':1}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)");
    ERR("{\"a\":1 \"b\":2}", "Expecting ',' delimiter: line 1 column 8 (char 7)");
    ERR("\"\\u12\"", "Invalid \\uXXXX escape: line 1 column 3 (char 2)");
    ERR("\"abc\\u12", "Invalid \\uXXXX escape: line 1 column 6 (char 5)");
    ERR("\"\\", "Unterminated string starting at: line 1 column 1 (char 0)");
    ERR("[", "Expecting value: line 1 column 2 (char 1)");
    ERR("-", "Expecting value: line 1 column 1 (char 0)");
    ERR("[-]", "Expecting value: line 1 column 2 (char 1)");
    ERR("{\"a\":1}}", "Extra data: line 1 column 8 (char 7)");
    ERR(" {\"a\": [1, 2, }", "Expecting value: line 1 column 15 (char 14)");
    ERR("\"\xc3\xa9", "Unterminated string starting at: line 1 column 1 (char 0)");
    ERR("[1,2]xyz", "Extra data: line 1 column 6 (char 5)");
    ERR("{\"\xc3\xa9\":tru}", "Expecting value: line 1 column 6 (char 5)");
    ERR("{\"a\":1,", "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)");
    ERR("{\"a\":", "Expecting value: line 1 column 6 (char 5)");
    ERR("{\"a\":\"b", "Unterminated string starting at: line 1 column 6 (char 5)");
    ERR("\t\n [", "Expecting value: line 2 column 3 (char 4)");
    ERR("\xc3\xa9", "Expecting value: line 1 column 1 (char 0)");
    ERR("{\"a\":1,\"b\"}", "Expecting ':' delimiter: line 1 column 11 (char 10)");
    ERR("[1,2,]", "Expecting value: line 1 column 6 (char 5)");
    ERR("-1x", "Extra data: line 1 column 3 (char 2)");
    ERR("[1 ,2 x]", "Expecting ',' delimiter: line 1 column 7 (char 6)");
    ERR("[01]", "Expecting ',' delimiter: line 1 column 3 (char 2)");
    ERR("[0x10]", "Expecting ',' delimiter: line 1 column 3 (char 2)");
    ERR("[\"a\" \"b\"]", "Expecting ',' delimiter: line 1 column 6 (char 5)");
    ERR("{,}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)");
    ERR("truex", "Extra data: line 1 column 5 (char 4)");
    ERR("[true false]", "Expecting ',' delimiter: line 1 column 7 (char 6)");
    ERR("[1,2,3", "Expecting ',' delimiter: line 1 column 7 (char 6)");
    ERR("{\"k\": \"a long string value that jansson will not quote\" 5}",
        "Expecting ',' delimiter: line 1 column 57 (char 56)");
    ERR("\xef\xbb\xbf{}", "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)");
}

static void test_utf8_messages(void **state)
{
    (void)state;
    ERR("\xff{}", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte");
    ERR("{\"a\":\"\xe2(\xa1\"}", "'utf-8' codec can't decode byte 0xe2 in position 6: invalid continuation byte");
    ERR("{\"a\":\"\xf0\x90(x\"}", "'utf-8' codec can't decode bytes in position 6-7: invalid continuation byte");
    ERR("{\"a\":\xed\xa0\x80}", "'utf-8' codec can't decode byte 0xed in position 5: invalid continuation byte");
    /* an incomplete sequence at the very end is dropped by the stream reader */
    ERR("{\"a\":\"\xe2\x82", "Unterminated string starting at: line 1 column 6 (char 5)");
    ERR("\xc3", "Expecting value: line 1 column 1 (char 0)");
}

static void test_parse_ok(void **state)
{
    (void)state;
    strbuf m = STRBUF_INIT;
    json_t *v = jsonio_parse("  {\"a\": [1, 2.5, \"\\u0000x\"]}\n", 29, &m);
    assert_non_null(v);
    assert_null(m.p);
    json_t *s = json_array_get(json_object_get(v, "a"), 2);
    assert_int_equal(json_string_length(s), 2);
    json_decref(v);
    /* an incomplete trailing sequence after a complete value is dropped */
    v = jsonio_parse("{}\xe2\x82", 4, &m);
    assert_non_null(v);
    json_decref(v);
}

static void expect_dump(const char *in, const char *out)
{
    json_t *v = unit_json(in);
    char *s = jsonio_dumps(v, NULL);
    assert_string_equal(s, out);
    free(s);
    json_decref(v);
}

static void test_dump(void **state)
{
    (void)state;
    expect_dump("{\"a\": 1, \"b\": [true, null, \"x\"]}", "{\"a\":1,\"b\":[true,null,\"x\"]}");
    expect_dump("[0.1, 1.5, 100.0, 1e16, 1e-5, 0.0001, 1e15, -0.0, 123456789.125]",
                "[0.1,1.5,100.0,1e+16,1e-05,0.0001,1000000000000000.0,-0.0,123456789.125]");
    expect_dump("\"\\u0001\\u001f\\\"\\\\\\n\"", "\"\\u0001\\u001f\\\"\\\\\\n\"");
    expect_dump("\"\\u2028 \\u2029 \\u00e9\"", "\"\\u2028 \\u2029 \xc3\xa9\"");
    expect_dump("{\"e\":\"1.5e3 not a number\"}", "{\"e\":\"1.5e3 not a number\"}");
    /* the short escapes, NUL inside a string, '/' and DEL unescaped,
     * escapes in keys, empty containers, the integer extremes */
    expect_dump("\"\\b\\f\\r\\t\\u0000/\x7f\"", "\"\\b\\f\\r\\t\\u0000/\x7f\"");
    expect_dump("{\"k\\n\\u2028\": {}, \"\": []}", "{\"k\\n\\u2028\":{},\"\":[]}");
    expect_dump("[-9223372036854775808, 9223372036854775807, 0, -1]",
                "[-9223372036854775808,9223372036854775807,0,-1]");
}

/* jsonio_load_stored reads back what jsonio_dump wrote, the same values
 * jansson would build, and hands anything else to jansson. */
static void expect_stored(const char *text, const char *want_dump)
{
    json_t *v = jsonio_load_stored(text, strlen(text));
    if (!want_dump) {
        assert_null(v);
        return;
    }
    assert_non_null(v);
    char *s = jsonio_dumps(v, NULL);
    assert_string_equal(s, want_dump);
    json_t *j = json_loads(text, JSON_ALLOW_NUL, NULL);
    if (j)
        assert_true(json_equal(v, j));
    json_decref(j);
    free(s);
    json_decref(v);
}

static void test_load_stored(void **state)
{
    (void)state;
    expect_stored("{\"a\":1,\"b\":[true,false,null,-0,1.5,-2.5e-3,\"x\"],\"c\":{}}",
                  "{\"a\":1,\"b\":[true,false,null,0,1.5,-0.0025,\"x\"],\"c\":{}}");
    expect_stored("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\\u2028\"]",
                  "[\"\\\"\\\\/\\b\\f\\n\\r\\t\xc3\xa9\xf0\x9f\x98\x80\\u2028\"]");
    expect_stored(" { \"k\" : [ 1 , 2 ] } ", "{\"k\":[1,2]}");   /* whitespace */
    expect_stored("{\"a\":1,\"a\":2}", "{\"a\":2}");           /* later wins */
    expect_stored("[9223372036854775807,-9223372036854775808]",
                  "[9223372036854775807,-9223372036854775808]");
    expect_stored("[\"\\u0000\"]", "[\"\\u0000\"]");               /* NUL kept */
    /* not JSON: NULL (after jansson refuses too) */
    expect_stored("[01]", NULL);
    expect_stored("[1.]", NULL);
    expect_stored("[\"\\ud800\"]", NULL);
    expect_stored("[9223372036854775808]", NULL);
    expect_stored("[1e400]", NULL);
    expect_stored("{\"a\":1,}", NULL);
    expect_stored("[1] x", NULL);
    expect_stored("\"top-level string\"", NULL);
    expect_stored("[\"\xff\"]", NULL);
}

static void test_float_repr(void **state)
{
    (void)state;
    char b[40];
    double v[] = {0.1, 1.0 / 3, 2.5e-7, 1e22, 5e-324, 1.7976931348623157e308, 12.0};
    const char *want[] = {"0.1", "0.3333333333333333", "2.5e-07", "1e+22",
                          "5e-324", "1.7976931348623157e+308", "12.0"};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        pytext_float_repr(v[i], b);
        assert_string_equal(b, want[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_python_messages),
        cmocka_unit_test(test_utf8_messages),
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_dump),
        cmocka_unit_test(test_load_stored),
        cmocka_unit_test(test_float_repr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
