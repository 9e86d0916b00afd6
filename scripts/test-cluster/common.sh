# Shared settings for up.sh / down.sh (sourced, not executed).
# shellcheck shell=bash

CACHE="${KCTL_CLUSTER_CACHE:-$HOME/.cache/kctl/test-cluster}"
STATE="${KCTL_TEST_CLUSTER_DIR:-$CACHE/run}"
PKI="$STATE/pki"

APISERVER_PORT=${KCTL_TEST_APISERVER_PORT:-16443}
ETCD_PORT=${KCTL_TEST_ETCD_PORT:-23790}
ETCD_PEER_PORT=${KCTL_TEST_ETCD_PEER_PORT:-23800}
KCM_PORT=${KCTL_TEST_KCM_PORT:-16457}
SCHEDULER_PORT=${KCTL_TEST_SCHEDULER_PORT:-16459}
KUBELET_PORT=${KCTL_TEST_KUBELET_PORT:-16250}

# Stop order: dependents first.
COMPONENTS=(node-sim kube-scheduler kube-controller-manager kube-apiserver etcd)

log() { echo "test-cluster: $*" >&2; }
die() { log "error: $*"; exit 1; }

# curl_api PATH: GET against the apiserver as admin (compact JSON).
curl_api() {
  curl -fsS --max-time 3 -A kctl-test-cluster \
    --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT$1"
}

# pid_of NAME: the recorded pid, if that process is still this component.
pid_of() {
  local f="$STATE/pids/$1.pid" pid exe
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  exe=${exe% (deleted)} # the binary may have been rebuilt since
  case "$(basename "$exe")" in
    "$1" | "kctl-$1") echo "$pid" ;;
    *) return 1 ;;
  esac
}

all_running() {
  local c
  for c in "${COMPONENTS[@]}"; do pid_of "$c" >/dev/null || return 1; done
}

# stop_all: SIGTERM every recorded process (dependents first), wait up to
# 15s for all of them, then SIGKILL stragglers.
stop_all() {
  local c pid pids=() i alive
  for c in "${COMPONENTS[@]}"; do
    if pid=$(pid_of "$c"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$STATE/pids/$c.pid"
  done
  [ "${#pids[@]}" -gt 0 ] || return 0
  for i in $(seq 1 150); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}
