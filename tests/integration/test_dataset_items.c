/*
 * test_dataset_items.c — dataset_items/: list with ?dataset= (#35), create
 * (#36), retrieve (#37), PATCH (#38) including the soft delete that PATCH
 * still reaches, and the missing DELETE route
 * (spec/posthog/dataset_items.spec; posthog-behavior.md §4, §5.11, §6.8).
 * Owner: SPEC-2 helper.
 */
#include "harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DI API1 "/dataset_items/"
#define DS1 "d93f2be0-02b1-4d87-8b6e-fc5cba21ed8d"
#define DS2 "0b6f5a1e-8c3d-4e2f-9a1b-2c3d4e5f6a7b"
#define MISSING_UUID "7f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b"

#define MISSING_SCOPE(r, scope)                                                \
    ASSERT_ERROR((r), 403, "authentication_error", "permission_denied",        \
                 "API key missing required scope '" scope "'", NULL)

static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_ds_read\", \"scopes\": [\"dataset:read\"]},\n"
    " {\"key\": \"phx_ds_write\", \"scopes\": [\"dataset:write\"]},\n"
    " {\"key\": \"phx_other\", \"scopes\": [\"dashboard:write\"]}\n"
    "]\n";

static const char EMPTY_PAGE[] = "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}";

static int setup(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS};
    *state = server_start(&o);
    return 0;
}

static bool is_uuid(const char *u)
{
    if (!u || strlen(u) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? u[i] != '-' : !strchr("0123456789abcdef", u[i]))
            return false;
    }
    return true;
}

/* DatasetItem in declared order; `mid` is the JSON text of the members from
 * "input" to "deleted" inclusive. */
static char *item_json(const char *id, const char *dataset, const char *mid, int clock_s)
{
    return xprintf("{\"id\":\"%s\",\"dataset\":\"%s\",%s,\"created_at\":\"%s\","
                   "\"updated_at\":\"%s\",\"created_by\":" USER_DEFAULT_JSON ",\"team\":1}",
                   id, dataset, mid, clock_at(clock_s), clock_at(clock_s));
}

#define MID_DEFAULT                                                            \
    "\"input\":null,\"output\":null,\"metadata\":null,\"ref_trace_id\":null,"  \
    "\"ref_timestamp\":null,\"ref_source_id\":null,\"deleted\":false"

/* POST body, assert 201 with item_json(…mid…), return the id. */
static char *create_item(server *s, const char *body, const char *dataset, const char *mid,
                         int clock_s)
{
    http_resp r;
    http(s, "POST", DI, body, &r);
    ASSERT_STATUS(&r, 201);
    json_t *j = json_loads(r.body, 0, NULL);
    const char *v = json_string_value(json_object_get(j, "id"));
    char *id = v ? strdup(v) : NULL;
    json_decref(j);
    if (!is_uuid(id)) {
        print_error("id is not a canonical uuid: %s\n", r.body);
        fail();
    }
    char *exp = item_json(id, dataset, mid, clock_s);
    ASSERT_JSON_RESP(&r, 201, exp);
    free(exp);
    http_resp_free(&r);
    return id;
}

static void test_create_retrieve_list(void **state)
{
    server *s = *state;
    char *a = create_item(s, "{\"dataset\":\"" DS1 "\"}", DS1, MID_DEFAULT, 0);
    const char *mid_b =
        "\"input\":{\"q\":\"2+2?\"},\"output\":\"4\",\"metadata\":{\"k\":[1]},"
        "\"ref_trace_id\":\"trace-1\",\"ref_timestamp\":\"2025-12-31T22:00:00Z\","
        "\"ref_source_id\":\"gen-7\",\"deleted\":false";
    char *b = create_item(s,
                          "{\"dataset\":\"" DS2 "\",\"input\":{\"q\":\"2+2?\"},\"output\":\"4\","
                          "\"metadata\":{\"k\":[1]},\"ref_trace_id\":\"trace-1\","
                          "\"ref_timestamp\":\"2026-01-01T00:00:00+02:00\","
                          "\"ref_source_id\":\"gen-7\",\"team\":5}",
                          DS2, mid_b, 1);
    char *ja = item_json(a, DS1, MID_DEFAULT, 0);
    char *jb = item_json(b, DS2, mid_b, 1);
    char *pa = xprintf(DI "%s/", a);
    char *pb = xprintf(DI "%s/", b);
    EXPECT_KEY(s, "GET", pa, NULL, NULL, 200, ja);
    EXPECT_KEY(s, "GET", pb, "phx_ds_read", NULL, 200, jb);
    char *list = xprintf("{\"count\":2,\"next\":null,\"previous\":null,\"results\":[%s,%s]}",
                         ja, jb);
    EXPECT_KEY(s, "GET", DI, NULL, NULL, 200, list);
    free(list);
    /* ?dataset= filters */
    list = xprintf("{\"count\":1,\"next\":null,\"previous\":null,\"results\":[%s]}", jb);
    EXPECT_KEY(s, "GET", DI "?dataset=" DS2, NULL, NULL, 200, list);
    free(list);
    EXPECT_KEY(s, "GET", DI "?dataset=" MISSING_UUID, NULL, NULL, 200, EMPTY_PAGE);
    EXPECT_KEY(s, "GET", "/api/environments/2/dataset_items/", NULL, NULL, 200, EMPTY_PAGE);
    free(pa);
    free(pb);
    free(ja);
    free(jb);
    free(a);
    free(b);
}

