/*
 * test_routing.c — routing, Allow, 404/405, path parameters, HEAD, OPTIONS
 * (docs/contracts.md §4 steps 1, 2, 5).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define METHOD_NOT_ALLOWED(r, m)                                               \
    ASSERT_ERROR((r), 405, "invalid_request", "method_not_allowed",            \
                 "Method \"" m "\" not allowed.", NULL)

static void test_unknown_paths(void **state)
{
    server *s = *state;
    const char *paths[] = {
        "/",
        "/api",
        "/api/environments/",
        "/api/environments/1/",
        "/api/environments/1/widgets/",
        "/api/environments/1/dashboards/1/extra/",
        "/api/environments/1/dashboards/1/sharing/extra/",
        "/api/projects/1/dashboards/",
        "/api/environments/1/dashboards/1/2/",
        "/API/environments/1/dashboards/",
        NULL};
    for (int i = 0; paths[i]; i++) {
        http_resp r;
        print_message("GET %s\n", paths[i]);
        http(s, "GET", paths[i], NULL, &r);
        ASSERT_NOT_FOUND(&r);
        http_resp_free(&r);
    }
}

/* Routing comes before authentication: unknown paths are 404 without a key. */
static void test_unknown_path_without_credentials(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "GET", "/api/environments/1/widgets/", HTTP_NONE, NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http_auth(s, "POST", "/nowhere", "Bearer phx_wrong", "{}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
}

static void test_trailing_slash_optional(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", API1 "/dashboards", "{\"name\":\"no slash\"}", &r);
    char *exp = dash_json(1, clock_at(0), 1, "{\"name\":\"no slash\"}");
    ASSERT_JSON_RESP(&r, 201, exp);
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
    http(s, "POST", API1 "/dashboards/", "{\"name\":\"slash\"}", &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);

    http(s, "GET", API1 "/dashboards", NULL, &r);
    ASSERT_STATUS(&r, 200);
    char *without = strdup(r.body);
    http_resp_free(&r);
    http(s, "GET", API1 "/dashboards/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, without);
    ASSERT_FIELD(&r, "count", "2");
    http_resp_free(&r);

    http(s, "GET", API1 "/dashboards/1", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    http(s, "GET", API1 "/dashboards/1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    http(s, "PATCH", API1 "/dashboards/1", "{\"pinned\":true}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "pinned", "true");
    http_resp_free(&r);
    http(s, "DELETE", API1 "/dashboards/1", NULL, &r);
    ASSERT_STATUS(&r, 405);
    assert_int_equal(r.len, 0);
    http_resp_free(&r);
    free(exp);
    free(without);
}

static void test_put_on_list_is_405(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "PUT", DASH1, "{}", &r);
    ASSERT_JSON_RESP(&r, 405,
                     "{\"type\":\"invalid_request\",\"code\":\"method_not_allowed\","
                     "\"detail\":\"Method \\\"PUT\\\" not allowed.\",\"attr\":null}");
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
    http(s, "PUT", API1 "/dashboards", "{}", &r); /* without the slash too */
    METHOD_NOT_ALLOWED(&r, "PUT");
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
}

/* DRF authenticates before it dispatches to http_method_not_allowed: a wrong
 * method is 401 without credentials (Allow still present), 405 with a key. */
static void test_wrong_method_authenticates_first(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "PUT", DASH1, HTTP_NONE, "{}", &r);
    ASSERT_ERROR(&r, 401, "authentication_error", "not_authenticated",
                 "Authentication credentials were not provided.", NULL);
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
    http_auth(s, "PUT", DASH1, "Bearer phx_wrong", "{}", &r);
    ASSERT_ERROR(&r, 401, "authentication_error", "authentication_failed",
                 "Personal API key found in request Authorization header is invalid.",
                 NULL);
    http_resp_free(&r);
}

static void test_other_undeclared_methods_are_405(void **state)
{
    server *s = *state;
    create_dashboard(s, 1, NULL);
    http_resp r;
    http(s, "PATCH", DASH1, "{}", &r);
    METHOD_NOT_ALLOWED(&r, "PATCH");
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
    http(s, "DELETE", DASH1, NULL, &r);
    METHOD_NOT_ALLOWED(&r, "DELETE");
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
    http(s, "PUT", DASH1 "1/", "{}", &r);
    METHOD_NOT_ALLOWED(&r, "PUT");
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    http(s, "POST", DASH1 "1/", "{}", &r);
    METHOD_NOT_ALLOWED(&r, "POST");
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    /* The record is untouched and no id was used. */
    assert_int_equal(create_dashboard(s, 1, NULL), 2);
}

static void test_allow_on_every_response_of_a_matched_path(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    ASSERT_HEADER(&r, "Content-Type", "application/json");
    http_resp_free(&r);
    http(s, "POST", DASH1, "{}", &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
    http(s, "POST", DASH1, "{\"pinned\":\"maybe\"}", &r);
    ASSERT_STATUS(&r, 400);
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    http(s, "GET", DASH1 "99/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    http(s, "GET", DASH1 "abc/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    http(s, "DELETE", DASH1 "1/", NULL, &r);
    ASSERT_STATUS(&r, 405);
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
}

static void test_non_integer_project_id(void **state)
{
    server *s = *state;
    const char *paths[] = {
        "/api/environments/abc/dashboards/",
        "/api/environments/1x/dashboards/",
        "/api/environments/1.5/dashboards/",
        "/api/environments/current/dashboards/",
        "/api/environments/@currentx/dashboards/",
        "/api/environments/abc/dashboards/1/",
        NULL};
    for (int i = 0; paths[i]; i++) {
        http_resp r;
        print_message("GET %s\n", paths[i]);
        http(s, "GET", paths[i], NULL, &r);
        PROJECT_NOT_FOUND(&r);
        http_resp_free(&r);
    }
    http_resp r;
    http(s, "POST", "/api/environments/abc/dashboards/", "{}", &r);
    PROJECT_NOT_FOUND(&r);
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
    /* Nothing was created anywhere. */
    assert_int_equal(create_dashboard(s, 1, NULL), 1);
}

static void test_non_integer_dashboard_id(void **state)
{
    server *s = *state;
    create_dashboard(s, 1, NULL);
    const char *ids[] = {"abc", "1x", "1.0", "%31a", "@current", NULL};
    for (int i = 0; ids[i]; i++) {
        char *p = xprintf(DASH1 "%s/", ids[i]);
        http_resp r;
        print_message("GET %s\n", p);
        http(s, "GET", p, NULL, &r);
        ASSERT_NOT_FOUND(&r);
        http_resp_free(&r);
        http(s, "PATCH", p, "{\"name\":\"x\"}", &r);
        ASSERT_NOT_FOUND(&r);
        http_resp_free(&r);
        free(p);
    }
    http_resp r;
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_FIELD(&r, "name", "null");
    http_resp_free(&r);
}

static void test_current_alias(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", "/api/environments/@current/dashboards/", "{\"name\":\"cur\"}", &r);
    char *exp = dash_json(1, clock_at(0), 1, "{\"name\":\"cur\"}");
    ASSERT_JSON_RESP(&r, 201, exp);
    http_resp_free(&r);
    http(s, "GET", "/api/environments/@current/dashboards/1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    http(s, "GET", "/api/environments/@current/dashboards/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "1");
    http_resp_free(&r);
    free(exp);
}

static void test_head(void **state)
{
    server *s = *state;
    create_dashboard(s, 1, "h");
    http_resp r;
    http(s, "HEAD", DASH1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    assert_int_equal(r.len, 0);
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
    http(s, "HEAD", DASH1 "1/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    assert_int_equal(r.len, 0);
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    http(s, "HEAD", DASH1 "2/", NULL, &r);
    ASSERT_STATUS(&r, 404);
    assert_int_equal(r.len, 0);
    http_resp_free(&r);
    http_auth(s, "HEAD", DASH1, HTTP_NONE, NULL, &r);
    ASSERT_STATUS(&r, 401);
    http_resp_free(&r);
}

static void test_options(void **state)
{
    server *s = *state;
    static const char META[] =
        "{\"name\":\"dashboards\",\"renders\":[\"application/json\"],"
        "\"parses\":[\"application/json\"]}";
    http_resp r;
    http(s, "OPTIONS", DASH1, NULL, &r);
    ASSERT_JSON_RESP(&r, 200, META);
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
    http(s, "OPTIONS", DASH1 "1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, META);
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
}

static void test_query_string_does_not_affect_routing(void **state)
{
    server *s = *state;
    create_dashboard(s, 1, NULL);
    http_resp r;
    http(s, "GET", DASH1 "1/?format=json&x=%2F", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "id", "1");
    http_resp_free(&r);
    http(s, "GET", API1 "/dashboards?x=1/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "1");
    http_resp_free(&r);
}

/* Several requests over one HTTP/1.1 connection. */
static void test_keep_alive(void **state)
{
    server *s = *state;
    http_req reqs[] = {
        {.method = "POST", .path = DASH1, .body = "{\"name\":\"ka\"}"},
        {.method = "GET", .path = DASH1 "1/"},
        {.method = "PATCH", .path = DASH1 "1/", .body = "{\"pinned\":true}"},
        {.method = "DELETE", .path = DASH1 "1/"},
        {.method = "GET", .path = DASH1 "2/"},
        {.method = "HEAD", .path = DASH1},
        {.method = "GET", .path = DASH1},
    };
    enum { N = sizeof reqs / sizeof reqs[0] };
    http_resp rs[N];
    long conns = http_keepalive(s, reqs, N, rs);
    ASSERT_STATUS(&rs[0], 201);
    ASSERT_STATUS(&rs[1], 200);
    ASSERT_FIELD(&rs[1], "name", "\"ka\"");
    ASSERT_STATUS(&rs[2], 200);
    ASSERT_FIELD(&rs[2], "pinned", "true");
    ASSERT_STATUS(&rs[3], 405);
    assert_int_equal(rs[3].len, 0);
    ASSERT_NOT_FOUND(&rs[4]);
    ASSERT_STATUS(&rs[5], 200);
    ASSERT_STATUS(&rs[6], 200);
    ASSERT_FIELD(&rs[6], "count", "1");
    for (int i = 0; i < N; i++)
        http_resp_free(&rs[i]);
    if (conns != 1)
        print_message("note: %ld connections for %d requests (no keep-alive)\n", conns, (int)N);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_clock_server, fixture_stop_server)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_unknown_paths),
        T(test_unknown_path_without_credentials),
        T(test_trailing_slash_optional),
        T(test_put_on_list_is_405),
        T(test_wrong_method_authenticates_first),
        T(test_other_undeclared_methods_are_405),
        T(test_allow_on_every_response_of_a_matched_path),
        T(test_non_integer_project_id),
        T(test_non_integer_dashboard_id),
        T(test_current_alias),
        T(test_head),
        T(test_options),
        T(test_query_string_does_not_affect_routing),
        T(test_keep_alive),
    };
    return cmocka_run_group_tests_name("integration_routing", tests, NULL, NULL);
}
