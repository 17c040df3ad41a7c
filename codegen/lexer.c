/*
 * lexer.c — spec tokenizer (see lexer.h for the token grammar).
 */
#include "lexer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lexer_init(lexer *lx, const char *file, const char *src, size_t len,
                diag *d)
{
    memset(lx, 0, sizeof *lx);
    lx->file = file;
    lx->src = src;
    lx->len = len;
    lx->line = 1;
    lx->col = 1;
    lx->d = d;
}

void lexer_free(lexer *lx)
{
    free(lx->sbuf);
    lx->sbuf = NULL;
    lx->scap = 0;
}

static int peekc(const lexer *lx, size_t ahead)
{
    return lx->pos + ahead < lx->len ? (unsigned char)lx->src[lx->pos + ahead]
                                     : -1;
}

/* Length of the UTF-8 sequence starting at `s` (at most `n` bytes), or 0 if
 * it is not valid UTF-8 (overlongs and surrogates refused). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        return 1;
    size_t len;
    uint32_t cp;
    if ((s[0] & 0xE0) == 0xC0) { len = 2; cp = s[0] & 0x1F; }
    else if ((s[0] & 0xF0) == 0xE0) { len = 3; cp = s[0] & 0x0F; }
    else if ((s[0] & 0xF8) == 0xF0) { len = 4; cp = s[0] & 0x07; }
    else return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* Advance one character (a whole UTF-8 sequence when valid), keeping the
 * line and column up to date. */
static void advance(lexer *lx)
{
    if (lx->pos >= lx->len)
        return;
    if (lx->src[lx->pos] == '\n') {
        lx->pos++;
        lx->line++;
        lx->col = 1;
        return;
    }
    size_t n = utf8_len((const unsigned char *)lx->src + lx->pos,
                        lx->len - lx->pos);
    lx->pos += n ? n : 1;
    lx->col++;
}

static sm_loc here(const lexer *lx)
{
    return (sm_loc){ lx->file, lx->line, lx->col };
}

static void sbuf_put(lexer *lx, size_t at, char c)
{
    if (at + 1 >= lx->scap) {
        lx->scap = lx->scap ? 2 * lx->scap : 64;
        lx->sbuf = realloc(lx->sbuf, lx->scap);
        if (!lx->sbuf)
            diag_oom();
    }
    lx->sbuf[at] = c;
}

