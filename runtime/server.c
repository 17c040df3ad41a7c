/*
 * server.c — evhttp set-up, the generic callback and the request pipeline
 * (see server.h).  Every refusal is one respond_error() call; the callback
 * ends in exactly one evhttp_send_reply().  Connections are tracked for the
 * graceful shutdown by conntrack.c.  Owned by the RT-CORE helper.
 */
#include "server.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "admin.h"
#include "conntrack.h"
#include "coverage.h"
#include "faults.h"
#include "history.h"
#include "journal.h"
#include "jsonio.h"
#include "pytext.h"
#include "validate.h"

/* A reply held back by a fault's latency, sent (or dropped) by its timer. */
typedef struct pending {
    struct pending *next, **prev;
    struct evhttp_request *req;
    struct event *timer;
    struct evbuffer *body;
    int status;
    int drop; /* 1: close the connection instead of answering */
} pending;

struct sm_server {
    struct evhttp *http;
    struct evhttp_bound_socket *sock;
    sm_app *app;
    pending *held; /* replies waiting for their timer */
    struct event_base *base;
    sm_conntrack *conns; /* the graceful shutdown and the accept guard */
};

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- the pipeline ----------------------------------------------------- */

/* The largest body answered normally (--max-body); larger ones get 413. */
static size_t body_limit(const sm_app *app)
{
    return app->max_body ? app->max_body : SM_BODY_LIMIT;
}

static int is_write(int method)
{
    return method == SM_POST || method == SM_PUT || method == SM_PATCH ||
           method == SM_DELETE;
}

/* 1 when the media type ct (parameters ignored, case-insensitive) is one of
 * the space-separated types in list. */
static int media_listed(const char *list, const char *ct)
{
    if (!ct || !list)
        return 0;
    const char *end = strchr(ct, ';');
    size_t len = end ? (size_t)(end - ct) : strlen(ct);
    while (len && (*ct == ' ' || *ct == '\t')) {
        ct++;
        len--;
    }
    while (len && (ct[len - 1] == ' ' || ct[len - 1] == '\t'))
        len--;
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n && n == len && strncasecmp(p, ct, n) == 0)
            return 1;
        p += n;
    }
    return 0;
}

/* DRF's media_type_matches("application/json", Content-Type): parameters
 * ignored, case-insensitive, '*' wildcards on the request side. */
static int is_json_media(const char *ct)
{
    if (!ct)
        return 0;
    const char *end = strchr(ct, ';');
    size_t len = end ? (size_t)(end - ct) : strlen(ct);
    while (len && (*ct == ' ' || *ct == '\t')) {
        ct++;
        len--;
    }
    while (len && (ct[len - 1] == ' ' || ct[len - 1] == '\t'))
        len--;
    const char *slash = memchr(ct, '/', len);
    size_t mlen = slash ? (size_t)(slash - ct) : len;
    const char *sub = slash ? slash + 1 : ct + len;
    size_t slen = slash ? len - mlen - 1 : 0;
    int main_ok = (mlen == 1 && ct[0] == '*') ||
                  (mlen == 11 && strncasecmp(ct, "application", 11) == 0);
    int sub_ok = (slen == 1 && sub[0] == '*') ||
                 (slen == 4 && strncasecmp(sub, "json", 4) == 0);
    return main_ok && sub_ok;
}

/* Step 5: resolves every captured parameter into call->params (and the
 * project / record id); on a value that does not parse answers 404. */
static int resolve_params(const sm_app *app, const sm_route_match *m,
                          const sm_key *key, sm_call *call, sm_reply *rep)
{
    const sm_api *api = app->api;
    for (unsigned i = 0; i < m->nparams; i++) {
        const sm_route_param *rp = &m->params[i];
        const sm_param *pd = rp->param >= 0 ? &api->params[rp->param] : NULL;
        int kind = pd ? pd->kind : SM_P_STRING;
        json_t *val = NULL;
        int64_t n;
        char uuid[37];
        if (pd && pd->alias && strcmp(rp->value, pd->alias) == 0)
            val = json_integer(key->project);
        else if (kind == SM_P_INT)
            val = pytext_parse_int(rp->value, rp->len, &n) == 0 && n >= 1
                      ? json_integer(n)
                      : NULL;
        else if (kind == SM_P_UUID)
            val = pytext_parse_uuid(rp->value, rp->len, uuid) == 0
                      ? json_string(uuid)
                      : NULL;
        else
            val = json_stringn(rp->value, rp->len); /* NULL: bad UTF-8 */
        if (!val) {
            respond_error(rep, SM_ERR_NOT_FOUND,
                          pd && pd->notfound_detail ? pd->notfound_detail
                                                    : NULL,
                          NULL, NULL);
            return -1;
        }
        if (i == 0 && app->prefix_params > 0)
            call->project = json_is_integer(val) ? json_integer_value(val) : 0;
        json_object_set_new(call->params, rp->name, val);
        /* the last parameter of an item operation names the record */
        if (i + 1 == m->nparams && i >= app->prefix_params && call->res &&
            !(call->res->rflags & SM_R_SINGLETON) &&
            handlers_is_item(app, call->op))
            call->keyval = val;
    }
    return 0;
}

