/*
 * test_session_recordings.c — session_recordings/: DELETE (#39, get-or-build:
 * 204 for any id, then 404 "Recording not found") and the added retrieve,
 * over recordings loaded with --fixtures
 * (spec/posthog/session_recordings.spec; posthog-behavior.md §4, §6.8;
 * fixture fixtures/session_recordings_basic.json).
 * Owner: SPEC-2 helper.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SR API1 "/session_recordings/"
#define REC1 "0193f1a2-7b3c-7d4e-8f50-a1b2c3d4e5f6"
#define REC2 "0193f1a2-0000-7000-8000-000000000002"

#define MISSING_SCOPE(r, scope)                                                \
    ASSERT_ERROR((r), 403, "authentication_error", "permission_denied",        \
                 "API key missing required scope '" scope "'", NULL)
#define RECORDING_NOT_FOUND(r)                                                 \
    ASSERT_ERROR((r), 404, "invalid_request", "not_found", "Recording not found", NULL)

static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_sr_read\", \"scopes\": [\"session_recording:read\"]},\n"
    " {\"key\": \"phx_sr_write\", \"scopes\": [\"session_recording:write\"]},\n"
    " {\"key\": \"phx_other\", \"scopes\": [\"sharing_configuration:write\"]}\n"
    "]\n";

/* SessionRecording in declared order, from the fixture's first record. */
static const char REC1_JSON[] =
    "{\"id\":\"" REC1 "\",\"distinct_id\":\"user-42\",\"viewed\":true,"
    "\"viewers\":[\"ana@example.com\"],\"recording_duration\":312,\"active_seconds\":120,"
    "\"inactive_seconds\":192,\"start_time\":\"2025-12-31T10:00:00Z\","
    "\"end_time\":\"2025-12-31T10:05:12Z\",\"click_count\":14,\"keypress_count\":30,"
    "\"mouse_activity_count\":210,\"console_log_count\":3,\"console_warn_count\":1,"
    "\"console_error_count\":0,\"start_url\":\"https://example.com/pricing\","
    "\"person\":{\"id\":5,\"name\":\"ana@example.com\",\"distinct_ids\":[\"user-42\"]},"
    "\"storage\":\"object_storage\",\"snapshot_source\":\"web\",\"ongoing\":false,"
    "\"activity_score\":42.5,\"deleted\":false}";

/* The second record gives only its id: every other field is a default. */
static const char REC2_JSON[] =
    "{\"id\":\"" REC2 "\",\"distinct_id\":null,\"viewed\":false,\"viewers\":[],"
    "\"recording_duration\":0,\"active_seconds\":null,\"inactive_seconds\":null,"
    "\"start_time\":null,\"end_time\":null,\"click_count\":null,\"keypress_count\":null,"
    "\"mouse_activity_count\":null,\"console_log_count\":null,\"console_warn_count\":null,"
    "\"console_error_count\":null,\"start_url\":null,\"person\":null,\"storage\":null,"
    "\"snapshot_source\":null,\"ongoing\":null,\"activity_score\":null,\"deleted\":false}";

/* fixtures/ next to this source file (__FILE__ is the absolute source path
 * in a CMake build). */
static char *fixture_path(const char *name)
{
    const char *slash = strrchr(__FILE__, '/');
    int dir = slash ? (int)(slash - __FILE__) : 0;
    return dir ? xprintf("%.*s/fixtures/%s", dir, __FILE__, name)
               : xprintf("fixtures/%s", name);
}

static int setup(void **state)
{
    static char *path;
    if (!path)
        path = fixture_path("session_recordings_basic.json");
    const char *extra[] = {"--fixtures", path, NULL};
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS, .extra_args = extra};
    *state = server_start(&o);
    return 0;
}

static int setup_empty(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS};
    *state = server_start(&o);
    return 0;
}

static void call(server *s, const char *method, const char *path, const char *key,
                 http_resp *r)
{
    if (!key) {
        http(s, method, path, NULL, r);
    } else if (key == HTTP_NONE) {
        http_auth(s, method, path, HTTP_NONE, NULL, r);
    } else {
        char *auth = xprintf("Bearer %s", key);
        http_auth(s, method, path, auth, NULL, r);
        free(auth);
    }
}

static void expect_404(server *s, const char *method, const char *path)
{
    http_resp r;
    call(s, method, path, NULL, &r);
    RECORDING_NOT_FOUND(&r);
    http_resp_free(&r);
}

