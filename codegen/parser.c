/*
 * parser.c — recursive-descent parser for the line-oriented spec language.
 *
 * Every statement is one line; a line that opens a block ends with '{' and
 * the block ends with '}' alone on a line (enums may close on the same
 * line).  After a syntax error the rest of the line is skipped (with any
 * block it opens), so each bad line gives one error.
 */
#include "parser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"

typedef struct parser {
    lexer lx;
    token cur;
    diag *d;
    spec *s;
    char desc[128]; /* scratch for token_describe()                        */
} parser;

static void next(parser *p)
{
    lexer_next(&p->lx, &p->cur);
}

static const char *desc(parser *p)
{
    return token_describe(&p->cur, p->desc, sizeof p->desc);
}

static int at_eol(const parser *p)
{
    return p->cur.kind == TOK_NEWLINE || p->cur.kind == TOK_EOF;
}

/* Skip to the end of the line, jumping over any block the line opens.  Stops
 * before a '}' that closes the enclosing block. */
static void skip_line(parser *p)
{
    int depth = 0;
    for (;;) {
        switch (p->cur.kind) {
        case TOK_EOF:
            return;
        case TOK_NEWLINE:
            if (depth == 0)
                return;
            break;
        case TOK_LBRACE:
            depth++;
            break;
        case TOK_RBRACE:
            if (depth == 0)
                return;
            depth--;
            break;
        default:
            break;
        }
        next(p);
    }
}

/* The statement is over: anything left on the line is an error. */
static void end_line(parser *p, const char *after)
{
    if (!at_eol(p) && !p->cur.bad) {
        diag_error(p->d, p->cur.loc, "unexpected %s after %s", desc(p),
                   after);
        skip_line(p);
    }
    if (p->cur.kind == TOK_NEWLINE)
        next(p);
}

static void expected(parser *p, const char *what)
{
    if (!p->cur.bad)
        diag_error(p->d, p->cur.loc, "expected %s, got %s", what, desc(p));
    skip_line(p);
}

/* ---- did-you-mean ------------------------------------------------------ */

/* Optimal-string-alignment distance: insertions, deletions, substitutions
 * and swaps of two neighbours ("itme" -> "item") each cost 1. */
static size_t edit_distance(const char *a, size_t n, const char *b)
{
    size_t m = strlen(b);
    size_t *d = malloc((n + 1) * (m + 1) * sizeof *d);
    if (!d)
        diag_oom();
#define D(i, j) d[(i) * (m + 1) + (j)]
    for (size_t i = 0; i <= n; i++)
        D(i, 0) = i;
    for (size_t j = 0; j <= m; j++)
        D(0, j) = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t best = D(i - 1, j - 1) + (a[i - 1] != b[j - 1]);
            if (D(i - 1, j) + 1 < best)
                best = D(i - 1, j) + 1;
            if (D(i, j - 1) + 1 < best)
                best = D(i, j - 1) + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && D(i - 2, j - 2) + 1 < best)
                best = D(i - 2, j - 2) + 1;
            D(i, j) = best;
        }
    size_t r = D(n, m);
#undef D
    free(d);
    return r;
}

const char *suggest_word(const char *w, size_t n, const char *const *list)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    for (; *list; list++) {
        size_t dist = edit_distance(w, n, *list);
        if (dist < bestd) {
            bestd = dist;
            best = *list;
        }
    }
    size_t limit = n <= 4 ? 1 : n <= 8 ? 2 : 3;
    return bestd <= limit ? best : NULL;
}

/* "unknown <what> 'x'; did you mean 'y'?" or "...; expected <expect>". */
static void unknown_word(parser *p, const char *what,
                         const char *const *list, const char *expect)
{
    const char *hint = suggest_word(p->cur.text, p->cur.len, list);
    if (hint)
        diag_error(p->d, p->cur.loc, "unknown %s '%.*s'; did you mean '%s'?",
                   what, (int)p->cur.len, p->cur.text, hint);
    else
        diag_error(p->d, p->cur.loc, "unknown %s '%.*s'; expected %s", what,
                   (int)p->cur.len, p->cur.text, expect);
    skip_line(p);
}

