/*
 * handlers.c — one function per operation kind (see handlers.h), the
 * start-up resolution of v2 names, step 5's record lookup and the fixture
 * loader.  Each handler reads or writes the store in one transaction and
 * answers through respond.h; a write that fails (map full) aborts its
 * transaction, so nothing of it remains.  A list is answered from the
 * app's list-answer cache (listcache.h) when the same request was answered
 * from the same store snapshot; list_key() names every input it depends on.
 *
 * Owned by the RT-CORE helper.  Names no API: everything comes from the
 * tables.
 */
#include "handlers.h"

#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "jsonio.h"
#include "listcache.h"
#include "listtext.h"
#include "pagination.h"
#include "pytext.h"
#include "render.h"
#include "sse.h"
#include "validate.h"

/* ---- small helpers ---------------------------------------------------- */

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

static void not_found(sm_reply *rep, const char *detail)
{
    respond_error(rep, SM_ERR_NOT_FOUND, detail, NULL, NULL);
}

/* The success answer: canned returns_json, no body, or json. */
static void success_bytes(sm_reply *rep, const sm_op *op, const char *json,
                          size_t len)
{
    if (op->flags & SM_OPF_EMPTY_BODY)
        respond_empty(rep, op_status(op));
    else if (op->returns_json)
        respond_bytes(rep, op_status(op), op->returns_json,
                      strlen(op->returns_json));
    else
        respond_bytes(rep, op_status(op), json, len);
}

/* v (a record of model) without the members of its SM_F_HIDDEN fields:
 * a new reference, a copy when there are any. */
static json_t *strip_hidden(const sm_api *api, int model, const json_t *v)
{
    if (model < 0 || model >= api->nmodels || !json_is_object(v))
        return json_incref((json_t *)v);
    const sm_model *m = &api->models[model];
    json_t *out = NULL;
    for (uint16_t i = 0; i < m->nfields; i++) {
        if (!(m->fields[i].flags & SM_F_HIDDEN) ||
            !json_object_get(v, m->fields[i].name))
            continue;
        if (!out)
            out = json_copy((json_t *)v);
        json_object_del(out, m->fields[i].name);
    }
    return out ? out : json_incref((json_t *)v);
}

static void success_json(const sm_api *api, sm_reply *rep, const sm_op *op,
                         const json_t *v)
{
    strbuf b = STRBUF_INIT;
    json_t *shown = v ? strip_hidden(api, op->response_model, v) : NULL;
    jsonio_dump(&b, shown ? shown : json_null());
    json_decref(shown);
    success_bytes(rep, op, b.p, b.len);
    strbuf_free(&b);
}

static const sm_model *model_of(const sm_api *api, int model)
{
    return model >= 0 && model < api->nmodels ? &api->models[model] : NULL;
}

static int field_index(const sm_model *m, const char *name)
{
    if (!m || !name)
        return -1;
    for (uint16_t i = 0; i < m->nfields; i++)
        if (!strcmp(m->fields[i].name, name))
            return i;
    return -1;
}

static int resource_index(const sm_api *api, const char *name)
{
    for (uint16_t i = 0; name && i < api->nresources; i++)
        if (!strcmp(api->resources[i].name, name))
            return i;
    return -1;
}

static const sm_res_rt *rtr(const sm_app *app, int ri)
{
    return &app->rt->res[ri];
}

static const char *field_name(const sm_app *app, int ri, int fi)
{
    const sm_model *m = model_of(app->api, app->api->resources[ri].model);
    return m && fi >= 0 && fi < m->nfields ? m->fields[fi].name : NULL;
}

static int list_model(const sm_resource *res)
{
    return res->list_model >= 0 ? res->list_model : res->model;
}

