/*
 * emit_openapi.c — writes generated/<api>.openapi.json, an OpenAPI 3.1
 * description of the same spec, with jansson.
 *
 * Every object is built in the order it should print (JSON_PRESERVE_ORDER):
 * x-generated, openapi, info, paths (sorted), components (schemas sorted by
 * name, then securitySchemes).  Schemas: one per model; Patched<Model> (no
 * required list) for models used as PATCH bodies; Paginated<Model>List for
 * paginated lists; one per enum; Error (the error envelope).
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
        set(props, f->name, field_schema(s, f));
        if (f->flags & (AF_REQUIRED | AF_READONLY))
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
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
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
    if (json_array_size(params))
        set(op, "parameters", params);
    else
        json_decref(params);

    if (o->request_model >= 0) {
        const char *mname = s->models[o->request_model].name;
        char buf[512];
        if (o->method == M_PATCH)
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
            set(rj, "content", json_content(ref_to("Error")));
        } else if (o->response_model >= 0) {
            const char *mname = s->models[o->response_model].name;
            json_t *sch;
            if (o->flags & 1) {
                char buf[512];
                snprintf(buf, sizeof buf, "Paginated%sList", mname);
                sch = ref_to(buf);
            } else if (o->kind == OP_LIST) {
                sch = typed("array", 0);
                set(sch, "items", ref_to(mname));
            } else {
                sch = ref_to(mname);
            }
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
        if (o->method == M_PATCH && o->request_model >= 0) {
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
