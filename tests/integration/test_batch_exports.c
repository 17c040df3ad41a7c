/*
 * test_batch_exports.c — batch_exports/: create, list, retrieve and the six
 * seed actions #23–#28 (logs, pause, unpause, run_test_step,
 * run_test_step_new, test) with their scopes
 * (spec/posthog/batch_exports.spec; posthog-behavior.md §1.3, §2.2, §6.4).
 * Owner: SPEC-2 helper.
 */
#include "harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BE API1 "/batch_exports/"
#define MISSING_UUID "7f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b"

#define MISSING_SCOPE(r, scope)                                                \
    ASSERT_ERROR((r), 403, "authentication_error", "permission_denied",        \
                 "API key missing required scope '" scope "'", NULL)
#define NO_PERSONAL_KEYS(r)                                                    \
    ASSERT_ERROR((r), 403, "authentication_error", "permission_denied",        \
                 "This action does not support personal API key access", NULL)

static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_be_read\", \"scopes\": [\"batch_export:read\"]},\n"
    " {\"key\": \"phx_be_write\", \"scopes\": [\"batch_export:write\"]},\n"
    " {\"key\": \"phx_star\", \"scopes\": [\"*\"]},\n"
    " {\"key\": \"phx_other\", \"scopes\": [\"dashboard:write\"]}\n"
    "]\n";

static const char S3_BODY[] =
    "{\"name\":\"nightly\",\"destination\":{\"type\":\"S3\","
    "\"config\":{\"bucket_name\":\"b\"}},\"interval\":\"hour\"}";

static const char TEST_STEP_RESULT[] =
    "{\"name\":\"Verify destination\",\"description\":\"Ensure the configured "
    "destination can be reached with the given credentials.\","
    "\"result\":{\"status\":\"Passed\",\"message\":null}}";

static const char TEST_DESCRIPTION[] =
    "{\"steps\":[{\"name\":\"Verify destination\",\"description\":\"Ensure the "
    "configured destination can be reached with the given credentials.\","
    "\"result\":null}]}";

static const char EMPTY_PAGE[] = "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}";

static int setup(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS};
    *state = server_start(&o);
    return 0;
}