/* A key value as text: ints decimal, strings as they are.  0 or -1. */
static int value_text(const json_t *v, strbuf *out)
{
    if (json_is_integer(v))
        strbuf_addf(out, "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v))
        strbuf_add(out, json_string_value(v), json_string_length(v));
    else if (json_is_boolean(v))
        strbuf_adds(out, json_is_true(v) ? "true" : "false");
    else if (json_is_real(v))
        strbuf_addf(out, "%.17g", json_real_value(v));
    else
        return -1;
    if (!out->p)
        strbuf_adds(out, "");
    return 0;
}

/* A key value as an auto id (the sequence), 0 when it is none. */
static uint64_t value_seq(const json_t *v)
{
    int64_t n = 0;
    if (json_is_integer(v))
        n = json_integer_value(v);
    else if (json_is_string(v) &&
             pytext_parse_int(json_string_value(v), json_string_length(v),
                              &n) != 0)
        n = 0;
    return n > 0 ? (uint64_t)n : 0;
}

static unsigned record_flags(const sm_app *app, int ri, const json_t *full)
{
    const char *f = field_name(app, ri, rtr(app, ri)->soft);
    return f && json_is_true(json_object_get(full, f)) ? STORE_F_DELETED : 0;
}

static int hidden_for(const sm_app *app, int ri, unsigned flags, unsigned w)
{
    return (flags & STORE_F_DELETED) && rtr(app, ri)->soft >= 0 &&
           (app->api->resources[ri].hides & w);
}

static int is_singleton(const sm_resource *res)
{
    return (res->rflags & SM_R_SINGLETON) != 0;
}

/* ---- users (SM_FILL_USER, SM_TEST_USER) -------------------------------- */

static const json_t *user_by_uuid(void *arg, const char *uuid)
{
    const sm_app *app = arg;
    for (size_t i = 0; app->keys && uuid && i < app->keys->n; i++) {
        const json_t *u = app->keys->v[i].user;
        const json_t *id = json_object_get(u, "uuid");
        if (json_is_string(id) && !strcmp(json_string_value(id), uuid))
            return u;
    }
    return NULL;
}

static sm_render_ctx make_ctx(const sm_app *app, const sm_call *c, int64_t id)
{
    sm_render_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.id = id;
    ctx.now_us = clock_now(app->clock);
    ctx.caller = c && c->key ? c->key->user : NULL;
    ctx.params = c ? c->params : NULL;
    ctx.user_by_uuid = user_by_uuid;
    ctx.user_arg = (void *)app;
    ctx.defaults = app->rt ? app->rt->defaults : NULL;
    return ctx;
}

/* ---- start-up resolution ---------------------------------------------- */

static int bad(strbuf *err, const char *what, const char *name,
               const char *fmt, const char *a, const char *b)
{
    strbuf_addf(err, "%s '%s': ", what, name);
    strbuf_addf(err, fmt, a ? a : "(null)", b ? b : "(null)");
    return -1;
}

static int need_field(strbuf *err, const char *what, const char *name,
                      const sm_model *m, const char *field, const char *role,
                      int16_t *out)
{
    int i = field_index(m, field);
    if (i < 0) {
        strbuf_addf(err, "%s '%s': %s: no field '%s' in model '%s'", what,
                    name, role, field, m ? m->name : "?");
        return -1;
    }
    if (out)
        *out = (int16_t)i;
    return 0;
}

static int resolve_fields(const sm_api *api, strbuf *err)
{
    for (uint16_t mi = 0; mi < api->nmodels; mi++) {
        const sm_model *m = &api->models[mi];
        for (uint16_t i = 0; i < m->nfields; i++) {
            const sm_field *f = &m->fields[i];
            switch (f->fill) {
            case SM_FILL_SEGMENTS:
            case SM_FILL_COPY:
            case SM_FILL_USER:
                if (need_field(err, "model", m->name, m, f->fill_arg,
                               f->name, NULL) < 0)
                    return -1;
                break;
            case SM_FILL_CHILDREN:
                if (resource_index(api, f->fill_arg) < 0)
                    return bad(err, "model", m->name,
                               "%s: children of unknown resource '%s'",
                               f->name, f->fill_arg);
                break;
            default:
                break;
            }
        }
    }
    return 0;
}

static int resolve_resource(const sm_api *api, int ri, sm_res_rt *rt,
                            strbuf *err)
{
    const sm_resource *r = &api->resources[ri];
    const sm_model *m = model_of(api, r->model);
    const char *W = "resource";
    rt->key_field = rt->soft = rt->parent = rt->owner = rt->ancestors = -1;
    if (!m)
        return bad(err, W, r->name, "model index out of range%s%s", "", "");
    if (r->soft_delete >= m->nfields ||
        (r->soft_delete >= 0 && m->fields[r->soft_delete].type != SM_T_BOOL))
        return bad(err, W, r->name, "soft-delete field is not a bool%s%s", "",
                   "");
    rt->soft = r->soft_delete >= 0 ? r->soft_delete : -1;
    if (r->key) {
        if (need_field(err, W, r->name, m, r->key, "key", &rt->key_field) < 0)
            return -1;
    } else if (r->id_field >= 0 && r->id_field < m->nfields) {
        rt->key_field = r->id_field;
    }
    rt->key_auto = rt->key_field < 0 ||
                   m->fields[rt->key_field].fill == SM_FILL_AUTO;
    if (is_singleton(r))
        rt->key_auto = 0;
    if (r->parent) {
        rt->parent = (int16_t)resource_index(api, r->parent);
        if (rt->parent < 0 || rt->parent == ri)
            return bad(err, W, r->name, "parent: unknown resource '%s'%s",
                       r->parent, "");
        const sm_resource *p = &api->resources[rt->parent];
        if (!r->parent_param && !is_singleton(p))
            return bad(err, W, r->name,
                       "parent '%s' is not a singleton and no param is "
                       "given%s",
                       r->parent, "");
        for (uint16_t oi = 0; r->parent_param && oi < api->nops; oi++) {
            const sm_op *op = &api->ops[oi];
            if (op->resource != ri)
                continue;
            char pat[256];
            snprintf(pat, sizeof pat, "{%s}", r->parent_param);
            if (!strstr(op->path, pat))
                return bad(err, W, r->name,
                           "parent param '%s' is not in the path of op '%s'",
                           r->parent_param, op->id);
        }
    } else if (is_singleton(r)) {
        return bad(err, W, r->name, "a singleton needs a parent%s%s", "", "");
    }
    if (r->owner &&
        need_field(err, W, r->name, m, r->owner, "owner", &rt->owner) < 0)
        return -1;
    if (r->order && listing_order_parse(r->order, &rt->order) != 0)
        return bad(err, W, r->name, "order: malformed '%s'%s", r->order, "");
    if (r->order) { /* every ordering name is a field */
        char *names = sm_xstrdup(r->order), *save = NULL;
        for (char *t = strtok_r(names, " ", &save); t;
             t = strtok_r(NULL, " ", &save)) {
            while (*t == '-' || *t == '~')
                t++;
            if (need_field(err, W, r->name, m, t, "order", NULL) < 0) {
                free(names);
                return -1;
            }
        }
        free(names);
    }
    if (r->ancestors) {
        if (need_field(err, W, r->name, m, r->ancestors, "ancestors",
                       &rt->ancestors) < 0)
            return -1;
        if (r->ancestor_json) {
            rt->ancestor_obj = json_loads(r->ancestor_json, 0, NULL);
            if (!json_is_object(rt->ancestor_obj))
                return bad(err, W, r->name, "ancestors: '%s' is not a JSON "
                                            "object%s",
                           r->ancestor_json, "");
        }
    }
    if (r->rflags & SM_R_STATIC) {
        rt->rows = r->rows_json ? json_loads(r->rows_json, 0, NULL) : NULL;
        if (!json_is_array(rt->rows))
            return bad(err, W, r->name, "rows: not a JSON array%s%s", "", "");
    }
    for (uint16_t i = 0; i < m->nfields; i++) {
        if (m->fields[i].fill == SM_FILL_CHILDREN)
            rt->has_children = 1;
        if (m->fields[i].flags & SM_F_HIDDEN)
            rt->has_hidden = 1;
    }
    return 0;
}

static int resolve_op(const sm_api *api, int oi, sm_op_rt *ort, strbuf *err)
{
    const sm_op *op = &api->ops[oi];
    const char *W = "op";
    ort->stream_field = ort->content_type = ort->move_field = -1;
    if (op->resource < 0 || op->resource >= api->nresources)
        return bad(err, W, op->id, "resource index out of range%s%s", "", "");
    const sm_resource *r = &api->resources[op->resource];
    const sm_model *m = model_of(api, r->model);
    if ((r->rflags & SM_R_STATIC) && op->kind != SM_OP_LIST &&
        op->kind != SM_OP_RETRIEVE && op->kind != SM_OP_REFUSE)
        return bad(err, W, op->id, "resource '%s' is static (rows): only "
                                   "list and retrieve%s",
                   r->name, "");
    if (op->stream_field &&
        need_field(err, W, op->id, m, op->stream_field, "stream",
                   &ort->stream_field) < 0)
        return -1;
    if (op->kind == SM_OP_STREAM && !op->stream_field)
        return bad(err, W, op->id, "stream without a field%s%s", "", "");
    if (op->content_type &&
        need_field(err, W, op->id, m, op->content_type, "content-type",
                   &ort->content_type) < 0)
        return -1;
    if (op->kind == SM_OP_CONTENT && !op->content_type)
        return bad(err, W, op->id, "content without a field%s%s", "", "");
    if (op->move_field &&
        (need_field(err, W, op->id, m, op->move_field, "move",
                    &ort->move_field) < 0))
        return -1;
    if (op->move_field && (!op->move_item || !op->move_to))
        return bad(err, W, op->id, "move needs an item and a target path%s%s",
                   "", "");
    for (uint16_t i = 0; i < op->nsets; i++)
        if (need_field(err, W, op->id, m, op->sets[i].field, "set", NULL) < 0)
            return -1;
    for (uint16_t i = 0; i < op->nfilters; i++) {
        const sm_filter *f = &op->filters[i];
        for (uint16_t j = 0; j < f->nfields; j++)
            if (need_field(err, W, op->id, m, f->fields[j], "filter", NULL) < 0)
                return -1;
    }
    for (uint16_t i = 0; i < op->nchecks; i++) {
        const sm_check *ck = &op->checks[i];
        if (ck->test == SM_TEST_EXISTS && resource_index(api, ck->value_json) < 0)
            return bad(err, W, op->id, "check exists: unknown resource '%s'%s",
                       ck->value_json, "");
        if (ck->test == SM_TEST_UNIQUE && ck->name) {
            char *names = sm_xstrdup(ck->name), *save = NULL;
            for (char *t = strtok_r(names, " ", &save); t;
                 t = strtok_r(NULL, " ", &save)) {
                if (need_field(err, W, op->id, m, t, "unique", NULL) < 0) {
                    free(names);
                    return -1;
                }
            }
            free(names);
        }
    }
    if (op->returns_json) {
        json_t *v = json_loads(op->returns_json, JSON_DECODE_ANY, NULL);
        if (!v)
            return bad(err, W, op->id, "returns: not JSON '%s'%s",
                       op->returns_json, "");
        json_decref(v);
    }
    if (op->extra_json) {
        json_t *v = json_loads(op->extra_json, 0, NULL);
        int ok = json_is_object(v);
        json_decref(v);
        if (!ok)
            return bad(err, W, op->id, "extra: not a JSON object '%s'%s",
                       op->extra_json, "");
    }
    return 0;
}

static int is_exclude(const sm_filter *f)
{
    return (f->flags & SM_FILTER_EXCLUDE) && f->exclude_json && f->nfields;
}

/* The facets of resource ri (its order keys and its lists' exclude
 * fields) and, per list op, the encoded exclude values. */
static void resolve_facets(sm_app *app, int ri)
{
    const sm_api *api = app->api;
    sm_res_rt *rt = &app->rt->res[ri];
    const char **extra = NULL;
    size_t n = 0;
    for (uint16_t oi = 0; oi < api->nops; oi++) {
        const sm_op *op = &api->ops[oi];
        if (op->resource != ri || op->kind != SM_OP_LIST)
            continue;
        for (uint16_t k = 0; k < op->nfilters; k++)
            if (is_exclude(&op->filters[k])) {
                extra = sm_xrealloc(extra, (n + 1) * sizeof *extra);
                extra[n++] = op->filters[k].fields[0];
            }
    }
    rt->facets = listing_facets_new(rt->order, extra, n);
    free(extra);
    for (uint16_t oi = 0; rt->facets && oi < api->nops; oi++) {
        const sm_op *op = &api->ops[oi];
        if (op->resource != ri || op->kind != SM_OP_LIST || !op->nfilters)
            continue;
        sm_excl *ex = calloc(op->nfilters, sizeof *ex);
        if (!ex)
            abort();
        for (uint16_t k = 0; k < op->nfilters; k++) {
            const sm_filter *f = &op->filters[k];
            ex[k].idx = -1;
            json_t *x = is_exclude(f) ? json_loads(f->exclude_json,
                                                   JSON_DECODE_ANY, NULL)
                                      : NULL;
            if (x) {
                strbuf b = STRBUF_INIT;
                listing_facet_value(x, &b);
                ex[k].idx = listing_facets_index(rt->facets, f->fields[0]);
                ex[k].len = b.len;
                ex[k].enc = strbuf_steal(&b);
                json_decref(x);
            }
        }
        app->rt->ops[oi].excl = ex;
    }
}

int handlers_resolve(sm_app *app, strbuf *err)
{
    const sm_api *api = app->api;
    sm_rt *rt = calloc(1, sizeof *rt);
    if (!rt)
        abort();
    rt->res = calloc(api->nresources ? api->nresources : 1, sizeof *rt->res);
    rt->ops = calloc(api->nops ? api->nops : 1, sizeof *rt->ops);
    if (!rt->res || !rt->ops)
        abort();
    app->rt = rt;
    if (resolve_fields(api, err) < 0)
        goto fail;
    for (uint16_t i = 0; i < api->nresources; i++)
        if (resolve_resource(api, i, &rt->res[i], err) < 0)
            goto fail;
    for (uint16_t i = 0; i < api->nops; i++)
        if (resolve_op(api, i, &rt->ops[i], err) < 0)
            goto fail;
    for (uint16_t i = 0; i < api->nresources; i++)
        resolve_facets(app, i);
    rt->defaults = render_defaults_new(api);
    return 0;
fail:
    handlers_release(app);
    return -1;
}

void handlers_release(sm_app *app)
{
    sm_rt *rt = app->rt;
    if (!rt)
        return;
    for (uint16_t i = 0; i < app->api->nops; i++) {
        const sm_op *op = &app->api->ops[i];
        for (uint16_t k = 0; rt->ops[i].excl && k < op->nfilters; k++)
            free(rt->ops[i].excl[k].enc);
        free(rt->ops[i].excl);
    }
    for (uint16_t i = 0; i < app->api->nresources; i++) {
        listing_facets_free(rt->res[i].facets);
        listing_order_free(rt->res[i].order);
        json_decref(rt->res[i].rows);
        json_decref(rt->res[i].ancestor_obj);
    }
    render_defaults_free(rt->defaults);
    free(rt->res);
    free(rt->ops);
    free(rt);
    app->rt = NULL;
}

/* ---- writing one record ----------------------------------------------- */

/* The key text of a record of resource ri: "" for a singleton, the key
 * field of full (or of input when write-only).  0, or -1 when it has none
 * or the key is the auto id. */
static int record_key(const sm_app *app, int ri, const json_t *full,
                      const json_t *input, strbuf *out)
{
    const sm_resource *res = &app->api->resources[ri];
    const sm_res_rt *rt = rtr(app, ri);
    if (is_singleton(res)) {
        strbuf_adds(out, "");
        return 0;
    }
    if (rt->key_auto || rt->key_field < 0)
        return -1;
    const char *f = field_name(app, ri, rt->key_field);
    const json_t *v = json_object_get(full, f);
    if (!v && input)
        v = json_object_get(input, f);
    return v ? value_text(v, out) : -1;
}

/* Stores full (and its list projection, and its key in the index; old_key:
 * the key it had, removed when it changed).  json (may be NULL): receives
 * the stored text of full (malloc'd, *json_len bytes) on success, so that
 * an answer showing full as stored does not print it a second time. */
static int put_record_json(const sm_app *app, sm_txn *txn, int ri,
                           int64_t project, uint64_t parent, uint64_t seq,
                           const json_t *full, const json_t *input,
                           const char *old_key, char **json, size_t *json_len)
{
    const sm_resource *res = &app->api->resources[ri];
    listtext lt = LISTTEXT_INIT;
    listtext_build(&lt, app->api, app->rt->defaults, list_model(res), full);
    uint16_t ns = app->ns[ri];
    strbuf fc = STRBUF_INIT;
    if (rtr(app, ri)->facets)
        listing_facets_encode(rtr(app, ri)->facets, full, &fc);
    int rc = store_put_record(txn, ns, project, parent, seq,
                              record_flags(app, ri, full), lt.full_text.p,
                              lt.full_text.len, lt.seg, lt.nseg, fc.p, fc.len);
    strbuf_free(&fc);
    strbuf k = STRBUF_INIT;
    if (rc == STORE_OK && record_key(app, ri, full, input, &k) == 0) {
        if (old_key && strcmp(old_key, k.p)) {
            rc = store_key_del(txn, ns, project, parent, old_key,
                               strlen(old_key));
            if (rc == STORE_NOTFOUND)
                rc = STORE_OK;
        }
        if (rc == STORE_OK)
            rc = store_key_put(txn, ns, project, parent, k.p, k.len, seq);
    }
    strbuf_free(&k);
    if (json && rc == STORE_OK) {
        *json_len = lt.full_text.len;
        *json = strbuf_steal(&lt.full_text);
    }
    listtext_free(&lt);
    return rc;
}

static int put_record(const sm_app *app, sm_txn *txn, int ri, int64_t project,
                      uint64_t parent, uint64_t seq, const json_t *full,
                      const json_t *input, const char *old_key)
{
    return put_record_json(app, txn, ri, project, parent, seq, full, input,
                           old_key, NULL, NULL);
}

/* The sequence of the record of ri under parent named by kv (NULL: the
 * singleton).  STORE_NOTFOUND when there is none. */
static int find_seq(const sm_app *app, sm_txn *txn, int ri, int64_t project,
                    uint64_t parent, const json_t *kv, uint64_t *seq)
{
    const sm_resource *res = &app->api->resources[ri];
    if (is_singleton(res))
        return store_key_get(txn, app->ns[ri], project, parent, "", 0, seq);
    if (!kv)
        return STORE_NOTFOUND;
    if (rtr(app, ri)->key_auto) {
        *seq = value_seq(kv);
        return *seq ? STORE_OK : STORE_NOTFOUND;
    }
    strbuf t = STRBUF_INIT;
    int rc = value_text(kv, &t) == 0
                 ? store_key_get(txn, app->ns[ri], project, parent, t.p, t.len,
                                 seq)
                 : STORE_NOTFOUND;
    strbuf_free(&t);
    return rc;
}

/* 1 when rec's owner field names another user than the caller. */
static int not_owner(const sm_app *app, int ri, const json_t *rec,
                     const sm_key *key)
{
    const char *f = field_name(app, ri, rtr(app, ri)->owner);
    if (!f)
        return 0;
    const json_t *mine = key && key->user ? json_object_get(key->user, "id")
                                          : NULL;
    const json_t *theirs = json_object_get(json_object_get(rec, f), "id");
    return !(mine && theirs && json_equal(mine, theirs));
}

/* ---- step 5: parents and the record ------------------------------------ */

enum { LOC_OK = 0, LOC_ANSWERED = -1, LOC_NEED_WRITE = 1 };

/* Builds a missing record of ri (parent build, singleton parent, tombstone)
 * holding only its key (kv) plus extra members. */
static int build_record(const sm_app *app, const sm_call *c, sm_txn *txn,
                        int ri, uint64_t parent, const json_t *kv,
                        json_t *extra, uint64_t *seq, json_t **out)
{
    const sm_resource *res = &app->api->resources[ri];
    const sm_res_rt *rt = rtr(app, ri);
    uint16_t ns = app->ns[ri];
    json_t *input = extra ? extra : json_object();
    int rc;
    if (rt->key_auto && kv) {
        *seq = value_seq(kv);
        rc = *seq ? store_seen_id(txn, ns, c->project, *seq) : STORE_NOTFOUND;
    } else {
        rc = store_next_id(txn, ns, c->project, seq);
    }
    if (rc == STORE_OK && kv && rt->key_field >= 0 && !is_singleton(res))
        json_object_set(input, field_name(app, ri, rt->key_field),
                        (json_t *)kv);
    json_t *full = NULL;
    if (rc == STORE_OK) {
        sm_render_ctx ctx = make_ctx(app, c, (int64_t)*seq);
        full = render_create(app->api, res->model, input, &ctx);
        rc = put_record(app, txn, ri, c->project, parent, *seq, full, input,
                        NULL);
    }
    json_decref(input);
    if (rc == STORE_OK && out)
        *out = full;
    else
        json_decref(full);
    return rc;
}

/* Resolves the chain of parents of records of ri: *pseq the parent's
 * sequence (0: none), *prec its record. */
static int parent_chain(const sm_app *app, sm_txn *txn, int write, int ri,
                        const sm_call *c, uint64_t *pseq, json_t **prec,
                        sm_reply *rep)
{
    const sm_resource *res = &app->api->resources[ri];
    int pi = rtr(app, ri)->parent;
    *pseq = 0;
    *prec = NULL;
    if (pi < 0)
        return LOC_OK;
    const sm_resource *pres = &app->api->resources[pi];
    uint64_t gseq, seq = 0;
    json_t *gp = NULL;
    int r = parent_chain(app, txn, write, pi, c, &gseq, &gp, rep);
    json_decref(gp);
    if (r != LOC_OK)
        return r;
    const json_t *kv = NULL;
    if (!is_singleton(pres)) {
        kv = res->parent_param ? json_object_get(c->params, res->parent_param)
                               : NULL;
        if (!kv) {
            not_found(rep, res->parent_notfound);
            return LOC_ANSWERED;
        }
    }
    store_rec rec = {0};
    int rc = find_seq(app, txn, pi, c->project, gseq, kv, &seq);
    if (rc == STORE_OK)
        rc = store_get(txn, app->ns[pi], c->project, gseq, seq, &rec);
    json_t *full = NULL;
    if (rc == STORE_NOTFOUND &&
        ((res->rflags & SM_R_PARENT_BUILD) || is_singleton(pres))) {
        if (!write)
            return LOC_NEED_WRITE;
        rc = build_record(app, c, txn, pi, gseq, kv, NULL, &seq, &full);
    } else if (rc == STORE_OK) {
        full = jsonio_load_stored(rec.full, rec.full_len);
        if (hidden_for(app, pi, rec.flags, SM_HIDE_RETRIEVE) ||
            not_owner(app, pi, full, c->key))
            rc = STORE_NOTFOUND;
    }
    store_rec_free(&rec);
    if (rc != STORE_OK) {
        json_decref(full);
        if (rc == STORE_NOTFOUND)
            not_found(rep, res->parent_notfound);
        else
            store_failed(rep, rc);
        return LOC_ANSWERED;
    }
    *pseq = seq;
    *prec = full;
    return LOC_OK;
}

int handlers_is_item(const sm_app *app, const sm_op *op)
{
    (void)app;
    switch (op->kind) {
    case SM_OP_RETRIEVE:
    case SM_OP_UPDATE:
    case SM_OP_DESTROY:
    case SM_OP_STREAM:
    case SM_OP_CONTENT:
        return 1;
    case SM_OP_ACTION:
        return (op->flags & SM_OPF_ITEM) ||
               (op->resource >= 0 && op->resource < app->api->nresources &&
                is_singleton(&app->api->resources[op->resource]));
    default:
        return 0;
    }
}

/* A static row whose key field's text equals kv's. */
static const json_t *static_row(const sm_app *app, int ri, const json_t *kv)
{
    const char *f = field_name(app, ri, rtr(app, ri)->key_field);
    strbuf want = STRBUF_INIT, have = STRBUF_INIT;
    const json_t *found = NULL, *row;
    size_t i;
    if (f && kv && value_text(kv, &want) == 0) {
        json_array_foreach(rtr(app, ri)->rows, i, row) {
            strbuf_truncate(&have, 0);
            if (value_text(json_object_get(row, f), &have) == 0 &&
                have.len == want.len && !memcmp(have.p, want.p, want.len)) {
                found = row;
                break;
            }
        }
    }
    strbuf_free(&want);
    strbuf_free(&have);
    return found;
}

static int locate_in(const sm_app *app, sm_call *c, sm_txn *txn, int write,
                     sm_reply *rep)
{
    int ri = c->ri;
    const sm_resource *res = c->res;
    int r = parent_chain(app, txn, write, ri, c, &c->parent_seq, &c->parent,
                         rep);
    if (r != LOC_OK || !handlers_is_item(app, c->op))
        return r;
    int rc = find_seq(app, txn, ri, c->project, c->parent_seq,
                      is_singleton(res) ? NULL : c->keyval, &c->seq);
    if (rc == STORE_OK)
        rc = store_get(txn, app->ns[ri], c->project, c->parent_seq, c->seq,
                       &c->rec);
    if (rc == STORE_NOTFOUND) {
        if (is_singleton(res) ||
            (c->op->kind == SM_OP_DESTROY && (res->rflags & SM_R_BUILD)))
            return LOC_OK; /* unsaved singleton / tombstone to build */
        not_found(rep, res->notfound);
        return LOC_ANSWERED;
    }
    if (rc != STORE_OK) {
        store_failed(rep, rc);
        return LOC_ANSWERED;
    }
    c->found = 1;
    if ((c->op->kind != SM_OP_UPDATE &&
         hidden_for(app, ri, c->rec.flags, SM_HIDE_RETRIEVE)) ||
        (rtr(app, ri)->owner >= 0 &&
         not_owner(app, ri, handlers_record(c), c->key))) {
        not_found(rep, res->notfound);
        return LOC_ANSWERED;
    }
    return LOC_OK;
}

int handlers_locate(const sm_app *app, sm_call *c, sm_reply *rep)
{
    c->ri = c->op->resource;
    if (!c->res || !model_of(app->api, c->res->model)) {
        respond_error(rep, SM_ERR_SERVER_ERROR, NULL, NULL, NULL);
        return -1;
    }
    if (c->op->kind == SM_OP_REFUSE)
        return 0;
    if (c->res->rflags & SM_R_STATIC) {
        if (handlers_is_item(app, c->op)) {
            const json_t *row = static_row(app, c->ri, c->keyval);
            if (!row) {
                not_found(rep, c->res->notfound);
                return -1;
            }
            c->found = 1;
            c->record = json_deep_copy(row);
        }
        return 0;
    }
    for (int write = 0; write < 2; write++) {
        sm_txn *txn;
        int rc = store_begin(app->store, write, &txn);
        if (rc != STORE_OK) {
            store_failed(rep, rc);
            return -1;
        }
        int r = locate_in(app, c, txn, write, rep);
        if (r == LOC_NEED_WRITE) {
            store_abort(txn);
            continue;
        }
        if (r == LOC_OK && write) {
            rc = store_commit(txn);
            if (rc != STORE_OK) {
                store_failed(rep, rc);
                return -1;
            }
        } else {
            store_abort(txn);
        }
        return r == LOC_OK ? 0 : -1;
    }
    respond_error(rep, SM_ERR_SERVER_ERROR, NULL, NULL, NULL);
    return -1;
}

const json_t *handlers_record(sm_call *c)
{
    if (!c->record && c->found && c->rec.full)
        c->record = jsonio_load_stored(c->rec.full, c->rec.full_len);
    return c->record;
}

void handlers_call_free(sm_call *c)
{
    json_decref(c->parent);
    json_decref(c->record);
    store_rec_free(&c->rec);
    query_free(&c->q);
    c->parent = c->record = NULL;
}

/* ---- collecting records (lists, children, checks) ---------------------- */

typedef struct item {
    uint64_t seq;
    json_t *full;  /* parsed when needed, else NULL */
    char *list;
    size_t list_len;
} item;

typedef struct collect {
    item *v;
    size_t n, cap;
    int parse;
} collect;

static int collect_visit(void *arg, uint64_t seq, unsigned flags,
                         const char *full, size_t flen, const char *list,
                         size_t len)
{
    collect *a = arg;
    (void)flags;
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->v = sm_xrealloc(a->v, a->cap * sizeof *a->v);
    }
    item *it = &a->v[a->n++];
    it->seq = seq;
    it->full = a->parse ? jsonio_load_stored(full, flen) : NULL;
    it->list = sm_xstrndup(list, len);
    it->list_len = len;
    return 0;
}

