/*
 * faults.c — the fault schedule: rule validation, the per-call decision and
 * the normalized listing; see faults.h for the rule language and the exact
 * decision order.  Owned by the runtime's admin plane (issue 5).
 */
#include "faults.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "jsonio.h"
#include "rng.h"

typedef struct rule {
    int id;
    char *op; /* operation id, or "*" */
    int status; /* 0: none */
    int has_latency;
    int64_t lat_lo, lat_hi;
    int drop;
    int64_t times; /* 0: no limit */
    int64_t after;
    double probability;
    int64_t rl_limit, rl_window; /* rl_limit 0: no rate_limit */
    /* State, reset only by faults_clear (which drops the rule). */
    int64_t matched, fired;
    int win_open;
    int64_t win_start, win_count;
} rule;

struct sm_faults {
    int seeded;
    uint64_t seed;
    rng_gen g;
    rule *rules;
    size_t n, cap;
    int next_id;
};

static const char MEMBERS[] =
    "operation, status, latency_ms, drop, times, after, probability, rate_limit";

/* k[0..len) is a rule member (keys may hold NUL bytes: compare lengths). */
static int is_member(const char *k, size_t len)
{
    static const char *const names[] = {"operation", "status", "latency_ms", "drop",
                                        "times", "after", "probability", "rate_limit"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == len && !memcmp(k, names[i], len))
            return 1;
    return 0;
}

static void errf(strbuf *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void errf(strbuf *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(err, fmt, ap);
    va_end(ap);
}

/* s as a JSON string literal, so a message stays one line whatever s is. */
static void add_quoted(strbuf *err, const char *s, size_t len)
{
    if (!err)
        return;
    json_t *j = json_stringn_nocheck(s, len);
    jsonio_dump(err, j);
    json_decref(j);
}

static void restart_gen(sm_faults *f)
{
    if (f->seeded)
        rng_gen_seed(&f->g, f->seed);
    else
        rng_gen_os(&f->g);
}

sm_faults *faults_new(int seeded, uint64_t seed)
{
    sm_faults *f = sm_xmalloc(sizeof *f);
    memset(f, 0, sizeof *f);
    f->seeded = seeded ? 1 : 0;
    f->seed = seed;
    f->next_id = 1;
    restart_gen(f);
    return f;
}

static void drop_rules(sm_faults *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->rules[i].op);
    f->n = 0;
}

void faults_free(sm_faults *f)
{
    if (!f)
        return;
    drop_rules(f);
    free(f->rules);
    free(f);
}

void faults_clear(sm_faults *f)
{
    drop_rules(f);
    f->next_id = 1;
    restart_gen(f);
}

size_t faults_count(const sm_faults *f)
{
    return f->n;
}

/* An optional member: NULL when absent or null (null means "left out", so a
 * listed rule can be posted back once id/matched/fired are removed). */
static const json_t *member(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    return v && !json_is_null(v) ? v : NULL;
}

static int int_in(const json_t *v, int64_t lo, int64_t hi, int64_t *out)
{
    if (!json_is_integer(v))
        return 0;
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi)
        return 0;
    *out = (int64_t)x;
    return 1;
}

static int parse_rate_limit(const json_t *v, rule *r, strbuf *err)
{
    static const char shape[] =
        "rate_limit: must be an object {\"limit\": K >= 1, \"window_ms\": W 1-3600000}";
    if (!json_is_object(v)) {
        errf(err, "%s", shape);
        return -1;
    }
    const char *k;
    size_t klen;
    json_t *x;
    json_object_keylen_foreach((json_t *)v, k, klen, x) {
        if (!(klen == 5 && !memcmp(k, "limit", 5)) &&
            !(klen == 9 && !memcmp(k, "window_ms", 9))) {
            errf(err, "rate_limit: unknown member ");
            add_quoted(err, k, klen);
            errf(err, " (allowed: limit, window_ms)");
            return -1;
        }
    }
    const json_t *lim = json_object_get(v, "limit");
    const json_t *win = json_object_get(v, "window_ms");
    if (!lim) {
        errf(err, "rate_limit.limit: required (an integer >= 1)");
        return -1;
    }
    if (!int_in(lim, 1, INT64_MAX, &r->rl_limit)) {
        errf(err, "rate_limit.limit: must be an integer >= 1");
        return -1;
    }
    if (!win) {
        errf(err, "rate_limit.window_ms: required (an integer 1-%d)", FAULTS_MAX_WINDOW_MS);
        return -1;
    }
    if (!int_in(win, 1, FAULTS_MAX_WINDOW_MS, &r->rl_window)) {
        errf(err, "rate_limit.window_ms: must be an integer 1-%d", FAULTS_MAX_WINDOW_MS);
        return -1;
    }
    return 0;
}

/* Fills *r (op malloc'd) from j, or -1 with the message in err and nothing
 * allocated.  Members are checked in a fixed order: unknown members first,
 * then operation, status, latency_ms, drop, times, after, probability,
 * rate_limit, then the combinations. */
