#!/usr/bin/env bash
# Soak harness (not part of scripts/test.sh): the agent watches the Docker engine for DURATION seconds while a mixed
# workload runs in test containers, and every INTERVAL seconds one row of the agent's resource use and counters goes
# to a CSV. Results and how to read them: docs/BENCHMARKS.md ("Soak").
#
#   scripts/soak.sh [DURATION=3600] [INTERVAL=15]          as root, with the Docker engine running
#
# Environment: SOAK_DIR (data dir, alerts file, agent log, samples.csv; default a new /tmp/vigil-soak.XXXX),
# SOAK_PREFIX (name prefix of every container it creates, default vigil-soak-), SOAK_PORT (metrics port, 19470),
# SOAK_STEADY (long-lived workload containers, 6), VIGIL_ARGS (more `vigil monitor` options), VIGIL_JAVA_OPTS.
# Every container runs with --network none; all are removed on exit. Other containers on the engine are watched
# too (the agent monitors the whole host), so their activity is in the counts.
#
# Workload, all at once:
#   steady    SOAK_STEADY containers that print a log line every 0.5 s and write, chmod and delete files in /tmp
#   execs     `docker exec` into a steady container every 2 s: ls, cat, ps, a shell loop, a file write
#   churn     a short-lived container every 6 s (start, log, exit, removed), and one steady container stopped and
#             started again every 60 s
#   attacks   one every 20 s, in turn (the last command of each is a real exec, not a busybox sh built-in): nc, a write below /etc, "Nmap scan report" log line, a setuid chmod,
#             a binary run from /tmp, a base64 payload piped to sh; each is logged to attacks.log
# CSV columns: elapsed_s, rss_mb, cpu_s (user+system, cumulative), cpu_pct (of one core, over the interval),
# heap_used_mb, threads, fds, events_handled, events_dropped, queue, alerts, containers, running.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-3600}; INTERVAL=${2:-15}
PREFIX=${SOAK_PREFIX:-vigil-soak-}; PORT=${SOAK_PORT:-19470}; STEADY=${SOAK_STEADY:-6}
IMAGE=vigil-test/busybox:1
DIR=${SOAK_DIR:-$(mktemp -d /tmp/vigil-soak.XXXX)}; mkdir -p "$DIR"
[ -f target/vigil.jar ] || mvn -B -ntp -q -DskipTests package
docker image inspect "$IMAGE" >/dev/null 2>&1 || scripts/build-test-images.sh
csv=$DIR/samples.csv; attacks=$DIR/attacks.log; : >"$attacks"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${agent:-}" ] && kill "$agent" 2>/dev/null || true
  docker ps -aq --filter "name=^${PREFIX}" | xargs -r docker rm -f >/dev/null 2>&1 || true
}
trap cleanup EXIT

run() { docker run -d --network none --name "$1" "$IMAGE" sh -c "$2" >/dev/null; }
# A steady container: a log line every 0.5 s, and a file written, chmod-ed and removed every 2 s.
steady_cmd='i=0; mkdir -p /app; while true; do i=$((i+1)); echo "worker tick $i ok"; sleep 0.5;
  if [ $((i % 4)) -eq 0 ]; then echo data$i >/tmp/f$i; chmod 600 /tmp/f$i; cat /tmp/f$i >/app/last; rm /tmp/f$i; fi; done'
for i in $(seq 1 "$STEADY"); do run "${PREFIX}steady-$i" "$steady_cmd"; done

# shellcheck disable=SC2086 # VIGIL_ARGS is a list of options
bin/vigil monitor --data-dir "$DIR" --alerts-file "$DIR/alerts.jsonl" --no-stdout-alerts \
  --metrics-listen "127.0.0.1:$PORT" --status-interval 10s ${VIGIL_ARGS:-} >"$DIR/agent.log" 2>&1 &
agent=$!
t_start=$(date +%s.%N)
until grep -q ' monitoring ' "$DIR/agent.log"; do
  kill -0 "$agent" 2>/dev/null || { cat "$DIR/agent.log" >&2; exit 1; }; sleep 0.2
done
echo "agent pid $agent up in $(python3 -c "import sys,time; print(f'{time.time()-float(sys.argv[1]):.1f}')" "$t_start") s; data in $DIR" >&2

