/*
 * emit_c.c — writes generated/<api>_api.c: the spec as constant sm_api
 * tables (runtime/sm_api.h), data only.
 *
 * Layout: banner, include, ABI guard, index constants (MODEL_x, ENUM_x,
 * RESOURCE_x, so cross-table references read as names), then enums,
 * models with their field rows, parameters, resources, per-operation status
 * lists, operations (sorted by path, then method), scopes (sorted) and the
 * single `const sm_api specmock_api`.  Every row is a C99 designated
 * initializer (`{ .name = "x", .type = SM_T_INT }`) that leaves zero
 * members out (ABI 2: zero = unused) but writes -1 indices; narrow tables
 * are one aligned row per entry, resources and operations one member per
 * line.  v2 filters, checks and sets become per-operation tables ahead of
 * `ops`.  Symbols come mechanically from spec names, which the parser
 * guarantees are C identifiers.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "emit.h"

/* The sm_api.h ABI version these tables are written for. */
#define SM_ABI_VERSION 2

/* ---- aligned rows of designated initializers ---------------------------- */

/* A table has one column per struct member.  A row sets some of them; a
 * member left unset is zero in C and is not written.  Rows come out as
 * `    { .a = 1, .b = "x" },` with each member padded to its widest cell, so
 * the same member lines up in every row; a member unset in a row leaves
 * blanks in its place. */
typedef struct table {
    size_t ncols;
    const char *const *members; /* borrowed member names                    */
    char **cells;      /* owned, row-major, NULL = member omitted           */
    size_t nrows, cap;
} table;

static void tb_init(table *t, size_t ncols, const char *const *members)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    t->members = members;
}

/* Start a new row. */
static void tb_row(table *t)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->cells = realloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
        if (!t->cells)
            diag_oom();
    }
    memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof *t->cells);
    t->nrows++;
}

/* Set member `col` of the current row (printf-formatted value). */
__attribute__((format(printf, 3, 4)))
static void tb_set(table *t, size_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    size_t pre = strlen(t->members[col]) + 4; /* ".m = " */
    char *s = malloc(pre + (size_t)n + 1);
    if (!s)
        diag_oom();
    snprintf(s, pre + 1, ".%s = ", t->members[col]);
    vsnprintf(s + pre, (size_t)n + 1, fmt, ap);
    va_end(ap);
    char **slot = &t->cells[(t->nrows - 1) * t->ncols + col];
    free(*slot);
    *slot = s;
}

/* Set member `col` to a C string literal; NULL leaves it out. */
static void tb_str(table *t, size_t col, const char *s)
{
    if (!s)
        return;
    sbuf b;
    sb_init(&b);
    sb_cstr(&b, s);
    tb_set(t, col, "%s", b.p);
    sb_free(&b);
}

/* Write the rows (see the table comment), then free the table. */
static void tb_flush(table *t, sbuf *out)
{
    size_t *w = calloc(t->ncols, sizeof *w);
    if (!w)
        diag_oom();
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            if (cell && strlen(cell) > w[c])
                w[c] = strlen(cell);
        }
    for (size_t r = 0; r < t->nrows; r++) {
        char **row = &t->cells[r * t->ncols];
        size_t last = 0, any = 0;
        for (size_t c = 0; c < t->ncols; c++)
            if (row[c])
                last = c, any = 1;
        sb_puts(out, "    {");
        for (size_t c = 0; any && c <= last; c++) {
            if (!w[c])
                continue;
            size_t len = row[c] ? strlen(row[c]) : 0;
            sb_puts(out, " ");
            if (row[c])
                sb_puts(out, row[c]);
            if (c == last)
                break;
            sb_puts(out, row[c] ? "," : " ");
            for (size_t k = len; k < w[c]; k++)
                sb_puts(out, " ");
        }
        sb_puts(out, " },\n");
        for (size_t c = 0; c < t->ncols; c++)
            free(row[c]);
    }
    free(w);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

/* One struct initializer spread over lines, `.member = value,` each, for
 * wide rows (resources, operations).  Same interface as the table. */
