/*
 * test_validate.c — every rule and message of docs/contracts.md §6 against
 * the fixture's Widget model: DRF codes and texts, first failure in declared
 * order, nested attr paths, and the normalised values that are kept.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "fixture_api.h"
#include "validate.h"

static void check_fail(const char *body, unsigned flags, const char *code,
                       const char *detail, const char *attr)
{
    json_t *in = unit_json(body), *out = (json_t *)1;
    sm_verror e;
    int rc = validate_body(&fixture_api, FX_MODEL_WIDGET, in, flags, &out, &e);
    if (rc == 0) {
        char *s = unit_dump(out);
        fail_msg("%s: accepted as %s, expected %s", body, s, detail);
    }
    assert_null(out);
    assert_string_equal(e.code, code);
    assert_string_equal(e.detail, detail);
    if (attr)
        assert_string_equal(e.attr, attr);
    else
        assert_null(e.attr);
    validate_error_clear(&e);
    json_decref(in);
}

static void check_ok(const char *body, unsigned flags, const char *want)
{
    json_t *in = unit_json(body), *out = NULL;
    sm_verror e;
    int rc = validate_body(&fixture_api, FX_MODEL_WIDGET, in, flags, &out, &e);
    if (rc != 0)
        fail_msg("%s: refused: %s (%s)", body, e.detail, e.attr ? e.attr : "null");
    char *s = unit_dump(out);
    assert_string_equal(s, want);
    free(s);
    json_decref(out);
    json_decref(in);
}

#define FAIL(body, code, detail, attr) check_fail(body, 0, code, detail, attr)
#define OK(body, want) check_ok(body, 0, want)
#define T "\"title\":\"t\""

static void test_body_shape(void **state)
{
    (void)state;
    FAIL("null", "null", "No data provided", NULL);
    FAIL("[1]", "invalid_input", "Invalid data. Expected a dictionary, but got list.", NULL);
    FAIL("\"x\"", "invalid_input", "Invalid data. Expected a dictionary, but got str.", NULL);
    FAIL("3", "invalid_input", "Invalid data. Expected a dictionary, but got int.", NULL);
    FAIL("2.5", "invalid_input", "Invalid data. Expected a dictionary, but got float.", NULL);
    FAIL("true", "invalid_input", "Invalid data. Expected a dictionary, but got bool.", NULL);
}

static void test_required_and_order(void **state)
{
    (void)state;
    FAIL("{}", "required", "This field is required.", "title");
    /* declared order: name (2nd) fails before the missing title (3rd) */
    FAIL("{\"name\":\"01234567890\"}", "max_length",
         "Ensure this field has no more than 10 characters.", "name");
    /* ... and the missing title before an invalid count (4th) */
    FAIL("{\"count\":\"x\"}", "required", "This field is required.", "title");
    FAIL("{" T ",\"count\":\"x\",\"name\":5,\"enabled\":\"x\"}", "invalid_input",
         "A valid integer is required.", "count");
    /* PATCH: absent fields are fine, present ones still checked */
    check_ok("{}", VALIDATE_PARTIAL, "{}");
    check_fail("{\"count\":-1}", VALIDATE_PARTIAL, "min_value",
               "Ensure this value is greater than or equal to 0.", "count");
    /* read-only and unknown members are ignored, write-only kept */
    OK("{" T ",\"id\":99,\"created_at\":5,\"owner\":[],\"nope\":1,\"secret\":\"s\"}",
       "{\"title\":\"t\",\"secret\":\"s\"}");
}

static void test_null(void **state)
{
    (void)state;
    FAIL("{\"title\":null}", "null", "This field may not be null.", "title");
    FAIL("{" T ",\"count\":null}", "null", "This field may not be null.", "count");
    FAIL("{" T ",\"meta\":null}", "null", "This field may not be null.", "meta");
    OK("{" T ",\"name\":null,\"ratio\":null,\"when\":null,\"extra\":null,\"gadget\":null}",
       "{\"name\":null,\"title\":\"t\",\"ratio\":null,\"when\":null,\"extra\":null,\"gadget\":null}");
}

