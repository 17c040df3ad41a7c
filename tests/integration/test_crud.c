/*
 * test_crud.c — retrieve, PATCH, soft delete and restore, the refused
 * DELETE, and the clock's +1 s per successful write
 * (docs/contracts.md §3 --clock, §4, §7; posthog-behavior.md §4).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EMPTY_LIST "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}"

static void expect_get(server *s, const char *path, long status, const char *body)
{
    http_resp r;
    http(s, "GET", path, NULL, &r);
    ASSERT_JSON_RESP(&r, status, body);
    http_resp_free(&r);
}

static void expect_count(server *s, const char *path, int count)
{
    http_resp r;
    http(s, "GET", path, NULL, &r);
    ASSERT_STATUS(&r, 200);
    char *c = xprintf("%d", count);
    ASSERT_FIELD(&r, "count", c);
    free(c);
    http_resp_free(&r);
}

/* ---- retrieve ---- */

static void test_retrieve_exact(void **state)
{
    server *s = *state;
    create_dashboard(s, 1, "one");
    create_dashboard(s, 1, "two");
    char *d1 = dash_json(1, clock_at(0), 1, "{\"name\":\"one\"}");
    char *d2 = dash_json(2, clock_at(1), 1, "{\"name\":\"two\"}");
    expect_get(s, DASH1 "1/", 200, d1);
    expect_get(s, DASH1 "2/", 200, d2);
    /* reads do not move the clock */
    http_resp r;
    http(s, "POST", DASH1, "{}", &r);
    char *d3 = dash_json(3, clock_at(2), 1, NULL);
    ASSERT_JSON_RESP(&r, 201, d3);
    http_resp_free(&r);
    free(d1);
    free(d2);
    free(d3);
}

static void test_retrieve_absent(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    create_dashboard(s, 1, NULL);
    const char *paths[] = {DASH1 "2/", DASH1 "0/", DASH1 "999999/", DASH1 "-1/",
                           DASH1 "9223372036854775807/", NULL};
    for (int i = 0; paths[i]; i++) {
        print_message("GET %s\n", paths[i]);
        http(s, "GET", paths[i], NULL, &r);
        ASSERT_NOT_FOUND(&r);
        ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
        http_resp_free(&r);
    }
}