static void collect_free(collect *a)
{
    for (size_t i = 0; i < a->n; i++) {
        json_decref(a->v[i].full);
        free(a->v[i].list);
    }
    free(a->v);
    memset(a, 0, sizeof *a);
}

static const listing_order *sort_order;

static int item_cmp(const void *x, const void *y)
{
    const item *a = x, *b = y;
    return listing_compare(sort_order, a->full, a->seq, b->full, b->seq);
}

static void sort_items(collect *a, const listing_order *o)
{
    if (!o || a->n < 2)
        return;
    sort_order = o;
    qsort(a->v, a->n, sizeof *a->v, item_cmp);
    sort_order = NULL;
}

/* Live SM_FILL_CHILDREN fields of rec (resource ri, sequence seq). */
static int add_children(const sm_app *app, sm_txn *txn, int ri,
                        int64_t project, uint64_t seq, json_t *rec)
{
    const sm_model *m = model_of(app->api, app->api->resources[ri].model);
    for (uint16_t i = 0; m && i < m->nfields; i++) {
        const sm_field *f = &m->fields[i];
        if (f->fill != SM_FILL_CHILDREN || (f->flags & SM_F_WRITEONLY))
            continue;
        int ci = resource_index(app->api, f->fill_arg);
        if (ci < 0)
            continue;
        unsigned hide =
            rtr(app, ci)->soft >= 0 &&
                    (app->api->resources[ci].hides & SM_HIDE_LIST)
                ? STORE_F_DELETED
                : 0;
        collect a = {0};
        a.parse = rtr(app, ci)->order != NULL;
        int rc = store_list(txn, app->ns[ci], project, seq, hide, 0, -1,
                            collect_visit, &a, NULL);
        if (rc != STORE_OK) {
            collect_free(&a);
            return rc;
        }
        sort_items(&a, rtr(app, ci)->order);
        json_t *arr = json_array();
        for (size_t k = 0; k < a.n; k++) {
            json_t *v = jsonio_load_stored(a.v[k].list, a.v[k].list_len);
            if (v)
                json_array_append_new(arr, v);
        }
        json_object_set_new(rec, f->name, arr);
        collect_free(&a);
    }
    return STORE_OK;
}

