/*
 * admin.c — the control plane under /__specmock/ (see admin.h).
 *
 * Ownership: the lead engineer (issue 5).  server.c hands every request
 * whose path admin_owns() to admin_handle() before the API pipeline runs.
 *
 * One table maps an endpoint name to its handlers per method; every
 * handler validates its whole input before it changes anything, so a
 * refused request leaves the server as it was.
 */
#include "admin.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "coverage.h"
#include "faults.h"
#include "fixtures.h"
#include "history.h"
#include "jsonio.h"
#include "query.h"
#include "rng.h"
#include "router.h"

/* ---- replies ---------------------------------------------------------- */

static void admin_error(sm_reply *rep, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void admin_error(sm_reply *rep, int status, const char *fmt, ...)
{
    strbuf m = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&m, fmt, ap);
    va_end(ap);
    json_t *o = json_object();
    json_object_set_new(o, "error", jsonio_text(m.p ? m.p : "", m.len));
    respond_json(rep, status, o);
    json_decref(o);
    strbuf_free(&m);
}

/* Sends v (a new reference) and releases it. */
static void admin_json(sm_reply *rep, int status, json_t *v)
{
    respond_json(rep, status, v);
    json_decref(v);
}

/* The request body as JSON: NULL (after answering 400) when it does not
 * parse; *absent set when there is no body (then NULL is not an error).
 * The admin plane reads JSON whatever the Content-Type says (curl -d sends
 * application/x-www-form-urlencoded). */
static json_t *admin_body(const sm_app *app, const sm_request *rq,
                          sm_reply *rep, int *absent)
{
    size_t limit = app->max_body ? app->max_body : SM_BODY_LIMIT;
    *absent = 0;
    if (rq->body_len > limit) {
        admin_error(rep, 413, "request body exceeds the %zu-byte limit", limit);
        return NULL;
    }
    if (!rq->body || rq->body_len == 0) {
        *absent = 1;
        return NULL;
    }
    strbuf msg = STRBUF_INIT;
    json_t *v = jsonio_parse(rq->body, rq->body_len, &msg);
    if (!v)
        admin_error(rep, 400, "body is not JSON: %s", msg.p ? msg.p : "");
    strbuf_free(&msg);
    return v;
}

/* Refuses any member of o not in the NULL-terminated list. 0 or -1. */
static int only_members(const json_t *o, const char *const *names,
                        const char *what, sm_reply *rep)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v) {
        int ok = 0;
        for (size_t i = 0; names[i] && !ok; i++)
            ok = !strcmp(k, names[i]);
        if (!ok) {
            admin_error(rep, 400, "%s: unknown member \"%s\"", what, k);
            return -1;
        }
    }
    return 0;
}

/* ---- endpoints -------------------------------------------------------- */

static void health(const sm_app *app, const sm_request *rq, sm_reply *rep)
{
    (void)rq;
    const sm_api *api = app->api;
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string("ok"));
    json_object_set_new(o, "api", json_string(api->name ? api->name : ""));
    json_object_set_new(o, "title", json_string(api->title ? api->title : ""));
    json_object_set_new(o, "api_version",
                        json_string(api->version ? api->version : ""));
    json_object_set_new(o, "specmock", json_string(app->version ? app->version : ""));
    json_object_set_new(o, "operations", json_integer(api->nops));
    admin_json(rep, 200, o);
}

static const char *kind_name(int kind)
{
    static const char *const names[] = {"?",       "list",    "create",
                                        "retrieve", "update", "destroy",
                                        "refuse",  "action",  "stream",
                                        "content"};
    return kind >= 1 && kind <= 9 ? names[kind] : "?";
}

