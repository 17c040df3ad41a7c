/*
 * handlers.h — the operation kinds (list, create, retrieve, update,
 * destroy, refuse) run against the store once every gate has passed.
 *
 * Ownership: sm_app is borrowed by everyone and outlives the event loop;
 * sm_call is built by the pipeline (server.c) for one request and borrows
 * from the request; handlers only write the reply.
 */
#ifndef SM_HANDLERS_H
#define SM_HANDLERS_H

#include <jansson.h>
#include <stdint.h>

#include "auth.h"
#include "clock.h"
#include "respond.h"
#include "router.h"
#include "sm_api.h"
#include "store.h"

/* Everything a request needs that lives as long as the server. */
typedef struct sm_app {
    const sm_api *api;
    const sm_router *router;
    const sm_keys *keys;
    sm_store *store;
    sm_clock *clock;         /* ticks after each successful write          */
    const uint16_t *ns;      /* store namespace per api->resources index   */
    unsigned prefix_params;  /* path parameters in api->prefix             */
    const char *self_host;   /* "HOST:PORT" for links without a Host header */
} sm_app;

/* One request after the gates: what the handler needs. */
typedef struct sm_call {
    const sm_op *op;
    const sm_resource *res;  /* NULL when op->resource is out of range     */
    const sm_key *key;
    int64_t project;         /* first prefix parameter, 0 if none          */
    int has_id;              /* item operations: a numeric record id       */
    uint64_t id;
    json_t *params;          /* resolved path parameters, name -> value    */
    json_t *input;           /* validated body (create/update), or NULL    */
    const char *host;        /* for pagination links                       */
    const char *path;        /* raw request path (no query)                */
    const char *query;       /* raw query string or NULL                   */
} sm_call;

void handlers_run(const sm_app *app, const sm_call *call, sm_reply *rep);

#endif
