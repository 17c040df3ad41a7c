/*
 * pytext.c — Python text semantics needed on the wire (see pytext.h).
 *
 * The UTF-8 rules follow CPython's utf-8 codec (Objects/stringlib/codecs.h):
 * the error range of an invalid continuation covers the bytes before the bad
 * one, an incomplete sequence at the end is "unexpected end of data" (or kept
 * back when not final), and 'replace' turns each error range into U+FFFD.
 */
#include "pytext.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 ------------------------------------------------------------ */

enum { U8_OK, U8_BAD_START, U8_BAD_CONT, U8_TRUNCATED };

/* Classifies the sequence at s[i]: *n = its length (U8_OK) or the number of
 * valid bytes before the bad continuation byte (U8_BAD_CONT). */
static int utf8_seq(const unsigned char *s, size_t len, size_t i, int final,
                    size_t *n)
{
    unsigned char b = s[i];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need;

    if (b < 0x80) {
        *n = 1;
        return U8_OK;
    }
    if (b < 0xC2)
        return U8_BAD_START;
    if (b < 0xE0) {
        need = 2;
    } else if (b < 0xF0) {
        need = 3;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
    } else if (b < 0xF5) {
        need = 4;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
    } else {
        return U8_BAD_START;
    }
    /* A truncated surrogate (ED A0..BF) at the very end is kept back by a
     * non-final decoder like any other incomplete sequence. */
    if (!final && b == 0xED && len - i == 2 && s[i + 1] >= 0xA0 &&
        s[i + 1] <= 0xBF)
        return U8_TRUNCATED;
    for (size_t k = 1; k < need; k++) {
        if (i + k >= len)
            return U8_TRUNCATED;
        unsigned char c = s[i + k];
        unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
        if (c < l || c > h) {
            *n = k;
            return U8_BAD_CONT;
        }
    }
    *n = need;
    return U8_OK;
}

int pytext_utf8_check(const unsigned char *s, size_t len, int final,
                      size_t *valid_len, pytext_utf8err *err)
{
    size_t i = 0, n = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        switch (utf8_seq(s, len, i, final, &n)) {
        case U8_OK:
            i += n;
            continue;
        case U8_BAD_START:
            err->start = i;
            err->end = i + 1;
            err->reason = "invalid start byte";
            return 1;
        case U8_BAD_CONT:
            err->start = i;
            err->end = i + n;
            err->reason = "invalid continuation byte";
            return 1;
        default: /* U8_TRUNCATED */
            if (!final) {
                if (valid_len)
                    *valid_len = i;
                return 0;
            }
            err->start = i;
            err->end = len;
            err->reason = "unexpected end of data";
            return 1;
        }
    }
    if (valid_len)
        *valid_len = len;
    return 0;
}

void pytext_utf8_message(strbuf *out, const unsigned char *s,
                         const pytext_utf8err *err)
{
    if (err->end - err->start == 1)
        strbuf_addf(out,
                    "'utf-8' codec can't decode byte 0x%02x in position %zu: %s",
                    s[err->start], err->start, err->reason);
    else
        strbuf_addf(out,
                    "'utf-8' codec can't decode bytes in position %zu-%zu: %s",
                    err->start, err->end - 1, err->reason);
}

/* Decodes the code point at valid UTF-8 s[*i], advancing *i. */
static uint32_t utf8_cp(const unsigned char *s, size_t len, size_t *i)
{
    unsigned char b = s[*i];
    uint32_t cp;
    size_t n;
    if (b < 0x80) {
        (*i)++;
        return b;
    } else if (b < 0xE0) {
        cp = b & 0x1F;
        n = 1;
    } else if (b < 0xF0) {
        cp = b & 0x0F;
        n = 2;
    } else {
        cp = b & 0x07;
        n = 3;
    }
    (*i)++;
    while (n-- && *i < len)
        cp = (cp << 6) | (s[(*i)++] & 0x3F);
    return cp;
}

