/*
 * test_sse.c — the text/event-stream body of a stream operation, byte for
 * byte: metadata (record with the array cut to its head), one event per
 * further item with its index, complete.  Written by the RT-AUX helper
 * (issue 4).
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "sse.h"
#include "strbuf.h"

static const sm_op stream_op = {
    .id = "boards_stream", .path = "/api/boards/{id}/stream_tiles/",
    .method = SM_GET, .kind = SM_OP_STREAM, .status = 200,
    .request_model = -1, .response_model = -1,
    .stream_field = "tiles", .stream_key = "board", .stream_item = "tile",
    .stream_head = 2,
};

static void expect_sse(const sm_op *op, const char *record, const char *want)
{
    json_t *r = unit_json(record);
    char *before = unit_dump(r);
    strbuf out = STRBUF_INIT;
    strbuf_adds(&out, "#"); /* appends, never replaces */
    sse_render(op, r, &out);
    assert_string_equal(out.p, want);
    assert_int_equal(out.len, strlen(want));
    char *after = unit_dump(r);
    assert_string_equal(before, after); /* the record is not touched */
    free(before);
    free(after);
    strbuf_free(&out);
    json_decref(r);
}

static void test_items(void **state)
{
    (void)state;
    expect_sse(&stream_op,
               "{\"id\":3,\"name\":\"B \\u00e9\\u2028\",\"tiles\":[{\"id\":10},{\"id\":11},"
               "{\"id\":12,\"text\":\"a\\nb\"},{\"id\":13}],\"pinned\":false}",
               "#data: {\"type\":\"metadata\",\"board\":{\"id\":3,"
               "\"name\":\"B \xc3\xa9\\u2028\",\"tiles\":[{\"id\":10},{\"id\":11}],"
               "\"pinned\":false}}\n\n"
               "data: {\"type\":\"tile\",\"order\":2,\"tile\":{\"id\":12,"
               "\"text\":\"a\\nb\"}}\n\n"
               "data: {\"type\":\"tile\",\"order\":3,\"tile\":{\"id\":13}}\n\n"
               "data: {\"type\":\"complete\"}\n\n");
}

static void test_short_and_empty(void **state)
{
    (void)state;
    /* no more items than the head: metadata and complete only */
    expect_sse(&stream_op, "{\"id\":1,\"tiles\":[{\"id\":5}]}",
               "#data: {\"type\":\"metadata\",\"board\":{\"id\":1,"
               "\"tiles\":[{\"id\":5}]}}\n\n"
               "data: {\"type\":\"complete\"}\n\n");
    expect_sse(&stream_op, "{\"id\":1,\"tiles\":[]}",
               "#data: {\"type\":\"metadata\",\"board\":{\"id\":1,"
               "\"tiles\":[]}}\n\n"
               "data: {\"type\":\"complete\"}\n\n");
    /* no array at all: the record as it is */
    expect_sse(&stream_op, "{\"id\":1,\"tiles\":null}",
               "#data: {\"type\":\"metadata\",\"board\":{\"id\":1,"
               "\"tiles\":null}}\n\n"
               "data: {\"type\":\"complete\"}\n\n");
}

static void test_head_zero(void **state)
{
    (void)state;
    sm_op op = stream_op;
    op.stream_head = 0;
    expect_sse(&op, "{\"tiles\":[\"x\",{\"id\":2}],\"id\":1}",
               "#data: {\"type\":\"metadata\",\"board\":{\"tiles\":[],"
               "\"id\":1}}\n\n"
               "data: {\"type\":\"tile\",\"order\":0,\"tile\":\"x\"}\n\n"
               "data: {\"type\":\"tile\",\"order\":1,\"tile\":{\"id\":2}}\n\n"
               "data: {\"type\":\"complete\"}\n\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_items),
        cmocka_unit_test(test_short_and_empty),
        cmocka_unit_test(test_head_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
