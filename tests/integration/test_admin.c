/*
 * test_admin.c — the control plane under /__specmock/ (issue 5, README
 * "Control plane"), over real HTTP: health, routes, openapi.json byte for
 * byte, the journal ring (members, filters, bound, truncation, problem,
 * clear), coverage (JSON and text, unmatched, admin never counted), reset
 * (store, ids, clock, journal, coverage; reload of --fixtures; inline
 * fixtures; refused bodies change nothing), POST fixtures (all or nothing),
 * unknown endpoints and methods.  Faults, keys and the admin token are
 * test_faults.c's.
 */
#include "harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An admin request: no API key, JSON body as given (or none). */
static void admin(server *s, const char *method, const char *path,
                  const char *body, http_resp *r)
{
    http_req q = {.method = method, .path = path, .body = body,
                  .auth = HTTP_NONE};
    http_do(s, &q, r);
}

static json_t *body_json(const http_resp *r)
{
    json_error_t e;
    json_t *v = json_loads(r->body, 0, &e);
    if (!v) {
        print_error("not JSON (%s): %s\n", e.text, r->body);
        fail();
    }
    return v;
}

static server *start(const char *const *args)
{
    server_opts o = {.no_db = true, .clock = FIXED_CLOCK, .extra_args = args};
    return server_start(&o);
}

