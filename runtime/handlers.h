/*
 * handlers.h — the operation kinds (list, create, retrieve, update,
 * destroy, refuse, action, stream, content) run against the store once every
 * gate has passed, the start-up resolution of the tables' v2 names, and the
 * record loader the fixtures use.
 *
 * Ownership (RT-CORE helper): sm_app is borrowed by everyone and outlives
 * the event loop; its resolved tables (app->rt) are owned by the app
 * (handlers_resolve / handlers_release).  sm_call is built by the pipeline
 * (server.c) for one request and borrows from the request; the json_t
 * members it holds are the pipeline's (freed by handlers_call_free);
 * handlers only write the reply.
 */
#ifndef SM_HANDLERS_H
#define SM_HANDLERS_H

#include <jansson.h>
#include <stdint.h>

#include "auth.h"
#include "clock.h"
#include "listing.h"
#include "query.h"
#include "render.h"
#include "respond.h"
#include "router.h"
#include "sm_api.h"
#include "store.h"

struct sm_journal;
struct sm_history;
struct sm_coverage;
struct sm_faults;
struct sm_listcache;

/* Per resource: the v2 names resolved to indices once at start-up. */
typedef struct sm_res_rt {
    int16_t key_field;     /* model field naming a record, -1: none       */
    uint8_t key_auto;      /* the key is the auto id = the store sequence */
    int16_t soft;          /* soft-delete field, -1: none                 */
    int16_t parent;        /* parent resource, -1: none                   */
    int16_t owner;         /* owner field, -1: none                       */
    int16_t ancestors;     /* ancestors field, -1: none                   */
    uint8_t has_children;  /* the model has SM_FILL_CHILDREN fields       */
    uint8_t has_hidden;    /* ... SM_F_HIDDEN fields: stored bytes are    */
                           /* never answered as they are                  */
    listing_order *order;  /* NULL: creation order                        */
    listing_facets *facets;/* stored beside each record's list JSON: the  */
                           /* order keys and exclude fields, NULL: none   */
    json_t *rows;          /* SM_R_STATIC: the parsed rows                */
    json_t *ancestor_obj;  /* parsed ancestor_json (object) or NULL       */
} sm_res_rt;

/* A list's exclude filter over facets: facet index (-1: never excludes,
 * the value did not parse) and the encoded value it excludes. */
typedef struct sm_excl {
    int idx;
    char *enc;
    size_t len;
} sm_excl;

/* Per operation. */
typedef struct sm_op_rt {
    int16_t stream_field;  /* field indices in the resource model, -1     */
    int16_t content_type;
    int16_t move_field;
    sm_excl *excl;         /* per op->filters index (lists with facets)   */
} sm_op_rt;

typedef struct sm_rt {
    sm_res_rt *res;        /* per api->resources index                    */
    sm_op_rt *ops;         /* per api->ops index                          */
    sm_defaults *defaults; /* every field's parsed default (render.h)     */
} sm_rt;

/* Everything a request needs that lives as long as the server. */
typedef struct sm_app {
    const sm_api *api;
    const sm_router *router;
    sm_keys *keys;           /* the admin plane may add keys              */
    sm_store *store;
    sm_clock *clock;         /* ticks after each successful write          */
    const uint16_t *ns;      /* store namespace per api->resources index   */
    unsigned prefix_params;  /* path parameters in api->prefix             */
    const char *self_host;   /* "HOST:PORT" for links without a Host header */
    struct sm_journal *journal; /* --journal, NULL = none                  */
    int log;                    /* --log: 0 none, 1 text, 2 json (stderr)  */
    sm_rt *rt;               /* handlers_resolve(); required               */
    size_t max_body;         /* --max-body: larger bodies 413; 0 = SM_BODY_LIMIT */
    int timeout_secs;        /* --timeout: idle/read/write; 0 = SM_HTTP_TIMEOUT_SECS */
    /* the admin plane (admin.h); NULL members: that part is off          */
    struct sm_history *history;  /* --journal N ring                       */
    struct sm_coverage *coverage;
    struct sm_faults *faults;
    const char *admin_token;     /* --admin-token, NULL: loopback only     */
    const char *fixtures_path;   /* --fixtures, for a reset that reloads   */
    const char *openapi;         /* the generated document, byte for byte  */
    size_t openapi_len;
    const char *version;         /* specmock's version (health)            */
    struct sm_listcache *listcache; /* list answers per snapshot (h_list), */
                                    /* NULL: every list is assembled      */
} sm_app;

/* Resolves and checks every v2 name of app->api (key, soft, parent, owner,
 * order, ancestors, rows, fill args, stream/content/move/set/filter/check
 * fields) into app->rt.  A bad name is a generator bug: -1 with
 * "resource 'r': ..." / "op 'o': ..." in err. */
int handlers_resolve(sm_app *app, strbuf *err);
void handlers_release(sm_app *app);

/* One request after the gates: what the handler needs. */
typedef struct sm_call {
    const sm_op *op;
    const sm_resource *res;  /* NULL when op->resource is out of range     */
    int ri;                  /* op->resource                               */
    const sm_key *key;
    int64_t project;         /* first prefix parameter, 0 if none          */
    json_t *params;          /* resolved path parameters, name -> value    */
    json_t *input;           /* validated body, or NULL                    */
    json_t *raw_body;        /* parsed body before validation, or NULL     */
    const char *host;        /* for pagination links                       */
    const char *path;        /* raw request path (no query)                */
    const char *query;       /* raw query string or NULL                   */
    query_list q;            /* parsed query                               */
    /* step 5 (handlers_locate) */
    uint64_t parent_seq;     /* the parent record's sequence, 0: none      */
    json_t *parent;          /* the parent record, or NULL                 */
    int found;               /* item/singleton: the record exists          */
    uint64_t seq;            /* its sequence                               */
    store_rec rec;           /* its stored bytes                           */
    json_t *record;          /* parsed (handlers_record)                   */
    const json_t *keyval;    /* item: the key parameter's value            */
} sm_call;

/* 1 when op names one record (or the singleton) rather than a collection. */
int handlers_is_item(const sm_app *app, const sm_op *op);

/* Pipeline step 5 after the parameters: finds the parent chain and, for item
 * operations, the record (404 with the resource's / parent's detail, owner
 * and retrieve-hiding applied).  0, or -1 after answering rep. */
int handlers_locate(const sm_app *app, sm_call *c, sm_reply *rep);
/* The target record parsed (NULL when none). */
const json_t *handlers_record(sm_call *c);
/* Pipeline step 7b: op's CHECKS_BEFORE checks. 0, or -1 after answering. */
int handlers_checks(const sm_app *app, sm_call *c, sm_reply *rep);
void handlers_call_free(sm_call *c);

void handlers_run(const sm_app *app, sm_call *call, sm_reply *rep);

/* Fixtures: validates record (VALIDATE_READONLY) against the resource
 * model, completes it with fills/defaults, honours "_parent" (the parent's
 * key text) and the resource key, and stores it.  0, or -1 with err
 * "<what>".  txn: a write transaction the caller commits or aborts (after
 * an error it must abort), or NULL: the record is committed on its own. */
int handlers_load(const sm_app *app, sm_txn *txn, int resource,
                  int64_t project, const json_t *record, strbuf *err);
/* 1 when the resource holds no records in project (txn NULL: its own). */
int handlers_resource_empty(const sm_app *app, sm_txn *txn, int resource,
                            int64_t project);

#endif
