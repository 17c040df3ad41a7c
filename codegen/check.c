/*
 * check.c — semantic checks and resolution over the whole spec (check.h).
 *
 * Runs in declaration order: api, scopes, parameters, types (enums and
 * models share one namespace), fields, resources, operations, then the
 * global duplicate checks on operation ids and routes.  Every check reports
 * and carries on, so one run lists every problem; diag sorts the output.
 * Language v2 (docs/spec-v2.md) adds name checks of resource statements,
 * fills and operation options, JSON texts parsed with jansson (and stored
 * compact), and static rows files read relative to their spec file.
 */
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "parser.h"

/* ---- a small string → int hash table ---------------------------------- */

typedef struct symtab {
    const char **keys; /* borrowed                                          */
    int *vals;
    size_t cap, n;
} symtab;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* Value stored under `key`, or -1. */
static int sym_get(const symtab *t, const char *key)
{
    if (!t->cap || !key)
        return -1;
    for (size_t i = hash_str(key) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (!t->keys[i])
            return -1;
        if (strcmp(t->keys[i], key) == 0)
            return t->vals[i];
    }
}

/* Insert `key` → `val` unless present; returns the existing value or -1. */
static int sym_put(symtab *t, const char *key, int val)
{
    int old = sym_get(t, key);
    if (old >= 0)
        return old;
    if (2 * (t->n + 1) > t->cap) {
        symtab g = { 0 };
        g.cap = t->cap ? 2 * t->cap : 64;
        g.keys = calloc(g.cap, sizeof *g.keys);
        g.vals = calloc(g.cap, sizeof *g.vals);
        if (!g.keys || !g.vals)
            diag_oom();
        for (size_t i = 0; i < t->cap; i++)
            if (t->keys[i])
                sym_put(&g, t->keys[i], t->vals[i]);
        free(t->keys);
        free(t->vals);
        *t = g;
    }
    size_t i = hash_str(key) & (t->cap - 1);
    while (t->keys[i])
        i = (i + 1) & (t->cap - 1);
    t->keys[i] = key;
    t->vals[i] = val;
    t->n++;
    return -1;
}

static void sym_free(symtab *t)
{
    free(t->keys);
    free(t->vals);
    memset(t, 0, sizeof *t);
}

/* ---- context ----------------------------------------------------------- */

typedef struct ck {
    spec *s;
    symtab resources;     /* name → resource index                         */
    diag *d;
    ast_api *api;         /* the first api block, NULL if none             */
    symtab types;         /* name → enum index * 2, or model index * 2 + 1  */
    symtab params;        /* name → param index                            */
    symtab scopes;        /* name → index in api->scopes                   */
    const char **type_names; /* NULL-terminated, for did-you-mean           */
} ck;

static size_t file_rank(const spec *s, const char *file)
{
    for (size_t i = 0; i < s->nfiles; i++)
        if (s->files[i] == file || strcmp(s->files[i], file) == 0)
            return i;
    return s->nfiles;
}

/* 1 if `a` comes before `b` in the spec (files in command-line order). */
static int loc_before(const spec *s, sm_loc a, sm_loc b)
{
    size_t fa = file_rank(s, a.file), fb = file_rank(s, b.file);
    if (fa != fb)
        return fa < fb;
    return a.line != b.line ? a.line < b.line : a.col < b.col;
}

/* Location of byte `off` inside the string literal at `lit` (a guess when
 * the literal holds escapes or multi-byte characters before `off`). */
static sm_loc in_string(sm_loc lit, const char *str, size_t off)
{
    int col = lit.col + 1;
    for (size_t i = 0; i < off; i++)
        if (((unsigned char)str[i] & 0xC0) != 0x80)
            col++;
    return (sm_loc){ lit.file, lit.line, col };
}

/* ---- types ------------------------------------------------------------- */

static const char *type_label(const ck *c, const ast_field *f, char *buf,
                              size_t size)
{
    const ast_type *t = &f->type;
    const char *base;
    ty_kind k = t->kind == TY_ARRAY ? t->item : t->kind;
    base = (k == TY_NAMED || k == TY_ENUM || k == TY_MODEL) ? t->name
                                                            : ty_name(k);
    (void)c;
    if (t->kind == TY_ARRAY)
        snprintf(buf, size, "[%s%s]%s", base, t->item_nullable ? "?" : "",
                 (f->flags & AF_NULLABLE) ? "?" : "");
    else
        snprintf(buf, size, "%s%s", base, (f->flags & AF_NULLABLE) ? "?" : "");
    return buf;
}

/* Resolve a named type; reports unknown names.  Returns the resolved kind
 * (TY_ENUM / TY_MODEL) and sets *ref, or TY_NONE. */
static ty_kind resolve_type(ck *c, const char *name, sm_loc loc, int *ref)
{
    int v = sym_get(&c->types, name);
    if (v < 0) {
        const char *hint = suggest_word(name, strlen(name), c->type_names);
        if (hint)
            diag_error(c->d, loc, "unknown type '%s'; did you mean '%s'?",
                       name, hint);
        else
            diag_error(c->d, loc, "unknown type '%s'", name);
        *ref = -1;
        return TY_NONE;
    }
    *ref = v >> 1;
    return (v & 1) ? TY_MODEL : TY_ENUM;
}

/* Resolve a reference that must name a model. */
static int resolve_model(ck *c, ast_ref *r)
{
    int v = sym_get(&c->types, r->name);
    if (v < 0) {
        const char *hint = suggest_word(r->name, strlen(r->name),
                                        c->type_names);
        if (hint)
            diag_error(c->d, r->loc, "unknown model '%s'; did you mean "
                       "'%s'?", r->name, hint);
        else
            diag_error(c->d, r->loc, "unknown model '%s'", r->name);
        return r->index = -1;
    }
    if (!(v & 1)) {
        diag_error(c->d, r->loc, "'%s' is an enum, not a model", r->name);
        return r->index = -1;
    }
    return r->index = v >> 1;
}

static void declare_types(ck *c)
{
    spec *s = c->s;
    static const char *const builtins[] = {
        "int", "number", "bool", "string", "datetime", "uuid", "object",
        "any", NULL
    };
    size_t total = s->nenums + s->nmodels, k = 0;
    c->type_names = calloc(total + 9, sizeof *c->type_names);
    if (!c->type_names)
        diag_oom();
    for (size_t i = 0; builtins[i]; i++)
        c->type_names[k++] = builtins[i];
    /* enums and models in source order, so "previous definition" is the
     * earlier one whichever kind it is */
    size_t ie = 0, im = 0;
    while (ie < s->nenums || im < s->nmodels) {
        int take_enum = im >= s->nmodels ||
                        (ie < s->nenums && loc_before(s, s->enums[ie].loc,
                                                      s->models[im].loc));
        const char *name = take_enum ? s->enums[ie].name : s->models[im].name;
        sm_loc loc = take_enum ? s->enums[ie].loc : s->models[im].loc;
        int val = take_enum ? (int)ie * 2 : (int)im * 2 + 1;
        const char *what = take_enum ? "enum" : "model";
        if (take_enum)
            ie++;
        else
            im++;
        if (!name)
            continue;
        int is_builtin = 0;
        for (size_t b = 0; builtins[b]; b++)
            is_builtin |= strcmp(builtins[b], name) == 0;
        if (is_builtin) {
            diag_error(c->d, loc, "%s name '%s' is a built-in type", what,
                       name);
            continue;
        }
        int old = sym_put(&c->types, name, val);
        if (old >= 0) {
            sm_loc prev = (old & 1) ? s->models[old >> 1].loc
                                    : s->enums[old >> 1].loc;
            const char *pwhat = (old & 1) ? "model" : "enum";
            if (strcmp(pwhat, what) == 0)
                diag_error(c->d, loc, "duplicate %s '%s'", what, name);
            else
                diag_error(c->d, loc, "%s '%s' has the same name as %s %s",
                           what, name, (old & 1) ? "a" : "an", pwhat);
            diag_note(c->d, prev, "previous definition is here");
            continue;
        }
        c->type_names[k++] = name;
    }
    /* names the OpenAPI document derives (emit_openapi.c) */
    for (size_t i = 0; i < s->nmodels + s->nenums; i++) {
        int is_model = i < s->nmodels;
        const char *name = is_model ? s->models[i].name
                                    : s->enums[i - s->nmodels].name;
        sm_loc loc = is_model ? s->models[i].loc : s->enums[i - s->nmodels].loc;
        const char *what = is_model ? "model" : "enum";
        size_t n = name ? strlen(name) : 0;
        char base[256];
        if (!name)
            continue;
        if (strcmp(name, "Error") == 0) {
            diag_error(c->d, loc, "%s name 'Error' is reserved for the error "
                       "schema of the OpenAPI document", what);
            continue;
        }
        base[0] = '\0';
        if (n > 7 && n - 7 < sizeof base && strncmp(name, "Patched", 7) == 0)
            snprintf(base, sizeof base, "%s", name + 7);
        else if (n > 13 && n - 13 < sizeof base &&
                 strncmp(name, "Paginated", 9) == 0 &&
                 strcmp(name + n - 4, "List") == 0)
            snprintf(base, sizeof base, "%.*s", (int)(n - 13), name + 9);
        int v = base[0] ? sym_get(&c->types, base) : -1;
        if (v >= 0 && (v & 1))
            diag_error(c->d, loc, "%s name '%s' clashes with the OpenAPI "
                       "schema derived from model '%s'", what, name, base);
    }
}

static void check_enums(ck *c)
{
    for (size_t i = 0; i < c->s->nenums; i++) {
        ast_enum *e = &c->s->enums[i];
        if (e->nvalues == 0)
            diag_error(c->d, e->loc, "enum '%s' has no values", e->name);
        if (e->nvalues > UINT16_MAX)
            diag_error(c->d, e->loc, "enum '%s' has more than %u values",
                       e->name, UINT16_MAX);
        char buf[32];
        /* quadratic, but enums are short */
        for (size_t k = 0; k < e->nvalues; k++) {
            ast_lit *v = &e->values[k];
            const char *key = v->str;
            if (e->is_int) {
                /* integers: compare by text of the value */
                snprintf(buf, sizeof buf, "%lld", (long long)v->num);
                key = buf;
            }
            size_t j;
            for (j = 0; j < k; j++) {
                ast_lit *w = &e->values[j];
                if (e->is_int ? w->num == v->num : strcmp(w->str, v->str) == 0)
                    break;
            }
            if (j < k) {
                if (e->is_int)
                    diag_error(c->d, v->loc, "duplicate value %s in enum "
                               "'%s'", key, e->name);
                else
                    diag_error(c->d, v->loc, "duplicate value \"%s\" in enum "
                               "'%s'", key, e->name);
                diag_note(c->d, e->values[j].loc,
                          "previous definition is here");
            }
        }
    }
}

