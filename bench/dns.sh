#!/usr/bin/env bash
# DNS throughput, side by side in one run: dnsperf against airlock, dnsmasq, NSD and knot serving the same
# records on loopback. Rounds are interleaved (airlock, dnsmasq, nsd, knot, airlock, …) so a change in
# machine load hits every server alike; the median of the rounds is reported.
#   usage: bash bench/dns.sh [SECONDS_PER_RUN=10] [ROUNDS=3] [AIRLOCK_WORKERS=1]   (needs `npm run build` first)
set -euo pipefail
SECS=${1:-10}
ROUNDS=${2:-3}
WORKERS=${3:-1}
source "$(dirname "$0")/lib.sh"
bench_init dns
P_AIRLOCK=$BASE P_DNSMASQ=$((BASE + 1)) P_NSD=$((BASE + 2)) P_KNOT=$((BASE + 3))

# The same data everywhere: 5 names in airgap.internal and their PTRs.
cat > "$DIR/site.yaml" <<YAML
domain: airgap.internal
admin: { name: admin, address: 192.168.10.10 }
hosts:
  - { name: cp1, address: 192.168.10.11 }
  - { name: w1, address: 192.168.10.21 }
services: [ registry, repo ]
dns:
  listen: [ "127.0.0.1:$P_AIRLOCK" ]
  rate-limit: { per-second: 0 }   # like NSD's rrl-ratelimit: 0 below: no limiting in a throughput test
YAML
cat > "$DIR/airgap.internal.zone" <<'ZONE'
$ORIGIN airgap.internal.
$TTL 300
@        IN SOA admin hostmaster 1 3600 600 604800 300
@        IN NS  admin
admin    IN A   192.168.10.10
cp1      IN A   192.168.10.11
w1       IN A   192.168.10.21
registry IN A   192.168.10.10
repo     IN A   192.168.10.10
ZONE
cat > "$DIR/rev.zone" <<'ZONE'
$ORIGIN 10.168.192.in-addr.arpa.
$TTL 300
@  IN SOA admin.airgap.internal. hostmaster.airgap.internal. 1 3600 600 604800 300
@  IN NS  admin.airgap.internal.
10 IN PTR admin.airgap.internal.
11 IN PTR cp1.airgap.internal.
21 IN PTR w1.airgap.internal.
ZONE
cat > "$DIR/queries.txt" <<'Q'
registry.airgap.internal A
cp1.airgap.internal A
w1.airgap.internal A
repo.airgap.internal A
admin.airgap.internal A
11.10.168.192.in-addr.arpa PTR
missing.airgap.internal A
cp1.airgap.internal AAAA
Q
cat > "$DIR/nsd.conf" <<CONF
server:
  port: $P_NSD
  ip-address: 127.0.0.1
  username: ""
  chroot: ""
  zonesdir: "$DIR"
  pidfile: "$DIR/nsd.pid"
  database: ""
  xfrdfile: "$DIR/xfrd.state"
  zonelistfile: "$DIR/zone.list"
  server-count: 1
  rrl-ratelimit: 0
  verbosity: 0
remote-control:
  control-enable: no
zone:
  name: airgap.internal
  zonefile: airgap.internal.zone
zone:
  name: 10.168.192.in-addr.arpa
  zonefile: rev.zone
CONF
mkdir -p "$DIR/knot"
cat > "$DIR/knot.conf" <<CONF
server:
  listen: 127.0.0.1@$P_KNOT
  rundir: "$DIR/knot"
  user: root:root
  background-workers: 1
  udp-workers: 1
  tcp-workers: 1
database:
  storage: "$DIR/knot"
template:
  - id: default
    storage: "$DIR"
zone:
  - domain: airgap.internal
    file: airgap.internal.zone
  - domain: 10.168.192.in-addr.arpa
    file: rev.zone
CONF

node "$ROOT/bin/airlock.js" dns --site "$DIR/site.yaml" --workers "$WORKERS" > "$DIR/airlock.out" 2> "$DIR/airlock.err" & PIDS+=($!)
dnsmasq --no-daemon --port=$P_DNSMASQ --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts --pid-file= --user=root \
  --host-record=admin.airgap.internal,192.168.10.10 --host-record=cp1.airgap.internal,192.168.10.11 \
  --host-record=w1.airgap.internal,192.168.10.21 --host-record=registry.airgap.internal,192.168.10.10 \
  --host-record=repo.airgap.internal,192.168.10.10 --local=/airgap.internal/ 2> "$DIR/dnsmasq.err" & PIDS+=($!)
nsd -d -c "$DIR/nsd.conf" 2> "$DIR/nsd.err" & PIDS+=($!)
knotd -c "$DIR/knot.conf" 2> "$DIR/knot.err" & PIDS+=($!)

for p in $P_AIRLOCK $P_DNSMASQ $P_NSD $P_KNOT; do
  for _ in $(seq 1 100); do dig @127.0.0.1 -p "$p" +short +tries=1 +time=1 registry.airgap.internal A 2>/dev/null | grep -q 192.168.10.10 && break; sleep 0.1; done
  dig @127.0.0.1 -p "$p" +short +tries=1 +time=1 registry.airgap.internal A | grep -q 192.168.10.10 || { echo "server on port $p did not answer" >&2; exit 1; }
done

declare -A RESULTS
for round in $(seq 1 "$ROUNDS"); do
  for name in airlock dnsmasq nsd knot; do
    port_var="P_${name^^}"
    qps=$(dnsperf -s 127.0.0.1 -p "${!port_var}" -d "$DIR/queries.txt" -l "$SECS" -c 8 -q 200 2>&1 | awk '/Queries per second/ {print $4}')
    RESULTS[$name]+="$qps "
    echo "round $round $name ${qps} qps" >&2
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
A=$(echo "${RESULTS[airlock]}" | median)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: dnsperf -s 127.0.0.1 -p PORT -d queries.txt -l $SECS -c 8 -q 200   (median of $ROUNDS interleaved rounds; airlock workers: $WORKERS)"
printf '%-8s %10s %8s\n' server qps 'airlock/x'
for name in airlock dnsmasq nsd knot; do
  m=$(echo "${RESULTS[$name]}" | median)
  printf '%-8s %10.0f %8.2f\n' "$name" "$m" "$(echo "$A / $m" | bc -l)"
done