steady() { echo "${PREFIX}steady-$(( (RANDOM % STEADY) + 1 ))"; }
loop_execs() {
  local cmds=('ls -la /' 'cat /etc/hostname' 'ps' 'sh -c "for i in 1 2 3; do date; done"' 'sh -c "echo x >/tmp/exec.out; rm /tmp/exec.out"')
  while true; do docker exec "$(steady)" sh -c "${cmds[$((RANDOM % ${#cmds[@]}))]}" >/dev/null 2>&1 || true; sleep 2; done
}
loop_churn() {
  local n=0
  while true; do
    n=$((n+1))
    docker run -d --rm --network none --name "${PREFIX}churn-$n" "$IMAGE" sh -c 'echo churn start; sleep 2; echo churn end' >/dev/null 2>&1 || true
    if [ $((n % 10)) -eq 0 ]; then local c; c=$(steady); docker stop -t 1 "$c" >/dev/null 2>&1; docker start "$c" >/dev/null 2>&1 || true; fi
    sleep 6
  done
}
loop_attacks() {
  local attack=(
    'nc -w 1 127.0.0.1 1'
    'echo "evil:x:0:0::/:/bin/sh" >>/etc/passwd'
    'echo "Nmap scan report for 127.0.0.1" >/proc/1/fd/1'
    'cp /bin/busybox /tmp/suid && exec chmod u+s /tmp/suid'
    'cp /bin/busybox /tmp/.x && /tmp/.x true && rm /tmp/.x'
    'echo ZWNobyBoaQ== | base64 -d | sh'
  ) n=0
  while true; do
    local a=${attack[$((n % ${#attack[@]}))]} c; c=$(steady); n=$((n+1))
    docker exec "$c" sh -c "$a" >/dev/null 2>&1 || true
    printf '%s\t%s\t%s\n' "$(date +%s)" "$c" "$a" >>"$attacks"
    sleep 20
  done
}
loop_execs & pids+=($!)
loop_churn & pids+=($!)
loop_attacks & pids+=($!)

ticks=$(getconf CLK_TCK)
echo "elapsed_s,rss_mb,cpu_s,cpu_pct,heap_used_mb,threads,fds,events_handled,events_dropped,queue,alerts,containers,running" >"$csv"
sample() {
  local now stat rss heap status
  now=$(date +%s.%N); stat=$(awk '{print $14+$15}' "/proc/$agent/stat")
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$agent/status")
  heap=$(curl -s "127.0.0.1:$PORT/metrics" | awk 'index($0, "jvm_memory_used_bytes{area=\"heap\"") == 1 {s += $NF} END {print s + 0}')
  status=$(cat "$DIR/status.json" 2>/dev/null || echo '{}')
  python3 - "$now" "$t_start" "$stat" "$ticks" "$rss" "$heap" "$(ls "/proc/$agent/task" | wc -l)" \
    "$(ls "/proc/$agent/fd" | wc -l)" "${prev_now:-$t_start}" "${prev_stat:-0}" "$status" <<'PY' >>"$csv"
import json, sys
now, t0, stat, ticks, rss, heap, threads, fds, pnow, pstat = map(float, sys.argv[1:11])
s = json.loads(sys.argv[11])
pct = (stat - pstat) / ticks / (now - pnow) * 100
g = lambda k: s.get(k, "")
print(f"{now-t0:.0f},{rss/1024:.1f},{stat/ticks:.2f},{pct:.1f},{heap/1048576:.1f},{threads:.0f},{fds:.0f},"
      f"{g('eventsHandled')},{g('eventsDropped')},{g('queueDepth')},{g('alerts')},{g('containers')},{g('running')}")
PY
  prev_now=$now; prev_stat=$stat
}
end=$(( $(date +%s) + DURATION ))
while [ "$(date +%s)" -lt "$end" ]; do
  sleep "$INTERVAL"
  kill -0 "$agent" 2>/dev/null || { echo "agent exited; see $DIR/agent.log" >&2; exit 1; }
  sample
done
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pids=()
sleep 15; sample # the queue drains and the last alerts land
echo "attacks launched: $(wc -l <"$attacks"); alerts by rule:" >&2
python3 - "$DIR/alerts.jsonl" "$PREFIX" <<'PY' >&2
import collections, json, sys
c = collections.Counter()
for line in open(sys.argv[1]):
    a = json.loads(line)
    if (a.get("output_fields", {}).get("container.name") or "").startswith(sys.argv[2]):
        c[a["rule"]] += 1
for rule, n in c.most_common():
    print(f"  {n:6d}  {rule}")
PY
echo "samples: $csv" >&2
