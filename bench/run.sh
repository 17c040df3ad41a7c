#!/usr/bin/env bash
# bench/run.sh — specmock against a bare evhttp reference server.
#
#   ./bench/run.sh            full run (RUNS=3 runs of DURATION=3 s per load
#                             step, medians reported)
#   ./bench/run.sh --smoke    1 run of 1 s per step, 4 connections: only
#                             checks that the table is produced (ctest
#                             bench_smoke, < 20 s)
#
# Environment (all optional):
#   SPECMOCK_BIN   server under test        (default: build/specmock)
#   SPECMOCK_1000_BIN  the same server built from the spec plus ~950
#                  synthetic operations (default: build/bench/specmock-1000,
#                  target specmock-1000; the step is skipped if it is absent)
#   REF_BIN        reference server         (default: build/bench/specmock-bench-ref,
#                  else compiled from bench/reference_server.c with cc)
#   PROBE_BIN      start-up timer           (default: build/bench/specmock-bench-startup,
#                  else compiled from bench/startup_probe.c with cc)
#   DURATION       seconds per wrk run      (default 3; smoke 1)
#   RUNS           wrk runs per step; the table shows their medians
#                  (default 3; smoke 1)
#   CONNECTIONS    wrk -c                   (default 16; smoke 4)
#   STARTUPS       start-up samples/server  (default 5; smoke 1)
#   WARMUP         seconds of unmeasured wrk before each step (default 1; smoke 0)
#   BENCH_RESULTS_DIR  where <date>.md goes (default bench/results)
#   PIN            1 = pin server to CPU 0 and wrk to CPU 1 when nproc >= 2
#                  (default 1)
#
# Everything binds and connects to 127.0.0.1 only.  Every load step runs under
# `timeout`; every server started here is killed on exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

SMOKE=0
for a in "$@"; do
  case "$a" in
    --smoke) SMOKE=1 ;;
    -h|--help) sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$a'" >&2; exit 2 ;;
  esac
done

if [ "$SMOKE" = 1 ]; then
  DURATION=${DURATION:-1}; CONNECTIONS=${CONNECTIONS:-4}; STARTUPS=${STARTUPS:-1}; WARMUP=${WARMUP:-0}
  RUNS=${RUNS:-1}
else
  DURATION=${DURATION:-3}; CONNECTIONS=${CONNECTIONS:-16}; STARTUPS=${STARTUPS:-5}; WARMUP=${WARMUP:-1}
  RUNS=${RUNS:-3}
fi
THREADS=1
KEY=phx_specmock_dev
HOST=127.0.0.1
NDASH=100
REF_SIZE=1024
PIN=${PIN:-1}
SPECMOCK_BIN=${SPECMOCK_BIN:-$root/build/specmock}
SPECMOCK_1000_BIN=${SPECMOCK_1000_BIN:-$root/build/bench/specmock-1000}
RESULTS_DIR=${BENCH_RESULTS_DIR:-$here/results}
API=/api/environments/1/dashboards/

say() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