size_t pytext_utf8_len(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static int py_isspace(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) ||
           c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000;
}

size_t pytext_strip(const char *s, size_t len, size_t *start)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t b = 0, e = len;
    while (b < len) {
        size_t j = b;
        if (!py_isspace(utf8_cp(u, len, &j)))
            break;
        b = j;
    }
    while (e > b) {
        size_t k = e - 1;
        while (k > b && (u[k] & 0xC0) == 0x80)
            k--;
        size_t j = k;
        if (!py_isspace(utf8_cp(u, len, &j)))
            break;
        e = k;
    }
    *start = b;
    return e - b;
}

/* ---- quoting ---------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *pytext_unquote(const char *s, size_t len, int plus, size_t *outlen)
{
    strbuf raw = STRBUF_INIT, out = STRBUF_INIT;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 &&
            hexval(s[i + 2]) >= 0) {
            strbuf_addc(&raw, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
            i += 2;
        } else if (c == '+' && plus) {
            strbuf_addc(&raw, ' ');
        } else {
            strbuf_addc(&raw, c);
        }
    }
    /* decode('utf-8', errors='replace') */
    const unsigned char *u = (const unsigned char *)raw.p;
    size_t i = 0;
    while (i < raw.len) {
        pytext_utf8err err;
        size_t ok;
        if (!pytext_utf8_check(u + i, raw.len - i, 1, &ok, &err)) {
            strbuf_add(&out, u + i, raw.len - i);
            break;
        }
        strbuf_add(&out, u + i, err.start);
        strbuf_adds(&out, "\xEF\xBF\xBD");
        i += err.end;
    }
    strbuf_free(&raw);
    if (outlen)
        *outlen = out.len;
    return strbuf_steal(&out);
}

void pytext_quote(strbuf *out, const char *s, size_t len, const char *safe,
                  int plus)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' ||
            (c && safe && strchr(safe, c))) {
            strbuf_addc(out, (char)c);
        } else if (c == ' ' && plus) {
            strbuf_addc(out, '+');
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            strbuf_add(out, esc, 3);
        }
    }
}

/* ---- numbers ---------------------------------------------------------- */