static void routes(const sm_app *app, const sm_request *rq, sm_reply *rep)
{
    (void)rq;
    const sm_api *api = app->api;
    json_t *arr = json_array();
    for (uint16_t i = 0; i < api->nops; i++) {
        const sm_op *op = &api->ops[i];
        json_t *r = json_object(), *sts = json_array();
        json_object_set_new(r, "operation", json_string(op->id));
        json_object_set_new(r, "method", json_string(router_method_name(op->method)));
        json_object_set_new(r, "path", json_string(op->path));
        json_object_set_new(r, "kind", json_string(kind_name(op->kind)));
        json_object_set_new(
            r, "resource",
            op->resource >= 0 && op->resource < api->nresources
                ? json_string(api->resources[op->resource].name)
                : json_null());
        json_t *scope = json_null();
        if (op->scope_mode == SM_SCOPE_OBJECT && op->scope) {
            strbuf s = STRBUF_INIT;
            strbuf_addf(&s, "%s:%s", op->scope,
                        op->method == SM_GET ? "read" : "write");
            scope = json_string(s.p);
            strbuf_free(&s);
        } else if (op->scope_mode == SM_SCOPE_INTERNAL) {
            scope = json_string("INTERNAL");
        }
        json_object_set_new(r, "scope", scope);
        json_object_set_new(r, "personal_api_keys",
                            json_boolean(op->scope_mode != SM_SCOPE_NONE));
        json_object_set_new(r, "success", json_integer(op->status));
        for (uint8_t k = 0; k < op->nstatuses; k++)
            json_array_append_new(sts, json_integer(op->statuses[k]));
        json_object_set_new(r, "statuses", sts);
        json_array_append_new(arr, r);
    }
    json_t *o = json_object();
    json_object_set_new(o, "count", json_integer(api->nops));
    json_object_set_new(o, "results", arr);
    admin_json(rep, 200, o);
}

static void openapi(const sm_app *app, const sm_request *rq, sm_reply *rep)
{
    (void)rq;
    if (!app->openapi) {
        admin_error(rep, 404, "this build carries no OpenAPI document");
        return;
    }
    respond_bytes(rep, 200, app->openapi, app->openapi_len);
}

/* ---- journal ---------------------------------------------------------- */

/* 1 when id names an operation of the api (arg); faults_add's shape. */
static int known_op(void *arg, const char *id)
{
    const sm_api *api = arg;
    for (uint16_t i = 0; i < api->nops; i++)
        if (!strcmp(api->ops[i].id, id))
            return 1;
    return 0;
}


/* "201" -> [201, 201]; "4xx" -> [400, 499]. 0 or -1. */
static int parse_status_filter(const char *v, int *lo, int *hi)
{
    size_t n = strlen(v);
    if (n != 3 || v[0] < '1' || v[0] > '5')
        return -1;
    if ((v[1] == 'x' || v[1] == 'X') && (v[2] == 'x' || v[2] == 'X')) {
        *lo = (v[0] - '0') * 100;
        *hi = *lo + 99;
        return 0;
    }
    if (v[1] < '0' || v[1] > '9' || v[2] < '0' || v[2] > '9')
        return -1;
    *lo = *hi = atoi(v);
    return 0;
}

static void journal_get(const sm_app *app, const sm_request *rq, sm_reply *rep)
{
    query_list q;
    query_parse(&q, rq->query);
    history_filter f = {NULL, 0, 0, 0};
    for (size_t i = 0; i < q.n; i++) {
        const query_pair *p = &q.v[i];
        if (!strcmp(p->key, "operation")) {
            f.op = p->value;
        } else if (!strcmp(p->key, "status")) {
            if (parse_status_filter(p->value, &f.status_lo, &f.status_hi) < 0) {
                admin_error(rep, 400, "status: \"%s\" is not a status (e.g. 404) "
                                      "or a class (e.g. 4xx)", p->value);
                goto out;
            }
        } else if (!strcmp(p->key, "limit")) {
            char *end;
            long v = strtol(p->value, &end, 10);
            if (!*p->value || *end || v < 1 || v > 1000000) {
                admin_error(rep, 400, "limit: \"%s\" is not a number from 1",
                            p->value);
                goto out;
            }
            f.limit = (size_t)v;
        } else {
            admin_error(rep, 400, "unknown filter \"%s\" (operation, status, "
                                  "limit)", p->key);
            goto out;
        }
    }
    if (f.op) {
        if (!known_op((void *)app->api, f.op)) {
            admin_error(rep, 400, "operation: no operation \"%s\" (see "
                                  "/__specmock/routes)", f.op);
            goto out;
        }
    }
    admin_json(rep, 200, history_query(app->history, &f));
out:
    query_free(&q);
}

static void journal_delete(const sm_app *app, const sm_request *rq,
                           sm_reply *rep)
{
    (void)rq;
    history_clear(app->history);
    respond_empty(rep, 204);
}

/* ---- coverage --------------------------------------------------------- */

