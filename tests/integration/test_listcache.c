/*
 * test_listcache.c — the list-answer cache (runtime/listcache.h) seen over
 * HTTP: a repeated list answers the same bytes; a create, update, soft
 * delete, hard delete or admin reset in between answers the new state; two
 * callers of the same URL (other projects through @current, owner-filtered
 * exports, file_system's `user:me` search) each get their own page, in
 * turns, so a cached page of one is never answered to the other; another
 * Host header makes other pagination links; another query another page.
 *
 * Every check asks the same URL at least twice, so the second answer comes
 * from the cache whenever the key and the snapshot allow it.
 *
 * Ownership: RT-CORE helper (issue 6).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_proj2\", \"scopes\": [\"*\"], \"project\": 2},\n"
    " {\"key\": \"phx_bob\", \"scopes\": [\"*\"], \"user\": {\"id\": 2,\n"
    "  \"uuid\": \"01936a3e-5c1f-7000-8000-000000000002\", \"first_name\": \"Bob\",\n"
    "  \"last_name\": \"Stone\", \"email\": \"bob@example.com\"}}\n"
    "]\n";

static int setup(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS};
    *state = server_start(&o);
    return 0;
}

/* GET path with key (NULL: the default) and Host (NULL: curl's): 200, the
 * body returned (malloc'd). */
static char *get_body(server *s, const char *path, const char *key,
                      const char *host)
{
    char *auth = xprintf("Bearer %s", key ? key : DEFAULT_KEY);
    http_req q = {.method = "GET", .path = path, .auth = auth, .host = host};
    http_resp r;
    http_do(s, &q, &r);
    ASSERT_STATUS(&r, 200);
    char *b = strdup(r.body);
    http_resp_free(&r);
    free(auth);
    return b;
}

/* GET twice: both answers must be exactly expected. */
static void expect_twice(server *s, const char *path, const char *key,
                         const char *host, const char *expected)
{
    for (int i = 0; i < 2; i++) {
        char *b = get_body(s, path, key, host);
        ASSERT_STR_EQ(b, expected, path);
        free(b);
    }
}

static void send_ok(server *s, const char *method, const char *path,
                    const char *key, const char *body, long status)
{
    http_resp r;
    http_key(s, method, path, key, body, &r);
    ASSERT_STATUS(&r, status);
    http_resp_free(&r);
}

/* The dashboards list of project 1 as items id 1..n named d1..dn, minus
 * the id skip (0: none); first: the first item's name instead of d1. */
static char *dash_page(int n, int skip, const char *first)
{
    char *results = xprintf("%s", "");
    int count = 0;
    for (int id = 1; id <= n; id++) {
        if (id == skip)
            continue;
        char *ov = id == 1 && first ? xprintf("{\"name\":\"%s\"}", first)
                                    : xprintf("{\"name\":\"d%d\"}", id);
        char *item = dash_basic_json(id, clock_at(id - 1), 1, ov);
        char *nr = xprintf("%s%s%s", results, count ? "," : "", item);
        free(results);
        free(item);
        free(ov);
        results = nr;
        count++;
    }
    char *out = xprintf("{\"count\":%d,\"next\":null,\"previous\":null,"
                        "\"results\":[%s]}", count, results);
    free(results);
    return out;
}

