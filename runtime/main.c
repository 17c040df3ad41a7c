/*
 * main.c — the specmock command: options, start-up, the event loop, and one
 * cleanup path (docs/contracts.md §3).  The only file that names the
 * generated tables (specmock_api); everything else takes a const sm_api *.
 *
 * Exit status: 0 after SIGINT/SIGTERM (or --help/--version), 2 for bad
 * command-line input or unreadable/malformed files, 1 when the server
 * cannot start (port taken, store unusable), 128 + the signal number (130
 * SIGINT, 143 SIGTERM) when a second signal cut the shutdown short.
 *
 * Shutdown: the first SIGINT/SIGTERM stops accepting and lets the requests
 * in progress finish (server_drain; at most --timeout seconds), then the
 * one cleanup path closes the connections, the journal and the LMDB
 * environment.  A second signal leaves the loop at once and takes the same
 * cleanup path (writes are whole transactions, so nothing is half-written).
 */
#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "admin.h"
#include "auth.h"
#include "clock.h"
#include "coverage.h"
#include "faults.h"
#include "fixtures.h"
#include "handlers.h"
#include "history.h"
#include "journal.h"
#include "listcache.h"
#include "rng.h"
#include "router.h"
#include "server.h"
#include "sm_api.h"
#include "store.h"
#include "strbuf.h"

/* The generated OpenAPI document, embedded at build time (runtime/embed.cmake). */
extern const unsigned char specmock_openapi[];
extern const size_t specmock_openapi_len;

#ifndef SPECMOCK_VERSION
#define SPECMOCK_VERSION "0.0.0"
#endif

typedef struct options {
    const char *host;
    int port;
    const char *db;
    const char *keys;
    const char *clock;
    int64_t clock_us;
    int sync;
    const char *fixtures;
    const char *journal_file;
    long journal;          /* ring size, -1: the default */
    const char *admin_token;
    long max_conns;        /* -1: the default */
    size_t max_body;
    size_t map_size;
    int timeout;
    int seeded;
    uint64_t seed;
    int log;
} options;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: specmock [--host H] [--port P] [--db DIR] [--keys FILE]\n"
            "                [--clock RFC3339] [--sync] [--fixtures FILE]\n"
            "                [--journal N] [--journal-file FILE] [--admin-token T]\n"
            "                [--max-body BYTES] [--map-size BYTES] [--timeout SECS]\n"
            "                [--max-connections N]\n"
            "                [--seed N] [--log text|json]\n"
            "                [--help] [--version]\n"
            "\n"
            "Serves the %s (%u operations) as a mock.\n"
            "\n"
            "  --host H       address to listen on (default 127.0.0.1)\n"
            "  --port P       port, 0 picks a free one (default 8010)\n"
            "  --db DIR       keep data in the LMDB environment in DIR (created\n"
            "                 if missing); without it a temporary directory is\n"
            "                 used and removed on exit (default: temporary)\n"
            "  --keys FILE    JSON array of API keys:\n"
            "                 [{\"key\": \"KEY\", \"scopes\": [\"<object>:read\"],\n"
            "                   \"project\": 1, \"session\": false, \"user\": {...}}]\n"
            "                 without it the key '%s' is a session\n"
            "                 key allowed every operation (default: that key)\n"
            "  --clock T      fixed clock starting at T (e.g. 2026-01-01T00:00:00Z),\n"
            "                 advancing 1 s after every successful write\n"
            "                 (default: the wall clock)\n"
            "  --sync         fsync every write transaction (default: off)\n"
            "  --fixtures F   load records from the JSON file F at start-up:\n"
            "                 {\"<resource>\": [record, ...]} (\"_parent\": the\n"
            "                 parent's key); resources that already hold\n"
            "                 records are skipped (default: none)\n"
            "  --journal N    keep the last N exchanges for GET /__specmock/journal\n"
            "                 (0 to 1000000, 0: none; default 1000)\n"
            "  --journal-file F  also append one JSON line per answered request\n"
            "                 to F (default: none)\n"
            "  --admin-token T   the admin API (/__specmock/) then needs\n"
            "                 'Authorization: Bearer T' and answers any client\n"
            "                 (default: none, loopback clients only)\n"
            "  --max-body N   largest request body in bytes (K/M/G suffixes,\n"
            "                 1 to 1G; default 1M); larger bodies answer 413\n"
            "  --map-size N   LMDB map size in bytes (K/M/G suffixes, >= 64K;\n"
            "                 default 1G): the store's capacity; a write that\n"
            "                 does not fit answers 507\n"
            "  --max-connections N  at most N connections at once (16-1000000,\n"
            "                 default 4096, lowered to the process's hard\n"
            "                 descriptor limit): more wait in the kernel's\n"
            "                 backlog until one closes\n"
            "  --timeout S    close a connection idle, or sending its request,\n"
            "                 for S seconds (1-3600, default 30); also bounds the\n"
            "                 shutdown\n"
            "  --seed N       seed (0-18446744073709551615) for every generated\n"
            "                 UUID and token: the same requests give the same\n"
            "                 values (default: none, real randomness)\n"
            "  --log FMT      one line per request on stderr, FMT text or json:\n"
            "                 operation id, method, path, status, duration\n"
            "                 (default: none)\n"
            "  --help         this text\n"
            "  --version      print the version\n"
            "\n"
            "The last start-up line is 'listening on http://HOST:PORT'.\n"
            "SIGTERM or SIGINT: stop accepting, finish the requests in progress\n"
            "(at most --timeout seconds), close the store, exit 0.  A second\n"
            "signal exits at once with 128 + the signal (143 SIGTERM, 130 SIGINT).\n",
            specmock_api.title ? specmock_api.title : "API",
            (unsigned)specmock_api.nops,
            specmock_api.default_key ? specmock_api.default_key : "");
}

