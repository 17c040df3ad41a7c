/*
 * jsonio.c — Python-compatible JSON errors and output around jansson.
 *
 * Error mapping.  jansson stops after the token it could not use and reports
 * its own wording; Python's json module reports the position where that
 * token starts (after whitespace).  We recover that start by re-walking the
 * text with jansson's token boundaries (token_start_before) and translate:
 *
 *   jansson                            Python
 *   ---------------------------------  -----------------------------------
 *   (decoder: invalid UTF-8)           'utf-8' codec can't decode byte ...
 *   (text starts with a BOM)           Unexpected UTF-8 BOM (decode using
 *                                      utf-8-sig)
 *   value parsed, more text follows    Extra data
 *   unexpected token / invalid token   Expecting value; but when the token
 *                                      starts with a valid number or
 *                                      true/false/null ("01", "1.", "truex")
 *                                      Python reads that prefix and then
 *                                      reports Extra data (top level) or
 *                                      Expecting ',' delimiter (in a container)
 *                                      right after it
 *   string or '}' expected             Expecting property name enclosed in
 *                                      double quotes
 *   ':' expected                       Expecting ':' delimiter
 *   '}' expected, ']' expected         Expecting ',' delimiter; "']' expected"
 *                                      right after '[' is Expecting value
 *   premature end of input (string)    Unterminated string starting at
 *   control character, newline         Invalid control character at
 *   invalid escape                     Invalid \escape, Invalid \uXXXX escape
 *                                      (or Unterminated string at end of text)
 *   anything else (lone surrogates,    jansson's own text: Python would have
 *   integers beyond 64 bits, NaN ...)  accepted these, we cannot
 *
 * Positions are printed as Python does: line, column and char counted in
 * code points, column 1-based from the last newline.
 */
#include "jsonio.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pytext.h"

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends "what: line L column C (char P)" for byte offset pos. */
static void py_error(strbuf *msg, const char *s, size_t pos, const char *what)
{
    size_t chars = 0, line = 1, last_nl_char = 0;
    int seen_nl = 0;
    for (size_t i = 0; i < pos; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        if (s[i] == '\n') {
            line++;
            last_nl_char = chars;
            seen_nl = 1;
        }
        chars++;
    }
    size_t col = seen_nl ? chars - last_nl_char : chars + 1;
    strbuf_addf(msg, "%s: line %zu column %zu (char %zu)", what, line, col,
                chars);
}

/* End of a number token as jansson's lexer consumes it. */
static size_t jansson_number_end(const char *s, size_t len, size_t i)
{
    if (i < len && s[i] == '-')
        i++;
    if (i < len && s[i] == '0') {
        i++;
        if (i < len && isdigit((unsigned char)s[i]))
            return i;
    } else if (i < len && isdigit((unsigned char)s[i])) {
        while (i < len && isdigit((unsigned char)s[i]))
            i++;
    } else {
        return i;
    }
    if (i < len && s[i] == '.') {
        i++;
        if (i >= len || !isdigit((unsigned char)s[i]))
            return i;
        while (i < len && isdigit((unsigned char)s[i]))
            i++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= len || !isdigit((unsigned char)s[i]))
            return i;
        while (i < len && isdigit((unsigned char)s[i]))
            i++;
    }
    return i;
}

/* Start of the last token (jansson's boundaries) that begins before pos. */
static size_t token_start_before(const char *s, size_t len, size_t pos)
{
    size_t i = 0, last = pos;
    while (i < len && i < pos) {
        unsigned char c = (unsigned char)s[i];
        if (is_ws((char)c)) {
            i++;
            continue;
        }
        last = i;
        if (c == '"') {
            i++;
            while (i < len && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < len)
                    i++;
                i++;
            }
            i++;
        } else if (strchr("{}[]:,", c)) {
            i++;
        } else if (c == '-' || isdigit(c)) {
            size_t e = jansson_number_end(s, len, i);
            i = e > i ? e : i + 1;
        } else if (isalpha(c)) {
            while (i < len && isalpha((unsigned char)s[i]))
                i++;
        } else {
            i++;
            while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
                i++;
        }
    }
    return last;
}

/* Length of the value Python's scanner reads at s[i] when it is a number or
 * a literal (0 when none). */
static size_t py_value_prefix(const char *s, size_t len, size_t i)
{
    static const char *const lits[] = {"true", "false", "null"};
    size_t j = i;
    if (j < len && s[j] == '-')
        j++;
    if (j < len && s[j] == '0') {
        j++;
    } else if (j < len && s[j] >= '1' && s[j] <= '9') {
        while (j < len && isdigit((unsigned char)s[j]))
            j++;
    } else {
        for (size_t k = 0; k < 3; k++) {
            size_t n = strlen(lits[k]);
            if (len - i >= n && memcmp(s + i, lits[k], n) == 0)
                return n;
        }
        return 0;
    }
    if (j + 1 < len && s[j] == '.' && isdigit((unsigned char)s[j + 1])) {
        j += 2;
        while (j < len && isdigit((unsigned char)s[j]))
            j++;
    }
    if (j < len && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < len && (s[k] == '+' || s[k] == '-'))
            k++;
        if (k < len && isdigit((unsigned char)s[k])) {
            while (k < len && isdigit((unsigned char)s[k]))
                k++;
            j = k;
        }
    }
    return j - i;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static size_t first_non_ws(const char *s, size_t len, size_t i)
{
    while (i < len && is_ws(s[i]))
        i++;
    return i;
}

