/*
 * emit_openapi.c — writes generated/<api>.openapi.json, an OpenAPI 3.1
 * description of the same spec, with jansson.
 *
 * Every object is built in the order it should print (JSON_PRESERVE_ORDER):
 * x-generated, openapi, info, paths (sorted), components (schemas sorted by
 * name, then securitySchemes).  Schemas: one per model; Patched<Model> (no
 * required list) for models used as PATCH bodies; Paginated<Model>List for
 * paginated lists; one per enum; Error (the error envelope).  v2
 * envelopes (counted, results + extra), canned `returns` bodies, streams
 * and content are inline schemas; error responses follow the style of the
 * checks answering each status (spec/README.md, "What is derived").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "emit.h"

/* jansson setters that take ownership and abort on failure */
static void set(json_t *obj, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        diag_oom();
}

static void push(json_t *arr, json_t *v)
{
    if (!v || json_array_append_new(arr, v) != 0)
        diag_oom();
}

static json_t *str(const char *s)
{
    json_t *v = json_string(s);
    if (!v)
        diag_oom();
    return v;
}

static json_t *ref_to(const char *name)
{
    char buf[512];
    snprintf(buf, sizeof buf, "#/components/schemas/%s", name);
    json_t *o = json_object();
    set(o, "$ref", str(buf));
    return o;
}

/* {"type": t} or {"type": [t, "null"]} */
static json_t *typed(const char *t, int nullable)
{
    json_t *o = json_object();
    if (nullable) {
        json_t *a = json_array();
        push(a, str(t));
        push(a, str("null"));
        set(o, "type", a);
    } else {
        set(o, "type", str(t));
    }
    return o;
}

static json_t *lit_json(const ast_lit *l)
{
    switch (l->kind) {
    case LIT_STRING: return json_string(l->str);
    case LIT_INT: return json_integer(l->num);
    case LIT_TRUE: return json_true();
    case LIT_FALSE: return json_false();
    case LIT_NULL: return json_null();
    case LIT_EMPTY_ARRAY: return json_array();
    default: return json_object();
    }
}

/* Schema of a scalar or named type, nullable or not. */
static json_t *base_schema(const spec *s, ty_kind k, int ref, int nullable)
{
    json_t *o;
    switch (k) {
    case TY_INT: return typed("integer", nullable);
    case TY_NUMBER: return typed("number", nullable);
    case TY_BOOL: return typed("boolean", nullable);
    case TY_STRING: return typed("string", nullable);
    case TY_DATETIME:
        o = typed("string", nullable);
        set(o, "format", str("date-time"));
        return o;
    case TY_UUID:
        o = typed("string", nullable);
        set(o, "format", str("uuid"));
        return o;
    case TY_OBJECT:
        o = typed("object", nullable);
        set(o, "additionalProperties", json_true());
        return o;
    case TY_ANY:
        return json_object(); /* any value, null included */
    case TY_ENUM:
    case TY_MODEL: {
        json_t *r = ref_to(k == TY_ENUM ? s->enums[ref].name
                                        : s->models[ref].name);
        if (!nullable)
            return r;
        o = json_object();
        json_t *any = json_array();
        push(any, r);
        push(any, typed("null", 0));
        set(o, "anyOf", any);
        return o;
    }
    default:
        return json_object();
    }
}

static json_t *field_schema(const spec *s, const ast_field *f)
{
    const ast_type *t = &f->type;
    int nullable = (f->flags & AF_NULLABLE) != 0;
    json_t *o;
    if (t->kind == TY_ARRAY) {
        o = typed("array", nullable);
        set(o, "items", base_schema(s, t->item, t->ref,
                                    (f->flags & AF_ITEM_NULLABLE) != 0));
    } else {
        o = base_schema(s, t->kind, t->ref, nullable);
    }
    if (f->flags & AF_MAXLEN)
        set(o, "maxLength", json_integer(f->maxlen));
    if (f->flags & AF_MIN)
        set(o, "minimum", json_integer(f->min));
    if (f->flags & AF_MAX)
        set(o, "maximum", json_integer(f->max));
    if (f->flags & AF_READONLY)
        set(o, "readOnly", json_true());
    if (f->flags & AF_WRITEONLY)
        set(o, "writeOnly", json_true());
    if (f->has_default)
        set(o, "default", lit_json(&f->def));
    return o;
}