void pytext_float_repr(double v, char out[40])
{
    char buf[40];
    if (isnan(v)) {
        strcpy(out, "nan");
        return;
    }
    if (isinf(v)) {
        strcpy(out, v < 0 ? "-inf" : "inf");
        return;
    }
    if (v == 0) {
        strcpy(out, signbit(v) ? "-0.0" : "0.0");
        return;
    }
    int p;
    for (p = 1; p < 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    snprintf(buf, sizeof buf, "%.*e", p - 1, v);
    /* buf = [-]d[.ddd]e(+|-)XX */
    char digits[24];
    size_t nd = 0;
    const char *q = buf;
    int neg = 0;
    if (*q == '-') {
        neg = 1;
        q++;
    }
    for (; *q && *q != 'e'; q++)
        if (isdigit((unsigned char)*q))
            digits[nd++] = *q;
    int exp = atoi(q + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';

    char *o = out;
    if (neg)
        *o++ = '-';
    if (exp >= -4 && exp < 16) {
        if (exp >= 0) {
            for (int k = 0; k <= exp; k++)
                *o++ = (size_t)k < nd ? digits[k] : '0';
            *o++ = '.';
            if ((size_t)exp + 1 < nd) {
                for (size_t k = (size_t)exp + 1; k < nd; k++)
                    *o++ = digits[k];
            } else {
                *o++ = '0';
            }
        } else {
            *o++ = '0';
            *o++ = '.';
            for (int k = 0; k < -exp - 1; k++)
                *o++ = '0';
            for (size_t k = 0; k < nd; k++)
                *o++ = digits[k];
        }
        *o = '\0';
    } else {
        *o++ = digits[0];
        if (nd > 1) {
            *o++ = '.';
            for (size_t k = 1; k < nd; k++)
                *o++ = digits[k];
        }
        sprintf(o, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    }
}

int pytext_parse_int(const char *s, size_t len, int64_t *out)
{
    size_t st;
    size_t n = pytext_strip(s, len, &st);
    s += st;
    size_t i = 0;
    int neg = 0;
    uint64_t acc = 0, lim = (uint64_t)INT64_MAX;
    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i++;
    }
    if (i >= n || !isdigit((unsigned char)s[i]))
        return -1;
    if (neg)
        lim += 1;
    for (; i < n; i++) {
        if (s[i] == '_') {
            if (i + 1 >= n || !isdigit((unsigned char)s[i + 1]))
                return -1;
            continue;
        }
        if (!isdigit((unsigned char)s[i]))
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (acc > (lim - d) / 10)
            return -1;
        acc = acc * 10 + d;
    }
    if (neg)
        *out = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
    else
        *out = (int64_t)acc;
    return 0;
}

/* Copies a digit run with single underscores between digits into b. */
static size_t float_digits(const char *s, size_t n, size_t i, strbuf *b)
{
    size_t start = i;
    while (i < n) {
        if (isdigit((unsigned char)s[i])) {
            strbuf_addc(b, s[i++]);
        } else if (s[i] == '_' && i > start && i + 1 < n &&
                   isdigit((unsigned char)s[i + 1])) {
            i++;
        } else {
            break;
        }
    }
    return i;
}

int pytext_parse_float(const char *s, size_t len, double *out)
{
    size_t st;
    size_t n = pytext_strip(s, len, &st);
    s += st;
    strbuf b = STRBUF_INIT;
    size_t i = 0, j;
    int ok = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        strbuf_addc(&b, s[i++]);
    j = float_digits(s, n, i, &b);
    int have = j > i;
    i = j;
    if (i < n && s[i] == '.') {
        strbuf_addc(&b, s[i++]);
        j = float_digits(s, n, i, &b);
        have = have || j > i;
        i = j;
    }
    if (have && i < n && (s[i] == 'e' || s[i] == 'E')) {
        strbuf_addc(&b, s[i++]);
        if (i < n && (s[i] == '+' || s[i] == '-'))
            strbuf_addc(&b, s[i++]);
        j = float_digits(s, n, i, &b);
        have = j > i;
        i = j;
    }
    if (have && i == n && b.p) {
        char *end;
        double v = strtod(b.p, &end);
        if (*end == '\0' && isfinite(v)) {
            *out = v;
            ok = 1;
        }
    }
    strbuf_free(&b);
    return ok ? 0 : -1;
}

/* ---- str() / repr() --------------------------------------------------- */

static void py_repr_str(strbuf *out, const char *s, size_t len)
{
    char quote = '\'';
    if (memchr(s, '\'', len) && !memchr(s, '"', len))
        quote = '"';
    strbuf_addc(out, quote);
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t at = i;
        uint32_t c = utf8_cp(u, len, &i);
        if (c == '\\' || c == (uint32_t)quote) {
            strbuf_addc(out, '\\');
            strbuf_addc(out, (char)c);
        } else if (c == '\n') {
            strbuf_adds(out, "\\n");
        } else if (c == '\r') {
            strbuf_adds(out, "\\r");
        } else if (c == '\t') {
            strbuf_adds(out, "\\t");
        } else if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD) {
            strbuf_addf(out, "\\x%02x", (unsigned)c);
        } else if ((c >= 0x2000 && c <= 0x200F) || c == 0x2028 ||
                   c == 0x2029 || (c >= 0x202A && c <= 0x202F) ||
                   (c >= 0x205F && c <= 0x206F) || c == 0x3000 ||
                   c == 0xFEFF || c == 0x1680) {
            strbuf_addf(out, "\\u%04x", (unsigned)c);
        } else {
            strbuf_add(out, s + at, i - at);
        }
    }
    strbuf_addc(out, quote);
}

