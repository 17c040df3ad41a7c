/*
 * test_validation.c — 400/415 on create: DRF's messages, the first failing
 * field in declared order, parse errors, non-object bodies, media types
 * (docs/contracts.md §4 steps 6–7, §6).
 */
#include "harness.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATETIME_MSG                                                           \
    "Datetime has wrong format. Use one of these formats instead: "            \
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."

typedef struct vcase {
    const char *body;
    const char *code;
    const char *detail;
    const char *attr;
} vcase;

static char *name_of_len(size_t n)
{
    char *b = malloc(n + 1);
    memset(b, 'a', n);
    b[n] = '\0';
    return b;
}

/* After failures nothing was stored and the clock did not move. */
static void assert_nothing_created(server *s)
{
    http_resp r;
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_JSON_RESP(&r, 200, "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}");
    http_resp_free(&r);
    http(s, "POST", DASH1, "{}", &r);
    char *exp = dash_json(1, clock_at(0), 1, NULL);
    ASSERT_JSON_RESP(&r, 201, exp);
    free(exp);
    http_resp_free(&r);
}

static void run_cases(server *s, const vcase *cases)
{
    for (int i = 0; cases[i].body; i++) {
        http_resp r;
        print_message("POST %s\n", strlen(cases[i].body) > 200 ? "(long body)" : cases[i].body);
        http(s, "POST", DASH1, cases[i].body, &r);
        ASSERT_VALIDATION(&r, cases[i].code, cases[i].detail, cases[i].attr);
        ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
        http_resp_free(&r);
    }
}

static void test_name_too_long(void **state)
{
    server *s = *state;
    char *n = name_of_len(401);
    char *body = xprintf("{\"name\":\"%s\"}", n);
    vcase c[] = {{body, "max_length", "Ensure this field has no more than 400 characters.", "name"},
                 {NULL, NULL, NULL, NULL}};
    run_cases(s, c);
    free(body);
    free(n);
    /* 401 two-byte characters as well */
    char *u = malloc(401 * 2 + 1);
    for (int i = 0; i < 401; i++)
        memcpy(u + 2 * i, "\xc3\xa9", 2);
    u[802] = '\0';
    body = xprintf("{\"name\":\"%s\"}", u);
    vcase c2[] = {{body, "max_length", "Ensure this field has no more than 400 characters.", "name"},
                  {NULL, NULL, NULL, NULL}};
    run_cases(s, c2);
    free(body);
    free(u);
    assert_nothing_created(s);
}

static void test_bool_fields(void **state)
{
    server *s = *state;
    const vcase c[] = {
        {"{\"pinned\":\"maybe\"}", "invalid_input", "Must be a valid boolean.", "pinned"},
        {"{\"pinned\":2}", "invalid_input", "Must be a valid boolean.", "pinned"},
        {"{\"pinned\":[]}", "invalid_input", "Must be a valid boolean.", "pinned"},
        {"{\"pinned\":{}}", "invalid_input", "Must be a valid boolean.", "pinned"},
        {"{\"pinned\":null}", "null", "This field may not be null.", "pinned"},
        {"{\"deleted\":\"nope\"}", "invalid_input", "Must be a valid boolean.", "deleted"},
        {"{\"delete_insights\":\"maybe\"}", "invalid_input", "Must be a valid boolean.",
         "delete_insights"},
        {NULL, NULL, NULL, NULL}};
    run_cases(s, c);
    assert_nothing_created(s);
}

static void test_enum_fields(void **state)
{
    server *s = *state;
    const vcase c[] = {
        {"{\"restriction_level\":5}", "invalid_choice", "\"5\" is not a valid choice.",
         "restriction_level"},
        {"{\"restriction_level\":\"abc\"}", "invalid_choice", "\"abc\" is not a valid choice.",
         "restriction_level"},
        {"{\"restriction_level\":null}", "null", "This field may not be null.",
         "restriction_level"},
        {NULL, NULL, NULL, NULL}};
    run_cases(s, c);
    assert_nothing_created(s);
}

