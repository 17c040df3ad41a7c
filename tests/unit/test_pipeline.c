/*
 * test_pipeline.c — the request pipeline (server_pipeline) over the fixture
 * API and a real store, without sockets: gate order, every refusal's status
 * and envelope, the Allow header, and each operation kind end to end
 * (create, retrieve, list with links, update, soft delete and restore,
 * destroy, refuse, OPTIONS, a full store).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "clock.h"
#include "fixture_api.h"
#include "handlers.h"
#include "router.h"
#include "server.h"
#include "store.h"

typedef struct fx {
    char *dir;
    sm_store *store;
    sm_router *router;
    sm_keys *keys;
    sm_clock clock;
    uint16_t ns[4];
    sm_app app;
    sm_reply rep;
} fx;

static const char *keys_json =
    "[{\"key\":\"sess\",\"session\":true,\"user\":{\"id\":7,\"name\":\"Ana\"}},"
    " {\"key\":\"reader\",\"scopes\":[\"widget:read\"]},"
    " {\"key\":\"star\",\"scopes\":[\"*\"],\"project\":2}]";

static fx *make(size_t mapsize)
{
    fx *f = calloc(1, sizeof *f);
    char err[256];
    strbuf e = STRBUF_INIT;
    f->dir = unit_tmpdir();
    if (store_open(&f->store, f->dir, mapsize, 0, &e) != STORE_OK)
        fail_msg("%s", e.p);
    for (int i = 0; i < 4; i++)
        assert_int_equal(store_namespace(f->store, fixture_api.resources[i].name, &f->ns[i]), STORE_OK);
    f->router = router_new(&fixture_api, err, sizeof err);
    assert_non_null(f->router);
    strbuf kp = STRBUF_INIT;
    strbuf_addf(&kp, "%s/keys.json", f->dir);
    FILE *kf = fopen(kp.p, "w");
    fputs(keys_json, kf);
    fclose(kf);
    f->keys = auth_keys_load(&fixture_api, kp.p, &e);
    assert_non_null(f->keys);
    strbuf_free(&kp);
    strbuf_free(&e);
    int64_t t0;
    clock_parse("2026-01-01T00:00:00Z", 20, &t0);
    clock_init_fixed(&f->clock, t0);
    f->app = (sm_app){&fixture_api, f->router, f->keys, f->store, &f->clock,
                      f->ns, 1, "self:1"};
    reply_init(&f->rep);
    return f;
}

static int setup(void **state)
{
    *state = make(STORE_DEFAULT_MAPSIZE);
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    reply_free(&f->rep);
    store_close(f->store);
    router_free(f->router);
    auth_keys_free(f->keys);
    unit_rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static int method_id(const char *m)
{
    static const char *const names[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    for (int i = 0; i < 7; i++)
        if (!strcmp(m, names[i]))
            return i + 1;
    return SM_M_OTHER;
}

/* Runs one request; key NULL: no credentials; ct NULL: no Content-Type. */
static sm_reply *req(fx *f, const char *method, const char *url, const char *key,
                     const char *ct, const char *body)
{
    static char path[512];
    char auth[128];
    sm_request rq = {0};
    const char *q = strchr(url, '?');
    snprintf(path, sizeof path, "%.*s", q ? (int)(q - url) : (int)strlen(url), url);
    rq.method = method_id(method);
    rq.method_name = method;
    rq.path = path;
    rq.query = q ? q + 1 : NULL;
    rq.host = "api.test";
    if (key) {
        snprintf(auth, sizeof auth, "Bearer %s", key);
        rq.authorization = auth;
    }
    rq.content_type = ct;
    rq.body = body;
    rq.body_len = body ? strlen(body) : 0;
    reply_free(&f->rep);
    reply_init(&f->rep);
    server_pipeline(&f->app, &rq, &f->rep);
    return &f->rep;
}

#define J "application/json"

static void expect(const sm_reply *r, int status, const char *body, const char *allow)
{
    if (r->status != status)
        fail_msg("status %d, expected %d; body %s", r->status, status, r->body.p ? r->body.p : "");
    if (body)
        assert_string_equal(r->body.len ? r->body.p : "", body);
    if (allow)
        assert_string_equal(r->allow, allow);
    else
        assert_null(r->allow);
}

