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
 * - Skipping: a resource that already holds records in project 1 is left
 *   alone (handlers_resource_empty), so a restart on the same store does
 *   not duplicate its fixtures.
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

static void unknown_resource(const sm_api *api, const char *path,
                             const char *name, strbuf *err)
{
    strbuf_addf(err, "%s: unknown resource \"%s\"", path, name);
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
static int check_shape(const sm_api *api, const char *path, json_t *root,
                       strbuf *err)
{
    if (!json_is_object(root)) {
        strbuf_addf(err, "%s: the top level must be an object keyed by "
                    "resource name", path);
        return -1;
    }
    const char *name;
    json_t *v;
    json_object_foreach(root, name, v) {
        int ri = resource_index(api, name);
        if (ri < 0) {
            unknown_resource(api, path, name, err);
            return -1;
        }
        if (api->resources[ri].rflags & SM_R_STATIC) {
            strbuf_addf(err, "%s: %s: static rows take no fixtures", path, name);
            return -1;
        }
        if (!json_is_array(v)) {
            strbuf_addf(err, "%s: %s: must be an array of records", path, name);
            return -1;
        }
        size_t i;
        json_t *rec;
        json_array_foreach(v, i, rec) {
            if (!json_is_object(rec)) {
                strbuf_addf(err, "%s: %s[%zu]: must be an object", path, name, i);
                return -1;
            }
        }
    }
    return 0;
}

/* Loads one resource's records; returns the count or -1. */
static int load_resource(const sm_app *app, const char *path, int ri,
                         json_t *recs, strbuf *err)
{
    const char *name = app->api->resources[ri].name;
    if (!handlers_resource_empty(app, ri, FIXTURE_PROJECT))
        return 0;
    size_t i;
    json_t *rec;
    int n = 0;
    json_array_foreach(recs, i, rec) {
        strbuf why = STRBUF_INIT;
        if (handlers_load(app, ri, FIXTURE_PROJECT, rec, &why) != 0) {
            strbuf_addf(err, "%s: %s[%zu]: %s", path, name, i,
                        why.p ? why.p : "not loaded");
            strbuf_free(&why);
            return -1;
        }
        strbuf_free(&why);
        n++;
    }
    return n;
}

int fixtures_load(const sm_app *app, const char *path, strbuf *err)
{
    const sm_api *api = app->api;
    FILE *f = fopen(path, "rb");
    if (!f) {
        strbuf_addf(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    json_error_t je;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    if (!root) {
        if (je.line > 0) /* jansson counts lines and columns from 1 */
            strbuf_addf(err, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        else
            strbuf_addf(err, "%s: %s", path, je.text);
        return -1;
    }
    if (check_shape(api, path, root, err) != 0) {
        json_decref(root);
        return -1;
    }

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
            json_t *recs = json_object_get(root, r->name);
            if (!recs) {
                done[ri] = 1;
                progress = 1;
                continue;
            }
            int pi = r->parent ? resource_index(api, r->parent) : -1;
            if (pi >= 0 && pi != ri && !done[pi])
                continue; /* its parent's fixtures first */
            int n = load_resource(app, path, ri, recs, err);
            if (n < 0) {
                free(done);
                json_decref(root);
                return -1;
            }
            total += n;
            done[ri] = 1;
            progress = 1;
        }
    }
    /* a parent cycle cannot come from the generator; load what is left */
    for (uint16_t ri = 0; ri < api->nresources; ri++) {
        json_t *recs = done[ri] ? NULL : json_object_get(root, api->resources[ri].name);
        if (!recs)
            continue;
        int n = load_resource(app, path, ri, recs, err);
        if (n < 0) {
            free(done);
            json_decref(root);
            return -1;
        }
        total += n;
    }
    free(done);
    json_decref(root);
    return total;
}
