/*
 * emit_c.c — writes generated/<api>_api.c: the spec as constant sm_api
 * tables (runtime/sm_api.h), data only.
 *
 * Layout: banner, include, ABI guard, index constants (MODEL_x, ENUM_x,
 * RESOURCE_x, so cross-table references read as names), then enums,
 * models with their field rows, parameters, resources, per-operation status
 * lists, operations (sorted by path, then method), scopes (sorted) and the
 * single `const sm_api specmock_api`.  Rows are column-aligned with a
 * comment header naming the columns.  Symbols come mechanically from spec
 * names, which the parser guarantees are C identifiers.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "emit.h"

/* The sm_api.h ABI version these tables are written for. */
#define SM_ABI_VERSION 1

/* ---- aligned rows ------------------------------------------------------ */

typedef struct table {
    size_t ncols;
    char **cells;      /* owned, row-major                                  */
    size_t nrows, cap;
    size_t col;        /* next column of the row being filled               */
} table;

static void tb_init(table *t, size_t ncols)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
}

/* Append one cell (printf-formatted) to the current row. */
__attribute__((format(printf, 2, 3)))
static void tb_cell(table *t, const char *fmt, ...)
{
    if (t->col == 0) {
        if (t->nrows == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 16;
            t->cells = realloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
            if (!t->cells)
                diag_oom();
        }
        t->nrows++;
    }
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *s = malloc((size_t)n + 1);
    if (!s)
        diag_oom();
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->cells[(t->nrows - 1) * t->ncols + t->col] = s;
    t->col = (t->col + 1) % t->ncols;
}

/* Append a cell holding a C string literal (or NULL). */
static void tb_str(table *t, const char *s)
{
    sbuf b;
    sb_init(&b);
    sb_cstr(&b, s);
    tb_cell(t, "%s", b.p);
    sb_free(&b);
}

/* Write the rows as `    { a, b, c },` with every column padded to its
 * widest cell, then free the table. */
static void tb_flush(table *t, sbuf *out)
{
    size_t *w = calloc(t->ncols, sizeof *w);
    if (!w)
        diag_oom();
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            size_t n = strlen(t->cells[r * t->ncols + c]);
            if (n > w[c])
                w[c] = n;
        }
    for (size_t r = 0; r < t->nrows; r++) {
        sb_puts(out, "    { ");
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            sb_puts(out, cell);
            if (c + 1 < t->ncols) {
                sb_puts(out, ",");
                for (size_t k = strlen(cell); k < w[c] + 1; k++)
                    sb_puts(out, " ");
            }
            free(t->cells[r * t->ncols + c]);
        }
        sb_puts(out, " },\n");
    }
    free(w);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

/* ---- helpers ----------------------------------------------------------- */

static const char *const sm_types[] = {
    "0", "SM_T_INT", "SM_T_NUMBER", "SM_T_BOOL", "SM_T_STRING",
    "SM_T_DATETIME", "SM_T_UUID", "SM_T_OBJECT", "SM_T_ANY", "SM_T_ENUM",
    "SM_T_MODEL", "SM_T_ARRAY"
};

static void section(sbuf *out, const char *title)
{
    /* "/" "* ---- title ---...--- *" "/" padded to 78 columns */
    size_t n = strlen(title);
    sb_printf(out, "\n/* ---- %s ", title);
    for (size_t i = 9 + n + 1; i < 76; i++)
        sb_puts(out, "-");
    sb_puts(out, " */\n\n");
}

static void flags_text(sbuf *b, unsigned flags)
{
    static const char *const names[] = {
        "SM_F_NULLABLE", "SM_F_READONLY", "SM_F_WRITEONLY", "SM_F_REQUIRED",
        "SM_F_MAXLEN", "SM_F_MIN", "SM_F_MAX", "SM_F_NOTBLANK",
        "SM_F_ITEM_NULLABLE"
    };
    int any = 0;
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++)
        if (flags & (1u << i)) {
            sb_printf(b, "%s%s", any ? " | " : "", names[i]);
            any = 1;
        }
    if (!any)
        sb_puts(b, "0");
}