static int bad_usage(const char *fmt, const char *a, const char *b)
{
    fputs("specmock: ", stderr);
    fprintf(stderr, fmt, a, b);
    fputs("\n", stderr);
    return 2;
}

/* A byte count: decimal digits with an optional K, M or G (powers of 1024).
 * 0 and *out set when it lies in [lo, hi], -1 otherwise. */
static int parse_size(const char *val, unsigned long long lo,
                      unsigned long long hi, size_t *out)
{
    if (!*val || val[0] < '0' || val[0] > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(val, &end, 10);
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift)
        end++;
    if (errno || *end || v > (hi >> shift))
        return -1;
    v <<= shift;
    if (v < lo || v > hi || v > SIZE_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* 0 ok, 1 done (help/version printed), 2 bad usage (message printed). */
static int parse_args(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = NULL;
        char name[32];
        if (strncmp(arg, "--", 2) != 0)
            return bad_usage("unexpected argument '%s' (see --help)%s", arg, "");
        const char *eq = strchr(arg, '=');
        size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
        if (nlen >= sizeof name)
            nlen = sizeof name - 1;
        memcpy(name, arg, nlen);
        name[nlen] = '\0';
        if (!strcmp(name, "--help")) {
            usage(stdout);
            return 1;
        }
        if (!strcmp(name, "--version")) {
            printf("specmock %s\n", SPECMOCK_VERSION);
            return 1;
        }
        if (!strcmp(name, "--sync")) {
            if (eq)
                return bad_usage("option '%s' takes no value%s", name, "");
            o->sync = 1;
            continue;
        }
        if (strcmp(name, "--host") && strcmp(name, "--port") &&
            strcmp(name, "--db") && strcmp(name, "--keys") &&
            strcmp(name, "--clock") && strcmp(name, "--fixtures") &&
            strcmp(name, "--journal") && strcmp(name, "--journal-file") &&
            strcmp(name, "--admin-token") && strcmp(name, "--max-body") &&
            strcmp(name, "--max-connections") &&
            strcmp(name, "--map-size") && strcmp(name, "--timeout") &&
            strcmp(name, "--seed") && strcmp(name, "--log"))
            return bad_usage("unknown option '%s' (see --help)%s", name, "");
        if (eq)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else
            return bad_usage("option '%s' needs a value%s", name, "");
        if (!strcmp(name, "--host")) {
            if (!*val)
                return bad_usage("--host: empty address%s%s", "", "");
            o->host = val;
        } else if (!strcmp(name, "--port")) {
            char *end;
            errno = 0;
            long p = strtol(val, &end, 10);
            if (!*val || *end || errno || p < 0 || p > 65535 || val[0] == '-' ||
                val[0] == '+' || val[0] == ' ')
                return bad_usage("--port: '%s' is not a port number (0-65535)%s",
                                 val, "");
            o->port = (int)p;
        } else if (!strcmp(name, "--db")) {
            if (!*val)
                return bad_usage("--db: empty directory name%s%s", "", "");
            o->db = val;
        } else if (!strcmp(name, "--keys")) {
            o->keys = val;
        } else if (!strcmp(name, "--fixtures")) {
            o->fixtures = val;
        } else if (!strcmp(name, "--journal")) {
            char *end;
            errno = 0;
            long n = strtol(val, &end, 10);
            if (val[0] < '0' || val[0] > '9' || *end || errno || n > 1000000)
                return bad_usage("--journal: '%s' is not a number of exchanges "
                                 "(0-1000000; a file is --journal-file)%s",
                                 val, "");
            o->journal = n;
        } else if (!strcmp(name, "--journal-file")) {
            if (!*val)
                return bad_usage("--journal-file: empty file name%s%s", "", "");
            o->journal_file = val;
        } else if (!strcmp(name, "--max-connections")) {
            char *end;
            errno = 0;
            long n = strtol(val, &end, 10);
            if (val[0] < '0' || val[0] > '9' || *end || errno || n < 16 ||
                n > 1000000)
                return bad_usage("--max-connections: '%s' is not a number of "
                                 "connections (16-1000000)%s",
                                 val, "");
            o->max_conns = n;
        } else if (!strcmp(name, "--admin-token")) {
            if (!*val)
                return bad_usage("--admin-token: empty token%s%s", "", "");
            o->admin_token = val;
        } else if (!strcmp(name, "--max-body")) {
            if (parse_size(val, 1, 1ull << 30, &o->max_body) < 0)
                return bad_usage("--max-body: '%s' is not a size in bytes "
                                 "(1 to 1G, e.g. 1048576 or 4M)%s",
                                 val, "");
        } else if (!strcmp(name, "--map-size")) {
            if (parse_size(val, 65536, 1ull << 40, &o->map_size) < 0)
                return bad_usage("--map-size: '%s' is not a size in bytes "
                                 "(64K to 1024G, e.g. 4G)%s",
                                 val, "");
        } else if (!strcmp(name, "--timeout")) {
            size_t t;
            if (parse_size(val, 1, 3600, &t) < 0 || strpbrk(val, "KkMmGg"))
                return bad_usage("--timeout: '%s' is not a number of seconds "
                                 "(1-3600)%s",
                                 val, "");
            o->timeout = (int)t;
        } else if (!strcmp(name, "--seed")) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(val, &end, 10);
            if (val[0] < '0' || val[0] > '9' || *end || errno)
                return bad_usage("--seed: '%s' is not a seed "
                                 "(0-18446744073709551615)%s",
                                 val, "");
            o->seeded = 1;
            o->seed = (uint64_t)v;
        } else if (!strcmp(name, "--log")) {
            if (!strcmp(val, "text"))
                o->log = 1;
            else if (!strcmp(val, "json"))
                o->log = 2;
            else
                return bad_usage("--log: '%s' is not 'text' or 'json'%s", val,
                                 "");
        } else if (!strcmp(name, "--clock")) {
            if (clock_parse(val, strlen(val), &o->clock_us) != CLOCK_OK)
                return bad_usage("--clock: '%s' is not an RFC 3339 date-time "
                                 "(e.g. 2026-01-01T00:00:00Z)%s",
                                 val, "");
            o->clock = val;
        }
    }
    return 0;
}