static int word_in(const token *t, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (token_is(t, list[i]))
            return i;
    return -1;
}

/* ---- terminals --------------------------------------------------------- */

/* A name (a word without '-').  On success stores a copy in *out (freeing
 * any previous value), its location in *loc, advances and returns 1. */
static int take_name(parser *p, const char *what, char **out, sm_loc *loc)
{
    if (p->cur.kind != TOK_WORD) {
        char buf[96];
        snprintf(buf, sizeof buf, "%s", what);
        expected(p, buf);
        return 0;
    }
    if (memchr(p->cur.text, '-', p->cur.len)) {
        diag_error(p->d, p->cur.loc,
                   "invalid name '%.*s': names may not contain '-'",
                   (int)p->cur.len, p->cur.text);
        skip_line(p);
        return 0;
    }
    free(*out);
    *out = ast_strndup(p->cur.text, p->cur.len);
    if (loc)
        *loc = p->cur.loc;
    next(p);
    return 1;
}

static int take_string(parser *p, const char *what, char **out, sm_loc *loc)
{
    if (p->cur.kind != TOK_STRING) {
        expected(p, what);
        return 0;
    }
    free(*out);
    *out = ast_strndup(p->cur.text, p->cur.len);
    if (loc)
        *loc = p->cur.loc;
    next(p);
    return 1;
}

static int take_int(parser *p, const char *what, int64_t *out, sm_loc *loc)
{
    if (p->cur.kind != TOK_INT) {
        expected(p, what);
        return 0;
    }
    *out = p->cur.ival;
    if (loc)
        *loc = p->cur.loc;
    next(p);
    return 1;
}

/* A property given twice in one block. */
static int once(parser *p, const char *prop, const char *block, const char *name,
                int seen, sm_loc prev)
{
    if (!seen)
        return 1;
    diag_error(p->d, p->cur.loc, "duplicate '%s' in %s '%s'", prop, block,
               name ? name : "?");
    diag_note(p->d, prev, "previous definition is here");
    skip_line(p);
    return 0;
}

/* ---- blocks ------------------------------------------------------------ */

typedef void (*line_fn)(parser *p, void *ctx);

/* `{` NEWLINE lines... `}`.  `what`/`name` and `open` describe the block for
 * the error at end of file. */
static void block(parser *p, const char *what, const char *name, sm_loc open,
                  line_fn fn, void *ctx)
{
    if (p->cur.kind != TOK_LBRACE) {
        char buf[160];
        snprintf(buf, sizeof buf, "'{' after %s '%s'", what, name ? name : "?");
        expected(p, buf);
        return;
    }
    next(p);
    if (p->cur.kind == TOK_RBRACE) { /* empty one-line block: `model X { }` */
        next(p);
        end_line(p, "'}'");
        return;
    }
    end_line(p, "'{'");
    for (;;) {
        while (p->cur.kind == TOK_NEWLINE)
            next(p);
        if (p->cur.kind == TOK_RBRACE) {
            next(p);
            end_line(p, "'}'");
            return;
        }
        if (p->cur.kind == TOK_EOF) {
            diag_error(p->d, p->cur.loc, "expected '}' before end of file");
            diag_note(p->d, open, "to close %s '%s' opened here", what,
                      name ? name : "?");
            return;
        }
        fn(p, ctx);
    }
}

/* ---- api --------------------------------------------------------------- */

static const char *const api_words[] = {
    "title", "version", "prefix", "auth", "errors", "default-key", "user",
    "scopes", NULL
};

