/*
 * test_create.c — POST dashboards/: the rendered record, ids, the clock,
 * normalisation, read-only / unknown / write-only input, bodies and media
 * types that are accepted (docs/contracts.md §3 --clock, §4 step 6, §6, §7).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* POST {} with --clock 2026-01-01T00:00:00Z: every non-writeonly field of the
 * Dashboard model in declared order (dashboards.spec), server fills first,
 * then defaults; created_by is the UserBasic defaults (api.spec). */
static const char CREATED_1[] =
    "{\"id\":1,\"name\":null,\"description\":\"\",\"pinned\":false,"
    "\"created_at\":\"2026-01-01T00:00:00Z\","
    "\"created_by\":{\"id\":1,\"uuid\":\"01936a3e-5c1f-7000-8000-000000000001\","
    "\"distinct_id\":\"specmock-dev\",\"first_name\":\"Dev\",\"last_name\":\"\","
    "\"email\":\"dev@specmock.local\",\"is_email_verified\":true,"
    "\"hedgehog_config\":null,\"role_at_organization\":\"engineering\"},"
    "\"last_accessed_at\":null,\"last_viewed_at\":null,\"is_shared\":false,"
    "\"deleted\":false,\"creation_mode\":\"default\",\"filters\":{},\"variables\":{},"
    "\"breakdown_colors\":[],\"data_color_theme_id\":null,\"tags\":[],"
    "\"restriction_level\":21,\"effective_restriction_level\":21,"
    "\"effective_privilege_level\":37,\"user_access_level\":\"editor\","
    "\"access_control_version\":\"v2\",\"last_refresh\":null,"
    "\"persisted_filters\":null,\"persisted_variables\":null,\"team_id\":1,"
    "\"tiles\":[]}";

static void post_expect(server *s, const char *path, const char *body, int id,
                        int clock_s, int team, const char *overrides)
{
    http_resp r;
    http(s, "POST", path, body, &r);
    char *exp = dash_json(id, clock_at(clock_s), team, overrides);
    ASSERT_JSON_RESP(&r, 201, exp);
    free(exp);
    http_resp_free(&r);
}

static void test_create_empty_object_exact_body(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", DASH1, "{}", &r);
    ASSERT_JSON_RESP(&r, 201, CREATED_1);
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    /* The harness's builder agrees with the literal above. */
    char *built = dash_json(1, clock_at(0), 1, NULL);
    ASSERT_STR_EQ(built, CREATED_1, "dash_json(1) vs the literal");
    free(built);
    http_resp_free(&r);
    /* And it is what retrieve returns. */
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, CREATED_1);
    http_resp_free(&r);
}

static void test_second_create_next_id_and_second(void **state)
{
    server *s = *state;
    post_expect(s, DASH1, "{}", 1, 0, 1, NULL);
    post_expect(s, DASH1, "{\"name\":\"second\"}", 2, 1, 1, "{\"name\":\"second\"}");
    post_expect(s, DASH1, "{}", 3, 2, 1, NULL);
}

static void test_ids_are_per_project(void **state)
{
    server *s = *state;
    post_expect(s, DASH1, "{}", 1, 0, 1, NULL);
    post_expect(s, DASH1, "{}", 2, 1, 1, NULL);
    /* project 2 starts at 1; the clock is global */
    post_expect(s, "/api/environments/2/dashboards/", "{}", 1, 2, 2, NULL);
    post_expect(s, "/api/environments/2/dashboards/", "{}", 2, 3, 2, NULL);
    post_expect(s, DASH1, "{}", 3, 4, 1, NULL);
    post_expect(s, "/api/environments/12345/dashboards/", "{}", 1, 5, 12345, NULL);
}