/* Answers a record of the call's resource, children made live first. */
static void answer_record(const sm_app *app, const sm_call *c, sm_txn *txn,
                          uint64_t seq, json_t *rec, sm_reply *rep)
{
    if (rtr(app, c->ri)->has_children && txn)
        add_children(app, txn, c->ri, c->project, seq, rec);
    success_json(app->api, rep, c->op, rec);
}

/* ---- checks ------------------------------------------------------------- */

typedef struct check_arg {
    const sm_app *app;
    const sm_call *c;
    sm_txn *txn;
} check_arg;

static int cb_same_exists(void *arg, const char *const *fields, size_t n,
                          const json_t *fresh)
{
    check_arg *ca = arg;
    const sm_app *app = ca->app;
    const sm_call *c = ca->c;
    collect a = {0};
    a.parse = 1;
    if (store_list(ca->txn, app->ns[c->ri], c->project, c->parent_seq,
                   STORE_F_DELETED, 0, -1, collect_visit, &a, NULL) != 0) {
        collect_free(&a);
        return 0;
    }
    int same = 0;
    for (size_t i = 0; i < a.n && !same; i++) {
        if (c->found && a.v[i].seq == c->seq)
            continue;
        same = a.v[i].full != NULL;
        for (size_t k = 0; k < n && same; k++) {
            const json_t *x = json_object_get(a.v[i].full, fields[k]);
            const json_t *y = json_object_get(fresh, fields[k]);
            same = x && y && json_equal(x, y);
        }
    }
    collect_free(&a);
    return same;
}

static int cb_key_exists(void *arg, const char *resource, const json_t *key)
{
    check_arg *ca = arg;
    const sm_app *app = ca->app;
    int ri = resource_index(app->api, resource);
    if (ri < 0)
        return 0;
    if (app->api->resources[ri].rflags & SM_R_STATIC)
        return static_row(app, ri, key) != NULL;
    /* top-level records, or siblings under the call's parent */
    uint64_t seq, parent = 0;
    if (rtr(app, ri)->parent >= 0) {
        if (rtr(app, ri)->parent != rtr(app, ca->c->ri)->parent)
            return 0;
        parent = ca->c->parent_seq;
    }
    store_rec rec = {0};
    int rc = find_seq(app, ca->txn, ri, ca->c->project, parent, key, &seq);
    if (rc == STORE_OK)
        rc = store_get(ca->txn, app->ns[ri], ca->c->project, parent, seq,
                       &rec);
    int ok = rc == STORE_OK && !(rec.flags & STORE_F_DELETED);
    store_rec_free(&rec);
    return ok;
}

static int cb_user_known(void *arg, const char *uuid)
{
    check_arg *ca = arg;
    return user_by_uuid((void *)ca->app, uuid) != NULL;
}