/* Removes the temporary store: its files, then the directory. */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            strbuf p = STRBUF_INIT;
            strbuf_addf(&p, "%s/%s", dir, e->d_name);
            unlink(p.p);
            strbuf_free(&p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* The shutdown's state, shared by the signal and drain callbacks. */
typedef struct shutdown_state {
    struct event_base *base;
    sm_server *server;
    int timeout;
    int first;  /* the first signal, 0 while serving */
    int second; /* a second signal: exit 128 + it    */
} shutdown_state;

static const char *signame(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal";
}

static void on_drained(void *arg, unsigned left)
{
    shutdown_state *st = arg;
    if (left)
        fprintf(stderr, "specmock: %u request%s still in progress after %d s: "
                        "closed\n",
                left, left == 1 ? "" : "s", st->timeout);
    event_base_loopbreak(st->base);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)what;
    shutdown_state *st = arg;
    if (st->first) {
        st->second = (int)sig;
        fprintf(stderr, "specmock: second signal (%s): exiting now\n",
                signame((int)sig));
        event_base_loopbreak(st->base);
        return;
    }
    st->first = (int)sig;
    unsigned n = server_drain(st->server, st->timeout, on_drained, st);
    if (n) /* else on_drained already ran */
        fprintf(stderr, "specmock: %s: not accepting; finishing %u request%s "
                        "in progress (at most %d s)\n",
                signame((int)sig), n, n == 1 ? "" : "s", st->timeout);
}

/* The connection cap is the descriptor limit: accept(2) fails with EMFILE
 * beyond it and the server pauses accepting (server.c accept_failed), so
 * connections past the cap wait in the kernel's backlog.  RESERVE covers
 * everything else the process holds open (stdio, the store's two files, the
 * listener, the event loop's descriptors, a journal file).  Returns the
 * connections allowed: n, or less when the hard limit is lower. */
