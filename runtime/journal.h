/*
 * journal.h — `--journal FILE`: one JSON line per answered request, for
 * coverage reports and contract checks (docs/spec-v2.md):
 *
 *   {"op":"<op id>"|null,"method":"GET","path":"/api/...?q","status":200,
 *    "content_type":"application/json"|null,"body":"<raw body text>"}
 *
 * "body" is left out when the answer has none.  Lines are appended and
 * flushed per request, so a killed server loses nothing it answered.
 *
 * Ownership: the journal owns its FILE; journal_close() flushes and frees.
 */
#ifndef SM_JOURNAL_H
#define SM_JOURNAL_H

#include <stddef.h>

#include "strbuf.h"

typedef struct sm_journal sm_journal;

/* Opens path for appending (created when missing).  NULL on failure with
 * "PATH: <reason>" in err. */
sm_journal *journal_open(const char *path, strbuf *err);
void journal_record(sm_journal *j, const char *op_id, const char *method,
                    const char *path, const char *query, int status,
                    const char *content_type, const char *body, size_t len);
void journal_close(sm_journal *j);

#endif