/* DRF parses a request body only when the view reads request.data: creates
 * and updates do, and an action does when it declares a request model or
 * media, sets a field from the body, checks a body value or moves an item
 * named in the body.  Any other action ignores its body: never 400, 413 or
 * 415.  (codegen/check.c derive_io documents the same rule.) */
static int op_reads_body(const sm_op *op)
{
    if (op->kind == SM_OP_CREATE || op->kind == SM_OP_UPDATE)
        return 1;
    if (op->kind != SM_OP_ACTION || op->method == SM_GET)
        return 0;
    if (op->request_model >= 0 || op->media || op->move_field)
        return 1;
    for (uint16_t i = 0; i < op->nsets; i++)
        if (op->sets[i].from == SM_SET_BODY || op->sets[i].from == SM_SET_BODY_WRAP)
            return 1;
    for (uint16_t i = 0; i < op->nchecks; i++)
        if (op->checks[i].source == SM_SRC_BODY)
            return 1;
    return 0;
}

/* Step 6: the JSON body of a create/update/action (NULL after a refusal).
 * A body of one of op->media's types is not parsed: an empty object. */
static json_t *read_body(const sm_op *op, const sm_request *rq, size_t limit,
                         sm_reply *rep, int *unparsed)
{
    *unparsed = 0;
    if (rq->body_len > limit) {
        respond_errorf(rep, SM_ERR_REQUEST_TOO_LARGE,
                       "Request body exceeds the %zu-byte limit.", limit);
        return NULL;
    }
    if (rq->body_len == 0 || !rq->body)
        return json_object(); /* DRF: no body is an empty dict */
    if (op->media && media_listed(op->media, rq->content_type)) {
        *unparsed = 1; /* the input is only what the sets write */
        return json_object();
    }
    if (op->media || !is_json_media(rq->content_type)) {
        respond_errorf(rep, SM_ERR_UNSUPPORTED_MEDIA_TYPE,
                       "Unsupported media type \"%s\" in request.",
                       rq->content_type ? rq->content_type : "");
        return NULL;
    }
    strbuf msg = STRBUF_INIT;
    json_t *body = jsonio_parse(rq->body, rq->body_len, &msg);
    if (!body)
        respond_errorf(rep, SM_ERR_PARSE_ERROR, "JSON parse error - %s",
                       msg.p ? msg.p : "");
    strbuf_free(&msg);
    return body;
}

static void options_reply(const sm_app *app, const sm_route_match *m,
                          sm_reply *rep)
{
    json_t *meta = json_object(), *media = json_array();
    json_array_append_new(media, json_string("application/json"));
    const char *name = m->resource >= 0 && m->resource < app->api->nresources
                           ? app->api->resources[m->resource].name
                           : "";
    json_object_set_new(meta, "name", json_string(name));
    json_object_set(meta, "renders", media);
    json_object_set(meta, "parses", media);
    respond_json(rep, 200, meta);
    json_decref(media);
    json_decref(meta);
}