static void py_repr(strbuf *out, const json_t *v);

static void py_str_or_repr(strbuf *out, const json_t *v, int repr)
{
    char num[40];
    switch (json_typeof(v)) {
    case JSON_STRING:
        if (repr)
            py_repr_str(out, json_string_value(v), json_string_length(v));
        else
            strbuf_add(out, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        strbuf_addf(out, "%lld", (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        pytext_float_repr(json_real_value(v), num);
        strbuf_adds(out, num);
        break;
    case JSON_TRUE:
        strbuf_adds(out, "True");
        break;
    case JSON_FALSE:
        strbuf_adds(out, "False");
        break;
    case JSON_NULL:
        strbuf_adds(out, "None");
        break;
    case JSON_ARRAY: {
        strbuf_addc(out, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                strbuf_adds(out, ", ");
            py_repr(out, json_array_get(v, i));
        }
        strbuf_addc(out, ']');
        break;
    }
    case JSON_OBJECT: {
        const char *k;
        json_t *x;
        int first = 1;
        strbuf_addc(out, '{');
        json_object_foreach((json_t *)v, k, x) {
            if (!first)
                strbuf_adds(out, ", ");
            first = 0;
            py_repr_str(out, k, strlen(k));
            strbuf_adds(out, ": ");
            py_repr(out, x);
        }
        strbuf_addc(out, '}');
        break;
    }
    }
}

static void py_repr(strbuf *out, const json_t *v)
{
    py_str_or_repr(out, v, 1);
}

void pytext_str(strbuf *out, const json_t *v)
{
    py_str_or_repr(out, v, 0);
}

const char *pytext_typename(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "dict";
    case JSON_ARRAY:
        return "list";
    case JSON_STRING:
        return "str";
    case JSON_INTEGER:
        return "int";
    case JSON_REAL:
        return "float";
    case JSON_TRUE:
    case JSON_FALSE:
        return "bool";
    default:
        return "NoneType";
    }
}

/* ---- UUIDs ------------------------------------------------------------ */

static void uuid_format(const char hex32[32], char out[37])
{
    size_t o = 0;
    for (size_t i = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            out[o++] = '-';
        out[o++] = (char)tolower((unsigned char)hex32[i]);
    }
    out[o] = '\0';
}

int pytext_parse_uuid(const char *s, size_t len, char out[37])
{
    strbuf b = STRBUF_INIT;
    /* hex.replace('urn:', '').replace('uuid:', '') */
    strbuf_add(&b, s, len);
    static const char *const drop[] = {"urn:", "uuid:"};
    for (int d = 0; d < 2; d++) {
        size_t n = strlen(drop[d]), w = 0;
        for (size_t r = 0; r < b.len;) {
            if (b.len - r >= n && memcmp(b.p + r, drop[d], n) == 0) {
                r += n;
            } else {
                b.p[w++] = b.p[r++];
            }
        }
        strbuf_truncate(&b, w);
    }
    /* .strip('{}').replace('-', '') */
    size_t lo = 0, hi = b.len;
    while (lo < hi && (b.p[lo] == '{' || b.p[lo] == '}'))
        lo++;
    while (hi > lo && (b.p[hi - 1] == '{' || b.p[hi - 1] == '}'))
        hi--;
    char hex[32];
    size_t n = 0;
    int ok = 1;
    for (size_t i = lo; i < hi && ok; i++) {
        if (b.p[i] == '-')
            continue;
        if (n == 32 || !isxdigit((unsigned char)b.p[i]))
            ok = 0;
        else
            hex[n++] = b.p[i];
    }
    strbuf_free(&b);
    if (!ok || n != 32)
        return -1;
    uuid_format(hex, out);
    return 0;
}

void pytext_uuid_from_int(uint64_t v, char out[37])
{
    char hex[33];
    snprintf(hex, sizeof hex, "%016llx%016llx", 0ULL, (unsigned long long)v);
    uuid_format(hex, out);
}
