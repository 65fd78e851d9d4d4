#!/usr/bin/env bash
# NTP side by side in one run, airlock vs a chronyd server on loopback, in three phases:
#  1. idle: what a node sees. Each round, each server gets one `chronyd -Q … maxsamples 1` after GAP
#     seconds (random, GAP/2 to 3·GAP/2) in which nothing at all was sent to any server.
#  2. loaded: `chronyd -Q … maxsamples 4` while bench/ntp-load.c keeps 4 requests in flight against the
#     same server (busy all the time, a short queue).
#  2b. contended: one `maxsamples 1` query while every core runs a busy loop (a busy admin server: the
#     server's thread waits for a CPU before it can stamp the request; chronyd stamps in the kernel).
#  3. capacity: replies per second to ntp-load keeping 64 requests in flight (median of ROUNDS).
# Servers are interleaved round by round so that load from elsewhere on the machine hits all of them.
# Neither server rate-limits here (airlock rate-limit per-second 0; chronyd without `ratelimit`).
#   usage: bash bench/ntp.sh [SECONDS_PER_LOAD_RUN=5] [ROUNDS=5] [AIRLOCK_WORKERS=1] [GAP=10]
#   AIRLOCK_BASELINE=DIR adds the airlock of another (built) checkout as the server "baseline".
#   (needs `npm run build`, gcc) Time: about ROUNDS × servers × (GAP + 2·SECONDS + 16) seconds.
set -euo pipefail
SECS=${1:-5}
ROUNDS=${2:-5}
WORKERS=${3:-1}
GAP=${4:-10}
source "$(dirname "$0")/lib.sh"
bench_init ntp
gcc -O2 -o "$DIR/ntp-load" "$ROOT/bench/ntp-load.c"

declare -A PORT OFF_IDLE OFF_LOAD OFF_BUSY LOAD
SERVERS=(airlock chronyd)
PORT[airlock]=$BASE PORT[chronyd]=$((BASE + 1))
start_airlock() { # NAME ROOT_DIR
  cat > "$DIR/$1.yaml" <<YAML
domain: airgap.internal
admin: { name: admin, address: 192.168.10.10 }
ntp:
  listen: [ "127.0.0.1:${PORT[$1]}" ]
  stratum: 8
  rate-limit: { per-second: 0 }
YAML
  node "$2/bin/airlock.js" ntp --site "$DIR/$1.yaml" --workers "$WORKERS" > "$DIR/$1.out" 2> "$DIR/$1.err" & PIDS+=($!)
}
start_airlock airlock "$ROOT"
if [ -n "${AIRLOCK_BASELINE:-}" ]; then
  SERVERS+=(baseline) PORT[baseline]=$((BASE + 2))
  start_airlock baseline "$AIRLOCK_BASELINE"
fi
start_chronyd_server "${PORT[chronyd]}"
sleep 3

for round in $(seq 1 "$ROUNDS"); do
  for name in "${SERVERS[@]}"; do
    sleep "$(awk -v g="$GAP" -v r=$RANDOM 'BEGIN {print g / 2 + g * r / 32768}')"
    o=$(chrony_offset "${PORT[$name]}" 1); OFF_IDLE[$name]+="$o "
    echo "round $round $name idle offset ${o}s" >&2
  done
  hogs=(); for _ in $(seq 1 "$(nproc)"); do timeout 60 sh -c 'while :; do :; done' & hogs+=($!); done
  for name in "${SERVERS[@]}"; do
    sleep 1; o=$(chrony_offset "${PORT[$name]}" 1); OFF_BUSY[$name]+="$o "
    echo "round $round $name contended offset ${o}s" >&2
  done
  kill "${hogs[@]}" 2>/dev/null; wait "${hogs[@]}" 2>/dev/null || true
  for name in "${SERVERS[@]}"; do
    "$DIR/ntp-load" 127.0.0.1 "${PORT[$name]}" $((SECS + 12)) 4 > /dev/null & bg=$!
    sleep 1
    o=$(chrony_offset "${PORT[$name]}" 4); OFF_LOAD[$name]+="$o "
    kill "$bg" 2>/dev/null; wait "$bg" 2>/dev/null || true
    r=$("$DIR/ntp-load" 127.0.0.1 "${PORT[$name]}" "$SECS" | awk '{print $NF}'); LOAD[$name]+="$r "
    echo "round $round $name loaded offset ${o}s capacity ${r}/s" >&2
  done
done
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "idle:     chronyd -Q -t 10 'server 127.0.0.1 port PORT iburst maxsamples 1' after ${GAP}s ±50% of silence (median of $ROUNDS)"
echo "loaded:   the same with maxsamples 4, during ntp-load 127.0.0.1 PORT … 4   (median of $ROUNDS)"
echo "contended: maxsamples 1 while $(nproc) busy loops hold every core   (median of $ROUNDS)"
echo "capacity: ntp-load 127.0.0.1 PORT $SECS 64   (median of $ROUNDS; airlock workers: $WORKERS)"
us() { printf '%.1f' "$(echo "$1 * 1000000" | bc -l)"; }
for name in "${SERVERS[@]}"; do
  printf '%-8s idle offsets(s): %s\n%-8s loaded offsets(s): %s\n%-8s contended offsets(s): %s\n' "$name" "${OFF_IDLE[$name]}" "$name" "${OFF_LOAD[$name]}" "$name" "${OFF_BUSY[$name]}"
done
for name in "${SERVERS[@]}"; do
  printf '%-8s |offset| idle %8s us  loaded %8s us  contended %8s us   capacity %8.0f replies/s\n' "$name" \
    "$(us "$(echo "${OFF_IDLE[$name]}" | abs_median)")" "$(us "$(echo "${OFF_LOAD[$name]}" | abs_median)")" \
    "$(us "$(echo "${OFF_BUSY[$name]}" | abs_median)")" "$(echo "${LOAD[$name]}" | median)"
done
