/*
 * strbuf.h — a growable byte string used wherever the runtime builds text
 * (messages, URLs, JSON output).
 *
 * Ownership: a strbuf owns its bytes.  strbuf_free() releases them;
 * strbuf_steal() hands them to the caller (who frees them with free()) and
 * leaves the strbuf empty.  The bytes are always NUL-terminated, so s.p can be
 * used as a C string once anything was added (s.p is NULL before that).
 *
 * Allocation failure aborts the process: the strings built here are small
 * and an out-of-memory mock server has nothing better to do.
 */
#ifndef SM_STRBUF_H
#define SM_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
    char *p;
    size_t len, cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}

void strbuf_add(strbuf *s, const void *data, size_t len);
void strbuf_adds(strbuf *s, const char *cstr);
void strbuf_addc(strbuf *s, char c);
void strbuf_addf(strbuf *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(strbuf *s, const char *fmt, va_list ap);
void strbuf_truncate(strbuf *s, size_t len);
/* Appends len bytes for the caller to fill and returns where they start
 * (the terminating NUL is already after them). */
char *strbuf_extend(strbuf *s, size_t len);
/* Returns the bytes (never NULL: "" when empty) and resets s. */
char *strbuf_steal(strbuf *s);
void strbuf_free(strbuf *s);

/* malloc/realloc/strdup that abort on failure. */
void *sm_xmalloc(size_t n);
void *sm_xrealloc(void *p, size_t n);
char *sm_xstrdup(const char *s);
char *sm_xstrndup(const char *s, size_t n);

#endif