void server_pipeline(const sm_app *app, const sm_request *rq, sm_reply *rep)
{
    const sm_api *api = app->api;
    sm_route_match m;
    sm_call call;
    char *cred = NULL;
    json_t *body = NULL;
    strbuf scope = STRBUF_INIT;
    int opi = -1;

    memset(&call, 0, sizeof call);
    call.params = json_object();
    query_parse(&call.q, rq->query);
    call.host = rq->host ? rq->host : app->self_host;
    call.path = rq->path;
    call.query = rq->query;

    /* 1. route */
    if (!router_match(app->router, rq->path, &m)) {
        respond_error(rep, SM_ERR_NOT_FOUND, NULL, NULL, NULL);
        goto out;
    }
    /* 2. every answer on this path carries Allow */
    rep->allow = m.allow;
    if (rq->method == SM_M_OPTIONS) {
        for (int i = 0; i < 5 && opi < 0; i++)
            opi = m.ops[i];
    } else {
        opi = router_op(&m, rq->method == SM_M_HEAD ? SM_GET : rq->method);
    }
    if (opi >= 0 && rq->method != SM_M_OPTIONS)
    {
        rep->op_id = api->ops[opi].id; /* the journal's "op" */
        rep->op = opi;
    }
    /* 2b. faults (admin.h): decided per matched operation before anything
     * else, so a forced answer runs no gate and no handler */
    if (opi >= 0 && rq->method != SM_M_OPTIONS && app->faults &&
        faults_count(app->faults) > 0) { /* no rules: no clock read */
        fault_action fa;
        faults_decide(app->faults, api->ops[opi].id, mono_ms(), &fa);
        rep->delay_ms = fa.delay_ms;
        if (fa.drop) {
            rep->drop = 1;
            respond_empty(rep, 500); /* never sent */
            goto out;
        }
        if (fa.status) {
            respond_status_error(rep, fa.status, fa.retry_after);
            goto out;
        }
    }
    /* 3. authenticate */
    auth_source src;
    cred = auth_credential(rq->authorization, rq->query, &src);
    if (!cred) {
        respond_error(rep, SM_ERR_NOT_AUTHENTICATED, NULL, NULL, NULL);
        goto out;
    }
    call.key = auth_lookup(app->keys, cred);
    if (!call.key) {
        respond_errorf(rep, SM_ERR_AUTHENTICATION_FAILED,
                       "Personal API key found in request %s is invalid.",
                       src == AUTH_SRC_HEADER ? "Authorization header"
                                              : "query string");
        goto out;
    }

    /* 3b. method: DRF authenticates in initial() before dispatching to
     * http_method_not_allowed, so a wrong method without credentials is 401,
     * with a known key 405. */
    if (opi < 0) {
        respond_errorf(rep, SM_ERR_METHOD_NOT_ALLOWED,
                       "Method \"%s\" not allowed.", rq->method_name);
        goto out;
    }
    call.op = &api->ops[opi];
    call.res = call.op->resource >= 0 && call.op->resource < api->nresources
                   ? &api->resources[call.op->resource]
                   : NULL;
    call.ri = call.op->resource;

    /* 4. scope */
    switch (auth_decide(api, call.key, call.op, is_write(rq->method), &scope)) {
    case AUTH_ALLOW:
        break;
    case AUTH_MISSING_SCOPE:
        respond_errorf(rep, SM_ERR_PERMISSION_DENIED,
                       "API key missing required scope '%s'", scope.p);
        goto out;
    default:
        respond_error(rep, SM_ERR_PERMISSION_DENIED,
                      "This action does not support personal API key access",
                      NULL, NULL);
        goto out;
    }

    /* 5. path parameters */
    if (resolve_params(app, &m, call.key, &call, rep) < 0)
        goto out;
    if (rq->method == SM_M_OPTIONS) {
        options_reply(app, &m, rep);
        goto out;
    }
    /* 5b. the parent chain and the record of an item operation */
    if (handlers_locate(app, &call, rep) < 0)
        goto out;

    int kind = call.op->kind;
    if (op_reads_body(call.op)) {
        /* 6. body */
        int unparsed;
        if (!(body = read_body(call.op, rq, body_limit(app), rep, &unparsed)))
            goto out;
        call.raw_body = body;
        /* 7. validate */
        int model = call.op->request_model >= 0
                        ? call.op->request_model
                        : (call.res && kind != SM_OP_ACTION ? call.res->model
                                                            : -1);
        unsigned flags = call.op->method == SM_PATCH ? VALIDATE_PARTIAL : 0;
        sm_verror ve;
        if (unparsed)
            call.input = json_object();
        else if (model >= 0 &&
                 validate_body(api, model, body, flags, &call.input, &ve) < 0) {
            respond_error(rep, SM_ERR_INVALID_INPUT, ve.detail, ve.code,
                          ve.attr);
            validate_error_clear(&ve);
            goto out;
        }
    }
    /* 7b. the operation's checks */
    if (handlers_checks(app, &call, rep) < 0)
        goto out;

    /* 8. the operation */
    handlers_run(app, &call, rep);

out:
    if (is_write(rq->method) && rep->status >= 200 && rep->status < 300)
        clock_tick(app->clock);
    router_match_free(&m);
    strbuf_free(&scope);
    free(cred);
    json_decref(body);
    json_decref(call.input);
    json_decref(call.params);
    handlers_call_free(&call);
}

