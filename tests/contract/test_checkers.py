#!/usr/bin/env python3
"""test_checkers.py — tests of coverage_gate.py and openapi_check.py.

Ownership: tests/contract/ (the contract gate).  Standard library only (the
checkers themselves need python3-jsonschema).

A tiny hand-written OpenAPI 3.1 document and hand-written journals
(runtime/journal.h format) that must pass, and ones that must fail with a
given message: missing operation, wrong status, off-schema body, wrong
content type, and the edges around them.  Each case runs the checker as a
subprocess and asserts its exit code and output lines exactly where they
matter.  Exit 0 when every case holds, 1 otherwise (naming each failure).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
COVERAGE = os.path.join(HERE, "coverage_gate.py")
CHECK = os.path.join(HERE, "openapi_check.py")


def ref(name):
    return {"$ref": "#/components/schemas/" + name}


def json_content(schema):
    return {"application/json": {"schema": schema}}


ERR = {"description": "Error", "content": json_content(ref("Error"))}

DOC = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/w/": {
            "get": {
                "operationId": "widgets_list",
                "responses": {
                    "200": {"description": "OK", "content": json_content(
                        {"type": "array", "items": ref("Widget")})},
                    "401": ERR,
                },
            },
            "post": {
                "operationId": "widgets_create",
                "responses": {
                    "201": {"description": "Created",
                            "content": json_content(ref("Widget"))},
                    "400": ERR,
                    "413": ERR,   # a runtime limit: not required per op
                    "4XX": ERR,
                },
            },
        },
        "/w/{id}/": {
            "delete": {
                "operationId": "widgets_destroy",
                "responses": {
                    "204": {"description": "No response body"},
                    "404": ERR,
                },
            },
            "put": {
                # the extension wins over "first status written"
                "operationId": "widgets_archive",
                "x-specmock-success": 202,
                "responses": {
                    "200": {"description": "OK"},
                    "202": {"description": "Accepted"},
                    "default": ERR,
                },
            },
        },
        "/w/events/": {
            "get": {
                "operationId": "widgets_events",
                "responses": {
                    "200": {"description": "OK", "content": {
                        "text/event-stream": {"schema": {"type": "string"}}}},
                },
            },
        },
    },
    "components": {
        "schemas": {
            "Error": {
                "type": "object",
                "properties": {"type": {"type": "string"},
                               "detail": {"type": "string"},
                               "attr": {"type": ["string", "null"]}},
                "required": ["type", "detail", "attr"],
            },
            "Owner": {
                "type": "object",
                "properties": {"id": {"type": "integer"},
                               "uuid": {"type": "string", "format": "uuid"}},
                "required": ["id"],
            },
            "Widget": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer", "readOnly": True},
                    "name": {"type": "string", "maxLength": 5},
                    "created_at": {"type": "string", "format": "date-time"},
                    "owner": {"anyOf": [ref("Owner"), {"type": "null"}]},
                    "meta": {"type": "object", "additionalProperties": True},
                    "secret": {"type": "string", "writeOnly": True},
                },
                "required": ["id", "name"],
            },
        },
    },
}

WIDGET = {"id": 1, "name": "a", "created_at": "2026-01-01T00:00:00Z",
          "owner": {"id": 2, "uuid": "01936a3e-5c1f-7000-8000-000000000001"},
          "meta": {"anything": [1, 2]}}
ERROR = {"type": "invalid_request", "detail": "Not found.", "attr": None}
JSON = "application/json"


def line(op, method, path, status, ctype=JSON, body=None):
    o = {"op": op, "method": method, "path": path, "status": status,
         "content_type": ctype}
    if body is not None:
        o["body"] = body if isinstance(body, str) else json.dumps(body)
    return json.dumps(o)


GOOD = [
    line("widgets_list", "GET", "/w/?limit=1", 200, body=[WIDGET]),
    line("widgets_list", "HEAD", "/w/", 200),                  # HEAD: no body
    line("widgets_list", "GET", "/w/", 401, body=ERROR),
    line("widgets_create", "POST", "/w/", 201,
         "application/json; charset=utf-8", dict(WIDGET, owner=None)),
    line("widgets_create", "POST", "/w/", 415, body=ERROR),    # via "4XX"
    line("widgets_destroy", "DELETE", "/w/1/", 204, None),
    line("widgets_destroy", "DELETE", "/w/9/", 404, body=ERROR),
    line("widgets_archive", "PUT", "/w/1/", 202, None),
    line("widgets_archive", "PUT", "/w/1/", 500, body=ERROR),  # via default
    line("widgets_events", "GET", "/w/events/", 200, "text/event-stream",
         "data: {not json}\n\n"),                               # media only
    line(None, "GET", "/nowhere", 404, body=ERROR),             # unrouted
    line("widgets_list", "OPTIONS", "/w/", 200,                 # metadata
         body={"name": "widgets", "renders": [JSON]}),
    # every documented status answered once (the gate wants them all)
    line("widgets_create", "POST", "/w/", 400, body=ERROR),
    line("widgets_archive", "PUT", "/w/1/", 200, None),
]


class Runner:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="specmock-contract-")
        self.doc = os.path.join(self.tmp, "doc.json")
        with open(self.doc, "w") as f:
            json.dump(DOC, f)
        self.failures = 0
        self.cases = 0

    def journal(self, *files):
        """A fresh journal directory holding one file per list of lines."""
        d = tempfile.mkdtemp(dir=self.tmp)
        for i, lines in enumerate(files):
            with open(os.path.join(d, "itest_x-1-%d.jsonl" % (i + 1)), "w") as f:
                f.write("".join(ln + "\n" for ln in lines))
        return d

    def run(self, name, script, jdir, rc, want=(), absent=(), args=(),
            doc=None):
        self.cases += 1
        p = subprocess.run([sys.executable, script] + list(args)
                           + [doc or self.doc, jdir],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        problems = []
        if p.returncode != rc:
            problems.append("exit %d, expected %d" % (p.returncode, rc))
        for w in want:
            if w not in p.stdout:
                problems.append("missing in output: %r" % w)
        for a in absent:
            if a in p.stdout:
                problems.append("unexpected in output: %r" % a)
        if problems:
            self.failures += 1
            print("FAIL %s" % name)
            for pr in problems:
                print("  " + pr)
            print("  --- output ---\n  " + p.stdout.replace("\n", "\n  "))
        else:
            print("ok   %s" % name)
        return p.stdout


def main():
    r = Runner()
    try:
        cases(r)
    finally:
        shutil.rmtree(r.tmp, ignore_errors=True)
    print("%d/%d case(s) passed" % (r.cases - r.failures, r.cases))
    return 1 if r.failures else 0


def cases(r):
    good = r.journal(GOOD[:6], GOOD[6:])
    n_good = len(GOOD)

    # ---- passing journals --------------------------------------------------
    out = r.run("coverage: all covered", COVERAGE, good, 0,
                want=["coverage_gate: 2 journal file(s), %d answered "
                      "request(s), 5/5 operation(s) covered" % n_good,
                      "coverage_gate: 0 documented error status(es) never "
                      "answered"],
                absent=["UNCOVERED", "UNEXERCISED"])
    rows = [ln.split() for ln in out.splitlines()]
    expect_rows = [
        ["widgets_list", "GET", "/w/", "200", "1", "401x1", "HEAD:200x1",
         "OPTIONS:200x1"],
        ["widgets_create", "POST", "/w/", "201", "1", "400x1", "415x1"],
        ["widgets_destroy", "DELETE", "/w/{id}/", "204", "1", "404x1"],
        ["widgets_archive", "PUT", "/w/{id}/", "202", "1", "200x1", "500x1"],
        ["widgets_events", "GET", "/w/events/", "200", "1", "-"],
    ]
    for row in expect_rows:
        if row not in rows:
            r.failures += 1
            print("FAIL coverage table row %s not in output" % row)
    r.run("openapi: all on contract", CHECK, good, 0,
          want=["openapi_check: 2 journal file(s), %d response(s) "
                "checked, 0 mismatch(es)" % n_good],
          absent=["MISMATCH"])

    # ---- missing operation ---------------------------------------------------
    no_destroy = r.journal([ln for ln in GOOD if "widgets_destroy" not in ln])
    r.run("coverage: missing operation", COVERAGE, no_destroy, 1,
          want=["coverage_gate: UNCOVERED widgets_destroy (DELETE /w/{id}/): "
                "never answered 204 (no request reached it)",
                "4/5 operation(s) covered"],
          absent=["UNCOVERED widgets_list", "UNCOVERED widgets_create"])

    # ---- a documented error status never answered ----------------------------
    no_400 = r.journal([ln for ln in GOOD
                        if not ("widgets_create" in ln and '"status": 400' in ln)])
    r.run("coverage: documented error status unexercised", COVERAGE, no_400, 1,
          want=["coverage_gate: UNEXERCISED widgets_create (POST /w/): never "
                "answered 400",
                "coverage_gate: 1 documented error status(es) never answered",
                "5/5 operation(s) covered"],
          absent=["UNEXERCISED widgets_create (POST /w/): never answered 413",
                  "UNCOVERED"])

    # ---- subset runs (--expect) ---------------------------------------------
    r.run("coverage: --expect, every binary journaled", COVERAGE, good, 0,
          args=["--expect", "itest_x"], want=["5/5 operation(s) covered"])
    r.run("coverage: --expect, a binary missing -> skipped", COVERAGE,
          no_destroy, 77, args=["--expect", "itest_x,itest_y,itest_z"],
          want=["coverage_gate: SKIPPED: no journal from itest_y, itest_z; "
                "the coverage gate needs the full suite (plain ctest)"],
          absent=["UNCOVERED"])

    # ---- wrong status --------------------------------------------------------
    only_errors = r.journal([ln for ln in GOOD if "widgets_create" not in ln]
                            + [line("widgets_create", "POST", "/w/", 400,
                                    body=ERROR)])
    r.run("coverage: only an error status", COVERAGE, only_errors, 1,
          want=["coverage_gate: UNCOVERED widgets_create (POST /w/): never "
                "answered 201 to POST (only 400)"])
    first_not_success = r.journal([ln for ln in GOOD
                                   if "widgets_archive" not in ln]
                                  + [line("widgets_archive", "PUT", "/w/1/",
                                          200, None)])
    r.run("coverage: x-specmock-success beats the first status",
          COVERAGE, first_not_success, 1,
          want=["UNCOVERED widgets_archive (PUT /w/{id}/): never answered "
                "202 to PUT (only 200)"])
    undocumented = r.journal(GOOD + [
        line("widgets_events", "GET", "/w/events/", 418, JSON, ERROR)])
    r.run("openapi: undocumented status", CHECK, undocumented, 1,
          want=["MISMATCH widgets_events 418 GET /w/events/: status 418 is "
                "not documented (documented: 200) [itest_x-1-1.jsonl:%d]"
                % (n_good + 1)])

    # ---- off-schema bodies ---------------------------------------------------
    bad = [
        line("widgets_list", "GET", "/w/", 200,
             body=[WIDGET, dict(WIDGET, name=5)]),
        line("widgets_create", "POST", "/w/", 201,
             body=dict(WIDGET, extra=1)),
        line("widgets_create", "POST", "/w/", 201,
             body=dict(WIDGET, secret="s")),
        line("widgets_create", "POST", "/w/", 201,
             body=dict(WIDGET, created_at="2026-13-01 00:00")),
        line("widgets_create", "POST", "/w/", 201,
             body=dict(WIDGET, owner={"id": 2, "uuid": "nope"})),
        line("widgets_create", "POST", "/w/", 201, body={"id": 1}),
        line("widgets_destroy", "DELETE", "/w/9/", 404,
             body={"type": "x", "detail": "y"}),
        line("widgets_create", "POST", "/w/", 201, body="{\"id\": 1,"),
    ]
    jd = r.journal(bad)
    r.run("openapi: off-schema bodies", CHECK, jd, 1, want=[
        "MISMATCH widgets_list 200 GET /w/: $[1].name: 5 is not of type "
        "'string' [itest_x-1-1.jsonl:1]",
        "MISMATCH widgets_create 201 POST /w/: $: Additional properties are "
        "not allowed ('extra' was unexpected) [itest_x-1-1.jsonl:2]",
        "MISMATCH widgets_create 201 POST /w/: $.secret: write-only property "
        "present in a response [itest_x-1-1.jsonl:3]",
        "MISMATCH widgets_create 201 POST /w/: $.created_at: '2026-13-01 "
        "00:00' is not a 'date-time' [itest_x-1-1.jsonl:4]",
        "MISMATCH widgets_create 201 POST /w/: $.owner: ",
        "[itest_x-1-1.jsonl:5]",
        "MISMATCH widgets_create 201 POST /w/: $: 'name' is a required "
        "property [itest_x-1-1.jsonl:6]",
        "MISMATCH widgets_destroy 404 DELETE /w/9/: $: 'attr' is a required "
        "property [itest_x-1-1.jsonl:7]",
        "MISMATCH widgets_create 201 POST /w/: body is not JSON",
        "checked, 8 mismatch(es)"])
    r.run("openapi: --open-objects allows extra properties", CHECK,
          r.journal([bad[1]]), 0, args=["--open-objects"],
          want=["0 mismatch(es)"])

    # ---- content types and empty bodies ---------------------------------------
    ct = [
        line("widgets_list", "GET", "/w/", 200, "text/html", "<p>hi</p>"),
        line("widgets_destroy", "DELETE", "/w/1/", 204, None, "{}"),
        line("widgets_destroy", "DELETE", "/w/1/", 204, JSON),
        line("widgets_create", "POST", "/w/", 201, JSON),
        line("widgets_create", "POST", "/w/", 201, None, WIDGET),
        line("widgets_events", "GET", "/w/events/", 200, JSON, "{}"),
    ]
    r.run("openapi: content types", CHECK, r.journal(ct), 1, want=[
        "MISMATCH widgets_list 200 GET /w/: Content-Type text/html is not "
        "documented (documented: application/json) [itest_x-1-1.jsonl:1]",
        "MISMATCH widgets_destroy 204 DELETE /w/1/: body of 2 byte(s), but "
        "the response documents no content [itest_x-1-1.jsonl:2]",
        "MISMATCH widgets_destroy 204 DELETE /w/1/: Content-Type "
        "application/json, but the response documents no content "
        "[itest_x-1-1.jsonl:3]",
        "MISMATCH widgets_create 201 POST /w/: empty body, but the response "
        "documents application/json [itest_x-1-1.jsonl:4]",
        "MISMATCH widgets_create 201 POST /w/: no Content-Type, documented: "
        "application/json [itest_x-1-1.jsonl:5]",
        "MISMATCH widgets_events 200 GET /w/events/: Content-Type "
        "application/json is not documented (documented: text/event-stream) "
        "[itest_x-1-1.jsonl:6]",
        "checked, 6 mismatch(es)"])

    # ---- operation / method ------------------------------------------------------
    r.run("openapi: unknown operation and wrong method", CHECK, r.journal([
        line("gadgets_list", "GET", "/g/", 200, body=[]),
        line("widgets_destroy", "PATCH", "/w/1/", 204, None)]), 1, want=[
        "MISMATCH gadgets_list 200 GET /g/: operation gadgets_list is not "
        "in the OpenAPI document",
        "MISMATCH widgets_destroy 204 PATCH /w/1/: method PATCH, but "
        "widgets_destroy is DELETE /w/{id}/"])

    # ---- answers outside an operation, OPTIONS ----------------------------------
    r.run("openapi: answers outside an operation", CHECK, r.journal([
        line(None, "GET", "/x", 404, body={"detail": "Not found."}),
        line(None, "PUT", "/w/", 405, "text/html", "<h1>405</h1>"),
        line(None, "GET", "/x", 200, body={}),
        line("widgets_list", "OPTIONS", "/w/", 403,
             body=dict(ERROR, attr=3)),
        line("widgets_list", "OPTIONS", "/w/", 200, body="{nope"),
        line(None, "GET", "/w/", 401, body=ERROR)]), 1, want=[
        "MISMATCH - 404 GET /x: $: 'type' is a required property "
        "[itest_x-1-1.jsonl:1]",
        "MISMATCH - 405 PUT /w/: error answered with Content-Type text/html, "
        "not the JSON Error envelope [itest_x-1-1.jsonl:2]",
        "MISMATCH - 200 GET /x: status 200 answered outside any operation "
        "[itest_x-1-1.jsonl:3]",
        "MISMATCH widgets_list 403 OPTIONS /w/: $.attr: 3 is not of type "
        "'string', 'null' [itest_x-1-1.jsonl:4]",
        "MISMATCH widgets_list 200 OPTIONS /w/: OPTIONS body is not JSON",
        "6 response(s) checked, 6 mismatch(es)"])

    # ---- at most 50 mismatches shown -------------------------------------------
    many = r.journal([line("widgets_create", "POST", "/w/", 201,
                           body={"id": 1})] * 60)
    out = r.run("openapi: first 50 mismatches, then a count", CHECK, many, 1,
                want=["... and 10 more mismatch(es)",
                      "checked, 60 mismatch(es)"])
    shown = sum(1 for ln in out.splitlines() if "MISMATCH" in ln)
    if shown != 50:
        r.failures += 1
        print("FAIL expected 50 MISMATCH lines, got %d" % shown)

    # ---- journals missing or broken --------------------------------------------
    empty = r.journal()
    for script, name in ((COVERAGE, "coverage_gate"), (CHECK, "openapi_check")):
        r.run("%s: no journal at all" % name, script, empty, 1,
              want=["%s: %s: no *.jsonl journals" % (name, empty)])
        r.run("%s: journal directory missing" % name, script,
              os.path.join(empty, "gone"), 1, want=["no *.jsonl journals"])
        r.run("%s: broken journal line" % name, script,
              r.journal(GOOD + ['{"op": "widgets_list", "status": 2', '[]']), 1,
              want=["BROKEN itest_x-1-1.jsonl:%d: journal line is not JSON"
                    % (n_good + 1),
                    "BROKEN itest_x-1-1.jsonl:%d: journal line has no "
                    "integer \"status\"" % (n_good + 2)])
        r.run("%s: usage" % name, script, good, 2, args=["a", "b"],
              want=["usage: %s.py" % name])
    r.run("coverage_gate: not an OpenAPI document", COVERAGE, good, 2,
          doc=os.path.join(r.tmp, "missing.json"), want=["missing.json"])


if __name__ == "__main__":
    sys.exit(main())
