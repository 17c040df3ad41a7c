/*
 * parser.c — recursive-descent parser for the line-oriented spec language.
 *
 * Every statement is one line; a line that opens a block ends with '{' and
 * the block ends with '}' alone on a line (enums may close on the same
 * line).  An operation line may end with '{' and open a block of option
 * lines (language v2).  After a syntax error the rest of the line is
 * skipped (with any block it opens), so each bad line gives one error.
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
    size_t limit = n <= 4 ? 1 : n <= 8 ? 2 : 3;
    size_t bestd = limit + 1;
    for (; *list; list++) {
        /* the distance is at least the difference in length: a word that
         * far off can never be suggested, so its matrix is not worth
         * filling (a long unknown word would cost length x length each) */
        size_t m = strlen(*list);
        if ((n > m ? n - m : m - n) > limit)
            continue;
        size_t dist = edit_distance(w, n, *list);
        if (dist < bestd) {
            bestd = dist;
            best = *list;
        }
    }
    return best;
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
    "default", "auto", "now", "caller", "uuid", "token", "param",
    "segments", "copy", "children", "user", "hidden", NULL
};
enum { MOD_HIDDEN = 18 };

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
                         "'caller', 'uuid', 'token', 'param', 'segments', "
                         "'copy', 'children', 'user' or 'hidden'");
            return;
        }
        if (k == MOD_HIDDEN) {
            if (f->flags & AF_HIDDEN) {
                diag_error(p->d, at, "duplicate modifier 'hidden' on field "
                           "'%s'", f->name);
                skip_line(p);
                return;
            }
            f->flags |= AF_HIDDEN;
            f->hidden_loc = at;
            next(p);
        } else if (k <= 3) {
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
                           "'now', 'caller', 'uuid', 'token', 'param', "
                           "'segments', 'copy', 'children' and 'user'",
                           f->name, modifiers[k]);
                skip_line(p);
                return;
            }
            f->fill = (fill_kind)(FILL_AUTO + (k - 8));
            f->fill_loc = at;
            next(p);
            static const char *const arg_what[] = {
                [FILL_PARAM] = "a path parameter name after 'param'",
                [FILL_SEGMENTS] = "a field name after 'segments'",
                [FILL_COPY] = "a field name after 'copy'",
                [FILL_CHILDREN] = "a resource name after 'children'",
                [FILL_USER] = "a field name after 'user'",
            };
            if (f->fill >= FILL_PARAM &&
                !take_name(p, arg_what[f->fill], &f->fill_arg, &f->fill_loc))
                return;
            /* `caller NAME`: a word that is not a plain modifier names a
             * member of the user object */
            if (f->fill == FILL_CALLER && p->cur.kind == TOK_WORD) {
                int mk = word_in(&p->cur, modifiers);
                if ((mk < 0 || (mk > 7 && mk != MOD_HIDDEN)) &&
                    !take_name(p, "a member name after 'caller'",
                               &f->fill_arg, &f->fill_loc))
                    return;
            }
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
    "model", "list-model", "path", "scope", "soft-delete", "key", "notfound",
    "parent", "singleton", "build", "owner", "order", "rows", "ancestors",
    "list", "create", "retrieve", "update", "destroy", "refuse", "action",
    "stream", "content", NULL
};
enum { RW_FIRST_OP = 14 };
static const char *const methods[] = {
    "GET", "POST", "PUT", "PATCH", "DELETE", NULL
};
static const char *const op_options[] = {
    "paginated", "scope", "id", "errors", "envelope", "extra", "body",
    "media", "filter", "check", "set", "returns", "upsert", "stream",
    "content-type", "move", "prefix", NULL
};
enum { OPT_FILTER = 8, OPT_CHECK = 9, OPT_SET = 10, OPT_PREFIX = 16 };
static const char *const op_options_expect =
    "'paginated', 'scope', 'id', 'errors', 'envelope', 'extra', 'body', "
    "'media', 'filter', 'check', 'set', 'returns', 'upsert', 'stream', "
    "'content-type', 'move' or 'prefix'";

