/*
 * fixtures.c — `--fixtures FILE`: records loaded at start-up (see
 * fixtures.h).
 *
 * Ownership: written by the RT-AUX helper (issue 4); main.c calls
 * fixtures_load() after opening the store, before listening.  Validation,
 * fills and the store write are handlers_load()'s (handlers.c).
 *
 * Choices:
 * - Project: every fixture record is loaded into project 1 (the first
 *   prefix parameter's value of a fresh store); a fixture file has no way
 *   to name another project.
 * - Order: resources are loaded in api->resources order, except that a
 *   resource whose parent resource also has fixtures waits until that
 *   parent is loaded, so "_parent" keys always resolve whatever order the
 *   spec declares them in.  Within a resource, records load in file order
 *   (their creation order, which is the default list order).
 * - Skipping: at start-up a resource that already holds records in
 *   project 1 is left alone (handlers_resource_empty), so a restart on the
 *   same store does not duplicate its fixtures.  The admin plane's loads
 *   always add.
 * - All or nothing: every load runs in one write transaction; the first bad
 *   record aborts it, so nothing of the file (or body) is stored.
 * - Static (rows) resources take no fixtures: naming one is an error.
 */
#include "fixtures.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

enum { FIXTURE_PROJECT = 1 };

/* Levenshtein distance, for "did you mean" (names are short). */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = sm_xmalloc((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

static int resource_index(const sm_api *api, const char *name)
{
    for (uint16_t i = 0; i < api->nresources; i++)
        if (!strcmp(api->resources[i].name, name))
            return i;
    return -1;
}

/* "LABEL: " before a message, nothing when label is NULL (an admin body). */
static void lead(strbuf *err, const char *label)
{
    if (label)
        strbuf_addf(err, "%s: ", label);
}

static void unknown_resource(const sm_api *api, const char *path,
                             const char *name, strbuf *err)
{
    lead(err, path);
    strbuf_addf(err, "unknown resource \"%s\"", name);
    const char *best = NULL;
    size_t bd = 3; /* suggest only close names: at most 2 edits */
    for (uint16_t i = 0; i < api->nresources; i++) {
        size_t d = distance(name, api->resources[i].name);
        if (d < bd) {
            bd = d;
            best = api->resources[i].name;
        }
    }
    if (best)
        strbuf_addf(err, " (did you mean \"%s\"?)", best);
}

/* Checks the file's shape before anything is written. */
static int check_shape(const sm_api *api, const char *path,
                       const json_t *root, strbuf *err)
{
    if (!json_is_object(root)) {
        lead(err, path);
        strbuf_adds(err, "the top level must be an object keyed by "
                         "resource name");
        return -1;
    }
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)root, name, v) { /* read only */
        int ri = resource_index(api, name);
        if (ri < 0) {
            unknown_resource(api, path, name, err);
            return -1;
        }
        if (api->resources[ri].rflags & SM_R_STATIC) {
            lead(err, path);
            strbuf_addf(err, "%s: static rows take no fixtures", name);
            return -1;
        }
        if (!json_is_array(v)) {
            lead(err, path);
            strbuf_addf(err, "%s: must be an array of records", name);
            return -1;
        }
        size_t i;
        json_t *rec;
        json_array_foreach(v, i, rec) {
            if (!json_is_object(rec)) {
                lead(err, path);
                strbuf_addf(err, "%s[%zu]: must be an object", name, i);
                return -1;
            }
        }
    }
    return 0;
}

/* Loads one resource's records; returns the count or -1. */
static int load_resource(const sm_app *app, sm_txn *txn, const char *path,
                         int ri, const json_t *recs, int skip_loaded,
                         strbuf *err)
{
    const char *name = app->api->resources[ri].name;
    if (skip_loaded && !handlers_resource_empty(app, txn, ri, FIXTURE_PROJECT))
        return 0;
    size_t i;
    json_t *rec;
    int n = 0;
    json_array_foreach(recs, i, rec) {
        strbuf why = STRBUF_INIT;
        if (handlers_load(app, txn, ri, FIXTURE_PROJECT, rec, &why) != 0) {
            lead(err, path);
            strbuf_addf(err, "%s[%zu]: %s", name, i,
                        why.p ? why.p : "not loaded");
            strbuf_free(&why);
            return -1;
        }
        strbuf_free(&why);
        n++;
    }
    return n;
}

json_t *fixtures_read(const char *path, strbuf *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        strbuf_addf(err, "%s: %s", path, strerror(errno));
        return NULL;
    }
    json_error_t je;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    if (!root) {
        if (je.line > 0) /* jansson counts lines and columns from 1 */
            strbuf_addf(err, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        else
            strbuf_addf(err, "%s: %s", path, je.text);
    }
    return root;
}

int fixtures_apply(const sm_app *app, sm_txn *txn, const json_t *root,
                   const char *label, int skip_loaded, strbuf *err)
{
    const sm_api *api = app->api;
    if (check_shape(api, label, root, err) != 0)
        return -1;

    /* done[i]: resource i loaded (or has no fixtures) */
    unsigned char *done = calloc(api->nresources ? api->nresources : 1, 1);
    if (!done)
        abort();
    int total = 0, progress = 1;
    while (progress) {
        progress = 0;
        for (uint16_t ri = 0; ri < api->nresources; ri++) {
            if (done[ri])
                continue;
            const sm_resource *r = &api->resources[ri];
            const json_t *recs = json_object_get(root, r->name);
            if (!recs) {
                done[ri] = 1;
                progress = 1;
                continue;
            }
            int pi = r->parent ? resource_index(api, r->parent) : -1;
            if (pi >= 0 && pi != ri && !done[pi])
                continue; /* its parent's fixtures first */
            int n = load_resource(app, txn, label, ri, recs, skip_loaded, err);
            if (n < 0) {
                free(done);
                return -1;
            }
            total += n;
            done[ri] = 1;
            progress = 1;
        }
    }
    /* a parent cycle cannot come from the generator; load what is left */
    for (uint16_t ri = 0; ri < api->nresources; ri++) {
        const json_t *recs =
            done[ri] ? NULL : json_object_get(root, api->resources[ri].name);
        if (!recs)
            continue;
        int n = load_resource(app, txn, label, ri, recs, skip_loaded, err);
        if (n < 0) {
            free(done);
            return -1;
        }
        total += n;
    }
    free(done);
    return total;
}

int fixtures_load(const sm_app *app, const char *path, strbuf *err)
{
    json_t *root = fixtures_read(path, err);
    if (!root)
        return -1;
    sm_txn *txn;
    int rc = store_begin(app->store, 1, &txn);
    if (rc != STORE_OK) {
        strbuf_addf(err, "%s: %s", path, store_strerror(rc));
        json_decref(root);
        return -1;
    }
    int n = fixtures_apply(app, txn, root, path, 1, err);
    if (n >= 0 && (rc = store_commit(txn)) != STORE_OK) {
        strbuf_addf(err, "%s: %s", path, store_strerror(rc));
        n = -1;
    } else if (n < 0) {
        store_abort(txn);
    }
    json_decref(root);
    return n;
}
