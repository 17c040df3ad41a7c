/*
 * handlers.c — one function per operation kind (see handlers.h).  Each reads
 * or writes the store in exactly one transaction and answers through
 * respond.h; a write that fails (map full) aborts its transaction, so
 * nothing of it remains.
 */
#include "handlers.h"

#include <stdlib.h>
#include <string.h>

#include "jsonio.h"
#include "pagination.h"
#include "render.h"

static int default_status(int kind)
{
    switch (kind) {
    case SM_OP_CREATE:
        return 201;
    case SM_OP_DESTROY:
        return 204;
    case SM_OP_REFUSE:
        return 405;
    default:
        return 200;
    }
}

static int op_status(const sm_op *op)
{
    return op->status ? op->status : default_status(op->kind);
}

static void store_failed(sm_reply *rep, int rc)
{
    if (rc == STORE_FULL)
        respond_error(rep, SM_ERR_INSUFFICIENT_STORAGE, NULL, NULL, NULL);
    else if (rc == STORE_NOTFOUND)
        respond_error(rep, SM_ERR_NOT_FOUND, NULL, NULL, NULL);
    else
        respond_error(rep, SM_ERR_SERVER_ERROR, NULL, NULL, NULL);
}

static void success_bytes(sm_reply *rep, const sm_op *op, const char *json,
                          size_t len)
{
    if (op->flags & SM_OPF_EMPTY_BODY)
        respond_empty(rep, op_status(op));
    else
        respond_bytes(rep, op_status(op), json, len);
}

/* The soft-delete field's name, or NULL. */
static const char *soft_field(const sm_app *app, const sm_resource *res)
{
    if (!res || res->soft_delete < 0 || res->model < 0 ||
        res->model >= app->api->nmodels)
        return NULL;
    const sm_model *m = &app->api->models[res->model];
    return res->soft_delete < m->nfields ? m->fields[res->soft_delete].name
                                         : NULL;
}

static unsigned record_flags(const sm_app *app, const sm_resource *res,
                             const json_t *full)
{
    const char *f = soft_field(app, res);
    return f && json_is_true(json_object_get(full, f)) ? STORE_F_DELETED : 0;
}

static int list_model(const sm_resource *res)
{
    return res->list_model >= 0 ? res->list_model : res->model;
}

/* ---- list ------------------------------------------------------------- */

typedef struct list_acc {
    strbuf *out;
    int n;
} list_acc;

static int list_visit(void *arg, uint64_t id, const char *list, size_t len)
{
    list_acc *a = arg;
    (void)id;
    if (a->n++)
        strbuf_addc(a->out, ',');
    strbuf_add(a->out, list, len);
    return 0;
}

static void add_link(strbuf *b, char *url)
{
    if (!url) {
        strbuf_adds(b, "null");
        return;
    }
    json_t *s = json_string(url);
    jsonio_dump(b, s ? s : json_null());
    json_decref(s);
    free(url);
}

static void h_list(const sm_app *app, const sm_call *c, sm_reply *rep)
{
    const sm_op *op = c->op;
    int paginated = (op->flags & SM_OPF_PAGINATED) != 0;
    int64_t limit = -1, offset = 0, count = 0;
    unsigned hide = soft_field(app, c->res) && (c->res->hides & SM_HIDE_LIST)
                        ? STORE_F_DELETED
                        : 0;
    if (paginated)
        pagination_params(c->query, &limit, &offset);

    strbuf items = STRBUF_INIT;
    list_acc acc = {&items, 0};
    sm_txn *txn;
    int rc = store_begin(app->store, 0, &txn);
    if (rc == STORE_OK) {
        rc = store_list(txn, app->ns[op->resource], c->project, hide, offset,
                        limit, list_visit, &acc, &count);
        store_abort(txn);
    }
    if (rc != STORE_OK) {
        strbuf_free(&items);
        store_failed(rep, rc);
        return;
    }
    strbuf body = STRBUF_INIT;
    if (paginated) {
        strbuf_addf(&body, "{\"count\":%lld,\"next\":", (long long)count);
        add_link(&body, pagination_next(c->host, c->path, c->query, count,
                                        limit, offset));
        strbuf_adds(&body, ",\"previous\":");
        add_link(&body, pagination_previous(c->host, c->path, c->query, limit,
                                            offset));
        strbuf_adds(&body, ",\"results\":[");
    } else {
        strbuf_addc(&body, '[');
    }
    if (items.len)
        strbuf_add(&body, items.p, items.len);
    strbuf_adds(&body, paginated ? "]}" : "]");
    success_bytes(rep, op, body.p, body.len);
    strbuf_free(&body);
    strbuf_free(&items);
}

/* ---- create ----------------------------------------------------------- */

static void h_create(const sm_app *app, const sm_call *c, sm_reply *rep)
{
    const sm_resource *res = c->res;
    sm_txn *txn = NULL;
    uint64_t id;
    int rc = store_begin(app->store, 1, &txn);
    if (rc == STORE_OK)
        rc = store_next_id(txn, app->ns[c->op->resource], c->project, &id);
    if (rc != STORE_OK) {
        store_abort(txn);
        store_failed(rep, rc);
        return;
    }
    sm_render_ctx ctx = {(int64_t)id, clock_now(app->clock),
                         c->key ? c->key->user : NULL, c->params};
    json_t *full = render_create(app->api, res->model, c->input, &ctx);
    json_t *item = render_project(app->api, list_model(res), full);
    size_t flen, llen;
    char *fj = jsonio_dumps(full, &flen), *lj = jsonio_dumps(item, &llen);
    rc = store_put(txn, app->ns[c->op->resource], c->project, id,
                   record_flags(app, res, full), fj, flen, lj, llen);
    if (rc == STORE_OK)
        rc = store_commit(txn);
    else
        store_abort(txn);
    if (rc == STORE_OK)
        success_bytes(rep, c->op, fj, flen);
    else
        store_failed(rep, rc);
    free(fj);
    free(lj);
    json_decref(full);
    json_decref(item);
}

