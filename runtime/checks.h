/*
 * checks.h — an operation's preconditions (sm_check) and field writes
 * (sm_set).  Pure functions over parsed JSON; the store lookups a check
 * needs (uniqueness, references, users) come through callbacks so this file
 * knows nothing of LMDB.
 *
 * Ownership: every argument is borrowed for the call; checks_run() writes
 * its refusal into the reply (respond.h), which owns it.
 */
#ifndef SM_CHECKS_H
#define SM_CHECKS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "query.h"
#include "respond.h"
#include "sm_api.h"

typedef struct check_env {
    const json_t *body;       /* validated request body, or NULL          */
    const query_list *query;  /* parsed query string (never NULL)         */
    const json_t *parent;     /* parent record, or NULL                   */
    const json_t *record;     /* target record (item ops), or NULL        */
    const json_t *fresh;      /* record about to be written, or NULL      */
    /* SM_TEST_UNIQUE: 1 when another visible record in the same project and
     * parent has values equal to fresh's for all n fields. */
    int (*same_exists)(void *arg, const char *const *fields, size_t n,
                       const json_t *fresh);
    /* SM_TEST_EXISTS: 1 when key names a visible record of resource. */
    int (*key_exists)(void *arg, const char *resource, const json_t *key);
    /* SM_TEST_USER: 1 when uuid is a known user's. */
    int (*user_known)(void *arg, const char *uuid);
    void *arg;
} check_env;

enum { CHECKS_BEFORE = 0, /* every check but SM_SRC_NEW ones           */
       CHECKS_NEW = 1 };  /* only SM_SRC_NEW ones (after rendering)     */

/* Runs op's checks of one phase in declared order.  The first failing check
 * answers into rep in its sm_style (DRF envelope: type/code from the status:
 * 400 validation_error/invalid_input, 403 authentication_error/
 * permission_denied, 404 invalid_request/not_found, 409 server_error/
 * conflict; check.code/attr override) and -1 is returned; 0 when all pass.
 * "{name}" in the message becomes the checked value's text. */
int checks_run(const sm_op *op, int phase, const check_env *env,
               sm_reply *rep);

/* Applies op->sets to rec in place (see sm_set_from).  body / q may be NULL
 * (those sources then leave the field alone).  now_us: the server clock. */
void sets_apply(const sm_op *op, json_t *rec, const json_t *body,
                const query_list *q, int64_t now_us);

/* The value at a dotted path ("tile.id") of v, or NULL. */
const json_t *checks_path(const json_t *v, const char *path);

#endif
