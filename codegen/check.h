/*
 * check.h — whole-spec semantic checks and name resolution.
 *
 * Owns: every rule that needs more than one line to decide (spec/README.md,
 * "Checks"): duplicate names and routes, references to models, enums,
 * parameters and scope objects, modifiers and defaults against field types,
 * operation kind against method, soft-delete and list-model consistency.
 * On the way it fills the "check:" members of ast.h (resolved indices, full
 * paths, operation ids, statuses, the sorted operation and scope lists) that
 * the emitters read.
 */
#ifndef SMGEN_CHECK_H
#define SMGEN_CHECK_H

#include <stddef.h>

#include "ast.h"
#include "diag.h"

/* Check and resolve `s`, reporting to `d`.  Returns the number of errors
 * added; the spec may be emitted only when it is 0.  Allocates the derived
 * data inside `s` (freed by spec_free()). */
size_t check_spec(spec *s, diag *d);

/* Path helpers shared with the emitters.
 * path_join: a + b without doubling the '/' between them; malloc'd. */
char *path_join(const char *a, const char *b);

#endif /* SMGEN_CHECK_H */
