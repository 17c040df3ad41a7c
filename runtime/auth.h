/*
 * auth.h — API keys: loading the keys file (or the spec's default key),
 * finding the credential in a request, and the scope decision
 * (docs/contracts.md §4 steps 3-4 and §5).
 *
 * A key is either a session (a logged-in browser: no personal-key scope
 * checks) or a personal API key holding scopes: "*", "INTERNAL", or
 * "<object>:read" / "<object>:write" for a scope object the spec declares
 * (write implies read).  Each key has a project (what an alias such as
 * "@current" resolves to, default 1) and a caller object: the spec's user
 * model defaults overlaid with the entry's "user" object.
 *
 * Ownership: an sm_keys set owns its keys and their caller objects;
 * auth_keys_free() releases everything.  auth_lookup() returns a borrowed
 * pointer valid until then.  auth_credential() returns a malloc'd string.
 */
#ifndef SM_AUTH_H
#define SM_AUTH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "sm_api.h"
#include "strbuf.h"

typedef struct sm_key {
    char *key;
    int session;
    int star;             /* holds "*"                                    */
    int internal;         /* holds "INTERNAL"                             */
    int64_t project;
    uint8_t *scopes;      /* per api->scopes: AUTH_READ | AUTH_WRITE      */
    json_t *user;         /* the caller object (SM_FILL_CALLER)           */
} sm_key;

enum { AUTH_READ = 1, AUTH_WRITE = 2 };

typedef struct sm_keys {
    sm_key *v; /* sorted by key */
    size_t n;
} sm_keys;

/* Loads a keys file.  On failure returns NULL and err gets
 * "FILE: entry N: <what>" (N counted from 1) or "FILE: <what>". */
sm_keys *auth_keys_load(const sm_api *api, const char *path, strbuf *err);
/* The spec's default key as a session key of project 1 (NULL if the spec
 * names none: then no key exists). */
sm_keys *auth_keys_default(const sm_api *api);
void auth_keys_free(sm_keys *keys);
/* Adds one keys-file entry at run time (the admin plane), kept sorted.
 * 0; -1 for a bad entry ("<what>" in err); -2 when the key exists.  Keys
 * returned by auth_lookup() before the call are invalidated. */
int auth_keys_add(const sm_api *api, sm_keys *keys, const json_t *entry,
                  strbuf *err);

const sm_key *auth_lookup(const sm_keys *keys, const char *key);

typedef enum auth_source {
    AUTH_SRC_NONE = 0,
    AUTH_SRC_HEADER, /* Authorization: Bearer <key>          */
    AUTH_SRC_QUERY   /* ?personal_api_key=<key>              */
} auth_source;

/* The credential a request carries: "Bearer" (case-sensitive) + whitespace +
 * the key in the Authorization header, else the personal_api_key query
 * parameter.  NULL (and AUTH_SRC_NONE) when there is none. */
char *auth_credential(const char *authorization, const char *query,
                      auth_source *src);

typedef enum auth_verdict {
    AUTH_ALLOW = 0,
    AUTH_MISSING_SCOPE, /* "API key missing required scope '<scope>'"       */
    AUTH_UNSUPPORTED    /* "This action does not support personal API key
                           access"                                          */
} auth_verdict;

/* The scope decision for op; write: the request is not GET/HEAD/OPTIONS.
 * On AUTH_MISSING_SCOPE, scope gets the missing scope ("things:read",
 * "INTERNAL"). */
auth_verdict auth_decide(const sm_api *api, const sm_key *key,
                         const sm_op *op, int write, strbuf *scope);

#endif
