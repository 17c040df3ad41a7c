/*
 * sse.h — the Server-Sent Events body of an SM_OP_STREAM operation.
 *
 *   data: {"type":"metadata","<stream_key>":{record, stream_field cut to
 *          the first stream_head items}}
 *   data: {"type":"<stream_item>","order":N,"<stream_item>":{item N}}  (N >=
 *          stream_head, its index in the array)
 *   data: {"type":"complete"}
 *
 * each event one "data: " line followed by a blank line ("\n\n").
 *
 * Ownership: record is borrowed; the text is appended to out.
 */
#ifndef SM_SSE_H
#define SM_SSE_H

#include <jansson.h>

#include "sm_api.h"
#include "strbuf.h"

void sse_render(const sm_op *op, const json_t *record, strbuf *out);

#endif
