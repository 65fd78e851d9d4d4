#!/usr/bin/env bash
# DNS and NTP of `airlock serve` while its HTTP side is busy, side by side in one run with chronyd and
# dnsmasq (separate processes, so they feel only the CPU contention, not airlock's event loop):
#  - NTP: the offset `chronyd -Q` measures against airlock's NTP and against a chronyd server;
#  - DNS: dnsperf's average latency at 200 queries/s against airlock's DNS and against dnsmasq;
# first idle, then during `wrk -t1 -c32` pulling a 16 MiB file from airlock.
#   usage: bash bench/serve-under-load.sh [ROUNDS=3] [AIRLOCK_BIN=bin/airlock.js]   (needs `npm run build`)
set -euo pipefail
ROUNDS=${1:-3}
source "$(dirname "$0")/lib.sh"
bench_init load
BIN=${2:-$ROOT/bin/airlock.js}
P_HTTP=$BASE P_DNS=$((BASE + 1)) P_NTP=$((BASE + 2)) P_CHRONY=$((BASE + 3)) P_DNSMASQ=$((BASE + 4))

node --input-type=module -e "
import { Store } from '$ROOT/dist/store/store.js';
import { randomBytes } from 'node:crypto';
const s = await Store.open('$DIR/store', { create: true });
const b = await s.blobs.ingest([randomBytes(16 << 20)]);
await s.addArtifact({ kind: 'file', name: 'bench.invalid/big.bin', blobs: [{ digest: b.digest, size: b.size, role: 'content' }] });
s.close();"
cat > "$DIR/site.yaml" <<YAML
domain: airgap.internal
admin: { name: admin, address: 127.0.0.1 }
services: [ registry ]
http: { listen: "127.0.0.1:$P_HTTP" }
dns: { listen: [ "127.0.0.1:$P_DNS" ], rate-limit: { per-second: 0 } }
ntp: { listen: [ "127.0.0.1:$P_NTP" ], stratum: 8, rate-limit: { per-second: 0 } }
YAML
AIRLOCK_LOG_LEVEL=warn node "$BIN" serve --store "$DIR/store" --site "$DIR/site.yaml" > "$DIR/airlock.out" 2> "$DIR/airlock.err" & PIDS+=($!)
start_chronyd_server "$P_CHRONY"
dnsmasq -k -p "$P_DNSMASQ" --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts --host-record=registry.airgap.internal,127.0.0.1 --pid-file="$DIR/dnsmasq.pid" 2> "$DIR/dnsmasq.err" & PIDS+=($!)
sleep 2
echo "registry.airgap.internal A" > "$DIR/q.txt"

offset() { chrony_offset "$1" | tr -d -; } # |offset|
latency() { dnsperf -s 127.0.0.1 -p "$1" -d "$DIR/q.txt" -l 3 -Q 200 -c 1 2>/dev/null | sed -n 's/.*Average Latency (s):\s*\([0-9.]*\).*/\1/p'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A R
measure() { # phase
  for _ in $(seq 1 "$ROUNDS"); do
    R[$1 ntp airlock]+="$(offset $P_NTP) "; R[$1 ntp chronyd]+="$(offset $P_CHRONY) "
    R[$1 dns airlock]+="$(latency $P_DNS) "; R[$1 dns dnsmasq]+="$(latency $P_DNSMASQ) "
  done
}
measure idle
wrk -t1 -c32 -d600s "http://127.0.0.1:$P_HTTP/files/bench.invalid/big.bin" > "$DIR/wrk.out" & WRK=$!; PIDS+=($WRK)
sleep 1
measure busy
kill -INT $WRK; wait $WRK 2>/dev/null || true
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); airlock: $BIN"
echo "busy = wrk -t1 -c32 pulling a 16 MiB file from the same airlock serve ($(sed -n 's/Transfer\/sec:\s*//p' "$DIR/wrk.out" | xargs)/s while measuring)"
echo
echo "| phase | NTP \|offset\| airlock | NTP \|offset\| chronyd | DNS latency airlock | DNS latency dnsmasq |"
echo "|---|---|---|---|---|"
us() { awk '{printf "%.0f µs", $1 * 1e6}'; }
for phase in idle busy; do
  echo "| $phase | $(echo "${R[$phase ntp airlock]}" | median | us) | $(echo "${R[$phase ntp chronyd]}" | median | us) | $(echo "${R[$phase dns airlock]}" | median | us) | $(echo "${R[$phase dns dnsmasq]}" | median | us) |"
done
echo "(medians of $ROUNDS; NTP: chronyd -Q maxsamples 4; DNS: dnsperf -Q 200 -l 3, average latency)"