static void coverage_get(const sm_app *app, const sm_request *rq,
                         sm_reply *rep)
{
    query_list q;
    query_parse(&q, rq->query);
    const query_pair *fmt = query_get(&q, "format");
    for (size_t i = 0; i < q.n; i++)
        if (strcmp(q.v[i].key, "format")) {
            admin_error(rep, 400, "unknown parameter \"%s\" (format)", q.v[i].key);
            goto out;
        }
    if (fmt && !strcmp(fmt->value, "text")) {
        strbuf t = STRBUF_INIT;
        coverage_text(app->coverage, &t);
        respond_bytes(rep, 200, t.p ? t.p : "", t.len);
        reply_content_type(rep, "text/plain; charset=utf-8");
        strbuf_free(&t);
    } else if (fmt && strcmp(fmt->value, "json")) {
        admin_error(rep, 400, "format: \"%s\" is not json or text", fmt->value);
    } else {
        admin_json(rep, 200, coverage_json(app->coverage));
    }
out:
    query_free(&q);
}

static void coverage_delete(const sm_app *app, const sm_request *rq,
                            sm_reply *rep)
{
    (void)rq;
    coverage_clear(app->coverage);
    respond_empty(rep, 204);
}

/* ---- store: reset and fixtures ---------------------------------------- */

static int store_status(int rc)
{
    return rc == STORE_FULL ? 507 : 500;
}

/* Loads root in one transaction, after emptying the store when clear.
 * Returns the records loaded, or -1 after answering (nothing changed). */
static int load_txn(const sm_app *app, int clear, const json_t *root,
                    sm_reply *rep)
{
    sm_txn *txn;
    strbuf err = STRBUF_INIT;
    int rc = store_begin(app->store, 1, &txn), n = 0;
    if (rc == STORE_OK && clear)
        rc = store_clear(txn);
    if (rc != STORE_OK) {
        store_abort(txn);
        admin_error(rep, store_status(rc), "store: %s", store_strerror(rc));
        return -1;
    }
    if (root && (n = fixtures_apply(app, txn, root, NULL, 0, &err)) < 0) {
        store_abort(txn);
        admin_error(rep, 400, "fixtures: %s", err.p ? err.p : "not loaded");
        strbuf_free(&err);
        return -1;
    }
    strbuf_free(&err);
    if ((rc = store_commit(txn)) != STORE_OK) {
        admin_error(rep, store_status(rc), "store: %s", store_strerror(rc));
        return -1;
    }
    return n;
}

static void reset(const sm_app *app, const sm_request *rq, sm_reply *rep)
{
    int absent;
    json_t *body = admin_body(app, rq, rep, &absent), *root = NULL;
    if (!body && !absent)
        return;
    if (body) {
        static const char *const members[] = {"fixtures", NULL};
        if (!json_is_object(body)) {
            admin_error(rep, 400, "body: expected an object, e.g. "
                                  "{\"fixtures\": true}");
            goto out;
        }
        if (only_members(body, members, "body", rep) < 0)
            goto out;
        json_t *fx = json_object_get(body, "fixtures");
        if (json_is_true(fx)) {
            if (!app->fixtures_path) {
                admin_error(rep, 400, "fixtures: true reloads the --fixtures "
                                      "file, and the server was started "
                                      "without one");
                goto out;
            }
            strbuf err = STRBUF_INIT;
            root = fixtures_read(app->fixtures_path, &err);
            if (!root) {
                admin_error(rep, 400, "fixtures: %s", err.p);
                strbuf_free(&err);
                goto out;
            }
            strbuf_free(&err);
        } else if (json_is_object(fx)) {
            root = json_incref(fx);
        } else if (fx && !json_is_false(fx)) {
            admin_error(rep, 400, "fixtures: expected true (reload the "
                                  "--fixtures file), false or an object "
                                  "keyed by resource");
            goto out;
        }
    }
    /* A reset replays start-up: the clock and the seeded generator go back
     * to where they started before fixtures draw from them.  Both are put
     * back if the load is refused. */
    sm_clock saved_clock = *app->clock;
    rng_state saved_rng;
    rng_save(&saved_rng);
    clock_reset(app->clock);
    rng_reset();
    int n = load_txn(app, 1, root, rep);
    if (n < 0) {
        *app->clock = saved_clock;
        rng_restore(&saved_rng);
        goto out;
    }
    history_clear(app->history);
    coverage_clear(app->coverage);
    faults_clear(app->faults);
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string("reset"));
    json_object_set_new(o, "loaded", json_integer(n));
    admin_json(rep, 200, o);