#define ENV(type, code, detail) \
    "{\"type\":\"" type "\",\"code\":\"" code "\",\"detail\":\"" detail "\",\"attr\":null}"
#define LIST_ALLOW "GET, POST, HEAD, OPTIONS"
#define ITEM_ALLOW "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"

static void test_route_and_method(void **state)
{
    fx *f = *state;
    expect(req(f, "GET", "/api/nope/", "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "Not found."), NULL);
    /* DRF authenticates before refusing the method. */
    expect(req(f, "PUT", "/api/orgs/1/widgets/", NULL, NULL, NULL), 401,
           ENV("authentication_error", "not_authenticated",
               "Authentication credentials were not provided."), LIST_ALLOW);
    expect(req(f, "PUT", "/api/orgs/1/widgets/", "sess", NULL, NULL), 405,
           ENV("invalid_request", "method_not_allowed", "Method \\\"PUT\\\" not allowed."), LIST_ALLOW);
    expect(req(f, "TRACE", "/api/orgs/1/widgets/", "sess", NULL, NULL), 405,
           ENV("invalid_request", "method_not_allowed", "Method \\\"TRACE\\\" not allowed."), LIST_ALLOW);
    expect(req(f, "HEAD", "/api/orgs/1/gears/1/", "sess", NULL, NULL), 405,
           ENV("invalid_request", "method_not_allowed", "Method \\\"HEAD\\\" not allowed."), "DELETE, OPTIONS");
}

static void test_auth_gates(void **state)
{
    fx *f = *state;
    expect(req(f, "GET", "/api/orgs/1/widgets/", NULL, NULL, NULL), 401,
           ENV("authentication_error", "not_authenticated", "Authentication credentials were not provided."), LIST_ALLOW);
    /* authentication comes before parameter checks */
    expect(req(f, "GET", "/api/orgs/abc/widgets/", NULL, NULL, NULL), 401, NULL, LIST_ALLOW);
    expect(req(f, "GET", "/api/orgs/1/widgets/", "nope", NULL, NULL), 401,
           ENV("authentication_error", "authentication_failed",
               "Personal API key found in request Authorization header is invalid."), LIST_ALLOW);
    expect(req(f, "GET", "/api/orgs/1/widgets/?personal_api_key=nope", NULL, NULL, NULL), 401,
           ENV("authentication_error", "authentication_failed",
               "Personal API key found in request query string is invalid."), LIST_ALLOW);
    expect(req(f, "GET", "/api/orgs/1/widgets/?personal_api_key=reader", NULL, NULL, NULL), 200, NULL, LIST_ALLOW);
    expect(req(f, "POST", "/api/orgs/1/widgets/", "reader", J, "{}"), 403,
           ENV("authentication_error", "permission_denied", "API key missing required scope 'widget:write'"), LIST_ALLOW);
    expect(req(f, "OPTIONS", "/api/orgs/1/gears/", "reader", NULL, NULL), 403,
           ENV("authentication_error", "permission_denied", "API key missing required scope 'gear:read'"), "GET, POST, HEAD, OPTIONS");
    expect(req(f, "GET", "/api/orgs/1/secrets/", "star", NULL, NULL), 403,
           ENV("authentication_error", "permission_denied", "This action does not support personal API key access"), "GET, HEAD, OPTIONS");
    expect(req(f, "GET", "/api/orgs/1/internal/", "reader", NULL, NULL), 403,
           ENV("authentication_error", "permission_denied", "API key missing required scope 'INTERNAL'"), "GET, HEAD, OPTIONS");
    expect(req(f, "GET", "/api/orgs/1/internal/", "star", NULL, NULL), 200, "[]", "GET, HEAD, OPTIONS");
    /* scope check before parameters */
    expect(req(f, "POST", "/api/orgs/x/widgets/", "reader", J, "{}"), 403, NULL, LIST_ALLOW);
}

static void test_params(void **state)
{
    fx *f = *state;
    expect(req(f, "GET", "/api/orgs/abc/widgets/", "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "Org not found."), LIST_ALLOW);
    expect(req(f, "GET", "/api/orgs/0/widgets/", "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "Org not found."), LIST_ALLOW);
    expect(req(f, "GET", "/api/orgs/1/widgets/x/", "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "Not found."), ITEM_ALLOW);
    expect(req(f, "GET", "/api/orgs/1/widgets/5/", "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "Not found."), ITEM_ALLOW);
    /* the alias resolves to the key's project */
    expect(req(f, "POST", "/api/orgs/@mine/gears/", "star", J, "{\"label\":\"g\"}"), 201,
           "{\"label\":\"g\",\"size\":1}", LIST_ALLOW);
    expect(req(f, "GET", "/api/orgs/2/gears", "star", NULL, NULL), 200, "[{\"label\":\"g\",\"size\":1}]", LIST_ALLOW);
    expect(req(f, "GET", "/api/orgs/1/gears", "star", NULL, NULL), 200, "[]", LIST_ALLOW);
}

static void test_body_gates(void **state)
{
    fx *f = *state;
    const char *u = "/api/orgs/1/widgets/";
    sm_request rq = {SM_POST, "POST", "/api/orgs/1/widgets/", NULL, "h", "Bearer sess", J, NULL, SM_BODY_LIMIT + 1};
    reply_free(&f->rep);
    reply_init(&f->rep);
    server_pipeline(&f->app, &rq, &f->rep);
    expect(&f->rep, 413, ENV("invalid_request", "request_too_large", "Request body exceeds the 1048576-byte limit."), LIST_ALLOW);
    expect(req(f, "POST", u, "sess", "text/plain", "{}"), 415,
           ENV("invalid_request", "unsupported_media_type", "Unsupported media type \\\"text/plain\\\" in request."), LIST_ALLOW);
    expect(req(f, "POST", u, "sess", NULL, "{}"), 415,
           ENV("invalid_request", "unsupported_media_type", "Unsupported media type \\\"\\\" in request."), LIST_ALLOW);
    expect(req(f, "POST", u, "sess", "Application/JSON; charset=UTF-8", "{\"title\":\"ok\"}"), 201, NULL, LIST_ALLOW);
    expect(req(f, "POST", u, "sess", J, "{\"title\": }"), 400,
           ENV("invalid_request", "parse_error", "JSON parse error - Expecting value: line 1 column 11 (char 10)"), LIST_ALLOW);
    expect(req(f, "POST", u, "sess", J, "[]"), 400,
           ENV("validation_error", "invalid_input", "Invalid data. Expected a dictionary, but got list."), LIST_ALLOW);
    /* an empty body is {} (and its media type is not checked) */
    expect(req(f, "POST", u, "sess", "text/plain", ""), 400,
           "{\"type\":\"validation_error\",\"code\":\"required\",\"detail\":\"This field is required.\",\"attr\":\"title\"}", LIST_ALLOW);
    expect(req(f, "POST", u, "sess", J, "{\"title\":\"t\",\"tags\":[\"ok\",\"too long\"]}"), 400,
           "{\"type\":\"validation_error\",\"code\":\"max_length\",\"detail\":\"Ensure this field has no more than 5 characters.\",\"attr\":\"tags__1\"}",
           LIST_ALLOW);
    /* only the successful write moved the fixed clock */
    char b[40];
    clock_format(clock_now(&f->clock), b);
    assert_string_equal(b, "2026-01-01T00:00:01Z");
}

/* Checks the random fills and blanks them so the body can be compared. */
static char *scrub(const char *body)
{
    json_t *v = unit_json(body);
    const char *tok = json_string_value(json_object_get(v, "token"));
    const char *uid = json_string_value(json_object_get(v, "uid"));
    assert_non_null(tok);
    assert_int_equal(strlen(tok), 43);
    assert_non_null(uid);
    assert_int_equal(strlen(uid), 36);
    assert_int_equal(uid[14], '4');
    json_object_set_new(v, "token", json_string("T"));
    json_object_set_new(v, "uid", json_string("U"));
    char *s = unit_dump(v);
    json_decref(v);
    return s;
}

#define OWNER "{\"id\":7,\"name\":\"Ana\",\"email\":\"owner@example.test\",\"active\":true}"
#define W1 "{\"id\":1,\"name\":null,\"title\":\"first\",\"count\":3,\"ratio\":null,\"enabled\":false," \
    "\"maybe\":null,\"color\":\"red\",\"level\":1,\"when\":null,\"ref\":null,\"meta\":{},\"extra\":null," \
    "\"tags\":[],\"scores\":[],\"gadget\":null,\"gadgets\":[],\"created_at\":\"2026-01-01T00:00:00Z\"," \
    "\"owner\":" OWNER ",\"org\":1,\"token\":\"T\",\"uid\":\"U\",\"archived\":false}"

static void test_crud(void **state)
{
    fx *f = *state;
    const char *u = "/api/orgs/1/widgets/";
    sm_reply *r = req(f, "POST", u, "sess", J,
                      "{\"title\":\"first\",\"count\":\"3\",\"id\":99,\"secret\":\"s\",\"owner\":null}");
    expect(r, 201, NULL, LIST_ALLOW);
    char *s = scrub(r->body.p);
    assert_string_equal(s, W1);
    free(s);
    char *full = strdup(r->body.p);

    /* retrieve returns the stored bytes */
    expect(req(f, "GET", "/api/orgs/1/widgets/1", "sess", NULL, NULL), 200, full, ITEM_ALLOW);
    expect(req(f, "HEAD", "/api/orgs/1/widgets/1/", "reader", NULL, NULL), 200, full, ITEM_ALLOW);
    /* other project: not there */
    expect(req(f, "GET", "/api/orgs/3/widgets/1/", "sess", NULL, NULL), 404, NULL, ITEM_ALLOW);

    /* second and third widgets, list with links */
    expect(req(f, "POST", u, "sess", J, "{\"title\":\"second\"}"), 201, NULL, LIST_ALLOW);
    expect(req(f, "POST", u, "sess", J, "{\"title\":\"third\"}"), 201, NULL, LIST_ALLOW);
    expect(req(f, "GET", "/api/orgs/1/widgets/?limit=1&offset=1&q=a%20b", "sess", NULL, NULL), 200,
           "{\"count\":3,\"next\":\"http://api.test/api/orgs/1/widgets/?limit=1&offset=2&q=a+b\","
           "\"previous\":\"http://api.test/api/orgs/1/widgets/?limit=1&q=a+b\","
           "\"results\":[{\"id\":2,\"title\":\"second\",\"archived\":false,\"missing\":\"dflt\"}]}",
           LIST_ALLOW);

    /* PATCH: partial, read-only ignored, clock at the third write */
    r = req(f, "PATCH", "/api/orgs/1/widgets/1/", "sess", J,
            "{\"name\":\"renamed\",\"created_at\":\"1999-01-01T00:00\",\"tags\":[\"x\"]}");
    expect(r, 200, NULL, ITEM_ALLOW);
    json_t *v = unit_json(r->body.p);
    assert_string_equal(json_string_value(json_object_get(v, "name")), "renamed");
    assert_string_equal(json_string_value(json_object_get(v, "title")), "first");
    assert_string_equal(json_string_value(json_object_get(v, "created_at")), "2026-01-01T00:00:00Z");
    assert_int_equal(json_integer_value(json_object_get(v, "count")), 3);
    json_decref(v);
    /* PUT validates like a create: title is required */
    expect(req(f, "PUT", "/api/orgs/1/widgets/1/", "sess", J, "{\"name\":\"x\"}"), 400,
           "{\"type\":\"validation_error\",\"code\":\"required\",\"detail\":\"This field is required.\",\"attr\":\"title\"}",
           ITEM_ALLOW);
    expect(req(f, "PATCH", "/api/orgs/1/widgets/9/", "sess", J, "{}"), 404, NULL, ITEM_ALLOW);

    /* soft delete: hidden from list and retrieve, reachable only to restore */
    expect(req(f, "PATCH", "/api/orgs/1/widgets/2/", "sess", J, "{\"archived\":true}"), 200, NULL, ITEM_ALLOW);
    expect(req(f, "GET", "/api/orgs/1/widgets/2/", "sess", NULL, NULL), 404, NULL, ITEM_ALLOW);
    expect(req(f, "PATCH", "/api/orgs/1/widgets/2/", "sess", J, "{\"archived\":true}"), 404, NULL, ITEM_ALLOW);
    expect(req(f, "PATCH", "/api/orgs/1/widgets/2/", "sess", J, "{\"name\":\"x\"}"), 404, NULL, ITEM_ALLOW);
    r = req(f, "GET", u, "sess", NULL, NULL);
    expect(r, 200, NULL, LIST_ALLOW);
    assert_non_null(strstr(r->body.p, "{\"count\":2,\"next\":null,\"previous\":null,\"results\":[{\"id\":1,"));
    assert_null(strstr(r->body.p, "\"id\":2,"));
    expect(req(f, "PATCH", "/api/orgs/1/widgets/2/", "sess", J, "{\"archived\":\"false\"}"), 200, NULL, ITEM_ALLOW);
    expect(req(f, "GET", "/api/orgs/1/widgets/2/", "sess", NULL, NULL), 200, NULL, ITEM_ALLOW);

    /* hard delete */
    expect(req(f, "DELETE", "/api/orgs/1/widgets/3/", "sess", NULL, NULL), 204, "", ITEM_ALLOW);
    expect(req(f, "DELETE", "/api/orgs/1/widgets/3/", "sess", NULL, NULL), 404, NULL, ITEM_ALLOW);
    expect(req(f, "GET", "/api/orgs/1/widgets/3/", "sess", NULL, NULL), 404, NULL, ITEM_ALLOW);
    /* ids are never reused */
    r = req(f, "POST", u, "sess", J, "{\"title\":\"fourth\"}");
    expect(r, 201, NULL, LIST_ALLOW);
    assert_non_null(strstr(r->body.p, "{\"id\":4,"));
    /* writes so far: 3 creates, 1 patch, 2 archive patches, 1 delete, 1 create */
    assert_non_null(strstr(r->body.p, "\"created_at\":\"2026-01-01T00:00:07Z\""));
    free(full);
}

static void test_refuse_and_options(void **state)
{
    fx *f = *state;
    /* refused DELETE: its status, no body, whether or not the record exists */
    expect(req(f, "DELETE", "/api/orgs/1/gears/77/", "sess", NULL, NULL), 405, "", "DELETE, OPTIONS");
    expect(req(f, "DELETE", "/api/orgs/1/gears/77/", "reader", NULL, NULL), 403, NULL, "DELETE, OPTIONS");
    expect(req(f, "OPTIONS", "/api/orgs/1/widgets/", "reader", NULL, NULL), 200,
           "{\"name\":\"widgets\",\"renders\":[\"application/json\"],\"parses\":[\"application/json\"]}", LIST_ALLOW);
    expect(req(f, "OPTIONS", "/api/orgs/x/widgets/", "reader", NULL, NULL), 404, NULL, LIST_ALLOW);
    /* the clock did not move: none of these was a successful write */
    assert_int_equal(clock_now(&f->clock) % 1000000, 0);
    char b[40];
    clock_format(clock_now(&f->clock), b);
    assert_string_equal(b, "2026-01-01T00:00:00Z");
}

static void test_store_full(void **state)
{
    (void)state;
    fx *f = make(64 * 1024);
    char body[2048];
    snprintf(body, sizeof body, "{\"title\":\"t\",\"extra\":\"%01500d\"}", 0);
    int created = 0;
    sm_reply *r = NULL;
    for (int i = 0; i < 200; i++) {
        r = req(f, "POST", "/api/orgs/1/widgets/", "sess", J, body);
        if (r->status != 201)
            break;
        created++;
    }
    assert_true(created > 0);
    expect(r, 507,
           ENV("server_error", "insufficient_storage", "The store is full; nothing was written."), LIST_ALLOW);
    r = req(f, "GET", "/api/orgs/1/widgets/?limit=1", "sess", NULL, NULL);
    expect(r, 200, NULL, LIST_ALLOW);
    char want[32];
    snprintf(want, sizeof want, "{\"count\":%d,", created);
    assert_non_null(strstr(r->body.p, want));
    void *st = f;
    teardown(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_route_and_method, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auth_gates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_gates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crud, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuse_and_options, setup, teardown),
        cmocka_unit_test(test_store_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
