#!/usr/bin/env bash
# Kernel-sensor harness (not part of the test suite): N idle containers, the agent monitoring them, then
#  1) the agent's CPU and RSS while everything is idle for IDLE_SECONDS, and
#  2) latency from a process start in a container to its alert line being written, over EXECS execs.
# Usage: sudo scripts/bench-sensors.sh [N=100] [IDLE_SECONDS=300] [EXECS=200]     results: docs/BENCHMARKS.md
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}; IDLE=${2:-300}; EXECS=${3:-200}
JAR=target/vigil.jar; [ -f "$JAR" ] || mvn -B -q -DskipTests package
scripts/setup.sh >/dev/null; scripts/build-test-images.sh
work=$(mktemp -d); alerts=$work/alerts.jsonl
cleanup() { [ -n "${agent:-}" ] && kill "$agent" 2>/dev/null; docker ps -aq --filter name=vigil-bench- | xargs -r docker rm -f >/dev/null; }
trap cleanup EXIT
echo "starting $N idle containers" >&2
for i in $(seq 1 "$N"); do docker run -d --name "vigil-bench-idle-$i" --network none vigil-test/busybox:1 sleep 86400 >/dev/null; done
docker run -d --name vigil-bench-load --network none vigil-test/busybox:1 sleep 86400 >/dev/null
java -XX:+UseSerialGC -jar "$JAR" monitor --alerts-file "$alerts" --no-stdout-alerts --data-dir "$work" 2>"$work/agent.log" &
agent=$!
until grep -q monitoring "$work/agent.log"; do sleep 0.5; done
sleep 10
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' "/proc/$agent/stat"; }
c0=$(cpu); t0=$(date +%s.%N)
sleep "$IDLE"
c1=$(cpu); t1=$(date +%s.%N)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$agent/status")
python3 - "$c0" "$c1" "$t0" "$t1" "$ticks" "$rss" "$N" "$IDLE" <<'PY'
import sys
c0, c1, t0, t1, ticks, rss, n, idle = map(float, sys.argv[1:])
print(f"idle: {int(n)} containers, {idle:.0f} s: agent CPU {(c1-c0)/ticks/(t1-t0)*100:.2f} % of one core, RSS {rss/1024:.0f} MB")
PY
# Each exec of a tool named nc raises "Suspicious network tool launched in container"; the watcher notes when each
# alert line appears and compares it with the alert's event time (when the sensor read the exec).
python3 - "$alerts" "$EXECS" <<'PY' &
import json, sys, time
path, want = sys.argv[1], int(sys.argv[2])
lat = []; f = open(path); f.seek(0, 2); end = time.time() + 120
while len(lat) < want and time.time() < end:
    line = f.readline()
    if not line:
        time.sleep(0.0005); continue
    now = time.time_ns(); a = json.loads(line)
    if a["rule"] == "Suspicious network tool launched in container" and a["output_fields"]["container.name"] == "vigil-bench-load":
        lat.append((now - a["output_fields"]["evt.time"]) / 1e6)
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"exec to alert line: {len(lat)} alerts, p50 {q(0.50):.2f} ms, p99 {q(0.99):.2f} ms, max {lat[-1]:.2f} ms")
PY
watcher=$!
sleep 1
docker exec vigil-bench-load sh -c "i=0; while [ \$i -lt $EXECS ]; do nc -w 1 127.0.0.1 1 2>/dev/null; i=\$((i+1)); sleep 0.05; done"
wait "$watcher"