static void test_health_routes_openapi(void **state)
{
    (void)state;
    server *s = start(NULL);
    http_resp r;
    admin(s, "GET", "/__specmock/health", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_HEADER(&r, "Content-Type", "application/json");
    ASSERT_FIELD(&r, "status", "\"ok\"");
    ASSERT_FIELD(&r, "api", "\"posthog\"");
    ASSERT_FIELD(&r, "title", "\"PostHog environments API\"");
    ASSERT_FIELD(&r, "operations", "53");
    http_resp_free(&r);

    /* the route table: every operation once, with its gate and statuses */
    admin(s, "GET", "/__specmock/routes", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "53");
    json_t *v = body_json(&r), *res = json_object_get(v, "results");
    assert_int_equal(json_array_size(res), 53);
    int seen = 0;
    size_t i;
    json_t *row;
    json_array_foreach(res, i, row) {
        const char *id = json_string_value(json_object_get(row, "operation"));
        if (!strcmp(id, "dashboards_create")) {
            char *t = json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER);
            ASSERT_STR_EQ(t,
                "{\"operation\":\"dashboards_create\",\"method\":\"POST\","
                "\"path\":\"/api/environments/{project_id}/dashboards/\","
                "\"kind\":\"create\",\"resource\":\"dashboards\","
                "\"scope\":\"dashboard:write\",\"personal_api_keys\":true,"
                "\"success\":201,\"statuses\":[201,400,401,403,404,413,415,507]}",
                "routes row");
            free(t);
            seen++;
        }
        if (!strcmp(id, "dashboards_move_tile")) {
            assert_true(json_is_null(json_object_get(row, "scope")));
            assert_true(json_is_false(json_object_get(row, "personal_api_keys")));
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    json_decref(v);
    http_resp_free(&r);

    /* the generated document, byte for byte */
    admin(s, "GET", "/__specmock/openapi.json", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_HEADER(&r, "Content-Type", "application/json");
    FILE *f = fopen(SPECMOCK_OPENAPI_PATH, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *doc = malloc((size_t)n + 1);
    assert_int_equal(fread(doc, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    assert_int_equal(r.len, (size_t)n);
    assert_memory_equal(r.body, doc, (size_t)n);
    free(doc);
    http_resp_free(&r);

    /* HEAD: the headers of GET, no body */
    admin(s, "HEAD", "/__specmock/health", NULL, &r);
    ASSERT_STATUS(&r, 200);
    assert_int_equal(r.len, 0);
    http_resp_free(&r);
    server_cleanup(s);
}

static void test_unknown_endpoint_and_method(void **state)
{
    (void)state;
    server *s = start(NULL);
    http_resp r;
    admin(s, "GET", "/__specmock/nope", NULL, &r);
    ASSERT_JSON_RESP(&r, 404,
        "{\"error\":\"no admin endpoint \\\"/__specmock/nope\\\" (health, reset, "
        "fixtures, journal, coverage, routes, openapi.json, faults, keys)\"}");
    http_resp_free(&r);
    admin(s, "GET", "/__specmock", NULL, &r);
    ASSERT_STATUS(&r, 404);
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/health/", NULL, &r); /* one trailing slash */
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/health//", NULL, &r);
    ASSERT_STATUS(&r, 404);
    http_resp_free(&r);
    /* a path that only starts like the prefix is the API's */
    http(s, "GET", "/__specmockery", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    admin(s, "PUT", "/__specmock/health", "{}", &r);
    ASSERT_JSON_RESP(&r, 405,
        "{\"error\":\"method PUT not allowed on /__specmock/health (allowed: "
        "GET, HEAD)\"}");
    ASSERT_HEADER(&r, "Allow", "GET, HEAD");
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/reset", NULL, &r);
    ASSERT_STATUS(&r, 405);
    ASSERT_HEADER(&r, "Allow", "POST");
    http_resp_free(&r);
    server_cleanup(s);
}

static void test_journal(void **state)
{
    (void)state;
    server *s = start(NULL);
    http_resp r;
    assert_int_equal(create_dashboard(s, 1, "a"), 1);
    http(s, "POST", DASH1, "{\"pinned\":\"x\"}", &r); /* 400 pinned */
    http_resp_free(&r);
    http(s, "GET", DASH1 "?limit=1", NULL, &r);
    http_resp_free(&r);
    http(s, "GET", "/nowhere", NULL, &r);
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/health", NULL, &r); /* never journaled */
    http_resp_free(&r);

    admin(s, "GET", "/__specmock/journal", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "capacity", "1000");
    ASSERT_FIELD(&r, "recorded", "4");
    ASSERT_FIELD(&r, "count", "4");
    ASSERT_FIELD(&r, "results.0.seq", "1");
    ASSERT_FIELD(&r, "results.0.time", "\"" FIXED_CLOCK "\"");
    ASSERT_FIELD(&r, "results.0.method", "\"POST\"");
    ASSERT_FIELD(&r, "results.0.path", "\"" DASH1 "\"");
    ASSERT_FIELD(&r, "results.0.query", "null");
    ASSERT_FIELD(&r, "results.0.operation", "\"dashboards_create\"");
    ASSERT_FIELD(&r, "results.0.status", "201");
    ASSERT_FIELD(&r, "results.0.request",
                 "{\"content_type\":\"application/json\",\"size\":12,"
                 "\"truncated\":false,\"body\":\"{\\\"name\\\":\\\"a\\\"}\"}");
    ASSERT_FIELD(&r, "results.0.response.content_type", "\"application/json\"");
    ASSERT_FIELD(&r, "results.0.response.truncated", "false");
    ASSERT_FIELD(&r, "results.0.problem", "null");
    /* the refused create: the field that failed */
    ASSERT_FIELD(&r, "results.1.time", "\"2026-01-01T00:00:01Z\"");
    ASSERT_FIELD(&r, "results.1.status", "400");
    ASSERT_FIELD(&r, "results.1.problem",
                 "{\"attr\":\"pinned\",\"code\":\"invalid_input\","
                 "\"detail\":\"Must be a valid boolean.\"}");
    ASSERT_FIELD(&r, "results.2.query", "\"limit=1\"");
    ASSERT_FIELD(&r, "results.2.request",
                 "{\"content_type\":null,\"size\":0,\"truncated\":false,"
                 "\"body\":null}");
    ASSERT_FIELD(&r, "results.3.operation", "null");
    ASSERT_FIELD(&r, "results.3.status", "404");
    http_resp_free(&r);

    /* filters */
    admin(s, "GET", "/__specmock/journal?operation=dashboards_list", NULL, &r);
    ASSERT_FIELD(&r, "count", "1");
    ASSERT_FIELD(&r, "results.0.seq", "3");
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/journal?status=4xx", NULL, &r);
    ASSERT_FIELD(&r, "count", "2");
    ASSERT_FIELD(&r, "results.0.status", "400");
    ASSERT_FIELD(&r, "results.1.status", "404");
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/journal?status=201", NULL, &r);
    ASSERT_FIELD(&r, "count", "1");
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/journal?limit=2", NULL, &r);
    ASSERT_FIELD(&r, "count", "2");
    ASSERT_FIELD(&r, "results.0.seq", "3");
    ASSERT_FIELD(&r, "results.1.seq", "4");
    http_resp_free(&r);

    /* bad filters: 400, nothing else */
    static const char *const bad[][2] = {
        {"/__specmock/journal?status=abc",
         "{\"error\":\"status: \\\"abc\\\" is not a status (e.g. 404) or a "
         "class (e.g. 4xx)\"}"},
        {"/__specmock/journal?limit=0",
         "{\"error\":\"limit: \\\"0\\\" is not a number from 1\"}"},
        {"/__specmock/journal?operation=nope",
         "{\"error\":\"operation: no operation \\\"nope\\\" (see "
         "/__specmock/routes)\"}"},
        {"/__specmock/journal?op=x",
         "{\"error\":\"unknown filter \\\"op\\\" (operation, status, limit)\"}"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        admin(s, "GET", bad[i][0], NULL, &r);
        ASSERT_JSON_RESP(&r, 400, bad[i][1]);
        http_resp_free(&r);
    }

    admin(s, "DELETE", "/__specmock/journal", NULL, &r);
    ASSERT_STATUS(&r, 204);
    assert_int_equal(r.len, 0);
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/journal", NULL, &r);
    ASSERT_JSON_RESP(&r, 200,
                     "{\"capacity\":1000,\"recorded\":0,\"count\":0,\"results\":[]}");
    http_resp_free(&r);
    server_cleanup(s);
}

/* --journal N bounds the ring; bodies past 4096 bytes are cut. */
static void test_journal_bound_and_truncation(void **state)
{
    (void)state;
    static const char *const args[] = {"--journal", "3", NULL};
    server *s = start(args);
    http_resp r;
    for (int i = 0; i < 5; i++) {
        http(s, "GET", DASH1, NULL, &r);
        http_resp_free(&r);
    }
    admin(s, "GET", "/__specmock/journal", NULL, &r);
    ASSERT_FIELD(&r, "capacity", "3");
    ASSERT_FIELD(&r, "recorded", "5");
    ASSERT_FIELD(&r, "count", "3");
    ASSERT_FIELD(&r, "results.0.seq", "3");
    ASSERT_FIELD(&r, "results.2.seq", "5");
    http_resp_free(&r);

    size_t n = 6000;
    char *desc = malloc(n + 1);
    memset(desc, 'd', n);
    desc[n] = '\0';
    char *body = xprintf("{\"name\":\"big\",\"description\":\"%s\"}", desc);
    http(s, "POST", DASH1, body, &r);
    ASSERT_STATUS(&r, 201);
    size_t resp_len = r.len;
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/journal?limit=1", NULL, &r);
    json_t *v = body_json(&r);
    json_t *e = json_array_get(json_object_get(v, "results"), 0);
    json_t *rq = json_object_get(e, "request"), *rs = json_object_get(e, "response");
    assert_int_equal(json_integer_value(json_object_get(rq, "size")), strlen(body));
    assert_true(json_is_true(json_object_get(rq, "truncated")));
    assert_int_equal(strlen(json_string_value(json_object_get(rq, "body"))), 4096);
    assert_memory_equal(json_string_value(json_object_get(rq, "body")), body, 4096);
    assert_int_equal(json_integer_value(json_object_get(rs, "size")), resp_len);
    assert_true(json_is_true(json_object_get(rs, "truncated")));
    json_decref(v);
    http_resp_free(&r);
    free(body);
    free(desc);

    static const char *const off[] = {"--journal", "0", NULL};
    server *t = start(off);
    http(t, "GET", DASH1, NULL, &r);
    http_resp_free(&r);
    admin(t, "GET", "/__specmock/journal", NULL, &r);
    ASSERT_JSON_RESP(&r, 200,
                     "{\"capacity\":0,\"recorded\":0,\"count\":0,\"results\":[]}");
    http_resp_free(&r);
    server_cleanup(t);
    server_cleanup(s);
}

static json_t *coverage_row(json_t *cov, const char *op)
{
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(cov, "results"), i, row) {
        if (!strcmp(json_string_value(json_object_get(row, "operation")), op))
            return row;
    }
    fail_msg("no coverage row for %s", op);
    return NULL;
}

static void test_coverage(void **state)
{
    (void)state;
    server *s = start(NULL);
    http_resp r;
    admin(s, "GET", "/__specmock/coverage", NULL, &r);
    ASSERT_FIELD(&r, "operations", "53");
    ASSERT_FIELD(&r, "called", "0");
    ASSERT_FIELD(&r, "covered", "0");
    json_t *v = body_json(&r);
    assert_int_equal(json_array_size(json_object_get(v, "never_called")), 53);
    json_decref(v);
    http_resp_free(&r);

    http(s, "GET", DASH1, NULL, &r);
    http_resp_free(&r);
    http(s, "GET", DASH1, NULL, &r);
    http_resp_free(&r);
    http_key(s, "GET", DASH1, HTTP_NONE, NULL, &r); /* 401 */
    http_resp_free(&r);
    http(s, "PUT", DASH1, "{}", &r); /* 405: no operation */
    http_resp_free(&r);
    http(s, "GET", "/nowhere", NULL, &r); /* 404: no operation */
    http_resp_free(&r);
    http(s, "GET", DASH1 "99/", NULL, &r); /* dashboards_retrieve 404 */
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/routes", NULL, &r); /* never counted */
    http_resp_free(&r);

    admin(s, "GET", "/__specmock/coverage", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "called", "2");
    ASSERT_FIELD(&r, "covered", "1");
    v = body_json(&r);
    char *t = json_dumps(coverage_row(v, "dashboards_list"),
                         JSON_COMPACT | JSON_PRESERVE_ORDER);
    ASSERT_STR_EQ(t,
        "{\"operation\":\"dashboards_list\",\"method\":\"GET\","
        "\"path\":\"/api/environments/{project_id}/dashboards/\","
        "\"success\":200,\"calls\":3,\"covered\":true,\"statuses\":["
        "{\"status\":200,\"documented\":true,\"count\":2},"
        "{\"status\":401,\"documented\":true,\"count\":1},"
        "{\"status\":403,\"documented\":true,\"count\":0},"
        "{\"status\":404,\"documented\":true,\"count\":0}]}",
        "coverage of dashboards_list");
    free(t);
    json_t *ret = coverage_row(v, "dashboards_retrieve");
    assert_true(json_is_false(json_object_get(ret, "covered")));
    assert_int_equal(json_integer_value(json_object_get(ret, "calls")), 1);
    t = json_dumps(json_object_get(v, "unmatched"), JSON_COMPACT | JSON_PRESERVE_ORDER);
    ASSERT_STR_EQ(t,
        "{\"calls\":2,\"statuses\":[{\"status\":404,\"count\":1},"
        "{\"status\":405,\"count\":1}]}",
        "unmatched");
    free(t);
    assert_int_equal(json_array_size(json_object_get(v, "never_called")), 51);
    json_decref(v);
    http_resp_free(&r);

    admin(s, "GET", "/__specmock/coverage?format=text", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_HEADER(&r, "Content-Type", "text/plain; charset=utf-8");
    ASSERT_CONTAINS(r.body, "OPERATION", "coverage text");
    ASSERT_CONTAINS(r.body, "  GET          3  + 200*:2 401*:1 403*:0 404*:0\n",
                    "coverage text");
    ASSERT_CONTAINS(r.body, "covered 1 of 53 operations (documented success "
                            "status answered); called 2; never called 51\n",
                    "coverage text");
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/coverage?format=xml", NULL, &r);
    ASSERT_JSON_RESP(&r, 400, "{\"error\":\"format: \\\"xml\\\" is not json or text\"}");
    http_resp_free(&r);

    admin(s, "DELETE", "/__specmock/coverage", NULL, &r);
    ASSERT_STATUS(&r, 204);
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/coverage", NULL, &r);
    ASSERT_FIELD(&r, "called", "0");
    ASSERT_FIELD(&r, "unmatched", "{\"calls\":0,\"statuses\":[]}");
    http_resp_free(&r);
    server_cleanup(s);
}

static const char FIXTURES[] =
    "{\"dashboards\": [{\"id\": 7, \"name\": \"from fixtures\"}]}\n";

/* Writes FIXTURES to <server tmp>/fx.json-like path: a file of its own. */
static char *write_fixtures(void)
{
    const char *base = getenv("TMPDIR");
    char *path = xprintf("%s/specmock-admin-fx-%d.json", base && *base ? base : "/tmp",
                         (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(FIXTURES, f);
    fclose(f);
    return path;
}

static void test_reset(void **state)
{
    (void)state;
    char *fx = write_fixtures();
    const char *args[] = {"--fixtures", fx, "--seed", "3", NULL};
    server *s = start(args);
    http_resp r;
    http(s, "GET", DASH1 "7/", NULL, &r);
    ASSERT_FIELD(&r, "name", "\"from fixtures\"");
    char *first = strdup(r.body);
    http_resp_free(&r);
    assert_int_equal(create_dashboard(s, 1, "b"), 8);
    assert_int_equal(create_dashboard(s, 1, "c"), 9);

    /* refused bodies: 400, nothing changed */
    static const char *const bad[][2] = {
        {"not json", NULL},
        {"[]", "{\"error\":\"body: expected an object, e.g. {\\\"fixtures\\\": true}\"}"},
        {"{\"x\":1}", "{\"error\":\"body: unknown member \\\"x\\\"\"}"},
        {"{\"fixtures\":5}",
         "{\"error\":\"fixtures: expected true (reload the --fixtures file), "
         "false or an object keyed by resource\"}"},
        {"{\"fixtures\":{\"dashboards\":[{\"name\":\"ok\"},{\"pinned\":\"q\"}]}}",
         "{\"error\":\"fixtures: dashboards[1]: pinned: Must be a valid "
         "boolean.\"}"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        admin(s, "POST", "/__specmock/reset", bad[i][0], &r);
        if (bad[i][1])
            ASSERT_JSON_RESP(&r, 400, bad[i][1]);
        else
            ASSERT_STATUS(&r, 400);
        http_resp_free(&r);
    }
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_FIELD(&r, "count", "3");
    http_resp_free(&r);
    /* the refused resets left the clock alone: 2 writes so far (b, c) */
    assert_int_equal(create_dashboard(s, 1, "d"), 10);
    http(s, "GET", DASH1 "10/", NULL, &r);
    ASSERT_FIELD(&r, "created_at", "\"2026-01-01T00:00:02Z\"");
    http_resp_free(&r);

    /* empty reset: no records, ids from 1, the clock from its start */
    admin(s, "POST", "/__specmock/reset", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, "{\"status\":\"reset\",\"loaded\":0}");
    http_resp_free(&r);
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_FIELD(&r, "count", "0");
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/journal", NULL, &r);
    ASSERT_FIELD(&r, "recorded", "1"); /* the list just above */
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/coverage", NULL, &r);
    ASSERT_FIELD(&r, "called", "1");
    http_resp_free(&r);
    assert_int_equal(create_dashboard(s, 1, "e"), 1);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_FIELD(&r, "created_at", "\"" FIXED_CLOCK "\"");
    http_resp_free(&r);

    /* reload the start-up fixtures: the same bytes as at start-up */
    admin(s, "POST", "/__specmock/reset", "{\"fixtures\": true}", &r);
    ASSERT_JSON_RESP(&r, 200, "{\"status\":\"reset\",\"loaded\":1}");
    http_resp_free(&r);
    http(s, "GET", DASH1 "7/", NULL, &r);
    ASSERT_BODY(&r, first);
    http_resp_free(&r);
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_FIELD(&r, "count", "1");
    http_resp_free(&r);

    /* inline fixtures */
    admin(s, "POST", "/__specmock/reset",
          "{\"fixtures\":{\"dashboards\":[{\"name\":\"x\"},{\"name\":\"y\"}]}}", &r);
    ASSERT_JSON_RESP(&r, 200, "{\"status\":\"reset\",\"loaded\":2}");
    http_resp_free(&r);
    http(s, "GET", DASH1 "2/", NULL, &r);
    ASSERT_FIELD(&r, "name", "\"y\"");
    http_resp_free(&r);
    server_cleanup(s);

    /* without --fixtures, {"fixtures": true} has nothing to reload */
    s = start(NULL);
    admin(s, "POST", "/__specmock/reset", "{\"fixtures\":true}", &r);
    ASSERT_JSON_RESP(&r, 400,
        "{\"error\":\"fixtures: true reloads the --fixtures file, and the "
        "server was started without one\"}");
    http_resp_free(&r);
    server_cleanup(s);
    unlink(fx);
    free(fx);
    free(first);
}

/* Reset between two test cases: the second sees exactly what the first
 * saw, generated values included (--seed). */
static void test_reset_replays_seeded_values(void **state)
{
    (void)state;
    static const char *const args[] = {"--seed", "11", NULL};
    server *s = start(args);
    char *bodies[2];
    for (int round = 0; round < 2; round++) {
        http_resp r;
        http(s, "POST", API1 "/file_system/", "{\"path\":\"a/b\"}", &r);
        ASSERT_STATUS(&r, 201);
        bodies[round] = strdup(r.body);
        http_resp_free(&r);
        admin(s, "POST", "/__specmock/reset", "", &r);
        ASSERT_STATUS(&r, 200);
        http_resp_free(&r);
    }
    ASSERT_STR_EQ(bodies[1], bodies[0], "file_system create after a reset");
    free(bodies[0]);
    free(bodies[1]);
    server_cleanup(s);
}

static void test_fixtures_post(void **state)
{
    (void)state;
    server *s = start(NULL);
    http_resp r;
    admin(s, "POST", "/__specmock/fixtures",
          "{\"dashboards\":[{\"name\":\"one\"},{\"id\":5,\"name\":\"five\"}]}", &r);
    ASSERT_JSON_RESP(&r, 200, "{\"loaded\":2}");
    http_resp_free(&r);
    http(s, "GET", DASH1 "5/", NULL, &r);
    ASSERT_FIELD(&r, "name", "\"five\"");
    http_resp_free(&r);
    /* ids go on after the largest given one */
    assert_int_equal(create_dashboard(s, 1, "next"), 6);

    static const char *const bad[][2] = {
        {"{\"dashboards\":[{\"name\":\"ok\"},{\"pinned\":\"q\"}]}",
         "{\"error\":\"fixtures: dashboards[1]: pinned: Must be a valid "
         "boolean.\"}"},
        {"{\"dashboard\":[]}",
         "{\"error\":\"fixtures: unknown resource \\\"dashboard\\\" (did you "
         "mean \\\"dashboards\\\"?)\"}"},
        {"{\"dashboards\":{}}",
         "{\"error\":\"fixtures: dashboards: must be an array of records\"}"},
        {"[1]",
         "{\"error\":\"fixtures: the top level must be an object keyed by "
         "resource name\"}"},
        {"{\"dashboards\":[",
         NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        admin(s, "POST", "/__specmock/fixtures", bad[i][0], &r);
        if (bad[i][1])
            ASSERT_JSON_RESP(&r, 400, bad[i][1]);
        else
            ASSERT_STATUS(&r, 400);
        http_resp_free(&r);
    }
    admin(s, "POST", "/__specmock/fixtures", NULL, &r);
    ASSERT_JSON_RESP(&r, 400,
        "{\"error\":\"body: expected fixtures, an object keyed by resource: "
        "{\\\"<resource>\\\": [record, ...]}\"}");
    http_resp_free(&r);
    /* nothing of the refused loads is there */
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_FIELD(&r, "count", "3");
    http_resp_free(&r);
    server_cleanup(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health_routes_openapi),
        cmocka_unit_test(test_unknown_endpoint_and_method),
        cmocka_unit_test(test_journal),
        cmocka_unit_test(test_journal_bound_and_truncation),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_reset_replays_seeded_values),
        cmocka_unit_test(test_fixtures_post),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