out:
    json_decref(root);
    json_decref(body);
}

static void fixtures(const sm_app *app, const sm_request *rq, sm_reply *rep)
{
    int absent;
    json_t *body = admin_body(app, rq, rep, &absent);
    if (!body) {
        if (absent)
            admin_error(rep, 400, "body: expected fixtures, an object keyed "
                                  "by resource: {\"<resource>\": [record, ...]}");
        return;
    }
    int n = load_txn(app, 0, body, rep);
    if (n >= 0) {
        json_t *o = json_object();
        json_object_set_new(o, "loaded", json_integer(n));
        admin_json(rep, 200, o);
    }
    json_decref(body);
}

/* ---- keys ------------------------------------------------------------- */

static void keys_post(const sm_app *app, const sm_request *rq, sm_reply *rep)
{
    int absent;
    json_t *body = admin_body(app, rq, rep, &absent);
    if (!body) {
        if (absent)
            admin_error(rep, 400, "body: expected a keys-file entry, e.g. "
                                  "{\"key\": \"k\", \"scopes\": [\"*\"]}, or "
                                  "an array of them");
        return;
    }
    /* an array is all or nothing: every entry is first parsed into a
     * scratch set (which also refuses a key given twice in the array) and
     * looked up among the live keys; only when all pass are they added */
    json_t *list = json_is_array(body) ? json_incref(body) : json_pack("[O]", body);
    size_t n = json_array_size(list);
    sm_keys *scratch = calloc(1, sizeof *scratch);
    if (!scratch)
        abort();
    int status = 0;
    strbuf err = STRBUF_INIT;
    if (n == 0) {
        status = 400;
        strbuf_adds(&err, "body: an empty array adds no key");
    }
    for (size_t i = 0; i < n && !status; i++) {
        json_t *e = json_array_get(list, i);
        strbuf why = STRBUF_INIT;
        const json_t *k = json_is_object(e) ? json_object_get(e, "key") : NULL;
        int rc = k && json_is_string(k) && auth_lookup(app->keys, json_string_value(k))
                     ? -2
                     : auth_keys_add(app->api, scratch, e, &why);
        if (rc == -2) {
            status = 409;
            strbuf_addf(&err, "key '%s' already exists",
                        k ? json_string_value(k) : "");
        } else if (rc < 0) {
            status = 400;
            if (n > 1)
                strbuf_addf(&err, "entry %zu: ", i + 1);
            strbuf_adds(&err, why.p ? why.p : "invalid");
        }
        strbuf_free(&why);
    }
    if (!status) {
        for (size_t i = 0; i < n; i++) {
            strbuf why = STRBUF_INIT;
            auth_keys_add(app->api, app->keys, json_array_get(list, i), &why);
            strbuf_free(&why);
        }
        json_t *o = json_object();
        json_object_set_new(o, "added", json_integer((json_int_t)n));
        json_object_set_new(o, "keys", json_integer((json_int_t)app->keys->n));
        admin_json(rep, 201, o);
    } else {
        admin_error(rep, status, "%s", err.p);
    }
    auth_keys_free(scratch); /* it only ever held copies */
    strbuf_free(&err);
    json_decref(list);
    json_decref(body);
}

/* ---- faults ----------------------------------------------------------- */


static void faults_get(const sm_app *app, const sm_request *rq, sm_reply *rep)
{
    (void)rq;
    json_t *o = json_object();
    json_object_set_new(o, "results", faults_list(app->faults));
    admin_json(rep, 200, o);
}

static void faults_post(const sm_app *app, const sm_request *rq,
                        sm_reply *rep)
{
    int absent;
    json_t *body = admin_body(app, rq, rep, &absent);
    if (!body) {
        if (absent)
            admin_error(rep, 400, "body: expected a fault rule, e.g. "
                                  "{\"operation\": \"*\", \"status\": 503}");
        return;
    }
    strbuf err = STRBUF_INIT;
    int id = faults_add_body(app->faults, body, known_op, (void *)app->api, &err);
    if (id < 0) {
        admin_error(rep, 400, "%s", err.p ? err.p : "invalid rule");
    } else {
        /* the rules just added, as listed: one object, or an array */
        json_t *all = faults_list(app->faults), *added = json_array();
        size_t i;
        json_t *r;
        json_array_foreach(all, i, r) {
            if (json_integer_value(json_object_get(r, "id")) >= id)
                json_array_append(added, r);
        }
        json_decref(all);
        if (json_is_object(body)) {
            json_t *one = json_incref(json_array_get(added, 0));
            json_decref(added);
            added = one;
        }
        admin_json(rep, 201, added);
    }
    strbuf_free(&err);
    json_decref(body);
}