/* "Bearer <key>" for a key name; NULL: the session key. */
static void call(server *s, const char *method, const char *path,
                 const char *key, const char *body, http_resp *r)
{
    if (!key) {
        http(s, method, path, body, r);
        return;
    }
    if (key == HTTP_NONE) {
        http_auth(s, method, path, HTTP_NONE, body, r);
        return;
    }
    char *auth = xprintf("Bearer %s", key);
    http_auth(s, method, path, auth, body, r);
    free(auth);
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

/* A top-level string member of a JSON body (malloc'd), NULL if none. */
static char *body_str(const http_resp *r, const char *key)
{
    json_t *j = json_loads(r->body, 0, NULL);
    const char *v = json_string_value(json_object_get(j, key));
    char *out = v ? strdup(v) : NULL;
    json_decref(j);
    return out;
}

/* The BatchExport of S3_BODY as rendered (BatchExport in declared order). */
static char *s3_json(const char *id, const char *created, const char *paused,
                     const char *last_paused_at)
{
    return xprintf(
        "{\"id\":\"%s\",\"team_id\":1,\"name\":\"nightly\",\"model\":\"events\","
        "\"destination\":{\"type\":\"S3\",\"config\":{\"bucket_name\":\"b\"},"
        "\"integration\":null},\"interval\":\"hour\",\"paused\":%s,"
        "\"created_at\":\"%s\",\"last_updated_at\":\"%s\",\"last_paused_at\":%s,"
        "\"start_at\":null,\"end_at\":null,\"latest_runs\":[],\"hogql_query\":\"\","
        "\"schema\":null,\"filters\":null,\"timezone\":null,\"offset_day\":null,"
        "\"offset_hour\":null}",
        id, paused, created, created, last_paused_at);
}

/* POST S3_BODY, assert 201 and the exact body, return the new id. */
static char *create_s3(server *s, int clock_s)
{
    http_resp r;
    http(s, "POST", BE, S3_BODY, &r);
    ASSERT_STATUS(&r, 201);
    char *id = body_str(&r, "id");
    if (!is_uuid(id)) {
        print_error("id is not a canonical uuid: %s\n", r.body);
        fail();
    }
    char *exp = s3_json(id, clock_at(clock_s), "false", "null");
    ASSERT_JSON_RESP(&r, 201, exp);
    free(exp);
    http_resp_free(&r);
    return id;
}

static void expect(server *s, const char *method, const char *path, const char *key,
                   const char *body, long status, const char *resp_body)
{
    http_resp r;
    call(s, method, path, key, body, &r);
    ASSERT_JSON_RESP(&r, status, resp_body);
    http_resp_free(&r);
}

static void expect_empty(server *s, const char *method, const char *path,
                         const char *key, long status)
{
    http_resp r;
    call(s, method, path, key, NULL, &r);
    ASSERT_STATUS(&r, status);
    ASSERT_BODY(&r, "");
    http_resp_free(&r);
}

/* ---- create / list / retrieve ---- */

static void test_create_list_retrieve(void **state)
{
    server *s = *state;
    char *a = create_s3(s, 0);
    char *b = create_s3(s, 1);
    ASSERT_CONTAINS(a, "-", "uuid"); /* distinct ids */
    if (strcmp(a, b) == 0)
        fail_msg("two creates gave the same id %s", a);
    char *ja = s3_json(a, clock_at(0), "false", "null");
    char *jb = s3_json(b, clock_at(1), "false", "null");
    char *path = xprintf(BE "%s/", a);
    expect(s, "GET", path, NULL, NULL, 200, ja);
    expect(s, "GET", path, "phx_be_read", NULL, 200, ja);
    char *list = xprintf("{\"count\":2,\"next\":null,\"previous\":null,\"results\":[%s,%s]}",
                         ja, jb);
    expect(s, "GET", BE, NULL, NULL, 200, list);
    /* another project sees nothing */
    expect(s, "GET", "/api/environments/2/batch_exports/", NULL, NULL, 200, EMPTY_PAGE);
    free(list);
    free(path);
    free(ja);
    free(jb);
    free(a);
    free(b);
}

static void test_create_validation(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", BE, "{}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "name");
    http_resp_free(&r);
    http(s, "POST", BE, "{\"name\":\"x\",\"interval\":\"hour\"}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "destination");
    http_resp_free(&r);
    http(s, "POST", BE, "{\"name\":\"x\",\"destination\":{},\"interval\":\"hour\"}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "destination__type");
    http_resp_free(&r);
    http(s, "POST", BE,
         "{\"name\":\"x\",\"destination\":{\"type\":\"FTP\"},\"interval\":\"hour\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_choice", "\"FTP\" is not a valid choice.",
                      "destination__type");
    http_resp_free(&r);
    http(s, "POST", BE, "{\"name\":\"x\",\"destination\":{\"type\":\"S3\"}}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "interval");
    http_resp_free(&r);
    http(s, "POST", BE,
         "{\"name\":\"x\",\"destination\":{\"type\":\"S3\"},\"interval\":\"minute\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_choice", "\"minute\" is not a valid choice.", "interval");
    http_resp_free(&r);
    http(s, "POST", BE,
         "{\"name\":\"x\",\"destination\":{\"type\":\"S3\"},\"interval\":\"day\","
         "\"offset_day\":7}", &r);
    ASSERT_VALIDATION(&r, "max_value", "Ensure this value is less than or equal to 6.",
                      "offset_day");
    http_resp_free(&r);
    http_req q = {.method = "POST", .path = BE, .body = S3_BODY, .content_type = "text/plain"};
    http_do(s, &q, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    /* nothing was stored */
    expect(s, "GET", BE, NULL, NULL, 200, EMPTY_PAGE);
    /* A minimal valid body: nested defaults, "every 5 minutes", "" model. */
    http(s, "POST", BE,
         "{\"name\":\"m\",\"model\":\"\",\"destination\":{\"type\":\"NoOp\"},"
         "\"interval\":\"every 5 minutes\"}", &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "destination", "{\"type\":\"NoOp\",\"config\":{},\"integration\":null}");
    ASSERT_FIELD(&r, "model", "\"\"");
    ASSERT_FIELD(&r, "interval", "\"every 5 minutes\"");
    http_resp_free(&r);
}

static void test_retrieve_not_found(void **state)
{
    server *s = *state;
    http_resp r;
    const char *paths[] = {BE MISSING_UUID "/", BE "not-a-uuid/", BE "1/", NULL};
    for (int i = 0; paths[i]; i++) {
        http(s, "GET", paths[i], NULL, &r);
        ASSERT_NOT_FOUND(&r);
        http_resp_free(&r);
    }
    /* another project's export is not visible */
    char *id = create_s3(s, 0);
    char *p2 = xprintf("/api/environments/2/batch_exports/%s/", id);
    http(s, "GET", p2, NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    free(p2);
    free(id);
}

static void test_crud_auth_and_scopes(void **state)
{
    server *s = *state;
    http_resp r;
    call(s, "GET", BE, HTTP_NONE, NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    call(s, "POST", BE, HTTP_NONE, S3_BODY, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    call(s, "GET", BE MISSING_UUID "/", HTTP_NONE, NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    call(s, "GET", BE, "phx_other", NULL, &r);
    MISSING_SCOPE(&r, "batch_export:read");
    http_resp_free(&r);
    call(s, "POST", BE, "phx_be_read", S3_BODY, &r);
    MISSING_SCOPE(&r, "batch_export:write");
    http_resp_free(&r);
    call(s, "GET", BE MISSING_UUID "/", "phx_other", NULL, &r);
    MISSING_SCOPE(&r, "batch_export:read");
    http_resp_free(&r);
    /* write implies read; "*" passes */
    expect(s, "GET", BE, "phx_be_write", NULL, 200, EMPTY_PAGE);
    call(s, "POST", BE, "phx_star", S3_BODY, &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    call(s, "POST", BE, "phx_be_write", S3_BODY, &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
}

/* ---- #24 pause, #25 unpause ---- */

static void test_pause_unpause(void **state)
{
    server *s = *state;
    char *id = create_s3(s, 0);
    char *item = xprintf(BE "%s/", id);
    char *pause = xprintf(BE "%s/pause/", id);
    char *unpause = xprintf(BE "%s/unpause/", id);

    /* body ignored (the seed's example sends a BatchExport) */
    expect(s, "POST", pause, NULL, "{\"name\":\"ignored\"}", 200, "{\"paused\":true}");
    char *exp = s3_json(id, clock_at(0), "true", "\"2026-01-01T00:00:01Z\"");
    expect(s, "GET", item, NULL, NULL, 200, exp);
    free(exp);

    /* pausing again succeeds and moves last_paused_at */
    expect(s, "POST", pause, "phx_be_write", NULL, 200, "{\"paused\":true}");
    exp = s3_json(id, clock_at(0), "true", "\"2026-01-01T00:00:02Z\"");
    expect(s, "GET", item, NULL, NULL, 200, exp);
    free(exp);

    /* unpause keeps last_paused_at (unconfirmed in PostHog, §9) */
    expect(s, "POST", unpause, "phx_star", "{\"backfill\":false}", 200, "{\"paused\":false}");
    exp = s3_json(id, clock_at(0), "false", "\"2026-01-01T00:00:02Z\"");
    expect(s, "GET", item, NULL, NULL, 200, exp);
    free(exp);
    expect(s, "POST", unpause, NULL, NULL, 200, "{\"paused\":false}");

    free(item);
    free(pause);
    free(unpause);
    free(id);
}

static void test_pause_unpause_errors(void **state)
{
    server *s = *state;
    char *id = create_s3(s, 0);
    const char *act[] = {"pause", "unpause", NULL};
    for (int i = 0; act[i]; i++) {
        http_resp r;
        char *missing = xprintf(BE MISSING_UUID "/%s/", act[i]);
        call(s, "POST", missing, NULL, NULL, &r);
        ASSERT_NOT_FOUND(&r);
        http_resp_free(&r);
        char *bad = xprintf(BE "nope/%s/", act[i]);
        call(s, "POST", bad, NULL, NULL, &r);
        ASSERT_NOT_FOUND(&r);
        http_resp_free(&r);
        char *p = xprintf(BE "%s/%s/", id, act[i]);
        call(s, "POST", p, HTTP_NONE, NULL, &r);
        NOT_AUTHENTICATED(&r);
        http_resp_free(&r);
        call(s, "POST", p, "phx_be_read", NULL, &r);
        MISSING_SCOPE(&r, "batch_export:write");
        http_resp_free(&r);
        call(s, "POST", p, "phx_other", NULL, &r);
        MISSING_SCOPE(&r, "batch_export:write");
        http_resp_free(&r);
        /* a refused request changes nothing */
        call(s, "GET", BE, NULL, NULL, &r);
        ASSERT_FIELD(&r, "results.0.paused", "false");
        ASSERT_FIELD(&r, "results.0.last_paused_at", "null");
        http_resp_free(&r);
        free(missing);
        free(bad);
        free(p);
    }
    free(id);
}

/* ---- #23 logs ---- */

static void test_logs(void **state)
{
    server *s = *state;
    char *id = create_s3(s, 0);
    char *logs = xprintf(BE "%s/logs/", id);
    expect(s, "GET", logs, NULL, NULL, 200, EMPTY_PAGE);
    char *q = xprintf(BE "%s/logs/?limit=10&level=ERROR&search=x", id);
    expect(s, "GET", q, NULL, NULL, 200, EMPTY_PAGE);
    /* scope none: every personal key is refused, "*" included */
    http_resp r;
    const char *keys[] = {"phx_star", "phx_be_write", "phx_be_read", "phx_other", NULL};
    for (int i = 0; keys[i]; i++) {
        call(s, "GET", logs, keys[i], NULL, &r);
        NO_PERSONAL_KEYS(&r);
        http_resp_free(&r);
    }
    call(s, "GET", logs, HTTP_NONE, NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    call(s, "GET", BE MISSING_UUID "/logs/", NULL, NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    free(q);
    free(logs);
    free(id);
}

/* ---- #28 test ---- */

static void test_destination_test(void **state)
{
    server *s = *state;
    /* "/test/" is its own route, not retrieve of an export named "test" */
    expect(s, "GET", BE "test/?destination=S3", NULL, NULL, 200, TEST_DESCRIPTION);
    expect(s, "GET", BE "test/?destination=BigQuery", "phx_star", NULL, 200, TEST_DESCRIPTION);
    expect_empty(s, "GET", BE "test/", NULL, 400);
    expect_empty(s, "GET", BE "test/?destination=", NULL, 400);
    expect_empty(s, "GET", BE "test/?destination=FTP", NULL, 404);
    expect_empty(s, "GET", BE "test/?destination=s3", "phx_star", 404);
    http_resp r;
    call(s, "GET", BE "test/?destination=S3", "phx_be_write", NULL, &r);
    MISSING_SCOPE(&r, "INTERNAL");
    http_resp_free(&r);
    call(s, "GET", BE "test/?destination=S3", "phx_be_read", NULL, &r);
    MISSING_SCOPE(&r, "INTERNAL");
    http_resp_free(&r);
    /* the scope answers before the checks */
    call(s, "GET", BE "test/", "phx_be_write", NULL, &r);
    MISSING_SCOPE(&r, "INTERNAL");
    http_resp_free(&r);
    call(s, "GET", BE "test/?destination=S3", HTTP_NONE, NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
}

/* ---- #26 run_test_step, #27 run_test_step_new ---- */

static void run_test_step_case(server *s, const char *path)
{
    expect(s, "POST", path, NULL, S3_BODY, 200, TEST_STEP_RESULT);
    char *with_step = xprintf("{\"name\":\"n\",\"destination\":{\"type\":\"Postgres\"},"
                              "\"interval\":\"day\",\"step\":2}");
    expect(s, "POST", path, "phx_star", with_step, 200, TEST_STEP_RESULT);
    free(with_step);
    http_resp r;
    call(s, "POST", path, NULL, "{}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "name");
    http_resp_free(&r);
    call(s, "POST", path, NULL, "{\"name\":\"n\",\"interval\":\"day\"}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "destination");
    http_resp_free(&r);
    call(s, "POST", path, NULL, "{\"name\":\"n\",\"destination\":{\"type\":\"S3\"}}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "interval");
    http_resp_free(&r);
    call(s, "POST", path, NULL,
         "{\"name\":\"n\",\"destination\":{\"type\":\"S3\"},\"interval\":\"day\","
         "\"step\":\"first\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "A valid integer is required.", "step");
    http_resp_free(&r);
    http_req q = {.method = "POST", .path = path, .body = S3_BODY, .content_type = "text/plain"};
    http_do(s, &q, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    call(s, "POST", path, "phx_be_write", S3_BODY, &r);
    MISSING_SCOPE(&r, "INTERNAL");
    http_resp_free(&r);
    call(s, "POST", path, "phx_other", S3_BODY, &r);
    MISSING_SCOPE(&r, "INTERNAL");
    http_resp_free(&r);
    call(s, "POST", path, HTTP_NONE, S3_BODY, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
}

static void test_run_test_step(void **state)
{
    server *s = *state;
    char *id = create_s3(s, 0);
    char *path = xprintf(BE "%s/run_test_step/", id);
    run_test_step_case(s, path);
    /* nothing about the export changed */
    char *exp = s3_json(id, clock_at(0), "false", "null");
    char *item = xprintf(BE "%s/", id);
    expect(s, "GET", item, NULL, NULL, 200, exp);
    http_resp r;
    call(s, "POST", BE MISSING_UUID "/run_test_step/", NULL, S3_BODY, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    free(item);
    free(exp);
    free(path);
    free(id);
}

static void test_run_test_step_new(void **state)
{
    server *s = *state;
    run_test_step_case(s, BE "run_test_step_new/");
    /* it saves nothing */
    expect(s, "GET", BE, NULL, NULL, 200, EMPTY_PAGE);
}

/* An unknown or non-integer project is 404 "Project not found." on every
 * route (collection routes have no other 404). */
static void test_project_not_found(void **state)
{
    server *s = *state;
    struct { const char *m, *p, *body; } ops[] = {
        {"GET", "/api/environments/abc/batch_exports/", NULL},
        {"POST", "/api/environments/abc/batch_exports/", S3_BODY},
        {"GET", "/api/environments/x1/batch_exports/test/?destination=S3", NULL},
        {"POST", "/api/environments/abc/batch_exports/run_test_step_new/", S3_BODY},
        {"POST", "/api/environments/abc/batch_exports/" MISSING_UUID "/pause/", NULL},
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
        cmocka_unit_test_setup_teardown(test_create_list_retrieve, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_create_validation, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_retrieve_not_found, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_crud_auth_and_scopes, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_pause_unpause, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_pause_unpause_errors, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_logs, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_destination_test, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_run_test_step, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_run_test_step_new, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_project_not_found, setup, fixture_stop_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