/* ---- one record ------------------------------------------------------- */

static int hidden(const sm_app *app, const sm_resource *res, unsigned flags)
{
    return (flags & STORE_F_DELETED) && soft_field(app, res) &&
           (res->hides & SM_HIDE_RETRIEVE);
}

static void h_retrieve(const sm_app *app, const sm_call *c, sm_reply *rep)
{
    sm_txn *txn;
    store_rec rec = {0};
    int rc = store_begin(app->store, 0, &txn);
    if (rc == STORE_OK) {
        rc = store_get(txn, app->ns[c->op->resource], c->project, c->id, &rec);
        store_abort(txn);
    }
    if (rc == STORE_OK && hidden(app, c->res, rec.flags))
        rc = STORE_NOTFOUND;
    if (rc == STORE_OK)
        success_bytes(rep, c->op, rec.full, rec.full_len);
    else
        store_failed(rep, rc);
    store_rec_free(&rec);
}

static void h_update(const sm_app *app, const sm_call *c, sm_reply *rep)
{
    const sm_resource *res = c->res;
    uint16_t ns = app->ns[c->op->resource];
    sm_txn *txn = NULL;
    store_rec rec = {0};
    json_t *stored = NULL, *full = NULL, *item = NULL;
    char *fj = NULL, *lj = NULL;
    size_t flen = 0, llen = 0;
    int rc = store_begin(app->store, 1, &txn);
    if (rc == STORE_OK)
        rc = store_get(txn, ns, c->project, c->id, &rec);
    if (rc == STORE_OK && hidden(app, res, rec.flags)) {
        /* a soft-deleted record is reached only to restore it */
        const json_t *v = json_object_get(c->input, soft_field(app, res));
        if (!json_is_false(v))
            rc = STORE_NOTFOUND;
    }
    if (rc == STORE_OK) {
        stored = json_loadb(rec.full, rec.full_len, JSON_ALLOW_NUL, NULL);
        if (!stored)
            rc = STORE_ERROR;
    }
    if (rc == STORE_OK) {
        full = render_update(app->api, res->model, stored, c->input);
        item = render_project(app->api, list_model(res), full);
        fj = jsonio_dumps(full, &flen);
        lj = jsonio_dumps(item, &llen);
        rc = store_put(txn, ns, c->project, c->id,
                       record_flags(app, res, full), fj, flen, lj, llen);
    }
    if (rc == STORE_OK) {
        rc = store_commit(txn);
        txn = NULL;
    }
    store_abort(txn);
    if (rc == STORE_OK)
        success_bytes(rep, c->op, fj, flen);
    else
        store_failed(rep, rc);
    free(fj);
    free(lj);
    json_decref(stored);
    json_decref(full);
    json_decref(item);
    store_rec_free(&rec);
}

static void h_destroy(const sm_app *app, const sm_call *c, sm_reply *rep)
{
    uint16_t ns = app->ns[c->op->resource];
    sm_txn *txn = NULL;
    store_rec rec = {0};
    int rc = store_begin(app->store, 1, &txn);
    if (rc == STORE_OK)
        rc = store_get(txn, ns, c->project, c->id, &rec);
    if (rc == STORE_OK && hidden(app, c->res, rec.flags))
        rc = STORE_NOTFOUND;
    if (rc == STORE_OK)
        rc = store_del(txn, ns, c->project, c->id);
    if (rc == STORE_OK) {
        rc = store_commit(txn);
        txn = NULL;
    }
    store_abort(txn);
    store_rec_free(&rec);
    if (rc == STORE_OK)
        respond_empty(rep, op_status(c->op));
    else
        store_failed(rep, rc);
}

void handlers_run(const sm_app *app, const sm_call *c, sm_reply *rep)
{
    const sm_op *op = c->op;
    if (op->kind == SM_OP_REFUSE) {
        respond_empty(rep, op_status(op));
        return;
    }
    if (!c->res || c->res->model < 0 || c->res->model >= app->api->nmodels) {
        respond_error(rep, SM_ERR_SERVER_ERROR, NULL, NULL, NULL);
        return;
    }
    switch (op->kind) {
    case SM_OP_LIST:
        h_list(app, c, rep);
        return;
    case SM_OP_CREATE:
        h_create(app, c, rep);
        return;
    default:
        break;
    }
    if (!c->has_id) { /* ids that are not numbers name no record */
        respond_error(rep, SM_ERR_NOT_FOUND, NULL, NULL, NULL);
        return;
    }
    switch (op->kind) {
    case SM_OP_RETRIEVE:
        h_retrieve(app, c, rep);
        return;
    case SM_OP_UPDATE:
        h_update(app, c, rep);
        return;
    case SM_OP_DESTROY:
        h_destroy(app, c, rep);
        return;
    default:
        respond_error(rep, SM_ERR_SERVER_ERROR, NULL, NULL, NULL);
    }
}