static void test_values_are_normalised(void **state)
{
    server *s = *state;
    post_expect(s, DASH1,
                "{\"pinned\":\"true\",\"name\":123,\"description\":7,"
                "\"data_color_theme_id\":\"12\","
                "\"last_refresh\":\"2026-02-03T04:05:06+01:00\","
                "\"tags\":[\"a\",5],\"restriction_level\":37}",
                1, 0, 1,
                "{\"name\":\"123\",\"description\":\"7\",\"pinned\":true,"
                "\"data_color_theme_id\":12,\"last_refresh\":\"2026-02-03T03:05:06Z\","
                "\"tags\":[\"a\",\"5\"],\"restriction_level\":37,\"effective_restriction_level\":37}");
    post_expect(s, DASH1, "{\"pinned\":1,\"data_color_theme_id\":12.0}", 2, 1, 1,
                "{\"pinned\":true,\"data_color_theme_id\":12}");
    post_expect(s, DASH1, "{\"pinned\":\"0\",\"deleted\":\"false\"}", 3, 2, 1, NULL);
    post_expect(s, DASH1, "{\"pinned\":\"1\"}", 4, 3, 1, "{\"pinned\":true}");
    post_expect(s, DASH1, "{\"pinned\":false}", 5, 4, 1, NULL);
    post_expect(s, DASH1,
                "{\"last_accessed_at\":\"2026-02-03T04:05:06.5Z\","
                "\"last_refresh\":\"2026-02-03T23:30:00-01:30\"}",
                6, 5, 1,
                "{\"last_accessed_at\":\"2026-02-03T04:05:06.500000Z\","
                "\"last_refresh\":\"2026-02-04T01:00:00Z\"}");
}

static void test_nullable_and_any_values_kept(void **state)
{
    server *s = *state;
    post_expect(s, DASH1,
                "{\"name\":\"\",\"data_color_theme_id\":null,\"last_refresh\":null,"
                "\"breakdown_colors\":{\"a\":\"#fff\",\"n\":[1,2.5,null,true]}}",
                1, 0, 1,
                "{\"name\":\"\",\"breakdown_colors\":{\"a\":\"#fff\",\"n\":[1,2.5,null,true]}}");
    post_expect(s, DASH1, "{\"breakdown_colors\":\"red\",\"description\":\"\"}", 2, 1, 1,
                "{\"breakdown_colors\":\"red\"}");
    post_expect(s, DASH1, "{\"name\":null,\"last_accessed_at\":null}", 3, 2, 1, NULL);
}

static void test_readonly_fields_ignored(void **state)
{
    server *s = *state;
    post_expect(s, DASH1,
                "{\"id\":99,\"team_id\":5,\"is_shared\":true,"
                "\"created_at\":\"2020-01-01T00:00:00Z\",\"created_by\":null,"
                "\"last_viewed_at\":\"2020-01-01T00:00:00Z\",\"creation_mode\":\"template\","
                "\"filters\":{\"a\":1},\"variables\":null,\"effective_restriction_level\":37,"
                "\"effective_privilege_level\":21,\"user_access_level\":\"viewer\","
                "\"access_control_version\":\"v1\",\"persisted_filters\":{},"
                "\"persisted_variables\":{},\"tiles\":[{\"x\":1}]}",
                1, 0, 1, NULL);
    /* Invalid values for read-only fields are not validated either. */
    post_expect(s, DASH1, "{\"id\":\"abc\",\"is_shared\":\"maybe\",\"filters\":\"nope\"}", 2, 1,
                1, NULL);
    /* The id sent was not used to pick the next id. */
    post_expect(s, DASH1, "{}", 3, 2, 1, NULL);
}

static void test_unknown_fields_ignored(void **state)
{
    server *s = *state;
    post_expect(s, DASH1,
                "{\"foo\":1,\"bar\":{\"baz\":[null]},\"quick_filter_ids\":[],"
                "\"name\":\"known\",\"Name\":\"case matters\"}",
                1, 0, 1, "{\"name\":\"known\"}");
}

static void test_writeonly_fields_accepted_not_returned(void **state)
{
    server *s = *state;
    post_expect(s, DASH1,
                "{\"use_template\":\"t1\",\"use_dashboard\":3,\"delete_insights\":true,"
                "\"_create_in_folder\":\"Unfiled/Dashboards\"}",
                1, 0, 1, NULL);
    post_expect(s, DASH1, "{\"use_dashboard\":null,\"delete_insights\":\"false\"}", 2, 1, 1,
                NULL);
    http_resp r;
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "use_template", NULL);
    ASSERT_FIELD(&r, "use_dashboard", NULL);
    ASSERT_FIELD(&r, "delete_insights", NULL);
    ASSERT_FIELD(&r, "_create_in_folder", NULL);
    http_resp_free(&r);
}

