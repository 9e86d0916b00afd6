#!/usr/bin/env bash
# Stops the test cluster started by up.sh (node-sim, scheduler, controller
# manager, apiserver, etcd). Certificates, tokens and kubeconfigs are kept
# so the next up.sh reuses them; pass --purge to delete the state dir too.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$HERE/common.sh"

[ -d "$STATE" ] || { log "nothing to stop ($STATE does not exist)"; exit 0; }
exec 9>"$STATE/.lock"
flock -w 900 9 || die "timed out waiting for the lock $STATE/.lock"
stop_all
log "stopped"
if [ "${1:-}" = "--purge" ]; then
  rm -rf "$STATE"
  log "removed $STATE"
fi
