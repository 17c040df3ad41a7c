/*
 * test_exports.c — exported assets, operations #17–#20 of seed-endpoints.md
 * as described in spec/posthog/exports.spec (v2): the caller's own exports
 * newest first, create with its refusals, retrieve, and the raw content
 * with Content-Type = export_format (posthog-behavior.md §4, §5.6, §6.5).
 *
 * Ownership: SPEC-1 helper (issue 4).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define BOB_UUID "01936a3e-5c1f-7000-8000-000000000002"
static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_export_read\", \"scopes\": [\"export:read\"]},\n"
    " {\"key\": \"phx_export_write\", \"scopes\": [\"export:write\"]},\n"
    " {\"key\": \"phx_dash_read\", \"scopes\": [\"dashboard:read\"]},\n"
    " {\"key\": \"phx_bob\", \"scopes\": [\"*\"], \"user\": {\"id\": 2,\n"
    "  \"uuid\": \"" BOB_UUID "\", \"first_name\": \"Bob\", \"email\": \"bob@example.com\"}}\n"
    "]\n";

#define EXP1 API1 "/exports/"

/* Dashboard 1 in project 1 (+0 s). */
static int setup(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS};
    server *s = server_start(&o);
    *state = s;
    create_dashboard(s, 1, "d");
    return 0;
}

/* An ExportedAsset as PostHog renders it: the creator is stored (it decides
 * who sees the export) but not rendered. */
static char *export_json(int id, const char *dashboard, const char *format,
                         const char *created_at, const char *context)
{
    return xprintf("{\"id\":%d,\"dashboard\":%s,\"insight\":null,\"export_format\":\"%s\","
                   "\"created_at\":\"%s\",\"has_content\":true,\"export_context\":%s,"
                   "\"filename\":\"export\",\"expires_after\":null,\"exception\":null}",
                   id, dashboard, format, created_at, context);
}

static void post_export(server *s, const char *auth, const char *body, long status)
{
    http_resp r;
    http_auth(s, "POST", EXP1, auth, body, &r);
    ASSERT_STATUS(&r, status);
    http_resp_free(&r);
}

/* ---- #18 create ---- */

static void test_create(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "POST", EXP1, "Bearer phx_export_write",
              "{\"dashboard\":1,\"export_format\":\"image/png\"}", &r); /* +1 */
    char *exp = export_json(1, "1", "image/png", clock_at(1), "null");
    ASSERT_JSON_RESP(&r, 201, exp);
    http_resp_free(&r);
    free(exp);
    http(s, "POST", EXP1,
         "{\"export_format\":\"text/csv\",\"export_context\":{\"path\":\"/q\"}}", &r); /* +2 */
    exp = export_json(2, "null", "text/csv", clock_at(2), "{\"path\":\"/q\"}");
    ASSERT_JSON_RESP(&r, 201, exp);
    http_resp_free(&r);
    free(exp);
    /* an insight alone is enough (insight ids are not checked) */
    http(s, "POST", EXP1, "{\"insight\":7,\"export_format\":\"text/csv\"}", &r); /* +3 */
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "id", "3");
    ASSERT_FIELD(&r, "insight", "7");
    ASSERT_FIELD(&r, "dashboard", "null");
    http_resp_free(&r);
}

