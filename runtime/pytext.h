/*
 * pytext.h — the few pieces of Python's text semantics the mocked API shows on
 * the wire: UTF-8 decoding errors (codec messages, 'replace' handling),
 * urllib's quote_plus / unquote_plus, float repr, str() of JSON values and
 * int() / float() / str.strip() of strings.
 *
 * Ownership: functions returning char * return malloc'd memory the caller
 * frees; everything else writes into a caller-owned strbuf or buffer.
 * Nothing here knows any API.
 */
#ifndef SM_PYTEXT_H
#define SM_PYTEXT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* A UTF-8 decoding error as CPython's utf-8 codec reports it: bytes
 * [start, end) and the reason ("invalid start byte",
 * "invalid continuation byte", "unexpected end of data"). */
typedef struct pytext_utf8err {
    size_t start, end;
    const char *reason;
} pytext_utf8err;

/*
 * Checks s[0..len) like codecs.utf_8_decode(s, 'strict', final).  Returns 0
 * when it decodes; then *valid_len is len, or (final == 0) the length without
 * an incomplete sequence at the very end, which a stream reader keeps back
 * and, at end of input, silently drops.  Returns 1 on the first error.
 */
int pytext_utf8_check(const unsigned char *s, size_t len, int final,
                      size_t *valid_len, pytext_utf8err *err);

/* "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte" */
void pytext_utf8_message(strbuf *out, const unsigned char *s,
                         const pytext_utf8err *err);

/* Number of code points in valid UTF-8. */
size_t pytext_utf8_len(const char *s, size_t len);

/*
 * urllib.parse.unquote (plus: unquote_plus): %XX decoded, then the bytes
 * decoded as UTF-8 with errors='replace'.  Returns malloc'd, NUL-terminated
 * text; *outlen (may be NULL) gets its length.
 */
char *pytext_unquote(const char *s, size_t len, int plus, size_t *outlen);

/*
 * urllib.parse.quote(s, safe) (plus: quote_plus, space -> '+'), appended to
 * out.  Letters, digits and "_.-~" are always safe.
 */
void pytext_quote(strbuf *out, const char *s, size_t len, const char *safe,
                  int plus);

/* repr(float): shortest round-trip digits, "1e+16", "0.0001", "1.0". */
void pytext_float_repr(double v, char out[40]);

/* str(value) of a JSON-decoded Python value ("True", "None", "[1, 'a']"). */
void pytext_str(strbuf *out, const json_t *v);

/* type(value).__name__: dict list str int float bool NoneType. */
const char *pytext_typename(const json_t *v);

/* int(s) for ASCII text: surrounding whitespace, sign, digits with single
 * underscores between them.  Returns 0 and *out, or -1 (also on overflow of
 * int64). */
int pytext_parse_int(const char *s, size_t len, int64_t *out);

/* float(s) for ASCII text, finite values only (no inf/nan).  0 or -1. */
int pytext_parse_float(const char *s, size_t len, double *out);

/* str.strip(): *start and returned length of s without leading/trailing
 * Unicode whitespace. */
size_t pytext_strip(const char *s, size_t len, size_t *start);

/* uuid.UUID(hex=s): "urn:" / "uuid:" removed, braces stripped, hyphens
 * removed, then exactly 32 hex digits.  Writes the canonical lower-case
 * 8-4-4-4-12 form (36 chars + NUL).  0 or -1. */
int pytext_parse_uuid(const char *s, size_t len, char out[37]);
/* uuid.UUID(int=v) for 0 <= v < 2^64. */
void pytext_uuid_from_int(uint64_t v, char out[37]);

#endif