/* ---- literals ---------------------------------------------------------- */

static int is_hex(int ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
           (ch >= 'A' && ch <= 'F');
}

/* Canonical 8-4-4-4-12 hex UUID. */
static int is_uuid(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    size_t i;
    for (i = 0; shape[i]; i++)
        if (shape[i] == '-' ? s[i] != '-' : !is_hex((unsigned char)s[i]))
            return 0;
    return s[i] == '\0';
}

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* YYYY-MM-DDThh:mm[:ss[.f+]](Z|+hh:mm|-hh:mm) — the format the runtime
 * accepts for datetime fields (docs/contracts.md §6). */
static int is_datetime(const char *s)
{
    if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2))
        return 0;
    s += 16;
    if (*s == ':') {
        if (!digits(s + 1, 2))
            return 0;
        s += 3;
        if (*s == '.') {
            s++;
            if (!digits(s, 1))
                return 0;
            while (*s >= '0' && *s <= '9')
                s++;
        }
    }
    if (*s == 'Z' || *s == 'z')
        return s[1] == '\0';
    if (*s == '+' || *s == '-')
        return digits(s + 1, 2) && s[3] == ':' && digits(s + 4, 2) &&
               s[6] == '\0';
    return 0;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static const char *lit_describe(const ast_lit *l, char *buf, size_t size)
{
    switch (l->kind) {
    case LIT_STRING: snprintf(buf, size, "string \"%s\"", l->str); break;
    case LIT_INT: snprintf(buf, size, "integer %lld", (long long)l->num); break;
    case LIT_TRUE: snprintf(buf, size, "true"); break;
    case LIT_FALSE: snprintf(buf, size, "false"); break;
    case LIT_NULL: snprintf(buf, size, "null"); break;
    case LIT_EMPTY_ARRAY: snprintf(buf, size, "[]"); break;
    case LIT_EMPTY_OBJECT: snprintf(buf, size, "{}"); break;
    }
    return buf;
}

/* Check the default of `f` (already resolved) against its type. */
static void check_default(ck *c, const ast_model *m, const ast_field *f)
{
    const ast_lit *l = &f->def;
    char tb[160], lb[200], wb[160];
    const char *want = NULL;
    (void)m;
    if (l->kind == LIT_NULL) {
        /* `any` holds anything, null included */
        if (!(f->flags & AF_NULLABLE) && f->type.kind != TY_ANY)
            diag_error(c->d, l->loc, "default null for non-nullable field "
                       "'%s'; write '%s?' to allow null", f->name,
                       type_label(c, f, tb, sizeof tb));
        return;
    }
    switch (f->type.kind) {
    case TY_INT:
    case TY_NUMBER:
        if (l->kind != LIT_INT) {
            want = f->type.kind == TY_INT ? "an integer" : "a number";
            break;
        }
        if ((f->flags & AF_MIN) && l->num < f->min)
            diag_error(c->d, l->loc, "default %lld of field '%s' is less "
                       "than its min %lld", (long long)l->num, f->name,
                       (long long)f->min);
        if ((f->flags & AF_MAX) && l->num > f->max)
            diag_error(c->d, l->loc, "default %lld of field '%s' is greater "
                       "than its max %lld", (long long)l->num, f->name,
                       (long long)f->max);
        return;
    case TY_BOOL:
        if (l->kind != LIT_TRUE && l->kind != LIT_FALSE)
            want = "true or false";
        break;
    case TY_STRING:
        if (l->kind != LIT_STRING) {
            want = "a string";
            break;
        }
        if ((f->flags & AF_MAXLEN) && (int64_t)utf8_chars(l->str) > f->maxlen)
            diag_error(c->d, l->loc, "default of field '%s' is longer than "
                       "its maxlen %lld", f->name, (long long)f->maxlen);
        if ((f->flags & AF_NOTBLANK) && l->str[0] == '\0')
            diag_error(c->d, l->loc, "default of notblank field '%s' is "
                       "blank", f->name);
        return;
    case TY_DATETIME:
        if (l->kind != LIT_STRING || !is_datetime(l->str))
            want = "a date-time string such as \"2024-01-31T12:00:00Z\"";
        break;
    case TY_UUID:
        if (l->kind != LIT_STRING || !is_uuid(l->str))
            want = "a UUID string such as "
                   "\"01936a3e-5c1f-7000-8000-000000000001\"";
        break;
    case TY_OBJECT:
        if (l->kind != LIT_EMPTY_OBJECT)
            want = "{}";
        break;
    case TY_ANY:
        return;
    case TY_ARRAY:
        if (l->kind != LIT_EMPTY_ARRAY)
            want = "[]";
        break;
    case TY_MODEL:
        want = "null (a model field can only default to null)";
        break;
    case TY_ENUM: {
        const ast_enum *e = &c->s->enums[f->type.ref];
        if (e->is_int ? l->kind != LIT_INT : l->kind != LIT_STRING) {
            snprintf(wb, sizeof wb, "%s of enum '%s'",
                     e->is_int ? "an integer value" : "a string value",
                     e->name);
            want = wb;
            break;
        }
        for (size_t k = 0; k < e->nvalues; k++)
            if (e->is_int ? e->values[k].num == l->num
                          : strcmp(e->values[k].str, l->str) == 0)
                return;
        if (e->is_int)
            diag_error(c->d, l->loc, "default %lld of field '%s' is not a "
                       "value of enum '%s'", (long long)l->num, f->name,
                       e->name);
        else
            diag_error(c->d, l->loc, "default \"%s\" of field '%s' is not a "
                       "value of enum '%s'", l->str, f->name, e->name);
        return;
    }
    default:
        return; /* unresolved type: already reported */
    }
    if (want)
        diag_error(c->d, l->loc, "default of field '%s' does not match its "
                   "type '%s': expected %s, got %s", f->name,
                   type_label(c, f, tb, sizeof tb), want,
                   lit_describe(l, lb, sizeof lb));
}

/* ---- models ------------------------------------------------------------ */

static void check_field(ck *c, ast_model *m, ast_field *f)
{
    char tb[160];
    ast_type *t = &f->type;
    /* resolve */
    if (t->kind == TY_NAMED) {
        t->kind = resolve_type(c, t->name, t->loc, &t->ref);
        if (t->kind == TY_NONE)
            return;
    } else if (t->kind == TY_ARRAY && t->item == TY_NAMED) {
        sm_loc at = { t->loc.file, t->loc.line, t->loc.col + 1 };
        t->item = resolve_type(c, t->name, at, &t->ref);
        if (t->item == TY_NONE)
            return;
    }
    const char *tl = type_label(c, f, tb, sizeof tb);

    if ((f->flags & AF_READONLY) && (f->flags & AF_WRITEONLY))
        diag_error(c->d, f->loc, "field '%s' cannot be both readonly and "
                   "writeonly", f->name);
    if ((f->flags & AF_READONLY) && (f->flags & AF_REQUIRED))
        diag_error(c->d, f->loc, "field '%s' cannot be both readonly and "
                   "required (clients never send it)", f->name);
    if ((f->flags & AF_MAXLEN) && t->kind != TY_STRING)
        diag_error(c->d, f->maxlen_loc, "'maxlen' applies to strings, but "
                   "field '%s' is '%s'", f->name, tl);
    else if ((f->flags & AF_MAXLEN) && f->maxlen < 0)
        diag_error(c->d, f->maxlen_loc, "negative maxlen %lld on field '%s'",
                   (long long)f->maxlen, f->name);
    if ((f->flags & AF_NOTBLANK) && t->kind != TY_STRING)
        diag_error(c->d, f->notblank_loc, "'notblank' applies to strings, "
                   "but field '%s' is '%s'", f->name, tl);
    int numeric = t->kind == TY_INT || t->kind == TY_NUMBER;
    if ((f->flags & AF_MIN) && !numeric)
        diag_error(c->d, f->min_loc, "'min' applies to int and number, but "
                   "field '%s' is '%s'", f->name, tl);
    if ((f->flags & AF_MAX) && !numeric)
        diag_error(c->d, f->max_loc, "'max' applies to int and number, but "
                   "field '%s' is '%s'", f->name, tl);
    if (numeric && (f->flags & AF_MIN) && (f->flags & AF_MAX) &&
        f->min > f->max)
        diag_error(c->d, f->max_loc, "max %lld of field '%s' is less than "
                   "its min %lld", (long long)f->max, f->name,
                   (long long)f->min);
    if (f->has_default)
        check_default(c, m, f);
    if ((f->flags & AF_HIDDEN) &&
        (!(f->flags & AF_READONLY) || f->fill == FILL_NONE ||
         f->fill == FILL_CHILDREN))
        diag_error(c->d, f->hidden_loc, "hidden field '%s' needs 'readonly' "
                   "and a server fill other than 'children' (it is never "
                   "rendered, so only the server can set it)", f->name);

    if (f->fill == FILL_NONE)
        return;
    static const char *const fill_names[] = {
        "", "auto", "now", "caller", "uuid", "token", "param", "segments",
        "copy", "children", "user"
    };
    if (f->has_default)
        diag_error(c->d, f->def.loc, "field '%s' has both a default and the "
                   "server fill '%s'; the default would never be used",
                   f->name, fill_names[f->fill]);
    if (f->flags & AF_WRITEONLY)
        diag_error(c->d, f->fill_loc, "server fill '%s' on writeonly field "
                   "'%s' would never be rendered", fill_names[f->fill],
                   f->name);
    ty_kind need = TY_NONE;
    switch (f->fill) {
    case FILL_AUTO: need = TY_INT; break;
    case FILL_NOW: need = TY_DATETIME; break;
    case FILL_UUID: need = TY_UUID; break;
    case FILL_TOKEN: need = TY_STRING; break;
    case FILL_SEGMENTS: need = TY_INT; break;
    case FILL_COPY: case FILL_CHILDREN: case FILL_USER:
        return; /* check_fills_v2, once every model is resolved */
    case FILL_CALLER:
        if (f->fill_arg)
            return; /* check_fills_v2 */
        if (c->api && c->api->user.index >= 0 &&
            !(t->kind == TY_MODEL && t->ref == c->api->user.index))
            diag_error(c->d, f->fill_loc, "server fill 'caller' needs a "
                       "field of the user model '%s', but field '%s' is "
                       "'%s'", c->api->user.name, f->name, tl);
        else if (c->api && !c->api->user.name)
            diag_error(c->d, f->fill_loc, "server fill 'caller' needs a "
                       "user model; add 'user MODEL' to the api block");
        return;
    case FILL_PARAM: {
        int pi = sym_get(&c->params, f->fill_arg);
        if (pi < 0) {
            diag_error(c->d, f->fill_loc, "unknown path parameter '%s' in "
                       "server fill of field '%s'", f->fill_arg, f->name);
            return;
        }
        param_kind pk = c->s->params[pi].kind;
        int ok = pk == PK_INT ? t->kind == TY_INT
               : pk == PK_UUID ? (t->kind == TY_UUID || t->kind == TY_STRING)
               : t->kind == TY_STRING;
        if (!ok)
            diag_error(c->d, f->fill_loc, "path parameter '%s' is '%s', but "
                       "field '%s' is '%s'", f->fill_arg,
                       pk == PK_INT ? "int" : pk == PK_UUID ? "uuid"
                                                            : "string",
                       f->name, tl);
        return;
    }
    default:
        return;
    }
    if (t->kind != need)
        diag_error(c->d, f->fill_loc, "server fill '%s' needs type '%s', "
                   "but field '%s' is '%s'", fill_names[f->fill],
                   ty_name(need), f->name, tl);
}