/* An int64 as a C constant expression of type int64_t-compatible value. */
static void int64_text(char *buf, size_t size, int64_t v)
{
    if (v == INT64_MIN)
        snprintf(buf, size, "INT64_MIN");
    else if (v >= INT32_MIN && v <= INT32_MAX)
        snprintf(buf, size, "%" PRId64, v);
    else
        snprintf(buf, size, "INT64_C(%" PRId64 ")", v);
}

/* Canonical compact JSON of a default literal; malloc'd. */
static char *default_json(const ast_lit *l)
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
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(v);
    if (!s)
        diag_oom();
    return s;
}

/* Name of model/enum `ref` as an index constant, for a field of kind k. */
static void ref_text(sbuf *b, const spec *s, ty_kind k, int ref)
{
    if (ref < 0)
        sb_puts(b, "-1");
    else if (k == TY_ENUM)
        sb_printf(b, "ENUM_%s", s->enums[ref].name);
    else
        sb_printf(b, "MODEL_%s", s->models[ref].name);
}

static const char *model_ref(char *buf, size_t size, const spec *s, int ref)
{
    if (ref < 0)
        snprintf(buf, size, "-1");
    else
        snprintf(buf, size, "MODEL_%s", s->models[ref].name);
    return buf;
}

/* ---- sections ---------------------------------------------------------- */

static void emit_indices(const spec *s, sbuf *out)
{
    if (!s->nenums && !s->nmodels && !s->nresources)
        return;
    section(out, "indices");
    sb_puts(out, "/* Positions in the tables below, so references read as "
                 "names. */\n");
    if (s->nenums) {
        sb_puts(out, "enum {\n");
        for (size_t i = 0; i < s->nenums; i++)
            sb_printf(out, "    ENUM_%s = %zu,\n", s->enums[i].name, i);
        sb_puts(out, "};\n");
    }
    if (s->nmodels) {
        sb_puts(out, "enum {\n");
        for (size_t i = 0; i < s->nmodels; i++)
            sb_printf(out, "    MODEL_%s = %zu,\n", s->models[i].name, i);
        sb_puts(out, "};\n");
    }
    if (s->nresources) {
        sb_puts(out, "enum {\n");
        for (size_t i = 0; i < s->nresources; i++)
            sb_printf(out, "    RESOURCE_%s = %zu,\n", s->resources[i].name,
                      i);
        sb_puts(out, "};\n");
    }
}

static void emit_enums(const spec *s, sbuf *out)
{
    if (!s->nenums)
        return;
    section(out, "enums");
    for (size_t i = 0; i < s->nenums; i++) {
        const ast_enum *e = &s->enums[i];
        if (e->is_int) {
            sb_printf(out, "static const int64_t enum_%s_values[] = {\n",
                      e->name);
            for (size_t k = 0; k < e->nvalues; k++) {
                char buf[48];
                int64_text(buf, sizeof buf, e->values[k].num);
                sb_printf(out, "    %s,\n", buf);
            }
        } else {
            sb_printf(out, "static const char *const enum_%s_values[] = {\n",
                      e->name);
            for (size_t k = 0; k < e->nvalues; k++) {
                sb_puts(out, "    ");
                sb_cstr(out, e->values[k].str);
                sb_puts(out, ",\n");
            }
        }
        sb_puts(out, "};\n\n");
    }
    sb_puts(out, "static const sm_enum enums[] = {\n"
                 "    /* name, is_int, nvalues, strs, ints */\n");
    table t;
    tb_init(&t, 5);
    for (size_t i = 0; i < s->nenums; i++) {
        const ast_enum *e = &s->enums[i];
        tb_str(&t, e->name);
        tb_cell(&t, "%d", e->is_int ? 1 : 0);
        tb_cell(&t, "%zu", e->nvalues);
        if (e->is_int) {
            tb_cell(&t, "NULL");
            tb_cell(&t, "enum_%s_values", e->name);
        } else {
            tb_cell(&t, "enum_%s_values", e->name);
            tb_cell(&t, "NULL");
        }
    }
    tb_flush(&t, out);
    sb_puts(out, "};\n");
}

