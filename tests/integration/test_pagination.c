/*
 * test_pagination.c — list: DRF LimitOffsetPagination, absolute next/previous
 * links, the DashboardBasic projection (docs/contracts.md §7 Lists;
 * posthog-behavior.md §3).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Five dashboards d1..d5 created at :00..:04 in project 1. */
static int setup_five(void **state)
{
    fixture_clock_server(state);
    server *s = *state;
    for (int i = 1; i <= 5; i++) {
        char name[8];
        snprintf(name, sizeof name, "d%d", i);
        if (create_dashboard(s, 1, name) != i)
            return -1;
    }
    return 0;
}

/* The expected page: count, next/previous (NULL → null; otherwise a
 * "?query" appended to http://<host><path>), results ids from..to. */
static char *page(server *s, const char *host, const char *path, int count,
                  const char *next_q, const char *prev_q, int from, int to)
{
    char *h = host ? xprintf("%s", host) : xprintf("127.0.0.1:%d", s->port);
    char *next = next_q ? xprintf("\"http://%s%s%s\"", h, path, next_q) : xprintf("null");
    char *prev = prev_q ? xprintf("\"http://%s%s%s\"", h, path, prev_q) : xprintf("null");
    char *results = xprintf("%s", "");
    for (int id = from; id <= to && from > 0; id++) {
        char ov[32];
        snprintf(ov, sizeof ov, "{\"name\":\"d%d\"}", id);
        char *item = dash_basic_json(id, clock_at(id - 1), 1, ov);
        char *n = xprintf("%s%s%s", results, id == from ? "" : ",", item);
        free(results);
        free(item);
        results = n;
    }
    char *out = xprintf("{\"count\":%d,\"next\":%s,\"previous\":%s,\"results\":[%s]}", count,
                        next, prev, results);
    free(h);
    free(next);
    free(prev);
    free(results);
    return out;
}

static void expect_page(server *s, const char *host, const char *req_path, const char *path,
                        int count, const char *next_q, const char *prev_q, int from, int to)
{
    http_req q = {.method = "GET", .path = req_path, .host = host};
    http_resp r;
    print_message("GET %s%s%s\n", req_path, host ? " Host: " : "", host ? host : "");
    http_do(s, &q, &r);
    char *exp = page(s, host, path, count, next_q, prev_q, from, to);
    ASSERT_JSON_RESP(&r, 200, exp);
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
    free(exp);
}

static void test_default_list(void **state)
{
    server *s = *state;
    expect_page(s, NULL, DASH1, DASH1, 5, NULL, NULL, 1, 5);
}

static void test_list_item_projection(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "GET", DASH1 "?limit=1", NULL, &r);
    ASSERT_STATUS(&r, 200);
    /* exact keys, in DashboardBasic's declared order */
    char *item = dash_basic_json(1, clock_at(0), 1, "{\"name\":\"d1\"}");
    static const char expected_item[] =
        "{\"id\":1,\"name\":\"d1\",\"description\":\"\",\"pinned\":false,"
        "\"created_at\":\"2026-01-01T00:00:00Z\",\"created_by\":" USER_DEFAULT_JSON ","
        "\"last_accessed_at\":null,\"last_viewed_at\":null,\"is_shared\":false,"
        "\"deleted\":false,\"creation_mode\":\"default\",\"tags\":[],"
        "\"restriction_level\":21,\"effective_restriction_level\":21,"
        "\"effective_privilege_level\":37,\"user_access_level\":\"editor\","
        "\"access_control_version\":\"v2\",\"last_refresh\":null,\"team_id\":1}";
    ASSERT_STR_EQ(item, expected_item, "dash_basic_json(1) vs the literal");
    ASSERT_CONTAINS(r.body, expected_item, "list body");
    /* fields of Dashboard that DashboardBasic does not have */
    const char *absent[] = {"filters", "variables", "breakdown_colors", "data_color_theme_id",
                            "persisted_filters", "persisted_variables", "tiles", "use_template",
                            NULL};
    for (int i = 0; absent[i]; i++) {
        char *p = xprintf("results.0.%s", absent[i]);
        ASSERT_FIELD(&r, p, NULL);
        free(p);
    }
    http_resp_free(&r);
    free(item);
}