/* ---- evhttp ----------------------------------------------------------- */

static void free_body(const void *data, size_t len, void *arg)
{
    (void)len;
    (void)arg;
    free((void *)data);
}

/* --log: one line per answered request on stderr (stdout keeps the
 * start-up lines a harness waits for).  text:
 *   METHOD PATH[?QUERY] STATUS OPID|- 0.123ms
 * json: {"op":..|null,"method":..,"path":..,"status":N,"ms":0.123} */
static void log_line(int fmt, const char *op, const char *method,
                     const char *path, const char *query, int status,
                     double ms)
{
    if (fmt == 1) {
        fprintf(stderr, "%s %s%s%s %d %s %.3fms\n", method, path,
                query ? "?" : "", query ? query : "", status, op ? op : "-",
                ms);
    } else {
        strbuf full = STRBUF_INIT;
        strbuf_addf(&full, "%s%s%s", path, query ? "?" : "", query ? query : "");
        json_t *o = json_object();
        json_object_set_new(o, "op", op ? json_string(op) : json_null());
        json_object_set_new(o, "method", json_string(method));
        /* a path that is not UTF-8: jansson refuses it, logged as null */
        json_t *ps = json_string(full.p);
        json_object_set_new(o, "path", ps ? ps : json_null());
        json_object_set_new(o, "status", json_integer(status));
        json_object_set_new(o, "ms", json_real((double)(long long)(ms * 1000) / 1000));
        char *t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                    JSON_REAL_PRECISION(6));
        if (t)
            fprintf(stderr, "%s\n", t);
        free(t);
        json_decref(o);
        strbuf_free(&full);
    }
    fflush(stderr);
}

/* 1 when the connection's peer is 127.0.0.0/8, ::1 or ::ffff:127.x. */
static int peer_is_loopback(struct evhttp_connection *conn)
{
    const struct sockaddr *sa = conn ? evhttp_connection_get_addr(conn) : NULL;
    if (!sa)
        return 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_LOOPBACK(a))
            return 1;
        return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
    }
    return 0;
}

static void pending_free(pending *p)
{
    *p->prev = p->next;
    if (p->next)
        p->next->prev = p->prev;
    event_free(p->timer);
    if (p->body)
        evbuffer_free(p->body);
    free(p);
}

/* A dropped connection: FIN before any byte of an answer; the reply then
 * fails to write and evhttp frees the connection.  A request whose peer
 * already left (detached: no connection) is only freed. */
static void drop_reply(struct evhttp_request *req)
{
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    if (bev)
        shutdown(bufferevent_getfd(bev), SHUT_RDWR);
    evhttp_send_reply(req, 500, "Dropped", NULL);
}

static void send_held(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    pending *p = arg;
    /* a peer that left meanwhile: evhttp detached the request and frees it
     * here without writing (libevent 2.1 evhttp_send_reply) */
    if (p->drop)
        drop_reply(p->req);
    else
        evhttp_send_reply(p->req, p->status, respond_reason(p->status), p->body);
    pending_free(p);
}

/* Sends the reply (drop: closes the connection) after delay_ms; 0, or -1
 * (then the caller does it now). */
static int hold_reply(sm_server *s, struct evhttp_request *req, int status,
                      struct evbuffer *body, int64_t delay_ms, int drop)
{
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct event_base *base = conn ? evhttp_connection_get_base(conn) : NULL;
    pending *p = base ? calloc(1, sizeof *p) : NULL;
    if (!p)
        return -1;
    p->timer = evtimer_new(base, send_held, p);
    struct timeval tv = {(time_t)(delay_ms / 1000),
                         (suseconds_t)(delay_ms % 1000) * 1000};
    if (!p->timer || evtimer_add(p->timer, &tv) < 0) {
        if (p->timer)
            event_free(p->timer);
        free(p);
        return -1;
    }
    p->req = req;
    p->status = status;
    p->body = body;
    p->drop = drop;
    p->next = s->held;
    p->prev = &s->held;
    if (s->held)
        s->held->prev = &p->next;
    s->held = p;
    return 0;
}