static void emit_models(const spec *s, sbuf *out)
{
    if (!s->nmodels)
        return;
    section(out, "models");
    static const char *const fills[] = {
        "SM_FILL_NONE", "SM_FILL_AUTO", "SM_FILL_NOW", "SM_FILL_CALLER",
        "SM_FILL_UUID", "SM_FILL_TOKEN", "SM_FILL_PARAM"
    };
    for (size_t i = 0; i < s->nmodels; i++) {
        const ast_model *m = &s->models[i];
        if (!m->nfields)
            continue;
        sb_printf(out, "/* model %s */\n", m->name);
        sb_printf(out, "static const sm_field model_%s_fields[] = {\n",
                  m->name);
        sb_puts(out, "    /* name, type, item_type, flags, ref, fill, "
                     "fill_arg, default_json, maxlen, min, max */\n");
        table t;
        tb_init(&t, 11);
        for (size_t k = 0; k < m->nfields; k++) {
            const ast_field *f = &m->fields[k];
            sbuf b;
            char n1[48], n2[48], n3[48];
            tb_str(&t, f->name);
            tb_cell(&t, "%s", sm_types[f->type.kind]);
            tb_cell(&t, "%s", f->type.kind == TY_ARRAY
                                  ? sm_types[f->type.item] : "0");
            sb_init(&b);
            flags_text(&b, f->flags);
            tb_cell(&t, "%s", b.p);
            sb_free(&b);
            sb_init(&b);
            ref_text(&b, s, f->type.kind == TY_ARRAY ? f->type.item
                                                     : f->type.kind,
                     f->type.ref);
            tb_cell(&t, "%s", b.p);
            sb_free(&b);
            tb_cell(&t, "%s", fills[f->fill]);
            tb_str(&t, f->fill == FILL_PARAM ? f->fill_arg : NULL);
            if (f->has_default) {
                char *j = default_json(&f->def);
                tb_str(&t, j);
                free(j);
            } else {
                tb_str(&t, NULL);
            }
            int64_text(n1, sizeof n1, (f->flags & AF_MAXLEN) ? f->maxlen : 0);
            int64_text(n2, sizeof n2, (f->flags & AF_MIN) ? f->min : 0);
            int64_text(n3, sizeof n3, (f->flags & AF_MAX) ? f->max : 0);
            tb_cell(&t, "%s", n1);
            tb_cell(&t, "%s", n2);
            tb_cell(&t, "%s", n3);
        }
        tb_flush(&t, out);
        sb_puts(out, "};\n\n");
    }
    sb_puts(out, "static const sm_model models[] = {\n"
                 "    /* name, nfields, fields */\n");
    table t;
    tb_init(&t, 3);
    for (size_t i = 0; i < s->nmodels; i++) {
        const ast_model *m = &s->models[i];
        tb_str(&t, m->name);
        tb_cell(&t, "%zu", m->nfields);
        if (m->nfields)
            tb_cell(&t, "model_%s_fields", m->name);
        else
            tb_cell(&t, "NULL");
    }
    tb_flush(&t, out);
    sb_puts(out, "};\n");
}

static void emit_params(const spec *s, sbuf *out)
{
    if (!s->nparams)
        return;
    static const char *const kinds[] = { "0", "SM_P_INT", "SM_P_UUID",
                                         "SM_P_STRING" };
    section(out, "path parameters");
    sb_puts(out, "static const sm_param params[] = {\n"
                 "    /* name, kind, alias, notfound_detail */\n");
    table t;
    tb_init(&t, 4);
    for (size_t i = 0; i < s->nparams; i++) {
        const ast_param *p = &s->params[i];
        tb_str(&t, p->name);
        tb_cell(&t, "%s", kinds[p->kind]);
        tb_str(&t, p->alias);
        tb_str(&t, p->notfound);
    }
    tb_flush(&t, out);
    sb_puts(out, "};\n");
}

