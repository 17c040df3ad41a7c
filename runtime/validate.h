/*
 * validate.h — the generic request validator: walks an sm_model's fields in
 * declared order and checks a JSON body the way DRF's serializer fields do,
 * with DRF's codes and messages (docs/contracts.md §6).
 *
 * The first failing field answers (DRF + drf-exceptions-hog report only the
 * first error); its attr is the field path, nested names joined with "__"
 * and array indexes appended ("tags__0").  Read-only fields and unknown
 * members are ignored.  Accepted values come back normalised: ints as
 * integers, bools as booleans, trimmed strings, numbers given to a string
 * field as strings, date-times re-rendered in UTC with 'Z', UUIDs in
 * canonical form, int enum values given as strings as integers.
 *
 * Ownership: on success *out is a new object (json_decref it) holding only
 * the accepted fields that were present; on failure *out is NULL and err
 * holds malloc'd strings that validate_error_clear() frees.
 */
#ifndef SM_VALIDATE_H
#define SM_VALIDATE_H

#include <jansson.h>

#include "sm_api.h"

enum validate_flag {
    VALIDATE_PARTIAL = 1u << 0, /* PATCH: absent required fields are fine */
    VALIDATE_READONLY = 1u << 1 /* also accept read-only fields (keys file) */
};

typedef struct sm_verror {
    const char *code; /* "required", "invalid_input", ... (static)      */
    char *detail;     /* the message                                     */
    char *attr;       /* field path, NULL for a non-field error          */
} sm_verror;

/*
 * Validates body (any JSON value) against api->models[model].  A body that
 * is not an object fails with attr NULL: null gives code "null",
 * "No data provided"; other types code "invalid_input",
 * "Invalid data. Expected a dictionary, but got list.".  Returns 0 or -1.
 */
int validate_body(const sm_api *api, int model, const json_t *body,
                  unsigned flags, json_t **out, sm_verror *err);

/* Validates one value against one field; the attr path starts at path. */
int validate_value(const sm_api *api, const sm_field *f, const json_t *v,
                   unsigned flags, const char *path, json_t **out,
                   sm_verror *err);

void validate_error_clear(sm_verror *err);

#endif