static void test_retrieve_other_project(void **state)
{
    server *s = *state;
    create_dashboard(s, 1, "p1");
    http_resp r;
    http(s, "GET", "/api/environments/2/dashboards/1/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "PATCH", "/api/environments/2/dashboards/1/", "{\"name\":\"hijack\"}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    expect_get(s, "/api/environments/2/dashboards/", 200, EMPTY_LIST);
    /* Project 2's own dashboard 1 is a different record. */
    create_dashboard(s, 2, "p2");
    char *p1 = dash_json(1, clock_at(0), 1, "{\"name\":\"p1\"}");
    char *p2 = dash_json(1, clock_at(1), 2, "{\"name\":\"p2\"}");
    expect_get(s, DASH1 "1/", 200, p1);
    expect_get(s, "/api/environments/2/dashboards/1/", 200, p2);
    free(p1);
    free(p2);
}

/* ---- update ---- */

static void test_patch_changes_only_what_was_sent(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", DASH1,
         "{\"name\":\"orig\",\"description\":\"desc\",\"tags\":[\"a\"],"
         "\"breakdown_colors\":[\"#000\"]}", &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);

    http(s, "PATCH", DASH1 "1/", "{\"name\":\"Renamed\",\"pinned\":true}", &r);
    char *exp = dash_json(1, clock_at(0), 1,
                          "{\"name\":\"Renamed\",\"description\":\"desc\",\"pinned\":true,"
                          "\"tags\":[\"a\"],\"breakdown_colors\":[\"#000\"]}");
    ASSERT_JSON_RESP(&r, 200, exp);
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    expect_get(s, DASH1 "1/", 200, exp);
    free(exp);

    /* a second PATCH accumulates; arrays are replaced, not merged */
    http(s, "PATCH", DASH1 "1/",
         "{\"tags\":[\"b\",\"c\"],\"restriction_level\":37,\"name\":null,"
         "\"last_refresh\":\"2026-03-01T12:00:00+02:00\",\"data_color_theme_id\":\"4\"}",
         &r);
    exp = dash_json(1, clock_at(0), 1,
                    "{\"name\":null,\"description\":\"desc\",\"pinned\":true,"
                    "\"tags\":[\"b\",\"c\"],\"breakdown_colors\":[\"#000\"],"
                    "\"restriction_level\":37,\"effective_restriction_level\":37,\"last_refresh\":\"2026-03-01T10:00:00Z\","
                    "\"data_color_theme_id\":4}");
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    expect_get(s, DASH1 "1/", 200, exp);
    /* the list item shows the change too */
    char *item = dash_basic_json(1, clock_at(0), 1,
                                 "{\"name\":null,\"description\":\"desc\",\"pinned\":true,"
                                 "\"tags\":[\"b\",\"c\"],\"restriction_level\":37,\"effective_restriction_level\":37,"
                                 "\"last_refresh\":\"2026-03-01T10:00:00Z\"}");
    char *list = xprintf("{\"count\":1,\"next\":null,\"previous\":null,\"results\":[%s]}", item);
    expect_get(s, DASH1, 200, list);
    free(item);
    free(list);
    free(exp);
}

static void test_patch_ignores_readonly_unknown_writeonly(void **state)
{
    server *s = *state;
    create_dashboard(s, 1, "stay");
    char *exp = dash_json(1, clock_at(0), 1, "{\"name\":\"stay\"}");
    http_resp r;
    http(s, "PATCH", DASH1 "1/",
         "{\"id\":7,\"team_id\":2,\"created_at\":\"2020-01-01T00:00:00Z\",\"created_by\":null,"
         "\"is_shared\":true,\"filters\":{\"x\":1},\"tiles\":[],\"creation_mode\":\"template\","
         "\"unknown\":1,\"use_template\":\"x\",\"delete_insights\":true}",
         &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    expect_get(s, DASH1 "1/", 200, exp);
    /* An empty PATCH is a no-op success. */
    http(s, "PATCH", DASH1 "1/", "{}", &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    http_req q = {.method = "PATCH", .path = DASH1 "1/", .body = NULL};
    http_do(s, &q, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    /* still one record with id 1 in project 1, nothing in project 2 */
    expect_count(s, DASH1, 1);
    expect_get(s, "/api/environments/2/dashboards/", 200, EMPTY_LIST);
    free(exp);
}

static void test_patch_validation(void **state)
{
    server *s = *state;
    create_dashboard(s, 1, "valid");
    char *exp = dash_json(1, clock_at(0), 1, "{\"name\":\"valid\"}");
    http_resp r;
    http(s, "PATCH", DASH1 "1/", "{\"description\":null}", &r);
    ASSERT_VALIDATION(&r, "null", "This field may not be null.", "description");
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{\"restriction_level\":99}", &r);
    ASSERT_VALIDATION(&r, "invalid_choice", "\"99\" is not a valid choice.", "restriction_level");
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{\"pinned\":\"maybe\",\"name\":\"changed\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "Must be a valid boolean.", "pinned");
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{\"tags\":[\"ok\",{}]}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "Not a valid string.", "tags__1");
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{\"name\":", &r);
    ASSERT_STATUS(&r, 400);
    ASSERT_FIELD(&r, "code", "\"parse_error\"");
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "[]", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "Invalid data. Expected a dictionary, but got list.",
                      NULL);
    http_resp_free(&r);
    http_req q = {.method = "PATCH", .path = DASH1 "1/", .body = "{\"name\":\"t\"}",
                  .content_type = "text/plain"};
    http_do(s, &q, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    /* A failed PATCH changes nothing (not even the name sent beside a bad field). */
    expect_get(s, DASH1 "1/", 200, exp);
    free(exp);
}

static void test_patch_absent(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "PATCH", DASH1 "1/", "{\"name\":\"x\"}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    create_dashboard(s, 1, NULL);
    http(s, "PATCH", DASH1 "2/", "{\"name\":\"x\"}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    /* PATCH does not create: the next create is id 2 */
    assert_int_equal(create_dashboard(s, 1, NULL), 2);
}

/* ---- soft delete ---- */

static void test_soft_delete_and_restore(void **state)
{
    server *s = *state;
    create_dashboard(s, 1, "first");
    create_dashboard(s, 1, "second");
    expect_count(s, DASH1, 2);

    http_resp r;
    http(s, "PATCH", DASH1 "1/", "{\"deleted\": true}", &r);
    char *deleted = dash_json(1, clock_at(0), 1, "{\"name\":\"first\",\"deleted\":true}");
    ASSERT_JSON_RESP(&r, 200, deleted);
    http_resp_free(&r);

    /* left out of the list */
    char *item2 = dash_basic_json(2, clock_at(1), 1, "{\"name\":\"second\"}");
    char *list = xprintf("{\"count\":1,\"next\":null,\"previous\":null,\"results\":[%s]}", item2);
    expect_get(s, DASH1, 200, list);
    free(list);
    /* retrieve and ordinary updates answer 404 */
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "HEAD", DASH1 "1/", NULL, &r);
    ASSERT_STATUS(&r, 404);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{\"name\":\"x\"}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{\"deleted\":true}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    /* the refused DELETE does not look at the record either way */
    http(s, "DELETE", DASH1 "1/", NULL, &r);
    ASSERT_STATUS(&r, 405);
    assert_int_equal(r.len, 0);
    http_resp_free(&r);
    /* ids are not reused */
    assert_int_equal(create_dashboard(s, 1, "third"), 3);

    /* restore */
    http(s, "PATCH", DASH1 "1/", "{\"deleted\": false}", &r);
    char *restored = dash_json(1, clock_at(0), 1, "{\"name\":\"first\"}");
    ASSERT_JSON_RESP(&r, 200, restored);
    http_resp_free(&r);
    expect_get(s, DASH1 "1/", 200, restored);
    char *item1 = dash_basic_json(1, clock_at(0), 1, "{\"name\":\"first\"}");
    char *item3 = dash_basic_json(3, clock_at(3), 1, "{\"name\":\"third\"}");
    list = xprintf("{\"count\":3,\"next\":null,\"previous\":null,\"results\":[%s,%s,%s]}", item1,
                   item2, item3);
    expect_get(s, DASH1, 200, list);
    free(list);
    free(item1);
    free(item2);
    free(item3);
    free(deleted);
    free(restored);
}

static void test_restore_with_other_changes(void **state)
{
    server *s = *state;
    create_dashboard(s, 1, "gone");
    http_resp r;
    http(s, "PATCH", DASH1 "1/", "{\"deleted\":true,\"description\":\"bye\"}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "deleted", "true");
    ASSERT_FIELD(&r, "description", "\"bye\"");
    http_resp_free(&r);
    expect_get(s, DASH1, 200, EMPTY_LIST);
    http(s, "PATCH", DASH1 "1/", "{\"name\":\"back\",\"deleted\":false}", &r);
    char *exp = dash_json(1, clock_at(0), 1, "{\"name\":\"back\",\"description\":\"bye\"}");
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    expect_get(s, DASH1 "1/", 200, exp);
    free(exp);
}

/* Created already deleted: the soft-delete rules apply from the start. */
static void test_create_deleted(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", DASH1, "{\"name\":\"born gone\",\"deleted\":true}", &r);
    char *exp = dash_json(1, clock_at(0), 1, "{\"name\":\"born gone\",\"deleted\":true}");
    ASSERT_JSON_RESP(&r, 201, exp);
    free(exp);
    http_resp_free(&r);
    expect_get(s, DASH1, 200, EMPTY_LIST);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{\"deleted\":false}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "deleted", "false");
    http_resp_free(&r);
    expect_count(s, DASH1, 1);
}

/* Soft-deleted state survives a restart (flags live in the record). */
static void test_soft_delete_persists(void **state)
{
    server *s = *state;
    create_dashboard(s, 1, "a");
    create_dashboard(s, 1, "b");
    http_resp r;
    http(s, "PATCH", DASH1 "2/", "{\"deleted\":true}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    assert_int_equal(server_stop(s), 0);
    server_restart(s);
    expect_count(s, DASH1, 1);
    http(s, "GET", DASH1 "2/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "2/", "{\"deleted\":false}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    expect_count(s, DASH1, 2);
}

/* ---- refused DELETE ---- */

static void test_delete_refused(void **state)
{
    server *s = *state;
    create_dashboard(s, 1, "undeletable");
    char *exp = dash_json(1, clock_at(0), 1, "{\"name\":\"undeletable\"}");
    const char *paths[] = {DASH1 "1/", API1 "/dashboards/1", DASH1 "999/", NULL};
    for (int i = 0; paths[i]; i++) {
        http_resp r;
        print_message("DELETE %s\n", paths[i]);
        http(s, "DELETE", paths[i], NULL, &r);
        ASSERT_STATUS(&r, 405);
        if (r.len != 0) {
            print_error("refused DELETE must have an empty body; got %zu bytes: %s\n", r.len,
                        r.body);
            fail();
        }
        ASSERT_NO_HEADER(&r, "Content-Type");
        ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
        http_resp_free(&r);
    }
    /* with a body, too */
    http_resp r;
    http(s, "DELETE", DASH1 "1/", "{\"deleted\":true}", &r);
    ASSERT_STATUS(&r, 405);
    assert_int_equal(r.len, 0);
    http_resp_free(&r);
    /* unchanged, still listed */
    expect_get(s, DASH1 "1/", 200, exp);
    expect_count(s, DASH1, 1);
    /* a refused DELETE is not a successful write: the clock did not move */
    http(s, "POST", DASH1, "{}", &r);
    char *d2 = dash_json(2, clock_at(1), 1, NULL);
    ASSERT_JSON_RESP(&r, 201, d2);
    http_resp_free(&r);
    free(d2);
    free(exp);
}

static void test_delete_needs_credentials_first(void **state)
{
    server *s = *state;
    create_dashboard(s, 1, NULL);
    http_resp r;
    http_auth(s, "DELETE", DASH1 "1/", HTTP_NONE, NULL, &r);
    ASSERT_ERROR(&r, 401, "authentication_error", "not_authenticated",
                 "Authentication credentials were not provided.", NULL);
    http_resp_free(&r);
    http_auth(s, "DELETE", DASH1 "1/", "Bearer phx_unknown", NULL, &r);
    ASSERT_STATUS(&r, 401);
    http_resp_free(&r);
    http(s, "DELETE", "/api/environments/abc/dashboards/1/", NULL, &r);
    ASSERT_ERROR(&r, 404, "invalid_request", "not_found", "Project not found.", NULL);
    http_resp_free(&r);
}

static void test_delete_with_read_only_key(void **state)
{
    (void)state;
    server_opts o = {.clock = FIXED_CLOCK,
                     .keys_json = "[{\"key\":\"phx_ro\",\"scopes\":[\"dashboard:read\"]},"
                                  "{\"key\":\"phx_rw\",\"scopes\":[\"dashboard:write\"]}]"};
    server *s = server_start(&o);
    http_resp r;
    http_auth(s, "POST", DASH1, "Bearer phx_rw", "{}", &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    http_auth(s, "DELETE", DASH1 "1/", "Bearer phx_ro", NULL, &r);
    ASSERT_ERROR(&r, 403, "authentication_error", "permission_denied",
                 "API key missing required scope 'dashboard:write'", NULL);
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    http_auth(s, "DELETE", DASH1 "1/", "Bearer phx_rw", NULL, &r);
    ASSERT_STATUS(&r, 405);
    assert_int_equal(r.len, 0);
    ASSERT_NO_HEADER(&r, "Content-Type");
    http_resp_free(&r);
    server_cleanup(s);
}

/* ---- the clock ---- */

static void test_clock_advances_per_successful_write(void **state)
{
    server *s = *state;
    http_resp r;
    create_dashboard(s, 1, NULL);                         /* :00 */
    http(s, "PATCH", DASH1 "1/", "{\"name\":\"p\"}", &r); /* :01, a write */
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "created_at", "\"2026-01-01T00:00:00Z\"");
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{\"pinned\":\"x\"}", &r); /* failed: no tick */
    ASSERT_STATUS(&r, 400);
    http_resp_free(&r);
    http(s, "POST", DASH1, "{\"tags\":1}", &r); /* failed: no tick */
    ASSERT_STATUS(&r, 400);
    http_resp_free(&r);
    http(s, "GET", DASH1, NULL, &r); /* read: no tick */
    http_resp_free(&r);
    http(s, "POST", DASH1, "{}", &r); /* :02 */
    char *exp = dash_json(2, clock_at(2), 1, NULL);
    ASSERT_JSON_RESP(&r, 201, exp);
    http_resp_free(&r);
    free(exp);
    for (int i = 3; i < 63; i++) /* across a minute boundary */
        create_dashboard(s, 1, NULL);
    http(s, "POST", DASH1, "{}", &r); /* 63rd write: 00:01:03 */
    exp = dash_json(63, "2026-01-01T00:01:03Z", 1, NULL);
    ASSERT_JSON_RESP(&r, 201, exp);
    http_resp_free(&r);
    free(exp);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_clock_server, fixture_stop_server)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_retrieve_exact),
        T(test_retrieve_absent),
        T(test_retrieve_other_project),
        T(test_patch_changes_only_what_was_sent),
        T(test_patch_ignores_readonly_unknown_writeonly),
        T(test_patch_validation),
        T(test_patch_absent),
        T(test_soft_delete_and_restore),
        T(test_restore_with_other_changes),
        T(test_create_deleted),
        T(test_soft_delete_persists),
        T(test_delete_refused),
        T(test_delete_needs_credentials_first),
        cmocka_unit_test(test_delete_with_read_only_key),
        T(test_clock_advances_per_successful_write),
    };
    return cmocka_run_group_tests_name("integration_crud", tests, NULL, NULL);
}
