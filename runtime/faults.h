/*
 * faults.h — the fault schedule behind `POST/GET/DELETE /__specmock/faults`
 * (issue 5): which call of which operation gets a forced status, latency,
 * a dropped connection or a 429.  This module only DECIDES; the server
 * carries the action out (error body, timer, close, Retry-After header).
 * It knows nothing of HTTP or of any particular API.
 *
 * Ownership: an sm_faults owns its rules and its generator; the app owns the
 * sm_faults (faults_new/faults_free).  faults_add reads, never keeps, the
 * rule JSON; faults_list returns a new reference.  Single-threaded (the
 * event loop).
 *
 * Rule (a JSON object; "operation" required, every other member optional,
 * any other member is an error):
 *   "operation"   an operation id (known_op says which exist) or "*".
 *   "status"      integer 400-599: answer this status.
 *   "latency_ms"  integer 0-60000, or [lo, hi] with 0 <= lo <= hi <= 60000:
 *                 wait a uniform integer in [lo, hi] (inclusive) first.
 *   "drop"        true: close the connection without an answer (false: no
 *                 drop, the same as leaving it out).
 *   "times"       integer >= 1: the rule fires at most N times, then
 *                 passes every call through ("fail the first N, recover").
 *   "after"       integer >= 0: the first K matching calls are skipped.
 *   "probability" number in (0, 1] (default 1): chance that the rule fires
 *                 on a call it would otherwise fire on.
 *   "rate_limit"  {"limit": K >= 1, "window_ms": W 1-3600000}: 429 with
 *                 Retry-After for the calls past K in a fixed window.
 * An optional member given as null counts as left out (so a listed rule,
 * without id/matched/fired, can be posted back).
 * It needs an effect: status, latency_ms (0 counts), drop: true or
 * rate_limit.  rate_limit excludes status and drop; drop excludes status
 * (the connection is closed, no status is ever sent).  latency_ms with drop
 * waits then closes; latency_ms with rate_limit delays the 429s.  At most
 * FAULTS_MAX_RULES rules are held.
 *
 * Decision for one call of op_id at now_ms (monotonic milliseconds, never
 * decreasing across calls).  The rules are walked in the order added; a
 * rule whose operation is op_id or "*" MATCHES and is evaluated:
 *   1. matched += 1 (so "matched" counts the calls that reached the rule:
 *      rules after the one that fires never see the call);
 *   2. the first `after` matching calls pass (the rule does not fire);
 *   3. once `fired` reached `times` the rule passes every call;
 *   4. rate_limit: the call is counted in the rule's window.  The window
 *      opens at the first call counted (i.e. after `after`) and lasts
 *      window_ms: [start, start + W); a call at or after its end opens a
 *      new one at that call.  The first `limit` calls of a window pass;
 *      later ones are candidates for 429 with
 *      retry_after = ceil((start + W - now_ms) / 1000), at least 1;
 *   5. probability < 1: one draw u in [0, 1); the rule fires when u < p;
 *   6. it fires: fired += 1; a [lo, hi] range with lo < hi takes one draw
 *      for the delay.  The action is that rule's: status (429 for
 *      rate_limit), drop, delay_ms, retry_after, rule = its id.
 * A rule that passes hands the call on to the next rule; when none fires
 * the action is all zero (answer normally).  A call with no operation
 * (op_id NULL: nothing matched the path) matches no rule, "*" included.
 *
 * Randomness: draws are taken only in steps 5 and 6 (none when
 * probability is 1 or the latency is fixed), from the schedule's own
 * xoshiro256** generator, so the draws of a call depend only on the
 * sequence of decided calls (and their now_ms) since faults_new/clear.
 * The same seed and calls give the same actions; the data generator
 * (rng_bytes) is never touched, so faults never change generated values.
 */
#ifndef SM_FAULTS_H
#define SM_FAULTS_H

#include <jansson.h>
#include <stdint.h>

#include "strbuf.h"

#define FAULTS_MAX_RULES 1000
#define FAULTS_MAX_LATENCY_MS 60000
#define FAULTS_MAX_WINDOW_MS 3600000

typedef struct sm_faults sm_faults;

/* seeded: the schedule's draws come from its own xoshiro256** seeded
 * (splitmix64) from seed; unseeded: from a generator filled by the OS
 * (refilled on faults_clear).  Never NULL (allocation failure aborts). */
sm_faults *faults_new(int seeded, uint64_t seed);
void faults_free(sm_faults *f);

/* Validates and appends one rule.  known_op(arg, id) says whether an
 * operation id exists ("*" is not passed to it).  Returns the new rule's id
 * (1, 2, ... never reused until faults_clear) or -1 with one line appended
 * to err (may be NULL) naming the member that is wrong, e.g.
 * "status: must be an integer 400-599".  Nothing is added on error. */
int faults_add(sm_faults *f, const json_t *rule,
               int (*known_op)(void *, const char *), void *arg, strbuf *err);

/* A request body: one rule (object) or a non-empty array of rules.  All are
 * validated before any is added (all or nothing); an error in an array
 * element is prefixed "[i] " (0-based), e.g. "[2] times: ...".  Returns the
 * id of the first rule added (the others follow consecutively) or -1. */
int faults_add_body(sm_faults *f, const json_t *body,
                    int (*known_op)(void *, const char *), void *arg,
                    strbuf *err);

/* The rules as a JSON array, in order, each normalized to
 *   {"id":1,"operation":"x","status":503|null,"latency_ms":[lo,hi]|null,
 *    "drop":false,"times":N|null,"after":0,"probability":1.0,
 *    "rate_limit":{"limit":K,"window_ms":W}|null,"matched":0,"fired":0}
 * (a fixed latency L is [L, L]; "matched": calls that reached the rule,
 * "fired": calls it acted on).  New reference. */
json_t *faults_list(const sm_faults *f);

/* Number of rules held. */
size_t faults_count(const sm_faults *f);

/* Removes every rule, restarts the ids at 1 and the generator (seeded:
 * from its seed; unseeded: refilled from the OS). */
void faults_clear(sm_faults *f);

typedef struct fault_action {
    int status;       /* 0: answer normally; else force this status */
    int drop;         /* 1: close the connection without an answer */
    int64_t delay_ms; /* wait this long before answering (0: none) */
    int retry_after;  /* >0: send Retry-After: N (seconds) with the 429 */
    int rule;         /* id of the rule that fired, 0: none */
} fault_action;

/* The action for one call of operation op_id at monotonic time now_ms
 * (see the decision above).  out is always written. */
void faults_decide(sm_faults *f, const char *op_id, int64_t now_ms,
                   fault_action *out);

#endif