/* A model's object schema; `patched`: no required list (PATCH bodies). */
static json_t *model_schema(const spec *s, const ast_model *m, int patched)
{
    json_t *o = json_object(), *props = json_object(), *req = json_array();
    set(o, "type", str("object"));
    for (size_t k = 0; k < m->nfields; k++) {
        const ast_field *f = &m->fields[k];
        if (f->flags & AF_HIDDEN) /* stored, never in a request or answer */
            continue;
        set(props, f->name, field_schema(s, f));
        /* one schema serves requests and responses: a write-only field
         * never appears in a response, so it cannot be listed as required
         * (the server enforces it on input) */
        if ((f->flags & (AF_REQUIRED | AF_READONLY)) &&
            !(f->flags & AF_WRITEONLY))
            push(req, str(f->name));
    }
    set(o, "properties", props);
    if (!patched && json_array_size(req))
        set(o, "required", req);
    else
        json_decref(req);
    return o;
}

static json_t *paginated_schema(const char *item)
{
    json_t *o = json_object(), *props = json_object(), *req = json_array();
    set(o, "type", str("object"));
    set(props, "count", typed("integer", 0));
    json_t *next = typed("string", 1);
    set(next, "format", str("uri"));
    set(props, "next", next);
    json_t *prev = typed("string", 1);
    set(prev, "format", str("uri"));
    set(props, "previous", prev);
    json_t *res = typed("array", 0);
    set(res, "items", ref_to(item));
    set(props, "results", res);
    set(o, "properties", props);
    push(req, str("count"));
    push(req, str("results"));
    set(o, "required", req);
    return o;
}

static json_t *error_schema(void)
{
    json_t *o = json_object(), *props = json_object(), *req = json_array();
    static const char *const keys[] = { "type", "code", "detail", "attr" };
    set(o, "type", str("object"));
    for (int i = 0; i < 4; i++) {
        set(props, keys[i], typed("string", i == 3));
        push(req, str(keys[i]));
    }
    set(o, "properties", props);
    set(o, "required", req);
    return o;
}

static json_t *enum_schema(const ast_enum *e)
{
    json_t *o = json_object(), *vals = json_array();
    set(o, "type", str(e->is_int ? "integer" : "string"));
    for (size_t k = 0; k < e->nvalues; k++)
        push(vals, e->is_int ? json_integer(e->values[k].num)
                             : str(e->values[k].str));
    set(o, "enum", vals);
    return o;
}

/* A schema describing the shape of a JSON value (canned bodies). */
static json_t *shape_schema(const json_t *v)
{
    json_t *o;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        o = typed("object", 0);
        json_t *props = json_object();
        const char *key;
        json_t *m;
        json_object_foreach((json_t *)v, key, m)
            set(props, key, shape_schema(m));
        set(o, "properties", props);
        return o;
    }
    case JSON_ARRAY:
        o = typed("array", 0);
        if (json_array_size(v))
            set(o, "items", shape_schema(json_array_get(v, 0)));
        return o;
    case JSON_STRING: return typed("string", 0);
    case JSON_INTEGER: return typed("integer", 0);
    case JSON_REAL: return typed("number", 0);
    case JSON_TRUE: case JSON_FALSE: return typed("boolean", 0);
    default: return typed("null", 0);
    }
}

/* {"<member>": string}, the body of error/detail-style refusals. */
static json_t *message_schema(const char *member)
{
    json_t *o = typed("object", 0), *props = json_object(),
           *req = json_array();
    set(props, member, typed("string", 0));
    set(o, "properties", props);
    push(req, str(member));
    set(o, "required", req);
    return o;
}

/* The body schema of error status `code`, NULL for no body: the DRF Error
 * envelope for the generic refusals, the style of every check answering
 * it (oneOf when they differ). */
static json_t *error_response_schema(const ast_op *o, unsigned code)
{
    int drf = 0, err = 0, det = 0, empty = 0, by_check = 0;
    for (size_t i = 0; i < o->nchecks; i++)
        if ((unsigned)o->checks[i].status == code) {
            by_check = 1;
            switch (o->checks[i].style) {
            case STYLE_ERROR: err = 1; break;
            case STYLE_DETAIL: det = 1; break;
            case STYLE_EMPTY: empty = 1; break;
            default: drf = 1; break;
            }
        }
    /* statuses every operation can answer in the DRF envelope */
    int generic = code == 401 || code == 403 || code == 404 ||
                  ((code == 400 || code == 415) &&
                   (o->request_model >= 0 || o->media || o->reads_body)) ||
                  (code == 413 && o->reads_body) ||
                  (code == 507 && o->may_write);
    for (size_t i = 0; i < o->nerrors; i++)
        generic |= (unsigned)o->errors[i] == code;
    if (generic || !by_check)
        drf = 1;
    int n = drf + err + det;
    if (n == 0)
        return NULL; /* only empty-style checks */
    (void)empty;
    json_t *one[3];
    int k = 0;
    if (drf)
        one[k++] = ref_to("Error");
    if (err)
        one[k++] = message_schema("error");
    if (det)
        one[k++] = message_schema("detail");
    if (k == 1)
        return one[0];
    json_t *o2 = json_object(), *alts = json_array();
    for (int i = 0; i < k; i++)
        push(alts, one[i]);
    set(o2, "oneOf", alts);
    return o2;
}

