/*
 * respond.h — what the pipeline answers: a status, optional JSON bytes and
 * the Allow header, collected in an sm_reply that server.c turns into
 * exactly one evhttp send.
 *
 * Every refusal goes through respond_error() with a row of errors.def, so the
 * envelope {"type","code","detail","attr"} is written in one place.
 *
 * Ownership (RT-CORE helper): an sm_reply owns its body bytes and
 * content type (reply_free releases them), or one reference to a shared
 * body (reply_share);
 * allow is borrowed (the router owns it for the server's lifetime).
 */
#ifndef SM_RESPOND_H
#define SM_RESPOND_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

typedef enum sm_err {
#define SM_ERROR(name, status, type, code, detail) SM_ERR_##name,
#include "errors.def"
#undef SM_ERROR
    SM_ERR__COUNT
} sm_err;

typedef struct sm_reply {
    int status;
    strbuf body;       /* empty: no body, no Content-Type               */
    const char *allow; /* Allow header, NULL when the path is unknown   */
    /* v2 */
    char *content_type;/* owned; NULL: "application/json" when a body   */
                       /* is set, none otherwise; set: always sent     */
    const char *op_id; /* the routed operation's id (journal), or NULL  */
    int op;            /* its api->ops index (coverage), -1: none       */
    int problem;       /* 1: a 400 error envelope (the journal's        */
                       /* "problem": the field that failed)             */
    int retry_after;   /* >0: a Retry-After header (seconds)            */
    int64_t delay_ms;  /* >0: answer after this long (fault latency)   */
    int drop;          /* 1: close the connection, answer nothing       */
    /* a body shared with its owner instead of `body` (reply_share), e.g. a
     * cached answer: the reply holds one reference and gives it back with
     * shared_release (reply_free, or any respond_* that replaces the
     * body), unless the server handed it on (then shared_release is NULL) */
    const char *shared;
    size_t shared_len;
    void (*shared_release)(const void *data, size_t len, void *arg);
    void *shared_arg;
} sm_reply;

/* Releases a shared body; the signature of libevent's evbuffer reference
 * cleanup, so the server can hand the reference to the output buffer. */
typedef void (*reply_release_fn)(const void *data, size_t len, void *arg);

/* The body is len bytes at p, owned elsewhere: release(p, len, arg) is
 * called exactly once when the reply no longer needs them.  Sets the
 * status; the Content-Type is left as it is. */
void reply_share(sm_reply *r, int status, const char *p, size_t len,
                 reply_release_fn release, void *arg);
/* The body's bytes, shared or own (NULL or "" when none). */
const char *reply_bytes(const sm_reply *r, size_t *len);

/* Sets the Content-Type (copied), also for an empty body. */
void reply_content_type(sm_reply *r, const char *ct);

void reply_init(sm_reply *r);
void reply_free(sm_reply *r);

/* The error envelope.  detail NULL: the row's default; code NULL: the row's
 * code; attr NULL: "attr":null.  Replaces any body already set. */
void respond_error(sm_reply *r, sm_err e, const char *detail,
                   const char *code, const char *attr);
void respond_errorf(sm_reply *r, sm_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A forced status (fault injection) with the API's envelope for it: the
 * catalogue's row for that status (400: invalid_input; 429: throttled with
 * DRF's "Expected available in N seconds." and Retry-After: N, N being
 * retry_after, or 1 when it is 0), else
 * server_error / invalid_request with code "error". */
void respond_status_error(sm_reply *r, int status, int retry_after);

/* A JSON success body (compact, DRF style). */
void respond_json(sm_reply *r, int status, const json_t *v);
/* Pre-rendered JSON bytes (e.g. a stored record). */
void respond_bytes(sm_reply *r, int status, const char *json, size_t len);
/* No body (204, a refused DELETE). */
void respond_empty(sm_reply *r, int status);

int respond_status(sm_err e);
const char *respond_reason(int status);

#endif
