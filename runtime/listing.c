/*
 * listing.c — list order and query-string filters (see listing.h).
 *
 * Ownership: written by the RT-AUX helper (issue 4); the list handler in
 * handlers.c calls it.  Pure functions over parsed records.
 *
 * Case-insensitive comparison and matching fold ASCII letters only
 * (A-Z <-> a-z); other bytes, including every byte of a multi-byte UTF-8
 * sequence, compare as they are.  That is enough for the mocked API's
 * names and paths (Django's icontains would also fold "É" and "é"; we do
 * not), and it can never split or corrupt a UTF-8 sequence.
 */
#include "listing.h"

#include <stdlib.h>
#include <string.h>

#include "jsonio.h"
#include "strbuf.h"

/* ---- ASCII case folding ------------------------------------------------ */

static unsigned char fold(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static int ci_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    size_t n = al < bl ? al : bl, i = 0;
    /* equal bytes fold equally: skip them without folding (sorting compares
     * names that share long prefixes, "Item 1" .. "Item 100") */
    while (i < n && a[i] == b[i])
        i++;
    for (; i < n; i++) {
        unsigned char x = fold((unsigned char)a[i]), y = fold((unsigned char)b[i]);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return al < bl ? -1 : al > bl ? 1 : 0;
}

static int ci_prefix(const char *h, size_t hl, const char *n, size_t nl)
{
    return nl <= hl && ci_cmp(h, nl, n, nl) == 0;
}

static int ci_contains(const char *h, size_t hl, const char *n, size_t nl)
{
    if (nl == 0)
        return 1;
    for (size_t i = 0; i + nl <= hl; i++)
        if (ci_prefix(h + i, hl - i, n, nl))
            return 1;
    return 0;
}

/* ---- order ------------------------------------------------------------- */

typedef struct order_key {
    char *name;
    int desc; /* "-name" */
    int ci;   /* "~name" */
} order_key;

struct listing_order {
    size_t n;
    order_key *k;
};

void listing_order_free(listing_order *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++)
        free(o->k[i].name);
    free(o->k);
    free(o);
}

int listing_order_parse(const char *order, listing_order **out)
{
    *out = NULL;
    if (!order)
        return 0;
    listing_order *o = sm_xmalloc(sizeof *o);
    o->n = 0;
    o->k = NULL;
    const char *p = order;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        order_key k = {NULL, 0, 0};
        /* the two markers in either order: "-~name" or "~-name" */
        while (*p == '-' || *p == '~') {
            if (*p == '-')
                k.desc = 1;
            else
                k.ci = 1;
            p++;
        }
        const char *s = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (p == s) {
            listing_order_free(o);
            return -1;
        }
        k.name = sm_xstrndup(s, (size_t)(p - s));
        o->k = sm_xrealloc(o->k, (o->n + 1) * sizeof *o->k);
        o->k[o->n++] = k;
    }
    if (o->n == 0) {
        listing_order_free(o);
        return 0;
    }
    *out = o;
    return 0;
}

/* Python-like rank of a JSON type: null < bool < number < string < rest. */
static int type_rank(const json_t *v)
{
    if (!v || json_is_null(v))
        return 0;
    if (json_is_boolean(v))
        return 1;
    if (json_is_number(v))
        return 2;
    if (json_is_string(v))
        return 3;
    return 4; /* arrays and objects: equal to each other (ties by sequence) */
}

static int value_cmp(const json_t *a, const json_t *b, int ci)
{
    int ra = type_rank(a), rb = type_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    switch (ra) {
    case 1: {
        int x = json_is_true(a), y = json_is_true(b);
        return x < y ? -1 : x > y;
    }
    case 2:
        if (json_is_integer(a) && json_is_integer(b)) {
            json_int_t x = json_integer_value(a), y = json_integer_value(b);
            return x < y ? -1 : x > y;
        } else {
            double x = json_number_value(a), y = json_number_value(b);
            return x < y ? -1 : x > y;
        }
    case 3: {
        const char *x = json_string_value(a), *y = json_string_value(b);
        size_t xl = json_string_length(a), yl = json_string_length(b);
        if (ci)
            return ci_cmp(x, xl, y, yl);
        /* bytewise order of UTF-8 = code point order, as Python's str */
        size_t n = xl < yl ? xl : yl;
        int c = memcmp(x, y, n);
        if (c)
            return c < 0 ? -1 : 1;
        return xl < yl ? -1 : xl > yl;
    }
    default:
        return 0;
    }
}