static check_env make_env(check_arg *ca, sm_call *c, const json_t *fresh)
{
    check_env env;
    memset(&env, 0, sizeof env);
    env.body = c->input ? c->input : c->raw_body;
    env.query = &c->q;
    env.parent = c->parent;
    env.record = handlers_record(c);
    env.fresh = fresh;
    env.same_exists = cb_same_exists;
    env.key_exists = cb_key_exists;
    env.user_known = cb_user_known;
    env.arg = ca;
    return env;
}

int handlers_checks(const sm_app *app, sm_call *c, sm_reply *rep)
{
    if (!c->op->nchecks)
        return 0;
    sm_txn *txn;
    int rc = store_begin(app->store, 0, &txn);
    if (rc != STORE_OK) {
        store_failed(rep, rc);
        return -1;
    }
    check_arg ca = {app, c, txn};
    check_env env = make_env(&ca, c, NULL);
    int r = checks_run(c->op, CHECKS_BEFORE, &env, rep);
    store_abort(txn);
    return r;
}

static int checks_new(const sm_app *app, sm_call *c, sm_txn *txn,
                      const json_t *fresh, sm_reply *rep)
{
    if (!c->op->nchecks)
        return 0;
    check_arg ca = {app, c, txn};
    check_env env = make_env(&ca, c, fresh);
    return checks_run(c->op, CHECKS_NEW, &env, rep);
}

/* ---- list ------------------------------------------------------------- */

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

static int envelope_of(const sm_op *op)
{
    return (op->flags & SM_OPF_PAGINATED) ? SM_ENV_PAGINATED : op->envelope;
}

/* The list answer is written straight into the reply's body: the
 * envelope's head, the items, then its tail. */
static strbuf *list_head(const sm_call *c, int64_t count, int64_t limit,
                         int64_t offset, size_t hint, sm_reply *rep)
{
    const sm_op *op = c->op;
    respond_empty(rep, op_status(op));
    strbuf *body = &rep->body;
    if (hint + 512 > body->cap) { /* one allocation for the whole page */
        body->cap = hint + 512;
        body->p = sm_xrealloc(body->p, body->cap);
        body->p[body->len] = '\0';
    }
    switch (envelope_of(op)) {
    case SM_ENV_PAGINATED:
        strbuf_addf(body, "{\"count\":%lld,\"next\":", (long long)count);
        add_link(body, pagination_next(c->host, c->path, c->query, count,
                                       limit, offset));
        strbuf_adds(body, ",\"previous\":");
        add_link(body, pagination_previous(c->host, c->path, c->query, limit,
                                           offset));
        strbuf_adds(body, ",\"results\":[");
        break;
    case SM_ENV_COUNTED:
        strbuf_addf(body, "{\"count\":%lld,\"results\":[", (long long)count);
        break;
    case SM_ENV_RESULTS:
        strbuf_adds(body, "{\"results\":[");
        break;
    default:
        strbuf_addc(body, '[');
    }
    return body;
}

static void list_tail(const sm_call *c, sm_reply *rep)
{
    const sm_op *op = c->op;
    strbuf *body = &rep->body;
    int env = envelope_of(op);
    strbuf_addc(body, ']');
    if (env == SM_ENV_RESULTS && op->extra_json) {
        json_t *extra = json_loads(op->extra_json, 0, NULL);
        const char *k;
        json_t *v;
        json_object_foreach(extra, k, v) {
            json_t *ks = json_string(k);
            strbuf_addc(body, ',');
            jsonio_dump(body, ks);
            strbuf_addc(body, ':');
            jsonio_dump(body, v);
            json_decref(ks);
        }
        json_decref(extra);
    }
    if (env != SM_ENV_ARRAY)
        strbuf_addc(body, '}');
    /* canned or empty answers ignore the items (as success_bytes) */
    if ((op->flags & SM_OPF_EMPTY_BODY) || op->returns_json)
        success_bytes(rep, op, NULL, 0);
}

/* A list's records as pointers into the read transaction's map. */
typedef struct ref {
    store_item it;     /* its list text is written straight into the reply */
    listing_keys keys; /* the order keys, decoded once */
} ref;

typedef struct refs {
    ref *v;
    size_t n, cap;
    const listing_facets *fs;
    const sm_op *op;
    const sm_excl *excl;
    int stale;   /* a record without this spec's facets: parse instead */
} refs;

static int refs_visit(void *arg, const store_item *it)
{
    refs *a = arg;
    if (a->fs) {
        if (!listing_facets_valid(a->fs, it->facets, it->facets_len)) {
            a->stale = 1;
            return 1;
        }
        for (uint16_t k = 0; a->excl && k < a->op->nfilters; k++)
            if (a->excl[k].idx >= 0 &&
                listing_facets_is(it->facets, it->facets_len, a->excl[k].idx,
                                  a->excl[k].enc, a->excl[k].len))
                return 0;
    }
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->v = sm_xrealloc(a->v, a->cap * sizeof *a->v);
    }
    ref *r = &a->v[a->n++];
    *r = (ref){*it, {0}};
    if (a->fs && listing_facets_keys(a->fs, it->facets, it->facets_len,
                                     &r->keys) < 0)
        r->keys.n = 0xff; /* too many keys: compare the bytes */
    return 0;
}

static const listing_facets *ref_facets;

static int ref_cmp(const void *x, const void *y)
{
    const ref *a = x, *b = y;
    if (a->keys.n != 0xff && b->keys.n != 0xff)
        return listing_keys_compare(ref_facets, &a->keys, a->it.id, &b->keys,
                                    b->it.id);
    return listing_facets_compare(ref_facets, a->it.facets, a->it.facets_len,
                                  a->it.id, b->it.facets, b->it.facets_len,
                                  b->it.id);
}

/* The list without parsing a record: creation order or the facets' order,
 * exclude filters on facets, the stored list JSON copied into the reply.
 * 1 when it answered, 0 when the list needs the parsing path (filters
 * with a parameter, owner filtering, static rows, stale facets). */
static int list_bytes(const sm_app *app, sm_call *c, sm_txn *txn,
                      unsigned hide, int64_t limit, int64_t offset,
                      sm_reply *rep)
{
    const sm_op *op = c->op;
    const sm_res_rt *rt = rtr(app, c->ri);
    const sm_excl *excl = app->rt->ops[op - app->api->ops].excl;
    if ((c->res->rflags & SM_R_STATIC) || rt->owner >= 0)
        return 0;
    for (uint16_t k = 0; k < op->nfilters; k++) {
        if (query_get(&c->q, op->filters[k].query))
            return 0;
        if (is_exclude(&op->filters[k]) && !excl)
            return 0;
    }
    if (rt->order && !rt->facets)
        return 0;
    refs a = {0};
    a.fs = rt->facets;
    a.op = op;
    a.excl = excl;
    int rc = store_walk(txn, app->ns[c->ri], c->project, c->parent_seq, hide,
                        0, -1, refs_visit, &a, NULL);
    if (rc != STORE_OK || a.stale) {
        free(a.v);
        if (rc != STORE_OK) {
            store_failed(rep, rc);
            return 1;
        }
        return 0;
    }
    if (rt->order && a.n > 1) {
        ref_facets = rt->facets;
        qsort(a.v, a.n, sizeof *a.v, ref_cmp);
        ref_facets = NULL;
    }
    int64_t count = (int64_t)a.n;
    size_t from = (size_t)(offset < count ? offset : count), to = a.n;
    if (limit >= 0 && (int64_t)(to - from) > limit)
        to = from + (size_t)limit;
    size_t bytes = 0;
    for (size_t i = from; i < to; i++)
        bytes += a.v[i].it.list_len + 1;
    strbuf *body = list_head(c, count, limit, offset, bytes, rep);
    for (size_t i = from; i < to; i++) {
        if (i > from)
            strbuf_addc(body, ',');
        store_item_list(&a.v[i].it, strbuf_extend(body, a.v[i].it.list_len));
    }
    free(a.v);
    list_tail(c, rep);
    return 1;
}

/* The list answer read from txn (NULL only for a static resource). */
static void list_answer(const sm_app *app, sm_call *c, sm_txn *txn,
                        unsigned hide, int64_t limit, int64_t offset,
                        sm_reply *rep)
{
    const sm_op *op = c->op;
    const sm_res_rt *rt = rtr(app, c->ri);
    if (txn && list_bytes(app, c, txn, hide, limit, offset, rep))
        return;

    /* the parsing path: query filters, owners, static rows */
    int is_static = (c->res->rflags & SM_R_STATIC) != 0;
    collect a = {0};
    a.parse = 1;
    if (is_static) {
        size_t i;
        json_t *row;
        json_array_foreach(rt->rows, i, row) {
            json_t *li = render_project(app->api, app->rt->defaults, list_model(c->res), row);
            size_t len;
            char *lj = jsonio_dumps(li, &len);
            collect_visit(&a, i + 1, 0, "", 0, lj, len);
            a.v[a.n - 1].full = json_incref(row);
            free(lj);
            json_decref(li);
        }
    } else {
        int rc = store_list(txn, app->ns[c->ri], c->project, c->parent_seq,
                            hide, 0, -1, collect_visit, &a, NULL);
        if (rc != STORE_OK) {
            collect_free(&a);
            store_failed(rep, rc);
            return;
        }
    }
    /* filter, then order */
    size_t kept = 0;
    for (size_t i = 0; i < a.n; i++) {
        item *it = &a.v[i];
        int keep = it->full && listing_pass(op, &c->q, it->full,
                                             c->key ? c->key->user : NULL) &&
                   !(rt->owner >= 0 && not_owner(app, c->ri, it->full, c->key));
        if (keep) {
            a.v[kept++] = *it;
        } else {
            json_decref(it->full);
            free(it->list);
        }
    }
    a.n = kept;
    sort_items(&a, rt->order);
    int64_t count = (int64_t)a.n;
    size_t bytes = 0;
    for (size_t i = 0; i < a.n; i++)
        bytes += a.v[i].list_len + 1;
    strbuf *body = list_head(c, count, limit, offset, bytes, rep);
    int n = 0;
    for (size_t i = 0; i < a.n; i++) {
        if ((int64_t)i < offset || (limit >= 0 && (int64_t)i - offset >= limit))
            continue;
        if (n++)
            strbuf_addc(body, ',');
        strbuf_add(body, a.v[i].list, a.v[i].list_len);
    }
    collect_free(&a);
    list_tail(c, rep);
}

