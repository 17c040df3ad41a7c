/*
 * sse.c — the Server-Sent Events body of a stream operation (see sse.h).
 *
 * Ownership: written by the RT-AUX helper (issue 4); handlers.c calls
 * sse_render() for SM_OP_STREAM and sends the text as text/event-stream.
 * Every event is compact DRF-style JSON (jsonio_dump) on one "data: " line
 * followed by a blank line; there are no "event:" or "id:" lines.
 */
#include "sse.h"

#include "jsonio.h"

static void event(strbuf *out, const json_t *v)
{
    strbuf_adds(out, "data: ");
    jsonio_dump(out, v);
    strbuf_adds(out, "\n\n");
}

void sse_render(const sm_op *op, const json_t *record, strbuf *out)
{
    /* the generator always sets these for a stream op; the fallbacks only
     * keep a broken table from crashing the server */
    const char *key = op->stream_key ? op->stream_key : "record";
    const char *item = op->stream_item ? op->stream_item : "item";
    const json_t *items = op->stream_field && json_is_object(record)
                              ? json_object_get(record, op->stream_field)
                              : NULL;
    size_t head = op->stream_head, n = json_is_array(items) ? json_array_size(items) : 0;

    /* metadata: the record with the streamed array cut to its head (a
     * shallow copy; the record itself is not touched) */
    json_t *meta = json_object();
    json_object_set_new(meta, "type", json_string("metadata"));
    json_t *rec = json_is_object(record) ? json_copy((json_t *)record)
                                         : json_null();
    if (json_is_array(items)) {
        json_t *cut = json_array();
        for (size_t i = 0; i < n && i < head; i++)
            json_array_append(cut, json_array_get(items, i));
        json_object_set_new(rec, op->stream_field, cut);
    }
    json_object_set_new(meta, key, rec);
    event(out, meta);
    json_decref(meta);

    for (size_t i = head; i < n; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "type", json_string(item));
        json_object_set_new(e, "order", json_integer((json_int_t)i));
        json_object_set(e, item, json_array_get(items, i));
        event(out, e);
        json_decref(e);
    }

    json_t *done = json_pack("{s:s}", "type", "complete");
    event(out, done);
    json_decref(done);
}