static int parse_rule(const json_t *j, int (*known_op)(void *, const char *),
                      void *arg, rule *r, strbuf *err)
{
    memset(r, 0, sizeof *r);
    r->probability = 1.0;
    if (!json_is_object(j)) {
        errf(err, "rule: must be a JSON object with \"operation\" and an effect");
        return -1;
    }
    const char *k;
    size_t klen;
    json_t *x;
    json_object_keylen_foreach((json_t *)j, k, klen, x) {
        if (!is_member(k, klen)) {
            errf(err, "unknown member ");
            add_quoted(err, k, klen);
            errf(err, " (allowed: %s)", MEMBERS);
            return -1;
        }
    }

    const json_t *v = json_object_get(j, "operation");
    if (!v) {
        errf(err, "operation: required (an operation id or \"*\")");
        return -1;
    }
    if (!json_is_string(v)) {
        errf(err, "operation: must be a string (an operation id or \"*\")");
        return -1;
    }
    const char *op = json_string_value(v);
    /* An id with a NUL byte is no id (known_op would see a prefix). */
    if (strlen(op) != json_string_length(v) ||
        (strcmp(op, "*") && !(known_op && known_op(arg, op)))) {
        errf(err, "operation: unknown operation id ");
        add_quoted(err, op, json_string_length(v));
        return -1;
    }

    int64_t n;
    if ((v = member(j, "status"))) {
        if (!int_in(v, 400, 599, &n)) {
            errf(err, "status: must be an integer 400-599");
            return -1;
        }
        r->status = (int)n;
    }

    if ((v = member(j, "latency_ms"))) {
        static const char msg[] =
            "latency_ms: must be an integer 0-%d or [lo, hi] with 0 <= lo <= hi <= %d";
        if (json_is_array(v)) {
            if (json_array_size(v) != 2 ||
                !int_in(json_array_get(v, 0), 0, FAULTS_MAX_LATENCY_MS, &r->lat_lo) ||
                !int_in(json_array_get(v, 1), 0, FAULTS_MAX_LATENCY_MS, &r->lat_hi) ||
                r->lat_lo > r->lat_hi) {
                errf(err, msg, FAULTS_MAX_LATENCY_MS, FAULTS_MAX_LATENCY_MS);
                return -1;
            }
        } else if (int_in(v, 0, FAULTS_MAX_LATENCY_MS, &r->lat_lo)) {
            r->lat_hi = r->lat_lo;
        } else {
            errf(err, msg, FAULTS_MAX_LATENCY_MS, FAULTS_MAX_LATENCY_MS);
            return -1;
        }
        r->has_latency = 1;
    }

    if ((v = member(j, "drop"))) {
        if (!json_is_boolean(v)) {
            errf(err, "drop: must be true or false");
            return -1;
        }
        r->drop = json_is_true(v);
    }

    if ((v = member(j, "times")) && !int_in(v, 1, INT64_MAX, &r->times)) {
        errf(err, "times: must be an integer >= 1");
        return -1;
    }

    if ((v = member(j, "after")) && !int_in(v, 0, INT64_MAX, &r->after)) {
        errf(err, "after: must be an integer >= 0");
        return -1;
    }

    if ((v = member(j, "probability"))) {
        double p = json_is_number(v) ? json_number_value(v) : 0;
        if (!json_is_number(v) || !(p > 0 && p <= 1)) {
            errf(err, "probability: must be a number in (0, 1]");
            return -1;
        }
        r->probability = p;
    }

    if ((v = member(j, "rate_limit")) && parse_rate_limit(v, r, err) < 0)
        return -1;

    if (r->rl_limit && r->status) {
        errf(err, "rate_limit: cannot be combined with status (it answers 429)");
        return -1;
    }
    if (r->rl_limit && r->drop) {
        errf(err, "rate_limit: cannot be combined with drop");
        return -1;
    }
    if (r->drop && r->status) {
        errf(err, "drop: cannot be combined with status (nothing is sent)");
        return -1;
    }
    if (!r->status && !r->has_latency && !r->drop && !r->rl_limit) {
        errf(err, "rule: needs an effect: status, latency_ms, drop or rate_limit");
        return -1;
    }
    r->op = sm_xstrdup(op);
    return 0;
}

static int room_for(const sm_faults *f, size_t more, strbuf *err)
{
    if (more > FAULTS_MAX_RULES - f->n) {
        errf(err, "faults: at most %d rules are held (%zu now); clear them first",
             FAULTS_MAX_RULES, f->n);
        return 0;
    }
    return 1;
}

static int append(sm_faults *f, rule *r)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 8;
        f->rules = sm_xrealloc(f->rules, f->cap * sizeof *f->rules);
    }
    r->id = f->next_id++;
    f->rules[f->n++] = *r;
    return r->id;
}