/* Finds the bad escape in the string token starting at s0. */
static void escape_error(strbuf *msg, const char *s, size_t len, size_t s0)
{
    size_t i = s0 + 1;
    while (i < len) {
        if (s[i] == '"')
            break;
        if (s[i] != '\\') {
            i++;
            continue;
        }
        if (i + 1 >= len) {
            py_error(msg, s, s0, "Unterminated string starting at");
            return;
        }
        char c = s[i + 1];
        if (strchr("\"\\/bfnrt", c)) {
            i += 2;
        } else if (c == 'u') {
            int ok = i + 6 <= len;
            for (size_t k = i + 2; ok && k < i + 6; k++)
                ok = isxdigit((unsigned char)s[k]);
            if (!ok) {
                py_error(msg, s, i + 1, "Invalid \\uXXXX escape");
                return;
            }
            i += 6;
        } else {
            py_error(msg, s, i, "Invalid \\escape");
            return;
        }
    }
    py_error(msg, s, s0, "Unterminated string starting at");
}

static void map_error(strbuf *msg, const char *s, size_t len,
                      const json_error_t *e)
{
    const char *t = e->text;
    size_t p = e->position < 0 ? 0 : (size_t)e->position;
    if (p > len)
        p = len;
    size_t tlen = strlen(t);
    int at_eof = tlen >= 16 && strcmp(t + tlen - 16, "near end of file") == 0;
    size_t start = at_eof ? len : token_start_before(s, len, p);

    if (starts_with(t, "premature end of input")) {
        py_error(msg, s, token_start_before(s, len, p),
                 "Unterminated string starting at");
    } else if (starts_with(t, "control character") ||
               starts_with(t, "unexpected newline")) {
        py_error(msg, s, p, "Invalid control character at");
    } else if (starts_with(t, "invalid escape")) {
        escape_error(msg, s, len, token_start_before(s, len, p));
    } else if (starts_with(t, "string or '}' expected")) {
        py_error(msg, s, start,
                 "Expecting property name enclosed in double quotes");
    } else if (starts_with(t, "':' expected")) {
        py_error(msg, s, start, "Expecting ':' delimiter");
    } else if (starts_with(t, "'}' expected") ||
               starts_with(t, "']' expected")) {
        size_t k = start;
        while (k > 0 && is_ws(s[k - 1]))
            k--;
        if (t[1] == ']' && k > 0 && s[k - 1] == '[')
            py_error(msg, s, start, "Expecting value");
        else
            py_error(msg, s, start, "Expecting ',' delimiter");
    } else if (starts_with(t, "unexpected token") ||
               starts_with(t, "invalid token")) {
        size_t n = at_eof ? 0 : py_value_prefix(s, len, start);
        if (n == 0)
            py_error(msg, s, start, "Expecting value");
        else if (start == first_non_ws(s, len, 0))
            py_error(msg, s, start + n, "Extra data");
        else
            py_error(msg, s, start + n, "Expecting ',' delimiter");
    } else {
        strbuf_adds(msg, t);
    }
}

json_t *jsonio_parse(const char *buf, size_t len, strbuf *msg)
{
    pytext_utf8err ue;
    size_t vlen = len;
    if (pytext_utf8_check((const unsigned char *)buf, len, 0, &vlen, &ue)) {
        pytext_utf8_message(msg, (const unsigned char *)buf, &ue);
        return NULL;
    }
    len = vlen;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        py_error(msg, buf, 0, "Unexpected UTF-8 BOM (decode using utf-8-sig)");
        return NULL;
    }
    json_error_t e;
    json_t *v = json_loadb(buf, len,
                           JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK |
                               JSON_ALLOW_NUL,
                           &e);
    if (!v) {
        map_error(msg, buf, len, &e);
        return NULL;
    }
    size_t end = first_non_ws(buf, len, e.position < 0 ? 0 : (size_t)e.position);
    if (end < len) {
        json_decref(v);
        py_error(msg, buf, end, "Extra data");
        return NULL;
    }
    return v;
}

/* ---- stored records ---------------------------------------------------- */

/* jansson reads them (the project does not hand-write what its JSON library
 * does; a one-pass reader saved ~100k instructions per PATCH and was left
 * out for that reason).  JSON_ALLOW_NUL: a stored string may hold \u0000. */
json_t *jsonio_load_stored(const char *buf, size_t len)
{
    return json_loadb(buf, len, JSON_ALLOW_NUL, NULL);
}

/* ---- output ----------------------------------------------------------- */