unsigned server_drain(sm_server *s, int deadline_secs,
                      void (*drained)(void *arg, unsigned left), void *arg)
{
    if (s->sock) {
        conntrack_watch_listener(s->conns, NULL);
        evhttp_del_accept_socket(s->http, s->sock); /* closes the socket */
        s->sock = NULL;
    }
    return conntrack_drain(s->conns, deadline_secs, drained, arg);
}

static void server_cb(struct evhttp_request *req, void *arg)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sm_server *s = arg;
    sm_request rq;
    sm_reply rep;

    memset(&rq, 0, sizeof rq);
    switch (evhttp_request_get_command(req)) {
    case EVHTTP_REQ_GET: rq.method = SM_GET; rq.method_name = "GET"; break;
    case EVHTTP_REQ_POST: rq.method = SM_POST; rq.method_name = "POST"; break;
    case EVHTTP_REQ_PUT: rq.method = SM_PUT; rq.method_name = "PUT"; break;
    case EVHTTP_REQ_PATCH: rq.method = SM_PATCH; rq.method_name = "PATCH"; break;
    case EVHTTP_REQ_DELETE: rq.method = SM_DELETE; rq.method_name = "DELETE"; break;
    case EVHTTP_REQ_HEAD: rq.method = SM_M_HEAD; rq.method_name = "HEAD"; break;
    case EVHTTP_REQ_OPTIONS: rq.method = SM_M_OPTIONS; rq.method_name = "OPTIONS"; break;
    case EVHTTP_REQ_TRACE: rq.method = SM_M_OTHER; rq.method_name = "TRACE"; break;
    case EVHTTP_REQ_CONNECT: rq.method = SM_M_OTHER; rq.method_name = "CONNECT"; break;
    default: rq.method = SM_M_OTHER; rq.method_name = "UNKNOWN"; break;
    }
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    rq.path = uri ? evhttp_uri_get_path(uri) : NULL;
    if (!rq.path || !*rq.path)
        rq.path = "/";
    rq.query = uri ? evhttp_uri_get_query(uri) : NULL;
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    rq.host = evhttp_find_header(in, "Host");
    rq.authorization = evhttp_find_header(in, "Authorization");
    rq.content_type = evhttp_find_header(in, "Content-Type");
    struct evbuffer *ib = evhttp_request_get_input_buffer(req);
    rq.body_len = evbuffer_get_length(ib);
    if (rq.body_len > 0 && rq.body_len <= body_limit(s->app))
        rq.body = (const char *)evbuffer_pullup(ib, -1);

    /* graceful shutdown: the connection is busy until the answer is
     * completely written */
    conntrack_request(s->conns, req);

    reply_init(&rep);
    int64_t arrived = clock_now(s->app->clock); /* before a write ticks it */
    int admin = admin_owns(rq.path);
    if (admin)
        admin_handle(s->app, &rq,
                     peer_is_loopback(evhttp_request_get_connection(req)), &rep);
    else
        server_pipeline(s->app, &rq, &rep);

    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    struct evbuffer *ob = NULL;
    if (rep.allow)
        evhttp_add_header(out, "Allow", rep.allow);
    size_t body_len;
    const char *body = reply_bytes(&rep, &body_len); /* own or shared */
    const char *ctype = rep.content_type ? rep.content_type
                        : body_len       ? "application/json"
                                         : NULL;
    size_t sent_len = rq.method == SM_M_HEAD || rep.drop ? 0 : body_len;
    if (!admin) {
        const sm_app *app = s->app;
        /* the file journal lists answered requests: a drop sent none */
        if (app->journal && !rep.drop)
            journal_record(app->journal, rep.op_id, rq.method_name, rq.path,
                           rq.query, rep.status, ctype, body, sent_len);
        if (app->history) {
            history_entry e = {
                arrived, rep.op_id, rq.method_name, rq.path,
                rq.query, rep.drop ? 0 : rep.status, rq.content_type, rq.body,
                rq.body_len, ctype, body, sent_len, rep.problem};
            history_record(app->history, &e);
        }
        if (!rep.drop)
            coverage_count(app->coverage, rep.op, rep.status);
    }
    if (s->app->log) {
        struct timespec t1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        log_line(s->app->log, admin ? "admin" : rep.op_id, rq.method_name,
                 rq.path, rq.query, rep.drop ? 0 : rep.status, ms);
    }
    if (rep.drop) {
        /* latency_ms with drop waits, then closes (faults.h) */
        if (rep.delay_ms <= 0 || hold_reply(s, req, 0, NULL, rep.delay_ms, 1) < 0)
            drop_reply(req);
        reply_free(&rep);
        return;
    }
    if (ctype)
        evhttp_add_header(out, "Content-Type", ctype);
    if (rep.retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", rep.retry_after);
        evhttp_add_header(out, "Retry-After", ra);
    }
    if (conntrack_draining(s->conns)) /* shutting down: no next request here */
        evhttp_add_header(out, "Connection", "close");
    if (body_len && rq.method == SM_M_HEAD) {
        /* evhttp would send a body after a HEAD answer: send the headers a
         * GET would carry, and no body. */
        char cl[32];
        snprintf(cl, sizeof cl, "%zu", body_len);
        evhttp_add_header(out, "Content-Length", cl);
    } else if (rep.shared && body_len) {
        /* a shared body (a cached answer): its reference goes to the
         * output buffer, which releases it once the bytes are written */
        ob = evbuffer_new();
        if (ob && evbuffer_add_reference(ob, rep.shared, body_len,
                                         rep.shared_release,
                                         rep.shared_arg) == 0)
            rep.shared_release = NULL; /* handed on */
    } else if (body_len) {
        ob = evbuffer_new();
        size_t len = rep.body.len;
        char *p = strbuf_steal(&rep.body);
        if (!ob || evbuffer_add_reference(ob, p, len, free_body, NULL) < 0)
            free(p);
    }
    if (rep.delay_ms > 0 && hold_reply(s, req, rep.status, ob, rep.delay_ms, 0) == 0) {
        reply_free(&rep);
        return;
    }
    evhttp_send_reply(req, rep.status, respond_reason(rep.status), ob);
    if (ob)
        evbuffer_free(ob);
    reply_free(&rep);
}