static void test_array_fields(void **state)
{
    server *s = *state;
    const vcase c[] = {
        {"{\"tags\":\"x\"}", "not_a_list", "Expected a list of items but got type \"str\".",
         "tags"},
        {"{\"tags\":{\"a\":1}}", "not_a_list", "Expected a list of items but got type \"dict\".",
         "tags"},
        {"{\"tags\":3}", "not_a_list", "Expected a list of items but got type \"int\".", "tags"},
        {"{\"tags\":1.5}", "not_a_list", "Expected a list of items but got type \"float\".",
         "tags"},
        {"{\"tags\":true}", "not_a_list", "Expected a list of items but got type \"bool\".",
         "tags"},
        {"{\"tags\":null}", "null", "This field may not be null.", "tags"},
        /* items: 1 is accepted (becomes "1"), {} is not a string */
        {"{\"tags\":[1,{}]}", "invalid_input", "Not a valid string.", "tags__1"},
        {"{\"tags\":[true]}", "invalid_input", "Not a valid string.", "tags__0"},
        {"{\"tags\":[\"a\",\"b\",[]]}", "invalid_input", "Not a valid string.", "tags__2"},
        {"{\"tags\":[\"a\",null]}", "null", "This field may not be null.", "tags__1"},
        {NULL, NULL, NULL, NULL}};
    run_cases(s, c);
    assert_nothing_created(s);
}

static void test_string_fields(void **state)
{
    server *s = *state;
    const vcase c[] = {
        {"{\"description\":null}", "null", "This field may not be null.", "description"},
        {"{\"description\":true}", "invalid_input", "Not a valid string.", "description"},
        {"{\"description\":{}}", "invalid_input", "Not a valid string.", "description"},
        {"{\"name\":[\"x\"]}", "invalid_input", "Not a valid string.", "name"},
        {"{\"name\":false}", "invalid_input", "Not a valid string.", "name"},
        {"{\"use_template\":null}", "null", "This field may not be null.", "use_template"},
        {"{\"_create_in_folder\":{}}", "invalid_input", "Not a valid string.",
         "_create_in_folder"},
        {NULL, NULL, NULL, NULL}};
    run_cases(s, c);
    assert_nothing_created(s);
}

static void test_int_and_datetime_fields(void **state)
{
    server *s = *state;
    const vcase c[] = {
        {"{\"data_color_theme_id\":\"abc\"}", "invalid_input", "A valid integer is required.",
         "data_color_theme_id"},
        {"{\"data_color_theme_id\":12.5}", "invalid_input", "A valid integer is required.",
         "data_color_theme_id"},
        {"{\"data_color_theme_id\":[]}", "invalid_input", "A valid integer is required.",
         "data_color_theme_id"},
        {"{\"use_dashboard\":\"x\"}", "invalid_input", "A valid integer is required.",
         "use_dashboard"},
        {"{\"last_refresh\":\"yesterday\"}", "invalid_input", DATETIME_MSG, "last_refresh"},
        {"{\"last_accessed_at\":\"2026-13-01T00:00:00Z\"}", "invalid_input", DATETIME_MSG,
         "last_accessed_at"},
        {NULL, NULL, NULL, NULL}};
    run_cases(s, c);
    assert_nothing_created(s);
}

/* The first failing field in the model's declared order answers, whatever
 * the order in the body. */