static void api_line(parser *p, void *ctx)
{
    ast_api *a = ctx;
    sm_loc kw = p->cur.loc;
    if (p->cur.kind != TOK_WORD) {
        expected(p, "an api statement");
        return;
    }
    switch (word_in(&p->cur, api_words)) {
    case 0:
        if (!once(p, "title", "api", a->name, a->title != NULL, a->title_loc))
            return;
        next(p);
        if (!take_string(p, "a string after 'title'", &a->title, NULL))
            return;
        a->title_loc = kw;
        break;
    case 1:
        if (!once(p, "version", "api", a->name, a->version != NULL,
                  a->version_loc))
            return;
        next(p);
        if (!take_string(p, "a string after 'version'", &a->version, NULL))
            return;
        a->version_loc = kw;
        break;
    case 2:
        if (!once(p, "prefix", "api", a->name, a->prefix != NULL,
                  a->prefix_loc))
            return;
        next(p);
        if (!take_string(p, "a path string after 'prefix'", &a->prefix,
                         &a->prefix_loc))
            return;
        break;
    case 3:
    case 4: {
        int is_auth = token_is(&p->cur, "auth");
        const char *want = is_auth ? "bearer" : "drf";
        char **slot = is_auth ? &a->auth : &a->errors;
        if (*slot) {
            diag_error(p->d, kw, "duplicate '%s' in api '%s'",
                       is_auth ? "auth" : "errors", a->name);
            skip_line(p);
            return;
        }
        next(p);
        if (p->cur.kind == TOK_WORD && !token_is(&p->cur, want)) {
            diag_error(p->d, p->cur.loc,
                       "unsupported %s '%.*s'; only '%s' is implemented",
                       is_auth ? "auth scheme" : "error style",
                       (int)p->cur.len, p->cur.text, want);
            skip_line(p);
            return;
        }
        char buf[64];
        snprintf(buf, sizeof buf, "'%s' after '%s'", want,
                 is_auth ? "auth" : "errors");
        if (!take_name(p, buf, slot, NULL))
            return;
        break;
    }
    case 5:
        if (!once(p, "default-key", "api", a->name, a->default_key != NULL,
                  a->default_key_loc))
            return;
        next(p);
        if (!take_string(p, "a string after 'default-key'", &a->default_key,
                         NULL))
            return;
        a->default_key_loc = kw;
        break;
    case 6:
        if (!once(p, "user", "api", a->name, a->user.name != NULL,
                  a->user.loc))
            return;
        next(p);
        if (!take_name(p, "a model name after 'user'", &a->user.name,
                       &a->user.loc))
            return;
        break;
    case 7:
        next(p);
        if (at_eol(p)) {
            expected(p, "scope object names after 'scopes'");
            return;
        }
        while (!at_eol(p)) {
            ast_ref *r = ast_push(&a->scopes, &a->cap, a->nscopes, sizeof *r);
            r->index = -1;
            if (!take_name(p, "a scope object name", &r->name, &r->loc))
                return;
            a->nscopes++;
        }
        break;
    default:
        unknown_word(p, "api statement", api_words,
                     "'title', 'version', 'prefix', 'auth', 'errors', "
                     "'default-key', 'user' or 'scopes'");
        return;
    }
    end_line(p, "the api statement");
}

static void parse_api(parser *p)
{
    sm_loc kw = p->cur.loc;
    next(p);
    ast_api *a = ast_push(&p->s->apis, &p->s->capis, p->s->napis, sizeof *a);
    p->s->napis++;
    a->loc = kw;
    a->user.index = -1;
    if (!take_name(p, "an api name after 'api'", &a->name, &a->loc))
        return;
    block(p, "api", a->name, kw, api_line, a);
}

/* ---- param ------------------------------------------------------------- */