static void test_string(void **state)
{
    (void)state;
    FAIL("{\"title\":true}", "invalid_input", "Not a valid string.", "title");
    FAIL("{\"title\":{}}", "invalid_input", "Not a valid string.", "title");
    FAIL("{\"title\":[\"a\"]}", "invalid_input", "Not a valid string.", "title");
    FAIL("{\"title\":\"\"}", "blank", "This field may not be blank.", "title");
    FAIL("{\"title\":\"  \\t \"}", "blank", "This field may not be blank.", "title");
    FAIL("{\"title\":\"a\\u0000b\"}", "null_characters_not_allowed",
         "Null characters are not allowed.", "title");
    OK("{\"title\":12}", "{\"title\":\"12\"}");
    OK("{\"title\":1.5}", "{\"title\":\"1.5\"}");
    OK("{\"title\":1e16}", "{\"title\":\"1e+16\"}");
    OK("{\"title\":\"  padded\\n\"}", "{\"title\":\"padded\"}");
    /* blank allowed without notblank; max_length counts characters */
    OK("{" T ",\"name\":\"   \"}", "{\"name\":\"\",\"title\":\"t\"}");
    OK("{" T ",\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}",
       "{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\",\"title\":\"t\"}");
    FAIL("{" T ",\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x\"}",
         "max_length", "Ensure this field has no more than 10 characters.", "name");
}

static void test_int(void **state)
{
    (void)state;
    OK("{" T ",\"count\":\"12\"}", "{\"title\":\"t\",\"count\":12}");
    OK("{" T ",\"count\":12.0}", "{\"title\":\"t\",\"count\":12}");
    OK("{" T ",\"count\":\"12.00 \"}", "{\"title\":\"t\",\"count\":12}");
    OK("{" T ",\"count\":\" 7 \"}", "{\"title\":\"t\",\"count\":7}");
    FAIL("{" T ",\"count\":12.5}", "invalid_input", "A valid integer is required.", "count");
    FAIL("{" T ",\"count\":\"abc\"}", "invalid_input", "A valid integer is required.", "count");
    FAIL("{" T ",\"count\":true}", "invalid_input", "A valid integer is required.", "count");
    FAIL("{" T ",\"count\":[1]}", "invalid_input", "A valid integer is required.", "count");
    FAIL("{" T ",\"count\":101}", "max_value", "Ensure this value is less than or equal to 100.", "count");
    FAIL("{" T ",\"count\":-1}", "min_value", "Ensure this value is greater than or equal to 0.", "count");
}

static void test_number(void **state)
{
    (void)state;
    OK("{" T ",\"ratio\":\"0.25\"}", "{\"title\":\"t\",\"ratio\":0.25}");
    OK("{" T ",\"ratio\":1}", "{\"title\":\"t\",\"ratio\":1.0}");
    OK("{" T ",\"ratio\":true}", "{\"title\":\"t\",\"ratio\":1.0}");
    FAIL("{" T ",\"ratio\":\"x\"}", "invalid_input", "A valid number is required.", "ratio");
    FAIL("{" T ",\"ratio\":{}}", "invalid_input", "A valid number is required.", "ratio");
    FAIL("{" T ",\"ratio\":1.5}", "max_value", "Ensure this value is less than or equal to 1.", "ratio");
    FAIL("{" T ",\"ratio\":-0.5}", "min_value", "Ensure this value is greater than or equal to 0.", "ratio");
}

