/*
 * router.h — maps a request path to the operations of one path template.
 *
 * router_new() builds a segment trie from api->ops once at start-up; each
 * node has its literal children sorted (binary search) and its parameter
 * children in table order, so matching costs one lookup per segment however
 * many operations the API has.  A literal beats a parameter; when a literal
 * branch dead-ends the matcher backtracks into the parameter branches.
 *
 * Paths are matched segment by segment after percent-decoding each segment;
 * one trailing slash is optional ("/x" and "/x/" are the same path); empty
 * segments ("//") and parameter values that are empty never match.
 *
 * Ownership: the router borrows the api tables (static data) and owns its
 * trie; router_free() releases it.  A match owns the decoded segment text its
 * params point into; router_match_free() releases it (safe on a zeroed or
 * already-freed match).
 */
#ifndef SM_ROUTER_H
#define SM_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "sm_api.h"

#define SM_ROUTE_MAX_PARAMS 16
#define SM_ROUTE_MAX_SEGMENTS 64

typedef struct sm_router sm_router;

typedef struct sm_route_param {
    const char *name; /* as written in the template (no braces)           */
    int16_t param;    /* index into api->params, -1 when not declared     */
    const char *value;/* decoded segment, NUL-terminated                  */
    size_t len;
} sm_route_param;

typedef struct sm_route_match {
    int16_t ops[5];     /* op index per method (SM_GET - 1 ...), -1 = none  */
    const char *allow;  /* "GET, POST, HEAD, OPTIONS" (router-owned)        */
    int16_t resource;   /* resource of the path's first operation           */
    unsigned nparams;
    sm_route_param params[SM_ROUTE_MAX_PARAMS];
    char *storage;      /* decoded segments, freed by router_match_free     */
} sm_route_match;

/* Builds the trie.  NULL on a malformed table, with a message in err
 * ("op 'x': ..."). */
sm_router *router_new(const sm_api *api, char *err, size_t errlen);
void router_free(sm_router *r);

/* 1 when a template matches path (no query string), filling m; 0 when none
 * does.  Either way call router_match_free(m) afterwards. */
int router_match(const sm_router *r, const char *path, sm_route_match *m);
void router_match_free(sm_route_match *m);

/* "GET" ... "DELETE" for an sm_method, "?" otherwise. */
const char *router_method_name(int method);
/* The operation for method (sm_method) on a matched path, -1 if none. */
int router_op(const sm_route_match *m, int method);

#endif
