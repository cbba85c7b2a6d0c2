#!/usr/bin/env bash
# Kernel-sensor harness (not part of the test suite): N idle containers, the agent monitoring them, then
#  1) the agent's CPU and RSS while everything is idle for IDLE_SECONDS, and
#  2) latency from a process start in a container to its alert line being written, over EXECS execs.
# Usage (as root): scripts/bench-sensors.sh [N=100] [IDLE_SECONDS=300] [EXECS=200]     results: docs/BENCHMARKS.md
# VIGIL_ARGS adds options to `vigil monitor`, e.g. VIGIL_ARGS="--disable-sensor kernel.cgroup" for the
# Engine API stats poll instead of the cgroup counters. The agent runs from bin/vigil, with its default JVM options
# (VIGIL_JAVA_OPTS replaces them).
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
# shellcheck disable=SC2086 # VIGIL_ARGS is a list of options
bin/vigil monitor --alerts-file "$alerts" --no-stdout-alerts --data-dir "$work" \
  ${VIGIL_ARGS:-} 2>"$work/agent.log" &
agent=$!
until grep -q monitoring "$work/agent.log"; do sleep 0.5; done
sleep "${WARMUP:-10}" # WARMUP=300 measures the steady state, after the JIT compilers are done with the idle paths
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' "/proc/$agent/stat"; }
# Per-thread CPU (utime+stime ticks by thread name), to see which sensor the idle CPU goes to.
threads() { for t in /proc/"$agent"/task/*; do printf '%s\t%s\n' "$(cat "$t/comm")" "$(sed 's/.*) //' "$t/stat" | awk '{print $12+$13}')"; done; }
# The engine's side (dockerd, containerd and the shims), which answers the Engine API's stats requests.
engine() { for p in $(pgrep -d ' ' -x 'dockerd|containerd|containerd-shim.*'); do awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null; done | awk '{s+=$1} END {print s+0}'; }
threads >"$work/threads0"
c0=$(cpu); e0=$(engine); t0=$(date +%s.%N)
sleep "$IDLE"
c1=$(cpu); e1=$(engine); t1=$(date +%s.%N)
threads >"$work/threads1"
python3 -c "import sys; print(f'engine (dockerd, containerd, shims) CPU over the same {float(sys.argv[4]):.0f} s: {(float(sys.argv[2])-float(sys.argv[1]))/float(sys.argv[3])/float(sys.argv[4])*100:.2f} % of one core (includes other clients of the engine)')" "$e0" "$e1" "$ticks" "$IDLE"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$agent/status")
python3 - "$c0" "$c1" "$t0" "$t1" "$ticks" "$rss" "$N" "$IDLE" <<'PY'
import sys
c0, c1, t0, t1, ticks, rss, n, idle = map(float, sys.argv[1:])
print(f"idle: {int(n)} containers, {idle:.0f} s: agent CPU {(c1-c0)/ticks/(t1-t0)*100:.2f} % of one core, RSS {rss/1024:.0f} MB")
PY
python3 - "$work/threads0" "$work/threads1" "$ticks" "$IDLE" <<'PY'
import collections, sys
def load(path):
    d = collections.Counter()
    for line in open(path):
        name, _, t = line.rstrip("\n").rpartition("\t")
        d[name] += int(t or 0)
    return d
a, b, ticks, idle = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
top = sorted(((b[k] - a.get(k, 0), k) for k in b), reverse=True)[:8]
print("idle CPU by thread: " + ", ".join(f"{k} {v / ticks / idle * 100:.2f} %" for v, k in top if v > 0))
PY
# Each exec of a tool named nc raises "Suspicious network tool launched in container"; the watcher notes when each
# alert line appears and compares it with the alert's event time (when the sensor read the exec).
python3 - "$alerts" "$EXECS" <<'PY' &
import json, sys, time
path, want = sys.argv[1], int(sys.argv[2])
lat = []; buf = ""; f = open(path); f.seek(0, 2); end = time.time() + 120
while len(lat) < want and time.time() < end:
    line = buf + f.readline()
    if not line.endswith("\n"):  # the agent writes each line whole, but a read can land mid-write
        buf = line; time.sleep(0.0005); continue
    buf = ""
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
