/*
 * coverage.h — contract coverage: for every operation of the route table,
 * how often each status was answered, next to the statuses the spec
 * documents for it (GET /__specmock/coverage).
 *
 * An operation is "covered" once it answered its documented success status
 * (op->status), the same rule as the suite's coverage gate
 * (tests/contract/coverage_gate.py).  Requests that matched no operation
 * (unknown paths, refused methods) are counted apart, by status.  The admin
 * plane never counts.
 *
 * Ownership: the coverage table is the app's (main.c creates it);
 * server.c counts after answering, admin.c reports and clears.
 */
#ifndef SM_COVERAGE_H
#define SM_COVERAGE_H

#include <jansson.h>

#include "sm_api.h"
#include "strbuf.h"

typedef struct sm_coverage sm_coverage;

sm_coverage *coverage_new(const sm_api *api);
void coverage_free(sm_coverage *c);
/* One answer of operation op (api->ops index, -1: no operation matched). */
void coverage_count(sm_coverage *c, int op, int status);
void coverage_clear(sm_coverage *c);

/* {"operations":N,"called":n,"covered":n,"never_called":[ids...],
 *  "results":[{"operation","method","path","success","calls","covered",
 *              "statuses":[{"status","documented","count"}...]}...],
 *  "unmatched":{"calls":n,"statuses":[{"status","count"}...]}}
 * Documented statuses come first in the spec's order, then any other
 * status answered, ascending.  New reference. */
json_t *coverage_json(const sm_coverage *c);
/* The same as a table for a terminal (ASCII, one line per operation). */
void coverage_text(const sm_coverage *c, strbuf *out);

#endif
