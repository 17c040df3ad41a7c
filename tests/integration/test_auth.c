/*
 * test_auth.c — authentication and personal-key scopes
 * (docs/contracts.md §4 steps 3–4, §5; posthog-behavior.md §2).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAD_KEY_HEADER(r)                                                      \
    ASSERT_ERROR((r), 401, "authentication_error", "authentication_failed",    \
                 "Personal API key found in request Authorization header is invalid.", NULL)
#define BAD_KEY_QUERY(r)                                                       \
    ASSERT_ERROR((r), 401, "authentication_error", "authentication_failed",    \
                 "Personal API key found in request query string is invalid.", NULL)
#define MISSING_SCOPE(r, scope)                                                \
    ASSERT_ERROR((r), 403, "authentication_error", "permission_denied",        \
                 "API key missing required scope '" scope "'", NULL)

static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_reader\", \"scopes\": [\"dashboard:read\"]},\n"
    " {\"key\": \"phx_writer\", \"scopes\": [\"dashboard:write\"]},\n"
    " {\"key\": \"phx_star\", \"scopes\": [\"*\"]},\n"
    " {\"key\": \"phx_other\", \"scopes\": [\"export:read\", \"sharing_configuration:write\"]},\n"
    " {\"key\": \"phx_internal\", \"scopes\": [\"INTERNAL\"]},\n"
    " {\"key\": \"phx_proj2\", \"scopes\": [\"*\"], \"project\": 2},\n"
    " {\"key\": \"phx_browser\", \"session\": true,\n"
    "  \"user\": {\"id\": 7, \"email\": \"ana@example.com\", \"first_name\": \"Ana\"}}\n"
    "]\n";

static int setup_keys(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS};
    *state = server_start(&o);
    /* One dashboard in project 1, made with a key that may write. */
    http_resp r;
    http_auth(*state, "POST", DASH1, "Bearer phx_star", "{\"name\":\"seed\"}", &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    return 0;
}

/* ---- authentication (default server, default key is a session key) ---- */

