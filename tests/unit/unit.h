/*
 * unit.h — shared helpers for the runtime unit tests: cmocka includes,
 * temporary directories, JSON comparison.
 */
#ifndef SM_UNIT_H
#define SM_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

/* mkdtemp under $TMPDIR (or /tmp); returns a malloc'd path. */
char *unit_tmpdir(void);
/* Removes the files in dir and dir itself (no subdirectories). */
void unit_rmdir(const char *dir);
/* Compact DRF-style JSON of v (malloc'd). */
char *unit_dump(const json_t *v);
/* Parses text (must be valid JSON). */
json_t *unit_json(const char *text);

#endif
