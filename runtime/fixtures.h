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

/* Start-up: reads path and loads it in one transaction, skipping resources
 * that already hold records.  Returns the number of records loaded, or -1
 * with err set and nothing stored. */
int fixtures_load(const sm_app *app, const char *path, strbuf *err);
/* The parsed file (new reference), or NULL with "FILE[:LINE:COL]: what". */
json_t *fixtures_read(const char *path, strbuf *err);
/* Loads root (the file's shape) in txn, which the caller commits or (after
 * -1) aborts.  label: the messages' "LABEL: " lead (NULL: none, e.g.
 * "things[2]: name: This field is required.").  skip_loaded: leave
 * resources that already hold records alone.  Returns the count or -1. */
int fixtures_apply(const sm_app *app, sm_txn *txn, const json_t *root,
                   const char *label, int skip_loaded, strbuf *err);

#endif