static void faults_delete(const sm_app *app, const sm_request *rq,
                          sm_reply *rep)
{
    (void)rq;
    faults_clear(app->faults);
    respond_empty(rep, 204);
}

/* ---- dispatch --------------------------------------------------------- */

typedef void (*admin_fn)(const sm_app *, const sm_request *, sm_reply *);

static const struct endpoint {
    const char *name;
    const char *allow;
    admin_fn get, post, del;
} endpoints[] = {
    {"health", "GET, HEAD", health, NULL, NULL},
    {"reset", "POST", NULL, reset, NULL},
    {"fixtures", "POST", NULL, fixtures, NULL},
    {"journal", "GET, HEAD, DELETE", journal_get, NULL, journal_delete},
    {"coverage", "GET, HEAD, DELETE", coverage_get, NULL, coverage_delete},
    {"routes", "GET, HEAD", routes, NULL, NULL},
    {"openapi.json", "GET, HEAD", openapi, NULL, NULL},
    {"faults", "GET, HEAD, POST, DELETE", faults_get, faults_post, faults_delete},
    {"keys", "POST", NULL, keys_post, NULL},
};

int admin_owns(const char *path)
{
    size_t n = sizeof SM_ADMIN_PREFIX - 2; /* without the trailing slash */
    return path && strncmp(path, SM_ADMIN_PREFIX, n) == 0 &&
           (path[n] == '\0' || path[n] == '/');
}

/* "Bearer <token>", compared in constant time over the token's length. */
static int token_ok(const char *authorization, const char *token)
{
    if (!authorization || strncmp(authorization, "Bearer ", 7) != 0)
        return 0;
    const char *given = authorization + 7;
    size_t a = strlen(given), b = strlen(token);
    unsigned diff = a != b;
    for (size_t i = 0; i < b; i++)
        diff |= (unsigned)(given[i < a ? i : 0] ^ token[i]);
    return diff == 0;
}

void admin_handle(const sm_app *app, const sm_request *rq, int loopback,
                  sm_reply *rep)
{
    if (app->admin_token) {
        if (!token_ok(rq->authorization, app->admin_token)) {
            admin_error(rep, 401, "the admin API needs \"Authorization: Bearer "
                                  "<token>\" with the --admin-token value");
            return;
        }
    } else if (!loopback) {
        admin_error(rep, 403, "the admin API answers loopback clients only; "
                              "start specmock with --admin-token to allow "
                              "others");
        return;
    }
    /* the endpoint name: what follows the prefix, one trailing '/' allowed
     * (admin_owns() guarantees the prefix, perhaps without its slash) */
    const char *name = rq->path + sizeof SM_ADMIN_PREFIX - 2;
    name += *name == '/';
    size_t nlen = strlen(name);
    if (nlen && name[nlen - 1] == '/')
        nlen--;
    const struct endpoint *ep = NULL;
    for (size_t i = 0; i < sizeof endpoints / sizeof *endpoints && !ep; i++)
        if (strlen(endpoints[i].name) == nlen &&
            !strncmp(endpoints[i].name, name, nlen))
            ep = &endpoints[i];
    if (!ep) {
        strbuf names = STRBUF_INIT;
        for (size_t i = 0; i < sizeof endpoints / sizeof *endpoints; i++)
            strbuf_addf(&names, "%s%s", i ? ", " : "", endpoints[i].name);
        admin_error(rep, 404, "no admin endpoint \"%s\" (%s)", rq->path, names.p);
        strbuf_free(&names);
        return;
    }
    rep->allow = ep->allow;
    admin_fn fn = rq->method == SM_GET || rq->method == SM_M_HEAD ? ep->get
                  : rq->method == SM_POST                        ? ep->post
                  : rq->method == SM_DELETE                      ? ep->del
                                                                 : NULL;
    if (!fn) {
        admin_error(rep, 405, "method %s not allowed on %s (allowed: %s)",
                    rq->method_name, rq->path, ep->allow);
        return;
    }
    fn(app, rq, rep);
}