static void test_first_failing_field_in_declared_order(void **state)
{
    server *s = *state;
    char *n = name_of_len(401);
    char *b1 = xprintf("{\"pinned\":\"maybe\",\"name\":\"%s\"}", n);
    const vcase c[] = {
        {b1, "max_length", "Ensure this field has no more than 400 characters.", "name"},
        {"{\"restriction_level\":5,\"description\":null}", "null", "This field may not be null.",
         "description"},
        {"{\"tags\":\"x\",\"pinned\":\"maybe\"}", "invalid_input", "Must be a valid boolean.",
         "pinned"},
        {"{\"delete_insights\":\"maybe\",\"last_refresh\":\"bad\"}", "invalid_input",
         DATETIME_MSG, "last_refresh"},
        {"{\"use_dashboard\":\"x\",\"restriction_level\":99,\"tags\":[{}]}", "invalid_input",
         "Not a valid string.", "tags__0"},
        {NULL, NULL, NULL, NULL}};
    run_cases(s, c);
    free(b1);
    free(n);
    assert_nothing_created(s);
}

/* 400 parse_error: exact envelope apart from the parser's message. */
static void assert_parse_error(const http_resp *r)
{
    static const char prefix[] =
        "{\"type\":\"invalid_request\",\"code\":\"parse_error\",\"detail\":\"JSON parse error - ";
    static const char suffix[] = "\",\"attr\":null}";
    ASSERT_STATUS(r, 400);
    ASSERT_HEADER(r, "Content-Type", "application/json");
    size_t pl = strlen(prefix), sl = strlen(suffix);
    if (r->len < pl + sl + 1 || memcmp(r->body, prefix, pl) != 0 ||
        memcmp(r->body + r->len - sl, suffix, sl) != 0) {
        print_error("expected %s<message>%s\n  got: %s\n", prefix, suffix, r->body);
        fail();
    }
    ASSERT_FIELD(r, "attr", "null");
}

static void test_malformed_json(void **state)
{
    server *s = *state;
    const char *bodies[] = {"{", "{\"name\": }", "{} x", "[1,", "nul", "{'name': 'x'}",
                            "{\"name\":\"unterminated}", "\xff\xfe", "{\"a\":1,}", NULL};
    for (int i = 0; bodies[i]; i++) {
        http_resp r;
        print_message("POST %s\n", bodies[i]);
        http(s, "POST", DASH1, bodies[i], &r);
        assert_parse_error(&r);
        ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
        http_resp_free(&r);
    }
    assert_nothing_created(s);
}

/* Python json's wording, the contract's own example (§4 step 6). */
static void test_parse_error_python_wording(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", DASH1, "x", &r);
    ASSERT_ERROR(&r, 400, "invalid_request", "parse_error",
                 "JSON parse error - Expecting value: line 1 column 1 (char 0)", NULL);
    http_resp_free(&r);
}

static void test_non_object_body(void **state)
{
    server *s = *state;
    const struct { const char *body, *type; } c[] = {
        {"[]", "list"}, {"[{\"name\":\"x\"}]", "list"}, {"\"x\"", "str"}, {"5", "int"},
        {NULL, NULL}};
    for (int i = 0; c[i].body; i++) {
        http_resp r;
        print_message("POST %s\n", c[i].body);
        http(s, "POST", DASH1, c[i].body, &r);
        char *detail = xprintf("Invalid data. Expected a dictionary, but got %s.", c[i].type);
        ASSERT_VALIDATION(&r, "invalid_input", detail, NULL);
        free(detail);
        http_resp_free(&r);
    }
    /* the exact bytes for the contract's example */
    http_resp r;
    http(s, "POST", DASH1, "[]", &r);
    ASSERT_JSON_RESP(&r, 400,
                     "{\"type\":\"validation_error\",\"code\":\"invalid_input\","
                     "\"detail\":\"Invalid data. Expected a dictionary, but got list.\","
                     "\"attr\":null}");
    http_resp_free(&r);
    assert_nothing_created(s);
}