static void parse_param(parser *p)
{
    static const char *const kinds[] = { "int", "uuid", "string", NULL };
    next(p);
    ast_param *pa = ast_push(&p->s->params, &p->s->cparams, p->s->nparams,
                             sizeof *pa);
    p->s->nparams++;
    pa->notfound = ast_strdup("Not found.");
    if (!take_name(p, "a parameter name after 'param'", &pa->name, &pa->loc))
        return;
    int k = word_in(&p->cur, kinds);
    if (k < 0) {
        if (p->cur.kind == TOK_WORD)
            unknown_word(p, "parameter kind", kinds,
                         "'int', 'uuid' or 'string'");
        else
            expected(p, "a parameter kind ('int', 'uuid' or 'string')");
        return;
    }
    pa->kind = (param_kind)(k + 1);
    next(p);
    int seen_alias = 0, seen_nf = 0;
    while (!at_eol(p)) {
        if (token_is(&p->cur, "alias") && !seen_alias) {
            next(p);
            if (!take_string(p, "a string after 'alias'", &pa->alias, NULL))
                return;
            seen_alias = 1;
        } else if (token_is(&p->cur, "notfound") && !seen_nf) {
            next(p);
            if (!take_string(p, "a string after 'notfound'", &pa->notfound,
                             NULL))
                return;
            seen_nf = 1;
        } else if (token_is(&p->cur, "alias") || token_is(&p->cur, "notfound")) {
            diag_error(p->d, p->cur.loc, "duplicate '%.*s' for parameter '%s'",
                       (int)p->cur.len, p->cur.text, pa->name);
            skip_line(p);
            return;
        } else {
            static const char *const opts[] = { "alias", "notfound", NULL };
            if (p->cur.kind == TOK_WORD)
                unknown_word(p, "parameter option", opts,
                             "'alias' or 'notfound'");
            else
                expected(p, "'alias', 'notfound' or end of line");
            return;
        }
    }
    end_line(p, "the parameter");
}

/* ---- enum -------------------------------------------------------------- */

static void parse_enum(parser *p)
{
    sm_loc kw = p->cur.loc;
    next(p);
    ast_enum *e = ast_push(&p->s->enums, &p->s->cenums, p->s->nenums,
                           sizeof *e);
    p->s->nenums++;
    e->loc = kw;
    if (!take_name(p, "an enum name after 'enum'", &e->name, &e->loc))
        return;
    if (token_is(&p->cur, "int")) {
        e->is_int = true;
        next(p);
    }
    if (p->cur.kind != TOK_LBRACE) {
        char buf[160];
        snprintf(buf, sizeof buf, "'{' after enum '%s'", e->name);
        expected(p, buf);
        return;
    }
    next(p);
    for (;;) {
        if (p->cur.kind == TOK_NEWLINE) {
            next(p);
            continue;
        }
        if (p->cur.kind == TOK_RBRACE) {
            next(p);
            break;
        }
        if (p->cur.kind == TOK_EOF) {
            diag_error(p->d, p->cur.loc, "expected '}' before end of file");
            diag_note(p->d, e->loc, "to close enum '%s' opened here", e->name);
            return;
        }
        tok_kind want = e->is_int ? TOK_INT : TOK_STRING;
        if (p->cur.kind != want) {
            if (e->is_int && p->cur.kind == TOK_STRING)
                diag_error(p->d, p->cur.loc,
                           "expected an integer value in enum '%s' (declared "
                           "'int'), got %s", e->name, desc(p));
            else if (!e->is_int && p->cur.kind == TOK_WORD)
                diag_error(p->d, p->cur.loc,
                           "expected a string value in enum '%s', got %s; "
                           "enum values are quoted: \"%.*s\"", e->name,
                           desc(p), (int)p->cur.len, p->cur.text);
            else if (!e->is_int && p->cur.kind == TOK_INT)
                diag_error(p->d, p->cur.loc,
                           "expected a string value in enum '%s', got %s; "
                           "write 'enum %s int { ... }' for integer values",
                           e->name, desc(p), e->name);
            else
                diag_error(p->d, p->cur.loc, "expected %s value in enum '%s', "
                           "got %s", e->is_int ? "an integer" : "a string",
                           e->name, desc(p));
            /* resynchronise at the closing brace or end of file */
            while (p->cur.kind != TOK_RBRACE && p->cur.kind != TOK_EOF)
                next(p);
            if (p->cur.kind == TOK_RBRACE)
                next(p);
            skip_line(p);
            if (p->cur.kind == TOK_NEWLINE)
                next(p);
            return;
        }
        ast_lit *v = ast_push(&e->values, &e->cap, e->nvalues, sizeof *v);
        e->nvalues++;
        v->loc = p->cur.loc;
        if (e->is_int) {
            v->kind = LIT_INT;
            v->num = p->cur.ival;
        } else {
            v->kind = LIT_STRING;
            v->str = ast_strndup(p->cur.text, p->cur.len);
        }
        next(p);
    }
    end_line(p, "'}'");
}