int listing_compare(const listing_order *o, const json_t *a, uint64_t seq_a,
                    const json_t *b, uint64_t seq_b)
{
    int seq_desc = 0;
    if (o) {
        for (size_t i = 0; i < o->n; i++) {
            const order_key *k = &o->k[i];
            int c = value_cmp(json_is_object(a) ? json_object_get(a, k->name) : NULL,
                              json_is_object(b) ? json_object_get(b, k->name) : NULL,
                              k->ci);
            if (c)
                return k->desc ? -c : c;
        }
        seq_desc = o->n > 0 && o->k[0].desc;
    }
    int c = seq_a < seq_b ? -1 : seq_a > seq_b;
    return seq_desc ? -c : c;
}

/* ---- filters ----------------------------------------------------------- */

const sm_filter *listing_missing_required(const sm_op *op,
                                          const query_list *q)
{
    for (uint16_t i = 0; i < op->nfilters; i++) {
        const sm_filter *f = &op->filters[i];
        if (!(f->flags & SM_FILTER_REQUIRED))
            continue;
        const query_pair *p = q ? query_get(q, f->query) : NULL;
        if (!p || p->value_len == 0)
            return f;
    }
    return NULL;
}

/* A record member as the text a filter sees: strings as they are, integers
 * in decimal, reals as Python prints them, booleans "true"/"false".  NULL
 * (no text: never matches) for null, absent, arrays and objects. */
static const char *value_text(const json_t *v, strbuf *tmp, size_t *len)
{
    strbuf_truncate(tmp, 0);
    if (json_is_string(v)) {
        *len = json_string_length(v);
        return json_string_value(v);
    }
    if (json_is_integer(v))
        strbuf_addf(tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        jsonio_dump(tmp, v);
    else if (json_is_boolean(v))
        strbuf_adds(tmp, json_is_true(v) ? "true" : "false");
    else
        return NULL;
    *len = tmp->len;
    return tmp->p;
}

static int eq_match(const json_t *v, const char *s, size_t sl)
{
    if (json_is_boolean(v)) {
        int t = json_is_true(v);
        if (sl == 1)
            return s[0] == (t ? '1' : '0');
        const char *w = t ? "true" : "false";
        return ci_cmp(s, sl, w, strlen(w)) == 0;
    }
    strbuf tmp = STRBUF_INIT;
    size_t tl = 0;
    const char *t = value_text(v, &tmp, &tl);
    int r = t && tl == sl && memcmp(t, s, sl) == 0;
    strbuf_free(&tmp);
    return r;
}

/* s is a case-insensitive substring (prefix when prefix) of v's text. */
static int text_match(const json_t *v, const char *s, size_t sl, int prefix)
{
    strbuf tmp = STRBUF_INIT;
    size_t tl = 0;
    const char *t = value_text(v, &tmp, &tl);
    int r = t && (prefix ? ci_prefix(t, tl, s, sl) : ci_contains(t, tl, s, sl));
    strbuf_free(&tmp);
    return r;
}

static const json_t *field_of(const json_t *rec, const char *name)
{
    return json_is_object(rec) ? json_object_get(rec, name) : NULL;
}

static int any_field_contains(const sm_filter *f, const json_t *rec,
                              const char *s, size_t sl)
{
    for (uint16_t i = 0; i < f->nfields; i++)
        if (text_match(field_of(rec, f->fields[i]), s, sl, 0))
            return 1;
    return 0;
}

/* The record member whose name equals name[0..nl) ignoring ASCII case. */
static const json_t *field_ci(const json_t *rec, const char *name, size_t nl)
{
    if (!json_is_object(rec))
        return NULL;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)rec, k, v) {
        if (ci_cmp(k, strlen(k), name, nl) == 0)
            return v;
    }
    return NULL;
}