#define SM_DEFAULT_MAX_CONNS 4096
#define SM_FD_RESERVE 32
static long cap_connections(long n)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return n;
    rlim_t want = (rlim_t)n + SM_FD_RESERVE;
    if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
        want = rl.rlim_max;
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        return n;
    return want > SM_FD_RESERVE ? (long)(want - SM_FD_RESERVE) : 0;
}

/* Number of "{param}" segments in the API prefix. */
static unsigned count_params(const char *prefix)
{
    unsigned n = 0;
    for (const char *p = prefix ? prefix : ""; *p; p++)
        n += *p == '{';
    return n;
}

int main(int argc, char **argv)
{
    const sm_api *api = &specmock_api;
    options o = {"127.0.0.1", 8010, NULL, NULL, NULL, 0, 0, NULL, NULL, -1,
                 NULL, -1, 0, 0, 0, 0, 0, 0};
    int rc = 1, port = 0;
    char tmpdir[4096] = "";
    strbuf err = STRBUF_INIT, self = STRBUF_INIT;
    sm_store *store = NULL;
    sm_keys *keys = NULL;
    sm_router *router = NULL;
    uint16_t *ns = NULL;
    struct event_base *base = NULL;
    struct event *sigint = NULL, *sigterm = NULL;
    sm_server *server = NULL;
    sm_clock clk;
    sm_app app;
    sm_journal *journal = NULL;
    sm_history *history = NULL;
    sm_coverage *coverage = NULL;
    sm_faults *faults = NULL;
    shutdown_state sd;

    memset(&app, 0, sizeof app);
    memset(&sd, 0, sizeof sd);

    setvbuf(stdout, NULL, _IOLBF, 0);
    switch (parse_args(argc, argv, &o)) {
    case 1:
        return 0;
    case 2:
        return 2;
    }
    if (api->abi_version != SM_API_ABI_VERSION) {
        fprintf(stderr, "specmock: the API tables were generated for ABI %u, "
                        "this runtime reads ABI %d\n",
                api->abi_version, SM_API_ABI_VERSION);
        return 1;
    }

    /* keys first: a bad file is a usage error, before anything is created */
    if (o.keys) {
        if (!(keys = auth_keys_load(api, o.keys, &err))) {
            fprintf(stderr, "specmock: %s\n", err.p);
            rc = 2;
            goto out;
        }
    } else {
        keys = auth_keys_default(api);
    }
    char rerr[256];
    if (!(router = router_new(api, rerr, sizeof rerr))) {
        fprintf(stderr, "specmock: route table: %s\n", rerr);
        goto out;
    }

    if (!o.db) {
        const char *t = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/specmock-XXXXXX",
                 t && *t ? t : "/tmp");
        if (!mkdtemp(tmpdir)) {
            fprintf(stderr, "specmock: cannot create a temporary store in %s: "
                            "%s\n",
                    t && *t ? t : "/tmp", strerror(errno));
            tmpdir[0] = '\0';
            goto out;
        }
    }
    size_t mapsize = STORE_DEFAULT_MAPSIZE;
    const char *ms = getenv("SPECMOCK_MAP_SIZE"); /* tests: provoke 507 */
    if (ms && *ms) {
        char *end;
        unsigned long long v = strtoull(ms, &end, 10);
        if (*end || v < 65536) {
            fprintf(stderr, "specmock: SPECMOCK_MAP_SIZE: '%s' is not a size "
                            "in bytes (>= 65536)\n",
                    ms);
            rc = 2;
            goto out;
        }
        mapsize = (size_t)v;
    }
    if (o.map_size)
        mapsize = o.map_size; /* the flag wins over the test variable */
    if (store_open(&store, o.db ? o.db : tmpdir, mapsize, o.sync, &err) != 0) {
        fprintf(stderr, "specmock: %s\n", err.p);
        rc = o.db ? 2 : 1;
        goto out;
    }
    ns = calloc(api->nresources ? api->nresources : 1, sizeof *ns);
    if (!ns)
        abort();
    for (uint16_t i = 0; i < api->nresources; i++) {
        int src = store_namespace(store, api->resources[i].name, &ns[i]);
        if (src != STORE_OK) {
            fprintf(stderr, "specmock: %s: %s\n", o.db ? o.db : tmpdir,
                    store_strerror(src));
            goto out;
        }
    }

    if (o.seeded) /* before fixtures: their fills draw from it too */
        rng_seed(o.seed);
    else
        rng_use_os();
    if (o.clock)
        clock_init_fixed(&clk, o.clock_us);
    else
        clock_init_wall(&clk);

    signal(SIGPIPE, SIG_IGN);
    if (!(base = event_base_new())) {
        fputs("specmock: cannot create the event loop\n", stderr);
        goto out;
    }
    app.api = api;
    app.router = router;
    app.keys = keys;
    app.store = store;
    app.clock = &clk;
    app.ns = ns;
    app.prefix_params = count_params(api->prefix);
    app.self_host = NULL;
    app.max_body = o.max_body;
    app.timeout_secs = o.timeout;
    app.log = o.log;
    app.admin_token = o.admin_token;
    app.fixtures_path = o.fixtures;
    app.openapi = (const char *)specmock_openapi;
    app.openapi_len = specmock_openapi_len;
    app.version = SPECMOCK_VERSION;
    app.history = history = history_new(o.journal < 0 ? HISTORY_DEFAULT
                                                      : (size_t)o.journal,
                                        HISTORY_BODY_CAP);
    app.coverage = coverage = coverage_new(api);
    app.faults = faults = faults_new(o.seeded, o.seed);
    app.listcache = listcache_new(0, 0, 0); /* the defaults: 16 answers */
    if (handlers_resolve(&app, &err) < 0) {
        fprintf(stderr, "specmock: API tables: %s\n", err.p);
        goto out;
    }
    if (o.fixtures && fixtures_load(&app, o.fixtures, &err) < 0) {
        fprintf(stderr, "specmock: %s\n", err.p);
        rc = 2;
        goto out;
    }
    if (o.journal_file) {
        if (!(journal = journal_open(o.journal_file, &err))) {
            fprintf(stderr, "specmock: %s\n", err.p);
            rc = 2;
            goto out;
        }
        app.journal = journal;
    }
    if (!(server = server_new(base, &app))) {
        fputs("specmock: cannot create the HTTP server\n", stderr);
        goto out;
    }
    long max_conns = cap_connections(o.max_conns < 0 ? SM_DEFAULT_MAX_CONNS
                                                     : o.max_conns);
    if (server_listen(server, o.host, o.port, &port, &err) < 0) {
        fprintf(stderr, "specmock: %s\n", err.p);
        goto out;
    }
    if (strchr(o.host, ':'))
        strbuf_addf(&self, "[%s]:%d", o.host, port);
    else
        strbuf_addf(&self, "%s:%d", o.host, port);
    app.self_host = self.p;

    sd.base = base;
    sd.server = server;
    sd.timeout = o.timeout ? o.timeout : SM_HTTP_TIMEOUT_SECS;
    sigint = evsignal_new(base, SIGINT, on_signal, &sd);
    sigterm = evsignal_new(base, SIGTERM, on_signal, &sd);
    if (!sigint || !sigterm || event_add(sigint, NULL) || event_add(sigterm, NULL)) {
        fputs("specmock: cannot install signal handlers\n", stderr);
        goto out;
    }

    printf("specmock %s: %s (%u operations) from %s\n", SPECMOCK_VERSION,
           api->title ? api->title : api->name, (unsigned)api->nops,
           api->spec_path ? api->spec_path : "?");
    if (o.db)
        printf("store: %s (persistent%s)\n", o.db, o.sync ? ", fsync per write" : "");
    else
        printf("store: %s (temporary)\n", tmpdir);
    if (o.keys)
        printf("keys: %s (%zu key%s)\n", o.keys, keys->n, keys->n == 1 ? "" : "s");
    else if (keys->n)
        printf("default key: %s (session: every operation allowed)\n",
               keys->v[0].key);
    if (o.clock) {
        char t[40];
        clock_format(o.clock_us, t);
        printf("clock: %s (fixed, +1 s after every successful write)\n", t);
    }
    if (o.seeded)
        printf("seed: %llu\n", (unsigned long long)o.seed);
    if (o.max_conns >= 0 && max_conns < o.max_conns)
        printf("connections: at most %ld (the descriptor limit)\n", max_conns);
    printf("listening on http://%s\n", self.p);

    event_base_dispatch(base);
    rc = sd.second ? 128 + sd.second : 0;

out:
    if (sigint)
        event_free(sigint);
    if (sigterm)
        event_free(sigterm);
    server_free(server);
    if (base)
        event_base_free(base);
    handlers_release(&app);
    journal_close(journal);
    history_free(history);
    coverage_free(coverage);
    faults_free(faults);
    listcache_free(app.listcache);
    store_close(store);
    if (tmpdir[0])
        remove_tree(tmpdir);
    free(ns);
    router_free(router);
    auth_keys_free(keys);
    strbuf_free(&err);
    strbuf_free(&self);
    fflush(stdout);
    return rc;
}
