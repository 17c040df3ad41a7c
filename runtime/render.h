/*
 * render.h — builds the representations the store keeps and the API returns:
 * every non-writeonly field of a model in declared order.  SM_F_HIDDEN
 * fields are kept in the stored record but left out of list projections
 * (render_project); the handlers strip them from every answer.
 * (Owned by the RT-CORE helper.)
 *
 *   create:  server fill (auto id, now, caller, uuid, token, path param)
 *            -> validated client value -> the field's default -> null
 *   update:  validated client value -> stored value -> default -> null
 *   project: the list model's fields taken from a full representation
 *
 * Nested model values are rendered the same way (their defaults filled in).
 *
 * Ownership: every function returns a new object (json_decref it); inputs
 * are borrowed.  The context's pointers are borrowed for the call only.
 */
#ifndef SM_RENDER_H
#define SM_RENDER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "sm_api.h"

/* The parsed default of every (model, field) of an api, with nested model
 * defaults already rendered: built once at start-up (handlers_resolve keeps
 * it in the app's sm_rt) so that no request parses a default's JSON text. */
typedef struct sm_defaults sm_defaults;

/* Never NULL (aborts when out of memory). */
sm_defaults *render_defaults_new(const sm_api *api);
void render_defaults_free(sm_defaults *d);
/* The default of field of model (borrowed), or NULL when it has none. */
const json_t *render_default(const sm_defaults *d, int model, int field);

typedef struct sm_render_ctx {
    int64_t id;            /* SM_FILL_AUTO                               */
    int64_t now_us;        /* SM_FILL_NOW (clock.h microseconds)         */
    const json_t *caller;  /* SM_FILL_CALLER; NULL renders null          */
    const json_t *params;  /* SM_FILL_PARAM: object name -> value        */
    /* v2 */
    int no_now;            /* SM_FILL_NOW renders null (unsaved singleton)*/
    int input_first;       /* input beats server fills (fixtures)        */
    /* SM_FILL_USER: the known user whose uuid is uuid (borrowed), or NULL */
    const json_t *(*user_by_uuid)(void *arg, const char *uuid);
    void *user_arg;
    /* the parsed defaults; NULL parses each field's default_json instead
     * (start-up callers without an app) */
    const sm_defaults *defaults;
} sm_render_ctx;

/* ctx NULL: no server fills (fields fall through to input/default/null). */
json_t *render_create(const sm_api *api, int model, const json_t *input,
                      const sm_render_ctx *ctx);
json_t *render_update(const sm_api *api, int model, const json_t *stored,
                      const json_t *input);
/* Same, with ctx for SM_FILL_USER when input carries the source field.
 * The members kept from stored are shared with it (references): change the
 * result's members by replacing them, never in place while stored lives. */
json_t *render_update_ctx(const sm_api *api, int model, const json_t *stored,
                          const json_t *input, const sm_render_ctx *ctx);
/* Recomputes the derived fields of rec in place: SM_FILL_SEGMENTS and
 * SM_FILL_COPY from rec's (else input's) source field. */
void render_derive(const sm_api *api, int model, json_t *rec,
                   const json_t *input);
/* Number of '/'-separated segments of s ("a/b/c" -> 3, "\/" does not
 * split, "" -> 0). */
int64_t render_segments(const char *s);
/* defs: as ctx->defaults.  The returned object shares full's member values
 * (references, not copies): read it, do not modify its members. */
json_t *render_project(const sm_api *api, const sm_defaults *defs,
                       int list_model, const json_t *full);

/* Random bytes from rng.h (seeded by --seed, else the OS; never fails). */
void render_random(void *buf, size_t n);

#endif