/* The cache key of a list answer (listcache.h): every input list_answer
 * reads besides the snapshot and the app's constant tables.  The operation
 * fixes the resource, filters, order, envelope and static rows; project and
 * parent sequence the records walked (both also follow from the path, the
 * parent's sequence from the path and the snapshot: kept so that a parent
 * located in another snapshot than the list's still makes its own key);
 * hide follows from the query; the raw query string holds every filter,
 * search, limit and offset; path, query and Host make the pagination
 * links; the caller's key holds the owner filtering and the caller-
 * dependent filters (its user object never changes: keys are only ever
 * added).  Each caller gets its own entries even where its identity does
 * not matter: no page is ever answered to another key. */
static void list_key(const sm_app *app, const sm_call *c, unsigned hide,
                     strbuf *key)
{
    listcache_key_int(key, (int64_t)(c->op - app->api->ops));
    listcache_key_int(key, c->ri);
    listcache_key_int(key, c->project);
    listcache_key_int(key, (int64_t)c->parent_seq);
    listcache_key_int(key, (int64_t)hide);
    listcache_key_str(key, c->path);
    listcache_key_str(key, c->query);
    listcache_key_str(key, c->host);
    listcache_key_str(key, c->key ? c->key->key : NULL);
}

/* A list: from the answer cache when the same request was answered from
 * the same snapshot (listcache.h), else assembled (list_answer) and kept.
 * The snapshot's id and the records come from one read transaction, so a
 * kept answer is exactly the one for that id. */
static void h_list(const sm_app *app, sm_call *c, sm_reply *rep)
{
    const sm_op *op = c->op;
    const sm_res_rt *rt = rtr(app, c->ri);
    int64_t limit = -1, offset = 0;
    const sm_filter *missing = listing_missing_required(op, &c->q);
    if (missing) {
        respond_error(rep, SM_ERR_INVALID_INPUT, missing->message, NULL, NULL);
        return;
    }
    const char *soft = field_name(app, c->ri, rt->soft);
    unsigned hide = soft && (c->res->hides & SM_HIDE_LIST) &&
                            !listing_overrides_hide(op, &c->q, soft)
                        ? STORE_F_DELETED
                        : 0;
    if (envelope_of(op) == SM_ENV_PAGINATED)
        pagination_params(c->query, &limit, &offset);
    sm_txn *txn = NULL;
    int rc = store_begin(app->store, 0, &txn);
    if (rc != STORE_OK && !(c->res->rflags & SM_R_STATIC)) {
        store_failed(rep, rc);
        return;
    }
    /* a static list read without a store is answered uncached */
    sm_listcache *lc = txn ? app->listcache : NULL;
    uint64_t snap = txn ? store_txn_id(txn) : 0;
    strbuf key = STRBUF_INIT;
    if (lc) {
        list_key(app, c, hide, &key);
        const listcache_answer *hit = listcache_get(lc, snap, key.p, key.len);
        if (hit) {
            store_abort(txn);
            strbuf_free(&key);
            /* the reply shares the cached bytes: the server hands them to
             * the socket's output buffer without a copy */
            reply_content_type(rep, hit->content_type);
            reply_share(rep, hit->status, hit->body, hit->len,
                        listcache_release, listcache_hold(hit));
            return;
        }
    }
    list_answer(app, c, txn, hide, limit, offset, rep);
    store_abort(txn);
    if (lc && rep->status >= 200 && rep->status < 300)
        listcache_put(lc, snap, key.p, key.len, rep->status,
                      rep->content_type, rep->body.p, rep->body.len);
    strbuf_free(&key);
}

/* ---- create ----------------------------------------------------------- */

/* Creates the missing ancestor records of full's ancestors path. */
static int make_ancestors(const sm_app *app, sm_call *c, sm_txn *txn,
                          const json_t *full)
{
    const sm_res_rt *rt = rtr(app, c->ri);
    const char *f = field_name(app, c->ri, rt->ancestors);
    const json_t *pv = f ? json_object_get(full, f) : NULL;
    if (!json_is_string(pv))
        return STORE_OK;
    const char *path = json_string_value(pv);
    collect a = {0};
    a.parse = 1;
    int rc = store_list(txn, app->ns[c->ri], c->project, c->parent_seq, 0, 0,
                        -1, collect_visit, &a, NULL);
    for (const char *s = path; rc == STORE_OK && *s; s++) {
        if (*s == '\\' && s[1] == '/') {
            s++;
            continue;
        }
        if (*s != '/' || s == path)
            continue;
        size_t plen = (size_t)(s - path);
        int have = 0;
        for (size_t i = 0; i < a.n && !have; i++) {
            const json_t *v = json_object_get(a.v[i].full, f);
            have = json_is_string(v) && json_string_length(v) == plen &&
                   !memcmp(json_string_value(v), path, plen);
        }
        if (have)
            continue;
        json_t *input = rt->ancestor_obj ? json_deep_copy(rt->ancestor_obj)
                                         : json_object();
        json_object_set_new(input, f, json_stringn(path, plen));
        uint64_t seq;
        rc = store_next_id(txn, app->ns[c->ri], c->project, &seq);
        if (rc == STORE_OK) {
            sm_render_ctx ctx = make_ctx(app, c, (int64_t)seq);
            json_t *rec = render_create(app->api, c->res->model, input, &ctx);
            rc = put_record(app, txn, c->ri, c->project, c->parent_seq, seq,
                            rec, input, NULL);
            if (rc == STORE_OK)
                collect_visit(&a, seq, 0, "", 0, "", 0);
            if (rc == STORE_OK)
                a.v[a.n - 1].full = json_incref(rec);
            json_decref(rec);
        }
        json_decref(input);
    }
    collect_free(&a);
    return rc;
}

static void h_create(const sm_app *app, sm_call *c, sm_reply *rep)
{
    const sm_resource *res = c->res;
    uint16_t ns = app->ns[c->ri];
    sm_txn *txn = NULL;
    uint64_t seq = 0;
    json_t *full = NULL;
    char *old_key = NULL;
    int rc = store_begin(app->store, 1, &txn);
    json_t *old_id = NULL; /* upsert: the replaced record keeps its id */
    /* The upsert key and the ancestors may come from a `set` (e.g. a query
     * parameter): both read one trial render with the sets applied. */
    json_t *trial = NULL;
    if (rc == STORE_OK && ((c->op->flags & SM_OPF_UPSERT) ||
                           rtr(app, c->ri)->ancestors >= 0)) {
        sm_render_ctx tctx = make_ctx(app, c, 0);
        trial = render_create(app->api, res->model, c->input, &tctx);
        if (c->op->nsets)
            sets_apply(c->op, trial, c->raw_body, &c->q, tctx.now_us);
    }
    if (rc == STORE_OK && (c->op->flags & SM_OPF_UPSERT)) {
        strbuf k = STRBUF_INIT;
        if (record_key(app, c->ri, trial, c->input, &k) == 0 &&
            store_key_get(txn, ns, c->project, c->parent_seq, k.p, k.len,
                          &seq) == STORE_OK) {
            old_key = strbuf_steal(&k);
            store_rec old = {0};
            if (res->id_field >= 0 &&
                store_get(txn, ns, c->project, c->parent_seq, seq, &old) ==
                    STORE_OK) {
                json_t *o = jsonio_load_stored(old.full, old.full_len);
                const char *idf =
                    app->api->models[res->model].fields[res->id_field].name;
                old_id = json_incref(json_object_get(o, idf));
                json_decref(o);
            }
            store_rec_free(&old);
        } else {
            seq = 0;
        }
        strbuf_free(&k);
    }
    /* ancestors first, so they precede the record in creation order */
    if (rc == STORE_OK && rtr(app, c->ri)->ancestors >= 0)
        rc = make_ancestors(app, c, txn, trial);
    json_decref(trial);
    if (rc == STORE_OK && !seq)
        rc = store_next_id(txn, ns, c->project, &seq);
    if (rc != STORE_OK) {
        store_abort(txn);
        store_failed(rep, rc);
        json_decref(old_id);
        free(old_key);
        return;
    }
    sm_render_ctx ctx = make_ctx(app, c, (int64_t)seq);
    full = render_create(app->api, res->model, c->input, &ctx);
    if (c->op->nsets) {
        query_list *q = &c->q;
        sets_apply(c->op, full, c->raw_body, q, ctx.now_us);
        render_derive(app->api, res->model, full, c->input);
    }
    if (old_id) {
        json_object_set_new(
            full, app->api->models[res->model].fields[res->id_field].name,
            old_id);
        old_id = NULL;
    }
    if (checks_new(app, c, txn, full, rep) < 0) {
        store_abort(txn);
        json_decref(full);
        free(old_key);
        return;
    }
    char *fj = NULL;
    size_t flen = 0;
    rc = put_record_json(app, txn, c->ri, c->project, c->parent_seq, seq, full,
                         c->input, old_key, &fj, &flen);
    if (rc == STORE_OK)
        rc = store_commit(txn);
    else
        store_abort(txn);
    if (rc == STORE_OK && rtr(app, c->ri)->has_hidden)
        success_json(app->api, rep, c->op, full); /* not all of it shown */
    else if (rc == STORE_OK)
        success_bytes(rep, c->op, fj, flen); /* full as stored */
    else
        store_failed(rep, rc);
    free(fj);
    free(old_key);
    json_decref(full);
}