/* The success body schema of a list operation. */
static json_t *list_schema(const spec *s, const ast_op *o, const char *mname)
{
    json_t *arr = typed("array", 0);
    set(arr, "items", ref_to(mname));
    switch (o->eff_envelope) {
    case ENV_PAGINATED: {
        char buf[512];
        json_decref(arr);
        snprintf(buf, sizeof buf, "Paginated%sList", mname);
        return ref_to(buf);
    }
    case ENV_COUNTED:
    case ENV_RESULTS: {
        json_t *obj = typed("object", 0), *props = json_object(),
               *req = json_array();
        if (o->eff_envelope == ENV_COUNTED) {
            set(props, "count", typed("integer", 0));
            push(req, str("count"));
        }
        set(props, "results", arr);
        push(req, str("results"));
        if (o->extra) {
            json_t *x = json_loads(o->extra, 0, NULL);
            const char *key;
            json_t *m;
            json_object_foreach(x, key, m) {
                set(props, key, shape_schema(m));
                push(req, str(key));
            }
            json_decref(x);
        }
        set(obj, "properties", props);
        set(obj, "required", req);
        return obj;
    }
    default:
        (void)s;
        return arr;
    }
}

/* ---- paths ------------------------------------------------------------- */

static const char *reason(unsigned code)
{
    switch (code) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 507: return "Insufficient Storage";
    default: return code < 300 ? "Success" : "Error";
    }
}

static const ast_param *find_param(const spec *s, const char *name, size_t n)
{
    for (size_t i = 0; i < s->nparams; i++)
        if (strlen(s->params[i].name) == n &&
            memcmp(s->params[i].name, name, n) == 0)
            return &s->params[i];
    return NULL;
}

static json_t *json_content(json_t *schema)
{
    json_t *c = json_object(), *mt = json_object();
    set(mt, "schema", schema);
    set(c, "application/json", mt);
    return c;
}

static json_t *query_param(const char *name, const char *desc)
{
    json_t *p = json_object();
    set(p, "name", str(name));
    set(p, "in", str("query"));
    set(p, "required", json_false());
    set(p, "description", str(desc));
    set(p, "schema", typed("integer", 0));
    return p;
}

