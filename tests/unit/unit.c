/*
 * unit.c — helpers for the unit tests (see unit.h).
 */
#include "unit.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonio.h"
#include "strbuf.h"

char *unit_tmpdir(void)
{
    const char *t = getenv("TMPDIR");
    strbuf b = STRBUF_INIT;
    strbuf_addf(&b, "%s/specmock-unit-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(b.p)) {
        perror("mkdtemp");
        abort();
    }
    return strbuf_steal(&b);
}

void unit_rmdir(const char *dir)
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

char *unit_dump(const json_t *v)
{
    return jsonio_dumps(v, NULL);
}

json_t *unit_json(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (!v) {
        fprintf(stderr, "bad test JSON %s: %s\n", text, e.text);
        abort();
    }
    return v;
}