static void expect_204(server *s, const char *path, const char *key)
{
    http_resp r;
    call(s, "DELETE", path, key, &r);
    ASSERT_STATUS(&r, 204);
    ASSERT_BODY(&r, "");
    http_resp_free(&r);
}

static void test_retrieve_fixtures(void **state)
{
    server *s = *state;
    http_resp r;
    call(s, "GET", SR REC1 "/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, REC1_JSON);
    http_resp_free(&r);
    call(s, "GET", SR REC2 "/", "phx_sr_read", &r);
    ASSERT_JSON_RESP(&r, 200, REC2_JSON);
    http_resp_free(&r);
    /* a fixture given deleted: true is already gone */
    expect_404(s, "GET", SR "gone-1/");
    expect_404(s, "DELETE", SR "gone-1/");
    /* unknown ids, and another project */
    expect_404(s, "GET", SR "no-such-recording/");
    expect_404(s, "GET", "/api/environments/2/session_recordings/" REC1 "/");
}

/* DELETE of a loaded recording: 204, then 404 for retrieve and DELETE. */
static void test_delete_then_404(void **state)
{
    server *s = *state;
    expect_204(s, SR REC1 "/", NULL);
    expect_404(s, "GET", SR REC1 "/");
    expect_404(s, "DELETE", SR REC1 "/");
    /* the other one is untouched */
    http_resp r;
    call(s, "GET", SR REC2 "/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, REC2_JSON);
    http_resp_free(&r);
    expect_204(s, SR REC2 "/", "phx_sr_write");
    expect_404(s, "GET", SR REC2 "/");
}

/* Get-or-build: DELETE of an id never seen succeeds once. */
static void test_delete_unknown_builds_tombstone(void **state)
{
    server *s = *state;
    expect_404(s, "GET", SR "0193f1a2-dead-7000-8000-00000000beef/");
    expect_204(s, SR "0193f1a2-dead-7000-8000-00000000beef/", NULL);
    expect_404(s, "GET", SR "0193f1a2-dead-7000-8000-00000000beef/");
    expect_404(s, "DELETE", SR "0193f1a2-dead-7000-8000-00000000beef/");
    /* any string id, in any project */
    expect_204(s, "/api/environments/2/session_recordings/any-id/", NULL);
    expect_404(s, "DELETE", "/api/environments/2/session_recordings/any-id/");
    /* the same id in project 1 is a different recording */
    expect_204(s, SR "any-id/", NULL);
}

static void test_auth_and_scopes(void **state)
{
    server *s = *state;
    http_resp r;
    call(s, "GET", SR REC1 "/", HTTP_NONE, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    call(s, "DELETE", SR REC1 "/", HTTP_NONE, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    call(s, "DELETE", SR REC1 "/", "phx_sr_read", &r);
    MISSING_SCOPE(&r, "session_recording:write");
    http_resp_free(&r);
    call(s, "DELETE", SR REC1 "/", "phx_other", &r);
    MISSING_SCOPE(&r, "session_recording:write");
    http_resp_free(&r);
    call(s, "GET", SR REC1 "/", "phx_other", &r);
    MISSING_SCOPE(&r, "session_recording:read");
    http_resp_free(&r);
    /* refused requests deleted nothing; write implies read */
    call(s, "GET", SR REC1 "/", "phx_sr_write", &r);
    ASSERT_JSON_RESP(&r, 200, REC1_JSON);
    http_resp_free(&r);
    /* scope answers before the (missing) record */
    call(s, "DELETE", SR "nothing/", "phx_sr_read", &r);
    MISSING_SCOPE(&r, "session_recording:write");
    http_resp_free(&r);
}

static void test_without_fixtures(void **state)
{
    server *s = *state;
    expect_404(s, "GET", SR REC1 "/");
    expect_204(s, SR REC1 "/", NULL);
    expect_404(s, "GET", SR REC1 "/");
}

/* An unknown or non-integer project is 404 "Project not found." on every
 * route (collection routes have no other 404). */
static void test_project_not_found(void **state)
{
    server *s = *state;
    struct { const char *m, *p, *body; } ops[] = {
        {"GET", "/api/environments/abc/session_recordings/x/", NULL},
        {"DELETE", "/api/environments/abc/session_recordings/x/", NULL},
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
        cmocka_unit_test_setup_teardown(test_retrieve_fixtures, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_delete_then_404, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_delete_unknown_builds_tombstone, setup,
                                        fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_auth_and_scopes, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_without_fixtures, setup_empty, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_project_not_found, setup, fixture_stop_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