/* ---- the tokens syntax -------------------------------------------------
 *
 * Tokens are read as Python's shlex (posix, whitespace_split) reads them:
 * spaces, tabs, CR and LF split; "double" and 'single' quotes keep words
 * together and are dropped (a"b c"d -> ab cd); a backslash outside quotes
 * takes the next character as it is, inside double quotes only before '"'
 * or '\'.  An unclosed quote or a trailing backslash makes that reading
 * fail: it is retried with single quotes as ordinary characters, and then
 * the text is split on whitespace with every quote kept.
 *
 * Then each token: a leading '-' or '!' negates it; one pair of enclosing
 * quotes left is dropped; an empty token selects nothing.  A token with a
 * ':' is NAME:value (NAME case-insensitive, value whitespace-trimmed and
 * without enclosing quotes): a declared prefix matches as its sm_prefix
 * says, an undeclared NAME makes the whole token a plain one; without
 * declared prefixes NAME may name any member of the record (a substring,
 * or a prefix when value ends in '/').  A plain token is a substring of
 * one of the filter's fields, where a '/' in it also matches "\/".  All
 * tokens ANDed. */

typedef struct toklist {
    strbuf *v;
    size_t n, cap;
} toklist;

static strbuf *tok_new(toklist *tl)
{
    if (tl->n == tl->cap) {
        size_t cap = tl->cap ? tl->cap * 2 : 8;
        strbuf *v = realloc(tl->v, cap * sizeof *v);
        if (!v)
            abort();
        tl->v = v;
        tl->cap = cap;
    }
    strbuf *t = &tl->v[tl->n++];
    *t = (strbuf)STRBUF_INIT;
    strbuf_adds(t, ""); /* never a NULL p */
    return t;
}

static void tok_clear(toklist *tl)
{
    for (size_t i = 0; i < tl->n; i++)
        strbuf_free(&tl->v[i]);
    tl->n = 0;
}

static int is_shlex_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Python's str.isspace() for ASCII. */
static int is_py_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* The shlex reading; -1 when it fails (tl then holds partial tokens). */
static int split_shlex(const char *s, int single, toklist *tl)
{
    char state = ' ', esc_from = 'a';
    strbuf *cur = NULL;
    for (const char *p = s;; p++) {
        char ch = *p;
        if (state == ' ') {
            if (!ch)
                return 0;
            if (is_shlex_space(ch))
                continue;
            cur = tok_new(tl);
            if (ch == '\\') {
                esc_from = 'a';
                state = '\\';
            } else if (ch == '"' || (single && ch == '\'')) {
                state = ch;
            } else {
                strbuf_addc(cur, ch);
                state = 'a';
            }
        } else if (state == '"' || state == '\'') {
            if (!ch)
                return -1;
            if (ch == state)
                state = 'a';
            else if (ch == '\\' && state == '"') {
                esc_from = '"';
                state = '\\';
            } else
                strbuf_addc(cur, ch);
        } else if (state == '\\') {
            if (!ch)
                return -1;
            if (esc_from == '"' && ch != '"' && ch != '\\')
                strbuf_addc(cur, '\\');
            strbuf_addc(cur, ch);
            state = esc_from;
        } else { /* in a word */
            if (!ch)
                return 0;
            if (is_shlex_space(ch))
                state = ' ';
            else if (ch == '"' || (single && ch == '\''))
                state = ch;
            else if (ch == '\\') {
                esc_from = 'a';
                state = '\\';
            } else
                strbuf_addc(cur, ch);
        }
    }
}

static void split_tokens(const char *s, toklist *tl)
{
    if (split_shlex(s, 1, tl) == 0)
        return;
    tok_clear(tl);
    if (split_shlex(s, 0, tl) == 0)
        return;
    tok_clear(tl);
    for (const char *p = s; *p;) {
        while (*p && is_py_space(*p))
            p++;
        if (!*p)
            break;
        strbuf *t = tok_new(tl);
        while (*p && !is_py_space(*p))
            strbuf_addc(t, *p++);
    }
}