/* ---- model ------------------------------------------------------------- */

static const char *const builtin_types[] = {
    "int", "number", "bool", "string", "datetime", "uuid", "object", "any",
    NULL
};

/* One type name (no brackets): built-in or a name to resolve later. */
static int type_word(parser *p, ty_kind *kind, char **name, sm_loc *loc)
{
    if (p->cur.kind != TOK_WORD) {
        expected(p, "a type");
        return 0;
    }
    int k = word_in(&p->cur, builtin_types);
    if (k >= 0) {
        *kind = (ty_kind)(TY_INT + k);
        if (loc)
            *loc = p->cur.loc;
        next(p);
        return 1;
    }
    *kind = TY_NAMED;
    return take_name(p, "a type", name, loc);
}

static int parse_type(parser *p, ast_type *t)
{
    t->loc = p->cur.loc;
    t->ref = -1;
    if (p->cur.kind == TOK_LBRACKET) {
        next(p);
        if (p->cur.kind == TOK_LBRACKET) {
            diag_error(p->d, p->cur.loc, "nested arrays are not supported");
            skip_line(p);
            return 0;
        }
        t->kind = TY_ARRAY;
        if (!type_word(p, &t->item, &t->name, NULL))
            return 0;
        if (p->cur.kind == TOK_QUESTION) {
            t->item_nullable = true;
            next(p);
        }
        if (p->cur.kind != TOK_RBRACKET) {
            expected(p, "']' to close the array type");
            return 0;
        }
        next(p);
        return 1;
    }
    return type_word(p, &t->kind, &t->name, NULL);
}

static int parse_literal(parser *p, ast_lit *l)
{
    l->loc = p->cur.loc;
    switch (p->cur.kind) {
    case TOK_STRING:
        l->kind = LIT_STRING;
        l->str = ast_strndup(p->cur.text, p->cur.len);
        next(p);
        return 1;
    case TOK_INT:
        l->kind = LIT_INT;
        l->num = p->cur.ival;
        next(p);
        return 1;
    case TOK_WORD:
        if (token_is(&p->cur, "true"))
            l->kind = LIT_TRUE;
        else if (token_is(&p->cur, "false"))
            l->kind = LIT_FALSE;
        else if (token_is(&p->cur, "null"))
            l->kind = LIT_NULL;
        else
            break;
        next(p);
        return 1;
    case TOK_LBRACKET:
    case TOK_LBRACE: {
        tok_kind close = p->cur.kind == TOK_LBRACKET ? TOK_RBRACKET
                                                      : TOK_RBRACE;
        l->kind = close == TOK_RBRACKET ? LIT_EMPTY_ARRAY : LIT_EMPTY_OBJECT;
        next(p);
        if (p->cur.kind != close) {
            diag_error(p->d, p->cur.loc,
                       "only empty '%s' literals are supported as defaults",
                       close == TOK_RBRACKET ? "[]" : "{}");
            skip_line(p);
            return 0;
        }
        next(p);
        return 1;
    }
    default:
        break;
    }
    expected(p, "a default value (string, integer, true, false, null, [] "
                "or {})");
    return 0;
}

static const char *const modifiers[] = {
    "readonly", "writeonly", "required", "notblank", "maxlen", "min", "max",
    "default", "auto", "now", "caller", "uuid", "token", "param", NULL
};