static void tb_flush_blocks(table *t, sbuf *out)
{
    size_t w = 0;
    for (size_t c = 0; c < t->ncols; c++)
        if (strlen(t->members[c]) > w)
            w = strlen(t->members[c]);
    for (size_t r = 0; r < t->nrows; r++) {
        char **row = &t->cells[r * t->ncols];
        sb_puts(out, "    {\n");
        for (size_t c = 0; c < t->ncols; c++) {
            if (!row[c])
                continue;
            /* re-align ".m = v" as ".m<pad> = v" */
            size_t m = strlen(t->members[c]);
            sb_printf(out, "        .%s", t->members[c]);
            for (size_t k = m; k < w; k++)
                sb_puts(out, " ");
            sb_printf(out, " = %s,\n", row[c] + m + 4);
            free(row[c]);
        }
        sb_puts(out, "    },\n");
    }
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
        "SM_F_ITEM_NULLABLE", "SM_F_HIDDEN"
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
    static const char *const cols[] = { "name", "is_int", "nvalues", "strs",
                                        "ints" };
    sb_puts(out, "static const sm_enum enums[] = {\n");
    table t;
    tb_init(&t, 5, cols);
    for (size_t i = 0; i < s->nenums; i++) {
        const ast_enum *e = &s->enums[i];
        tb_row(&t);
        tb_str(&t, 0, e->name);
        if (e->is_int)
            tb_set(&t, 1, "1");
        tb_set(&t, 2, "%zu", e->nvalues);
        tb_set(&t, e->is_int ? 4 : 3, "enum_%s_values", e->name);
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
        "SM_FILL_UUID", "SM_FILL_TOKEN", "SM_FILL_PARAM", "SM_FILL_SEGMENTS",
        "SM_FILL_COPY", "SM_FILL_CHILDREN", "SM_FILL_USER"
    };
    static const char *const cols[] = {
        "name", "type", "item_type", "flags", "ref", "fill", "fill_arg",
        "default_json", "maxlen", "min", "max"
    };
    for (size_t i = 0; i < s->nmodels; i++) {
        const ast_model *m = &s->models[i];
        if (!m->nfields)
            continue;
        sb_printf(out, "/* model %s */\n", m->name);
        sb_printf(out, "static const sm_field model_%s_fields[] = {\n",
                  m->name);
        table t;
        tb_init(&t, 11, cols);
        for (size_t k = 0; k < m->nfields; k++) {
            const ast_field *f = &m->fields[k];
            sbuf b;
            char n1[48];
            tb_row(&t);
            tb_str(&t, 0, f->name);
            tb_set(&t, 1, "%s", sm_types[f->type.kind]);
            if (f->type.kind == TY_ARRAY)
                tb_set(&t, 2, "%s", sm_types[f->type.item]);
            if (f->flags) {
                sb_init(&b);
                flags_text(&b, f->flags);
                tb_set(&t, 3, "%s", b.p);
                sb_free(&b);
            }
            sb_init(&b);
            ref_text(&b, s, f->type.kind == TY_ARRAY ? f->type.item
                                                     : f->type.kind,
                     f->type.ref);
            tb_set(&t, 4, "%s", b.p); /* -1 stays explicit */
            sb_free(&b);
            if (f->fill != FILL_NONE)
                tb_set(&t, 5, "%s", fills[f->fill]);
            tb_str(&t, 6, f->fill_arg);
            if (f->has_default) {
                char *j = default_json(&f->def);
                tb_str(&t, 7, j);
                free(j);
            }
            int64_t v[3] = { (f->flags & AF_MAXLEN) ? f->maxlen : 0,
                             (f->flags & AF_MIN) ? f->min : 0,
                             (f->flags & AF_MAX) ? f->max : 0 };
            for (int j = 0; j < 3; j++)
                if (v[j]) {
                    int64_text(n1, sizeof n1, v[j]);
                    tb_set(&t, 8 + (size_t)j, "%s", n1);
                }
        }
        tb_flush(&t, out);
        sb_puts(out, "};\n\n");
    }
    static const char *const mcols[] = { "name", "nfields", "fields" };
    sb_puts(out, "static const sm_model models[] = {\n");
    table t;
    tb_init(&t, 3, mcols);
    for (size_t i = 0; i < s->nmodels; i++) {
        const ast_model *m = &s->models[i];
        tb_row(&t);
        tb_str(&t, 0, m->name);
        if (m->nfields) {
            tb_set(&t, 1, "%zu", m->nfields);
            tb_set(&t, 2, "model_%s_fields", m->name);
        }
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
    static const char *const cols[] = { "name", "kind", "alias",
                                        "notfound_detail" };
    section(out, "path parameters");
    sb_puts(out, "static const sm_param params[] = {\n");
    table t;
    tb_init(&t, 4, cols);
    for (size_t i = 0; i < s->nparams; i++) {
        const ast_param *p = &s->params[i];
        tb_row(&t);
        tb_str(&t, 0, p->name);
        tb_set(&t, 1, "%s", kinds[p->kind]);
        tb_str(&t, 2, p->alias);
        tb_str(&t, 3, p->notfound);
    }
    tb_flush(&t, out);
    sb_puts(out, "};\n");
}

/* "A | B" from bit names, or NULL when no bit is set; malloc'd. */
static char *bits_text(unsigned v, const char *const *names, size_t n)
{
    sbuf b;
    sb_init(&b);
    for (size_t i = 0; i < n; i++)
        if (v & (1u << i))
            sb_printf(&b, "%s%s", b.n ? " | " : "", names[i]);
    return b.p;
}

static void emit_resources(const spec *s, sbuf *out)
{
    if (!s->nresources)
        return;
    static const char *const cols[] = {
        "name", "model", "list_model", "id_field", "soft_delete", "hides",
        "scope", "key", "notfound", "parent", "parent_param",
        "parent_notfound", "rflags", "owner", "order", "rows_json",
        "ancestors", "ancestor_json"
    };
    static const char *const hides[] = {
        "SM_HIDE_LIST", "SM_HIDE_RETRIEVE", "SM_HIDE_UPDATE"
    };
    static const char *const rflags[] = {
        "SM_R_SINGLETON", "SM_R_PARENT_BUILD", "SM_R_BUILD", "SM_R_STATIC"
    };
    section(out, "resources");
    sb_puts(out, "static const sm_resource resources[] = {\n");
    table t;
    tb_init(&t, sizeof cols / sizeof *cols, cols);
    for (size_t i = 0; i < s->nresources; i++) {
        const ast_resource *r = &s->resources[i];
        const ast_model *m = &s->models[r->model.index];
        char buf[128];
        tb_row(&t);
        tb_str(&t, 0, r->name);
        tb_set(&t, 1, "%s", model_ref(buf, sizeof buf, s, r->model.index));
        tb_set(&t, 2, "%s", model_ref(buf, sizeof buf, s,
                                      r->list_model.index));
        if (r->id_field >= 0)
            tb_set(&t, 3, "%d /* %s */", r->id_field,
                   m->fields[r->id_field].name);
        else
            tb_set(&t, 3, "-1");
        if (r->soft_delete.index >= 0)
            tb_set(&t, 4, "%d /* %s */", r->soft_delete.index,
                   m->fields[r->soft_delete.index].name);
        else
            tb_set(&t, 4, "-1");
        unsigned h = r->soft_delete.index >= 0 ? r->hides : 0;
        char *x = bits_text(h, hides, 3);
        if (x)
            tb_set(&t, 5, "%s", x);
        free(x);
        tb_str(&t, 6, r->scope.name);
        tb_str(&t, 7, r->key.name);
        tb_str(&t, 8, r->notfound);
        tb_str(&t, 9, r->parent.name);
        tb_str(&t, 10, r->parent_param.name);
        tb_str(&t, 11, r->parent_notfound);
        x = bits_text(r->rflags, rflags, 4);
        if (x)
            tb_set(&t, 12, "%s", x);
        free(x);
        tb_str(&t, 13, r->owner.name);
        tb_str(&t, 14, r->order);
        tb_str(&t, 15, r->rows_json);
        tb_str(&t, 16, r->ancestors.name);
        tb_str(&t, 17, r->ancestor_json);
    }
    tb_flush_blocks(&t, out);
    sb_puts(out, "};\n");
}

/* The `prefix` table of filter i of o (and its name arrays). */
static void emit_prefixes(const ast_op *o, size_t i, const ast_filter *f,
                          sbuf *out)
{
    static const char *const cols[] = {
        "name", "match", "nfields", "fields", "nmembers", "members"
    };
    static const char *const hows[] = {
        "0", "SM_PM_CONTAINS", "SM_PM_PARENTS", "SM_PM_BASENAME",
        "SM_PM_EXACT", "SM_PM_EXACT_PREFIX", "SM_PM_USER"
    };
    for (size_t k = 0; k < f->nprefixes; k++) {
        const ast_prefix *x = &f->prefixes[k];
        sb_printf(out, "static const char *const op_%s_filter%zu_p%zu[] = {",
                  o->op_id, i, k);
        for (size_t j = 0; j < x->nfields; j++) {
            sb_puts(out, j ? ", " : " ");
            sb_cstr(out, x->fields[j].name);
        }
        sb_puts(out, " };\n");
        if (x->nmembers) {
            sb_printf(out, "static const char *const op_%s_filter%zu_m%zu[] "
                      "= {", o->op_id, i, k);
            for (size_t j = 0; j < x->nmembers; j++) {
                sb_puts(out, j ? ", " : " ");
                sb_cstr(out, x->members[j]);
            }
            sb_puts(out, " };\n");
        }
    }
    sb_printf(out, "static const sm_prefix op_%s_filter%zu_prefixes[] = {\n",
              o->op_id, i);
    table t;
    tb_init(&t, 6, cols);
    for (size_t k = 0; k < f->nprefixes; k++) {
        const ast_prefix *x = &f->prefixes[k];
        tb_row(&t);
        tb_str(&t, 0, x->name);
        tb_set(&t, 1, "%s", hows[x->how]);
        tb_set(&t, 2, "%zu", x->nfields);
        tb_set(&t, 3, "op_%s_filter%zu_p%zu", o->op_id, i, k);
        if (x->nmembers) {
            tb_set(&t, 4, "%zu", x->nmembers);
            tb_set(&t, 5, "op_%s_filter%zu_m%zu", o->op_id, i, k);
        }
    }
    tb_flush(&t, out);
    sb_puts(out, "};\n");
}

/* An operation's filters, checks and sets tables (before `ops`). */
static void emit_op_parts(const spec *s, const ast_op *o, sbuf *out)
{
    (void)s;
    if (o->nfilters) {
        static const char *const cols[] = {
            "query", "match", "flags", "nfields", "fields", "message",
            "exclude_json", "nprefixes", "prefixes"
        };
        static const char *const matches[] = {
            "0", "SM_MATCH_EQ", "SM_MATCH_ICONTAINS", "SM_MATCH_WORDS",
            "SM_MATCH_TOKENS"
        };
        for (size_t i = 0; i < o->nfilters; i++) {
            const ast_filter *f = &o->filters[i];
            sb_printf(out, "static const char *const op_%s_filter%zu[] = {",
                      o->op_id, i);
            for (size_t k = 0; k < f->nfields; k++) {
                sb_puts(out, k ? ", " : " ");
                sb_cstr(out, f->fields[k].name);
            }
            sb_puts(out, " };\n");
            if (f->nprefixes)
                emit_prefixes(o, i, f, out);
        }
        sb_printf(out, "static const sm_filter op_%s_filters[] = {\n",
                  o->op_id);
        table t;
        tb_init(&t, 9, cols);
        for (size_t i = 0; i < o->nfilters; i++) {
            const ast_filter *f = &o->filters[i];
            tb_row(&t);
            tb_str(&t, 0, f->query);
            tb_set(&t, 1, "%s", matches[f->match]);
            unsigned fl = (f->message ? 1u : 0u) | (f->has_exclude ? 2u : 0u);
            static const char *const fnames[] = { "SM_FILTER_REQUIRED",
                                                  "SM_FILTER_EXCLUDE" };
            char *x = bits_text(fl, fnames, 2);
            if (x)
                tb_set(&t, 2, "%s", x);
            free(x);
            tb_set(&t, 3, "%zu", f->nfields);
            tb_set(&t, 4, "op_%s_filter%zu", o->op_id, i);
            tb_str(&t, 5, f->message);
            if (f->has_exclude) {
                char *j = default_json(&f->exclude);
                tb_str(&t, 6, j);
                free(j);
            }
            if (f->nprefixes) {
                tb_set(&t, 7, "%zu", f->nprefixes);
                tb_set(&t, 8, "op_%s_filter%zu_prefixes", o->op_id, i);
            }
        }
        tb_flush(&t, out);
        sb_puts(out, "};\n");
    }
    if (o->nchecks) {
        static const char *const cols[] = {
            "source", "test", "style", "status", "name", "value_json", "n",
            "message", "code", "attr"
        };
        static const char *const srcs[] = {
            "0", "SM_SRC_BODY", "SM_SRC_QUERY", "SM_SRC_PARENT",
            "SM_SRC_RECORD", "SM_SRC_NEW"
        };
        static const char *const tests[] = {
            "0", "SM_TEST_PRESENT", "SM_TEST_EQ", "SM_TEST_NE", "SM_TEST_IN",
            "SM_TEST_MINLEN", "SM_TEST_UNIQUE", "SM_TEST_EXISTS",
            "SM_TEST_USER", "SM_TEST_ANY"
        };
        static const char *const styles[] = {
            "SM_STYLE_DRF", "SM_STYLE_ERROR", "SM_STYLE_DETAIL",
            "SM_STYLE_EMPTY"
        };
        sb_printf(out, "static const sm_check op_%s_checks[] = {\n",
                  o->op_id);
        table t;
        tb_init(&t, 10, cols);
        for (size_t i = 0; i < o->nchecks; i++) {
            const ast_check *c = &o->checks[i];
            char nb[48];
            tb_row(&t);
            tb_set(&t, 0, "%s", srcs[c->source]);
            tb_set(&t, 1, "%s", tests[c->test]);
            if (c->style)
                tb_set(&t, 2, "%s", styles[c->style]);
            tb_set(&t, 3, "%d", c->status);
            tb_str(&t, 4, c->name);
            tb_str(&t, 5, c->value_json);
            if (c->n) {
                int64_text(nb, sizeof nb, c->n);
                tb_set(&t, 6, "%s", nb);
            }
            tb_str(&t, 7, c->message);
            tb_str(&t, 8, c->code);
            tb_str(&t, 9, c->attr);
        }
        tb_flush(&t, out);
        sb_puts(out, "};\n");
    }
    if (o->nsets) {
        static const char *const cols[] = { "field", "from", "arg" };
        static const char *const froms[] = {
            "0", "SM_SET_LITERAL", "SM_SET_NOW", "SM_SET_TOKEN",
            "SM_SET_UUID", "SM_SET_BODY", "SM_SET_BODY_WRAP", "SM_SET_QUERY",
            "SM_SET_LITERAL"
        };
        sb_printf(out, "static const sm_set op_%s_sets[] = {\n", o->op_id);
        table t;
        tb_init(&t, 3, cols);
        for (size_t i = 0; i < o->nsets; i++) {
            const ast_set *x = &o->sets[i];
            tb_row(&t);
            tb_str(&t, 0, x->field.name);
            tb_set(&t, 1, "%s", froms[x->from]);
            tb_str(&t, 2, x->value_json ? x->value_json : x->arg);
        }
        tb_flush(&t, out);
        sb_puts(out, "};\n");
    }
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
        "SM_OP_DESTROY", "SM_OP_REFUSE", "SM_OP_ACTION", "SM_OP_STREAM",
        "SM_OP_CONTENT"
    };
    static const char *const modes[] = {
        "0", "SM_SCOPE_OBJECT", "SM_SCOPE_NONE", "SM_SCOPE_INTERNAL"
    };
    static const char *const opflags[] = {
        "SM_OPF_PAGINATED", "SM_OPF_EMPTY_BODY", "SM_OPF_UPSERT",
        "SM_OPF_ITEM"
    };
    static const char *const envs[] = {
        "SM_ENV_ARRAY", "SM_ENV_PAGINATED", "SM_ENV_COUNTED", "SM_ENV_RESULTS"
    };
    static const char *const cols[] = {
        "id", "path", "method", "kind", "scope_mode", "flags", "status",
        "resource", "scope", "request_model", "response_model", "nstatuses",
        "statuses", "envelope", "extra_json", "nfilters", "filters",
        "nchecks", "checks", "nsets", "sets", "returns_json", "media",
        "stream_field", "stream_key", "stream_item", "stream_head",
        "content_type", "move_field", "move_item", "move_to"
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
    int parts = 0;
    for (size_t i = 0; i < s->nops; i++)
        parts |= s->ops[i]->nfilters || s->ops[i]->nchecks ||
                 s->ops[i]->nsets;
    if (parts) {
        sb_puts(out, "\n/* Filters, checks and sets. */\n");
        for (size_t i = 0; i < s->nops; i++)
            emit_op_parts(s, s->ops[i], out);
    }
    sb_puts(out, "\n/* Sorted by path, then method. */\n"
                 "static const sm_op ops[] = {\n");
    table t;
    tb_init(&t, sizeof cols / sizeof *cols, cols);
    for (size_t i = 0; i < s->nops; i++) {
        const ast_op *o = s->ops[i];
        char buf[128];
        tb_row(&t);
        tb_str(&t, 0, o->op_id);
        tb_str(&t, 1, o->path);
        tb_set(&t, 2, "%s", methods[o->method]);
        tb_set(&t, 3, "%s", kinds[o->kind]);
        tb_set(&t, 4, "%s", modes[o->eff_scope_mode]);
        char *x = bits_text(o->flags, opflags, 4);
        if (x)
            tb_set(&t, 5, "%s", x);
        free(x);
        tb_set(&t, 6, "%d", o->status);
        tb_set(&t, 7, "RESOURCE_%s", s->resources[o->resource].name);
        tb_str(&t, 8, o->eff_scope_mode == SCOPE_OBJECT ? o->eff_scope
                                                        : NULL);
        tb_set(&t, 9, "%s", model_ref(buf, sizeof buf, s, o->request_model));
        tb_set(&t, 10, "%s", model_ref(buf, sizeof buf, s,
                                       o->response_model));
        tb_set(&t, 11, "%zu", o->nstatuses);
        tb_set(&t, 12, "op_%s_statuses", o->op_id);
        if (o->eff_envelope)
            tb_set(&t, 13, "%s", envs[o->eff_envelope]);
        tb_str(&t, 14, o->extra);
        if (o->nfilters) {
            tb_set(&t, 15, "%zu", o->nfilters);
            tb_set(&t, 16, "op_%s_filters", o->op_id);
        }
        if (o->nchecks) {
            tb_set(&t, 17, "%zu", o->nchecks);
            tb_set(&t, 18, "op_%s_checks", o->op_id);
        }
        if (o->nsets) {
            tb_set(&t, 19, "%zu", o->nsets);
            tb_set(&t, 20, "op_%s_sets", o->op_id);
        }
        tb_str(&t, 21, o->returns);
        tb_str(&t, 22, o->media);
        tb_str(&t, 23, o->stream_field.name);
        tb_str(&t, 24, o->stream_key);
        tb_str(&t, 25, o->stream_item);
        if (o->stream_head)
            tb_set(&t, 26, "%d", o->stream_head);
        tb_str(&t, 27, o->content_type.name);
        tb_str(&t, 28, o->move_field.name);
        tb_str(&t, 29, o->move_item);
        tb_str(&t, 30, o->move_to);
    }
    tb_flush_blocks(&t, out);
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
    sb_puts(out, ",\n");
    if (a->default_key) {
        sb_puts(out, "    .default_key = ");
        sb_cstr(out, a->default_key);
        sb_puts(out, ",\n");
    }
    char buf[128];
    sb_printf(out, "    .user_model = %s,\n",
              model_ref(buf, sizeof buf, s, a->user.index));
#define TABLE(field, count, name)                                            \
    if (count)                                                               \
        sb_printf(out, "    .n" field " = %zu,\n    ." field " = " name     \
                  ",\n", (size_t)(count))
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