static void test_first_page(void **state)
{
    server *s = *state;
    expect_page(s, NULL, DASH1 "?limit=2", DASH1, 5, "?limit=2&offset=2", NULL, 1, 2);
}

static void test_middle_page(void **state)
{
    server *s = *state;
    expect_page(s, NULL, DASH1 "?limit=2&offset=2", DASH1, 5, "?limit=2&offset=4", "?limit=2",
                3, 4);
}

static void test_last_page(void **state)
{
    server *s = *state;
    expect_page(s, NULL, DASH1 "?limit=2&offset=4", DASH1, 5, NULL, "?limit=2&offset=2", 5, 5);
}

static void test_previous_page_offsets(void **state)
{
    server *s = *state;
    /* previous page starts at 1: offset kept */
    expect_page(s, NULL, DASH1 "?limit=2&offset=3", DASH1, 5, NULL, "?limit=2&offset=1", 4, 5);
    /* previous page would start below 0: offset removed */
    expect_page(s, NULL, DASH1 "?limit=2&offset=1", DASH1, 5, "?limit=2&offset=3", "?limit=2",
                2, 3);
    /* beyond the end: empty results, previous still computed */
    expect_page(s, NULL, DASH1 "?limit=2&offset=10", DASH1, 5, NULL, "?limit=2&offset=8", 0, 0);
    /* exactly at the end */
    expect_page(s, NULL, DASH1 "?limit=5", DASH1, 5, NULL, NULL, 1, 5);
    expect_page(s, NULL, DASH1 "?limit=4", DASH1, 5, "?limit=4&offset=4", NULL, 1, 4);
}

/* Only offset given: limit is the default and is written into the links. */
static void test_offset_without_limit(void **state)
{
    server *s = *state;
    expect_page(s, NULL, DASH1 "?offset=2", DASH1, 5, NULL, "?limit=100", 3, 5);
}

static void test_other_params_kept_and_sorted(void **state)
{
    server *s = *state;
    expect_page(s, NULL, DASH1 "?offset=2&limit=2&format=json", DASH1, 5,
                "?format=json&limit=2&offset=4", "?format=json&limit=2", 3, 4);
    /* values are quote_plus-encoded */
    expect_page(s, NULL, DASH1 "?zeta=a%20b%2Fc&limit=2&alpha=x+y", DASH1, 5,
                "?alpha=x+y&limit=2&offset=2&zeta=a+b%2Fc", NULL, 1, 2);
}

/* replace_query_param: parse_qs(keep_blank_values=True), keys sorted by code
 * point, repeated keys kept in order, keys and values quote_plus-encoded. */
static void test_query_encoding_like_drf(void **state)
{
    server *s = *state;
    expect_page(s, NULL,
                DASH1 "?limit=2&offset=2&tag=b&tag=a&flag&e=%C3%A9&Zed=1&x=a%2Ab%21~&a%20b=c+d",
                DASH1, 5, "?Zed=1&a+b=c+d&e=%C3%A9&flag=&limit=2&offset=4&tag=b&tag=a&x=a%2Ab%21~",
                "?Zed=1&a+b=c+d&e=%C3%A9&flag=&limit=2&tag=b&tag=a&x=a%2Ab%21~", 3, 4);
}

/* The query-string key is a query parameter like any other. */
static void test_key_parameter_kept_in_links(void **state)
{
    server *s = *state;
    http_req q = {.method = "GET", .path = DASH1 "?personal_api_key=" DEFAULT_KEY "&limit=2",
                  .auth = HTTP_NONE};
    http_resp r;
    http_do(s, &q, &r);
    char *exp = page(s, NULL, DASH1, 5, "?limit=2&offset=2&personal_api_key=" DEFAULT_KEY, NULL,
                     1, 2);
    ASSERT_JSON_RESP(&r, 200, exp);
    free(exp);
    http_resp_free(&r);
}