/* ---- one record ------------------------------------------------------- */

/* An unsaved singleton as retrieve shows it: fills run, `now` null. */
static json_t *unsaved(const sm_app *app, const sm_call *c)
{
    sm_render_ctx ctx = make_ctx(app, c, 0);
    ctx.no_now = 1;
    return render_create(app->api, c->res->model, NULL, &ctx);
}

static void h_retrieve(const sm_app *app, sm_call *c, sm_reply *rep)
{
    if (c->res->rflags & SM_R_STATIC) {
        success_json(app->api, rep, c->op, c->record);
        return;
    }
    if (!c->found) { /* an unsaved singleton */
        json_t *rec = unsaved(app, c);
        success_json(app->api, rep, c->op, rec);
        json_decref(rec);
        return;
    }
    if (!rtr(app, c->ri)->has_children) {
        /* the stored bytes, unless some of them must not be shown */
        if (rtr(app, c->ri)->has_hidden)
            success_json(app->api, rep, c->op, handlers_record(c));
        else
            success_bytes(rep, c->op, c->rec.full, c->rec.full_len);
        return;
    }
    sm_txn *txn;
    int rc = store_begin(app->store, 0, &txn);
    if (rc != STORE_OK) {
        store_failed(rep, rc);
        return;
    }
    json_t *rec = json_deep_copy(handlers_record(c));
    answer_record(app, c, txn, c->seq, rec, rep);
    json_decref(rec);
    store_abort(txn);
}

/* Writes rec as the call's record (the singleton is created when unsaved)
 * and answers it; old: the stored version or NULL. */
static void save_and_answer(const sm_app *app, sm_call *c, sm_txn *txn,
                            json_t *rec, const json_t *old, sm_reply *rep)
{
    int rc = STORE_OK;
    uint64_t seq = c->seq;
    strbuf ok = STRBUF_INIT;
    if (!c->found)
        rc = store_next_id(txn, app->ns[c->ri], c->project, &seq);
    if (rc == STORE_OK && !c->found && rtr(app, c->ri)->key_auto) {
        const char *idf = field_name(app, c->ri, rtr(app, c->ri)->key_field);
        if (idf)
            json_object_set_new(rec, idf, json_integer((json_int_t)seq));
    }
    int have_old = old && record_key(app, c->ri, old, NULL, &ok) == 0;
    if (rc == STORE_OK && checks_new(app, c, txn, rec, rep) < 0) {
        store_abort(txn);
        strbuf_free(&ok);
        return;
    }
    /* without live children the answer is rec exactly as stored */
    int children = rtr(app, c->ri)->has_children;
    char *rj = NULL;
    size_t rlen = 0;
    if (rc == STORE_OK)
        rc = put_record_json(app, txn, c->ri, c->project, c->parent_seq, seq,
                             rec, c->input, have_old ? ok.p : NULL,
                             children ? NULL : &rj, &rlen);
    strbuf_free(&ok);
    if (rc == STORE_OK && children)
        add_children(app, txn, c->ri, c->project, seq, rec);
    if (rc == STORE_OK) {
        rc = store_commit(txn);
        txn = NULL;
    }
    store_abort(txn);
    if (rc == STORE_OK && rj && !rtr(app, c->ri)->has_hidden)
        success_bytes(rep, c->op, rj, rlen);
    else if (rc == STORE_OK)
        success_json(app->api, rep, c->op, rec);
    else
        store_failed(rep, rc);
    free(rj);
}

static void h_update(const sm_app *app, sm_call *c, sm_reply *rep)
{
    const sm_resource *res = c->res;
    if (c->found && hidden_for(app, c->ri, c->rec.flags, SM_HIDE_UPDATE)) {
        /* a hidden record is reached only to restore it */
        const char *soft = field_name(app, c->ri, rtr(app, c->ri)->soft);
        if (!json_is_false(json_object_get(c->input, soft))) {
            not_found(rep, res->notfound);
            return;
        }
    }
    sm_txn *txn = NULL;
    int rc = store_begin(app->store, 1, &txn);
    if (rc != STORE_OK) {
        store_failed(rep, rc);
        return;
    }
    sm_render_ctx ctx = make_ctx(app, c, (int64_t)c->seq);
    const json_t *stored = handlers_record(c);
    json_t *full;
    if (c->found) {
        if (!stored) {
            store_abort(txn);
            store_failed(rep, STORE_ERROR);
            return;
        }
        full = render_update_ctx(app->api, res->model, stored, c->input, &ctx);
    } else {
        full = render_create(app->api, res->model, c->input, &ctx);
    }
    if (c->op->nsets) {
        sets_apply(c->op, full, c->raw_body, &c->q, ctx.now_us);
        render_derive(app->api, res->model, full, c->input);
    }
    save_and_answer(app, c, txn, full, c->found ? stored : NULL, rep);
    json_decref(full);
}

static void h_destroy(const sm_app *app, sm_call *c, sm_reply *rep)
{
    uint16_t ns = app->ns[c->ri];
    const char *soft = field_name(app, c->ri, rtr(app, c->ri)->soft);
    sm_txn *txn = NULL;
    int rc = store_begin(app->store, 1, &txn);
    if (rc == STORE_OK && !c->found) {
        /* SM_R_BUILD: a tombstone in place of the missing record */
        json_t *extra = json_object();
        if (soft)
            json_object_set_new(extra, soft, json_true());
        uint64_t seq;
        rc = build_record(app, c, txn, c->ri, c->parent_seq, c->keyval, extra,
                          &seq, NULL);
    } else if (rc == STORE_OK && soft) {
        json_t *rec = json_deep_copy(handlers_record(c));
        if (!rec)
            rc = STORE_ERROR;
        else {
            json_object_set_new(rec, soft, json_true());
            rc = put_record(app, txn, c->ri, c->project, c->parent_seq, c->seq,
                            rec, NULL, NULL);
        }
        json_decref(rec);
    } else if (rc == STORE_OK) {
        rc = store_del(txn, ns, c->project, c->parent_seq, c->seq);
        strbuf k = STRBUF_INIT;
        const json_t *rec = handlers_record(c);
        if (rc == STORE_OK && rec && record_key(app, c->ri, rec, NULL, &k) == 0)
            rc = store_key_del(txn, ns, c->project, c->parent_seq, k.p, k.len);
        if (rc == STORE_NOTFOUND)
            rc = STORE_OK;
        strbuf_free(&k);
    }
    if (rc == STORE_OK) {
        rc = store_commit(txn);
        txn = NULL;
    }
    store_abort(txn);
    if (rc == STORE_OK)
        respond_empty(rep, op_status(c->op));
    else
        store_failed(rep, rc);
}

/* ---- actions, streams, content ---------------------------------------- */

/* The element of array whose "id" has the text of id, or -1. */
static long find_by_id(const json_t *array, const json_t *id)
{
    strbuf want = STRBUF_INIT, have = STRBUF_INIT;
    long found = -1;
    size_t i;
    const json_t *el;
    if (value_text(id, &want) == 0) {
        json_array_foreach(array, i, el) {
            strbuf_truncate(&have, 0);
            if (value_text(json_object_get(el, "id"), &have) == 0 &&
                have.len == want.len && !memcmp(have.p, want.p, want.len)) {
                found = (long)i;
                break;
            }
        }
    }
    strbuf_free(&want);
    strbuf_free(&have);
    return found;
}

static void h_move(const sm_app *app, sm_call *c, sm_reply *rep)
{
    const sm_op *op = c->op;
    const char *f = op->move_field;
    const json_t *item_id = checks_path(c->raw_body, op->move_item);
    const json_t *to = checks_path(c->raw_body, op->move_to);
    sm_txn *txn = NULL;
    store_rec trec = {0};
    json_t *src = json_deep_copy(handlers_record(c)), *dst = NULL;
    uint64_t tseq = 0;
    int rc = store_begin(app->store, 1, &txn);
    if (rc == STORE_OK)
        rc = to ? find_seq(app, txn, c->ri, c->project, c->parent_seq, to,
                           &tseq)
                : STORE_NOTFOUND;
    if (rc == STORE_OK)
        rc = store_get(txn, app->ns[c->ri], c->project, c->parent_seq, tseq,
                       &trec);
    if (rc == STORE_OK &&
        hidden_for(app, c->ri, trec.flags, SM_HIDE_RETRIEVE))
        rc = STORE_NOTFOUND;
    long at = -1;
    if (rc == STORE_OK) {
        dst = tseq == c->seq ? json_incref(src)
                             : jsonio_load_stored(trec.full, trec.full_len);
        at = item_id && src ? find_by_id(json_object_get(src, f), item_id) : -1;
        if (!dst || at < 0)
            rc = STORE_NOTFOUND;
    }
    if (rc == STORE_OK) {
        json_t *arr = json_object_get(src, f);
        json_t *el = json_incref(json_array_get(arr, (size_t)at));
        json_array_remove(arr, (size_t)at);
        json_t *darr = json_object_get(dst, f);
        if (!json_is_array(darr)) {
            darr = json_array();
            json_object_set_new(dst, f, darr);
        }
        json_array_append_new(darr, el);
        rc = put_record(app, txn, c->ri, c->project, c->parent_seq, c->seq,
                        src, NULL, NULL);
        if (rc == STORE_OK && tseq != c->seq)
            rc = put_record(app, txn, c->ri, c->project, c->parent_seq, tseq,
                            dst, NULL, NULL);
    }
    if (rc == STORE_OK) {
        rc = store_commit(txn);
        txn = NULL;
    }
    store_abort(txn);
    if (rc == STORE_NOTFOUND)
        not_found(rep, c->res->notfound);
    else if (rc != STORE_OK)
        store_failed(rep, rc);
    else
        success_json(app->api, rep, op, src);
    store_rec_free(&trec);
    json_decref(src);
    json_decref(dst);
}

