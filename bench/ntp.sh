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
source "$(dirname "$0")/lib.sh"
bench_init ntp
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
node "$ROOT/bin/airlock.js" ntp --site "$DIR/site.yaml" --workers "$WORKERS" > "$DIR/airlock.out" 2> "$DIR/airlock.err" & PIDS+=($!)
start_chronyd_server "$P_CHRONY"
sleep 2

declare -A OFF LOAD
for round in $(seq 1 "$ROUNDS"); do
  for name in airlock chronyd; do
    port=$([ $name = airlock ] && echo $P_AIRLOCK || echo $P_CHRONY)
    o=$(chrony_offset "$port"); OFF[$name]+="$o "
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