static json_t *operation(const spec *s, const ast_op *o)
{
    const ast_resource *r = &s->resources[o->resource];
    json_t *op = json_object();
    set(op, "operationId", str(o->op_id));
    /* the documented success status, for coverage gates (tests/contract) */
    set(op, "x-specmock-success", json_integer(o->statuses[0]));
    json_t *tags = json_array();
    push(tags, str(r->name));
    set(op, "tags", tags);

    json_t *params = json_array();
    for (const char *p = strchr(o->path, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e)
            break;
        const ast_param *pa = find_param(s, p + 1, (size_t)(e - p - 1));
        json_t *j = json_object();
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(e - p - 1), p + 1);
        set(j, "name", str(name));
        set(j, "in", str("path"));
        set(j, "required", json_true());
        if (pa && pa->alias) {
            char d[512];
            snprintf(d, sizeof d, "Also accepts \"%s\".", pa->alias);
            set(j, "description", str(d));
        }
        json_t *sch = typed(pa && pa->kind == PK_INT ? "integer" : "string", 0);
        if (pa && pa->kind == PK_UUID)
            set(sch, "format", str("uuid"));
        set(j, "schema", sch);
        push(params, j);
    }
    if (o->flags & 1) {
        push(params, query_param("limit",
                                 "Number of results to return per page."));
        push(params, query_param("offset", "The initial index from which "
                                           "to return the results."));
    }
    for (size_t i = 0; i < o->nfilters; i++) {
        const ast_filter *f = &o->filters[i];
        json_t *j = json_object();
        set(j, "name", str(f->query));
        set(j, "in", str("query"));
        set(j, "required", f->message ? json_true() : json_false());
        set(j, "schema", typed("string", 0));
        push(params, j);
    }
    for (size_t i = 0; i < o->nchecks; i++) {
        const ast_check *c = &o->checks[i];
        if (c->source != SRC_QUERY)
            continue;
        int dup = 0;
        for (size_t k = 0; k < o->nfilters; k++)
            dup |= strcmp(o->filters[k].query, c->name) == 0;
        for (size_t k = 0; k < i; k++)
            dup |= o->checks[k].source == SRC_QUERY &&
                   strcmp(o->checks[k].name, c->name) == 0;
        if (dup)
            continue;
        json_t *j = json_object();
        set(j, "name", str(c->name));
        set(j, "in", str("query"));
        set(j, "required", c->test == TEST_PRESENT ? json_true()
                                                   : json_false());
        set(j, "schema", typed("string", 0));
        push(params, j);
    }
    if (json_array_size(params))
        set(op, "parameters", params);
    else
        json_decref(params);

    if (o->media) {
        /* raw bodies: one content entry per accepted media type */
        json_t *rb = json_object(), *content = json_object();
        char *copy = ast_strdup(o->media), *save = NULL;
        for (char *t = strtok_r(copy, " ", &save); t;
             t = strtok_r(NULL, " ", &save)) {
            json_t *mt = json_object(), *sch;
            if (strncmp(t, "multipart/", 10) == 0) {
                sch = typed("object", 0);
            } else {
                sch = typed("string", 0);
                set(sch, "format", str("binary"));
            }
            set(mt, "schema", sch);
            set(content, t, mt);
        }
        free(copy);
        set(rb, "content", content);
        set(op, "requestBody", rb);
    } else if (o->request_model >= 0) {
        const char *mname = s->models[o->request_model].name;
        char buf[512];
        if (o->method == M_PATCH && o->kind == OP_UPDATE) /* partial */
            snprintf(buf, sizeof buf, "Patched%s", mname);
        else
            snprintf(buf, sizeof buf, "%s", mname);
        json_t *rb = json_object();
        set(rb, "content", json_content(ref_to(buf)));
        set(op, "requestBody", rb);
    }

    if (o->eff_scope_mode != SCOPE_NONE) {
        char buf[512];
        if (o->eff_scope_mode == SCOPE_INTERNAL)
            snprintf(buf, sizeof buf, "INTERNAL");
        else
            snprintf(buf, sizeof buf, "%s:%s", o->eff_scope,
                     o->method == M_GET ? "read" : "write");
        json_t *sec = json_array(), *req = json_object(), *sc = json_array();
        push(sc, str(buf));
        set(req, "PersonalAPIKeyAuth", sc);
        push(sec, req);
        set(op, "security", sec);
    }

    json_t *resp = json_object();
    for (size_t k = 0; k < o->nstatuses; k++) {
        unsigned code = o->statuses[k];
        char key[8];
        snprintf(key, sizeof key, "%u", code);
        json_t *rj = json_object();
        set(rj, "description", str(k == 0 && (o->flags & 2)
                                   ? "No response body" : reason(code)));
        if (k > 0) {
            json_t *sch = error_response_schema(o, code);
            int may_be_empty = 0;
            for (size_t i = 0; i < o->nchecks; i++)
                may_be_empty |= (unsigned)o->checks[i].status == code &&
                                o->checks[i].style == STYLE_EMPTY;
            if (sch && may_be_empty) /* an empty-style check also answers it */
                set(rj, "x-specmock-may-be-empty", json_true());
            if (sch)
                set(rj, "content", json_content(sch));
            else
                set(rj, "description", str("No response body"));
        } else if (o->flags & 2) {
            /* no body */
        } else if (o->returns) {
            json_t *v = json_loads(o->returns, JSON_DECODE_ANY, NULL);
            json_t *content = json_content(shape_schema(v));
            set(json_object_get(content, "application/json"), "example", v);
            set(rj, "content", content);
        } else if (o->kind == OP_STREAM) {
            json_t *c = json_object(), *mt = json_object();
            set(mt, "schema", typed("string", 0));
            set(c, "text/event-stream", mt);
            set(rj, "content", c);
        } else if (o->kind == OP_CONTENT) {
            /* the media type is the record's: the values of a string enum
             * field, else application/octet-stream or any */
            json_t *c = json_object();
            const ast_model *m = &s->models[r->model.index];
            const ast_field *f = o->content_type.index >= 0
                                 ? &m->fields[o->content_type.index] : NULL;
            const ast_enum *e = f && f->type.kind == TY_ENUM
                                ? &s->enums[f->type.ref] : NULL;
            size_t nmt = e ? e->nvalues : 2;
            for (size_t t = 0; t < nmt; t++) {
                json_t *mt = json_object(), *sch = typed("string", 0);
                set(sch, "format", str("binary"));
                set(mt, "schema", sch);
                set(c, e ? e->values[t].str
                         : t == 0 ? "application/octet-stream" : "*/*", mt);
            }
            set(rj, "content", c);
        } else if (o->response_model >= 0) {
            const char *mname = s->models[o->response_model].name;
            json_t *sch = o->kind == OP_LIST ? list_schema(s, o, mname)
                                             : ref_to(mname);
            set(rj, "content", json_content(sch));
        }
        set(resp, key, rj);
    }
    set(op, "responses", resp);
    return op;
}