static void test_path_as_sent(void **state)
{
    server *s = *state;
    /* without the trailing slash the links keep the path as requested */
    expect_page(s, NULL, API1 "/dashboards?limit=2", API1 "/dashboards", 5, "?limit=2&offset=2",
                NULL, 1, 2);
}

static void test_host_header_in_links(void **state)
{
    server *s = *state;
    expect_page(s, "example.test:8000", DASH1 "?limit=2&offset=2", DASH1, 5,
                "?limit=2&offset=4", "?limit=2", 3, 4);
    expect_page(s, "example.test", DASH1 "?limit=3", DASH1, 5, "?limit=3&offset=3", NULL, 1, 3);
}

static void test_bad_limit_is_default(void **state)
{
    server *s = *state;
    const char *qs[] = {"?limit=abc", "?limit=0", "?limit=-1", "?limit=", "?limit=2.5",
                        "?limit=1e1", NULL};
    for (int i = 0; qs[i]; i++) {
        char *p = xprintf(DASH1 "%s", qs[i]);
        expect_page(s, NULL, p, DASH1, 5, NULL, NULL, 1, 5);
        free(p);
    }
    /* a bad limit with an offset: the links carry the default limit */
    expect_page(s, NULL, DASH1 "?limit=abc&offset=1", DASH1, 5, NULL, "?limit=100", 2, 5);
}

static void test_bad_offset_is_zero(void **state)
{
    server *s = *state;
    const char *qs[] = {"?limit=2&offset=abc", "?limit=2&offset=-1", "?limit=2&offset=",
                        "?limit=2&offset=1.5", NULL};
    for (int i = 0; qs[i]; i++) {
        char *p = xprintf(DASH1 "%s", qs[i]);
        expect_page(s, NULL, p, DASH1, 5, "?limit=2&offset=2", NULL, 1, 2);
        free(p);
    }
}

static void test_large_limit_no_maximum(void **state)
{
    server *s = *state;
    expect_page(s, NULL, DASH1 "?limit=100000", DASH1, 5, NULL, NULL, 1, 5);
}

static void test_count_follows_soft_delete(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "PATCH", DASH1 "2/", "{\"deleted\":true}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http(s, "GET", DASH1 "?limit=2", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "4");
    ASSERT_FIELD(&r, "results.0.id", "1");
    ASSERT_FIELD(&r, "results.1.id", "3");
    char *next = xprintf("\"http://127.0.0.1:%d/api/environments/1/dashboards/?limit=2&offset=2\"",
                         s->port);
    ASSERT_FIELD(&r, "next", next);
    ASSERT_FIELD(&r, "previous", "null");
    free(next);
    http_resp_free(&r);
}

static void test_projects_do_not_mix(void **state)
{
    server *s = *state;
    create_dashboard(s, 2, "other");
    expect_page(s, NULL, DASH1, DASH1, 5, NULL, NULL, 1, 5);
    http_resp r;
    http(s, "GET", "/api/environments/2/dashboards/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "1");
    ASSERT_FIELD(&r, "results.0.name", "\"other\"");
    ASSERT_FIELD(&r, "results.0.team_id", "2");
    http_resp_free(&r);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_five, fixture_stop_server)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_default_list),
        T(test_list_item_projection),
        T(test_first_page),
        T(test_middle_page),
        T(test_last_page),
        T(test_previous_page_offsets),
        T(test_offset_without_limit),
        T(test_other_params_kept_and_sorted),
        T(test_query_encoding_like_drf),
        T(test_key_parameter_kept_in_links),
        T(test_path_as_sent),
        T(test_host_header_in_links),
        T(test_bad_limit_is_default),
        T(test_bad_offset_is_zero),
        T(test_large_limit_no_maximum),
        T(test_count_follows_soft_delete),
        T(test_projects_do_not_mix),
    };
    return cmocka_run_group_tests_name("integration_pagination", tests, NULL, NULL);
}