/* Drops one pair of enclosing quotes ('"' or '\''; a lone quote counts). */
static void unquote(const char **s, size_t *n)
{
    if (*n >= 1 && ((*s)[0] == '"' || (*s)[0] == '\'') &&
        (*s)[*n - 1] == (*s)[0]) {
        if (*n == 1) {
            *n = 0;
        } else {
            (*s)++;
            *n -= 2;
        }
    }
}

/* Case-insensitive substring where a '/' of n also matches "\/" in h. */
static int ci_contains_sep(const char *h, size_t hl, const char *n, size_t nl)
{
    for (size_t i = 0; i + nl <= hl; i++) {
        size_t a = i, b = 0;
        while (b < nl && a < hl) {
            if (n[b] == '/' && h[a] == '\\' && a + 1 < hl && h[a + 1] == '/')
                a += 2;
            else if (fold((unsigned char)h[a]) == fold((unsigned char)n[b]))
                a++;
            else
                break;
            b++;
        }
        if (b == nl)
            return 1;
    }
    return 0;
}

static int any_field_contains_sep(const sm_filter *f, const json_t *rec,
                                  const char *s, size_t sl)
{
    strbuf tmp = STRBUF_INIT;
    int r = 0;
    for (uint16_t i = 0; i < f->nfields && !r; i++) {
        size_t tl = 0;
        const char *t = value_text(field_of(rec, f->fields[i]), &tmp, &tl);
        r = t && ci_contains_sep(t, tl, s, sl);
    }
    strbuf_free(&tmp);
    return r;
}

/* Index of the last '/' of t not preceded by '\', or -1. */
static long last_sep(const char *t, size_t tl)
{
    for (size_t k = tl; k-- > 0;)
        if (t[k] == '/' && (k == 0 || t[k - 1] != '\\'))
            return (long)k;
    return -1;
}

/* v in the parent segments of path t: before its last separator. */
static int parents_match(const char *t, size_t tl, const char *v, size_t vl)
{
    long L = last_sep(t, tl);
    return L >= 0 && ci_contains(t, (size_t)L, v, vl);
}

/* v in the last segment of t: an occurrence ending after the last
 * separator. */
static int basename_match(const char *t, size_t tl, const char *v, size_t vl)
{
    if (vl > tl)
        return 0;
    long L = last_sep(t, tl);
    for (size_t i = tl - vl + 1; i-- > 0;)
        if (ci_prefix(t + i, tl - i, v, vl))
            return (long)(i + vl) > L;
    return 0;
}

/* The text of member names mt ("a b": the members' texts joined by one
 * space; null or absent: "") of object u, into out. */
static void members_text(const json_t *u, const char *mt, strbuf *out)
{
    strbuf tmp = STRBUF_INIT;
    strbuf_truncate(out, 0);
    strbuf_adds(out, "");
    int first = 1;
    for (const char *p = mt; *p;) {
        while (*p == ' ')
            p++;
        const char *b = p;
        while (*p && *p != ' ')
            p++;
        if (p == b)
            break;
        if (!first)
            strbuf_addc(out, ' ');
        first = 0;
        char name[128];
        size_t nl = (size_t)(p - b) < sizeof name - 1 ? (size_t)(p - b)
                                                      : sizeof name - 1;
        memcpy(name, b, nl);
        name[nl] = '\0';
        size_t tl = 0;
        const char *t = value_text(json_object_get(u, name), &tmp, &tl);
        if (t)
            strbuf_add(out, t, tl);
    }
    strbuf_free(&tmp);
}

static int user_match(const sm_prefix *px, const json_t *rec,
                      const json_t *caller, const char *v, size_t vl)
{
    const json_t *u = px->nfields ? field_of(rec, px->fields[0]) : NULL;
    if (!json_is_object(u))
        return 0;
    if (ci_cmp(v, vl, "me", 2) == 0) {
        const json_t *mine = json_is_object(caller)
                                 ? json_object_get(caller, "id") : NULL;
        const json_t *theirs = json_object_get(u, "id");
        return mine && theirs && json_equal((json_t *)mine, (json_t *)theirs);
    }
    strbuf t = STRBUF_INIT;
    int r = 0;
    for (uint16_t i = 0; i < px->nmembers && !r; i++) {
        members_text(u, px->members[i], &t);
        r = ci_contains(t.p, t.len, v, vl);
    }
    strbuf_free(&t);
    return r;
}