static void field_line(parser *p, void *ctx)
{
    ast_model *m = ctx;
    if (p->cur.kind != TOK_WORD) {
        expected(p, "a field name");
        return;
    }
    ast_field *f = ast_push(&m->fields, &m->cap, m->nfields, sizeof *f);
    m->nfields++;
    if (!take_name(p, "a field name", &f->name, &f->loc))
        return;
    if (at_eol(p)) {
        diag_error(p->d, p->cur.loc, "expected a type for field '%s', got %s",
                   f->name, desc(p));
        skip_line(p);
        return;
    }
    if (!parse_type(p, &f->type))
        return;
    if (p->cur.kind == TOK_QUESTION) {
        f->flags |= AF_NULLABLE;
        next(p);
    }
    if (f->type.item_nullable)
        f->flags |= AF_ITEM_NULLABLE;
    while (!at_eol(p)) {
        if (p->cur.kind != TOK_WORD) {
            expected(p, "a field modifier");
            return;
        }
        sm_loc at = p->cur.loc;
        int k = word_in(&p->cur, modifiers);
        static const unsigned flag_of[] = {
            AF_READONLY, AF_WRITEONLY, AF_REQUIRED, AF_NOTBLANK
        };
        if (k < 0) {
            unknown_word(p, "field modifier", modifiers,
                         "'readonly', 'writeonly', 'required', 'notblank', "
                         "'maxlen', 'min', 'max', 'default', 'auto', 'now', "
                         "'caller', 'uuid', 'token' or 'param'");
            return;
        }
        if (k <= 3) {
            if (f->flags & flag_of[k]) {
                diag_error(p->d, at, "duplicate modifier '%s' on field '%s'",
                           modifiers[k], f->name);
                skip_line(p);
                return;
            }
            f->flags |= flag_of[k];
            if (k == 3)
                f->notblank_loc = at;
            next(p);
        } else if (k <= 6) {
            static const unsigned bit[] = { AF_MAXLEN, AF_MIN, AF_MAX };
            int64_t *slot[] = { &f->maxlen, &f->min, &f->max };
            sm_loc *lslot[] = { &f->maxlen_loc, &f->min_loc, &f->max_loc };
            if (f->flags & bit[k - 4]) {
                diag_error(p->d, at, "duplicate modifier '%s' on field '%s'",
                           modifiers[k], f->name);
                skip_line(p);
                return;
            }
            next(p);
            char buf[64];
            snprintf(buf, sizeof buf, "an integer after '%s'", modifiers[k]);
            if (!take_int(p, buf, slot[k - 4], NULL))
                return;
            f->flags |= bit[k - 4];
            *lslot[k - 4] = at;
        } else if (k == 7) {
            if (f->has_default) {
                diag_error(p->d, at, "duplicate modifier 'default' on field "
                           "'%s'", f->name);
                skip_line(p);
                return;
            }
            next(p);
            if (!parse_literal(p, &f->def))
                return;
            f->has_default = true;
        } else {
            if (f->fill != FILL_NONE) {
                diag_error(p->d, at, "field '%s' has a second server fill "
                           "'%s'; a field takes at most one of 'auto', "
                           "'now', 'caller', 'uuid', 'token' and 'param'",
                           f->name, modifiers[k]);
                skip_line(p);
                return;
            }
            f->fill = (fill_kind)(FILL_AUTO + (k - 8));
            f->fill_loc = at;
            next(p);
            if (f->fill == FILL_PARAM &&
                !take_name(p, "a path parameter name after 'param'",
                           &f->fill_arg, &f->fill_loc))
                return;
        }
    }
    end_line(p, "the field");
}

static void parse_model(parser *p)
{
    sm_loc kw = p->cur.loc;
    next(p);
    ast_model *m = ast_push(&p->s->models, &p->s->cmodels, p->s->nmodels,
                            sizeof *m);
    p->s->nmodels++;
    m->loc = kw;
    if (!take_name(p, "a model name after 'model'", &m->name, &m->loc))
        return;
    block(p, "model", m->name, m->loc, field_line, m);
}

/* ---- resource ---------------------------------------------------------- */

static const char *const resource_words[] = {
    "model", "list-model", "path", "scope", "soft-delete",
    "list", "create", "retrieve", "update", "destroy", "refuse", NULL
};
static const char *const methods[] = {
    "GET", "POST", "PUT", "PATCH", "DELETE", NULL
};
static const char *const op_options[] = {
    "paginated", "scope", "id", "errors", NULL
};

