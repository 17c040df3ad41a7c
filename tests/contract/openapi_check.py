#!/usr/bin/env python3
"""openapi_check.py [--open-objects] OPENAPI_JSON JOURNAL_DIR — every response
the integration suite received must be on contract.

Ownership: tests/contract/ (the contract gate).  Needs python3-jsonschema
(Debian; works with 4.10 of bookworm and newer releases).

Answers outside an operation (journal "op" null: 401 before routing, 404,
the router's 405) and OPTIONS answers (route metadata, not in the document)
must be the Error envelope when they are errors; a success outside an
operation is a mismatch, except the OPTIONS metadata, which must be JSON.

For every other journal line (runtime/journal.h), naming an operation:
  * the operation must exist and the request method must be its method (HEAD
    on a GET operation is allowed and carries no body);
  * the status must be documented (exact code, "4XX" range, or "default");
  * empty body <-> the response documents no content; otherwise the
    Content-Type's media type (parameters dropped) must be one of the
    documented media types (wildcards "type/*" and "*/*" honoured);
  * JSON media types (application/json, */*+json): the body must parse and
    validate against the documented schema as JSON Schema 2020-12
    (OpenAPI 3.1), with these additions because the mock must never send
    more than the contract says:
      - objects that list "properties" and say nothing about extra ones are
        closed (additionalProperties false); --open-objects turns this off;
      - a present "writeOnly" property is an error in a response;
      - formats date-time, date, uuid and uri are asserted.
    Other media (text/event-stream, binary) only get the media-type check.

Prints every mismatch (the first 50) as
  MISMATCH <op> <status> <METHOD> <path>: <message> [<journal file:line>]
and exits 1 when there is one (or a broken journal line, or no journal),
0 otherwise, 2 on usage or document errors.
"""

import copy
import datetime
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contractlib  # noqa: E402

try:
    import jsonschema
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import ValidationError
except ImportError:  # pragma: no cover - environment problem, say so plainly
    print("openapi_check: python3-jsonschema is missing "
          "(Debian package python3-jsonschema; see .ci/install-deps)")
    sys.exit(2)

MAX_SHOWN = 50

# ---- schema validation ----------------------------------------------------

_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                      r"([Zz]|[+-]\d{2}:\d{2})$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")


def _make_format_checker():
    fc = FormatChecker(formats=())

    @fc.checks("date", raises=ValueError)
    def _date(v):
        if not isinstance(v, str):
            return True
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", v):
            return False
        datetime.date.fromisoformat(v)
        return True

    @fc.checks("date-time", raises=ValueError)
    def _date_time(v):
        if not isinstance(v, str):
            return True
        m = _RFC3339.match(v)
        if not m:
            return False
        datetime.date.fromisoformat(m.group(1))
        h, mi, s = int(m.group(2)), int(m.group(3)), int(m.group(4))
        return h < 24 and mi < 60 and s < 61

    @fc.checks("uuid")
    def _uuid(v):
        return not isinstance(v, str) or bool(_UUID.match(v))

    @fc.checks("uri")
    def _uri(v):
        return not isinstance(v, str) or bool(_URI.match(v))

    return fc


def _write_only(validator, value, instance, schema):
    # Only reached for a property that is present in the instance.
    if value is True:
        yield ValidationError("write-only property present in a response")


ResponseValidator = jsonschema.validators.extend(
    Draft202012Validator, {"writeOnly": _write_only})

_CLOSERS = ("additionalProperties", "patternProperties",
            "unevaluatedProperties")