static void check_models(ck *c)
{
    for (size_t i = 0; i < c->s->nmodels; i++) {
        ast_model *m = &c->s->models[i];
        symtab seen = { 0 };
        if (m->nfields > UINT16_MAX)
            diag_error(c->d, m->loc, "model '%s' has more than %u fields",
                       m->name, UINT16_MAX);
        for (size_t k = 0; k < m->nfields; k++) {
            ast_field *f = &m->fields[k];
            int old = sym_put(&seen, f->name, (int)k);
            if (old >= 0) {
                diag_error(c->d, f->loc, "duplicate field '%s' in model '%s'",
                           f->name, m->name);
                diag_note(c->d, m->fields[old].loc,
                          "previous definition is here");
            }
            check_field(c, m, f);
        }
        sym_free(&seen);
    }
}

/* ---- api, scopes, params ----------------------------------------------- */

/* Check the {param} names in one piece of a path template: declared,
 * well-formed.  `lit` is the string literal's location. */
static void check_template(ck *c, const char *path, sm_loc lit,
                           const char *what, int may_be_empty)
{
    if (path[0] == '\0' && may_be_empty)
        return;
    if (path[0] != '/') {
        diag_error(c->d, lit, "%s \"%s\" must start with '/'", what, path);
        return;
    }
    for (const char *p = path; *p; p++) {
        if (*p == '/' && p[1] == '/') {
            diag_error(c->d, in_string(lit, path, (size_t)(p - path)),
                       "empty segment '//' in %s \"%s\"", what, path);
            return;
        }
        if (*p == '}') {
            diag_error(c->d, in_string(lit, path, (size_t)(p - path)),
                       "unbalanced '}' in %s \"%s\"", what, path);
            return;
        }
        if (*p == '?' || *p == '#' || *p == ' ') {
            diag_error(c->d, in_string(lit, path, (size_t)(p - path)),
                       "character '%c' is not allowed in %s \"%s\"", *p,
                       what, path);
            return;
        }
        if (*p != '{')
            continue;
        const char *close = strchr(p, '}');
        const char *next_open = strchr(p + 1, '{');
        sm_loc at = in_string(lit, path, (size_t)(p - path));
        if (!close || (next_open && next_open < close)) {
            diag_error(c->d, at, "unbalanced '{' in %s \"%s\"", what, path);
            return;
        }
        if (p[-1] != '/' || (close[1] != '/' && close[1] != '\0')) {
            diag_error(c->d, at, "path parameter must be a whole segment in "
                       "%s \"%s\"", what, path);
            return;
        }
        size_t n = (size_t)(close - p - 1);
        char name[128];
        if (n == 0 || n >= sizeof name) {
            diag_error(c->d, at, "invalid path parameter '%.*s' in %s",
                       (int)(close - p + 1), p, what);
            return;
        }
        memcpy(name, p + 1, n);
        name[n] = '\0';
        if (sym_get(&c->params, name) < 0)
            diag_error(c->d, at, "path parameter '%s' is not declared; add "
                       "'param %s int' (or uuid, string)", name, name);
        p = close;
    }
}

static void check_api(ck *c)
{
    spec *s = c->s;
    if (s->napis == 0) {
        sm_loc at = { s->nfiles ? s->files[0] : "spec", 1, 1 };
        diag_error(c->d, at, "missing 'api' declaration; one spec file "
                   "must declare 'api NAME { ... }'");
        return;
    }
    c->api = &s->apis[0];
    for (size_t i = 1; i < s->napis; i++) {
        diag_error(c->d, s->apis[i].loc, "duplicate 'api' declaration '%s'; "
                   "a spec has exactly one", s->apis[i].name ? s->apis[i].name
                                                              : "?");
        diag_note(c->d, s->apis[0].loc, "previous definition is here");
    }
    ast_api *a = c->api;
    if (!a->name)
        return;
    if (!a->title)
        diag_error(c->d, a->loc, "api '%s' has no 'title'", a->name);
    if (!a->version)
        diag_error(c->d, a->loc, "api '%s' has no 'version'", a->name);
    if (a->nscopes > UINT16_MAX)
        diag_error(c->d, a->loc, "api '%s' declares more than %u scopes",
                   a->name, UINT16_MAX);
    for (size_t i = 0; i < a->nscopes; i++) {
        ast_ref *r = &a->scopes[i];
        if (strcmp(r->name, "INTERNAL") == 0 || strcmp(r->name, "none") == 0) {
            diag_error(c->d, r->loc, "scope object name '%s' is reserved",
                       r->name);
            continue;
        }
        int old = sym_put(&c->scopes, r->name, (int)i);
        if (old >= 0) {
            diag_error(c->d, r->loc, "duplicate scope object '%s'", r->name);
            diag_note(c->d, a->scopes[old].loc, "previous definition is here");
        }
    }
}

static void check_params(ck *c)
{
    spec *s = c->s;
    if (s->nparams > UINT16_MAX)
        diag_error(c->d, s->params[0].loc, "more than %u path parameters",
                   UINT16_MAX);
    for (size_t i = 0; i < s->nparams; i++) {
        ast_param *p = &s->params[i];
        if (!p->name)
            continue;
        int old = sym_put(&c->params, p->name, (int)i);
        if (old >= 0) {
            diag_error(c->d, p->loc, "duplicate parameter '%s'", p->name);
            diag_note(c->d, s->params[old].loc, "previous definition is here");
        }
    }
}

static void check_scope_ref(ck *c, const char *name, sm_loc loc)
{
    if (sym_get(&c->scopes, name) >= 0)
        return;
    const char **names = calloc(c->api ? c->api->nscopes + 1 : 1,
                                sizeof *names);
    if (!names)
        diag_oom();
    for (size_t i = 0; c->api && i < c->api->nscopes; i++)
        names[i] = c->api->scopes[i].name;
    const char *hint = suggest_word(name, strlen(name), names);
    if (hint)
        diag_error(c->d, loc, "scope object '%s' is not declared in "
                   "'scopes'; did you mean '%s'?", name, hint);
    else
        diag_error(c->d, loc, "scope object '%s' is not declared in "
                   "'scopes'", name);
    free(names);
}

/* ---- resources and operations ------------------------------------------ */

char *path_join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na && a[na - 1] == '/' && nb && b[0] == '/')
        b++, nb--;
    char *r = malloc(na + nb + 1);
    if (!r)
        diag_oom();
    memcpy(r, a, na);
    memcpy(r + na, b, nb + 1);
    return r;
}

static int field_index(const ast_model *m, const char *name)
{
    for (size_t k = 0; k < m->nfields; k++)
        if (strcmp(m->fields[k].name, name) == 0)
            return (int)k;
    return -1;
}

static int same_type(const ast_field *a, const ast_field *b)
{
    return a->type.kind == b->type.kind && a->type.item == b->type.item &&
           a->type.ref == b->type.ref;
}

static int cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

/* 1 when the runtime may build a missing parent record of r on the way to
 * one of its records (runtime parent_chain: at any level, the child is
 * `parent P build` or the parent is a singleton): even a GET may write. */
static int chain_builds(const spec *s, const ast_resource *r)
{
    for (size_t depth = 0; r && r->parent.index >= 0 &&
                           (size_t)r->parent.index < s->nresources &&
                           depth < s->nresources; depth++) {
        const ast_resource *p = &s->resources[r->parent.index];
        if ((r->rflags & RF_PARENT_BUILD) || (p->rflags & RF_SINGLETON))
            return 1;
        r = p;
    }
    return 0;
}

/* The runtime's pipeline and errors.def, generically: an operation reads a
 * body (step 6: size 413, media type 415, JSON 400) when it is a create, an
 * update or a non-GET action; it may write the store (a full map answers
 * 507) when it is not a refuse, its resource is not static, and it is not a
 * GET or its parent chain builds missing parents. */
static void derive_io(const spec *s, const ast_resource *r, ast_op *o)
{
    /* as runtime/server.c op_reads_body: DRF parses a body only when the
     * view reads request.data */
    o->reads_body = o->kind == OP_CREATE || o->kind == OP_UPDATE;
    if (o->kind == OP_ACTION && o->method != M_GET) {
        o->reads_body = o->request_model >= 0 || o->media ||
                        o->move_field.name != NULL;
        for (size_t i = 0; i < o->nsets; i++)
            o->reads_body |= o->sets[i].from == SET_BODY ||
                             o->sets[i].from == SET_BODY_WRAP;
        for (size_t i = 0; i < o->nchecks; i++)
            o->reads_body |= o->checks[i].source == SRC_BODY;
    }
    o->may_write = o->kind != OP_REFUSE && !(r->rflags & RF_STATIC) &&
                   (o->method != M_GET || chain_builds(s, r));
}