# ---- cleanup: every server we start is in PIDS --------------------------------
PIDS=()
work=$(mktemp -d "${TMPDIR:-/tmp}/specmock-bench.XXXXXX")
cleanup() {
  local p
  for p in "${PIDS[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${PIDS[@]}"; do
    # bounded: a server that ignores SIGTERM gets SIGKILL after ~2 s
    for _ in $(seq 20); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools --------------------------------------------------------------------
need_pkg() {  # need_pkg COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  say "$1 missing: apt-get install $2"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$2" >&2 \
    || die "cannot install $2"
  command -v "$1" >/dev/null 2>&1 || die "$1 still missing after installing $2"
}
need_pkg wrk wrk
need_pkg curl curl
need_pkg timeout coreutils

[ -x "$SPECMOCK_BIN" ] || die "no server at $SPECMOCK_BIN (run 'make build' first, or set SPECMOCK_BIN)"
if [ -z "${REF_BIN:-}" ]; then
  if [ -x "$root/build/bench/specmock-bench-ref" ]; then
    REF_BIN=$root/build/bench/specmock-bench-ref
  else
    REF_BIN=$work/specmock-bench-ref
    say "compiling the reference server (build/bench/specmock-bench-ref not built)"
    ${CC:-cc} -O2 -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
      "$here/reference_server.c" $(pkg-config --cflags --libs libevent 2>/dev/null || echo -levent) \
      -o "$REF_BIN" || die "cannot compile bench/reference_server.c"
  fi
fi
[ -x "$REF_BIN" ] || die "no reference server at $REF_BIN"
if [ -z "${PROBE_BIN:-}" ]; then
  if [ -x "$root/build/bench/specmock-bench-startup" ]; then
    PROBE_BIN=$root/build/bench/specmock-bench-startup
  else
    PROBE_BIN=$work/specmock-bench-startup
    ${CC:-cc} -O2 -std=c11 -Wall -Wextra -Werror "$here/startup_probe.c" -o "$PROBE_BIN" \
      || die "cannot compile bench/startup_probe.c"
  fi
fi
[ -x "$PROBE_BIN" ] || die "no start-up probe at $PROBE_BIN"

NCPU=$(nproc)
SRV_PIN=(); WRK_PIN=()
if [ "$PIN" = 1 ] && [ "$NCPU" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  SRV_PIN=(taskset -c 0); WRK_PIN=(taskset -c 1)
fi

# ---- servers ------------------------------------------------------------------
# start_server NAME CMD...  -> sets SRV_PID, SRV_PORT (waits for the
# "listening on http://HOST:PORT" line, at most 5 s)
start_server() {
  local name=$1; shift
  local log=$work/$name.out
  "${SRV_PIN[@]}" "$@" >"$log" 2>"$work/$name.err" &
  SRV_PID=$!
  PIDS+=("$SRV_PID")
  local line=""
  for _ in $(seq 500); do
    line=$(grep -m1 '^listening on http://' "$log" 2>/dev/null || true)
    [ -n "$line" ] && break
    kill -0 "$SRV_PID" 2>/dev/null || { cat "$work/$name.err" >&2; die "$name exited during start-up"; }
    sleep 0.01
  done
  [ -n "$line" ] || die "$name printed no 'listening on' line within 5 s"
  SRV_PORT=${line##*:}
}

stop_server() {  # stop_server PID
  kill "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# anonymous part of RSS (heap, stacks): VmRSS minus mapped files such as LMDB's
rss_anon_kb() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status"; }

# http_status PORT PATH: sets STATUS to the status code of one GET (bash's
# /dev/tcp: no curl process per check).
http_status() {
  STATUS=000
  { exec 3<>"/dev/tcp/$HOST/$1"; } 2>/dev/null || return 0
  printf 'GET %s HTTP/1.1\r\nHost: %s:%s\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n' \
    "$2" "$HOST" "$1" "$KEY" >&3 2>/dev/null || { exec 3>&-; return 0; }
  local s=000
  IFS=' ' read -r -t 2 _ s _ <&3 || s=000
  exec 3>&-
  STATUS=$s
}

# Start-up figures come from specmock-bench-startup (startup_probe.c): it
# spawns the server itself and polls it every 50 µs, so the figure holds no
# shell fork or loop.  probe ARGS... -> "median_ms min_ms"
probe() {
  timeout -k 2 120 "$PROBE_BIN" -n "$STARTUPS" "$@" || die "start-up probe failed: $*"
}
# ---- wrk ----------------------------------------------------------------------
# run_wrk LABEL URL [wrk args...] -> prints "rps p50_us p99_us non2xx errors"
to_us() {  # 123.45us | 1.23ms | 1.00s -> microseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.1f", v }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.1f", v * 1000 }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.1f", v * 60e6 }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.1f", v * 1e6 }
    else printf "nan" }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# One wrk run of DURATION s: "rps p50_us p99_us non2xx errors".
wrk_once() {
  local label=$1 url=$2; shift 2
  local out=$work/wrk-$label.txt
  SPECMOCK_KEY=$KEY timeout -k 2 $((DURATION + 15)) "${WRK_PIN[@]}" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 2s --latency \
    -H "Authorization: Bearer $KEY" "$@" "$url" >"$out" 2>&1 \
    || { cat "$out" >&2; die "wrk $label failed or timed out"; }
  local rps p50 p99 non2xx errs
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
  errs=$(awk '/Socket errors:/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$out")
  [ -n "$rps" ] && [ -n "$p50" ] && [ -n "$p99" ] || { cat "$out" >&2; die "cannot parse wrk output for $label"; }
  echo "$rps $(to_us "$p50") $(to_us "$p99") ${non2xx:-0} ${errs:-0}"
}
warm() {  # warm URL [wrk args...]: WARMUP s of unmeasured load
  [ "$WARMUP" -gt 0 ] || return 0
  SPECMOCK_KEY=$KEY timeout -k 2 $((WARMUP + 15)) "${WRK_PIN[@]}" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 2s \
    -H "Authorization: Bearer $KEY" "$@" >/dev/null 2>&1 \
    || die "wrk warm-up of $1 failed or timed out"
}
# measure STEP PREFIX URL [PREFIX URL...] -- [wrk args...]
# The last PREFIX/URL is the reference.  Every target gets a warm-up, then
# RUNS rounds; a round is one wrk run per target, back to back, in turns
# forward and backward (ABBA), so a change in the machine's speed during the
# step falls on every target alike.  Sets PREFIX_rps/_p50/_p99 (medians over
# the rounds), PREFIX_bad (non-2xx + socket errors, summed) and, for every
# target but the reference, PREFIX_ratio: the median of its per-round
# req/s ratio to the reference.  With three targets, also STEP_2v1: the
# median per-round ratio of the second target to the first.
measure() {
  local step=$1; shift
  local -a pre=() url=()
  while [ "$1" != -- ]; do pre+=("$1"); url+=("$2"); shift 2; done
  shift
  local n=${#pre[@]} i r k a b c d e
  local -a rps=() p50=() p99=() bad=() rat=() round=() order=()
  local r21=""
  say "wrk $step: ${pre[*]} ($RUNS rounds x ${DURATION}s, -c$CONNECTIONS)"
  for ((i = 0; i < n; i++)); do warm "${url[i]}" "$@"; bad[i]=0; done
  for ((r = 1; r <= RUNS; r++)); do
    order=()
    if ((r % 2)); then for ((i = 0; i < n; i++)); do order+=("$i"); done
    else for ((i = n - 1; i >= 0; i--)); do order+=("$i"); done; fi
    for k in "${order[@]}"; do
      read -r a b c d e < <(wrk_once "${pre[k]}-$r" "${url[k]}" "$@")
      rps[k]+=" $a" p50[k]+=" $b" p99[k]+=" $c" round[k]=$a
      bad[k]=$((bad[k] + d + e))
    done
    for ((i = 0; i < n - 1; i++)); do rat[i]+=" $(ratio "${round[i]}" "${round[n-1]}")"; done
    ((n == 3)) && r21+=" $(ratio "${round[1]}" "${round[0]}")"
  done
  for ((i = 0; i < n; i++)); do
    printf -v "${pre[i]}_rps" '%s' "$(printf '%s\n' ${rps[i]} | median)"
    printf -v "${pre[i]}_p50" '%s' "$(printf '%s\n' ${p50[i]} | median)"
    printf -v "${pre[i]}_p99" '%s' "$(printf '%s\n' ${p99[i]} | median)"
    printf -v "${pre[i]}_bad" '%s' "${bad[i]}"
    ((i < n - 1)) && printf -v "${pre[i]}_ratio" '%s' "$(printf '%s\n' ${rat[i]} | median)"
  done
  ((n == 3)) && printf -v "${step}_2v1" '%s' "$(printf '%s\n' $r21 | median)"
  return 0
}

# ---- start-up -------------------------------------------------------------------
say "specmock: $SPECMOCK_BIN"
say "reference: $REF_BIN"
read -r spawn_floor _ < <(probe --floor)
read -r sm_startup sm_startup_min < <(probe -H "Authorization: Bearer $KEY" "$API" -- \
  "$SPECMOCK_BIN" --host "$HOST" --port @PORT@ --db "$work/startup-db-@N@")
read -r ref_startup ref_startup_min < <(probe / -- "$REF_BIN" --host "$HOST" --port @PORT@ --size "$REF_SIZE")

# ---- servers: all started first, each idle while another is measured --------
mkdir -p "$work/db"
start_server specmock "$SPECMOCK_BIN" --host "$HOST" --port 0 --db "$work/db"
SM_PID=$SRV_PID SM=http://$HOST:$SRV_PORT
http_status "$SRV_PORT" "$API"
[ "$STATUS" = 200 ] || die "specmock does not answer 200 on $API"
sm_rss_idle=$(rss_kb "$SM_PID") sm_anon_idle=$(rss_anon_kb "$SM_PID")

# create_dashboards BASE: NDASH dashboards through one curl invocation.
create_dashboards() {
  local i
  for ((i = 1; i <= NDASH; i++)); do
    printf 'url = "%s%s"\nrequest = "POST"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\ndata = "{\\"name\\": \\"Dashboard %d\\", \\"description\\": \\"bench fixture %d\\"}"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
      "$1" "$API" "$KEY" "$i" "$i"
    [ "$i" -lt "$NDASH" ] && echo next
  done >"$work/create.curl"
  local created
  created=$(timeout 60 curl -sS --max-time 10 -K "$work/create.curl" | grep -c '^201$' || true)
  [ "$created" = "$NDASH" ] || die "created $created of $NDASH dashboards"
}
say "creating $NDASH dashboards"
create_dashboards "$SM"

one_bytes=$(curl -sS --max-time 5 -o "$work/one.json" -w '%{size_download}' \
  -H "Authorization: Bearer $KEY" "$SM${API}1/")
list_bytes=$(curl -sS --max-time 5 -o "$work/list.json" -w '%{size_download}' \
  -H "Authorization: Bearer $KEY" "$SM$API?limit=100")
grep -q '"count":100' "$work/list.json" || die "list page does not report 100 dashboards"
sm_ops=$(sed -n 's/.*(\([0-9]*\) operations).*/\1/p' "$work/specmock.out" | head -1)

# specmock built from the 1,000-operation spec: the same runtime and the same
# dashboards; only the routing table differs.
sm1k_ops="" sm1k_one_rps=""
one_targets=(sm_one "$SM${API}1/")
if [ -x "$SPECMOCK_1000_BIN" ]; then
  mkdir -p "$work/db1000"
  start_server specmock-1000 "$SPECMOCK_1000_BIN" --host "$HOST" --port 0 --db "$work/db1000"
  SM1K_PID=$SRV_PID SM1K=http://$HOST:$SRV_PORT
  sm1k_ops=$(sed -n 's/.*(\([0-9]*\) operations).*/\1/p' "$work/specmock-1000.out" | head -1)
  create_dashboards "$SM1K"
  one1k_bytes=$(curl -sS --max-time 5 -o /dev/null -w '%{size_download}' \
    -H "Authorization: Bearer $KEY" "$SM1K${API}1/")
  [ "$one1k_bytes" = "$one_bytes" ] || die "specmock-1000 answers $one1k_bytes bytes, specmock $one_bytes"
  one_targets+=(sm1k_one "$SM1K${API}1/")
else
  say "no $SPECMOCK_1000_BIN (cmake --build build --target specmock-1000): 1,000-operation step skipped"
fi

start_server ref "$REF_BIN" --host "$HOST" --port 0 --size "$REF_SIZE"
REF_PID=$SRV_PID REF=http://$HOST:$SRV_PORT
ref_rss_idle=$(rss_kb "$REF_PID") ref_anon_idle=$(rss_anon_kb "$REF_PID")
start_server reflist "$REF_BIN" --host "$HOST" --port 0 --size "$list_bytes"
REFL=http://$HOST:$SRV_PORT

# ---- load: each step interleaves specmock and its reference -------------------
measure one "${one_targets[@]}" ref_one "$REF${API}1/" --
measure list sm_list "$SM$API?limit=100" ref_list "$REFL$API?limit=100" --
measure post sm_post "$SM$API" ref_post "$REF$API" -- -s "$here/post.lua"
measure patch sm_patch "$SM${API}1/" ref_patch "$REF${API}1/" -- -s "$here/patch.lua"
sm_rss_load=$(rss_kb "$SM_PID") sm_anon_load=$(rss_anon_kb "$SM_PID")
ref_rss_load=$(rss_kb "$REF_PID") ref_anon_load=$(rss_anon_kb "$REF_PID")
sm_total=$(curl -sS --max-time 5 -H "Authorization: Bearer $KEY" "$SM$API?limit=1" | sed -n 's/^{"count":\([0-9]*\).*/\1/p')

# ---- report -------------------------------------------------------------------
fmt0() { awk -v a="$1" 'BEGIN { printf "%.0f", a }'; }
mb() { awk -v a="$1" 'BEGIN { printf "%.1f", a / 1024 }'; }
us() { awk -v a="$1" 'BEGIN { printf "%.0f", a }'; }
verdict() {  # verdict VALUE OP LIMIT  -> "met" / "**missed**"
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    ok = (op == ">=") ? (v >= l) : (v < l); print ok ? "met" : "**missed**" }'
}

row() {  # row NAME sm_prefix ref_prefix target bytes_sm bytes_ref
  local n=$1 s=$2 r=$3 t=$4 bs=$5 br=$6
  local srps=${s}_rps sp50=${s}_p50 sp99=${s}_p99 sbad=${s}_bad sratio=${s}_ratio
  local rrps=${r}_rps rp50=${r}_p50 rp99=${r}_p99
  local rt=${!sratio}
  printf '| %s | %s | %s | %s | %s %s | %s / %s | %s / %s | %s / %s | %s |\n' \
    "$n" "$(fmt0 "${!srps}")" "$(fmt0 "${!rrps}")" "$rt" "≥ $t" "$(verdict "$rt" '>=' "$t")" \
    "$(us "${!sp50}")" "$(us "${!sp99}")" "$(us "${!rp50}")" "$(us "${!rp99}")" \
    "$bs" "$br" "${!sbad}"
}

# The 1,000-operation row: ratio to the reference and to the real spec's GET.
row1k() {
  if [ -z "$sm1k_one_rps" ]; then
    echo "| GET one, 1,000-op spec | — | — | — | not run (no specmock-1000 binary) | — | — | — | — |"
    return
  fi
  local rt=$sm1k_one_ratio r47=$one_2v1
  printf '| GET one, %s-op spec | %s | %s | %s | %s× the %s-op GET: ≥ 0.95 %s | %s / %s | %s / %s | %s / %s | %s |\n' \
    "${sm1k_ops:-?}" "$(fmt0 "$sm1k_one_rps")" "$(fmt0 "$ref_one_rps")" "$rt" "$r47" "${sm_ops:-?}" \
    "$(verdict "$r47" '>=' 0.95)" "$(us "$sm1k_one_p50")" "$(us "$sm1k_one_p99")" \
    "$(us "$ref_one_p50")" "$(us "$ref_one_p99")" "$one_bytes" "$REF_SIZE" \
    "$sm1k_one_bad"
}

# The issue's latency target is for GETs: p99 < 1 ms at 16 connections.
p99_verdict() {  # p99_verdict SM_P99 REF_P99
  echo "$(verdict "$1" '<' 1000)$(awk -v r="$2" 'BEGIN { if (r >= 1000) print " (the reference misses it too)" }')"
}
stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
mode="full"; [ "$SMOKE" = 1 ] && mode="smoke"

report() {
  cat <<EOF
# specmock benchmark — $(date -u '+%Y-%m-%d %H:%M:%S UTC') ($mode)

Machine: $NCPU CPUs, ${cpu:-unknown CPU}, Linux $(uname -r).
Load: \`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency\` on 127.0.0.1, ${WARMUP} s unmeasured warm-up per server, then $RUNS round(s) per step; a round runs specmock and its reference back to back (in turns forward and backward), every ratio is the median of the per-round ratios, req/s and latencies are medians$( [ ${#SRV_PIN[@]} -gt 0 ] && echo "; servers pinned to CPU 0, wrk to CPU 1" ).
Reference: bare evhttp (\`specmock-bench-ref\`), fixed ${REF_SIZE}-byte JSON body; ${list_bytes}-byte body for the list row.
Store: $NDASH dashboards before the GETs. specmock bodies: one dashboard ${one_bytes} B, list page ${list_bytes} B.

| operation | specmock req/s | reference req/s | ratio | target | specmock p50 / p99 µs | reference p50 / p99 µs | body B (specmock / ref) | specmock non-2xx + socket errors |
|---|---:|---:|---:|---|---:|---:|---:|---:|
$(row "GET one dashboard" sm_one ref_one 0.90 "$one_bytes" "$REF_SIZE")
$(row "GET list (?limit=100)" sm_list ref_list 0.80 "$list_bytes" "$list_bytes")
$(row "POST create" sm_post ref_post 0.50 "—" "$REF_SIZE")
$(row "PATCH update" sm_patch ref_patch 0.50 "—" "$REF_SIZE")
$(row1k)

| figure | specmock | reference | ratio | target |
|---|---:|---:|---:|---|
| start-up: spawn to first 200 (ms, median of $STARTUPS; min) | $sm_startup ($sm_startup_min) | $ref_startup ($ref_startup_min) | $(ratio "$sm_startup" "$ref_startup") | < 10 ms $(verdict "$sm_startup" '<' 10)$(awk -v r="$ref_startup" 'BEGIN { if (r >= 10) print " (the reference misses it too: machine floor)" }') |
| spawn floor: posix_spawn + wait of /bin/true (ms, median of $STARTUPS) | $spawn_floor | | | — |
| RSS idle (MB) | $(mb "$sm_rss_idle") | $(mb "$ref_rss_idle") | $(ratio "$sm_rss_idle" "$ref_rss_idle") | < 16 MB $(verdict "$sm_rss_idle" '<' 16384) |
| RSS idle, anonymous only (MB) | $(mb "$sm_anon_idle") | $(mb "$ref_anon_idle") | $(ratio "$sm_anon_idle" "$ref_anon_idle") | — |
| RSS after load (MB; specmock then holds ${sm_total:-?} dashboards) | $(mb "$sm_rss_load") | $(mb "$ref_rss_load") | $(ratio "$sm_rss_load" "$ref_rss_load") | — |
| RSS after load, anonymous only (MB) | $(mb "$sm_anon_load") | $(mb "$ref_anon_load") | $(ratio "$sm_anon_load" "$ref_anon_load") | — |
| p99, GET one (µs) | $(us "$sm_one_p99") | $(us "$ref_one_p99") | $(ratio "$sm_one_p99" "$ref_one_p99") | < 1000 µs $(p99_verdict "$sm_one_p99" "$ref_one_p99") |
| p99, GET list (µs) | $(us "$sm_list_p99") | $(us "$ref_list_p99") | $(ratio "$sm_list_p99" "$ref_list_p99") | < 1000 µs $(p99_verdict "$sm_list_p99" "$ref_list_p99") |

The 1,000-op row is the same binary built from the same spec plus synthetic resources (bench/synth_spec.sh); its target is ≥ 0.95× the real spec's GET one in this run.
PATCH has no separate target in the issue; it is held to the POST target (≥ 0.50×).
The reference answers POST/PATCH with its fixed body and status 200 (it stores nothing).
VmRSS counts LMDB's memory-mapped pages once touched (file-backed, reclaimable); the anonymous rows exclude them.
EOF
}

mkdir -p "$RESULTS_DIR"
prefix=""; [ "$SMOKE" = 1 ] && prefix="smoke-"
outfile=$RESULTS_DIR/$prefix$stamp.md
report >"$outfile"
cat "$outfile"
say "written: $outfile"

# The smoke test's check: the table exists and every row measured something.
rows=$(grep -c '^| \(GET\|POST\|PATCH\)' "$outfile" || true)
[ "$rows" = 5 ] || die "expected 5 operation rows in $outfile, found $rows"
for v in "$sm_one_rps" "$sm_list_rps" "$sm_post_rps" "$sm_patch_rps" \
         "$ref_one_rps" "$ref_list_rps" "$ref_post_rps" "$ref_patch_rps"; do
  awk -v v="$v" 'BEGIN { exit !(v > 0) }' || die "a load step measured 0 req/s"
done
exit 0
