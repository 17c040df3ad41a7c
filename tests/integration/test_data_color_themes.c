/*
 * test_data_color_themes.c — data_color_themes/: create (#31), retrieve
 * (#32), PATCH (#33), hard DELETE (#34) and the plain-array list, with the
 * project scope (spec/posthog/data_color_themes.spec; posthog-behavior.md
 * §3, §4, §5.10, §6.8).
 * Owner: SPEC-2 helper.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DCT API1 "/data_color_themes/"

#define MISSING_SCOPE(r, scope)                                                \
    ASSERT_ERROR((r), 403, "authentication_error", "permission_denied",        \
                 "API key missing required scope '" scope "'", NULL)

static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_proj_read\", \"scopes\": [\"project:read\"]},\n"
    " {\"key\": \"phx_proj_write\", \"scopes\": [\"project:write\"]},\n"
    " {\"key\": \"phx_other\", \"scopes\": [\"dashboard:write\"]}\n"
    "]\n";

static int setup(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS};
    *state = server_start(&o);
    return 0;
}

/* DataColorTheme in declared order (created_by: the default caller). */
static char *theme(int id, const char *name, const char *colors, int clock_s)
{
    return xprintf("{\"id\":%d,\"name\":\"%s\",\"colors\":%s,\"is_global\":false,"
                   "\"created_at\":\"%s\",\"created_by\":" USER_DEFAULT_JSON "}",
                   id, name, colors, clock_at(clock_s));
}

static void test_create_retrieve_list(void **state)
{
    server *s = *state;
    EXPECT_KEY(s, "GET", DCT, NULL, NULL, 200, "[]");
    char *t1 = theme(1, "Ocean", "[\"#1f77b4\",\"#ff7f0e\"]", 0);
    EXPECT_KEY(s, "POST", DCT, NULL, "{\"name\":\"Ocean\",\"colors\":[\"#1f77b4\",\"#ff7f0e\"]}",
           201, t1);
    /* colors defaults to []; read-only input is ignored */
    char *t2 = theme(2, "Plain", "[]", 1);
    EXPECT_KEY(s, "POST", DCT, "phx_proj_write",
           "{\"name\":\"Plain\",\"is_global\":true,\"id\":9,\"created_by\":null}", 201, t2);
    EXPECT_KEY(s, "GET", DCT "1/", NULL, NULL, 200, t1);
    EXPECT_KEY(s, "GET", DCT "2/", "phx_proj_read", NULL, 200, t2);
    /* the list is a plain array (not the paginated envelope) */
    char *list = xprintf("[%s,%s]", t1, t2);
    EXPECT_KEY(s, "GET", DCT, NULL, NULL, 200, list);
    EXPECT_KEY(s, "GET", "/api/environments/2/data_color_themes/", NULL, NULL, 200, "[]");
    free(list);
    free(t1);
    free(t2);
}

