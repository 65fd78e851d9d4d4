#!/usr/bin/env bash
# NTP side by side in one run, airlock vs a chronyd server on loopback:
#  1. offset: what `chronyd -Q` measures against each (ROUNDS interleaved runs, 4 samples each; median);
#  2. capacity: replies per second to bench/ntp-load.c keeping 64 requests in flight (median of ROUNDS).
# Neither server rate-limits here (airlock rate-limit per-second 0; chronyd without `ratelimit`).
#   usage: bash bench/ntp.sh [SECONDS_PER_LOAD_RUN=5] [ROUNDS=5] [AIRLOCK_WORKERS=1]   (needs `npm run build`, gcc)
set -euo pipefail
SECS=${1:-5}
ROUNDS=${2:-5}
WORKERS=${3:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(mktemp -d /tmp/airlock-bench-ntp.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT
BASE=$((20000 + RANDOM % 20000))
P_AIRLOCK=$BASE P_CHRONY=$((BASE + 1))
gcc -O2 -o "$DIR/ntp-load" "$ROOT/bench/ntp-load.c"

cat > "$DIR/site.yaml" <<YAML
domain: airgap.internal
admin: { name: admin, address: 192.168.10.10 }
ntp:
  listen: [ "127.0.0.1:$P_AIRLOCK" ]
  stratum: 8
  rate-limit: { per-second: 0 }
YAML
cat > "$DIR/chrony.conf" <<CONF
port $P_CHRONY
bindaddress 127.0.0.1
local stratum 8
allow 127.0.0.1
cmdport 0
pidfile $DIR/chronyd.pid
driftfile $DIR/drift
CONF
node "$ROOT/bin/airlock.js" ntp --site "$DIR/site.yaml" --workers "$WORKERS" > "$DIR/airlock.out" 2> "$DIR/airlock.err" & PIDS+=($!)
chronyd -x -f "$DIR/chrony.conf" -d 2> "$DIR/chronyd.err" & PIDS+=($!)
sleep 2

offset() { chronyd -Q -t 10 "server 127.0.0.1 port $1 iburst maxsamples 4" 2>&1 | sed -n 's/.*wrong by \(-\?[0-9.]*\) seconds.*/\1/p'; }
declare -A OFF LOAD
for round in $(seq 1 "$ROUNDS"); do
  for name in airlock chronyd; do
    port=$([ $name = airlock ] && echo $P_AIRLOCK || echo $P_CHRONY)
    o=$(offset "$port"); OFF[$name]+="$o "
    r=$("$DIR/ntp-load" 127.0.0.1 "$port" "$SECS" | awk '{print $NF}'); LOAD[$name]+="$r "
    echo "round $round $name offset ${o}s load ${r}/s" >&2
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
abs_median() { tr ' ' '\n' | grep -v '^$' | sed 's/^-//' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "offset: chronyd -Q -t 10 'server 127.0.0.1 port PORT iburst maxsamples 4'   (median |offset| of $ROUNDS)"
echo "load:   ntp-load 127.0.0.1 PORT $SECS 64   (median of $ROUNDS; airlock workers: $WORKERS)"
for name in airlock chronyd; do
  printf '%-8s offsets(s): %s\n' "$name" "${OFF[$name]}"
done
A_OFF=$(echo "${OFF[airlock]}" | abs_median); C_OFF=$(echo "${OFF[chronyd]}" | abs_median)
A_LOAD=$(echo "${LOAD[airlock]}" | median); C_LOAD=$(echo "${LOAD[chronyd]}" | median)
printf '%-8s |offset| %8.1f us   capacity %8.0f replies/s\n' airlock "$(echo "$A_OFF * 1000000" | bc -l)" "$A_LOAD"
printf '%-8s |offset| %8.1f us   capacity %8.0f replies/s\n' chronyd "$(echo "$C_OFF * 1000000" | bc -l)" "$C_LOAD"
printf 'offset difference: %.1f us; capacity ratio airlock/chronyd: %.2f\n' "$(echo "($A_OFF - $C_OFF) * 1000000" | bc -l)" "$(echo "$A_LOAD / $C_LOAD" | bc -l)"