static void test_create_errors(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", EXP1, "{\"dashboard\":1}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "export_format");
    http_resp_free(&r);
    /* field errors come before validate()'s target rule */
    http(s, "POST", EXP1, "{}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "export_format");
    http_resp_free(&r);
    /* none of dashboard, insight, export_context: a non-field error; the
     * test is Python truthiness, so null, 0 and {} count as none */
    static const char *const untargeted[] = {
        "{\"export_format\":\"image/png\"}",
        "{\"export_format\":\"image/png\",\"dashboard\":null,\"insight\":null,"
        "\"export_context\":null}",
        "{\"export_format\":\"image/png\",\"insight\":0,\"export_context\":{}}",
    };
    for (size_t i = 0; i < sizeof untargeted / sizeof *untargeted; i++) {
        http(s, "POST", EXP1, untargeted[i], &r);
        ASSERT_JSON_RESP(&r, 400,
                         "{\"type\":\"validation_error\",\"code\":\"invalid_input\","
                         "\"detail\":\"Either dashboard, insight or export_context is "
                         "required for an export.\",\"attr\":null}");
        http_resp_free(&r);
    }
    http(s, "POST", EXP1, "{\"dashboard\":1,\"export_format\":\"image/bmp\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_choice", "\"image/bmp\" is not a valid choice.",
                      "export_format");
    http_resp_free(&r);
    /* a dashboard that is not in this project */
    http(s, "POST", EXP1, "{\"dashboard\":99,\"export_format\":\"image/png\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "This dashboard does not belong to your team.",
                      "dashboard");
    http_resp_free(&r);
    http(s, "POST", "/api/environments/2/exports/",
         "{\"dashboard\":1,\"export_format\":\"image/png\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "This dashboard does not belong to your team.",
                      "dashboard");
    http_resp_free(&r);
    /* a soft-deleted dashboard is not visible either */
    http(s, "PATCH", DASH1 "1/", "{\"deleted\":true}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http(s, "POST", EXP1, "{\"dashboard\":1,\"export_format\":\"image/png\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "This dashboard does not belong to your team.",
                      "dashboard");
    http_resp_free(&r);
    http_req q = {.method = "POST", .path = EXP1, .body = "{\"export_format\":\"image/png\"}",
                  .content_type = "text/plain"};
    http_do(s, &q, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    http(s, "GET", EXP1, NULL, &r);
    ASSERT_FIELD(&r, "count", "0");
    http_resp_free(&r);
    expect_guards(s, "POST", "exports/", "{\"export_format\":\"image/png\"}", "phx_export_read",
                  "API key missing required scope 'export:write'");
}

/* ---- #17 list: the caller's own, newest first ---- */

static void test_list(void **state)
{
    server *s = *state;
    http_resp r;
    post_export(s, NULL, "{\"dashboard\":1,\"export_format\":\"image/png\"}", 201);      /* 1, +1 */
    post_export(s, "Bearer phx_bob", "{\"insight\":4,\"export_format\":\"application/pdf\"}",
                201);                                                                    /* 2, +2 */
    post_export(s, NULL, "{\"export_format\":\"text/csv\",\"export_context\":{\"path\":\"/q\"}}",
                201);                                                                    /* 3, +3 */
    char *e3 = export_json(3, "null", "text/csv", clock_at(3), "{\"path\":\"/q\"}");
    char *e1 = export_json(1, "1", "image/png", clock_at(1), "null");
    char *page = xprintf("{\"count\":2,\"next\":null,\"previous\":null,\"results\":[%s,%s]}",
                         e3, e1);
    http_auth(s, "GET", EXP1, "Bearer phx_export_read", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, page);
    http_resp_free(&r);
    /* Bob sees only his */
    http_auth(s, "GET", EXP1, "Bearer phx_bob", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "1");
    ASSERT_FIELD(&r, "results.0.id", "2");
    ASSERT_FIELD(&r, "results.0.created_by", NULL); /* stored, not rendered */
    http_resp_free(&r);
    /* paginated */
    http(s, "GET", EXP1 "?limit=1", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "2");
    ASSERT_FIELD(&r, "results.0.id", "3");
    ASSERT_FIELD(&r, "previous", "null");
    http_resp_free(&r);
    free(e1);
    free(e3);
    free(page);
    expect_guards(s, "GET", "exports/", NULL, "phx_dash_read",
                  "API key missing required scope 'export:read'");
}

/* ---- #19 retrieve ---- */

static void test_retrieve(void **state)
{
    server *s = *state;
    http_resp r;
    post_export(s, NULL, "{\"dashboard\":1,\"export_format\":\"image/png\"}", 201);
    post_export(s, "Bearer phx_bob", "{\"insight\":4,\"export_format\":\"application/pdf\"}",
                201);
    char *e1 = export_json(1, "1", "image/png", clock_at(1), "null");
    http_auth(s, "GET", EXP1 "1/", "Bearer phx_export_read", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, e1);
    http_resp_free(&r);
    free(e1);
    /* another user's export is not found */
    http(s, "GET", EXP1 "2/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http_auth(s, "GET", EXP1 "2/", "Bearer phx_bob", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "export_format", "\"application/pdf\"");
    http_resp_free(&r);
    http(s, "GET", EXP1 "3/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "GET", EXP1 "x/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    /* no DELETE route */
    http(s, "DELETE", EXP1 "1/", NULL, &r);
    ASSERT_ERROR(&r, 405, "invalid_request", "method_not_allowed",
                 "Method \"DELETE\" not allowed.", NULL);
    http_resp_free(&r);
    expect_guards(s, "GET", "exports/1/", NULL, "phx_dash_read",
                  "API key missing required scope 'export:read'");
}

/* ---- #20 content ---- */

static void test_content(void **state)
{
    server *s = *state;
    http_resp r;
    post_export(s, NULL, "{\"export_format\":\"text/csv\",\"export_context\":{\"path\":\"/q\"}}",
                201);
    post_export(s, NULL, "{\"dashboard\":1,\"export_format\":\"application/pdf\"}", 201);
    post_export(s, "Bearer phx_bob", "{\"insight\":4,\"export_format\":\"image/png\"}", 201);
    http_auth(s, "GET", EXP1 "1/content/", "Bearer phx_export_read", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_HEADER(&r, "Content-Type", "text/csv");
    ASSERT_BODY(&r, "");
    http_resp_free(&r);
    http(s, "GET", EXP1 "2/content/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_HEADER(&r, "Content-Type", "application/pdf");
    ASSERT_BODY(&r, "");
    http_resp_free(&r);
    http(s, "GET", EXP1 "3/content/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http_auth(s, "GET", EXP1 "3/content/", "Bearer phx_bob", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_HEADER(&r, "Content-Type", "image/png");
    http_resp_free(&r);
    http(s, "GET", EXP1 "9/content/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    expect_guards(s, "GET", "exports/1/content/", NULL, "phx_dash_read",
                  "API key missing required scope 'export:read'");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, fixture_stop_server)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_create),
        T(test_create_errors),
        T(test_list),
        T(test_retrieve),
        T(test_content),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