static void derive_statuses(ast_op *o)
{
    size_t cap = 8 + o->nerrors + o->nchecks, n = 0;
    uint16_t *v = malloc(cap * sizeof *v);
    if (!v)
        diag_oom();
    /* a body can be refused as malformed or of the wrong media type when
     * the operation reads one or declares a request model or media */
    if (o->request_model >= 0 || o->media || o->reads_body) {
        v[n++] = 400;
        v[n++] = 415;
    }
    if (o->reads_body)
        v[n++] = 413; /* over --max-body */
    if (o->may_write)
        v[n++] = 507; /* the store is full */
    v[n++] = 401;
    v[n++] = 403;
    v[n++] = 404;
    for (size_t i = 0; i < o->nerrors; i++)
        v[n++] = (uint16_t)o->errors[i];
    for (size_t i = 0; i < o->nchecks; i++)
        v[n++] = (uint16_t)o->checks[i].status;
    qsort(v, n, sizeof *v, cmp_u16);
    o->statuses = malloc((n + 1) * sizeof *o->statuses);
    if (!o->statuses)
        diag_oom();
    o->statuses[0] = (uint16_t)o->status;
    o->nstatuses = 1;
    for (size_t i = 0; i < n; i++)
        if (v[i] != o->status &&
            o->statuses[o->nstatuses - 1] != v[i])
            o->statuses[o->nstatuses++] = v[i];
    free(v);
}

/* After every resource is checked (parents resolved): the statuses. */
static void derive_all_statuses(ck *c)
{
    for (size_t i = 0; i < c->s->nresources; i++) {
        ast_resource *r = &c->s->resources[i];
        for (size_t k = 0; k < r->nops; k++) {
            ast_op *o = &r->ops[k];
            if (!o->op_id)
                continue; /* not checked (an earlier error) */
            derive_io(c->s, r, o);
            derive_statuses(o);
            if (o->nstatuses > UINT8_MAX)
                diag_error(c->d, o->loc, "operation '%s' documents more "
                           "than %u statuses", o->op_id, UINT8_MAX);
        }
    }
}

/* ---- v2 helpers -------------------------------------------------------- */

/* Field `name` of model `mi`, or -1 after "unknown field 'x' in model 'M'"
 * (with a did-you-mean hint) naming `what` (e.g. "'key'"). */
static int field_of(ck *c, int mi, const char *name, sm_loc loc,
                    const char *what)
{
    if (mi < 0 || !name)
        return -1;
    const ast_model *m = &c->s->models[mi];
    int k = field_index(m, name);
    if (k >= 0)
        return k;
    const char **names = calloc(m->nfields + 1, sizeof *names);
    if (!names)
        diag_oom();
    for (size_t i = 0; i < m->nfields; i++)
        names[i] = m->fields[i].name;
    const char *hint = suggest_word(name, strlen(name), names);
    if (hint)
        diag_error(c->d, loc, "%s names '%s', which is not a field of model "
                   "'%s'; did you mean '%s'?", what, name, m->name, hint);
    else
        diag_error(c->d, loc, "%s names '%s', which is not a field of model "
                   "'%s'", what, name, m->name);
    free(names);
    return -1;
}

static int ci_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* Prefix k of tokens filter f (model m, index mi): its fields exist and
 * fit its match, its name is unique in the filter (ignoring case). */
static void check_prefix(ck *c, int mi, const ast_model *m, ast_filter *f,
                         size_t k)
{
    ast_prefix *x = &f->prefixes[k];
    static const char *const how[] = { "", "contains", "parents", "basename",
                                       "exact", "exact-or-prefix", "user" };
    if (!x->name[0] || strchr(x->name, ':') || strchr(x->name, ' '))
        diag_error(c->d, x->name_loc, "prefix name '%s' must be non-empty, "
                   "without ':' or spaces", x->name);
    for (size_t j = 0; j < k; j++)
        if (ci_equal(f->prefixes[j].name, x->name)) {
            diag_error(c->d, x->name_loc, "duplicate prefix '%s' in filter "
                       "'%s' (names ignore case)", x->name, f->query);
            diag_note(c->d, f->prefixes[j].name_loc, "previous definition "
                      "is here");
            break;
        }
    for (size_t j = 0; j < x->nfields; j++)
        x->fields[j].index = field_of(c, mi, x->fields[j].name,
                                      x->fields[j].loc, "'prefix'");
    if (!m || x->fields[0].index < 0)
        return;
    const ast_field *fd = &m->fields[x->fields[0].index];
    ty_kind t = fd->type.kind;
    if ((x->how == PM_PARENTS || x->how == PM_BASENAME) && t != TY_STRING)
        diag_error(c->d, x->fields[0].loc, "prefix match '%s' needs a string "
                   "field ('/'-path), but '%s' is '%s'", how[x->how],
                   fd->name, ty_name(t));
    if (x->how != PM_USER)
        return;
    int um = c->api ? c->api->user.index : -1;
    if (t != TY_OBJECT && t != TY_ANY && !(t == TY_MODEL && fd->type.ref == um))
        diag_error(c->d, x->fields[0].loc, "prefix match 'user' needs a "
                   "field holding a user object, but '%s' is '%s'", fd->name,
                   ty_name(t));
    if (t != TY_MODEL || fd->type.ref != um || um < 0)
        return;
    const ast_model *u = &c->s->models[um];
    for (size_t j = 0; j < x->nmembers; j++) {
        const char *p = x->members[j];
        int any = 0;
        while (*p) {
            while (*p == ' ')
                p++;
            const char *b = p;
            while (*p && *p != ' ')
                p++;
            if (p == b)
                break;
            any = 1;
            char *name = ast_strndup(b, (size_t)(p - b));
            if (field_index(u, name) < 0)
                diag_error(c->d, x->member_locs[j], "prefix member '%s' is "
                           "not a field of the user model '%s'", name,
                           u->name);
            free(name);
        }
        if (!any)
            diag_error(c->d, x->member_locs[j], "empty prefix member text");
    }
}

/* Resource `name`, or -1 after an error naming `what`. */
static int resource_of(ck *c, const char *name, sm_loc loc, const char *what)
{
    int v = sym_get(&c->resources, name);
    if (v >= 0)
        return v;
    const char **names = calloc(c->s->nresources + 1, sizeof *names);
    if (!names)
        diag_oom();
    for (size_t i = 0; i < c->s->nresources; i++)
        names[i] = c->s->resources[i].name;
    const char *hint = suggest_word(name, strlen(name), names);
    if (hint)
        diag_error(c->d, loc, "unknown resource '%s' in %s; did you mean "
                   "'%s'?", name, what, hint);
    else
        diag_error(c->d, loc, "unknown resource '%s' in %s", name, what);
    free(names);
    return -1;
}

/* Parse JSON text written in the spec; `want`: 'o' object, 'a' array, 0
 * any.  Returns the value (caller decrefs) or NULL after an error. */
static json_t *json_of(ck *c, const char *text, sm_loc loc, int want,
                       const char *what)
{
    json_error_t err;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &err);
    if (!v) {
        diag_error(c->d, loc, "%s is not valid JSON: %s (at character %d)",
                   what, err.text, err.position);
        return NULL;
    }
    if ((want == 'o' && !json_is_object(v)) ||
        (want == 'a' && !json_is_array(v))) {
        diag_error(c->d, loc, "%s must be a JSON %s", what,
                   want == 'o' ? "object" : "array");
        json_decref(v);
        return NULL;
    }
    return v;
}

/* Compact JSON text of `v` (keeps member order); malloc'd. */
static char *json_compact(const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        diag_oom();
    char *r = ast_strdup(s);
    free(s);
    return r;
}

/* Replace the JSON text *text by its compact form (after checking it). */
static json_t *json_normalize(ck *c, char **text, sm_loc loc, int want,
                              const char *what)
{
    json_t *v = json_of(c, *text, loc, want, what);
    if (v) {
        free(*text);
        *text = json_compact(v);
    }
    return v;
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* Does JSON value `v` fit a value of kind k (ref: enum/model)?  Returns
 * NULL, or what was expected. */
static const char *json_fits_kind(ck *c, ty_kind k, int ref, const json_t *v)
{
    switch (k) {
    case TY_INT:
        return json_is_integer(v) ? NULL : "an integer";
    case TY_NUMBER:
        return json_is_number(v) ? NULL : "a number";
    case TY_BOOL:
        return json_is_boolean(v) ? NULL : "true or false";
    case TY_STRING:
        return json_is_string(v) ? NULL : "a string";
    case TY_DATETIME:
        return json_is_string(v) && is_datetime(json_string_value(v))
               ? NULL : "a date-time string";
    case TY_UUID:
        return json_is_string(v) && is_uuid(json_string_value(v))
               ? NULL : "a UUID string";
    case TY_OBJECT:
    case TY_MODEL:
        return json_is_object(v) ? NULL : "an object";
    case TY_ENUM: {
        const ast_enum *e = &c->s->enums[ref];
        for (size_t i = 0; i < e->nvalues; i++)
            if (e->is_int ? json_is_integer(v) &&
                            json_integer_value(v) == e->values[i].num
                          : json_is_string(v) &&
                            strcmp(json_string_value(v),
                                   e->values[i].str) == 0)
                return NULL;
        return "a value of the enum";
    }
    default:
        return NULL;
    }
}

/* NULL when `v` fits field `f`, else what was expected. */
static const char *json_fits(ck *c, const ast_field *f, const json_t *v)
{
    if (json_is_null(v))
        return (f->flags & AF_NULLABLE) || f->type.kind == TY_ANY
               ? NULL : "a non-null value";
    if (f->type.kind == TY_ARRAY) {
        if (!json_is_array(v))
            return "an array";
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (json_is_null(x) ? !f->type.item_nullable
                                : json_fits_kind(c, f->type.item, f->type.ref,
                                                 x) != NULL)
                return "an array of the item type";
        }
        return NULL;
    }
    return json_fits_kind(c, f->type.kind, f->type.ref, v);
}