static void test_bool(void **state)
{
    (void)state;
    const char *yes[] = {"true", "1", "1.0", "\"true\"", "\"1\"", "\"yes\"", "\"on\"", "\"T\""};
    const char *no[] = {"false", "0", "\"false\"", "\"0\"", "\"off\"", "\"N\""};
    char b[128];
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        snprintf(b, sizeof b, "{" T ",\"enabled\":%s}", yes[i]);
        OK(b, "{\"title\":\"t\",\"enabled\":true}");
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        snprintf(b, sizeof b, "{" T ",\"enabled\":%s}", no[i]);
        OK(b, "{\"title\":\"t\",\"enabled\":false}");
    }
    FAIL("{" T ",\"enabled\":2}", "invalid_input", "Must be a valid boolean.", "enabled");
    FAIL("{" T ",\"enabled\":\"maybe\"}", "invalid_input", "Must be a valid boolean.", "enabled");
    FAIL("{" T ",\"enabled\":\"null\"}", "invalid_input", "Must be a valid boolean.", "enabled");
    OK("{" T ",\"maybe\":\"null\"}", "{\"title\":\"t\",\"maybe\":null}");
}

static void test_enum(void **state)
{
    (void)state;
    OK("{" T ",\"color\":\"blue\",\"level\":\"2\"}", "{\"title\":\"t\",\"color\":\"blue\",\"level\":2}");
    OK("{" T ",\"color\":\"\"}", "{\"title\":\"t\",\"color\":\"\"}");
    FAIL("{" T ",\"color\":\"purple\"}", "invalid_choice", "\"purple\" is not a valid choice.", "color");
    FAIL("{" T ",\"color\":true}", "invalid_choice", "\"True\" is not a valid choice.", "color");
    FAIL("{" T ",\"level\":2.0}", "invalid_choice", "\"2.0\" is not a valid choice.", "level");
    FAIL("{" T ",\"level\":[1, \"a'b\"]}", "invalid_choice", "\"[1, \"a'b\"]\" is not a valid choice.", "level");
    FAIL("{" T ",\"level\":{\"a\": null}}", "invalid_choice", "\"{'a': None}\" is not a valid choice.", "level");
}

static void test_datetime(void **state)
{
    (void)state;
    const char *fmt = "Datetime has wrong format. Use one of these formats instead: "
                      "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";
    OK("{" T ",\"when\":\"2026-01-02T03:04:05+01:00\"}", "{\"title\":\"t\",\"when\":\"2026-01-02T02:04:05Z\"}");
    OK("{" T ",\"when\":\"2026-1-2 3:04\"}", "{\"title\":\"t\",\"when\":\"2026-01-02T03:04:00Z\"}");
    OK("{" T ",\"when\":\"2026-01-02T03:04:05.5Z\"}", "{\"title\":\"t\",\"when\":\"2026-01-02T03:04:05.500000Z\"}");
    OK("{" T ",\"when\":\"2026-01-02T03:04:05,000001-0130\"}", "{\"title\":\"t\",\"when\":\"2026-01-02T04:34:05.000001Z\"}");
    FAIL("{" T ",\"when\":\"2026-13-01T00:00\"}", "invalid_input", fmt, "when");
    FAIL("{" T ",\"when\":\"2026-01-01\"}", "invalid_input", fmt, "when");
    FAIL("{" T ",\"when\":1700000000}", "invalid_input", fmt, "when");
    FAIL("{" T ",\"when\":\"0001-01-01T00:30+01:00\"}", "overflow", "Datetime value out of range.", "when");
}

static void test_uuid(void **state)
{
    (void)state;
    const char *want = "{\"title\":\"t\",\"ref\":\"01936a3e-5c1f-7000-8000-000000000001\"}";
    OK("{" T ",\"ref\":\"01936A3E-5C1F-7000-8000-000000000001\"}", want);
    OK("{" T ",\"ref\":\"{01936a3e5c1f70008000000000000001}\"}", want);
    OK("{" T ",\"ref\":\"urn:uuid:01936a3e-5c1f-7000-8000-000000000001\"}", want);
    OK("{" T ",\"ref\":255}", "{\"title\":\"t\",\"ref\":\"00000000-0000-0000-0000-0000000000ff\"}");
    FAIL("{" T ",\"ref\":\"01936a3e-5c1f-7000-8000-00000000000\"}", "invalid_input", "Must be a valid UUID.", "ref");
    FAIL("{" T ",\"ref\":\"01936a3e-5c1f-7000-8000-00000000000g\"}", "invalid_input", "Must be a valid UUID.", "ref");
    FAIL("{" T ",\"ref\":1.5}", "invalid_input", "Must be a valid UUID.", "ref");
}