static void test_unsupported_media_type(void **state)
{
    server *s = *state;
    const char *types[] = {"text/plain", "text/plain; charset=utf-8",
                           "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                           "application/jsonx", NULL};
    for (int i = 0; types[i]; i++) {
        http_req q = {.method = "POST", .path = DASH1, .body = "{\"name\":\"x\"}",
                      .content_type = types[i]};
        http_resp r;
        print_message("Content-Type: %s\n", types[i]);
        http_do(s, &q, &r);
        char *detail = xprintf("Unsupported media type \"%s\" in request.", types[i]);
        ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type", detail, NULL);
        ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
        free(detail);
        http_resp_free(&r);
    }
    /* exact bytes of the contract's example; the media type is checked before
     * the JSON is parsed */
    http_req q = {.method = "POST", .path = DASH1, .body = "{not json",
                  .content_type = "text/plain"};
    http_resp r;
    http_do(s, &q, &r);
    ASSERT_JSON_RESP(&r, 415,
                     "{\"type\":\"invalid_request\",\"code\":\"unsupported_media_type\","
                     "\"detail\":\"Unsupported media type \\\"text/plain\\\" in request.\","
                     "\"attr\":null}");
    http_resp_free(&r);
    assert_nothing_created(s);
}

/* The id member of a created record, as text (ints and uuids alike). */
static char *created_id(server *s, const char *path, const char *body)
{
    http_resp r;
    http(s, "POST", path, body, &r);
    ASSERT_STATUS(&r, 201);
    json_t *v = json_loads(r.body, 0, NULL);
    json_t *id = json_object_get(v, "id");
    char *t = json_is_string(id) ? strdup(json_string_value(id))
                                 : xprintf("%lld", (long long)json_integer_value(id));
    json_decref(v);
    http_resp_free(&r);
    return t;
}

/* PATCH bodies go through the same media-type gate as creates: one 415 per
 * partial update whose record exists (the gate runs after the lookup). */
static void test_patch_unsupported_media_type(void **state)
{
    server *s = *state;
    assert_int_equal(create_dashboard(s, 1, "d"), 1);
    char *theme = created_id(s, API1 "/data_color_themes/", "{\"name\":\"t\"}");
    char *item = created_id(s, API1 "/dataset_items/",
                            "{\"dataset\":\"d93f2be0-02b1-4d87-8b6e-fc5cba21ed8d\"}");
    char *sub = created_id(s, API1 "/subscriptions/",
                           "{\"target_type\":\"email\",\"target_value\":\"a@example.com\","
                           "\"frequency\":\"daily\",\"start_date\":\"2026-01-02T09:00:00Z\"}");
    char *paths[] = {xprintf(API1 "/dashboards/1/sharing/"),
                     xprintf(API1 "/data_color_themes/%s/", theme),
                     xprintf(API1 "/dataset_items/%s/", item),
                     xprintf(API1 "/subscriptions/%s/", sub)};
    for (size_t i = 0; i < 4; i++) {
        http_req q = {.method = "PATCH", .path = paths[i], .body = "{}",
                      .content_type = "text/plain"};
        http_resp r;
        print_message("PATCH %s\n", paths[i]);
        http_do(s, &q, &r);
        ASSERT_JSON_RESP(&r, 415,
                         "{\"type\":\"invalid_request\",\"code\":\"unsupported_media_type\","
                         "\"detail\":\"Unsupported media type \\\"text/plain\\\" in request.\","
                         "\"attr\":null}");
        http_resp_free(&r);
        free(paths[i]);
    }
    free(theme);
    free(item);
    free(sub);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_clock_server, fixture_stop_server)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_name_too_long),
        T(test_bool_fields),
        T(test_enum_fields),
        T(test_array_fields),
        T(test_string_fields),
        T(test_int_and_datetime_fields),
        T(test_first_failing_field_in_declared_order),
        T(test_malformed_json),
        T(test_parse_error_python_wording),
        T(test_non_object_body),
        T(test_unsupported_media_type),
        T(test_patch_unsupported_media_type),
    };
    return cmocka_run_group_tests_name("integration_validation", tests, NULL, NULL);
}