static void test_empty_body_is_empty_object(void **state)
{
    server *s = *state;
    /* No body at all, no Content-Type. */
    http_resp r;
    http_req q = {.method = "POST", .path = DASH1, .body = NULL};
    http_do(s, &q, &r);
    char *exp = dash_json(1, clock_at(0), 1, NULL);
    ASSERT_JSON_RESP(&r, 201, exp);
    free(exp);
    http_resp_free(&r);
    /* Empty body declared as JSON. */
    http_req q2 = {.method = "POST", .path = DASH1, .body = "", .body_len = 0,
                   .content_type = "application/json"};
    http_do(s, &q2, &r);
    exp = dash_json(2, clock_at(1), 1, NULL);
    ASSERT_JSON_RESP(&r, 201, exp);
    free(exp);
    http_resp_free(&r);
    /* Empty body with another media type: the type only matters for a body. */
    http_req q3 = {.method = "POST", .path = DASH1, .body = "", .content_type = "text/plain"};
    http_do(s, &q3, &r);
    exp = dash_json(3, clock_at(2), 1, NULL);
    ASSERT_JSON_RESP(&r, 201, exp);
    free(exp);
    http_resp_free(&r);
}

static void test_json_media_type_variants(void **state)
{
    server *s = *state;
    const char *types[] = {"application/json; charset=utf-8", "Application/JSON",
                           "application/json;charset=UTF-8", NULL};
    for (int i = 0; types[i]; i++) {
        http_req q = {.method = "POST", .path = DASH1, .body = "{\"name\":\"t\"}",
                      .content_type = types[i]};
        http_resp r;
        print_message("Content-Type: %s\n", types[i]);
        http_do(s, &q, &r);
        char *exp = dash_json(i + 1, clock_at(i), 1, "{\"name\":\"t\"}");
        ASSERT_JSON_RESP(&r, 201, exp);
        free(exp);
        http_resp_free(&r);
    }
}

static void test_utf8_and_escapes(void **state)
{
    server *s = *state;
    /* UTF-8 comes back unescaped (ensure_ascii off); JSON escapes stay valid. */
    post_expect(s, DASH1,
                "{\"name\":\"Tableau de bord \\u00e9t\\u00e9 \xe2\x9c\x93\","
                "\"description\":\"quote \\\" backslash \\\\ slash \\/ tab\\t nl\\n ctl\\u0001 end\"}",
                1, 0, 1,
                "{\"name\":\"Tableau de bord \xc3\xa9t\xc3\xa9 \xe2\x9c\x93\","
                "\"description\":\"quote \\\" backslash \\\\ slash / tab\\t nl\\n ctl\\u0001 end\"}");
    http_resp r;
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_CONTAINS(r.body, "\"name\":\"Tableau de bord \xc3\xa9t\xc3\xa9 \xe2\x9c\x93\"",
                    "stored name, raw UTF-8");
    http_resp_free(&r);
}

/* DRF's CharField trims leading and trailing whitespace (trim_whitespace,
 * on by default; PostHog's dashboard serializer keeps it).  The contract does
 * not spell this out; the server does it, and so does PostHog. */
static void test_strings_are_trimmed(void **state)
{
    server *s = *state;
    post_expect(s, DASH1, "{\"name\":\"  padded \\n\",\"description\":\"\\t\\r\\n\",\"tags\":[\" t \"]}",
                1, 0, 1, "{\"name\":\"padded\",\"description\":\"\",\"tags\":[\"t\"]}");
}

