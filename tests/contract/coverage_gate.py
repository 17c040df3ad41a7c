#!/usr/bin/env python3
"""coverage_gate.py [--expect BIN,BIN...] OPENAPI_JSON JOURNAL_DIR — the
operation coverage gate.

Ownership: tests/contract/ (the contract gate).  Standard library only.

Every operation of the generated OpenAPI document must have been answered
with its documented success status at least once during the integration
suite (the journals the servers wrote, runtime/journal.h), and with every
other status its document lists too (issue 4: one test per operation and
documented status), except the runtime's own limits (413 body too large,
507 store full), which hold for every write alike and are exercised once
by integration_hostile.  Prints a coverage table (operation, success
status, success hits, other statuses seen), then one "UNCOVERED" line per
operation never seen succeeding and one "UNEXERCISED" line per documented
error status never answered.

Exit 0 when every operation is covered, 1 when one is not (or a journal line
is broken, or there is no journal at all), 2 on usage or document errors.

The gate is only meaningful after the FULL suite ran (plain `ctest`).  With
--expect (the integration test binaries, as CMake passes them), a journal
directory missing any of those binaries' journals means a subset ran: the
gate then prints SKIPPED and exits 77 (ctest's SKIP_RETURN_CODE) instead of
failing.  (A binary that dies before starting its first server also looks
like that; its own test fails then.)
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contractlib  # noqa: E402


SKIPPED = 77  # ctest SKIP_RETURN_CODE

# Statuses of the runtime's limits, documented on every operation they can
# reach but not required per operation.
RUNTIME_LIMITS = {413, 507}


def journal_binary(name):
    """"itest_crud-1234-2.jsonl" -> "itest_crud" (harness.c names them
    <test binary>-<pid>-<n>.jsonl)."""
    parts = name[:-len(".jsonl")].rsplit("-", 2)
    return parts[0] if len(parts) == 3 else None


def main(argv):
    args = argv[1:]
    expect = None
    if len(args) >= 2 and args[0] == "--expect":
        expect = [x for x in args[1].split(",") if x]
        args = args[2:]
    doc_path, jdir = contractlib.usage("coverage_gate.py", [argv[0]] + args)
    try:
        _, ops = contractlib.load_document(doc_path)
        entries, files, errors = contractlib.read_journals(jdir)
    except (contractlib.DocError, contractlib.JournalError) as e:
        print("coverage_gate: %s" % e)
        return 2
    if not files:
        print("coverage_gate: " + contractlib.no_journals_message(jdir))
        return 1
    if expect:
        present = {journal_binary(f) for f in files}
        absent = [b for b in expect if b not in present]
        if absent:
            # A subset of the suite ran (ctest -R ...): coverage would only
            # report what the subset did not reach.  Skip, and say why.
            print("coverage_gate: SKIPPED: no journal from %s; the coverage "
                  "gate needs the full suite (plain ctest)" % ", ".join(absent))
            return SKIPPED

    # op id -> {(method, status): hits}.  Only the operation's own method
    # counts for coverage: HEAD and OPTIONS answers carry the op id of the
    # route's GET but do not exercise it.
    methods = {op.op_id: op.method for op in ops}
    seen = {}
    for e in entries:
        if e.op:
            key = ("" if e.method == methods.get(e.op) else e.method, e.status)
            seen.setdefault(e.op, {})
            seen[e.op][key] = seen[e.op].get(key, 0) + 1

    rows, missing = [], []
    for op in ops:
        hits = seen.get(op.op_id, {})
        ok = hits.get(("", op.success), 0) if op.success is not None else 0
        other = " ".join("%s%dx%d" % (m + ":" if m else "", st, n)
                         for (m, st), n in sorted(hits.items())
                         if (m, st) != ("", op.success))
        rows.append((op.op_id, "%s %s" % (op.method, op.path),
                     str(op.success) if op.success is not None else "-",
                     str(ok), other or "-"))
        if not ok:
            missing.append(op)

    head = ("operation", "route", "success", "hits", "other statuses (status x hits)")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
    fmt = "  ".join("%%-%ds" % w for w in widths) + "  %s"
    print(fmt % head)
    for r in rows:
        print(fmt % r)
    print("coverage_gate: %d journal file(s), %d answered request(s), "
          "%d/%d operation(s) covered"
          % (len(files), len(entries), len(ops) - len(missing), len(ops)))

    unexercised = []
    for op in ops:
        hits = seen.get(op.op_id, {})
        for key in op.responses:
            if not key.isdigit():
                continue
            st = int(key)
            if st == op.success or st in RUNTIME_LIMITS:
                continue
            if not hits.get(("", st)):
                unexercised.append((op, st))
    print("coverage_gate: %d documented error status(es) never answered"
          % len(unexercised))
    for op, st in unexercised:
        print("coverage_gate: UNEXERCISED %s (%s %s): never answered %d"
              % (op.op_id, op.method, op.path, st))

    for err in errors:
        print("coverage_gate: BROKEN %s" % err)
    for op in missing:
        if op.success is None:
            why = "documents no success status"
        elif op.op_id in seen:
            why = "never answered %d to %s (only %s)" % (
                op.success, op.method, ", ".join(
                    "%s%d" % (m + ":" if m else "", st)
                    for m, st in sorted(seen[op.op_id])))
        else:
            why = "never answered %d (no request reached it)" % op.success
        print("coverage_gate: UNCOVERED %s (%s %s): %s"
              % (op.op_id, op.method, op.path, why))
    return 1 if missing or unexercised or errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
