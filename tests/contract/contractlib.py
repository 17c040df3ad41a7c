"""contractlib.py — shared by coverage_gate.py and openapi_check.py.

Ownership: tests/contract/ (the contract gate).  Python 3 standard library
only; the JSON-Schema part lives in openapi_check.py (python3-jsonschema).

Reads two things:
  * the generated OpenAPI 3.1 document (codegen/emit_openapi.c), turned into
    one Operation per (path, method) with its operationId, its responses and
    its success status;
  * the server journals (`specmock --journal-file FILE`, runtime/journal.h): every
    *.jsonl file of a directory, one JSON object per answered request:
      {"op": "<op id>"|null, "method", "path", "query"?, "status",
       "content_type": "<type>"|null, "body"?: "<raw text>"}
"""

import json
import os
import sys

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch",
                "trace")


class Operation:
    """One OpenAPI operation."""

    def __init__(self, op_id, method, path, responses, success):
        self.op_id = op_id
        self.method = method.upper()
        self.path = path
        self.responses = responses      # {"200": {...}, "default": {...}}
        self.success = success          # int, e.g. 200 / 201 / 405

    def response_for(self, status):
        """The response object documenting an HTTP status: the exact code,
        else its range ("4XX"), else "default"; None when undocumented."""
        for key in (str(status), "%dXX" % (status // 100),
                    "%dxx" % (status // 100), "default"):
            if key in self.responses:
                return self.responses[key]
        return None


def success_status(op):
    """The status an operation answers when it does what it is for.

    Preferred: the `x-specmock-success` extension (an integer) on the
    operation.  Fallback, derived from how codegen/emit_openapi.c writes
    `responses`: the success status is written FIRST, followed by the error
    statuses (which all carry the Error schema); JSON object order is kept by
    json.load, so the first numeric key is the success status (for a
    soft-delete-only DELETE that is 405, "No response body").  Returns None
    when the operation documents no numeric status."""
    ext = op.get("x-specmock-success")
    if isinstance(ext, int) and not isinstance(ext, bool):
        return ext
    if isinstance(ext, str) and ext.isdigit():
        return int(ext)
    for key in op.get("responses", {}):
        if key.isdigit():
            return int(key)
    return None


class DocError(Exception):
    pass


def load_document(path):
    """(document, [Operation ...]) in document order."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise DocError("%s: %s" % (path, e))
    if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
        raise DocError("%s: not an OpenAPI document (no \"paths\")" % path)
    ops = []
    seen = {}
    for p, item in doc["paths"].items():
        for m, op in item.items():
            if m not in HTTP_METHODS or not isinstance(op, dict):
                continue
            op_id = op.get("operationId")
            if not op_id:
                raise DocError("%s: %s %s has no operationId"
                               % (path, m.upper(), p))
            if op_id in seen:
                raise DocError("%s: operationId %s used twice" % (path, op_id))
            seen[op_id] = True
            ops.append(Operation(op_id, m, p, op.get("responses", {}),
                                 success_status(op)))
    return doc, ops


class Entry:
    """One journal line."""

    def __init__(self, where, obj):
        self.where = where                      # "file.jsonl:12"
        self.op = obj.get("op")
        self.method = obj.get("method") or "?"
        path = obj.get("path") or "?"
        if obj.get("query"):
            path += "?" + obj["query"]
        self.path = path
        self.status = obj.get("status")
        self.content_type = obj.get("content_type")
        self.body = obj.get("body")             # None when left out


class JournalError(Exception):
    pass


def read_journals(directory):
    """(entries, files, errors): every line of every *.jsonl file, sorted by
    file name.  A line that is not a JSON object with an integer "status" is
    an error (the journal is part of the contract too)."""
    if not os.path.exists(directory):
        return [], [], []  # journal_reset removed it and nobody journaled
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(".jsonl"))
    except OSError as e:
        raise JournalError("%s: %s" % (directory, e.strerror or e))
    entries, errors = [], []
    for name in names:
        full = os.path.join(directory, name)
        with open(full, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                where = "%s:%d" % (name, n)
                try:
                    obj = json.loads(line)
                except ValueError as e:
                    errors.append("%s: journal line is not JSON: %s" % (where, e))
                    continue
                if (not isinstance(obj, dict)
                        or not isinstance(obj.get("status"), int)
                        or isinstance(obj.get("status"), bool)):
                    errors.append("%s: journal line has no integer \"status\""
                                  % where)
                    continue
                entries.append(Entry(where, obj))
    return entries, names, errors


def no_journals_message(directory):
    return ("%s: no *.jsonl journals. The integration tests write them when "
            "SPECMOCK_JOURNAL_DIR is set (ctest sets it; run the full suite: "
            "ctest in the build directory)." % directory)


def usage(prog, argv):
    if len(argv) != 3:
        sys.stderr.write("usage: %s OPENAPI_JSON JOURNAL_DIR\n" % prog)
        sys.exit(2)
    return argv[1], argv[2]
