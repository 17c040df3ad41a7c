#!/bin/sh
# run_readme.sh GEN REPO — the worked example in spec/README.md (the fenced
# block starting "# A shop with items.") must generate cleanly, so the
# language reference cannot drift from the generator.
set -u
gen=$1 repo=$2
cd "$repo" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smgen-readme.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
awk '/^# A shop with items\.$/ { on = 1 } on && /^```$/ { exit } on' \
    spec/README.md >"$tmp/shop.spec"
[ -s "$tmp/shop.spec" ] || { echo "example not found in spec/README.md"; exit 1; }
"$gen" --out "$tmp/out" "$tmp/shop.spec" || exit 1
[ -f "$tmp/out/shop_api.c" ] && [ -f "$tmp/out/shop.openapi.json" ] || {
    echo "expected shop_api.c and shop.openapi.json"; exit 1; }
echo ok