/* ---- document ---------------------------------------------------------- */

typedef struct named {
    char *name;      /* owned */
    json_t *schema;  /* owned until set into the document */
} named;

static int named_cmp(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

static void add_named(named **v, size_t *n, size_t *cap, const char *name,
                      json_t *schema)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i].name, name) == 0) { /* once per name */
            json_decref(schema);
            return;
        }
    named *slot = ast_push(v, cap, *n, sizeof **v);
    slot->name = ast_strdup(name);
    slot->schema = schema;
    (*n)++;
}

int emit_openapi(const spec *s, sbuf *out)
{
    const ast_api *a = &s->apis[0];
    json_t *root = json_object();
    sbuf banner;
    sb_init(&banner);
    emit_banner(&banner, s);
    set(root, "x-generated", str(banner.p));
    sb_free(&banner);
    set(root, "openapi", str("3.1.0"));
    json_t *info = json_object();
    set(info, "title", str(a->title));
    set(info, "version", str(a->version));
    set(root, "info", info);

    /* s->ops is sorted by path then method: one path item per run */
    json_t *paths = json_object();
    static const char *const verbs[] = {
        "", "get", "post", "put", "patch", "delete"
    };
    for (size_t i = 0; i < s->nops;) {
        json_t *item = json_object();
        size_t j = i;
        for (; j < s->nops && strcmp(s->ops[j]->path, s->ops[i]->path) == 0;
             j++)
            set(item, verbs[s->ops[j]->method], operation(s, s->ops[j]));
        set(paths, s->ops[i]->path, item);
        i = j;
    }
    set(root, "paths", paths);

    named *v = NULL;
    size_t n = 0, cap = 0;
    char buf[512];
    for (size_t i = 0; i < s->nmodels; i++)
        add_named(&v, &n, &cap, s->models[i].name,
                  model_schema(s, &s->models[i], 0));
    for (size_t i = 0; i < s->nenums; i++)
        add_named(&v, &n, &cap, s->enums[i].name, enum_schema(&s->enums[i]));
    for (size_t i = 0; i < s->nops; i++) {
        const ast_op *o = s->ops[i];
        if (o->method == M_PATCH && o->kind == OP_UPDATE &&
            o->request_model >= 0) {
            const ast_model *m = &s->models[o->request_model];
            snprintf(buf, sizeof buf, "Patched%s", m->name);
            add_named(&v, &n, &cap, buf, model_schema(s, m, 1));
        }
        if ((o->flags & 1) && o->response_model >= 0) {
            const char *mname = s->models[o->response_model].name;
            snprintf(buf, sizeof buf, "Paginated%sList", mname);
            add_named(&v, &n, &cap, buf, paginated_schema(mname));
        }
    }
    add_named(&v, &n, &cap, "Error", error_schema());
    qsort(v, n, sizeof *v, named_cmp);
    json_t *schemas = json_object();
    for (size_t i = 0; i < n; i++) {
        set(schemas, v[i].name, v[i].schema);
        free(v[i].name);
    }
    free(v);

    json_t *comp = json_object(), *secs = json_object(), *pak = json_object();
    set(comp, "schemas", schemas);
    set(pak, "type", str("http"));
    set(pak, "scheme", str("bearer"));
    set(secs, "PersonalAPIKeyAuth", pak);
    set(comp, "securitySchemes", secs);
    set(root, "components", comp);

    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text) {
        fputs("specmock-gen: cannot serialise the OpenAPI document\n",
              stderr);
        return -1;
    }
    sb_puts(out, text);
    sb_puts(out, "\n");
    free(text);
    return 0;
}
