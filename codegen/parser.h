/*
 * parser.h — spec text to the tree in ast.h.
 *
 * Owns: the grammar (spec/README.md is its reference).  One call parses one
 * file and appends its declarations to a spec, so several files make one
 * spec.  Syntax errors go to the diag; the parser resynchronises at the next
 * line and keeps going.  Names are not resolved here (that is check.c).
 */
#ifndef SMGEN_PARSER_H
#define SMGEN_PARSER_H

#include <stddef.h>

#include "ast.h"
#include "diag.h"

/* Parse `src` (`len` bytes) read from `file` (borrowed, must outlive `s` and
 * `d`) into `s`.  Returns the number of errors this file added to `d`. */
size_t parse_file(spec *s, diag *d, const char *file, const char *src,
                  size_t len);

/* The closest word in `list` (NULL-terminated) to `w` (`n` bytes), or NULL
 * if none is close enough to suggest.  Used for "did you mean" hints. */
const char *suggest_word(const char *w, size_t n, const char *const *list);

#endif /* SMGEN_PARSER_H */
