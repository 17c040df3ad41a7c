#!/bin/sh
# run_bad.sh GEN REPO CASE — one golden-diagnostics test.
#
# From REPO, runs `GEN --out TMP tests/codegen/bad/CASE.spec` (or, for a
# directory case, every tests/codegen/bad/CASE/*.spec in sorted order) and
# passes when: the exit status is 1, stderr equals tests/codegen/bad/CASE.err
# byte for byte, stdout is empty, and nothing was written to TMP.
set -u
LC_ALL=C
export LC_ALL
gen=$1 repo=$2 case=$3
cd "$repo" || exit 2
dir=tests/codegen/bad
if [ -f "$dir/$case.spec" ]; then
    set -- "$dir/$case.spec"
else
    set -- "$dir/$case"/*.spec
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smgen-bad.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/out" || exit 2

"$gen" --out "$tmp/out" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
status=0
if [ "$rc" -ne 1 ]; then
    echo "$case: exit status $rc, expected 1"
    status=1
fi
if ! diff -u "$dir/$case.err" "$tmp/stderr"; then
    echo "$case: stderr differs from $dir/$case.err (- expected, + actual)"
    status=1
fi
if [ -s "$tmp/stdout" ]; then
    echo "$case: unexpected output on stdout:"
    cat "$tmp/stdout"
    status=1
fi
if [ -n "$(ls -A "$tmp/out")" ]; then
    echo "$case: files were written although the spec has errors:"
    ls -A "$tmp/out"
    status=1
fi
exit $status