static void test_no_credentials(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "GET", DASH1, HTTP_NONE, NULL, &r);
    NOT_AUTHENTICATED(&r);
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST); /* matched path: Allow on errors too */
    http_resp_free(&r);
    http_auth(s, "POST", DASH1, HTTP_NONE, "{}", &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    http_auth(s, "GET", DASH1 "1/", HTTP_NONE, NULL, &r);
    NOT_AUTHENTICATED(&r);
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    http_auth(s, "PATCH", DASH1 "1/", HTTP_NONE, "{}", &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    http_auth(s, "DELETE", DASH1 "1/", HTTP_NONE, NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    http_auth(s, "OPTIONS", DASH1, HTTP_NONE, NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
}

static void test_unknown_key(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "GET", DASH1, "Bearer phx_does_not_exist", NULL, &r);
    BAD_KEY_HEADER(&r);
    http_resp_free(&r);
    http_auth(s, "POST", DASH1, "Bearer phx_does_not_exist", "{}", &r);
    BAD_KEY_HEADER(&r);
    http_resp_free(&r);
}

static void test_scheme_is_case_sensitive(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "GET", DASH1, "bearer " DEFAULT_KEY, NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    http_auth(s, "GET", DASH1, "BEARER " DEFAULT_KEY, NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    http_auth(s, "GET", DASH1, "Token " DEFAULT_KEY, NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    http_auth(s, "GET", DASH1, "Bearer" DEFAULT_KEY, NULL, &r); /* no whitespace */
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
}

static void test_query_parameter_key(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "GET", DASH1 "?personal_api_key=" DEFAULT_KEY, HTTP_NONE, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "0");
    http_resp_free(&r);
    http_auth(s, "POST", DASH1 "?personal_api_key=" DEFAULT_KEY, HTTP_NONE, "{}", &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    http_auth(s, "GET", DASH1 "?personal_api_key=phx_nope", HTTP_NONE, NULL, &r);
    BAD_KEY_QUERY(&r);
    http_resp_free(&r);
    http_auth(s, "GET", DASH1 "1/?format=json&personal_api_key=phx_nope", HTTP_NONE, NULL, &r);
    BAD_KEY_QUERY(&r);
    http_resp_free(&r);
}

/* The header is tried first; only the first key found is checked. */
static void test_header_wins_over_query(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "GET", DASH1 "?personal_api_key=" DEFAULT_KEY, "Bearer phx_nope", NULL, &r);
    BAD_KEY_HEADER(&r);
    http_resp_free(&r);
    http_auth(s, "GET", DASH1 "?personal_api_key=phx_nope", "Bearer " DEFAULT_KEY, NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
}

/* Authentication answers before path parameters and absent records. */
static void test_auth_before_not_found(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "GET", "/api/environments/abc/dashboards/", HTTP_NONE, NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    http_auth(s, "GET", DASH1 "999/", HTTP_NONE, NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    http_auth(s, "GET", DASH1 "abc/", "Bearer phx_nope", NULL, &r);
    BAD_KEY_HEADER(&r);
    http_resp_free(&r);
}

/* ---- scopes (server with a keys file) ---- */

static void test_read_key(void **state)
{
    server *s = *state;
    http_resp r;
    const char *k = "Bearer phx_reader";
    http_auth(s, "GET", DASH1, k, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "1");
    http_resp_free(&r);
    http_auth(s, "GET", DASH1 "1/", k, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "name", "\"seed\"");
    http_resp_free(&r);
    http_auth(s, "HEAD", DASH1 "1/", k, NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http_auth(s, "OPTIONS", DASH1, k, NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);

    http_auth(s, "POST", DASH1, k, "{\"name\":\"nope\"}", &r);
    MISSING_SCOPE(&r, "dashboard:write");
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
    http_auth(s, "PATCH", DASH1 "1/", k, "{\"name\":\"nope\"}", &r);
    MISSING_SCOPE(&r, "dashboard:write");
    http_resp_free(&r);
    http_auth(s, "DELETE", DASH1 "1/", k, NULL, &r); /* 403 before the refusal */
    MISSING_SCOPE(&r, "dashboard:write");
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    /* Scope is checked before the body is read. */
    http_auth(s, "POST", DASH1, k, "{not json", &r);
    MISSING_SCOPE(&r, "dashboard:write");
    http_resp_free(&r);
    /* Nothing changed. */
    http_auth(s, "GET", DASH1 "1/", k, NULL, &r);
    ASSERT_FIELD(&r, "name", "\"seed\"");
    http_resp_free(&r);
    http_auth(s, "GET", DASH1, k, NULL, &r);
    ASSERT_FIELD(&r, "count", "1");
    http_resp_free(&r);
}

static void test_write_key_implies_read(void **state)
{
    server *s = *state;
    http_resp r;
    const char *k = "Bearer phx_writer";
    http_auth(s, "GET", DASH1, k, NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http_auth(s, "GET", DASH1 "1/", k, NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http_auth(s, "OPTIONS", DASH1 "1/", k, NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http_auth(s, "POST", DASH1, k, "{}", &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    http_auth(s, "PATCH", DASH1 "1/", k, "{\"pinned\":true}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http_auth(s, "DELETE", DASH1 "1/", k, NULL, &r); /* passes scope: refused */
    ASSERT_STATUS(&r, 405);
    assert_int_equal(r.len, 0);
    http_resp_free(&r);
}

static void test_star_key(void **state)
{
    server *s = *state;
    http_resp r;
    const char *k = "Bearer phx_star";
    http_auth(s, "GET", DASH1, k, NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http_auth(s, "POST", DASH1, k, "{}", &r);
    ASSERT_STATUS(&r, 201);
    /* A personal key's user is the UserBasic defaults. */
    ASSERT_FIELD(&r, "created_by", USER_DEFAULT_JSON);
    http_resp_free(&r);
    http_auth(s, "PATCH", DASH1 "2/", k, "{\"name\":\"two\"}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http_auth(s, "DELETE", DASH1 "2/", k, NULL, &r);
    ASSERT_STATUS(&r, 405);
    http_resp_free(&r);
}

static void test_other_object_scope(void **state)
{
    server *s = *state;
    http_resp r;
    const char *k = "Bearer phx_other";
    http_auth(s, "GET", DASH1, k, NULL, &r);
    MISSING_SCOPE(&r, "dashboard:read");
    http_resp_free(&r);
    http_auth(s, "GET", DASH1 "1/", k, NULL, &r);
    MISSING_SCOPE(&r, "dashboard:read");
    http_resp_free(&r);
    http_auth(s, "OPTIONS", DASH1, k, NULL, &r);
    MISSING_SCOPE(&r, "dashboard:read");
    http_resp_free(&r);
    http_auth(s, "POST", DASH1, k, "{}", &r);
    MISSING_SCOPE(&r, "dashboard:write");
    http_resp_free(&r);
    http_auth(s, "PATCH", DASH1 "1/", k, "{}", &r);
    MISSING_SCOPE(&r, "dashboard:write");
    http_resp_free(&r);
}

/* "INTERNAL" is not "*": it grants nothing on dashboards. */
static void test_internal_scope_is_not_star(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "GET", DASH1, "Bearer phx_internal", NULL, &r);
    MISSING_SCOPE(&r, "dashboard:read");
    http_resp_free(&r);
}

static void test_session_key_with_user(void **state)
{
    server *s = *state;
    http_resp r;
    const char *k = "Bearer phx_browser";
    http_auth(s, "POST", DASH1, k, "{}", &r);
    ASSERT_STATUS(&r, 201);
    /* The keys file overrides some UserBasic fields; the rest are defaults. */
    char *exp = dash_json(2, clock_at(1), 1,
                          "{\"created_by\":{\"id\":7,"
                          "\"uuid\":\"01936a3e-5c1f-7000-8000-000000000001\","
                          "\"distinct_id\":\"specmock-dev\",\"first_name\":\"Ana\","
                          "\"last_name\":\"\",\"email\":\"ana@example.com\","
                          "\"is_email_verified\":true,\"hedgehog_config\":null,"
                          "\"role_at_organization\":\"engineering\"}}");
    ASSERT_JSON_RESP(&r, 201, exp);
    http_resp_free(&r);
    http_auth(s, "GET", DASH1 "2/", k, NULL, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    free(exp);
    http_auth(s, "PATCH", DASH1 "1/", k, "{\"description\":\"by ana\"}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "created_by.id", "1"); /* the creator stays */
    http_resp_free(&r);
    http_auth(s, "DELETE", DASH1 "1/", k, NULL, &r);
    ASSERT_STATUS(&r, 405);
    http_resp_free(&r);
}

static void test_default_key_absent_with_keys_file(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "GET", DASH1, NULL, &r);
    BAD_KEY_HEADER(&r);
    http_resp_free(&r);
}

/* @current resolves to the key's project (default 1). */
static void test_current_project_of_key(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "POST", "/api/environments/@current/dashboards/", "Bearer phx_proj2",
              "{\"name\":\"p2\"}", &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "id", "1");
    ASSERT_FIELD(&r, "team_id", "2");
    http_resp_free(&r);
    http_auth(s, "GET", "/api/environments/2/dashboards/1/", "Bearer phx_proj2", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "name", "\"p2\"");
    http_resp_free(&r);
    http_auth(s, "GET", "/api/environments/@current/dashboards/", "Bearer phx_star", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "1");
    ASSERT_FIELD(&r, "results.0.name", "\"seed\"");
    ASSERT_FIELD(&r, "results.0.team_id", "1");
    http_resp_free(&r);
    http_auth(s, "GET", "/api/environments/@current/dashboards/1/", "Bearer phx_browser", NULL,
              &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "name", "\"seed\"");
    http_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_credentials, fixture_clock_server,
                                        fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_unknown_key, fixture_clock_server,
                                        fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_scheme_is_case_sensitive, fixture_clock_server,
                                        fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_query_parameter_key, fixture_clock_server,
                                        fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_header_wins_over_query, fixture_clock_server,
                                        fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_auth_before_not_found, fixture_clock_server,
                                        fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_read_key, setup_keys, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_write_key_implies_read, setup_keys,
                                        fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_star_key, setup_keys, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_other_object_scope, setup_keys,
                                        fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_internal_scope_is_not_star, setup_keys,
                                        fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_session_key_with_user, setup_keys,
                                        fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_default_key_absent_with_keys_file, setup_keys,
                                        fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_current_project_of_key, setup_keys,
                                        fixture_stop_server),
    };
    return cmocka_run_group_tests_name("integration_auth", tests, NULL, NULL);
}