static void op_line(parser *p, ast_resource *r, op_kind kind)
{
    ast_op *o = ast_push(&r->ops, &r->cap, r->nops, sizeof *o);
    r->nops++;
    o->kind = kind;
    o->loc = p->cur.loc;
    o->resource = -1;
    o->request_model = o->response_model = -1;
    next(p);
    int m = word_in(&p->cur, methods);
    if (m < 0) {
        if (p->cur.kind == TOK_WORD)
            unknown_word(p, "HTTP method", methods,
                         "GET, POST, PUT, PATCH or DELETE");
        else
            expected(p, "an HTTP method (GET, POST, PUT, PATCH or DELETE)");
        return;
    }
    o->method = (http_method)(m + 1);
    o->method_loc = p->cur.loc;
    next(p);
    if (!take_string(p, "a path string such as \"/\" or \"/{id}/\"",
                     &o->subpath, &o->subpath_loc))
        return;
    int64_t status;
    if (!take_int(p, "a status code", &status, &o->status_loc))
        return;
    o->status = status < 0 || status > 999 ? 0 : (int)status;
    if (o->status == 0) {
        diag_error(p->d, o->status_loc, "invalid status code %lld",
                   (long long)status);
        skip_line(p);
        return;
    }
    unsigned seen = 0;
    while (!at_eol(p)) {
        int k = word_in(&p->cur, op_options);
        if (k < 0) {
            if (p->cur.kind == TOK_WORD)
                unknown_word(p, "operation option", op_options,
                             "'paginated', 'scope', 'id' or 'errors'");
            else
                expected(p, "an operation option ('paginated', 'scope', "
                            "'id' or 'errors')");
            return;
        }
        if (seen & (1u << k)) {
            diag_error(p->d, p->cur.loc, "duplicate option '%s' on the "
                       "operation", op_options[k]);
            skip_line(p);
            return;
        }
        seen |= 1u << k;
        sm_loc at = p->cur.loc;
        next(p);
        switch (k) {
        case 0:
            o->paginated = true;
            o->paginated_loc = at;
            break;
        case 1:
            if (token_is(&p->cur, "none")) {
                o->scope_mode = SCOPE_NONE;
                o->scope_loc = p->cur.loc;
                next(p);
            } else if (token_is(&p->cur, "INTERNAL")) {
                o->scope_mode = SCOPE_INTERNAL;
                o->scope_loc = p->cur.loc;
                next(p);
            } else {
                if (!take_name(p, "a scope object, 'none' or 'INTERNAL' "
                               "after 'scope'", &o->scope, &o->scope_loc))
                    return;
                o->scope_mode = SCOPE_OBJECT;
            }
            break;
        case 2:
            if (!take_name(p, "an operation id after 'id'", &o->id,
                           &o->id_loc))
                return;
            break;
        case 3:
            if (p->cur.kind != TOK_INT) {
                expected(p, "status codes after 'errors'");
                return;
            }
            while (p->cur.kind == TOK_INT) {
                int *e = ast_push(&o->errors, &o->errors_cap, o->nerrors,
                                  sizeof *e);
                sm_loc *l = ast_push(&o->error_locs, &o->error_locs_cap,
                                     o->nerrors, sizeof *l);
                *e = p->cur.ival < 0 || p->cur.ival > 999 ? 0
                                                           : (int)p->cur.ival;
                *l = p->cur.loc;
                o->nerrors++;
                next(p);
            }
            break;
        }
    }
    end_line(p, "the operation");
}