/* A name or a string (dotted paths, query parameter names). */
static int take_name_or_string(parser *p, const char *what, char **out,
                               sm_loc *loc)
{
    if (p->cur.kind == TOK_STRING)
        return take_string(p, what, out, loc);
    if (p->cur.kind != TOK_WORD) {
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

/* A literal value: string, integer, true, false, null, [] or {}. */
static int take_value(parser *p, ast_lit *l, const char *what)
{
    if (p->cur.kind == TOK_STRING || p->cur.kind == TOK_INT ||
        p->cur.kind == TOK_LBRACKET || p->cur.kind == TOK_LBRACE ||
        token_is(&p->cur, "true") || token_is(&p->cur, "false") ||
        token_is(&p->cur, "null"))
        return parse_literal(p, l);
    expected(p, what);
    return 0;
}

/* One word of a fixed list; returns its index + 1, or 0 (reported). */
static int take_choice(parser *p, const char *what,
                       const char *const *list, const char *expect)
{
    int k = word_in(&p->cur, list);
    if (k < 0) {
        if (p->cur.kind == TOK_WORD)
            unknown_word(p, what, list, expect);
        else {
            char buf[200];
            snprintf(buf, sizeof buf, "%s (%s)", what, expect);
            expected(p, buf);
        }
        return 0;
    }
    next(p);
    return k + 1;
}

static int parse_filter(parser *p, ast_op *o, sm_loc at)
{
    static const char *const matches[] = { "eq", "icontains", "words",
                                           "tokens", NULL };
    ast_filter *f = ast_push(&o->filters, &o->cfilters, o->nfilters,
                             sizeof *f);
    o->nfilters++;
    f->loc = at;
    if (!take_name_or_string(p, "a query parameter name after 'filter'",
                             &f->query, NULL))
        return 0;
    f->match = take_choice(p, "filter match", matches,
                           "'eq', 'icontains', 'words' or 'tokens'");
    if (!f->match)
        return 0;
    /* The field list ends at `required`, `exclude` or another option's
     * keyword, except for the first field; a field written as a string
     * ("id") never ends it. */
    while (p->cur.kind == TOK_STRING ||
           (p->cur.kind == TOK_WORD &&
            (f->nfields == 0 ||
             (!token_is(&p->cur, "required") &&
              !token_is(&p->cur, "exclude") &&
              word_in(&p->cur, op_options) < 0)))) {
        ast_ref *r = ast_push(&f->fields, &f->cap, f->nfields, sizeof *r);
        r->index = -1;
        if (p->cur.kind == TOK_STRING
                ? !take_string(p, "a field name", &r->name, &r->loc)
                : !take_name(p, "a field name", &r->name, &r->loc))
            return 0;
        f->nfields++;
    }
    if (f->nfields == 0) {
        expected(p, "field names after the filter match");
        return 0;
    }
    for (;;) {
        if (token_is(&p->cur, "required") && !f->message) {
            next(p);
            if (!take_string(p, "a message string after 'required'",
                             &f->message, NULL))
                return 0;
        } else if (token_is(&p->cur, "exclude") && !f->has_exclude) {
            next(p);
            if (!take_value(p, &f->exclude, "a literal after 'exclude'"))
                return 0;
            f->has_exclude = true;
        } else
            return 1;
    }
}

/* A word that may continue a list of names (not another option). */
static int list_word(parser *p)
{
    return p->cur.kind == TOK_STRING ||
           (p->cur.kind == TOK_WORD && word_in(&p->cur, op_options) < 0);
}

/* `prefix NAME HOW FIELD...`: a declared NAME: of the operation's last
 * `tokens` filter written before it. */
static int parse_prefix(parser *p, ast_op *o, sm_loc at)
{
    static const char *const hows[] = { "contains", "parents", "basename",
                                        "exact", "exact-or-prefix", "user",
                                        NULL };
    size_t fi = o->nfilters;
    while (fi > 0 && o->filters[fi - 1].match != MATCH_TOKENS)
        fi--;
    if (fi == 0) {
        diag_error(p->d, at, "'prefix' must follow a 'tokens' filter of the "
                   "operation");
        skip_line(p);
        return 0;
    }
    ast_filter *f = &o->filters[fi - 1];
    ast_prefix *x = ast_push(&f->prefixes, &f->cprefixes, f->nprefixes,
                             sizeof *x);
    f->nprefixes++;
    x->loc = at;
    if (!take_name_or_string(p, "a prefix name after 'prefix'", &x->name,
                             &x->name_loc))
        return 0;
    x->how = take_choice(p, "prefix match", hows,
                         "'contains', 'parents', 'basename', 'exact', "
                         "'exact-or-prefix' or 'user'");
    if (!x->how)
        return 0;
    /* fields: several for `contains`, one otherwise; `user` then takes
     * member texts ("first_name last_name" joins two) */
    do {
        ast_ref *r = ast_push(&x->fields, &x->cap, x->nfields, sizeof *r);
        r->index = -1;
        if (p->cur.kind == TOK_STRING
                ? !take_string(p, "a field name", &r->name, &r->loc)
                : !take_name(p, "a field name after the prefix match",
                             &r->name, &r->loc))
            return 0;
        x->nfields++;
    } while (x->how == PM_CONTAINS && list_word(p));
    if (x->how == PM_USER) {
        while (list_word(p)) {
            char **m = ast_push(&x->members, &x->cmembers, x->nmembers,
                                sizeof *m);
            sm_loc *l = ast_push(&x->member_locs, &x->cmember_locs,
                                 x->nmembers, sizeof *l);
            if (!take_name_or_string(p, "a member name", m, l))
                return 0;
            x->nmembers++;
        }
        if (!x->nmembers) {
            expected(p, "member names of the user object after the field");
            return 0;
        }
    }
    return 1;
}

static int parse_check(parser *p, ast_op *o, sm_loc at)
{
    static const char *const sources[] = { "body", "query", "parent",
                                           "record", "new", NULL };
    static const char *const tests[] = { "present", "eq", "ne", "in",
                                         "minlen", "unique", "exists",
                                         "user", "any", NULL };
    static const char *const styles[] = { "drf", "error", "detail", "empty",
                                          NULL };
    ast_check *c = ast_push(&o->checks, &o->cchecks, o->nchecks, sizeof *c);
    o->nchecks++;
    c->loc = at;
    c->source = take_choice(p, "check source", sources,
                            "'body', 'query', 'parent', 'record' or 'new'");
    if (!c->source)
        return 0;
    if (!take_name_or_string(p, "a field, parameter or \"dotted.path\"",
                             &c->name, &c->name_loc))
        return 0;
    c->test_loc = p->cur.loc;
    c->test = take_choice(p, "check test", tests,
                          "'present', 'eq', 'ne', 'in', 'minlen', 'unique', "
                          "'exists', 'user' or 'any'");
    if (!c->test)
        return 0;
    switch (c->test) {
    case TEST_EQ:
    case TEST_NE:
        if (!take_value(p, &c->lit, "a literal after 'eq'/'ne'"))
            return 0;
        break;
    case TEST_IN:
        if (!take_string(p, "a JSON array string after 'in'", &c->arg,
                         &c->arg_loc))
            return 0;
        break;
    case TEST_MINLEN:
        if (!take_int(p, "an integer after 'minlen'", &c->n, &c->arg_loc))
            return 0;
        break;
    case TEST_EXISTS:
        if (!take_name(p, "a resource name after 'exists'", &c->arg,
                       &c->arg_loc))
            return 0;
        break;
    default:
        break;
    }
    int64_t st;
    if (!take_int(p, "the status the check answers", &st, &c->status_loc))
        return 0;
    c->status = st < 0 || st > 999 ? 0 : (int)st;
    if (p->cur.kind == TOK_WORD && word_in(&p->cur, styles) >= 0)
        c->style = take_choice(p, "style", styles, "") - 1;
    if (p->cur.kind == TOK_STRING &&
        !take_string(p, "a message", &c->message, NULL))
        return 0;
    for (;;) {
        if (token_is(&p->cur, "code") && !c->code) {
            next(p);
            if (!take_name_or_string(p, "an error code after 'code'",
                                     &c->code, NULL))
                return 0;
        } else if (token_is(&p->cur, "attr") && !c->attr) {
            next(p);
            if (!take_name_or_string(p, "an attribute name after 'attr'",
                                     &c->attr, NULL))
                return 0;
        } else
            return 1;
    }
}

static int parse_set(parser *p, ast_op *o, sm_loc at)
{
    ast_set *t = ast_push(&o->sets, &o->csets, o->nsets, sizeof *t);
    o->nsets++;
    t->loc = at;
    t->field.index = -1;
    if (!take_name(p, "a field name after 'set'", &t->field.name,
                   &t->field.loc))
        return 0;
    t->arg_loc = p->cur.loc;
    if (token_is(&p->cur, "now") || token_is(&p->cur, "token") ||
        token_is(&p->cur, "uuid")) {
        t->from = token_is(&p->cur, "now") ? SET_NOW
                : token_is(&p->cur, "token") ? SET_TOKEN : SET_UUID;
        next(p);
        return 1;
    }
    if (token_is(&p->cur, "json")) {
        next(p);
        t->from = SET_JSON;
        return take_string(p, "a JSON text string after 'json'", &t->arg,
                           &t->arg_loc);
    }
    if (token_is(&p->cur, "from") || token_is(&p->cur, "wrap")) {
        int wrap = token_is(&p->cur, "wrap");
        next(p);
        if (token_is(&p->cur, "body")) {
            next(p);
            t->from = wrap ? SET_BODY_WRAP : SET_BODY;
            return take_name_or_string(p, "a body path after 'body'",
                                       &t->arg, &t->arg_loc);
        }
        if (!wrap && token_is(&p->cur, "query")) {
            next(p);
            t->from = SET_QUERY;
            return take_name_or_string(p, "a query parameter after 'query'",
                                       &t->arg, &t->arg_loc);
        }
        expected(p, wrap ? "'body' after 'wrap'"
                         : "'body' or 'query' after 'from'");
        return 0;
    }
    t->from = SET_LITERAL;
    return take_value(p, &t->lit, "a value after the field (a literal, "
                      "'now', 'token', 'uuid', 'json STRING', 'from body "
                      "PATH', 'wrap body PATH' or 'from query NAME')");
}

/* Options until the end of the line.  Returns 0 after an error (the line
 * was skipped). */
static int op_options_line(parser *p, ast_op *o)
{
    while (!at_eol(p) && p->cur.kind != TOK_LBRACE) {
        int k = word_in(&p->cur, op_options);
        if (k < 0) {
            if (p->cur.kind == TOK_WORD)
                unknown_word(p, "operation option", op_options,
                             op_options_expect);
            else {
                char buf[300];
                snprintf(buf, sizeof buf, "an operation option (%s)",
                         op_options_expect);
                expected(p, buf);
            }
            return 0;
        }
        int repeatable = k == OPT_FILTER || k == OPT_CHECK || k == OPT_SET ||
                         k == OPT_PREFIX;
        if (!repeatable && (o->seen & (1u << k))) {
            diag_error(p->d, p->cur.loc, "duplicate option '%s' on the "
                       "operation", op_options[k]);
            skip_line(p);
            return 0;
        }
        o->seen |= 1u << k;
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
                    return 0;
                o->scope_mode = SCOPE_OBJECT;
            }
            break;
        case 2:
            if (!take_name(p, "an operation id after 'id'", &o->id,
                           &o->id_loc))
                return 0;
            break;
        case 3:
            if (p->cur.kind != TOK_INT) {
                expected(p, "status codes after 'errors'");
                return 0;
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
        case 4: {
            static const char *const envs[] = { "array", "paginated",
                                                "counted", "results", NULL };
            o->envelope_loc = at;
            int e = take_choice(p, "envelope", envs, "'array', 'paginated', "
                                "'counted' or 'results'");
            if (!e)
                return 0;
            o->has_envelope = true;
            o->envelope = e - 1;
            if (o->envelope == ENV_PAGINATED) {
                o->paginated = true;
                o->paginated_loc = at;
            }
            break;
        }
        case 5:
            if (!take_string(p, "a JSON object string after 'extra'",
                             &o->extra, &o->extra_loc))
                return 0;
            break;
        case 6:
            o->body.index = -1;
            if (!take_name(p, "a model name after 'body'", &o->body.name,
                           &o->body.loc))
                return 0;
            break;
        case 7:
            if (!take_string(p, "a string of media types after 'media'",
                             &o->media, &o->media_loc))
                return 0;
            break;
        case OPT_FILTER:
            if (!parse_filter(p, o, at))
                return 0;
            break;
        case OPT_CHECK:
            if (!parse_check(p, o, at))
                return 0;
            break;
        case OPT_SET:
            if (!parse_set(p, o, at))
                return 0;
            break;
        case OPT_PREFIX:
            if (!parse_prefix(p, o, at))
                return 0;
            break;
        case 11:
            o->returns_loc = p->cur.loc;
            if (token_is(&p->cur, "empty")) {
                o->returns_empty = true;
                next(p);
            } else if (!take_string(p, "a JSON string or 'empty' after "
                                    "'returns'", &o->returns, &o->returns_loc))
                return 0;
            break;
        case 12:
            o->upsert = true;
            o->upsert_loc = at;
            break;
        case 13: {
            int64_t head;
            o->stream_field.index = -1;
            if (!take_name(p, "the streamed array field after 'stream'",
                           &o->stream_field.name, &o->stream_field.loc) ||
                !take_name_or_string(p, "the metadata member name",
                                     &o->stream_key, NULL) ||
                !take_name_or_string(p, "the item member name",
                                     &o->stream_item, NULL) ||
                !take_int(p, "the number of items in the metadata event",
                          &head, NULL))
                return 0;
            if (head < 0 || head > 255) {
                diag_error(p->d, at, "stream head %lld must be 0..255",
                           (long long)head);
                head = 0;
            }
            o->stream_head = (int)head;
            break;
        }
        case 14:
            o->content_type.index = -1;
            if (!take_name(p, "a field name after 'content-type'",
                           &o->content_type.name, &o->content_type.loc))
                return 0;
            break;
        case 15:
            o->move_field.index = -1;
            if (!take_name(p, "an array field name after 'move'",
                           &o->move_field.name, &o->move_field.loc) ||
                !take_name_or_string(p, "the body path of the item's id",
                                     &o->move_item, NULL) ||
                !take_name_or_string(p, "the body path of the target's key",
                                     &o->move_to, NULL))
                return 0;
            break;
        }
    }
    return 1;
}

static void op_line(parser *p, ast_resource *r, op_kind kind)
{
    ast_op *o = ast_push(&r->ops, &r->cap, r->nops, sizeof *o);
    r->nops++;
    o->kind = kind;
    o->loc = p->cur.loc;
    o->resource = -1;
    o->request_model = o->response_model = -1;
    o->body.index = o->stream_field.index = o->content_type.index =
        o->move_field.index = -1;
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
    if (!op_options_line(p, o))
        return;
    if (p->cur.kind != TOK_LBRACE) {
        end_line(p, "the operation");
        return;
    }
    /* block form: option lines until '}' alone on a line */
    sm_loc open = p->cur.loc;
    next(p);
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
            diag_note(p->d, open, "to close the option block of operation "
                      "'%s %s' opened here", method_name(o->method),
                      o->subpath);
            return;
        }
        if (op_options_line(p, o)) {
            if (p->cur.kind == TOK_LBRACE) {
                diag_error(p->d, p->cur.loc, "unexpected '{' inside an "
                           "operation's option block");
                skip_line(p);
            }
            end_line(p, "the option");
        }
    }
}