def _close_objects(node):
    """Copy of a schema tree where every object schema listing "properties"
    without saying anything about other properties gets
    additionalProperties: false."""
    if isinstance(node, list):
        return [_close_objects(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _close_objects(v) for k, v in node.items()}
    if isinstance(node.get("properties"), dict) and not any(
            k in node for k in _CLOSERS):
        out["additionalProperties"] = False
    return out


def ref_schema(name):
    return {"$ref": "#/components/schemas/" + name}


class Schemas:
    """Compiled validators, one per response schema.

    Each response schema is validated as the root of a document that also
    carries the OpenAPI "components", so "#/components/schemas/X" resolves
    inside it (the same resolution a registry holding the whole OpenAPI
    document would give, and it works with every jsonschema 4.x)."""

    def __init__(self, doc, closed):
        comps = doc.get("components") or {}
        self.components = _close_objects(comps) if closed else comps
        self.closed = closed
        self.fc = _make_format_checker()
        self.cache = {}
        # The error envelope, for answers outside an operation.
        self.error_schema = (ref_schema("Error")
                             if "Error" in (comps.get("schemas") or {})
                             else None)

    def validator(self, key, schema):
        v = self.cache.get(key)
        if v is None:
            root = _close_objects(schema) if self.closed else copy.deepcopy(schema)
            if not isinstance(root, dict):  # boolean schema
                root = {"allOf": [root]}
            root = dict(root)
            root["components"] = self.components
            v = ResponseValidator(root, format_checker=self.fc)
            self.cache[key] = v
        return v


def _error_path(err):
    parts = list(err.absolute_path)
    if not parts:
        return "$"
    return "$" + "".join("[%d]" % p if isinstance(p, int) else ".%s" % p
                         for p in parts)


# ---- media types ------------------------------------------------------------

def _media(ct):
    return ct.split(";", 1)[0].strip().lower() if ct else ""


def _media_matches(actual, documented):
    doc = documented.lower()
    if doc == actual or doc == "*/*":
        return True
    if doc.endswith("/*"):
        return actual.split("/", 1)[0] == doc[:-2]
    return False


def _is_json(media):
    return media == "application/json" or media.endswith("+json")


# ---- the check ----------------------------------------------------------------

def check_entry(e, ops_by_id, schemas):
    """Mismatch messages for one journal entry."""
    op = ops_by_id.get(e.op)
    if op is None:
        return ["operation %s is not in the OpenAPI document" % e.op]
    out = []
    head_only = e.method == "HEAD"
    if e.method != op.method and not (head_only and op.method == "GET"):
        out.append("method %s, but %s is %s %s"
                   % (e.method, op.op_id, op.method, op.path))
    resp = op.response_for(e.status)
    if resp is None:
        documented = ", ".join(op.responses) or "none"
        return out + ["status %d is not documented (documented: %s)"
                      % (e.status, documented)]
    content = resp.get("content") or {}
    body = e.body or ""
    media = _media(e.content_type)
    if not content:
        if body and not head_only:
            out.append("body of %d byte(s), but the response documents no "
                       "content" % len(body.encode("utf-8")))
        if e.content_type:
            out.append("Content-Type %s, but the response documents no "
                       "content" % e.content_type)
        return out
    documented = list(content)
    if not e.content_type and not body and resp.get("x-specmock-may-be-empty"):
        return out  # an empty-style check answers this status with no body
    if not e.content_type:
        out.append("no Content-Type, documented: %s" % ", ".join(documented))
        return out
    match = next((d for d in documented if _media_matches(media, d)), None)
    if match is None:
        out.append("Content-Type %s is not documented (documented: %s)"
                   % (e.content_type, ", ".join(documented)))
        return out
    if head_only:
        return out
    if not _is_json(media):
        # event streams, binary (zero bytes is a valid file): the media
        # type is the contract
        return out
    if not body:
        out.append("empty body, but the response documents %s" % match)
        return out
    try:
        instance = json.loads(body)
    except ValueError as err:
        out.append("body is not JSON (%s): %.80r" % (err, body))
        return out
    schema = (content[match] or {}).get("schema")
    if schema is None:
        return out
    key = (op.op_id, e.status, match)
    v = schemas.validator(key, schema)
    errors = sorted(v.iter_errors(instance),
                    key=lambda x: [str(p) for p in x.absolute_path])
    for err in errors:
        out.append("%s: %s" % (_error_path(err), err.message))
    return out


def check_framework(e, schemas):
    """Mismatch messages for an answer that is not an operation's own:
    no op (before or outside routing: 401 before the route is known, 404,
    405 of the router) or OPTIONS (route metadata, not in the document).
    Errors must be the document's Error envelope; a success needs an
    operation, except the OPTIONS metadata, which must at least be JSON."""
    body = e.body or ""
    media = _media(e.content_type)
    if e.status >= 400:
        if schemas.error_schema is None:
            return []
        if not _is_json(media):
            return ["error answered with Content-Type %s, not the JSON Error "
                    "envelope" % (e.content_type or "none")]
        try:
            instance = json.loads(body)
        except ValueError as err:
            return ["error body is not JSON (%s): %.80r" % (err, body)]
        v = schemas.validator(("-", "Error"), schemas.error_schema)
        return ["%s: %s" % (_error_path(x), x.message) for x in sorted(
            v.iter_errors(instance),
            key=lambda x: [str(p) for p in x.absolute_path])]
    if e.method != "OPTIONS":
        return ["status %d answered outside any operation" % e.status]
    if body and _is_json(media):
        try:
            json.loads(body)
        except ValueError as err:
            return ["OPTIONS body is not JSON (%s): %.80r" % (err, body)]
    return []


def main(argv):
    args = argv[1:]
    closed = True
    if args and args[0] == "--open-objects":
        closed = False
        args = args[1:]
    doc_path, jdir = contractlib.usage("openapi_check.py", [argv[0]] + args)
    try:
        doc, ops = contractlib.load_document(doc_path)
        entries, files, errors = contractlib.read_journals(jdir)
    except (contractlib.DocError, contractlib.JournalError) as e:
        print("openapi_check: %s" % e)
        return 2
    if not files:
        print("openapi_check: " + contractlib.no_journals_message(jdir))
        return 1
    ops_by_id = {op.op_id: op for op in ops}
    schemas = Schemas(doc, closed)

    mismatches = []
    tally = {}  # (op, status) -> responses with a mismatch
    checked = 0
    for e in entries:
        checked += 1
        if not e.op or e.method == "OPTIONS":
            msgs = check_framework(e, schemas)
        else:
            msgs = check_entry(e, ops_by_id, schemas)
        if msgs:
            k = (e.op or "-", e.status)
            tally[k] = tally.get(k, 0) + 1
        for msg in msgs:
            mismatches.append("%s %s %s %s: %s [%s]" % (
                e.op or "-", e.status, e.method, e.path, msg, e.where))

    for err in errors:
        print("openapi_check: BROKEN %s" % err)
    for m in mismatches[:MAX_SHOWN]:
        print("openapi_check: MISMATCH %s" % m)
    if len(mismatches) > MAX_SHOWN:
        print("openapi_check: ... and %d more mismatch(es)"
              % (len(mismatches) - MAX_SHOWN))
    for (op_id, status), n in sorted(tally.items()):
        print("openapi_check: off-contract responses: %s %d: %d"
              % (op_id, status, n))
    print("openapi_check: %d journal file(s), %d response(s) "
          "checked, %d mismatch(es)" % (len(files), checked, len(mismatches)))
    return 1 if mismatches or errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