static void test_same_bytes_twice(void **state)
{
    server *s = *state;
    for (int i = 1; i <= 3; i++) {
        char name[8];
        snprintf(name, sizeof name, "d%d", i);
        assert_int_equal(create_dashboard(s, 1, name), i);
    }
    char *exp = dash_page(3, 0, NULL);
    char *a = get_body(s, DASH1, NULL, NULL);
    ASSERT_STR_EQ(a, exp, "first list");
    for (int i = 0; i < 3; i++) {
        http_resp r;
        http(s, "GET", DASH1, NULL, &r);
        ASSERT_JSON_RESP(&r, 200, exp); /* status, bytes, Content-Type */
        ASSERT_HEADER(&r, "Allow", "GET, POST, HEAD, OPTIONS");
        http_resp_free(&r);
    }
    /* HEAD shares the GET's answer: no body, the same length */
    http_resp r;
    http(s, "HEAD", DASH1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    char *len = xprintf("%zu", strlen(exp));
    ASSERT_HEADER(&r, "Content-Length", len);
    assert_int_equal(r.len, 0);
    http_resp_free(&r);
    free(len);
    free(a);
    free(exp);
}

static void test_writes_between(void **state)
{
    server *s = *state;
    assert_int_equal(create_dashboard(s, 1, "d1"), 1);
    assert_int_equal(create_dashboard(s, 1, "d2"), 2);
    char *exp = dash_page(2, 0, NULL);
    expect_twice(s, DASH1, NULL, NULL, exp);
    free(exp);
    /* create */
    assert_int_equal(create_dashboard(s, 1, "d3"), 3);
    exp = dash_page(3, 0, NULL);
    expect_twice(s, DASH1, NULL, NULL, exp);
    free(exp);
    /* update */
    send_ok(s, "PATCH", DASH1 "1/", NULL, "{\"name\":\"aa renamed\"}", 200);
    exp = dash_page(3, 0, "aa renamed");
    expect_twice(s, DASH1, NULL, NULL, exp);
    free(exp);
    /* soft delete */
    send_ok(s, "PATCH", DASH1 "2/", NULL, "{\"deleted\":true}", 200);
    exp = dash_page(3, 2, "aa renamed");
    expect_twice(s, DASH1, NULL, NULL, exp);
    free(exp);
    /* a write in another project changes the snapshot, not this page */
    assert_int_equal(create_dashboard(s, 2, "other"), 1);
    exp = dash_page(3, 2, "aa renamed");
    expect_twice(s, DASH1, NULL, NULL, exp);
    free(exp);
    /* hard delete (data color themes are destroyed) */
#define DCT API1 "/data_color_themes/"
    send_ok(s, "POST", DCT, NULL, "{\"name\":\"A\"}", 201);
    send_ok(s, "POST", DCT, NULL, "{\"name\":\"B\"}", 201);
    char *two = get_body(s, DCT, NULL, NULL);
    ASSERT_CONTAINS(two, "\"name\":\"A\"", "two themes");
    ASSERT_CONTAINS(two, "\"name\":\"B\"", "two themes");
    char *again = get_body(s, DCT, NULL, NULL);
    ASSERT_STR_EQ(again, two, "themes twice");
    send_ok(s, "DELETE", DCT "1/", NULL, NULL, 204);
    for (int i = 0; i < 2; i++) {
        char *one = get_body(s, DCT, NULL, NULL);
        if (strstr(one, "\"name\":\"A\"") || !strstr(one, "\"name\":\"B\""))
            fail_msg("after DELETE: %s", one);
        free(one);
    }
    free(two);
    free(again);
    /* an admin reset empties the store */
    http_req q = {.method = "POST", .path = "/__specmock/reset", .auth = HTTP_NONE};
    http_resp r;
    http_do(s, &q, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    expect_twice(s, DASH1, NULL, NULL,
                 "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}");
}

static void test_callers_projects(void **state)
{
    server *s = *state;
    assert_int_equal(create_dashboard(s, 1, "one"), 1);
    assert_int_equal(create_dashboard(s, 2, "two"), 1);
    const char *cur = "/api/environments/@current/dashboards/";
    for (int i = 0; i < 2; i++) {
        char *a = get_body(s, cur, NULL, NULL);
        ASSERT_CONTAINS(a, "\"count\":1,", "project 1");
        ASSERT_CONTAINS(a, "\"name\":\"one\"", "project 1");
        ASSERT_CONTAINS(a, "\"team_id\":1", "project 1");
        char *b = get_body(s, cur, "phx_proj2", NULL);
        ASSERT_CONTAINS(b, "\"count\":1,", "project 2");
        ASSERT_CONTAINS(b, "\"name\":\"two\"", "project 2");
        ASSERT_CONTAINS(b, "\"team_id\":2", "project 2");
        free(a);
        free(b);
    }
}

static void test_callers_owners(void **state)
{
    server *s = *state;
#define EXP1 API1 "/exports/"
    send_ok(s, "POST", EXP1, NULL,
            "{\"export_format\":\"text/csv\",\"export_context\":{\"path\":\"/a\"}}",
            201);
    send_ok(s, "POST", EXP1, "phx_bob",
            "{\"export_format\":\"image/png\",\"export_context\":{\"path\":\"/b\"}}",
            201);
    for (int i = 0; i < 2; i++) {
        char *a = get_body(s, EXP1, NULL, NULL);
        ASSERT_CONTAINS(a, "\"count\":1,", "dev's exports");
        ASSERT_CONTAINS(a, "\"id\":1,", "dev's exports");
        ASSERT_CONTAINS(a, "text/csv", "dev's exports");
        char *b = get_body(s, EXP1, "phx_bob", NULL);
        ASSERT_CONTAINS(b, "\"count\":1,", "bob's exports");
        ASSERT_CONTAINS(b, "\"id\":2,", "bob's exports");
        ASSERT_CONTAINS(b, "image/png", "bob's exports");
        free(a);
        free(b);
    }
    /* file_system: user:me is the caller */
#define FS1 API1 "/file_system/"
    send_ok(s, "POST", FS1, NULL, "{\"path\":\"Mine\",\"type\":\"folder\"}", 201);
    send_ok(s, "POST", FS1, "phx_bob", "{\"path\":\"Bobs\",\"type\":\"folder\"}", 201);
    const char *me = FS1 "?search=user:me";
    for (int i = 0; i < 2; i++) {
        char *a = get_body(s, me, NULL, NULL);
        ASSERT_CONTAINS(a, "\"count\":1,", "dev's user:me");
        ASSERT_CONTAINS(a, "\"path\":\"Mine\"", "dev's user:me");
        char *b = get_body(s, me, "phx_bob", NULL);
        ASSERT_CONTAINS(b, "\"count\":1,", "bob's user:me");
        ASSERT_CONTAINS(b, "\"path\":\"Bobs\"", "bob's user:me");
        free(a);
        free(b);
    }
}

static void test_host_and_query(void **state)
{
    server *s = *state;
    for (int i = 1; i <= 3; i++)
    {
        char name[8];
        snprintf(name, sizeof name, "d%d", i);
        assert_int_equal(create_dashboard(s, 1, name), i);
    }
    const char *p = DASH1 "?limit=1";
    for (int i = 0; i < 2; i++) {
        char *a = get_body(s, p, NULL, "a.test");
        ASSERT_CONTAINS(a, "\"next\":\"http://a.test" DASH1 "?limit=1&offset=1\"",
                        "Host a.test");
        char *b = get_body(s, p, NULL, "b.test:81");
        ASSERT_CONTAINS(b, "\"next\":\"http://b.test:81" DASH1 "?limit=1&offset=1\"",
                        "Host b.test:81");
        free(a);
        free(b);
    }
    /* the query: limit, offset, and bytes that parse alike */
    const char *const qs[][2] = {
        {DASH1 "?limit=1", "\"results\":[{\"id\":1,"},
        {DASH1 "?limit=1&offset=1", "\"results\":[{\"id\":2,"},
        {DASH1 "?limit=1&offset=2", "\"results\":[{\"id\":3,"},
        {DASH1 "?limit=2", "\"count\":3,\"next\":\"http://a.test" DASH1
                           "?limit=2&offset=2\""},
        {DASH1 "?offset=1&limit=1", "\"results\":[{\"id\":2,"},
    };
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
            char *b = get_body(s, qs[i][0], NULL, "a.test");
            ASSERT_CONTAINS(b, qs[i][1], qs[i][0]);
            free(b);
        }
    }
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, fixture_stop_server)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_same_bytes_twice),
        T(test_writes_between),
        T(test_callers_projects),
        T(test_callers_owners),
        T(test_host_and_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
