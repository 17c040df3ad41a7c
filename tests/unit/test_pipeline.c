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
    uint16_t ns[FX_RES_COUNT];
    sm_app app;
    sm_reply rep;
} fx;

static const char *keys_json =
    "[{\"key\":\"sess\",\"session\":true,\"user\":{\"id\":7,\"name\":\"Ana\"}},"
    " {\"key\":\"reader\",\"scopes\":[\"widget:read\"]},"
    " {\"key\":\"star\",\"scopes\":[\"*\"],\"project\":2},"
    " {\"key\":\"bob\",\"session\":true,\"user\":{\"id\":8,\"name\":\"Bob\","
    "  \"email\":\"bob@example.test\",\"uuid\":\"11111111-2222-4333-8444-555555555555\"}}]";

static fx *make(size_t mapsize)
{
    fx *f = calloc(1, sizeof *f);
    char err[256];
    strbuf e = STRBUF_INIT;
    f->dir = unit_tmpdir();
    if (store_open(&f->store, f->dir, mapsize, 0, &e) != STORE_OK)
        fail_msg("%s", e.p);
    for (int i = 0; i < FX_RES_COUNT; i++)
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
    f->app = (sm_app){.api = &fixture_api, .router = f->router, .keys = f->keys,
                      .store = f->store, .clock = &f->clock, .ns = f->ns,
                      .prefix_params = 1, .self_host = "self:1"};
    if (handlers_resolve(&f->app, &e) != 0)
        fail_msg("resolve: %s", e.p);
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
    handlers_release(&f->app);
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

#define OWNER "{\"id\":7,\"name\":\"Ana\",\"email\":\"owner@example.test\",\"active\":true,\"uuid\":null}"
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

/* ---- v2 ----------------------------------------------------------------- */

#define BOB_UUID "11111111-2222-4333-8444-555555555555"
#define B "/api/orgs/1/boards/"

/* Field `name` of a JSON body, compact. */
static char *field(const sm_reply *r, const char *name)
{
    json_t *v = unit_json(r->body.p);
    json_t *x = json_object_get(v, name);
    char *s = x ? unit_dump(x) : strdup("<absent>");
    json_decref(v);
    return s;
}

static void expect_field(const sm_reply *r, const char *name, const char *want)
{
    char *s = field(r, name);
    if (strcmp(s, want))
        fail_msg("field %s = %s, expected %s (body %s)", name, s, want, r->body.p);
    free(s);
}

/* A bad v2 name fails start-up with a message naming it. */
static void test_resolve_errors(void **state)
{
    fx *f = *state;
    sm_api api = fixture_api;
    sm_resource res[FX_RES_COUNT];
    memcpy(res, fixture_api.resources, sizeof res);
    api.resources = res;
    sm_app app = f->app;
    app.api = &api;
    app.rt = NULL;
    strbuf e = STRBUF_INIT;
    struct { int ri; const char *member, *value, *msg; } cases[] = {
        {FX_RES_NOTES, "key", "nope", "resource 'notes': key: no field 'nope' in model 'Note'"},
        {FX_RES_NOTES, "parent", "nowhere", "resource 'notes': parent: unknown resource 'nowhere'"},
        {FX_RES_NOTES, "parent_param", "other_id", "resource 'notes': parent param 'other_id' is not in the path of op 'notes_list'"},
        {FX_RES_BOARDS, "owner", "who", "resource 'boards': owner: no field 'who' in model 'Board'"},
        {FX_RES_BOARDS, "order", "- name", "resource 'boards': order: malformed '- name'"},
        {FX_RES_BOARDS, "order", "-pinned ~title", "resource 'boards': order: no field 'title' in model 'Board'"},
        {FX_RES_FOLDERS, "ancestors", "p", "resource 'folders': ancestors: no field 'p' in model 'Folder'"},
        {FX_RES_SWITCHES, "parent", "boards", "resource 'switches': parent 'boards' is not a singleton and no param is given"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        memcpy(res, fixture_api.resources, sizeof res);
        sm_resource *r = &res[cases[i].ri];
        if (!strcmp(cases[i].member, "key")) r->key = cases[i].value;
        if (!strcmp(cases[i].member, "parent")) r->parent = cases[i].value;
        if (!strcmp(cases[i].member, "parent_param")) r->parent_param = cases[i].value;
        if (!strcmp(cases[i].member, "owner")) r->owner = cases[i].value;
        if (!strcmp(cases[i].member, "order")) r->order = cases[i].value;
        if (!strcmp(cases[i].member, "ancestors")) r->ancestors = cases[i].value;
        strbuf_truncate(&e, 0);
        assert_int_equal(handlers_resolve(&app, &e), -1);
        assert_null(app.rt);
        assert_string_equal(e.p, cases[i].msg);
    }
    /* op names: a set field */
    memcpy(res, fixture_api.resources, sizeof res);
    sm_op ops[FX_OP_COUNT];
    memcpy(ops, fixture_api.ops, sizeof ops);
    api.ops = ops;
    static const sm_set bad_set[] = {{.field = "nope", .from = SM_SET_NOW}};
    ops[FX_OP_BOARDS_SHARE].sets = bad_set;
    ops[FX_OP_BOARDS_SHARE].nsets = 1;
    strbuf_truncate(&e, 0);
    assert_int_equal(handlers_resolve(&app, &e), -1);
    assert_string_equal(e.p, "op 'boards_share': set: no field 'nope' in model 'Board'");
    ops[FX_OP_BOARDS_SHARE] = fixture_api.ops[FX_OP_BOARDS_SHARE];
    ops[FX_OP_BOARDS_STREAM].stream_field = "nah";
    strbuf_truncate(&e, 0);
    assert_int_equal(handlers_resolve(&app, &e), -1);
    assert_string_equal(e.p, "op 'boards_stream': stream: no field 'nah' in model 'Board'");
    strbuf_free(&e);
}

static void test_boards_render_and_soft_delete(void **state)
{
    fx *f = *state;
    sm_reply *r = req(f, "POST", B, "bob", J, "{\"name\":\"Alpha\",\"path\":\"a/b\\\\/c/d\"}");
    expect(r, 201,
           "{\"id\":1,\"name\":\"Alpha\",\"pinned\":false,\"path\":\"a/b\\\\/c/d\",\"depth\":3,"
           "\"name_copy\":\"Alpha\",\"author_email\":\"bob@example.test\",\"kind\":\"plain\","
           "\"items\":[],\"mime\":\"text/plain\",\"share_token\":null,\"gone\":false,\"notes\":[]}",
           "GET, POST, HEAD, OPTIONS");
    /* update re-derives segments and copy */
    r = req(f, "PATCH", B "1/", "sess", J, "{\"name\":\"Beta\",\"path\":\"x\"}");
    expect(r, 200, NULL, "GET, PATCH, DELETE, HEAD, OPTIONS");
    expect_field(r, "depth", "1");
    expect_field(r, "name_copy", "\"Beta\"");
    expect_field(r, "author_email", "\"bob@example.test\"");
    /* missing record: the resource's detail */
    expect(req(f, "GET", B "9/", "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "No such board."), "GET, PATCH, DELETE, HEAD, OPTIONS");
    /* destroy is soft: the field is set, the record hidden */
    expect(req(f, "DELETE", B "1/", "sess", NULL, NULL), 204, "", "GET, PATCH, DELETE, HEAD, OPTIONS");
    expect(req(f, "GET", B "1/", "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "No such board."), "GET, PATCH, DELETE, HEAD, OPTIONS");
    expect(req(f, "DELETE", B "1/", "sess", NULL, NULL), 404, NULL, "GET, PATCH, DELETE, HEAD, OPTIONS");
    /* hides update: 404 unless it restores */
    expect(req(f, "PATCH", B "1/", "sess", J, "{\"name\":\"x\"}"), 404, NULL, "GET, PATCH, DELETE, HEAD, OPTIONS");
    expect(req(f, "GET", B, "sess", NULL, NULL), 200, "{\"count\":0,\"results\":[]}", "GET, POST, HEAD, OPTIONS");
    /* ?gone=true replaces the hiding */
    expect(req(f, "GET", B "?gone=true", "sess", NULL, NULL), 200,
           "{\"count\":1,\"results\":[{\"id\":1,\"name\":\"Beta\",\"pinned\":false}]}", "GET, POST, HEAD, OPTIONS");
    r = req(f, "PATCH", B "1/", "sess", J, "{\"gone\":false}");
    expect(r, 200, NULL, "GET, PATCH, DELETE, HEAD, OPTIONS");
    expect_field(r, "gone", "false");
    expect(req(f, "GET", B "1/", "sess", NULL, NULL), 200, NULL, "GET, PATCH, DELETE, HEAD, OPTIONS");
}

#define BL "GET, POST, HEAD, OPTIONS"
#define BI "GET, PATCH, DELETE, HEAD, OPTIONS"

static void test_list_order_filters(void **state)
{
    fx *f = *state;
    const char *names[] = {"delta", "Bravo", "alpha", "charlie"};
    for (int i = 0; i < 4; i++) {
        char body[64];
        snprintf(body, sizeof body, "{\"name\":\"%s\",\"pinned\":%s}", names[i], i == 3 ? "true" : "false");
        expect(req(f, "POST", B, "sess", J, body), 201, NULL, BL);
    }
    /* -pinned ~name: pinned first, then case-insensitive names */
    expect(req(f, "GET", B, "sess", NULL, NULL), 200,
           "{\"count\":4,\"results\":[{\"id\":4,\"name\":\"charlie\",\"pinned\":true},"
           "{\"id\":3,\"name\":\"alpha\",\"pinned\":false},{\"id\":2,\"name\":\"Bravo\",\"pinned\":false},"
           "{\"id\":1,\"name\":\"delta\",\"pinned\":false}]}", BL);
    expect(req(f, "GET", B "?search=LT", "sess", NULL, NULL), 200,
           "{\"count\":1,\"results\":[{\"id\":1,\"name\":\"delta\",\"pinned\":false}]}", BL);
    expect(req(f, "GET", B "?pinned=true", "sess", NULL, NULL), 200,
           "{\"count\":1,\"results\":[{\"id\":4,\"name\":\"charlie\",\"pinned\":true}]}", BL);
    expect(req(f, "GET", B "?search=a&pinned=0", "sess", NULL, NULL), 200,
           "{\"count\":3,\"results\":[{\"id\":3,\"name\":\"alpha\",\"pinned\":false},"
           "{\"id\":2,\"name\":\"Bravo\",\"pinned\":false},{\"id\":1,\"name\":\"delta\",\"pinned\":false}]}", BL);
    /* static rows: list and retrieve by key, no store */
    expect(req(f, "GET", "/api/orgs/1/colors/", "sess", NULL, NULL), 200,
           "[{\"code\":\"r\",\"label\":\"Red\"},{\"code\":\"g\",\"label\":\"Green\"}]", "GET, HEAD, OPTIONS");
    expect(req(f, "GET", "/api/orgs/1/colors/g/", "sess", NULL, NULL), 200,
           "{\"code\":\"g\",\"label\":\"Green\"}", "GET, HEAD, OPTIONS");
    expect(req(f, "GET", "/api/orgs/1/colors/x/", "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "Not found."), "GET, HEAD, OPTIONS");
}

#define NL "GET, POST, HEAD, OPTIONS"
#define NI "GET, DELETE, HEAD, OPTIONS"

static void test_parents_and_keys(void **state)
{
    fx *f = *state;
    const char *n1 = "/api/orgs/1/boards/1/notes/";
    /* no board yet: the parent's detail; a bad id: the param's */
    expect(req(f, "GET", n1, "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "Board not found."), NL);
    expect(req(f, "GET", "/api/orgs/1/boards/x/notes/", "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "Bad board id."), NL);
    expect(req(f, "POST", B, "sess", J, "{\"name\":\"one\"}"), 201, NULL, BL);
    expect(req(f, "POST", B, "sess", J, "{\"name\":\"two\"}"), 201, NULL, BL);
    expect(req(f, "POST", n1, "sess", J, "{\"slug\":\"zeta\",\"text\":\"last words\"}"), 201,
           "{\"slug\":\"zeta\",\"text\":\"last words\",\"board\":1}", NL);
    expect(req(f, "POST", n1, "sess", J, "{\"slug\":\"Alpha\"}"), 201, NULL, NL);
    /* unique among the parent's records only */
    expect(req(f, "POST", n1, "sess", J, "{\"slug\":\"zeta\"}"), 409, "{\"detail\":\"Slug zeta is taken.\"}", NL);
    expect(req(f, "POST", "/api/orgs/1/boards/2/notes/", "sess", J, "{\"slug\":\"zeta\"}"), 201, NULL, NL);
    /* by string key, under its parent only */
    expect(req(f, "GET", "/api/orgs/1/boards/1/notes/zeta/", "sess", NULL, NULL), 200,
           "{\"slug\":\"zeta\",\"text\":\"last words\",\"board\":1}", NI);
    expect(req(f, "GET", "/api/orgs/1/boards/2/notes/Alpha/", "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "Not found."), NI);
    expect(req(f, "GET", n1, "sess", NULL, NULL), 200,
           "[{\"slug\":\"Alpha\",\"text\":\"\",\"board\":1},{\"slug\":\"zeta\",\"text\":\"last words\",\"board\":1}]", NL);
    expect(req(f, "GET", "/api/orgs/1/boards/1/notes/?q=LAST%20wor", "sess", NULL, NULL), 200,
           "[{\"slug\":\"zeta\",\"text\":\"last words\",\"board\":1}]", NL);
    /* children are live in the parent's representation */
    expect_field(req(f, "GET", B "1/", "sess", NULL, NULL), "notes",
                 "[{\"slug\":\"Alpha\",\"text\":\"\",\"board\":1},{\"slug\":\"zeta\",\"text\":\"last words\",\"board\":1}]");
    /* hard delete removes the key too */
    expect(req(f, "DELETE", "/api/orgs/1/boards/1/notes/zeta/", "sess", NULL, NULL), 204, "", NI);
    expect(req(f, "GET", "/api/orgs/1/boards/1/notes/zeta/", "sess", NULL, NULL), 404, NULL, NI);
    expect(req(f, "POST", n1, "sess", J, "{\"slug\":\"zeta\"}"), 201, NULL, NL);
    expect_field(req(f, "GET", B "1/", "sess", NULL, NULL), "notes",
                 "[{\"slug\":\"Alpha\",\"text\":\"\",\"board\":1},{\"slug\":\"zeta\",\"text\":\"\",\"board\":1}]");
    /* a parent check sees the parent record */
    expect(req(f, "PATCH", B "2/", "sess", J, "{\"kind\":\"frozen\"}"), 200, NULL, BI);
    expect(req(f, "POST", "/api/orgs/1/boards/2/notes/", "sess", J, "{\"slug\":\"new\"}"), 400,
           ENV("validation_error", "invalid_input", "Board is frozen."), NL);
    /* a deleted parent is missing */
    expect(req(f, "DELETE", B "1/", "sess", NULL, NULL), 204, "", BI);
    expect(req(f, "GET", n1, "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "Board not found."), NL);
    /* parent build: a missing bin is made on first use */
    expect(req(f, "GET", "/api/orgs/1/bins/b1/", "sess", NULL, NULL), 404, NULL, "GET, HEAD, OPTIONS");
    expect(req(f, "POST", "/api/orgs/1/bins/b1/drops/", "sess", J, "{\"what\":\"r\"}"), 201,
           "{\"id\":1,\"what\":\"r\"}", "GET, POST, HEAD, OPTIONS");
    /* exists checks: static rows, then stored top-level records */
    expect(req(f, "POST", "/api/orgs/1/bins/b1/drops/", "sess", J, "{\"what\":\"x\"}"), 400,
           "{\"type\":\"validation_error\",\"code\":\"invalid_input\",\"detail\":\"No color x.\",\"attr\":\"what\"}",
           "GET, POST, HEAD, OPTIONS");
    expect(req(f, "POST", "/api/orgs/1/bins/b1/drops/?also=b9", "sess", J, "{}"), 404,
           ENV("invalid_request", "not_found", "No bin b9."), "GET, POST, HEAD, OPTIONS");
    expect(req(f, "POST", "/api/orgs/1/bins/b1/drops/?also=b1", "sess", J, "{}"), 201,
           "{\"id\":2,\"what\":\"\"}", "GET, POST, HEAD, OPTIONS");
    expect(req(f, "GET", "/api/orgs/1/bins/b1/", "sess", NULL, NULL), 200,
           "{\"code\":\"b1\",\"label\":\"unnamed\"}", "GET, HEAD, OPTIONS");
    expect(req(f, "GET", "/api/orgs/1/bins/b1/drops/", "sess", NULL, NULL), 200,
           "[{\"id\":1,\"what\":\"r\"},{\"id\":2,\"what\":\"\"}]", "GET, POST, HEAD, OPTIONS");
    expect(req(f, "GET", "/api/orgs/1/bins/b2/drops/", "sess", NULL, NULL), 200, "[]", "GET, POST, HEAD, OPTIONS");
    /* a create taking a non-JSON media type: not parsed nor validated, the
     * input is what the sets write */
    expect(req(f, "POST", "/api/orgs/1/bins/import/?label=L", "sess", "text/csv; charset=utf-8", "a,b\n1,2"), 201,
           "{\"code\":\"imported\",\"label\":\"L\"}", "POST, OPTIONS");
    expect(req(f, "GET", "/api/orgs/1/bins/imported/", "sess", NULL, NULL), 200,
           "{\"code\":\"imported\",\"label\":\"L\"}", "GET, HEAD, OPTIONS");
    expect(req(f, "POST", "/api/orgs/1/bins/import/", "sess", J, "{\"code\":\"c\"}"), 415, NULL, "POST, OPTIONS");
}

#define ML "GET, POST, HEAD, OPTIONS"
#define MI "GET, PATCH, DELETE, HEAD, OPTIONS"

static void test_members(void **state)
{
    fx *f = *state;
    const char *m = "/api/orgs/1/boards/1/members/";
    expect(req(f, "POST", B, "sess", J, "{}"), 201, NULL, BL);
    /* required filter */
    expect(req(f, "GET", m, "sess", NULL, NULL), 400,
           ENV("validation_error", "invalid_input", "level is required."), ML);
    expect(req(f, "GET", "/api/orgs/1/boards/1/members/?level=", "sess", NULL, NULL), 400, NULL, ML);
    /* a user check on the body; the user fill from the keys file */
    expect(req(f, "POST", m, "sess", J, "{\"user_uuid\":\"99999999-2222-4333-8444-555555555555\"}"), 400,
           "{\"type\":\"validation_error\",\"code\":\"invalid_input\",\"detail\":"
           "\"Unknown user 99999999-2222-4333-8444-555555555555.\",\"attr\":\"user_uuid\"}", ML);
    const char *member =
        "{\"user\":{\"id\":8,\"name\":\"Bob\",\"email\":\"bob@example.test\",\"active\":true,"
        "\"uuid\":\"" BOB_UUID "\"},\"level\":2,\"removed\":false}";
    expect(req(f, "POST", m, "sess", J, "{\"user_uuid\":\"" BOB_UUID "\",\"level\":2}"), 201, member, ML);
    /* upsert: the same key replaces */
    expect(req(f, "POST", m, "sess", J, "{\"user_uuid\":\"" BOB_UUID "\",\"level\":3}"), 201, NULL, ML);
    expect(req(f, "GET", "/api/orgs/1/boards/1/members/?level=3", "sess", NULL, NULL), 200,
           "{\"results\":[{\"user\":{\"id\":8,\"name\":\"Bob\",\"email\":\"bob@example.test\",\"active\":true,"
           "\"uuid\":\"" BOB_UUID "\"},\"level\":3,\"removed\":false}],\"stale\":false}", ML);
    expect(req(f, "GET", "/api/orgs/1/boards/1/members/?level=2", "sess", NULL, NULL), 200,
           "{\"results\":[],\"stale\":false}", ML);
    /* the write-only key names the record */
    expect(req(f, "GET", "/api/orgs/1/boards/1/members/" BOB_UUID "/", "sess", NULL, NULL), 200, NULL, MI);
    expect(req(f, "GET", "/api/orgs/1/boards/1/members/not-a-uuid/", "sess", NULL, NULL), 404, NULL, MI);
    /* build: destroy of a missing key leaves a tombstone */
    const char *other = "/api/orgs/1/boards/1/members/aaaaaaaa-2222-4333-8444-555555555555/";
    expect(req(f, "GET", other, "sess", NULL, NULL), 404, NULL, MI);
    expect(req(f, "DELETE", other, "sess", NULL, NULL), 204, "", MI);
    expect(req(f, "GET", other, "sess", NULL, NULL), 404, NULL, MI);
    expect(req(f, "DELETE", other, "sess", NULL, NULL), 404, NULL, MI);
    /* without `hides update` a PATCH reaches the hidden record */
    expect(req(f, "PATCH", other, "sess", J, "{\"level\":3}"), 200,
           "{\"user\":null,\"level\":3,\"removed\":true}", MI);
    expect(req(f, "GET", other, "sess", NULL, NULL), 404, NULL, MI);
    expect(req(f, "DELETE", "/api/orgs/1/boards/1/members/" BOB_UUID "/", "sess", NULL, NULL), 204, "", MI);
    expect(req(f, "GET", "/api/orgs/1/boards/1/members/" BOB_UUID "/", "sess", NULL, NULL), 404, NULL, MI);
    /* a missing board still answers its 404 first */
    expect(req(f, "DELETE", "/api/orgs/1/boards/7/members/" BOB_UUID "/", "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "Not found."), MI);
}

static void test_actions(void **state)
{
    fx *f = *state;
    expect(req(f, "POST", B, "sess", J, "{\"name\":\"src\",\"items\":[{\"id\":1},{\"id\":\"two\"},{\"id\":3}]}"), 201, NULL, BL);
    expect(req(f, "POST", B, "sess", J, "{\"name\":\"dst\",\"items\":[{\"id\":9}]}"), 201, NULL, BL);
    /* a collection action with a canned answer */
    expect(req(f, "POST", B "ping/", "sess", J, "{}"), 200, "{\"pong\": true}", "POST, OPTIONS");
    /* body model validated, then checks in order */
    expect(req(f, "POST", B "1/share/", "sess", J, "{}"), 400,
           "{\"type\":\"validation_error\",\"code\":\"required\",\"detail\":\"This field is required.\",\"attr\":\"reason\"}",
           "POST, OPTIONS");
    expect(req(f, "POST", B "1/share/", "sess", J, "{\"reason\":\"x\"}"), 400,
           "{\"type\":\"validation_error\",\"code\":\"invalid_input\",\"detail\":\"Too short: x\",\"attr\":\"reason\"}",
           "POST, OPTIONS");
    sm_reply *r = req(f, "POST", B "1/share/", "sess", J, "{\"reason\":\"ok\"}");
    expect(r, 200, NULL, "POST, OPTIONS");
    expect_field(r, "kind", "\"shared\"");
    char *tok = field(r, "share_token");
    assert_int_equal(strlen(tok), 45);
    /* the sets were saved */
    r = req(f, "GET", B "1/", "sess", NULL, NULL);
    expect_field(r, "share_token", tok);
    free(tok);
    expect(req(f, "POST", B "9/share/", "sess", J, "{\"reason\":\"ok\"}"), 404,
           ENV("invalid_request", "not_found", "No such board."), "POST, OPTIONS");
    /* a record check with the error style */
    expect(req(f, "PATCH", B "2/", "sess", J, "{\"kind\":\"locked\"}"), 200, NULL, BI);
    expect(req(f, "POST", B "2/share/", "sess", J, "{\"reason\":\"ok\"}"), 403, "{\"error\":\"Board is locked.\"}", "POST, OPTIONS");
    /* move: item "two" to the end of board 2's items */
    expect(req(f, "POST", B "1/move/", "sess", J, "{\"item\":{\"id\":\"two\"},\"to\":2}"), 200, NULL, "POST, OPTIONS");
    expect_field(req(f, "GET", B "1/", "sess", NULL, NULL), "items", "[{\"id\":1},{\"id\":3}]");
    expect_field(req(f, "GET", B "2/", "sess", NULL, NULL), "items", "[{\"id\":9},{\"id\":\"two\"}]");
    expect(req(f, "POST", B "1/move/", "sess", J, "{\"item\":{\"id\":\"two\"},\"to\":2}"), 404, NULL, "POST, OPTIONS");
    expect(req(f, "POST", B "1/move/", "sess", J, "{\"item\":{\"id\":1},\"to\":5}"), 404, NULL, "POST, OPTIONS");
    /* media: a listed type is taken unparsed; JSON is not listed */
    expect(req(f, "POST", B "1/upload/", "sess", "application/octet-stream", "\x01\x02not json"), 200, "", "POST, OPTIONS");
    expect_field(req(f, "GET", B "1/", "sess", NULL, NULL), "kind", "\"uploaded\"");
    expect(req(f, "POST", B "1/upload/", "sess", J, "{}"), 415,
           ENV("invalid_request", "unsupported_media_type", "Unsupported media type \\\"application/json\\\" in request."),
           "POST, OPTIONS");
    /* stream and content */
    r = req(f, "GET", B "1/stream/", "sess", NULL, NULL);
    expect(r, 200, NULL, "GET, HEAD, OPTIONS");
    assert_string_equal(r->content_type, "text/event-stream");
    assert_non_null(strstr(r->body.p, "data: {\"type\":\"metadata\",\"board\":{\"id\":1,"));
    assert_non_null(strstr(r->body.p, "\"items\":[{\"id\":1}],"));
    assert_non_null(strstr(r->body.p, "\n\ndata: {\"type\":\"item\",\"order\":1,\"item\":{\"id\":3}}\n\n"
                                      "data: {\"type\":\"complete\"}\n\n"));
    expect(req(f, "PATCH", B "1/", "sess", J, "{\"mime\":\"image/png\"}"), 200, NULL, BI);
    r = req(f, "GET", B "1/content/", "sess", NULL, NULL);
    expect(r, 200, "", "GET, HEAD, OPTIONS");
    assert_string_equal(r->content_type, "image/png");
    assert_string_equal(r->op_id, "boards_content");
    /* an error after a content type resets it */
    r = req(f, "GET", B "9/content/", "sess", NULL, NULL);
    expect(r, 404, NULL, "GET, HEAD, OPTIONS");
    assert_null(r->content_type);
}

#define SI "GET, PATCH, HEAD, OPTIONS"

static void test_singleton(void **state)
{
    fx *f = *state;
    const char *s = "/api/orgs/1/boards/1/settings/";
    expect(req(f, "GET", s, "sess", NULL, NULL), 404,
           ENV("invalid_request", "not_found", "Board not found."), SI);
    expect(req(f, "POST", B, "sess", J, "{}"), 201, NULL, BL);
    /* unsaved: fills run, now is null, the token differs per read */
    sm_reply *r = req(f, "GET", s, "sess", NULL, NULL);
    expect(r, 200, NULL, SI);
    expect_field(r, "created_at", "null");
    expect_field(r, "enabled", "false");
    char *t1 = field(r, "token");
    char *t2 = field(req(f, "GET", s, "sess", NULL, NULL), "token");
    assert_int_equal(strlen(t1), 45);
    assert_string_not_equal(t1, t2);
    free(t1);
    free(t2);
    /* update saves it */
    r = req(f, "PATCH", s, "sess", J, "{\"enabled\":true}");
    expect(r, 200, NULL, SI);
    expect_field(r, "enabled", "true");
    char *ca = field(r, "created_at");
    assert_string_equal(ca, "\"2026-01-01T00:00:01Z\"");
    free(ca);
    char *saved = strdup(f->rep.body.p);
    expect(req(f, "GET", s, "sess", NULL, NULL), 200, saved, SI);
    free(saved);
    /* an action with sets on it */
    r = req(f, "POST", "/api/orgs/1/boards/1/settings/rotate/", "sess", J, "{}");
    expect(r, 200, NULL, "POST, OPTIONS");
    expect_field(r, "enabled", "true");
    /* children of the singleton, found through the board's param */
    expect(req(f, "POST", "/api/orgs/1/boards/1/settings/switches/", "sess", J, "{\"on\":true}"), 201,
           "{\"id\":1,\"on\":true}", "GET, POST, HEAD, OPTIONS");
    expect(req(f, "GET", "/api/orgs/1/boards/1/settings/switches/", "sess", NULL, NULL), 200,
           "[{\"id\":1,\"on\":true}]", "GET, POST, HEAD, OPTIONS");
    expect(req(f, "POST", B, "sess", J, "{}"), 201, NULL, BL);
    expect(req(f, "GET", "/api/orgs/1/boards/2/settings/switches/", "sess", NULL, NULL), 200,
           "[]", "GET, POST, HEAD, OPTIONS");
}

static void test_folders(void **state)
{
    fx *f = *state;
    const char *u = "/api/orgs/1/folders/";
    expect(req(f, "POST", u, "bob", J, "{\"path\":\"a/b/c\"}"), 201, NULL, "GET, POST, HEAD, OPTIONS");
    expect(req(f, "POST", u, "bob", J, "{\"path\":\"a/x\"}"), 201, NULL, "GET, POST, HEAD, OPTIONS");
    sm_reply *r = req(f, "GET", u, "bob", NULL, NULL);
    expect(r, 200, NULL, "GET, POST, HEAD, OPTIONS");
    json_t *v = unit_json(r->body.p);
    assert_int_equal(json_array_size(v), 4);
    const char *want[][2] = {{"a", "folder"}, {"a/b", "folder"}, {"a/b/c", "file"}, {"a/x", "file"}};
    for (size_t i = 0; i < 4; i++) {
        json_t *it = json_array_get(v, i);
        assert_string_equal(json_string_value(json_object_get(it, "path")), want[i][0]);
        assert_string_equal(json_string_value(json_object_get(it, "kind")), want[i][1]);
    }
    json_decref(v);
    expect_field(req(f, "GET", "/api/orgs/1/folders/a/", "bob", NULL, NULL), "kind", "\"folder\"");
    /* owner: another user sees none of them */
    expect(req(f, "GET", u, "sess", NULL, NULL), 200, "[]", "GET, POST, HEAD, OPTIONS");
    expect(req(f, "GET", "/api/orgs/1/folders/a/", "sess", NULL, NULL), 404, NULL, "GET, HEAD, OPTIONS");
}

/* handlers_load: fixtures complete records with fills, keep given ids and
 * read-only values, honour _parent and the key; resource_empty. */
static void test_load(void **state)
{
    fx *f = *state;
    strbuf e = STRBUF_INIT;
    assert_int_equal(handlers_resource_empty(&f->app, NULL, FX_RES_BOARDS, 1), 1);
    json_t *b = unit_json("{\"id\":5,\"name\":\"fx\",\"gone\":false,\"share_token\":\"given\"}");
    assert_int_equal(handlers_load(&f->app, NULL, FX_RES_BOARDS, 1, b, &e), 0);
    json_decref(b);
    assert_int_equal(handlers_resource_empty(&f->app, NULL, FX_RES_BOARDS, 1), 0);
    assert_int_equal(handlers_resource_empty(&f->app, NULL, FX_RES_BOARDS, 2), 1);
    json_t *n = unit_json("{\"_parent\":5,\"slug\":\"s1\"}");
    assert_int_equal(handlers_load(&f->app, NULL, FX_RES_NOTES, 1, n, &e), 0);
    json_decref(n);
    n = unit_json("{\"_parent\":6,\"slug\":\"s1\"}");
    assert_int_equal(handlers_load(&f->app, NULL, FX_RES_NOTES, 1, n, &e), -1);
    assert_string_equal(e.p, "_parent: no such parent record");
    json_decref(n);
    strbuf_truncate(&e, 0);
    n = unit_json("{\"_parent\":5,\"slug\":\"\"}");
    assert_int_equal(handlers_load(&f->app, NULL, FX_RES_NOTES, 1, n, &e), -1);
    assert_string_equal(e.p, "slug: This field may not be blank.");
    json_decref(n);
    strbuf_truncate(&e, 0);
    n = unit_json("{\"code\":\"r\"}");
    assert_int_equal(handlers_load(&f->app, NULL, FX_RES_COLORS, 1, n, &e), -1);
    json_decref(n);
    sm_reply *r = req(f, "GET", B "5/", "sess", NULL, NULL);
    expect(r, 200, NULL, BI);
    expect_field(r, "share_token", "\"given\"");
    expect_field(r, "name_copy", "\"fx\"");
    expect_field(r, "notes", "[{\"slug\":\"s1\",\"text\":\"\",\"board\":5}]");
    /* the counter moved past the loaded id */
    expect_field(req(f, "POST", B, "sess", J, "{}"), "id", "6");
    strbuf_free(&e);
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
        cmocka_unit_test_setup_teardown(test_resolve_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_boards_render_and_soft_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_order_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parents_and_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_members, setup, teardown),
        cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_singleton, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load, setup, teardown),
        cmocka_unit_test(test_store_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