static void test_create_validation(void **state)
{
    server *s = *state;
    http_resp r;
    http_key(s, "POST", DCT, NULL, "{}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "name");
    http_resp_free(&r);
    http_key(s, "POST", DCT, NULL, "{\"name\":\"\"}", &r);
    ASSERT_VALIDATION(&r, "blank", "This field may not be blank.", "name");
    http_resp_free(&r);
    http_key(s, "POST", DCT, NULL, "{\"name\":null}", &r);
    ASSERT_VALIDATION(&r, "null", "This field may not be null.", "name");
    http_resp_free(&r);
    char big[160];
    memset(big, 'x', 101);
    big[101] = '\0';
    char *body = xprintf("{\"name\":\"%s\"}", big);
    http_key(s, "POST", DCT, NULL, body, &r);
    ASSERT_VALIDATION(&r, "max_length", "Ensure this field has no more than 100 characters.",
                      "name");
    http_resp_free(&r);
    free(body);
    http_req q = {.method = "POST", .path = DCT, .body = "{\"name\":\"a\"}",
                  .content_type = "text/plain"};
    http_do(s, &q, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    EXPECT_KEY(s, "GET", DCT, NULL, NULL, 200, "[]");
}

static void test_patch(void **state)
{
    server *s = *state;
    http_resp r;
    http_key(s, "POST", DCT, NULL, "{\"name\":\"Ocean\",\"colors\":[\"#000\"]}", &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    char *exp = theme(1, "Sea", "[\"#000\"]", 0);
    EXPECT_KEY(s, "PATCH", DCT "1/", NULL, "{\"name\":\"Sea\"}", 200, exp);
    EXPECT_KEY(s, "GET", DCT "1/", NULL, NULL, 200, exp);
    free(exp);
    exp = theme(1, "Sea", "[\"#111\",\"#222\"]", 0);
    EXPECT_KEY(s, "PATCH", DCT "1/", "phx_proj_write", "{\"colors\":[\"#111\",\"#222\"]}", 200, exp);
    http_key(s, "PATCH", DCT "1/", NULL, "{\"name\":\"\"}", &r);
    ASSERT_VALIDATION(&r, "blank", "This field may not be blank.", "name");
    http_resp_free(&r);
    http_key(s, "PATCH", DCT "1/", NULL, "{\"name\":null}", &r);
    ASSERT_VALIDATION(&r, "null", "This field may not be null.", "name");
    http_resp_free(&r);
    EXPECT_KEY(s, "GET", DCT "1/", NULL, NULL, 200, exp);
    free(exp);
    http_key(s, "PATCH", DCT "2/", NULL, "{\"name\":\"x\"}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http_key(s, "PATCH", "/api/environments/2/data_color_themes/1/", NULL, "{\"name\":\"x\"}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
}

/* A hard delete: 204, then 404 for retrieve, PATCH and DELETE. */
static void test_delete(void **state)
{
    server *s = *state;
    http_resp r;
    http_key(s, "POST", DCT, NULL, "{\"name\":\"Gone\"}", &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    http_key(s, "POST", DCT, NULL, "{\"name\":\"Stays\"}", &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    http_key(s, "DELETE", DCT "1/", NULL, NULL, &r);
    ASSERT_STATUS(&r, 204);
    ASSERT_BODY(&r, "");
    http_resp_free(&r);
    http_key(s, "GET", DCT "1/", NULL, NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http_key(s, "PATCH", DCT "1/", NULL, "{\"name\":\"back\"}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http_key(s, "DELETE", DCT "1/", "phx_proj_write", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    char *t2 = theme(2, "Stays", "[]", 1);
    char *list = xprintf("[%s]", t2);
    EXPECT_KEY(s, "GET", DCT, NULL, NULL, 200, list);
    free(list);
    free(t2);
    /* ids are not reused */
    http_key(s, "POST", DCT, NULL, "{\"name\":\"New\"}", &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "id", "3");
    http_resp_free(&r);
    http_key(s, "DELETE", DCT "99/", NULL, NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
}

static void test_auth_and_scopes(void **state)
{
    server *s = *state;
    http_resp r;
    http_key(s, "POST", DCT, NULL, "{\"name\":\"T\"}", &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    struct { const char *m, *p, *body; } ops[] = {
        {"GET", DCT, NULL},           {"POST", DCT, "{\"name\":\"x\"}"},
        {"GET", DCT "1/", NULL},      {"PATCH", DCT "1/", "{\"name\":\"x\"}"},
        {"DELETE", DCT "1/", NULL},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        print_message("%s %s\n", ops[i].m, ops[i].p);
        bool write = strcmp(ops[i].m, "GET") != 0;
        http_key(s, ops[i].m, ops[i].p, HTTP_NONE, ops[i].body, &r);
        NOT_AUTHENTICATED(&r);
        http_resp_free(&r);
        http_key(s, ops[i].m, ops[i].p, "phx_other", ops[i].body, &r);
        if (write)
            MISSING_SCOPE(&r, "project:write");
        else
            MISSING_SCOPE(&r, "project:read");
        http_resp_free(&r);
        if (write) {
            http_key(s, ops[i].m, ops[i].p, "phx_proj_read", ops[i].body, &r);
            MISSING_SCOPE(&r, "project:write");
            http_resp_free(&r);
        }
    }
    /* nothing changed */
    char *t1 = theme(1, "T", "[]", 0);
    EXPECT_KEY(s, "GET", DCT "1/", "phx_proj_read", NULL, 200, t1);
    free(t1);
}

/* An unknown or non-integer project is 404 "Project not found." on every
 * route (collection routes have no other 404). */
static void test_project_not_found(void **state)
{
    server *s = *state;
    struct { const char *m, *p, *body; } ops[] = {
        {"GET", "/api/environments/abc/data_color_themes/", NULL},
        {"POST", "/api/environments/abc/data_color_themes/", "{\"name\":\"x\"}"},
        {"DELETE", "/api/environments/abc/data_color_themes/1/", NULL},
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
        cmocka_unit_test_setup_teardown(test_patch, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_delete, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_auth_and_scopes, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_project_not_found, setup, fixture_stop_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
