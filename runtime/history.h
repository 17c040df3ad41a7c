/*
 * history.h — the last N exchanges in memory, for GET /__specmock/journal
 * (the admin plane; `--journal N`, default 1000).  The file journal
 * (journal.h, `--journal-file`) is the durable twin with fewer members.
 *
 * A bounded ring: recording the N+1st exchange drops the oldest.  Each entry
 * keeps copies of the request and response bodies up to body_cap bytes
 * (with their full sizes and a truncated flag), so memory stays below about
 * N * (2 * body_cap + path) bytes.  A slot's buffer is reused, so a full
 * ring records without allocating.
 *
 * Ownership: the ring owns every copy; history_free() releases them.
 * Single-threaded (the event loop).
 */
#ifndef SM_HISTORY_H
#define SM_HISTORY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define HISTORY_DEFAULT 1000
#define HISTORY_BODY_CAP 4096

/* One answered request; every pointer is borrowed for the call. */
typedef struct history_entry {
    int64_t time_us;          /* the server clock when answered            */
    const char *op_id;        /* matched operation, NULL: none (static)    */
    const char *method, *path, *query; /* query NULL or raw text           */
    int status;
    const char *req_type;     /* request Content-Type or NULL              */
    const char *req_body;     /* NULL: none (or over --max-body)           */
    size_t req_len;           /* the request body's real size              */
    const char *resp_type;    /* response Content-Type or NULL             */
    const char *resp_body;
    size_t resp_len;
    int problem;              /* 1: the answer is a 400 error envelope     */
} history_entry;

typedef struct sm_history sm_history;

/* cap: entries kept (0: none, recording is a no-op). */
sm_history *history_new(size_t cap, size_t body_cap);
void history_free(sm_history *h);
void history_record(sm_history *h, const history_entry *e);
void history_clear(sm_history *h);

/* GET /__specmock/journal filters: op NULL = any; status_lo..status_hi
 * inclusive (0, 0: any); limit: at most the newest limit matches (0: all). */
typedef struct history_filter {
    const char *op;
    int status_lo, status_hi;
    size_t limit;
} history_filter;

/* {"capacity":N,"recorded":total since the last clear,"count":matches
 * returned,"results":[oldest first ...]}; each result:
 *   {"seq","time","method","path","query","operation","status",
 *    "request":{"content_type","size","truncated","body"},
 *    "response":{"content_type","size","truncated","body"},
 *    "problem":{"attr","code","detail"}|null}
 * "body" is the (possibly truncated) bytes as text, null when empty.
 * New reference. */
json_t *history_query(const sm_history *h, const history_filter *f);

#endif