static int prefix_match(const sm_filter *f, const sm_prefix *px,
                        const json_t *rec, const json_t *caller,
                        const char *v, size_t vl)
{
    if (px->match == SM_PM_USER)
        return user_match(px, rec, caller, v, vl);
    if (px->match == SM_PM_CONTAINS) {
        for (uint16_t i = 0; i < px->nfields; i++)
            if (text_match(field_of(rec, px->fields[i]), v, vl, 0))
                return 1;
        return 0;
    }
    (void)f;
    strbuf tmp = STRBUF_INIT;
    size_t tl = 0;
    const char *t = px->nfields
                        ? value_text(field_of(rec, px->fields[0]), &tmp, &tl)
                        : NULL;
    int r = 0;
    if (t) {
        switch (px->match) {
        case SM_PM_PARENTS:
            r = parents_match(t, tl, v, vl);
            break;
        case SM_PM_BASENAME:
            r = basename_match(t, tl, v, vl);
            break;
        case SM_PM_EXACT_PREFIX:
            if (vl > 0 && v[vl - 1] == '/') {
                r = vl <= tl && memcmp(t, v, vl) == 0;
                break;
            }
            /* fall through */
        case SM_PM_EXACT:
            r = tl == vl && memcmp(t, v, vl) == 0;
            break;
        default:
            break;
        }
    }
    strbuf_free(&tmp);
    return r;
}

/* One token (negation already taken off, s[0..sl) non-empty). */
static int token_match(const sm_filter *f, const json_t *rec,
                       const json_t *caller, const char *s, size_t sl)
{
    const char *colon = memchr(s, ':', sl);
    if (!colon)
        return memchr(s, '/', sl) ? any_field_contains_sep(f, rec, s, sl)
                                  : any_field_contains(f, rec, s, sl);
    size_t nl = (size_t)(colon - s);
    const char *v = colon + 1;
    size_t vl = sl - nl - 1;
    while (vl && is_py_space(*v))
        v++, vl--;
    while (vl && is_py_space(v[vl - 1]))
        vl--;
    unquote(&v, &vl);
    if (f->nprefixes) {
        for (uint16_t i = 0; i < f->nprefixes; i++) {
            const sm_prefix *px = &f->prefixes[i];
            if (ci_cmp(px->name, strlen(px->name), s, nl) == 0)
                return prefix_match(f, px, rec, caller, v, vl);
        }
    } else if (nl > 0) {
        const json_t *m = field_ci(rec, s, nl);
        if (m) /* NAME names a member of the record: match it only */
            return text_match(m, v, vl, vl > 0 && v[vl - 1] == '/');
    }
    /* an unknown NAME: the whole token is plain text */
    return any_field_contains(f, rec, s, sl);
}

static int tokens_match(const sm_filter *f, const json_t *rec,
                        const json_t *caller, const char *q)
{
    toklist tl = {0};
    split_tokens(q, &tl);
    int ok = 1;
    for (size_t i = 0; ok && i < tl.n; i++) {
        const char *s = tl.v[i].p;
        size_t sl = tl.v[i].len;
        int neg = sl > 0 && (s[0] == '-' || s[0] == '!');
        if (neg)
            s++, sl--;
        unquote(&s, &sl);
        if (sl == 0)
            continue; /* a lone '-' or "" selects nothing */
        int m = token_match(f, rec, caller, s, sl);
        ok = neg ? !m : m;
    }
    tok_clear(&tl);
    free(tl.v);
    return ok;
}

static int words_match(const sm_filter *f, const json_t *rec, const char *s,
                       size_t sl)
{
    size_t i = 0;
    while (i < sl) {
        while (i < sl && s[i] == ' ')
            i++;
        size_t b = i;
        while (i < sl && s[i] != ' ')
            i++;
        if (i > b && !any_field_contains(f, rec, s + b, i - b))
            return 0;
    }
    return 1;
}

