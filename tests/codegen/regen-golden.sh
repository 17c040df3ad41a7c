#!/bin/sh
# regen-golden.sh GEN — rewrite the expected outputs of the generator tests
# from the current generator: tests/codegen/bad/*.err and
# tests/codegen/good/<case>/.  Run from the repository root, then review
# the diff before committing: these files are the tests.
set -eu
LC_ALL=C
export LC_ALL
gen=$1
for spec in tests/codegen/bad/*.spec tests/codegen/bad/*/; do
    case=${spec%.spec}
    case=${case%/}
    if [ -d "$case" ]; then
        set -- "$case"/*.spec
    else
        set -- "$spec"
    fi
    tmp=$(mktemp -d)
    "$gen" --out "$tmp" "$@" 2>"$case.err" || true
    rm -rf "$tmp"
done
for spec in tests/codegen/good/*.spec; do
    case=${spec%.spec}
    mkdir -p "$case"
    "$gen" --out "$case" "$spec"
done