/* max_length counts characters, not bytes. */
static void test_name_length_boundary(void **state)
{
    server *s = *state;
    char name[400 * 2 + 1];
    for (int i = 0; i < 400; i++) {
        name[2 * i] = '\xc3';
        name[2 * i + 1] = '\xa9';
    }
    name[800] = '\0';
    char *body = xprintf("{\"name\":\"%s\"}", name);
    http_resp r;
    http(s, "POST", DASH1, body, &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "id", "1");
    http_resp_free(&r);
    free(body);
    char ascii[401];
    memset(ascii, 'n', 400);
    ascii[400] = '\0';
    body = xprintf("{\"name\":\"%s\"}", ascii);
    http(s, "POST", DASH1, body, &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "id", "2");
    http_resp_free(&r);
    free(body);
}

static void test_create_is_retrievable_and_listed(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", DASH1, "{\"name\":\"listed\",\"tags\":[\"x\"],\"pinned\":true}", &r);
    ASSERT_STATUS(&r, 201);
    char *created = strdup(r.body);
    http_resp_free(&r);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, created);
    http_resp_free(&r);
    http(s, "GET", DASH1, NULL, &r);
    char *item = dash_basic_json(1, clock_at(0), 1,
                                 "{\"name\":\"listed\",\"tags\":[\"x\"],\"pinned\":true}");
    char *list = xprintf("{\"count\":1,\"next\":null,\"previous\":null,\"results\":[%s]}", item);
    ASSERT_JSON_RESP(&r, 200, list);
    http_resp_free(&r);
    free(created);
    free(item);
    free(list);
}

/* A large (900 kB) description is stored and returned byte for byte.
 * (The server refuses bodies over 1 MiB with 413, which the contract does
 * not mention.) */
static void test_large_body(void **state)
{
    server *s = *state;
    size_t n = 900000;
    char *desc = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        desc[i] = (char)('a' + (i % 26));
    desc[n] = '\0';
    char *body = xprintf("{\"description\":\"%s\"}", desc);
    char *ov = xprintf("{\"description\":\"%s\"}", desc);
    char *exp = dash_json(1, clock_at(0), 1, ov);
    http_resp r;
    http(s, "POST", DASH1, body, &r);
    ASSERT_JSON_RESP(&r, 201, exp);
    http_resp_free(&r);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    free(desc);
    free(body);
    free(ov);
    free(exp);
}

/* Concurrent creates: every one succeeds with its own id and second. */
static void test_parallel_creates(void **state)
{
    server *s = *state;
    enum { N = 16 };
    http_resp rs[N];
    http_req q = {.method = "POST", .path = DASH1, .body = "{\"name\":\"par\"}"};
    http_parallel(s, &q, N, rs);
    int seen_id[N + 1] = {0};
    for (int i = 0; i < N; i++) {
        ASSERT_STATUS(&rs[i], 201);
        const char *p = strstr(rs[i].body, "\"id\":");
        assert_non_null(p);
        int id = atoi(p + 5);
        assert_true(id >= 1 && id <= N);
        assert_int_equal(seen_id[id], 0);
        seen_id[id] = 1;
        /* the record rendered with id k was written at second k-1 */
        char *exp = dash_json(id, clock_at(id - 1), 1, "{\"name\":\"par\"}");
        ASSERT_JSON_RESP(&rs[i], 201, exp);
        free(exp);
        http_resp_free(&rs[i]);
    }
    http_resp r;
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_FIELD(&r, "count", "16");
    http_resp_free(&r);
    assert_int_equal(create_dashboard(s, 1, NULL), N + 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_clock_server, fixture_stop_server)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_create_empty_object_exact_body),
        T(test_second_create_next_id_and_second),
        T(test_ids_are_per_project),
        T(test_values_are_normalised),
        T(test_nullable_and_any_values_kept),
        T(test_readonly_fields_ignored),
        T(test_unknown_fields_ignored),
        T(test_writeonly_fields_accepted_not_returned),
        T(test_empty_body_is_empty_object),
        T(test_json_media_type_variants),
        T(test_utf8_and_escapes),
        T(test_strings_are_trimmed),
        T(test_name_length_boundary),
        T(test_create_is_retrievable_and_listed),
        T(test_large_body),
        T(test_parallel_creates),
    };
    return cmocka_run_group_tests_name("integration_create", tests, NULL, NULL);
}