static void resource_line(parser *p, void *ctx)
{
    ast_resource *r = ctx;
    if (p->cur.kind != TOK_WORD) {
        expected(p, "a resource statement or operation");
        return;
    }
    int k = word_in(&p->cur, resource_words);
    sm_loc kw = p->cur.loc;
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
            expected(p, "'list', 'retrieve' and/or 'update' after 'hides'");
            return;
        }
        while (!at_eol(p)) {
            unsigned bit = token_is(&p->cur, "list") ? HIDE_LIST
                         : token_is(&p->cur, "retrieve") ? HIDE_RETRIEVE
                         : token_is(&p->cur, "update") ? HIDE_UPDATE : 0;
            if (!bit) {
                expected(p, "'list', 'retrieve' or 'update'");
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
    case 5: /* key */
    case 10: /* owner */ {
        ast_ref *ref = k == 5 ? &r->key : &r->owner;
        if (!once(p, resource_words[k], "resource", r->name, ref->name != NULL,
                  ref->loc))
            return;
        next(p);
        if (!take_name(p, k == 5 ? "a field name after 'key'"
                                 : "a field name after 'owner'",
                       &ref->name, &ref->loc))
            return;
        break;
    }
    case 6:
        if (!once(p, "notfound", "resource", r->name, r->notfound != NULL,
                  r->notfound_loc))
            return;
        next(p);
        if (!take_string(p, "a message string after 'notfound'",
                         &r->notfound, NULL))
            return;
        r->notfound_loc = kw;
        break;
    case 7: /* parent RES [param P] [notfound S] [build] */
        if (!once(p, "parent", "resource", r->name, r->parent.name != NULL,
                  r->parent.loc))
            return;
        next(p);
        if (!take_name(p, "a resource name after 'parent'", &r->parent.name,
                       &r->parent.loc))
            return;
        while (!at_eol(p)) {
            if (token_is(&p->cur, "param") && !r->parent_param.name) {
                next(p);
                if (!take_name(p, "a path parameter after 'param'",
                               &r->parent_param.name, &r->parent_param.loc))
                    return;
            } else if (token_is(&p->cur, "notfound") && !r->parent_notfound) {
                next(p);
                if (!take_string(p, "a message string after 'notfound'",
                                 &r->parent_notfound, NULL))
                    return;
            } else if (token_is(&p->cur, "build") &&
                       !(r->rflags & RF_PARENT_BUILD)) {
                r->rflags |= RF_PARENT_BUILD;
                next(p);
            } else {
                static const char *const opts[] = { "param", "notfound",
                                                    "build", NULL };
                if (p->cur.kind == TOK_WORD && word_in(&p->cur, opts) < 0)
                    unknown_word(p, "parent option", opts,
                                 "'param', 'notfound' or 'build'");
                else if (p->cur.kind == TOK_WORD) {
                    diag_error(p->d, p->cur.loc, "duplicate '%.*s' after "
                               "'parent'", (int)p->cur.len, p->cur.text);
                    skip_line(p);
                } else
                    expected(p, "'param', 'notfound', 'build' or end of line");
                return;
            }
        }
        break;
    case 8: /* singleton */
    case 9: /* build */ {
        unsigned bit = k == 8 ? RF_SINGLETON : RF_BUILD;
        sm_loc *l = k == 8 ? &r->singleton_loc : &r->build_loc;
        if (!once(p, resource_words[k], "resource", r->name,
                  (r->rflags & bit) != 0, *l))
            return;
        r->rflags |= bit;
        *l = kw;
        next(p);
        break;
    }
    case 11:
        if (!once(p, "order", "resource", r->name, r->order != NULL,
                  r->order_loc))
            return;
        next(p);
        if (!take_string(p, "a string of field names after 'order'",
                         &r->order, &r->order_loc))
            return;
        break;
    case 12:
        if (!once(p, "rows", "resource", r->name, r->rows != NULL,
                  r->rows_loc))
            return;
        next(p);
        if (!take_string(p, "a JSON file name after 'rows'", &r->rows,
                         &r->rows_loc))
            return;
        break;
    case 13:
        if (!once(p, "ancestors", "resource", r->name,
                  r->ancestors.name != NULL, r->ancestors.loc))
            return;
        next(p);
        if (!take_name(p, "a field name after 'ancestors'",
                       &r->ancestors.name, &r->ancestors.loc) ||
            !take_string(p, "a JSON object string after the field",
                         &r->ancestor_json, &r->ancestor_json_loc))
            return;
        break;
    case -1:
        unknown_word(p, "resource statement", resource_words,
                     "'model', 'list-model', 'path', 'scope', 'soft-delete', "
                     "'key', 'notfound', 'parent', 'singleton', 'build', "
                     "'owner', 'order', 'rows', 'ancestors' or an operation "
                     "('list', 'create', 'retrieve', 'update', 'destroy', "
                     "'refuse', 'action', 'stream', 'content')");
        return;
    default:
        op_line(p, r, (op_kind)(OP_LIST + (k - RW_FIRST_OP)));
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
    r->key.index = r->parent.index = r->parent_param.index = -1;
    r->owner.index = r->ancestors.index = -1;
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