/* A spec literal as a JSON value (new reference). */
static json_t *lit_json(const ast_lit *l)
{
    json_t *v;
    switch (l->kind) {
    case LIT_STRING: v = json_string(l->str); break;
    case LIT_INT: v = json_integer(l->num); break;
    case LIT_TRUE: v = json_true(); break;
    case LIT_FALSE: v = json_false(); break;
    case LIT_NULL: v = json_null(); break;
    case LIT_EMPTY_ARRAY: v = json_array(); break;
    default: v = json_object(); break;
    }
    if (!v)
        diag_oom();
    return v;
}

/* Report when literal `l` cannot be a value of field `f`. */
static void check_lit_fits(ck *c, const ast_field *f, const ast_lit *l,
                           const char *what)
{
    json_t *v = lit_json(l);
    const char *want = json_fits(c, f, v);
    if (want) {
        char tb[160], lb[200];
        diag_error(c->d, l->loc, "%s %s does not fit field '%s' of type "
                   "'%s': expected %s", what, lit_describe(l, lb, sizeof lb),
                   f->name, type_label(c, f, tb, sizeof tb), want);
    }
    json_decref(v);
}

static int is_array_field(const ast_model *m, int k)
{
    return k >= 0 && m->fields[k].type.kind == TY_ARRAY;
}

/* Fills that need every model resolved and the resource names. */
static void check_fills_v2(ck *c)
{
    for (size_t i = 0; i < c->s->nmodels; i++) {
        ast_model *m = &c->s->models[i];
        for (size_t k = 0; k < m->nfields; k++) {
            ast_field *f = &m->fields[k];
            char tb[160], ub[160];
            if (f->type.kind == TY_NONE)
                continue; /* unresolved type: already reported */
            switch (f->fill) {
            case FILL_CALLER: {
                if (!f->fill_arg)
                    break;
                if (!c->api || c->api->user.index < 0) {
                    diag_error(c->d, f->fill_loc, "server fill 'caller %s' "
                               "needs a user model; add 'user MODEL' to the "
                               "api block", f->fill_arg);
                    break;
                }
                int j = field_of(c, c->api->user.index, f->fill_arg,
                                 f->fill_loc, "'caller'");
                if (j < 0)
                    break;
                const ast_field *u =
                    &c->s->models[c->api->user.index].fields[j];
                if (!same_type(f, u))
                    diag_error(c->d, f->fill_loc, "field '%s' is '%s' but "
                               "member '%s' of the user model is '%s'",
                               f->name, type_label(c, f, tb, sizeof tb),
                               u->name, type_label(c, u, ub, sizeof ub));
                break;
            }
            case FILL_SEGMENTS: {
                int j = field_of(c, (int)i, f->fill_arg, f->fill_loc,
                                 "'segments'");
                if (j >= 0 && m->fields[j].type.kind != TY_STRING)
                    diag_error(c->d, f->fill_loc, "'segments' counts the "
                               "segments of a string field, but '%s' is "
                               "'%s'", f->fill_arg,
                               type_label(c, &m->fields[j], tb, sizeof tb));
                break;
            }
            case FILL_COPY: {
                int j = field_of(c, (int)i, f->fill_arg, f->fill_loc,
                                 "'copy'");
                if (j >= 0 && !same_type(f, &m->fields[j]))
                    diag_error(c->d, f->fill_loc, "field '%s' is '%s' but "
                               "the copied field '%s' is '%s'", f->name,
                               type_label(c, f, tb, sizeof tb), f->fill_arg,
                               type_label(c, &m->fields[j], ub, sizeof ub));
                break;
            }
            case FILL_CHILDREN: {
                int ri = resource_of(c, f->fill_arg, f->fill_loc,
                                     "'children'");
                if (ri >= 0 && !c->s->resources[ri].parent.name)
                    diag_error(c->d, f->fill_loc, "resource '%s' has no "
                               "'parent', so it has no children to list",
                               f->fill_arg);
                if (f->type.kind != TY_ARRAY)
                    diag_error(c->d, f->fill_loc, "server fill 'children' "
                               "needs an array field, but '%s' is '%s'",
                               f->name, type_label(c, f, tb, sizeof tb));
                break;
            }
            case FILL_USER: {
                int j = field_of(c, (int)i, f->fill_arg, f->fill_loc,
                                 "'user'");
                if (j >= 0 && m->fields[j].type.kind != TY_UUID &&
                    m->fields[j].type.kind != TY_STRING)
                    diag_error(c->d, f->fill_loc, "'user' looks a user up by "
                               "uuid, but field '%s' is '%s'", f->fill_arg,
                               type_label(c, &m->fields[j], tb, sizeof tb));
                if (c->api && c->api->user.index >= 0 &&
                    !(f->type.kind == TY_MODEL &&
                      f->type.ref == c->api->user.index) &&
                    f->type.kind != TY_OBJECT && f->type.kind != TY_ANY)
                    diag_error(c->d, f->fill_loc, "server fill 'user' needs "
                               "a field of the user model '%s', but field "
                               "'%s' is '%s'", c->api->user.name, f->name,
                               type_label(c, f, tb, sizeof tb));
                break;
            }
            default:
                break;
            }
        }
    }
}

/* Directory part of `file` + `name`, malloc'd. */
static char *sibling_path(const char *file, const char *name)
{
    const char *slash = strrchr(file, '/');
    if (!slash || name[0] == '/')
        return ast_strdup(name);
    size_t nd = (size_t)(slash - file + 1), nn = strlen(name);
    char *p = malloc(nd + nn + 1);
    if (!p)
        diag_oom();
    memcpy(p, file, nd);
    memcpy(p + nd, name, nn + 1);
    return p;
}

/* rows "file.json": read, check against the model, embed compact. */
static void check_rows(ck *c, ast_resource *r, const ast_model *m)
{
    r->rows_path = sibling_path(r->rows_loc.file, r->rows);
    r->rflags |= RF_STATIC;
    json_error_t err;
    json_t *v = json_load_file(r->rows_path, 0, &err);
    if (!v) {
        if (err.line > 0)
            diag_error(c->d, r->rows_loc, "%s:%d:%d: rows file is not valid "
                       "JSON: %s", r->rows_path, err.line, err.column,
                       err.text);
        else
            diag_error(c->d, r->rows_loc, "cannot read rows file '%s': %s",
                       r->rows_path, err.text);
        return;
    }
    if (!json_is_array(v)) {
        diag_error(c->d, r->rows_loc, "%s: rows must be a JSON array of "
                   "objects, not %s", r->rows_path, json_kind(v));
        json_decref(v);
        return;
    }
    size_t i;
    json_t *row;
    json_array_foreach(v, i, row) {
        if (!json_is_object(row)) {
            diag_error(c->d, r->rows_loc, "%s: row %zu: must be an object, "
                       "not %s", r->rows_path, i, json_kind(row));
            continue;
        }
        const char *key;
        json_t *val;
        json_object_foreach(row, key, val) {
            int k = field_index(m, key);
            if (k < 0) {
                diag_error(c->d, r->rows_loc, "%s: row %zu: '%s' is not a "
                           "field of model '%s'", r->rows_path, i, key,
                           m->name);
                continue;
            }
            const char *want = json_fits(c, &m->fields[k], val);
            if (want)
                diag_error(c->d, r->rows_loc, "%s: row %zu: field '%s' "
                           "must be %s, not %s", r->rows_path, i, key, want,
                           json_kind(val));
        }
    }
    r->rows_json = json_compact(v);
    json_decref(v);
}

/* The v2 resource statements (model resolved, `m` may be NULL). */
static void check_resource_v2(ck *c, ast_resource *r, int ri,
                              const ast_model *m)
{
    int mi = r->model.index;
    if (m && r->key.name)
        r->key.index = field_of(c, mi, r->key.name, r->key.loc, "'key'");
    if (m && r->owner.name) {
        r->owner.index = field_of(c, mi, r->owner.name, r->owner.loc,
                                  "'owner'");
        ty_kind k = r->owner.index >= 0 ? m->fields[r->owner.index].type.kind
                                        : TY_MODEL;
        if (k != TY_MODEL && k != TY_OBJECT && k != TY_ANY)
            diag_error(c->d, r->owner.loc, "'owner' field '%s' must hold a "
                       "user object, but it is '%s'", r->owner.name,
                       ty_name(k));
    }
    if (r->parent.name) {
        r->parent.index = resource_of(c, r->parent.name, r->parent.loc,
                                      "'parent'");
        if (r->parent.index == ri) {
            diag_error(c->d, r->parent.loc, "resource '%s' cannot be its "
                       "own parent", r->name);
            r->parent.index = -1;
        }
        const ast_resource *pr = r->parent.index >= 0
                                 ? &c->s->resources[r->parent.index] : NULL;
        if (r->parent_param.name) {
            r->parent_param.index = sym_get(&c->params, r->parent_param.name);
            if (r->parent_param.index < 0)
                diag_error(c->d, r->parent_param.loc, "path parameter '%s' "
                           "is not declared; add 'param %s int' (or uuid, "
                           "string)", r->parent_param.name,
                           r->parent_param.name);
        } else if (pr && !(pr->rflags & RF_SINGLETON)) {
            diag_error(c->d, r->parent.loc, "'parent %s' needs 'param P' "
                       "naming the path parameter that holds its key (only "
                       "a singleton parent may leave it out)", r->parent.name);
        }
    } else if (r->parent_param.name || r->parent_notfound) {
        /* unreachable: the parser takes them only after 'parent' */
    }
    if ((r->rflags & RF_SINGLETON) && !r->parent.name)
        diag_error(c->d, r->singleton_loc, "'singleton' needs a 'parent': "
                   "there is one record per parent record");
    if ((r->rflags & RF_BUILD) &&
        !(r->soft_delete.name && (r->hides & HIDE_RETRIEVE)))
        diag_error(c->d, r->build_loc, "'build' leaves a soft-deleted "
                   "tombstone; it needs 'soft-delete FIELD hides retrieve'");
    if (m && r->order) {
        char *copy = ast_strdup(r->order), *save = NULL;
        int any = 0;
        for (char *w = strtok_r(copy, " ", &save); w;
             w = strtok_r(NULL, " ", &save)) {
            const char *name = w;
            while (*name == '-' || *name == '~')
                name++;
            any = 1;
            if (field_index(m, name) < 0)
                field_of(c, mi, name, in_string(r->order_loc, r->order,
                                                (size_t)(w - copy)),
                         "'order'");
        }
        if (!any)
            diag_error(c->d, r->order_loc, "'order' needs at least one "
                       "field name");
        free(copy);
    }
    if (m && r->rows)
        check_rows(c, r, m);
    if (m && r->ancestors.name) {
        r->ancestors.index = field_of(c, mi, r->ancestors.name,
                                      r->ancestors.loc, "'ancestors'");
        if (r->ancestors.index >= 0 &&
            m->fields[r->ancestors.index].type.kind != TY_STRING)
            diag_error(c->d, r->ancestors.loc, "'ancestors' field '%s' must "
                       "be a string holding a '/'-separated path",
                       r->ancestors.name);
        json_t *v = json_normalize(c, &r->ancestor_json,
                                   r->ancestor_json_loc, 'o',
                                   "the 'ancestors' JSON");
        const char *key;
        json_t *val;
        if (v)
            json_object_foreach(v, key, val) {
                int k = field_of(c, mi, key, r->ancestor_json_loc,
                                 "the 'ancestors' JSON");
                const char *want = k >= 0 ? json_fits(c, &m->fields[k], val)
                                          : NULL;
                if (want)
                    diag_error(c->d, r->ancestor_json_loc, "'ancestors' "
                               "value of field '%s' must be %s", key, want);
            }
        json_decref(v);
    }
}

