/*
 * jsonio.h — JSON in and out the way the mocked API's Python stack does it,
 * with jansson doing the parsing; the printing is done here, in one pass
 * (it runs for every stored record and every answer).
 *
 * In:  jsonio_parse() reads a request body like DRF's JSONParser (UTF-8
 *      stream reader + json.load) and, on failure, words the error like
 *      Python: "Expecting value: line 1 column 1 (char 0)".
 * Out: jsonio_dump() prints compact JSON like DRF's JSONRenderer
 *      (separators "," and ":", UTF-8 unescaped, U+2028/U+2029 escaped,
 *      floats as Python's repr, \u escapes in lower-case hex).
 *
 * Ownership: jsonio_parse returns a new reference (json_decref it); both
 * functions append text to a caller-owned strbuf.
 */
#ifndef SM_JSONIO_H
#define SM_JSONIO_H

#include <jansson.h>
#include <stddef.h>

#include "strbuf.h"

/* Parses buf[0..len).  NULL on failure, with the Python message appended to
 * msg (without DRF's "JSON parse error - " prefix). */
json_t *jsonio_parse(const char *buf, size_t len, strbuf *msg);

/* Parses a stored record (a text jsonio_dump wrote) with jansson, NUL bytes
 * in strings allowed.  NULL when it does not parse. */
json_t *jsonio_load_stored(const char *buf, size_t len);

/* Appends v as compact DRF-style JSON. */
void jsonio_dump(strbuf *out, const json_t *v);

/* Same, as a malloc'd NUL-terminated string; *len (may be NULL) its length. */
char *jsonio_dumps(const json_t *v, size_t *len);

/* Where jsonio_dump_members printed one member of an object: the bytes
 * [start, end) of `"key":value`, offsets from where the dump began; key
 * (klen bytes) is the object's own key string. */
typedef struct jsonio_member {
    const char *key;
    size_t klen, start, end;
} jsonio_member;

/* jsonio_dump(out, v), recording where each member of v (an object) went:
 * the first cap members, in printed order, to m.  Returns how many were
 * recorded (0 when v is not an object). */
size_t jsonio_dump_members(strbuf *out, const json_t *v, jsonio_member *m,
                           size_t cap);

/* Appends s[0..n) as a JSON string, as jsonio_dump prints strings. */
void jsonio_dump_string(strbuf *out, const char *s, size_t n);

/* s[0..n) as a JSON string; bytes that are not valid UTF-8 (overlong
 * forms, surrogates, beyond U+10FFFF) become one U+FFFD each.  New
 * reference, never NULL. */
json_t *jsonio_text(const char *s, size_t n);

#endif
