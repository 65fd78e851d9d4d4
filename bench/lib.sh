# Shared by the shell benchmarks (source it): a temp dir and background processes that are always cleaned
# up, a random port base, and a chronyd server as the NTP peer with the offset `chronyd -Q` measures.

# bench_init NAME: $ROOT, $DIR (removed on exit), $PIDS (killed on exit), $BASE (first of a few free-ish ports).
bench_init() {
  ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  DIR=$(mktemp -d "/tmp/airlock-bench-$1.XXXXXX")
  PIDS=()
  trap bench_cleanup EXIT
  BASE=$((20000 + RANDOM % 20000))
}

bench_cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DIR"
}

# start_chronyd_server PORT: chronyd serving its local clock at stratum 8 on 127.0.0.1:PORT, no rate limit.
start_chronyd_server() {
  cat > "$DIR/chrony.conf" <<CONF
port $1
bindaddress 127.0.0.1
local stratum 8
allow 127.0.0.1
cmdport 0
pidfile $DIR/chronyd.pid
driftfile $DIR/drift
CONF
  chronyd -x -f "$DIR/chrony.conf" -d 2> "$DIR/chronyd.err" & PIDS+=($!)
}

# chrony_offset PORT [SAMPLES=4]: the signed offset (s) chronyd -Q measures against 127.0.0.1:PORT.
chrony_offset() { chronyd -Q -t 10 "server 127.0.0.1 port $1 iburst maxsamples ${2:-4}" 2>&1 | sed -n 's/.*wrong by \(-\?[0-9.]*\) seconds.*/\1/p'; }

# median / abs_median: of the numbers on stdin (blank-separated or one a line).
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
abs_median() { tr ' ' '\n' | grep -v '^$' | sed 's/^-//' | median; }