/* Last literal segment of `subpath` ("/{id}/move_tile/" -> "move_tile"),
 * malloc'd, NULL if none. */
static char *last_literal(const char *subpath)
{
    char *best = NULL;
    const char *p = subpath;
    while (*p) {
        while (*p == '/')
            p++;
        const char *e = p;
        while (*e && *e != '/')
            e++;
        if (e > p && *p != '{') {
            free(best);
            best = ast_strndup(p, (size_t)(e - p));
        }
        p = e;
    }
    if (best)
        for (char *q = best; *q; q++)
            if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                  (*q >= '0' && *q <= '9') || *q == '_'))
                *q = '_';
    return best;
}

/* Last "{param}" of `path` into buf, or "" */
static const char *last_param(const char *path, char *buf, size_t size)
{
    const char *open = strrchr(path, '{'), *close;
    buf[0] = '\0';
    if (open && (close = strchr(open, '}')) != NULL &&
        (size_t)(close - open) < size)
        snprintf(buf, size, "%.*s", (int)(close - open - 1), open + 1);
    return buf;
}

/* 1 when the operation works on one record named by a key parameter. */
static int op_takes_key(const ast_resource *r, const ast_op *o)
{
    if (r->rflags & RF_SINGLETON)
        return 0;
    switch (o->kind) {
    case OP_RETRIEVE: case OP_UPDATE: case OP_DESTROY: case OP_REFUSE:
    case OP_STREAM: case OP_CONTENT:
        return 1;
    case OP_ACTION:
        return strchr(o->subpath, '{') != NULL;
    default:
        return 0;
    }
}

/* The first segment of body path `path` must be a field of the request
 * model (when the body is JSON and has a model). */
static void check_body_path(ck *c, const ast_op *o, const char *path,
                            sm_loc loc, const char *what)
{
    if (o->request_model < 0 || o->media || !path)
        return;
    char first[128];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(path, "."), path);
    field_of(c, o->request_model, first, loc, what);
}

/* The model a check's NAME is looked up in, -1 if none applies. */
static int check_model(ck *c, const ast_resource *r, const ast_op *o,
                       const ast_check *k)
{
    switch (k->source) {
    case SRC_BODY: return o->request_model;
    case SRC_PARENT:
        return r->parent.index >= 0
               ? c->s->resources[r->parent.index].model.index : -1;
    case SRC_RECORD: case SRC_NEW: return r->model.index;
    default: return -1;
    }
}

