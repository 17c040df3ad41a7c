#!/usr/bin/env bash
# bench/callgrind.sh — instructions per request under valgrind's callgrind.
#
#   ./bench/callgrind.sh [BIN...]     default: build/specmock
#
# Wall-clock figures on a shared 2-core machine move by ±10 % between runs;
# instruction counts do not.  For each server binary this starts it under
# `valgrind --tool=callgrind` on 127.0.0.1 with a fresh temporary --db,
# creates 100 dashboards, and for each step (GET one, GET list ?limit=100,
# POST create, PATCH update) sends WARM unmeasured requests, zeroes the
# counters (callgrind_control -z), sends N requests over one keep-alive
# connection (one curl invocation), dumps (callgrind_control -d) and prints
# the dump's total instructions divided by N: everything the server process
# executes per request (libevent, evhttp, specmock, jansson, LMDB, libc).
#
# Environment: N (requests per step, default 200), WARM (default 20),
# STEPS (default "get-one list post patch"), KEEP=1 keeps the dumps (the
# directory is printed) for callgrind_annotate.
# Output: one line per binary and step: "BIN STEP instructions/request".
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
N=${N:-200}
WARM=${WARM:-20}
STEPS=${STEPS:-"get-one list post patch"}
KEY=phx_specmock_dev
HOST=127.0.0.1
API=/api/environments/1/dashboards/
[ $# -gt 0 ] || set -- "$root/build/specmock"

die() { echo "callgrind: error: $*" >&2; exit 1; }
command -v valgrind >/dev/null && command -v callgrind_control >/dev/null \
  || die "valgrind missing (apt-get install valgrind)"
command -v curl >/dev/null || die "curl missing"

work=$(mktemp -d "${TMPDIR:-/tmp}/specmock-cg.XXXXXX")
PID=
cleanup() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "callgrind: dumps kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# curl config of COUNT requests of STEP against BASE (one connection).
requests() {  # requests STEP BASE COUNT
  local step=$1 base=$2 count=$3 i
  for ((i = 0; i < count; i++)); do
    [ "$i" -gt 0 ] && echo next
    printf 'header = "Authorization: Bearer %s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' "$KEY"
    case "$step" in
      get-one) printf 'url = "%s%s1/"\n' "$base" "$API" ;;
      list) printf 'url = "%s%s?limit=100"\n' "$base" "$API" ;;
      post) printf 'url = "%s%s"\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata = "{\\"name\\": \\"Bench dashboard\\", \\"description\\": \\"created by bench\\"}"\n' "$base" "$API" ;;
      patch) printf 'url = "%s%s1/"\nrequest = "PATCH"\nheader = "Content-Type: application/json"\ndata = "{\\"description\\": \\"patched by bench\\", \\"pinned\\": true}"\n' "$base" "$API" ;;
      fixture) printf 'url = "%s%s"\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata = "{\\"name\\": \\"Dashboard %d\\", \\"description\\": \\"bench fixture %d\\"}"\n' "$base" "$API" "$i" "$i" ;;
      *) die "unknown step $step" ;;
    esac
  done
}

send() {  # send STEP BASE COUNT: fails unless every answer is 2xx
  requests "$1" "$2" "$3" >"$work/req.curl"
  local codes
  codes=$(timeout 300 curl -sS --max-time 60 -K "$work/req.curl")
  [ "$(grep -c '^2' <<<"$codes")" = "$3" ] || die "$1: not every answer was 2xx"
}

ndumps() { local f n=0; for f in "$1"/cg.out.*; do [ -e "$f" ] && n=$((n + 1)); done; echo "$n"; }

for bin in "$@"; do
  [ -x "$bin" ] || die "no server at $bin"
  name=$(basename "$bin")
  mkdir -p "$work/$name/db"
  valgrind --tool=callgrind --callgrind-out-file="$work/$name/cg.out" \
    "$bin" --host "$HOST" --port 0 --db "$work/$name/db" \
    >"$work/$name/stdout" 2>"$work/$name/stderr" &
  PID=$!
  line=
  for _ in $(seq 600); do
    line=$(grep -m1 '^listening on http://' "$work/$name/stdout" 2>/dev/null || true)
    [ -n "$line" ] && break
    kill -0 "$PID" 2>/dev/null || { cat "$work/$name/stderr" >&2; die "$name exited"; }
    sleep 0.1
  done
  [ -n "$line" ] || die "$name did not start under valgrind within 60 s"
  base=${line#listening on }
  send fixture "$base" 100
  for step in $STEPS; do
    send "$step" "$base" "$WARM"
    callgrind_control -z "$PID" >/dev/null 2>&1
    send "$step" "$base" "$N"
    before=$(ndumps "$work/$name")
    callgrind_control -d "$PID" >/dev/null 2>&1
    for _ in $(seq 100); do
      [ "$(ndumps "$work/$name")" -gt "$before" ] && break
      sleep 0.1
    done
    dump=$(ls -v "$work/$name"/cg.out.* | tail -1)
    total=$(awk '/^(summary|totals):/ {print $2; exit}' "$dump")
    [ -n "$total" ] || die "no totals in $dump"
    printf '%s %s %s\n' "$name" "$step" "$(awk -v t="$total" -v n="$N" 'BEGIN {printf "%.0f", t / n}')"
  done
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=
done