/* Printed directly (no json_dumps plus a rewriting pass: this runs for every
 * stored record and every answer; json_dumps cannot print Python's bytes --
 * float repr, lower-case \u hex, escaped U+2028/U+2029 -- so a printer of our
 * own is needed either way).  The output is what json_dumps with
 * JSON_COMPACT prints after the rewrite DRF's renderer implies: strings keep
 * UTF-8 as is and escape '"', '\\', the C0 controls (\b \f \n \r \t, else
 * \u00xx in lower-case hex) and U+2028/U+2029; floats are Python's repr;
 * members in the object's (insertion) order. */
static void dump_string(strbuf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    strbuf_addc(out, '"');
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        size_t elen = 2, skip = 1;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
        } else if (c < 0x20) {
            esc[0] = '\\';
            switch (c) {
            case '\b': esc[1] = 'b'; break;
            case '\f': esc[1] = 'f'; break;
            case '\n': esc[1] = 'n'; break;
            case '\r': esc[1] = 'r'; break;
            case '\t': esc[1] = 't'; break;
            default:
                memcpy(esc, "\\u00", 4);
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 15];
                elen = 6;
            }
        } else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0xA8 ||
                    (unsigned char)s[i + 2] == 0xA9)) {
            memcpy(esc, (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
            elen = 6;
            skip = 3;
        } else {
            continue;
        }
        strbuf_add(out, s + run, i - run);
        strbuf_add(out, esc, elen);
        i += skip - 1;
        run = i + 1;
    }
    strbuf_add(out, s + run, n - run);
    strbuf_addc(out, '"');
}

static void dump_value(strbuf *out, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        size_t klen;
        json_t *m;
        int first = 1;
        strbuf_addc(out, '{');
        json_object_keylen_foreach((json_t *)v, k, klen, m) {
            if (!first)
                strbuf_addc(out, ',');
            first = 0;
            dump_string(out, k, klen);
            strbuf_addc(out, ':');
            dump_value(out, m);
        }
        strbuf_addc(out, '}');
        break;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        strbuf_addc(out, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                strbuf_addc(out, ',');
            dump_value(out, json_array_get(v, i));
        }
        strbuf_addc(out, ']');
        break;
    }
    case JSON_STRING:
        dump_string(out, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER: {
        char buf[24], *e = buf + sizeof buf, *p = e;
        json_int_t x = json_integer_value(v);
        /* magnitude as unsigned: INT64_MIN has no positive counterpart */
        unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x
                                     : (unsigned long long)x;
        do
            *--p = (char)('0' + u % 10);
        while (u /= 10);
        if (x < 0)
            *--p = '-';
        strbuf_add(out, p, (size_t)(e - p));
        break;
    }
    case JSON_REAL: {
        char repr[40];
        pytext_float_repr(json_real_value(v), repr);
        strbuf_adds(out, repr);
        break;
    }
    case JSON_TRUE:
        strbuf_add(out, "true", 4);
        break;
    case JSON_FALSE:
        strbuf_add(out, "false", 5);
        break;
    default:
        strbuf_add(out, "null", 4);
        break;
    }
}

void jsonio_dump(strbuf *out, const json_t *v)
{
    if (!v) {
        strbuf_adds(out, "null");
        return;
    }
    dump_value(out, v);
}

size_t jsonio_dump_members(strbuf *out, const json_t *v, jsonio_member *m,
                           size_t cap)
{
    if (!json_is_object(v)) {
        jsonio_dump(out, v);
        return 0;
    }
    const size_t base = out->len;
    const char *k;
    size_t klen, n = 0;
    json_t *x;
    strbuf_addc(out, '{');
    json_object_keylen_foreach((json_t *)v, k, klen, x) {
        if (out->len - base > 1)
            strbuf_addc(out, ',');
        size_t start = out->len - base;
        dump_string(out, k, klen);
        strbuf_addc(out, ':');
        dump_value(out, x);
        if (n < cap)
            m[n++] = (jsonio_member){k, klen, start, out->len - base};
    }
    strbuf_addc(out, '}');
    return n;
}

void jsonio_dump_string(strbuf *out, const char *s, size_t n)
{
    dump_string(out, s, n);
}

char *jsonio_dumps(const json_t *v, size_t *len)
{
    strbuf b = STRBUF_INIT;
    jsonio_dump(&b, v);
    if (len)
        *len = b.len;
    return strbuf_steal(&b);
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when invalid
 * (overlong forms, surrogates and values above U+10FFFF are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

json_t *jsonio_text(const char *s, size_t n)
{
    json_t *v = json_stringn(s, n);
    if (v)
        return v;
    strbuf b = STRBUF_INIT;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq(u + i, n - i);
        if (l) {
            strbuf_add(&b, s + i, l);
            i += l;
        } else {
            strbuf_adds(&b, "\xEF\xBF\xBD");
            i++;
        }
    }
    v = json_stringn(b.p ? b.p : "", b.len);
    strbuf_free(&b);
    return v;
}