static void check_op_v2(ck *c, ast_resource *r, ast_op *o)
{
    const char *kn = op_kind_name(o->kind);
    int mi = r->model.index;
    const ast_model *m = mi >= 0 ? &c->s->models[mi] : NULL;
    int reads_body = o->kind == OP_CREATE || o->kind == OP_UPDATE ||
                     o->kind == OP_ACTION;

    if (o->has_envelope && o->kind != OP_LIST)
        diag_error(c->d, o->envelope_loc, "'envelope' applies only to 'list' "
                   "operations");
    if (o->extra) {
        if (!(o->has_envelope && o->envelope == ENV_RESULTS))
            diag_error(c->d, o->extra_loc, "'extra' needs 'envelope "
                       "results'");
        json_decref(json_normalize(c, &o->extra, o->extra_loc, 'o',
                                   "'extra'"));
    }
    if (o->body.name) {
        if (!reads_body)
            diag_error(c->d, o->body.loc, "'body' applies to 'create', "
                       "'update' and 'action' operations, not '%s'", kn);
    }
    if (o->media && !reads_body)
        diag_error(c->d, o->media_loc, "'media' applies to 'create', "
                   "'update' and 'action' operations, not '%s'", kn);
    if (o->returns || o->returns_empty) {
        if (o->kind != OP_ACTION && o->kind != OP_CREATE)
            diag_error(c->d, o->returns_loc, "'returns' applies to 'action' "
                       "and 'create' operations, not '%s'", kn);
        if (o->returns)
            json_decref(json_normalize(c, &o->returns, o->returns_loc, 0,
                                       "'returns'"));
    }
    if (o->upsert && o->kind != OP_CREATE)
        diag_error(c->d, o->upsert_loc, "'upsert' applies only to 'create' "
                   "operations");
    /* stream / content-type / move */
    if (o->kind == OP_STREAM && !o->stream_field.name)
        diag_error(c->d, o->loc, "'stream' operation needs the option "
                   "'stream FIELD KEY ITEM HEAD'");
    if (o->stream_field.name) {
        if (o->kind != OP_STREAM)
            diag_error(c->d, o->stream_field.loc, "option 'stream' applies "
                       "only to 'stream' operations");
        o->stream_field.index = field_of(c, mi, o->stream_field.name,
                                         o->stream_field.loc, "'stream'");
        if (m && o->stream_field.index >= 0 &&
            !is_array_field(m, o->stream_field.index))
            diag_error(c->d, o->stream_field.loc, "streamed field '%s' must "
                       "be an array", o->stream_field.name);
    }
    if (o->kind == OP_CONTENT && !o->content_type.name)
        diag_error(c->d, o->loc, "'content' operation needs the option "
                   "'content-type FIELD'");
    if (o->content_type.name) {
        if (o->kind != OP_CONTENT)
            diag_error(c->d, o->content_type.loc, "option 'content-type' "
                       "applies only to 'content' operations");
        o->content_type.index = field_of(c, mi, o->content_type.name,
                                         o->content_type.loc,
                                         "'content-type'");
        const ast_field *ctf = m && o->content_type.index >= 0
                               ? &m->fields[o->content_type.index] : NULL;
        if (ctf && ctf->type.kind != TY_STRING &&
            !(ctf->type.kind == TY_ENUM &&
              !c->s->enums[ctf->type.ref].is_int))
            diag_error(c->d, o->content_type.loc, "'content-type' field '%s' "
                       "must be a string (or a string enum)",
                       o->content_type.name);
    }
    if (o->move_field.name) {
        if (o->kind != OP_ACTION)
            diag_error(c->d, o->move_field.loc, "option 'move' applies only "
                       "to 'action' operations");
        o->move_field.index = field_of(c, mi, o->move_field.name,
                                       o->move_field.loc, "'move'");
        check_body_path(c, o, o->move_item, o->move_field.loc,
                        "the 'move' item path");
        check_body_path(c, o, o->move_to, o->move_field.loc,
                        "the 'move' target path");
        if (m && o->move_field.index >= 0 &&
            !is_array_field(m, o->move_field.index))
            diag_error(c->d, o->move_field.loc, "moved field '%s' must be an "
                       "array", o->move_field.name);
    }
    /* filters */
    for (size_t i = 0; i < o->nfilters; i++) {
        ast_filter *f = &o->filters[i];
        if (o->kind != OP_LIST)
            diag_error(c->d, f->loc, "'filter' applies only to 'list' "
                       "operations");
        for (size_t k = 0; k < f->nfields; k++)
            f->fields[k].index = field_of(c, mi, f->fields[k].name,
                                          f->fields[k].loc, "'filter'");
        if (f->has_exclude && m && f->fields[0].index >= 0)
            check_lit_fits(c, &m->fields[f->fields[0].index], &f->exclude,
                           "'exclude' value");
        for (size_t k = 0; k < f->nprefixes; k++)
            check_prefix(c, mi, m, f, k);
    }
    /* sets */
    for (size_t i = 0; i < o->nsets; i++) {
        ast_set *t = &o->sets[i];
        if (o->kind != OP_CREATE && o->kind != OP_ACTION)
            diag_error(c->d, t->loc, "'set' applies to 'create' and 'action' "
                       "operations, not '%s'", kn);
        t->field.index = field_of(c, mi, t->field.name, t->field.loc, "'set'");
        const ast_field *f = m && t->field.index >= 0
                             ? &m->fields[t->field.index] : NULL;
        char tb[160];
        switch (t->from) {
        case SET_LITERAL: {
            if (f)
                check_lit_fits(c, f, &t->lit, "'set' value");
            json_t *v = lit_json(&t->lit);
            t->value_json = json_compact(v);
            json_decref(v);
            break;
        }
        case SET_JSON: {
            json_t *v = json_of(c, t->arg, t->arg_loc, 0, "'set ... json'");
            if (v) {
                const char *want = f ? json_fits(c, f, v) : NULL;
                if (want)
                    diag_error(c->d, t->arg_loc, "'set' value for field '%s' "
                               "must be %s, not %s", f->name, want,
                               json_kind(v));
                t->value_json = json_compact(v);
                json_decref(v);
            }
            break;
        }
        case SET_NOW:
            if (f && f->type.kind != TY_DATETIME)
                diag_error(c->d, t->arg_loc, "'set %s now' needs a datetime "
                           "field, but it is '%s'", f->name,
                           type_label(c, f, tb, sizeof tb));
            break;
        case SET_TOKEN:
        case SET_UUID:
            if (f && f->type.kind != TY_STRING &&
                (t->from == SET_TOKEN || f->type.kind != TY_UUID))
                diag_error(c->d, t->arg_loc, "'set %s %s' needs a %s field, "
                           "but it is '%s'", f->name,
                           t->from == SET_TOKEN ? "token" : "uuid",
                           t->from == SET_TOKEN ? "string" : "uuid or string",
                           type_label(c, f, tb, sizeof tb));
            break;
        case SET_BODY:
            check_body_path(c, o, t->arg, t->arg_loc, "'set ... from body'");
            break;
        case SET_BODY_WRAP:
            check_body_path(c, o, t->arg, t->arg_loc, "'set ... wrap body'");
            if (f && f->type.kind != TY_ARRAY)
                diag_error(c->d, t->arg_loc, "'set %s wrap body' needs an "
                           "array field, but it is '%s'", f->name,
                           type_label(c, f, tb, sizeof tb));
            break;
        default:
            break;
        }
    }
    /* checks (request_model is known by now) */
    for (size_t i = 0; i < o->nchecks; i++) {
        ast_check *k = &o->checks[i];
        if (k->status < 400 || k->status > 499)
            diag_error(c->d, k->status_loc, "check status %d must be 4xx",
                       k->status);
        if (k->source == SRC_BODY && o->request_model < 0 && !o->media)
            diag_error(c->d, k->loc, "'check body' on an operation that "
                       "reads no body; give it 'body MODEL'");
        if (k->source == SRC_PARENT && !r->parent.name)
            diag_error(c->d, k->loc, "'check parent' on resource '%s', "
                       "which has no 'parent'", r->name);
        if (k->source == SRC_RECORD && !op_takes_key(r, o) &&
            !(r->rflags & RF_SINGLETON))
            diag_error(c->d, k->loc, "'check record' needs an operation on "
                       "one record");
        if (k->source == SRC_NEW && o->kind != OP_CREATE &&
            o->kind != OP_UPDATE && o->kind != OP_ACTION)
            diag_error(c->d, k->loc, "'check new' applies to 'create', "
                       "'update' and 'action' operations");
        if (k->test == TEST_UNIQUE && k->source != SRC_NEW)
            diag_error(c->d, k->test_loc, "'unique' checks the record about "
                       "to be written: use 'check new'");
        if (k->test == TEST_ANY && k->source == SRC_QUERY)
            diag_error(c->d, k->test_loc, "'any' checks fields of a body or "
                       "record, not query parameters");
        int cm = check_model(c, r, o, k);
        int fi = -1;
        if (cm >= 0 && (k->test == TEST_UNIQUE || k->test == TEST_ANY)) {
            char *copy = ast_strdup(k->name), *save = NULL;
            int n = 0;
            for (char *w = strtok_r(copy, " ", &save); w;
                 w = strtok_r(NULL, " ", &save), n++)
                field_of(c, cm, w, k->name_loc,
                         k->test == TEST_ANY ? "'any'" : "'unique'");
            free(copy);
            if (n == 0)
                diag_error(c->d, k->name_loc, "'%s' needs a string of "
                           "space-separated fields",
                           k->test == TEST_ANY ? "any" : "unique");
        } else if (cm >= 0) {
            char first[128];
            snprintf(first, sizeof first, "%.*s",
                     (int)strcspn(k->name, "."), k->name);
            fi = field_of(c, cm, first, k->name_loc, "'check'");
            if (strchr(k->name, '.'))
                fi = -1; /* a member inside the field: type unknown */
        }
        const ast_field *f = fi >= 0 ? &c->s->models[cm].fields[fi] : NULL;
        switch (k->test) {
        case TEST_EQ:
        case TEST_NE: {
            if (f)
                check_lit_fits(c, f, &k->lit, "'check' value");
            json_t *v = lit_json(&k->lit);
            k->value_json = json_compact(v);
            json_decref(v);
            break;
        }
        case TEST_IN: {
            json_t *v = json_of(c, k->arg, k->arg_loc, 'a', "'in'");
            size_t ai;
            json_t *x;
            if (v && f)
                json_array_foreach(v, ai, x) {
                    const char *want = json_fits(c, f, x);
                    if (want) {
                        diag_error(c->d, k->arg_loc, "'in' value %zu does "
                                   "not fit field '%s': expected %s, not %s",
                                   ai, f->name, want, json_kind(x));
                        break;
                    }
                }
            if (v) {
                k->value_json = json_compact(v);
                json_decref(v);
            }
            break;
        }
        case TEST_EXISTS:
            resource_of(c, k->arg, k->arg_loc, "'exists'");
            k->value_json = ast_strdup(k->arg);
            break;
        case TEST_MINLEN:
            if (k->n < 0)
                diag_error(c->d, k->arg_loc, "negative minlen %lld",
                           (long long)k->n);
            break;
        default:
            break;
        }
    }
    /* static rows: read-only */
    if (r->rows && o->kind != OP_LIST && o->kind != OP_RETRIEVE)
        diag_error(c->d, o->loc, "resource '%s' serves static 'rows': only "
                   "'list' and 'retrieve' operations are allowed, not '%s'",
                   r->name, kn);
    /* the parent's key parameter in every path */
    if (r->parent_param.name && o->path) {
        char want[160];
        snprintf(want, sizeof want, "{%s}", r->parent_param.name);
        if (!strstr(o->path, want))
            diag_error(c->d, o->subpath_loc, "path '%s' lacks the parent "
                       "parameter '%s' of resource '%s'", o->path, want,
                       r->name);
    }
    /* key parameter */
    if ((r->rflags & RF_SINGLETON) && o->kind != OP_ACTION &&
        o->kind != OP_LIST && o->kind != OP_CREATE &&
        strchr(o->subpath, '{'))
        diag_error(c->d, o->subpath_loc, "'%s' of singleton resource '%s' "
                   "takes no key parameter: there is one record per parent",
                   kn, r->name);
    if (op_takes_key(r, o) && m) {
        char pname[128];
        last_param(o->subpath, pname, sizeof pname);
        int pi = pname[0] ? sym_get(&c->params, pname) : -1;
        int kf = r->key.name ? r->key.index : r->id_field;
        if (pi >= 0 && kf >= 0) {
            ty_kind t = m->fields[kf].type.kind;
            param_kind pk = c->s->params[pi].kind;
            int ok = pk == PK_INT ? t == TY_INT
                   : pk == PK_UUID ? (t == TY_UUID || t == TY_STRING)
                   : (t != TY_ARRAY && t != TY_OBJECT && t != TY_MODEL &&
                      t != TY_ANY);
            if (!ok) {
                char tb[160];
                diag_error(c->d, o->subpath_loc, "key parameter '%s' is "
                           "'%s', but key field '%s' is '%s'", pname,
                           pk == PK_INT ? "int" : pk == PK_UUID ? "uuid"
                                                                : "string",
                           m->fields[kf].name,
                           type_label(c, &m->fields[kf], tb, sizeof tb));
            }
        } else if (pi >= 0 && kf < 0 && strcmp(pname, "id") != 0)
            diag_error(c->d, o->subpath_loc, "key parameter '{%s}' needs a "
                       "key field: model '%s' has no 'id' field; give the "
                       "resource 'key FIELD'", pname, m->name);
    }
}

static void check_op(ck *c, ast_resource *r, int ri, ast_op *o)
{
    static const char *const kind_methods[] = {
        "", "GET", "POST", "GET", "PATCH or PUT", "DELETE", "DELETE", "",
        "GET", "GET"
    };
    int ok_method;
    switch (o->kind) {
    case OP_LIST: case OP_RETRIEVE: case OP_STREAM: case OP_CONTENT:
        ok_method = o->method == M_GET; break;
    case OP_ACTION: ok_method = 1; break;
    case OP_CREATE: ok_method = o->method == M_POST; break;
    case OP_UPDATE: ok_method = o->method == M_PATCH || o->method == M_PUT;
        break;
    default: ok_method = o->method == M_DELETE; break;
    }
    if (!ok_method)
        diag_error(c->d, o->method_loc, "'%s' operation must use %s, not %s",
                   op_kind_name(o->kind), kind_methods[o->kind],
                   method_name(o->method));
    if (o->paginated && o->kind != OP_LIST)
        diag_error(c->d, o->paginated_loc, "'paginated' applies only to "
                   "'list' operations");
    if (o->kind == OP_REFUSE ? (o->status < 400 || o->status > 499)
                             : (o->status < 200 || o->status > 299))
        diag_error(c->d, o->status_loc, "status %d of a '%s' operation must "
                   "be %s", o->status, op_kind_name(o->kind),
                   o->kind == OP_REFUSE ? "4xx" : "2xx");
    for (size_t i = 0; i < o->nerrors; i++)
        if (o->errors[i] < 400 || o->errors[i] > 599)
            diag_error(c->d, o->error_locs[i], "error status %d must be "
                       "4xx or 5xx", o->errors[i]);

    /* scope */
    o->eff_scope_mode = o->scope_mode;
    if (o->scope_mode == SCOPE_OBJECT) {
        check_scope_ref(c, o->scope, o->scope_loc);
        o->eff_scope = o->scope;
    } else if (o->scope_mode == SCOPE_INHERIT) {
        if (r->scope.name) {
            o->eff_scope_mode = SCOPE_OBJECT;
            o->eff_scope = r->scope.name;
        } else {
            diag_error(c->d, o->loc, "operation has no scope; give resource "
                       "'%s' a 'scope' or the operation 'scope OBJ', "
                       "'scope none' or 'scope INTERNAL'", r->name);
        }
    }

    /* path */
    check_template(c, o->subpath, o->subpath_loc, "path", 1);
    char *rp = path_join(c->api && c->api->prefix ? c->api->prefix : "",
                         r->path ? r->path : "");
    o->path = path_join(rp, o->subpath);
    free(rp);
    if (strstr(o->subpath, "{id}") && r->model.index >= 0 &&
        r->id_field < 0 && !r->key.name)
        diag_error(c->d, in_string(o->subpath_loc, o->subpath,
                                   (size_t)(strstr(o->subpath, "{id}") -
                                            o->subpath)),
                   "operation uses '{id}' but model '%s' has no 'id' field",
                   r->model.name);
    /* a parameter twice in one template */
    for (const char *p = strchr(o->path, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e)
            break;
        size_t n = (size_t)(e - p + 1);
        for (const char *q = strchr(e, '{'); q; q = strchr(q + 1, '{'))
            if (strncmp(p, q, n) == 0) {
                diag_error(c->d, o->subpath_loc, "path parameter '%.*s' "
                           "appears twice in '%s'", (int)n - 2, p + 1,
                           o->path);
                break;
            }
    }

    /* id */
    static const char *const actions[] = {
        "", "list", "create", "retrieve", "update", "destroy", "destroy",
        "action", "stream", "content"
    };
    const char *action = actions[o->kind];
    char *literal = o->kind >= OP_ACTION ? last_literal(o->subpath) : NULL;
    if (literal)
        action = literal;
    if (o->kind == OP_UPDATE && o->method == M_PATCH)
        action = "partial_update";
    if (o->id) {
        o->op_id = ast_strdup(o->id);
    } else {
        size_t n = strlen(r->name) + strlen(action) + 2;
        o->op_id = malloc(n);
        if (!o->op_id)
            diag_oom();
        snprintf(o->op_id, n, "%s_%s", r->name, action);
    }
    free(literal);

    o->resource = ri;
    if (o->body.name)
        o->request_model = o->body.index >= 0 ? o->body.index
                           : resolve_model(c, &o->body);
    else
        o->request_model = (o->kind == OP_CREATE || o->kind == OP_UPDATE)
                           ? r->model.index : -1;
    int canned = o->returns || o->returns_empty;
    o->response_model = o->kind == OP_LIST
                        ? (r->list_model.index >= 0 ? r->list_model.index
                                                    : r->model.index)
                        : (o->kind == OP_DESTROY || o->kind == OP_REFUSE ||
                           o->kind == OP_STREAM || o->kind == OP_CONTENT ||
                           canned)
                        ? -1 : r->model.index;
    o->eff_envelope = o->paginated ? ENV_PAGINATED : o->envelope;
    o->flags = (o->paginated ? 1u : 0u) |
               ((o->kind == OP_DESTROY || o->kind == OP_REFUSE ||
                 o->returns_empty) ? 2u : 0u) |
               (o->upsert ? 4u : 0u) |
               (o->kind == OP_ACTION && op_takes_key(r, o) ? 8u : 0u);
    check_op_v2(c, r, o);
}

