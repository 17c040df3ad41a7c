/*
 * fuzz_body.c — fuzz target for request-body handling against the
 * generated models: byte 0 picks the model (modulo the model count), byte 1
 * bit 0 asks for a partial (PATCH) validation; the rest is the body, parsed
 * by jsonio_parse() (the server's JSON reader, with its parse-error message)
 * and validated by validate_body().  An accepted body is dumped again, as a
 * create would store it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "jsonio.h"
#include "sm_api.h"
#include "strbuf.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || !specmock_api.nmodels)
        return 0;
    int model = data[0] % specmock_api.nmodels;
    unsigned flags = (data[1] & 1) ? VALIDATE_PARTIAL : 0;
    strbuf msg = STRBUF_INIT;
    json_t *body = jsonio_parse((const char *)data + 2, size - 2, &msg);
    if (body) {
        json_t *out = NULL;
        sm_verror err = {0};
        if (validate_body(&specmock_api, model, body, flags, &out, &err) == 0) {
            strbuf dump = STRBUF_INIT;
            jsonio_dump(&dump, out);
            strbuf_free(&dump);
            json_decref(out);
        } else if (!err.code || !err.detail) {
            abort(); /* a refusal always carries a code and a message */
        }
        validate_error_clear(&err);
        json_decref(body);
    } else if (!msg.p || !msg.p[0]) {
        abort(); /* a parse failure always explains itself */
    }
    strbuf_free(&msg);
    return 0;
}
