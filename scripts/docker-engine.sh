#!/usr/bin/env bash
# Makes sure a Docker engine answers on the local socket, installing and starting one if needed.
#   scripts/docker-engine.sh start    install docker.io if missing, start dockerd unless an engine answers
#   scripts/docker-engine.sh stop     stop the dockerd this script started (used by the daemon-restart test)
#   scripts/docker-engine.sh restart
#   scripts/docker-engine.sh status   exit 0 when an engine answers
# Copes with a stale /var/run/docker.pid left by a dockerd that ended with its session, and with an
# engine that is already running (it is then left alone).
set -euo pipefail

PIDFILE=/var/run/docker.pid
LOG=${VIGIL_DOCKERD_LOG:-/var/log/vigil-dockerd.log}
SOCK=/var/run/docker.sock

answers() { [ -S "$SOCK" ] && timeout 5 curl -sf --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1; }

need_root() { [ "$(id -u)" = 0 ] || { echo "docker-engine.sh: must run as root to $1" >&2; exit 1; }; }

install_if_missing() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v ps >/dev/null 2>&1 || missing+=(procps)
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root "install ${missing[*]}"
  echo "docker-engine.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

pid_alive() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE" 2>/dev/null)" 2>/dev/null; }

start() {
  install_if_missing
  if answers; then echo "docker-engine.sh: engine already answering on $SOCK" >&2; return 0; fi
  need_root "start dockerd"
  if [ -f "$PIDFILE" ] && ! pid_alive; then
    echo "docker-engine.sh: removing stale $PIDFILE" >&2
    rm -f "$PIDFILE"
  fi
  if ! pid_alive; then
    # --bridge=none: no default bridge (and no NAT to the outside); tests use --network none or --internal networks.
    nohup dockerd --bridge=none >>"$LOG" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 120); do
    answers && { echo "docker-engine.sh: engine up" >&2; return 0; }
    sleep 0.5
  done
  echo "docker-engine.sh: dockerd did not answer within 60 s; last lines of $LOG:" >&2
  tail -n 20 "$LOG" >&2 || true
  return 1
}

stop() {
  need_root "stop dockerd"
  if pid_alive; then
    local pid; pid=$(cat "$PIDFILE")
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" || true
  fi
  rm -f "$PIDFILE"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) answers ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