static int filter_match(const sm_filter *f, const json_t *rec,
                        const json_t *caller, const query_pair *p)
{
    switch (f->match) {
    case SM_MATCH_EQ:
        for (uint16_t i = 0; i < f->nfields; i++)
            if (eq_match(field_of(rec, f->fields[i]), p->value, p->value_len))
                return 1;
        return 0;
    case SM_MATCH_ICONTAINS:
        return any_field_contains(f, rec, p->value, p->value_len);
    case SM_MATCH_WORDS:
        return words_match(f, rec, p->value, p->value_len);
    case SM_MATCH_TOKENS:
        return tokens_match(f, rec, caller, p->value);
    default:
        return 1; /* unknown kind: a generator bug; filter nothing out */
    }
}

/* An absent first field counts as null, so `exclude null` also leaves out
 * records without the member. */
static int excluded(const sm_filter *f, const json_t *rec)
{
    if (!f->exclude_json || f->nfields == 0)
        return 0;
    json_t *x = json_loads(f->exclude_json, JSON_DECODE_ANY, NULL);
    if (!x)
        return 0;
    const json_t *v = field_of(rec, f->fields[0]);
    int r = v ? json_equal((json_t *)v, x) : json_is_null(x);
    json_decref(x);
    return r;
}

/* A parameter that is present filters even when empty ("?name=" keeps only
 * records whose text is ""; icontains "" keeps everything). */
int listing_pass(const sm_op *op, const query_list *q, const json_t *record,
                 const json_t *caller)
{
    for (uint16_t i = 0; i < op->nfilters; i++) {
        const sm_filter *f = &op->filters[i];
        const query_pair *p = q ? query_get(q, f->query) : NULL;
        if (p) {
            if (!filter_match(f, record, caller, p))
                return 0;
        } else if ((f->flags & SM_FILTER_EXCLUDE) && excluded(f, record)) {
            return 0;
        }
    }
    return 1;
}

int listing_overrides_hide(const sm_op *op, const query_list *q,
                           const char *soft_field)
{
    if (!soft_field || !q)
        return 0;
    for (uint16_t i = 0; i < op->nfilters; i++) {
        const sm_filter *f = &op->filters[i];
        for (uint16_t j = 0; j < f->nfields; j++)
            if (!strcmp(f->fields[j], soft_field) && query_get(q, f->query))
                return 1;
    }
    return 0;
}

/* ---- facets ------------------------------------------------------------ */

enum {
    FT_NULL = 0, FT_FALSE, FT_TRUE, FT_INT, FT_REAL, FT_STRING, FT_OTHER
};

struct listing_facets {
    size_t n, norder;
    char **names;
    const listing_order *order;
    unsigned char fp[4];
};

listing_facets *listing_facets_new(const listing_order *o,
                                   const char *const *extra, size_t nextra)
{
    size_t max = (o ? o->n : 0) + nextra;
    if (!max)
        return NULL;
    listing_facets *fs = sm_xmalloc(sizeof *fs);
    fs->names = sm_xmalloc(max * sizeof *fs->names);
    fs->n = 0;
    fs->order = o;
    for (size_t i = 0; o && i < o->n; i++)
        fs->names[fs->n++] = sm_xstrdup(o->k[i].name);
    fs->norder = fs->n;
    for (size_t i = 0; i < nextra; i++)
        if (listing_facets_index(fs, extra[i]) < 0)
            fs->names[fs->n++] = sm_xstrdup(extra[i]);
    /* FNV-1a over "1" (the encoding's version) and the names, NUL-ended */
    uint32_t h = 2166136261u;
    const char *v = "1";
    for (size_t i = 0; i <= fs->n; i++) {
        const char *t = i ? fs->names[i - 1] : v;
        for (size_t j = 0;; j++) {
            h = (h ^ (unsigned char)t[j]) * 16777619u;
            if (!t[j])
                break;
        }
    }
    for (int i = 0; i < 4; i++)
        fs->fp[i] = (unsigned char)(h >> (24 - 8 * i));
    return fs;
}

void listing_facets_free(listing_facets *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->n; i++)
        free(fs->names[i]);
    free(fs->names);
    free(fs);
}

int listing_facets_index(const listing_facets *fs, const char *name)
{
    for (size_t i = 0; fs && name && i < fs->n; i++)
        if (!strcmp(fs->names[i], name))
            return (int)i;
    return -1;
}

