/*
 * server.h — the HTTP side: evhttp set-up, the one generic callback, and the
 * request pipeline it runs (docs/contracts.md §4), in this order, the first
 * refusal answering:
 *
 *   1 route      path -> template (404), method -> operation (405)
 *   2 Allow      every answer on a known path carries the path's methods
 *   3 auth       Bearer header or personal_api_key query -> key (401)
 *   4 scope      the key's scopes against the operation (403)
 *   5 params     path parameters parse as their kind, alias resolved (404);
 *                then the parent chain and an item operation's record
 *                (handlers_locate: 404 parent_notfound / notfound)
 *   6 body       size (413), media type (415; op->media types unparsed),
 *                JSON (400 parse_error)
 *   7 validate   the operation's request model (400, first failing field),
 *                then the operation's checks (handlers_checks)
 *   8 handler    the store operation and the success answer
 *
 * The callback also writes the journal line (app->journal) and the
 * reply's Content-Type (sm_reply.content_type, else application/json for
 * a body, none for an empty one; HEAD gets the headers without the body).
 *
 * server_pipeline() is independent of evhttp (tests call it directly); the
 * evhttp callback converts the request, runs the pipeline and ends in exactly
 * one evhttp_send_reply().
 *
 * Shutdown (server_drain): the listening socket is closed (new connections
 * are refused), idle connections are closed, and every connection with a
 * request in progress -- from the first byte of the request until its
 * answer is completely written, so a body still arriving within --timeout
 * counts, as does a large answer still being written -- is let finish;
 * answers sent while draining carry "Connection: close".  When none is left,
 * or after deadline_secs, drained(arg, left) is called once (left: how many
 * were still in progress at the deadline).
 *
 * Ownership (RT-CORE helper): the server borrows the app (which must outlive it) and owns the
 * evhttp object and its listening socket; server_free() closes them.
 */
#ifndef SM_SERVER_H
#define SM_SERVER_H

#include <stddef.h>

#include "handlers.h"
#include "respond.h"
#include "strbuf.h"

#define SM_BODY_LIMIT ((size_t)1 << 20)   /* answered with our JSON 413   */
#define SM_BODY_HARD_LIMIT ((size_t)16 << 20) /* beyond limit + this: evhttp's own 413 */
#define SM_HTTP_TIMEOUT_SECS 30

/* Methods beyond sm_method that the pipeline knows. */
enum { SM_M_HEAD = 6, SM_M_OPTIONS = 7, SM_M_OTHER = 8 };

typedef struct sm_request {
    int method;               /* sm_method, SM_M_HEAD, SM_M_OPTIONS, SM_M_OTHER */
    const char *method_name;  /* as sent, for "Method "X" not allowed."         */
    const char *path;         /* raw path, no query                             */
    const char *query;        /* raw query string or NULL                       */
    const char *host;         /* Host header or NULL                            */
    const char *authorization;
    const char *content_type; /* NULL when absent                               */
    const char *body;         /* NULL when absent or over the limit             */
    size_t body_len;          /* the real length, also over the limit           */
} sm_request;

/* Runs the gates and the handler; rep must be reply_init()ed.  A successful
 * write (2xx to POST/PUT/PATCH/DELETE) ticks the app's clock. */
void server_pipeline(const sm_app *app, const sm_request *rq, sm_reply *rep);

struct event_base;
typedef struct sm_server sm_server;

sm_server *server_new(struct event_base *base, sm_app *app);
/* Binds host:port (port 0: any free port); *bound_port gets the real port.
 * On failure returns -1 with a message in err. */
int server_listen(sm_server *s, const char *host, int port, int *bound_port,
                  strbuf *err);
/* Starts the graceful shutdown (see above); returns how many requests were
 * in progress.  drained may be called before it returns (none in progress).
 * A second call only returns the count. */
unsigned server_drain(sm_server *s, int deadline_secs,
                      void (*drained)(void *arg, unsigned left), void *arg);
/* Closes the listening socket and every connection at once. */
void server_free(sm_server *s);

#endif