sm_server *server_new(struct event_base *base, sm_app *app)
{
    sm_server *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->app = app;
    s->base = base;
    s->http = evhttp_new(base);
    if (!s->http || !(s->conns = conntrack_new(base, s->http))) {
        server_free(s);
        return NULL;
    }
    evhttp_set_allowed_methods(s->http,
                               EVHTTP_REQ_GET | EVHTTP_REQ_POST |
                                   EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
                                   EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS |
                                   EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
                                   EVHTTP_REQ_PATCH);
    evhttp_set_default_content_type(s->http, NULL);
    /* evhttp reads bodies up to the hard limit so that ours answers 413
     * with the API's envelope; beyond it evhttp closes with its own 413 */
    size_t hard = body_limit(app) + SM_BODY_HARD_LIMIT;
    evhttp_set_max_body_size(s->http, (ev_ssize_t)hard);
    evhttp_set_max_headers_size(s->http, 64 * 1024);
    /* bounds idle keep-alive connections and slow (loris) senders alike */
    evhttp_set_timeout(s->http, app->timeout_secs ? app->timeout_secs
                                                  : SM_HTTP_TIMEOUT_SECS);
    evhttp_set_flags(s->http, EVHTTP_SERVER_LINGERING_CLOSE);
    evhttp_set_gencb(s->http, server_cb, s);
    return s;
}

int server_listen(sm_server *s, const char *host, int port, int *bound_port,
                  strbuf *err)
{
    errno = 0;
    s->sock = evhttp_bind_socket_with_handle(s->http, host, (ev_uint16_t)port);
    if (!s->sock) {
        strbuf_addf(err, "cannot listen on %s:%d: %s", host, port,
                    errno ? strerror(errno) : "cannot resolve or bind");
        return -1;
    }
    conntrack_watch_listener(s->conns, evhttp_bound_socket_get_listener(s->sock));
    evutil_socket_t fd = evhttp_bound_socket_get_fd(s->sock);
    /* evhttp leaves Nagle on, and an answer over one loopback segment would
     * then wait for the client's delayed ACK.  Linux's accept(2) copies
     * TCP_NODELAY from the listening socket to every accepted one, so this
     * one call covers every connection: no per-connection or per-request
     * setsockopt (unit_server checks an accepted socket has it). */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    *bound_port = port;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET)
            *bound_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        else if (ss.ss_family == AF_INET6)
            *bound_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return 0;
}

void server_free(sm_server *s)
{
    if (!s)
        return;
    /* held replies die with their connections (evhttp_free frees the
     * requests); only our timers and bodies are left to free */
    while (s->held)
        pending_free(s->held);
    conntrack_close(s->conns);
    if (s->http)
        evhttp_free(s->http); /* closes every connection: the tracker hears */
    conntrack_free(s->conns);
    free(s);
}