static void test_create_validation(void **state)
{
    server *s = *state;
    http_resp r;
    http_key(s, "POST", DI, NULL, "{}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "dataset");
    http_resp_free(&r);
    http_key(s, "POST", DI, NULL, "{\"dataset\":\"not-a-uuid\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "Must be a valid UUID.", "dataset");
    http_resp_free(&r);
    http_key(s, "POST", DI, NULL, "{\"dataset\":null}", &r);
    ASSERT_VALIDATION(&r, "null", "This field may not be null.", "dataset");
    http_resp_free(&r);
    char big[300];
    memset(big, 'x', 256);
    big[256] = '\0';
    char *body = xprintf("{\"dataset\":\"" DS1 "\",\"ref_trace_id\":\"%s\"}", big);
    http_key(s, "POST", DI, NULL, body, &r);
    ASSERT_VALIDATION(&r, "max_length", "Ensure this field has no more than 255 characters.",
                      "ref_trace_id");
    http_resp_free(&r);
    free(body);
    http_key(s, "POST", DI, NULL, "{\"dataset\":\"" DS1 "\",\"ref_timestamp\":\"yesterday\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_input",
                      "Datetime has wrong format. Use one of these formats instead: "
                      "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
                      "ref_timestamp");
    http_resp_free(&r);
    http_req q = {.method = "POST", .path = DI, .body = "{\"dataset\":\"" DS1 "\"}",
                  .content_type = "text/plain"};
    http_do(s, &q, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    EXPECT_KEY(s, "GET", DI, NULL, NULL, 200, EMPTY_PAGE);
}

static void test_retrieve_not_found(void **state)
{
    server *s = *state;
    http_resp r;
    const char *paths[] = {DI MISSING_UUID "/", DI "nope/", DI "1/", NULL};
    for (int i = 0; paths[i]; i++) {
        http_key(s, "GET", paths[i], NULL, NULL, &r);
        ASSERT_NOT_FOUND(&r);
        http_resp_free(&r);
        http_key(s, "PATCH", paths[i], NULL, "{}", &r);
        ASSERT_NOT_FOUND(&r);
        http_resp_free(&r);
    }
}

/* PATCH deleted=true hides the item from the list and retrieve; PATCH still
 * reaches it, and deleted=false restores it. */
static void test_patch_and_soft_delete(void **state)
{
    server *s = *state;
    char *id = create_item(s, "{\"dataset\":\"" DS1 "\"}", DS1, MID_DEFAULT, 0);
    char *p = xprintf(DI "%s/", id);
    const char *mid_out =
        "\"input\":null,\"output\":{\"a\":1},\"metadata\":null,\"ref_trace_id\":null,"
        "\"ref_timestamp\":null,\"ref_source_id\":null,\"deleted\":false";
    char *exp = item_json(id, DS1, mid_out, 0);
    EXPECT_KEY(s, "PATCH", p, NULL, "{\"output\":{\"a\":1},\"id\":\"" MISSING_UUID "\"}", 200, exp);
    EXPECT_KEY(s, "GET", p, NULL, NULL, 200, exp);
    free(exp);

    const char *mid_del =
        "\"input\":null,\"output\":{\"a\":1},\"metadata\":null,\"ref_trace_id\":null,"
        "\"ref_timestamp\":null,\"ref_source_id\":null,\"deleted\":true";
    exp = item_json(id, DS1, mid_del, 0);
    EXPECT_KEY(s, "PATCH", p, "phx_ds_write", "{\"deleted\":true}", 200, exp);
    free(exp);
    http_resp r;
    http_key(s, "GET", p, NULL, NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    EXPECT_KEY(s, "GET", DI, NULL, NULL, 200, EMPTY_PAGE);
    EXPECT_KEY(s, "GET", DI "?dataset=" DS1, NULL, NULL, 200, EMPTY_PAGE);

    /* PATCH reaches the deleted item */
    const char *mid_del2 =
        "\"input\":\"hi\",\"output\":{\"a\":1},\"metadata\":null,\"ref_trace_id\":null,"
        "\"ref_timestamp\":null,\"ref_source_id\":null,\"deleted\":true";
    exp = item_json(id, DS1, mid_del2, 0);
    EXPECT_KEY(s, "PATCH", p, NULL, "{\"input\":\"hi\"}", 200, exp);
    free(exp);

    /* restore */
    const char *mid_back =
        "\"input\":\"hi\",\"output\":{\"a\":1},\"metadata\":null,\"ref_trace_id\":null,"
        "\"ref_timestamp\":null,\"ref_source_id\":null,\"deleted\":false";
    exp = item_json(id, DS1, mid_back, 0);
    EXPECT_KEY(s, "PATCH", p, NULL, "{\"deleted\":false}", 200, exp);
    EXPECT_KEY(s, "GET", p, NULL, NULL, 200, exp);
    char *list = xprintf("{\"count\":1,\"next\":null,\"previous\":null,\"results\":[%s]}", exp);
    EXPECT_KEY(s, "GET", DI, NULL, NULL, 200, list);
    free(list);
    free(exp);

    http_key(s, "PATCH", p, NULL, "{\"dataset\":\"x\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "Must be a valid UUID.", "dataset");
    http_resp_free(&r);
    http_key(s, "PATCH", p, NULL, "{\"deleted\":\"perhaps\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "Must be a valid boolean.", "deleted");
    http_resp_free(&r);
    free(p);
    free(id);
}

/* No DELETE route: DRF's standard 405. */
static void test_delete_not_allowed(void **state)
{
    server *s = *state;
    char *id = create_item(s, "{\"dataset\":\"" DS1 "\"}", DS1, MID_DEFAULT, 0);
    char *p = xprintf(DI "%s/", id);
    http_resp r;
    http_key(s, "DELETE", p, NULL, NULL, &r);
    ASSERT_ERROR(&r, 405, "invalid_request", "method_not_allowed",
                 "Method \"DELETE\" not allowed.", NULL);
    http_resp_free(&r);
    http_key(s, "GET", p, NULL, NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    free(p);
    free(id);
}

static void test_auth_and_scopes(void **state)
{
    server *s = *state;
    char *id = create_item(s, "{\"dataset\":\"" DS1 "\"}", DS1, MID_DEFAULT, 0);
    char *p = xprintf(DI "%s/", id);
    struct { const char *m, *p, *body; } ops[] = {
        {"GET", DI, NULL},
        {"POST", DI, "{\"dataset\":\"" DS1 "\"}"},
        {"GET", p, NULL},
        {"PATCH", p, "{\"deleted\":true}"},
    };
    http_resp r;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        print_message("%s %s\n", ops[i].m, ops[i].p);
        bool write = strcmp(ops[i].m, "GET") != 0;
        http_key(s, ops[i].m, ops[i].p, HTTP_NONE, ops[i].body, &r);
        NOT_AUTHENTICATED(&r);
        http_resp_free(&r);
        http_key(s, ops[i].m, ops[i].p, "phx_other", ops[i].body, &r);
        if (write)
            MISSING_SCOPE(&r, "dataset:write");
        else
            MISSING_SCOPE(&r, "dataset:read");
        http_resp_free(&r);
        if (write) {
            http_key(s, ops[i].m, ops[i].p, "phx_ds_read", ops[i].body, &r);
            MISSING_SCOPE(&r, "dataset:write");
            http_resp_free(&r);
        } else {
            http_key(s, ops[i].m, ops[i].p, "phx_ds_write", ops[i].body, &r);
            ASSERT_STATUS(&r, 200);
            http_resp_free(&r);
        }
    }
    /* nothing changed */
    char *exp = item_json(id, DS1, MID_DEFAULT, 0);
    EXPECT_KEY(s, "GET", p, "phx_ds_read", NULL, 200, exp);
    free(exp);
    free(p);
    free(id);
}

/* An unknown or non-integer project is 404 "Project not found." on every
 * route (collection routes have no other 404). */
static void test_project_not_found(void **state)
{
    server *s = *state;
    struct { const char *m, *p, *body; } ops[] = {
        {"GET", "/api/environments/abc/dataset_items/", NULL},
        {"POST", "/api/environments/abc/dataset_items/", "{\"dataset\":\"" DS1 "\"}"},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        print_message("%s %s\n", ops[i].m, ops[i].p);
        http_resp r;
        http(s, ops[i].m, ops[i].p, ops[i].body, &r);
        ASSERT_ERROR(&r, 404, "invalid_request", "not_found", "Project not found.", NULL);
        http_resp_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_retrieve_list, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_create_validation, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_retrieve_not_found, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_patch_and_soft_delete, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_delete_not_allowed, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_auth_and_scopes, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_project_not_found, setup, fixture_stop_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