static void emit_resources(const spec *s, sbuf *out)
{
    if (!s->nresources)
        return;
    section(out, "resources");
    sb_puts(out, "static const sm_resource resources[] = {\n"
                 "    /* name, model, list_model, id_field, soft_delete, "
                 "hides, scope */\n");
    table t;
    tb_init(&t, 7);
    for (size_t i = 0; i < s->nresources; i++) {
        const ast_resource *r = &s->resources[i];
        const ast_model *m = &s->models[r->model.index];
        char buf[128];
        tb_str(&t, r->name);
        tb_cell(&t, "%s", model_ref(buf, sizeof buf, s, r->model.index));
        tb_cell(&t, "%s", model_ref(buf, sizeof buf, s, r->list_model.index));
        if (r->id_field >= 0)
            tb_cell(&t, "%d /* %s */", r->id_field,
                    m->fields[r->id_field].name);
        else
            tb_cell(&t, "-1");
        if (r->soft_delete.index >= 0)
            tb_cell(&t, "%d /* %s */", r->soft_delete.index,
                    m->fields[r->soft_delete.index].name);
        else
            tb_cell(&t, "-1");
        unsigned h = r->soft_delete.index >= 0 ? r->hides : 0;
        tb_cell(&t, "%s", h == (HIDE_LIST | HIDE_RETRIEVE)
                              ? "SM_HIDE_LIST | SM_HIDE_RETRIEVE"
                          : h == HIDE_LIST ? "SM_HIDE_LIST"
                          : h == HIDE_RETRIEVE ? "SM_HIDE_RETRIEVE" : "0");
        tb_str(&t, r->scope.name);
    }
    tb_flush(&t, out);
    sb_puts(out, "};\n");
}

static void emit_ops(const spec *s, sbuf *out)
{
    if (!s->nops)
        return;
    static const char *const methods[] = {
        "0", "SM_GET", "SM_POST", "SM_PUT", "SM_PATCH", "SM_DELETE"
    };
    static const char *const kinds[] = {
        "0", "SM_OP_LIST", "SM_OP_CREATE", "SM_OP_RETRIEVE", "SM_OP_UPDATE",
        "SM_OP_DESTROY", "SM_OP_REFUSE"
    };
    static const char *const modes[] = {
        "0", "SM_SCOPE_OBJECT", "SM_SCOPE_NONE", "SM_SCOPE_INTERNAL"
    };
    static const char *const flags[] = {
        "0", "SM_OPF_PAGINATED", "SM_OPF_EMPTY_BODY",
        "SM_OPF_PAGINATED | SM_OPF_EMPTY_BODY"
    };
    section(out, "operations");
    sb_puts(out, "/* Documented statuses: success first, then errors "
                 "ascending. */\n");
    for (size_t i = 0; i < s->nops; i++) {
        const ast_op *o = s->ops[i];
        sb_printf(out, "static const uint16_t op_%s_statuses[] = {",
                  o->op_id);
        for (size_t k = 0; k < o->nstatuses; k++)
            sb_printf(out, "%s%u", k ? ", " : " ", o->statuses[k]);
        sb_puts(out, " };\n");
    }
    sb_puts(out, "\n/* Sorted by path, then method. */\n"
                 "static const sm_op ops[] = {\n"
                 "    /* id, path, method, kind, scope_mode, flags, status, "
                 "resource, scope,\n"
                 "       request_model, response_model, nstatuses, "
                 "statuses */\n");
    table t;
    tb_init(&t, 13);
    for (size_t i = 0; i < s->nops; i++) {
        const ast_op *o = s->ops[i];
        char buf[128];
        tb_str(&t, o->op_id);
        tb_str(&t, o->path);
        tb_cell(&t, "%s", methods[o->method]);
        tb_cell(&t, "%s", kinds[o->kind]);
        tb_cell(&t, "%s", modes[o->eff_scope_mode]);
        tb_cell(&t, "%s", flags[o->flags & 3]);
        tb_cell(&t, "%d", o->status);
        tb_cell(&t, "RESOURCE_%s", s->resources[o->resource].name);
        tb_str(&t, o->eff_scope_mode == SCOPE_OBJECT ? o->eff_scope : NULL);
        tb_cell(&t, "%s", model_ref(buf, sizeof buf, s, o->request_model));
        tb_cell(&t, "%s", model_ref(buf, sizeof buf, s, o->response_model));
        tb_cell(&t, "%zu", o->nstatuses);
        tb_cell(&t, "op_%s_statuses", o->op_id);
    }
    tb_flush(&t, out);
    sb_puts(out, "};\n");
}