static void h_action(const sm_app *app, sm_call *c, sm_reply *rep)
{
    const sm_op *op = c->op;
    if (op->move_field) {
        h_move(app, c, rep);
        return;
    }
    if (!handlers_is_item(app, op)) {
        /* a collection action: no record to change */
        if (op->returns_json || (op->flags & SM_OPF_EMPTY_BODY))
            success_bytes(rep, op, "", 0);
        else
            success_bytes(rep, op, "{}", 2);
        return;
    }
    json_t *rec = c->found ? json_deep_copy(handlers_record(c))
                           : unsaved(app, c);
    if (!rec) {
        store_failed(rep, STORE_ERROR);
        return;
    }
    sm_txn *txn = NULL;
    int rc = store_begin(app->store, op->nsets ? 1 : 0, &txn);
    if (rc != STORE_OK) {
        json_decref(rec);
        store_failed(rep, rc);
        return;
    }
    if (op->nsets) {
        if (!c->found) { /* saving an unsaved singleton: a real `now` */
            json_decref(rec);
            sm_render_ctx ctx = make_ctx(app, c, 0);
            rec = render_create(app->api, c->res->model, NULL, &ctx);
        }
        sets_apply(op, rec, c->raw_body, &c->q, clock_now(app->clock));
        render_derive(app->api, c->res->model, rec, NULL);
        save_and_answer(app, c, txn, rec, c->found ? handlers_record(c) : NULL,
                        rep);
    } else {
        answer_record(app, c, txn, c->seq, rec, rep);
        store_abort(txn);
    }
    json_decref(rec);
}

static const json_t *live_record(const sm_app *app, sm_call *c, json_t **own)
{
    *own = NULL;
    if (!rtr(app, c->ri)->has_children || !c->found)
        return handlers_record(c);
    sm_txn *txn;
    if (store_begin(app->store, 0, &txn) != STORE_OK)
        return handlers_record(c);
    *own = json_deep_copy(handlers_record(c));
    add_children(app, txn, c->ri, c->project, c->seq, *own);
    store_abort(txn);
    return *own;
}

static void h_stream(const sm_app *app, sm_call *c, sm_reply *rep)
{
    json_t *own;
    const json_t *rec = live_record(app, c, &own);
    json_t *shown = strip_hidden(app->api, c->res->model, rec);
    strbuf body = STRBUF_INIT;
    sse_render(c->op, shown, &body);
    json_decref(shown);
    respond_bytes(rep, op_status(c->op), body.p ? body.p : "", body.len);
    reply_content_type(rep, "text/event-stream");
    strbuf_free(&body);
    json_decref(own);
}

static void h_content(const sm_app *app, sm_call *c, sm_reply *rep)
{
    const json_t *rec = handlers_record(c);
    const json_t *ct = json_object_get(rec, c->op->content_type);
    (void)app;
    respond_empty(rep, op_status(c->op));
    if (json_is_string(ct) && json_string_length(ct))
        reply_content_type(rep, json_string_value(ct));
}

void handlers_run(const sm_app *app, sm_call *c, sm_reply *rep)
{
    const sm_op *op = c->op;
    if (op->kind == SM_OP_REFUSE) {
        respond_empty(rep, op_status(op));
        return;
    }
    if (!c->res || !model_of(app->api, c->res->model)) {
        respond_error(rep, SM_ERR_SERVER_ERROR, NULL, NULL, NULL);
        return;
    }
    c->ri = op->resource;
    switch (op->kind) {
    case SM_OP_LIST:
        h_list(app, c, rep);
        return;
    case SM_OP_CREATE:
        h_create(app, c, rep);
        return;
    case SM_OP_RETRIEVE:
        h_retrieve(app, c, rep);
        return;
    case SM_OP_UPDATE:
        h_update(app, c, rep);
        return;
    case SM_OP_DESTROY:
        h_destroy(app, c, rep);
        return;
    case SM_OP_ACTION:
        h_action(app, c, rep);
        return;
    case SM_OP_STREAM:
        h_stream(app, c, rep);
        return;
    case SM_OP_CONTENT:
        h_content(app, c, rep);
        return;
    default:
        respond_error(rep, SM_ERR_SERVER_ERROR, NULL, NULL, NULL);
    }
}

/* ---- fixtures ------------------------------------------------------------ */

int handlers_load(const sm_app *app, sm_txn *outer, int ri, int64_t project,
                  const json_t *record, strbuf *err)
{
    const sm_api *api = app->api;
    if (ri < 0 || ri >= api->nresources) {
        strbuf_adds(err, "unknown resource");
        return -1;
    }
    const sm_resource *res = &api->resources[ri];
    const sm_res_rt *rt = rtr(app, ri);
    if (res->rflags & SM_R_STATIC) {
        strbuf_adds(err, "a static (rows) resource takes no records");
        return -1;
    }
    json_t *body = json_deep_copy(record);
    const json_t *pk = json_object_get(body, "_parent");
    json_t *pkey = pk ? json_incref((json_t *)pk) : NULL;
    json_object_del(body, "_parent");
    json_t *input = NULL;
    sm_verror ve;
    if (validate_body(api, res->model, body, VALIDATE_READONLY, &input, &ve) <
        0) {
        if (ve.attr)
            strbuf_addf(err, "%s: %s", ve.attr, ve.detail);
        else
            strbuf_adds(err, ve.detail ? ve.detail : "invalid");
        validate_error_clear(&ve);
        json_decref(body);
        json_decref(pkey);
        return -1;
    }
    json_decref(body);
    sm_call c;
    memset(&c, 0, sizeof c);
    c.project = project;
    c.ri = ri;
    c.res = res;
    sm_txn *txn = outer;
    uint64_t parent = 0, seq = 0;
    int rc = outer ? STORE_OK : store_begin(app->store, 1, &txn);
    const char *what = NULL;
    if (rc == STORE_OK && rt->parent >= 0) {
        int pi = rt->parent;
        if (!pkey) {
            what = "_parent: required for a child resource";
        } else if (rtr(app, pi)->parent >= 0) {
            what = "_parent: parents that have parents are not supported";
        } else {
            rc = find_seq(app, txn, pi, project, 0, pkey, &parent);
            store_rec prec = {0};
            if (rc == STORE_OK)
                rc = store_get(txn, app->ns[pi], project, 0, parent, &prec);
            store_rec_free(&prec);
            if (rc == STORE_NOTFOUND)
                what = "_parent: no such parent record";
        }
    }
    if (!what && rc == STORE_OK && rt->key_auto && rt->key_field >= 0) {
        const json_t *id =
            json_object_get(input, field_name(app, ri, rt->key_field));
        seq = id ? value_seq(id) : 0;
        if (seq)
            rc = store_seen_id(txn, app->ns[ri], project, seq);
    }
    if (!what && rc == STORE_OK && !seq)
        rc = store_next_id(txn, app->ns[ri], project, &seq);
    if (!what && rc == STORE_OK) {
        /* path parameters as a request would have them: the first prefix
         * parameter is the project, the parent param the parent's key */
        c.params = json_object();
        const char *open = api->prefix ? strchr(api->prefix, '{') : NULL;
        const char *close = open ? strchr(open, '}') : NULL;
        if (close) {
            char *name = sm_xstrndup(open + 1, (size_t)(close - open - 1));
            json_object_set_new(c.params, name, json_integer(project));
            free(name);
        }
        if (pkey && res->parent_param)
            json_object_set(c.params, res->parent_param, pkey);
        sm_render_ctx ctx = make_ctx(app, &c, (int64_t)seq);
        ctx.input_first = 1;
        json_t *full = render_create(api, res->model, input, &ctx);
        rc = put_record(app, txn, ri, project, parent, seq, full, input, NULL);
        json_decref(full);
    }
    if (!outer) {
        if (!what && rc == STORE_OK) {
            rc = store_commit(txn);
            txn = NULL;
        }
        store_abort(txn);
    }
    json_decref(c.params);
    json_decref(input);
    json_decref(pkey);
    if (what) {
        strbuf_adds(err, what);
        return -1;
    }
    if (rc != STORE_OK) {
        strbuf_adds(err, store_strerror(rc));
        return -1;
    }
    return 0;
}

int handlers_resource_empty(const sm_app *app, sm_txn *outer, int ri,
                            int64_t project)
{
    sm_txn *txn = outer;
    if (ri < 0 || ri >= app->api->nresources ||
        (!outer && store_begin(app->store, 0, &txn) != STORE_OK))
        return 1;
    int any = store_any(txn, app->ns[ri], project);
    if (!outer)
        store_abort(txn);
    return !any;
}