static void test_object_array_model(void **state)
{
    (void)state;
    FAIL("{" T ",\"meta\":[]}", "invalid_input", "Expected a dictionary of items but got type \"list\".", "meta");
    FAIL("{" T ",\"meta\":\"x\"}", "invalid_input", "Expected a dictionary of items but got type \"str\".", "meta");
    OK("{" T ",\"meta\":{\"a\":[1,{}]},\"extra\":[1,\"x\"]}",
       "{\"title\":\"t\",\"meta\":{\"a\":[1,{}]},\"extra\":[1,\"x\"]}");
    FAIL("{" T ",\"tags\":{}}", "not_a_list", "Expected a list of items but got type \"dict\".", "tags");
    FAIL("{" T ",\"tags\":\"ab\"}", "not_a_list", "Expected a list of items but got type \"str\".", "tags");
    FAIL("{" T ",\"tags\":3}", "not_a_list", "Expected a list of items but got type \"int\".", "tags");
    FAIL("{" T ",\"tags\":2.5}", "not_a_list", "Expected a list of items but got type \"float\".", "tags");
    FAIL("{" T ",\"tags\":false}", "not_a_list", "Expected a list of items but got type \"bool\".", "tags");
    FAIL("{" T ",\"tags\":[\"a\",null]}", "null", "This field may not be null.", "tags__1");
    FAIL("{" T ",\"tags\":[\"a\",\"toolong\"]}", "max_length", "Ensure this field has no more than 5 characters.", "tags__1");
    OK("{" T ",\"tags\":[\" a \",7],\"scores\":[\"1\",null]}",
       "{\"title\":\"t\",\"tags\":[\"a\",\"7\"],\"scores\":[1,null]}");
    FAIL("{" T ",\"gadget\":[]}", "invalid_input", "Invalid data. Expected a dictionary, but got list.", "gadget");
    FAIL("{" T ",\"gadget\":{}}", "required", "This field is required.", "gadget__label");
    FAIL("{" T ",\"gadgets\":[{\"label\":\"a\"},{\"label\":\"b\",\"size\":11}]}", "max_value",
         "Ensure this value is less than or equal to 10.", "gadgets__1__size");
    OK("{" T ",\"gadget\":{\"label\":\"x\",\"size\":\"3\",\"zz\":1}}",
       "{\"title\":\"t\",\"gadget\":{\"label\":\"x\",\"size\":3}}");
    /* nested required fields are not required in a PATCH */
    check_ok("{\"gadget\":{\"size\":2}}", VALIDATE_PARTIAL, "{\"gadget\":{\"size\":2}}");
}

static void test_single_value(void **state)
{
    (void)state;
    const sm_field *f = &fixture_api.models[FX_MODEL_OWNER].fields[1]; /* name, maxlen 20 */
    json_t *v = json_string("0123456789012345678901"), *out;
    sm_verror e;
    assert_int_equal(validate_value(&fixture_api, f, v, 0, "user__name", &out, &e), -1);
    assert_string_equal(e.attr, "user__name");
    assert_string_equal(e.code, "max_length");
    validate_error_clear(&e);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body_shape),
        cmocka_unit_test(test_required_and_order),
        cmocka_unit_test(test_null),
        cmocka_unit_test(test_string),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_number),
        cmocka_unit_test(test_bool),
        cmocka_unit_test(test_enum),
        cmocka_unit_test(test_datetime),
        cmocka_unit_test(test_uuid),
        cmocka_unit_test(test_object_array_model),
        cmocka_unit_test(test_single_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