static void emit_scopes(const spec *s, sbuf *out)
{
    if (!s->nscopes)
        return;
    section(out, "scope objects");
    sb_puts(out, "/* Sorted. */\nstatic const char *const scopes[] = {\n");
    for (size_t i = 0; i < s->nscopes; i++) {
        sb_puts(out, "    ");
        sb_cstr(out, s->scopes[i]);
        sb_puts(out, ",\n");
    }
    sb_puts(out, "};\n");
}

static void emit_api(const spec *s, sbuf *out)
{
    const ast_api *a = &s->apis[0];
    char *paths = emit_spec_paths(s);
    section(out, "the API");
    sb_puts(out, "const sm_api specmock_api = {\n");
    sb_printf(out, "    .abi_version = %d,\n", SM_ABI_VERSION);
    sb_puts(out, "    .name = ");
    sb_cstr(out, a->name);
    sb_puts(out, ",\n    .title = ");
    sb_cstr(out, a->title);
    sb_puts(out, ",\n    .version = ");
    sb_cstr(out, a->version);
    sb_puts(out, ",\n    .spec_path = ");
    sb_cstr(out, paths);
    sb_puts(out, ",\n    .prefix = ");
    sb_cstr(out, a->prefix ? a->prefix : "");
    sb_puts(out, ",\n    .default_key = ");
    sb_cstr(out, a->default_key);
    sb_puts(out, ",\n");
    char buf[128];
    sb_printf(out, "    .user_model = %s,\n",
              model_ref(buf, sizeof buf, s, a->user.index));
#define TABLE(field, count, name)                                            \
    if (count)                                                               \
        sb_printf(out, "    .n" field " = %zu,\n    ." field " = " name     \
                  ",\n", (size_t)(count));                                   \
    else                                                                     \
        sb_puts(out, "    .n" field " = 0,\n    ." field " = NULL,\n")
    TABLE("scopes", s->nscopes, "scopes");
    TABLE("enums", s->nenums, "enums");
    TABLE("models", s->nmodels, "models");
    TABLE("params", s->nparams, "params");
    TABLE("resources", s->nresources, "resources");
    TABLE("ops", s->nops, "ops");
#undef TABLE
    sb_puts(out, "};\n");
    free(paths);
}

void emit_c(const spec *s, sbuf *out)
{
    sb_puts(out, "/* ");
    emit_banner(out, s);
    sb_puts(out, " */\n");
    sb_puts(out, "#include <stddef.h>\n\n#include \"sm_api.h\"\n\n");
    sb_printf(out, "SM_API_CHECK_ABI(%d);\n", SM_ABI_VERSION);
    emit_indices(s, out);
    emit_enums(s, out);
    emit_models(s, out);
    emit_params(s, out);
    emit_resources(s, out);
    emit_ops(s, out);
    emit_scopes(s, out);
    emit_api(s, out);
}
