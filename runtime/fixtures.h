/*
 * fixtures.h — `--fixtures FILE`: records loaded into the store at start-up
 * (docs/spec-v2.md "Fixtures").  The file is a JSON object keyed by
 * resource name, each value an array of full records; "_parent" in a record
 * gives the key of its parent record (child resources).
 *
 * Every record goes through handlers_load() (handlers.h), which validates it
 * against the resource model (read-only fields allowed), completes it with
 * fills and defaults and stores it.  A resource that already holds records
 * in this project is skipped (a restart does not duplicate fixtures).
 *
 * Errors: "FILE: <resource>[<index>]: <what>" (or "FILE:LINE:COL: <what>"
 * for JSON syntax); the caller exits 2 before listening.
 */
#ifndef SM_FIXTURES_H
#define SM_FIXTURES_H

#include "handlers.h"
#include "strbuf.h"

/* Returns the number of records loaded, or -1 with err set. */
int fixtures_load(const sm_app *app, const char *path, strbuf *err);

#endif