int faults_add(sm_faults *f, const json_t *rule_json,
               int (*known_op)(void *, const char *), void *arg, strbuf *err)
{
    rule r;
    if (parse_rule(rule_json, known_op, arg, &r, err) < 0)
        return -1;
    if (!room_for(f, 1, err)) {
        free(r.op);
        return -1;
    }
    return append(f, &r);
}

int faults_add_body(sm_faults *f, const json_t *body,
                    int (*known_op)(void *, const char *), void *arg,
                    strbuf *err)
{
    if (json_is_object(body))
        return faults_add(f, body, known_op, arg, err);
    size_t n = json_array_size(body);
    if (!json_is_array(body) || n == 0) {
        errf(err, "faults: expected a rule object or a non-empty array of rules");
        return -1;
    }
    if (!room_for(f, n, err))
        return -1;
    rule *tmp = sm_xmalloc(n * sizeof *tmp);
    for (size_t i = 0; i < n; i++) {
        strbuf e = STRBUF_INIT;
        if (parse_rule(json_array_get(body, i), known_op, arg, &tmp[i], &e) < 0) {
            errf(err, "[%zu] %s", i, e.p ? e.p : "");
            strbuf_free(&e);
            for (size_t k = 0; k < i; k++)
                free(tmp[k].op);
            free(tmp);
            return -1;
        }
        strbuf_free(&e);
    }
    int first = 0;
    for (size_t i = 0; i < n; i++) {
        int id = append(f, &tmp[i]);
        if (i == 0)
            first = id;
    }
    free(tmp);
    return first;
}

static json_t *rule_json(const rule *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "operation", json_string(r->op));
    json_object_set_new(o, "status", r->status ? json_integer(r->status) : json_null());
    json_object_set_new(o, "latency_ms",
                        r->has_latency ? json_pack("[II]", (json_int_t)r->lat_lo,
                                                   (json_int_t)r->lat_hi)
                                       : json_null());
    json_object_set_new(o, "drop", json_boolean(r->drop));
    json_object_set_new(o, "times", r->times ? json_integer(r->times) : json_null());
    json_object_set_new(o, "after", json_integer(r->after));
    json_object_set_new(o, "probability", json_real(r->probability));
    json_object_set_new(o, "rate_limit",
                        r->rl_limit ? json_pack("{sIsI}", "limit", (json_int_t)r->rl_limit,
                                                "window_ms", (json_int_t)r->rl_window)
                                    : json_null());
    json_object_set_new(o, "matched", json_integer(r->matched));
    json_object_set_new(o, "fired", json_integer(r->fired));
    return o;
}

json_t *faults_list(const sm_faults *f)
{
    json_t *a = json_array();
    for (size_t i = 0; i < f->n; i++)
        json_array_append_new(a, rule_json(&f->rules[i]));
    return a;
}

/* Step 4 of the decision: 1 when the call is past the window's limit, with
 * the seconds to its end in *retry_after.  Differences are taken unsigned:
 * now_ms >= win_start there, so they cannot overflow. */
static int over_limit(rule *r, int64_t now_ms, int *retry_after)
{
    if (!r->win_open || now_ms < r->win_start /* clock went back: restart */ ||
        (uint64_t)now_ms - (uint64_t)r->win_start >= (uint64_t)r->rl_window) {
        r->win_open = 1;
        r->win_start = now_ms;
        r->win_count = 0;
    }
    if (r->win_count < r->rl_limit) {
        r->win_count++;
        return 0;
    }
    uint64_t left = (uint64_t)r->rl_window - ((uint64_t)now_ms - (uint64_t)r->win_start);
    uint64_t s = (left + 999) / 1000;
    *retry_after = s < 1 ? 1 : (int)s;
    return 1;
}

void faults_decide(sm_faults *f, const char *op_id, int64_t now_ms,
                   fault_action *out)
{
    memset(out, 0, sizeof *out);
    if (!f || !op_id)
        return;
    for (size_t i = 0; i < f->n; i++) {
        rule *r = &f->rules[i];
        if (strcmp(r->op, "*") && strcmp(r->op, op_id))
            continue;
        r->matched++;
        if (r->matched <= r->after)
            continue;
        if (r->times && r->fired >= r->times)
            continue;
        int retry_after = 0;
        if (r->rl_limit && !over_limit(r, now_ms, &retry_after))
            continue;
        if (r->probability < 1.0 && !(rng_gen_unit(&f->g) < r->probability))
            continue;
        r->fired++;
        out->rule = r->id;
        out->status = r->rl_limit ? 429 : r->status;
        out->drop = r->drop;
        out->retry_after = retry_after;
        if (r->has_latency) {
            out->delay_ms = r->lat_lo;
            if (r->lat_hi > r->lat_lo)
                out->delay_ms += (int64_t)rng_gen_below(
                    &f->g, (uint64_t)(r->lat_hi - r->lat_lo) + 1);
        }
        return;
    }
}
