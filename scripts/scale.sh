#!/usr/bin/env bash
# Scale harness (not part of scripts/test.sh): N idle containers (busybox `sleep`, --network none) are started,
# then the agent, and it measures
#   1) start-up: from launching the agent to its "monitoring N containers" line, and until status.json shows all
#      N running and a log follow open for each (the inventory);
#   2) the agent's RSS, heap, threads, descriptors and CPU while the N containers idle for IDLE seconds;
#   3) exec -> alert line latency of EXECS `nc` starts in one of them ("Suspicious network tool" rule);
#   4) removing the N containers with the agent running: time until its status shows them gone, RSS after.
# Usage (as root): scripts/scale.sh [N=500] [IDLE=120] [EXECS=50]                  results: docs/BENCHMARKS.md
# Environment: SCALE_DIR (default a new /tmp/vigil-scale.XXXX), SCALE_PREFIX (container names, vigil-scale-),
# SCALE_PORT (metrics port, 19480), VIGIL_ARGS, VIGIL_JAVA_OPTS. Every container it creates is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500}; IDLE=${2:-120}; EXECS=${3:-50}
PREFIX=${SCALE_PREFIX:-vigil-scale-}; PORT=${SCALE_PORT:-19480}; IMAGE=vigil-test/busybox:1
DIR=${SCALE_DIR:-$(mktemp -d /tmp/vigil-scale.XXXX)}; mkdir -p "$DIR"
[ -f target/vigil.jar ] || mvn -B -ntp -q -DskipTests package
docker image inspect "$IMAGE" >/dev/null 2>&1 || scripts/build-test-images.sh
cleanup() {
  [ -n "${agent:-}" ] && kill "$agent" 2>/dev/null || true
  docker ps -aq --filter "name=^${PREFIX}" | xargs -r docker rm -f >/dev/null 2>&1 || true
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$1"; }
status() { python3 -c "import json, sys; s = json.load(open(sys.argv[1])); print(s.get(sys.argv[2], -1))" "$DIR/status.json" "$1" 2>/dev/null || echo -1; }
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' "/proc/$agent/stat"; }
rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$agent/status"; }
heap() { curl -s "127.0.0.1:$PORT/metrics" | awk 'index($0, "jvm_memory_used_bytes{area=\"heap\"") == 1 {s += $NF} END {printf "%.0f", s / 1048576}'; }
threads() { ls "/proc/$agent/task" | wc -l; }
fds() { ls "/proc/$agent/fd" | wc -l; }

t=$(now)
seq 1 "$N" | xargs -P 4 -I{} docker run -d --network none --name "${PREFIX}{}" "$IMAGE" sleep 86400 >/dev/null
echo "started $N containers in $(since "$t") s (docker run, 4 at a time)"

t=$(now)
# shellcheck disable=SC2086 # VIGIL_ARGS is a list of options
bin/vigil monitor --data-dir "$DIR" --alerts-file "$DIR/alerts.jsonl" --no-stdout-alerts \
  --metrics-listen "127.0.0.1:$PORT" --status-interval 1s ${VIGIL_ARGS:-} >"$DIR/agent.log" 2>&1 &
agent=$!
until grep -q ' monitoring ' "$DIR/agent.log"; do
  kill -0 "$agent" 2>/dev/null || { cat "$DIR/agent.log" >&2; exit 1; }; sleep 0.1
done
echo "start-up to the monitoring line: $(since "$t") s: $(grep -o 'monitoring [0-9]* containers ([0-9]* running)' "$DIR/agent.log")"
followed() { grep -o 'logs-followed=[0-9]*' "$DIR/agent.log" | tail -1 | cut -d= -f2; }
until [ "$(status running)" -ge "$N" ] && [ "$(followed)" -ge "$N" ]; do sleep 0.2; done
echo "inventory complete (status: $(status running) running, $(followed) log follows): $(since "$t") s after launch"
others=$(( $(status running) - N )) # containers of other engine users, watched too
echo "right after start-up: RSS $(rss) MB, heap used $(heap) MB, threads $(threads), fds $(fds)"

sleep 10
c0=$(cpu); t0=$(now); sleep "$IDLE"; c1=$(cpu)
python3 -c "import sys, time; c0, c1, t0, ticks = map(float, sys.argv[1:]); print(f'idle, $N containers, {time.time() - t0:.0f} s: CPU {(c1 - c0) / ticks / (time.time() - t0) * 100:.2f} % of one core')" "$c0" "$c1" "$t0" "$ticks"
echo "after idle: RSS $(rss) MB, heap used $(heap) MB, threads $(threads), fds $(fds)"

target="${PREFIX}1"
python3 - "$DIR/alerts.jsonl" "$EXECS" "$target" <<'PY' &
import json, os, sys, time
path, want, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
while not os.path.exists(path):
    time.sleep(0.05)
lat = []; buf = ""; f = open(path); f.seek(0, 2); end = time.time() + 120
while len(lat) < want and time.time() < end:
    line = buf + f.readline()
    if not line.endswith("\n"):  # a read can land in the middle of a line being written
        buf = line; time.sleep(0.0005); continue
    buf = ""; now = time.time_ns(); a = json.loads(line)
    if a["rule"] == "Suspicious network tool launched in container" and a["output_fields"]["container.name"] == target:
        lat.append((now - a["output_fields"]["evt.time"]) / 1e6)
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"exec to alert line ({len(lat)} of {want} alerts): p50 {q(0.5):.1f} ms, p99 {q(0.99):.1f} ms, max {lat[-1]:.1f} ms"
      if lat else "exec to alert line: no alert")
PY
watcher=$!
sleep 1
docker exec "$target" sh -c "i=0; while [ \$i -lt $EXECS ]; do nc -w 1 127.0.0.1 1 2>/dev/null; i=\$((i+1)); sleep 0.2; done"
wait "$watcher"

t=$(now)
docker ps -aq --filter "name=^${PREFIX}" | xargs -r -n 50 docker rm -f >/dev/null
echo "removed $N containers in $(since "$t") s"
until [ "$(status running)" -le "$((others > 0 ? others : 0))" ]; do sleep 0.2; done
echo "agent's status shows them gone $(since "$t") s after removal began (running=$(status running), other users' $others)"
sleep 30
echo "30 s after removal: RSS $(rss) MB, heap used $(heap) MB, threads $(threads), fds $(fds)"
