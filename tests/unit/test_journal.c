/*
 * test_journal.c — `--journal FILE` lines, byte for byte: member order,
 * null op / content type, query appended to the path, body left out when
 * empty, non-UTF-8 bytes replaced by U+FFFD, appending across opens,
 * flushed per record, and the open error.  Written by the RT-AUX helper
 * (issue 4).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "strbuf.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    strbuf b = STRBUF_INIT;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_add(&b, buf, n);
    fclose(f);
    return strbuf_steal(&b);
}

static void test_lines(void **state)
{
    (void)state;
    char *dir = unit_tmpdir();
    strbuf path = STRBUF_INIT, err = STRBUF_INIT;
    strbuf_addf(&path, "%s/journal.jsonl", dir);

    sm_journal *j = journal_open(path.p, &err);
    assert_non_null(j);
    assert_null(err.p);
    const char *body = "{\"id\":1,\"name\":\"caf\xc3\xa9\"}";
    journal_record(j, "things_list", "GET", "/api/things/", "limit=1&x=%20",
                   200, "application/json", body, strlen(body));
    /* flushed per record: visible before close */
    char *text = slurp(path.p);
    assert_string_equal(text,
        "{\"op\":\"things_list\",\"method\":\"GET\","
        "\"path\":\"/api/things/?limit=1&x=%20\",\"status\":200,"
        "\"content_type\":\"application/json\","
        "\"body\":\"{\\\"id\\\":1,\\\"name\\\":\\\"caf\xc3\xa9\\\"}\"}\n");
    free(text);
    /* unknown route, no body, empty query string */
    journal_record(j, NULL, "DELETE", "/nowhere", "", 404, NULL, NULL, 0);
    /* a body that is not UTF-8 (and a NUL byte): one U+FFFD per bad byte */
    journal_record(j, "things_content", "GET", "/api/things/1/content/", NULL,
                   200, "application/octet-stream", "a\xff\xc3(\0b", 6);
    /* an empty body counts as none */
    journal_record(j, "things_destroy", "DELETE", "/api/things/1/", NULL, 204,
                   NULL, "", 0);
    journal_close(j);

    /* a second open appends */
    j = journal_open(path.p, &err);
    assert_non_null(j);
    journal_record(j, "things_list", "GET", "/api/things/", NULL, 401,
                   "application/json", "{}", 2);
    journal_close(j);
    journal_close(NULL);
    journal_record(NULL, "x", "GET", "/", NULL, 200, NULL, NULL, 0);

    text = slurp(path.p);
    assert_string_equal(text,
        "{\"op\":\"things_list\",\"method\":\"GET\","
        "\"path\":\"/api/things/?limit=1&x=%20\",\"status\":200,"
        "\"content_type\":\"application/json\","
        "\"body\":\"{\\\"id\\\":1,\\\"name\\\":\\\"caf\xc3\xa9\\\"}\"}\n"
        "{\"op\":null,\"method\":\"DELETE\",\"path\":\"/nowhere\",\"status\":404,"
        "\"content_type\":null}\n"
        "{\"op\":\"things_content\",\"method\":\"GET\","
        "\"path\":\"/api/things/1/content/\",\"status\":200,"
        "\"content_type\":\"application/octet-stream\","
        "\"body\":\"a\xef\xbf\xbd\xef\xbf\xbd(\\u0000b\"}\n"
        "{\"op\":\"things_destroy\",\"method\":\"DELETE\","
        "\"path\":\"/api/things/1/\",\"status\":204,\"content_type\":null}\n"
        "{\"op\":\"things_list\",\"method\":\"GET\",\"path\":\"/api/things/\","
        "\"status\":401,\"content_type\":\"application/json\",\"body\":\"{}\"}\n");
    free(text);

    unit_rmdir(dir);
    free(dir);
    strbuf_free(&path);
    strbuf_free(&err);
}

static void test_open_error(void **state)
{
    (void)state;
    strbuf err = STRBUF_INIT;
    assert_null(journal_open("/nonexistent-dir-of-specmock/j.jsonl", &err));
    assert_string_equal(err.p,
                        "/nonexistent-dir-of-specmock/j.jsonl: No such file or directory");
    strbuf_free(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_open_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