static void put_be(strbuf *out, uint64_t v, int bytes)
{
    unsigned char b[8];
    for (int i = bytes - 1; i >= 0; i--, v >>= 8)
        b[i] = (unsigned char)v;
    strbuf_add(out, b, (size_t)bytes);
}

static uint64_t get_be(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    return v;
}

void listing_facet_value(const json_t *v, strbuf *out)
{
    if (!v || json_is_null(v)) {
        strbuf_addc(out, FT_NULL);
    } else if (json_is_boolean(v)) {
        strbuf_addc(out, json_is_true(v) ? FT_TRUE : FT_FALSE);
    } else if (json_is_integer(v)) {
        strbuf_addc(out, FT_INT);
        put_be(out, (uint64_t)json_integer_value(v), 8);
    } else if (json_is_real(v)) {
        double d = json_real_value(v);
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        strbuf_addc(out, FT_REAL);
        put_be(out, bits, 8);
    } else if (json_is_string(v)) {
        size_t l = json_string_length(v);
        strbuf_addc(out, FT_STRING);
        put_be(out, (uint64_t)l, 4);
        strbuf_add(out, json_string_value(v), l);
    } else {
        char *t = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS |
                                    JSON_ENCODE_ANY);
        size_t l = t ? strlen(t) : 0;
        strbuf_addc(out, FT_OTHER);
        put_be(out, (uint64_t)l, 4);
        strbuf_add(out, t ? t : "", l);
        free(t);
    }
}

void listing_facets_encode(const listing_facets *fs, const json_t *rec,
                           strbuf *out)
{
    strbuf_add(out, fs->fp, 4);
    for (size_t i = 0; i < fs->n; i++)
        listing_facet_value(field_of(rec, fs->names[i]), out);
}

/* One encoded value at *pos: its tag, payload and length; advances *pos.
 * -1 when the bytes end early. */
static int facet_next(const unsigned char *p, size_t len, size_t *pos,
                      int *tag, const unsigned char **pl, size_t *pll)
{
    if (*pos >= len)
        return -1;
    *tag = p[(*pos)++];
    size_t n = 0;
    if (*tag == FT_INT || *tag == FT_REAL) {
        n = 8;
    } else if (*tag == FT_STRING || *tag == FT_OTHER) {
        if (len - *pos < 4)
            return -1;
        n = (size_t)get_be(p + *pos, 4);
        *pos += 4;
    } else if (*tag > FT_OTHER) {
        return -1;
    }
    if (len - *pos < n)
        return -1;
    *pl = p + *pos;
    *pll = n;
    *pos += n;
    return 0;
}

int listing_facets_valid(const listing_facets *fs, const char *p, size_t len)
{
    const unsigned char *u = (const unsigned char *)p;
    if (!fs || len < 4 || memcmp(u, fs->fp, 4) != 0)
        return 0;
    size_t pos = 4;
    for (size_t i = 0; i < fs->n; i++) {
        int tag;
        const unsigned char *pl;
        size_t pll;
        if (facet_next(u, len, &pos, &tag, &pl, &pll) < 0)
            return 0;
    }
    return pos == len;
}

/* Facet idx of a valid encoding (its whole encoded bytes in *v, *vl). */
static void facet_at(const char *p, size_t len, int idx,
                     const unsigned char **v, size_t *vl, int *tag,
                     const unsigned char **pl, size_t *pll)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t pos = 4, start = 4;
    for (int i = 0; i <= idx; i++) {
        start = pos;
        if (facet_next(u, len, &pos, tag, pl, pll) < 0) {
            *tag = FT_NULL;
            *pll = 0;
            break;
        }
    }
    *v = u + start;
    *vl = pos - start;
}

int listing_facets_is(const char *p, size_t len, int idx, const char *enc,
                      size_t enc_len)
{
    const unsigned char *v, *pl;
    size_t vl, pll;
    int tag;
    facet_at(p, len, idx, &v, &vl, &tag, &pl, &pll);
    return vl == enc_len && memcmp(v, enc, enc_len) == 0;
}

