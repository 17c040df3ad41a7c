#!/bin/sh
# run_cli.sh GEN REPO SPEC... — the command line around a good spec:
#   * --out into an empty directory reproduces generated/ exactly (diff -r);
#   * a second --out rewrites nothing (same inodes: write-if-changed);
#   * --check on that directory exits 0; after editing one line it exits 3
#     and names the file and line; a missing file is drift too;
#   * usage errors exit 2.
set -u
LC_ALL=C
export LC_ALL
gen=$1 repo=$2
shift 2
cd "$repo" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smgen-cli.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$gen" --out "$tmp/out" "$@" || fail "--out exited $?"
diff -r generated "$tmp/out" || fail "fresh --out differs from generated/"

before=$(ls -i "$tmp/out")
"$gen" --out "$tmp/out" "$@" || fail "second --out exited $?"
after=$(ls -i "$tmp/out")
[ "$before" = "$after" ] || fail "second --out rewrote unchanged files"

"$gen" --check "$tmp/out" "$@" || fail "--check on a fresh copy exited $?"

c=$(ls "$tmp/out"/*.c)
sed '3s/$/ /' "$c" >"$tmp/edited" && mv "$tmp/edited" "$c"
"$gen" --check "$tmp/out" "$@" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] || fail "--check after an edit exited $rc, expected 3"
grep -q "^$c:3: differs from a fresh generation; run 'make regen'\$" \
    "$tmp/err" || fail "unexpected drift report: $(cat "$tmp/err")"

rm -f "$c"
"$gen" --check "$tmp/out" "$@" 2>/dev/null
rc=$?
[ $rc -eq 3 ] || fail "--check with a missing file exited $rc, expected 3"

"$gen" >/dev/null 2>&1;                  [ $? -eq 2 ] || fail "no arguments"
"$gen" --out "$tmp/x" >/dev/null 2>&1;   [ $? -eq 2 ] || fail "no spec files"
"$gen" --frob "$@" >/dev/null 2>&1;      [ $? -eq 2 ] || fail "unknown option"
"$gen" --out "$tmp/x" "$tmp/nope.spec" >/dev/null 2>&1
[ $? -eq 2 ] || fail "unreadable spec file"
"$gen" --help >/dev/null || fail "--help"
echo "ok"