static int is_word_start(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_word_char(int c)
{
    return is_word_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* A string literal; the opening quote is current.  Decodes into sbuf. */
static void lex_string(lexer *lx, token *t)
{
    size_t n = 0;
    advance(lx); /* the quote */
    for (;;) {
        int c = peekc(lx, 0);
        if (c == -1 || c == '\n' || (c == '\r' && peekc(lx, 1) == '\n')) {
            diag_error(lx->d, t->loc, "unterminated string");
            t->bad = 1;
            break;
        }
        if (c == '"') {
            advance(lx);
            break;
        }
        if (c == '\\') {
            sm_loc at = here(lx);
            int e = peekc(lx, 1);
            if (e == '"' || e == '\\') {
                sbuf_put(lx, n++, (char)e);
                advance(lx);
                advance(lx);
            } else if (e == -1 || e == '\n') {
                advance(lx); /* reported as unterminated next round */
            } else {
                diag_error(lx->d, at,
                           "unknown escape sequence '\\%c' in string; only "
                           "'\\\"' and '\\\\' are recognised",
                           (e >= 0x20 && e < 0x7f) ? e : '?');
                advance(lx);
                advance(lx);
            }
            continue;
        }
        size_t u = utf8_len((const unsigned char *)lx->src + lx->pos,
                            lx->len - lx->pos);
        if (u == 0 || c == 0) {
            diag_error(lx->d, here(lx), "invalid UTF-8 in string");
            advance(lx);
            continue;
        }
        for (size_t i = 0; i < u; i++)
            sbuf_put(lx, n++, lx->src[lx->pos + i]);
        advance(lx);
    }
    sbuf_put(lx, n, '\0');
    t->kind = TOK_STRING;
    t->text = lx->sbuf;
    t->len = n;
}

/* An integer, optionally negative; the first character is current. */
static void lex_int(lexer *lx, token *t)
{
    size_t start = lx->pos;
    advance(lx);
    /* take letters and dots too, so "12abc" and "1.5" are one bad token */
    while (is_word_char(peekc(lx, 0)) || peekc(lx, 0) == '.')
        advance(lx);
    const char *s = lx->src + start;
    size_t n = lx->pos - start;
    t->kind = TOK_INT;
    t->text = s;
    t->len = n;
    t->ival = 0;
    char tmp[32];
    int ok = n < sizeof tmp;
    for (size_t i = (s[0] == '-'); ok && i < n; i++)
        ok = is_digit((unsigned char)s[i]);
    if (!ok) {
        if (memchr(s, '.', n))
            diag_error(lx->d, t->loc, "invalid integer '%.*s'; only integers "
                       "are supported", (int)n, s);
        else
            diag_error(lx->d, t->loc, "invalid integer '%.*s'", (int)n, s);
        t->bad = 1;
        return;
    }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    errno = 0;
    long long v = strtoll(tmp, NULL, 10);
    if (errno == ERANGE) {
        diag_error(lx->d, t->loc, "integer '%s' is out of range", tmp);
        t->bad = 1;
        return;
    }
    t->ival = v;
}

void lexer_next(lexer *lx, token *t)
{
    for (;;) {
        int c = peekc(lx, 0);
        memset(t, 0, sizeof *t);
        t->loc = here(lx);
        switch (c) {
        case -1:
            t->kind = TOK_EOF;
            return;
        case ' ': case '\t': case '\r': case '\f': case '\v':
            advance(lx);
            continue;
        case '#':
            while (peekc(lx, 0) != -1 && peekc(lx, 0) != '\n')
                advance(lx);
            continue;
        case '\n':
            advance(lx);
            t->kind = TOK_NEWLINE;
            return;
        case '"':
            lex_string(lx, t);
            return;
        case '{': t->kind = TOK_LBRACE; break;
        case '}': t->kind = TOK_RBRACE; break;
        case '[': t->kind = TOK_LBRACKET; break;
        case ']': t->kind = TOK_RBRACKET; break;
        case '?': t->kind = TOK_QUESTION; break;
        default:
            if (is_word_start(c)) {
                size_t start = lx->pos;
                while (is_word_char(peekc(lx, 0)))
                    advance(lx);
                t->kind = TOK_WORD;
                t->text = lx->src + start;
                t->len = lx->pos - start;
                return;
            }
            if (is_digit(c) || (c == '-' && is_digit(peekc(lx, 1)))) {
                lex_int(lx, t);
                return;
            }
            size_t u = utf8_len((const unsigned char *)lx->src + lx->pos,
                                lx->len - lx->pos);
            if (c >= 0x21 && c < 0x7f)
                diag_error(lx->d, t->loc, "stray '%c' in spec", c);
            else if (u > 1)
                diag_error(lx->d, t->loc, "stray '%.*s' in spec", (int)u,
                           lx->src + lx->pos);
            else
                diag_error(lx->d, t->loc, "stray byte 0x%02x in spec", c);
            advance(lx);
            continue;
        }
        t->text = lx->src + lx->pos;
        t->len = 1;
        advance(lx);
        return;
    }
}

int token_is(const token *t, const char *w)
{
    size_t n = strlen(w);
    return t->kind == TOK_WORD && t->len == n && memcmp(t->text, w, n) == 0;
}

const char *token_describe(const token *t, char *buf, size_t size)
{
    switch (t->kind) {
    case TOK_EOF: snprintf(buf, size, "end of file"); break;
    case TOK_NEWLINE: snprintf(buf, size, "end of line"); break;
    case TOK_WORD:
        snprintf(buf, size, "'%.*s'", (int)t->len, t->text);
        break;
    case TOK_INT:
        snprintf(buf, size, "integer %.*s", (int)t->len, t->text);
        break;
    case TOK_STRING:
        if (t->len > 40)
            snprintf(buf, size, "string \"%.37s...\"", t->text);
        else
            snprintf(buf, size, "string \"%s\"", t->text);
        break;
    default:
        snprintf(buf, size, "'%c'", t->text ? t->text[0] : '?');
        break;
    }
    return buf;
}