static int facet_rank(int tag)
{
    switch (tag) {
    case FT_NULL: return 0;
    case FT_FALSE: case FT_TRUE: return 1;
    case FT_INT: case FT_REAL: return 2;
    case FT_STRING: return 3;
    default: return 4;
    }
}

static double facet_number(int tag, const unsigned char *pl)
{
    uint64_t bits = get_be(pl, 8);
    if (tag == FT_INT)
        return (double)(int64_t)bits;
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* value_cmp over encoded values. */
static int facet_cmp(int ta, const unsigned char *a, size_t al, int tb,
                     const unsigned char *b, size_t bl, int ci)
{
    int ra = facet_rank(ta), rb = facet_rank(tb);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    switch (ra) {
    case 1:
        return ta < tb ? -1 : ta > tb;
    case 2:
        if (ta == FT_INT && tb == FT_INT) {
            int64_t x = (int64_t)get_be(a, 8), y = (int64_t)get_be(b, 8);
            return x < y ? -1 : x > y;
        } else {
            double x = facet_number(ta, a), y = facet_number(tb, b);
            return x < y ? -1 : x > y;
        }
    case 3: {
        if (ci)
            return ci_cmp((const char *)a, al, (const char *)b, bl);
        size_t n = al < bl ? al : bl;
        int c = memcmp(a, b, n);
        if (c)
            return c < 0 ? -1 : 1;
        return al < bl ? -1 : al > bl;
    }
    default:
        return 0;
    }
}

int listing_facets_compare(const listing_facets *fs, const char *a,
                           size_t al, uint64_t seq_a, const char *b,
                           size_t bl, uint64_t seq_b)
{
    const listing_order *o = fs ? fs->order : NULL;
    int seq_desc = 0;
    if (o) {
        const unsigned char *ua = (const unsigned char *)a,
                            *ub = (const unsigned char *)b;
        size_t pa = 4, pb = 4;
        for (size_t i = 0; i < o->n && i < fs->norder; i++) {
            int tx = FT_NULL, ty = FT_NULL;
            const unsigned char *x = NULL, *y = NULL;
            size_t xl = 0, yl = 0;
            if (facet_next(ua, al, &pa, &tx, &x, &xl) < 0)
                tx = FT_NULL;
            if (facet_next(ub, bl, &pb, &ty, &y, &yl) < 0)
                ty = FT_NULL;
            int c = facet_cmp(tx, x, xl, ty, y, yl, o->k[i].ci);
            if (c)
                return o->k[i].desc ? -c : c;
        }
        seq_desc = o->n > 0 && o->k[0].desc;
    }
    int c = seq_a < seq_b ? -1 : seq_a > seq_b;
    return seq_desc ? -c : c;
}

int listing_facets_keys(const listing_facets *fs, const char *p, size_t len,
                        listing_keys *out)
{
    size_t n = fs && fs->order ? fs->norder : 0;
    if (n > LISTING_KEYS_MAX)
        return -1;
    const unsigned char *u = (const unsigned char *)p;
    size_t pos = 4;
    out->n = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
        int tag = FT_NULL;
        const unsigned char *pl = NULL;
        size_t pll = 0;
        if (facet_next(u, len, &pos, &tag, &pl, &pll) < 0)
            tag = FT_NULL;
        out->k[i].tag = (uint8_t)tag;
        out->k[i].p = pl;
        out->k[i].len = pll;
    }
    return 0;
}

int listing_keys_compare(const listing_facets *fs, const listing_keys *a,
                         uint64_t seq_a, const listing_keys *b,
                         uint64_t seq_b)
{
    const listing_order *o = fs ? fs->order : NULL;
    int seq_desc = 0;
    if (o) {
        for (size_t i = 0; i < a->n && i < b->n; i++) {
            int c = facet_cmp(a->k[i].tag, a->k[i].p, a->k[i].len,
                              b->k[i].tag, b->k[i].p, b->k[i].len,
                              o->k[i].ci);
            if (c)
                return o->k[i].desc ? -c : c;
        }
        seq_desc = o->n > 0 && o->k[0].desc;
    }
    int c = seq_a < seq_b ? -1 : seq_a > seq_b;
    return seq_desc ? -c : c;
}