static void check_resource(ck *c, ast_resource *r, int ri)
{
    if (!r->model.name)
        diag_error(c->d, r->loc, "resource '%s' has no 'model'", r->name);
    else
        resolve_model(c, &r->model);
    if (r->list_model.name)
        resolve_model(c, &r->list_model);
    if (!r->path)
        diag_error(c->d, r->loc, "resource '%s' has no 'path'", r->name);
    else
        check_template(c, r->path, r->path_loc, "path", 0);
    if (r->scope.name)
        check_scope_ref(c, r->scope.name, r->scope.loc);
    if (r->nops == 0)
        diag_error(c->d, r->loc, "resource '%s' has no operations", r->name);

    const ast_model *m = r->model.index >= 0 ? &c->s->models[r->model.index]
                                             : NULL;
    if (m) {
        r->id_field = field_index(m, "id");
        if (r->soft_delete.name) {
            int k = field_index(m, r->soft_delete.name);
            r->soft_delete.index = k;
            if (k < 0)
                diag_error(c->d, r->soft_delete.loc, "soft-delete field '%s' "
                           "is not a field of model '%s'",
                           r->soft_delete.name, m->name);
            else if (m->fields[k].type.kind != TY_BOOL) {
                char tb[160];
                diag_error(c->d, r->soft_delete.loc, "soft-delete field '%s' "
                           "must be 'bool', not '%s'", r->soft_delete.name,
                           type_label(c, &m->fields[k], tb, sizeof tb));
            }
        }
        if (r->list_model.index >= 0) {
            const ast_model *lm = &c->s->models[r->list_model.index];
            for (size_t k = 0; k < lm->nfields; k++) {
                const ast_field *lf = &lm->fields[k];
                int j = field_index(m, lf->name);
                if (j < 0) {
                    diag_error(c->d, r->list_model.loc, "list model '%s' has "
                               "field '%s', which model '%s' lacks",
                               lm->name, lf->name, m->name);
                    diag_note(c->d, lf->loc, "field '%s' is declared here",
                              lf->name);
                } else if (!same_type(lf, &m->fields[j])) {
                    char ta[160], tb[160];
                    diag_error(c->d, r->list_model.loc, "field '%s' is '%s' "
                               "in list model '%s' but '%s' in model '%s'",
                               lf->name, type_label(c, lf, ta, sizeof ta),
                               lm->name,
                               type_label(c, &m->fields[j], tb, sizeof tb),
                               m->name);
                    diag_note(c->d, lf->loc, "field '%s' is declared here",
                              lf->name);
                }
            }
        }
    }
    check_resource_v2(c, r, ri, m);
    for (size_t k = 0; k < r->nops; k++)
        check_op(c, r, ri, &r->ops[k]);
}

/* ---- global: operation ids and routes ---------------------------------- */

typedef struct route_key {
    ast_op *op;
    char *key;       /* path without a trailing '/', params as "{}"       */
    size_t seq;      /* declaration order                                 */
} route_key;

static int route_cmp(const void *a, const void *b)
{
    const route_key *x = a, *y = b;
    int r = strcmp(x->key, y->key);
    if (r)
        return r;
    if (x->op->method != y->op->method)
        return x->op->method < y->op->method ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int op_cmp(const void *a, const void *b)
{
    const ast_op *x = *(ast_op *const *)a, *y = *(ast_op *const *)b;
    int r = strcmp(x->path, y->path);
    if (r)
        return r;
    return (x->method > y->method) - (x->method < y->method);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *route_norm(const char *path)
{
    size_t n = strlen(path);
    char *k = malloc(n + 1), *w = k;
    if (!k)
        diag_oom();
    for (const char *p = path; *p; p++) {
        *w++ = *p;
        if (*p == '{') {
            const char *e = strchr(p, '}');
            if (e) {
                *w++ = '}';
                p = e;
            }
        }
    }
    if (w - k > 1 && w[-1] == '/')
        w--;
    *w = '\0';
    return k;
}

static void check_global(ck *c)
{
    spec *s = c->s;
    size_t n = 0;
    for (size_t i = 0; i < s->nresources; i++)
        n += s->resources[i].nops;
    if (n > UINT16_MAX)
        diag_error(c->d, s->resources[0].loc, "more than %u operations",
                   UINT16_MAX);
    route_key *keys = calloc(n + 1, sizeof *keys);
    s->ops = calloc(n + 1, sizeof *s->ops);
    if (!keys || !s->ops)
        diag_oom();
    symtab ids = { 0 };
    size_t k = 0;
    for (size_t i = 0; i < s->nresources; i++)
        for (size_t j = 0; j < s->resources[i].nops; j++) {
            ast_op *o = &s->resources[i].ops[j];
            if (!o->path)
                continue;
            s->ops[k] = o;
            keys[k] = (route_key){ o, route_norm(o->path), k };
            int old = sym_put(&ids, o->op_id, (int)k);
            if (old >= 0) {
                diag_error(c->d, o->id ? o->id_loc : o->loc, "duplicate "
                           "operation id '%s'", o->op_id);
                diag_note(c->d, s->ops[old]->id ? s->ops[old]->id_loc
                                                : s->ops[old]->loc,
                          "previous definition is here");
            }
            k++;
        }
    s->nops = k;
    qsort(keys, k, sizeof *keys, route_cmp);
    for (size_t i = 1, first = 0; i < k; i++) {
        if (strcmp(keys[i].key, keys[first].key) != 0 ||
            keys[i].op->method != keys[first].op->method) {
            first = i;
            continue;
        }
        diag_error(c->d, keys[i].op->loc, "duplicate route '%s %s'",
                   method_name(keys[i].op->method), keys[i].op->path);
        diag_note(c->d, keys[first].op->loc, "previous definition is here");
    }
    for (size_t i = 0; i < k; i++)
        free(keys[i].key);
    free(keys);
    sym_free(&ids);
    qsort(s->ops, s->nops, sizeof *s->ops, op_cmp);

    if (c->api) {
        s->scopes = calloc(c->api->nscopes + 1, sizeof *s->scopes);
        if (!s->scopes)
            diag_oom();
        for (size_t i = 0; i < c->api->nscopes; i++) {
            const ast_ref *r = &c->api->scopes[i];
            if (sym_get(&c->scopes, r->name) == (int)i)
                s->scopes[s->nscopes++] = r->name;
        }
        qsort(s->scopes, s->nscopes, sizeof *s->scopes, str_cmp);
    }
}

size_t check_spec(spec *s, diag *d)
{
    ck c = { 0 };
    size_t before = diag_count(d);
    c.s = s;
    c.d = d;
    check_api(&c);
    check_params(&c);
    if (c.api && c.api->prefix)
        check_template(&c, c.api->prefix, c.api->prefix_loc, "prefix", 1);
    declare_types(&c);
    check_enums(&c);
    if (c.api && c.api->user.name)
        resolve_model(&c, &c.api->user);
    check_models(&c);
    for (size_t i = 0; i < s->nresources; i++) {
        ast_resource *r = &s->resources[i];
        int old = sym_put(&c.resources, r->name, (int)i);
        if (old >= 0) {
            diag_error(d, r->loc, "duplicate resource '%s'", r->name);
            diag_note(d, s->resources[old].loc, "previous definition is here");
        }
    }
    check_fills_v2(&c);
    /* singletons first, so children can rely on the flag (it is parsed) */
    for (size_t i = 0; i < s->nresources; i++)
        check_resource(&c, &s->resources[i], (int)i);
    derive_all_statuses(&c);
    if (s->nresources > UINT16_MAX || s->nmodels > INT16_MAX ||
        s->nenums > INT16_MAX)
        diag_error(d, (sm_loc){ s->nfiles ? s->files[0] : "spec", 1, 1 },
                   "spec too large for the table format (int16 indices)");
    sym_free(&c.resources);
    check_global(&c);
    sym_free(&c.types);
    sym_free(&c.params);
    sym_free(&c.scopes);
    free(c.type_names);
    return diag_count(d) - before;
}