static void resource_line(parser *p, void *ctx)
{
    ast_resource *r = ctx;
    if (p->cur.kind != TOK_WORD) {
        expected(p, "a resource statement or operation");
        return;
    }
    int k = word_in(&p->cur, resource_words);
    switch (k) {
    case 0:
    case 1: {
        ast_ref *ref = k == 0 ? &r->model : &r->list_model;
        if (!once(p, resource_words[k], "resource", r->name, ref->name != NULL,
                  ref->loc))
            return;
        next(p);
        if (!take_name(p, k == 0 ? "a model name after 'model'"
                                 : "a model name after 'list-model'",
                       &ref->name, &ref->loc))
            return;
        break;
    }
    case 2:
        if (!once(p, "path", "resource", r->name, r->path != NULL,
                  r->path_loc))
            return;
        next(p);
        if (!take_string(p, "a path string after 'path'", &r->path,
                         &r->path_loc))
            return;
        break;
    case 3:
        if (!once(p, "scope", "resource", r->name, r->scope.name != NULL,
                  r->scope.loc))
            return;
        next(p);
        if (!take_name(p, "a scope object after 'scope'", &r->scope.name,
                       &r->scope.loc))
            return;
        break;
    case 4:
        if (!once(p, "soft-delete", "resource", r->name,
                  r->soft_delete.name != NULL, r->soft_delete.loc))
            return;
        next(p);
        if (!take_name(p, "a field name after 'soft-delete'",
                       &r->soft_delete.name, &r->soft_delete.loc))
            return;
        if (!token_is(&p->cur, "hides")) {
            expected(p, "'hides' after the soft-delete field");
            return;
        }
        next(p);
        if (at_eol(p)) {
            expected(p, "'list' and/or 'retrieve' after 'hides'");
            return;
        }
        while (!at_eol(p)) {
            unsigned bit = token_is(&p->cur, "list") ? HIDE_LIST
                         : token_is(&p->cur, "retrieve") ? HIDE_RETRIEVE : 0;
            if (!bit) {
                expected(p, "'list' or 'retrieve'");
                return;
            }
            if (r->hides & bit) {
                diag_error(p->d, p->cur.loc, "duplicate '%.*s' after 'hides'",
                           (int)p->cur.len, p->cur.text);
                skip_line(p);
                return;
            }
            r->hides |= bit;
            next(p);
        }
        break;
    case -1:
        unknown_word(p, "resource statement", resource_words,
                     "'model', 'list-model', 'path', 'scope', 'soft-delete' "
                     "or an operation ('list', 'create', 'retrieve', "
                     "'update', 'destroy', 'refuse')");
        return;
    default:
        op_line(p, r, (op_kind)(OP_LIST + (k - 5)));
        return;
    }
    end_line(p, "the resource statement");
}

static void parse_resource(parser *p)
{
    sm_loc kw = p->cur.loc;
    next(p);
    ast_resource *r = ast_push(&p->s->resources, &p->s->cresources,
                               p->s->nresources, sizeof *r);
    p->s->nresources++;
    r->loc = kw;
    r->model.index = r->list_model.index = r->scope.index = -1;
    r->soft_delete.index = -1;
    r->id_field = -1;
    if (!take_name(p, "a resource name after 'resource'", &r->name, &r->loc))
        return;
    block(p, "resource", r->name, r->loc, resource_line, r);
}

/* ---- file -------------------------------------------------------------- */

static const char *const top_words[] = {
    "api", "param", "enum", "model", "resource", NULL
};

size_t parse_file(spec *s, diag *d, const char *file, const char *src,
                  size_t len)
{
    parser p;
    size_t before = diag_count(d);
    memset(&p, 0, sizeof p);
    p.d = d;
    p.s = s;
    lexer_init(&p.lx, file, src, len, d);
    next(&p);
    for (;;) {
        while (p.cur.kind == TOK_NEWLINE)
            next(&p);
        if (p.cur.kind == TOK_EOF)
            break;
        switch (word_in(&p.cur, top_words)) {
        case 0: parse_api(&p); break;
        case 1: parse_param(&p); break;
        case 2: parse_enum(&p); break;
        case 3: parse_model(&p); break;
        case 4: parse_resource(&p); break;
        default:
            if (p.cur.kind == TOK_WORD)
                unknown_word(&p, "declaration", top_words,
                             "'api', 'param', 'enum', 'model' or 'resource'");
            else if (p.cur.kind == TOK_RBRACE) {
                diag_error(d, p.cur.loc, "unexpected '}' outside a block");
                next(&p);
            } else
                expected(&p, "a declaration ('api', 'param', 'enum', "
                             "'model' or 'resource')");
            break;
        }
    }
    lexer_free(&p.lx);
    return diag_count(d) - before;
}
