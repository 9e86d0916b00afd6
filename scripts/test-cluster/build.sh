#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and kube-scheduler v1.20.2 from
# Debian's `kubernetes` source package and caches them. A cached build is reused.
set -euo pipefail

VERSION=v1.20.2
CACHE="${KCTL_CLUSTER_CACHE:-$HOME/.cache/kctl/test-cluster}"
BIN="$CACHE/$VERSION/bin"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler)

have_all() { for b in "${BINARIES[@]}"; do [ -x "$BIN/$b" ] || return 1; done; }
if have_all; then echo "test-cluster: using cached binaries in $BIN"; exit 0; fi

log() { echo "test-cluster: $*" >&2; }

need_pkgs=()
for p in golang-1.19-go rsync etcd-server golang-github-modern-go-reflect2-dev dpkg-dev openssl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_pkgs+=("$p")
done

if [ ! -f /etc/apt/sources.list.d/kctl-deb-src.sources ]; then
  cat > /etc/apt/sources.list.d/kctl-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt_update=1
fi
if [ "${#need_pkgs[@]}" -gt 0 ] || [ -n "${apt_update:-}" ]; then
  log "apt-get update"
  apt-get update -qq || apt-get update
fi
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

WORK="$CACHE/$VERSION/src"
mkdir -p "$WORK"
cd "$WORK"
tree=$(find . -maxdepth 1 -type d -name 'kubernetes-1.20*' | head -n1)
if [ -z "$tree" ]; then
  log "fetching source package"
  apt-get source -qq kubernetes >/dev/null
  tree=$(find . -maxdepth 1 -type d -name 'kubernetes-1.20*' | head -n1)
fi
[ -n "$tree" ] || { log "source tree not found after apt-get source"; exit 1; }
cd "$tree"
ROOT=$PWD

# The vendored reflect2 v1.0.1 corrupts map iteration under Go >= 1.18 and the
# apiserver dies with "fatal error: fault"; 1.0.2 is the upstream fix.
R2=/usr/share/gocode/src/github.com/modern-go/reflect2
VR2=vendor/github.com/modern-go/reflect2
if ! cmp -s "$R2/reflect2.go" "$VR2/reflect2.go"; then
  log "replacing vendored reflect2 with Debian's 1.0.2"
  rm -f "$VR2"/*.go "$VR2"/*.s
  cp "$R2"/*.go "$VR2"/
  cp "$R2"/*.s "$VR2"/ 2>/dev/null || true
  rm -f "$VR2"/*_test.go
fi

export PATH=/usr/lib/go-1.19/bin:$PATH GOPATH=$ROOT/.go CGO_ENABLED=0 GOFLAGS=-mod=vendor
mkdir -p .go/src/k8s.io
ln -sfn "$ROOT" .go/src/k8s.io/kubernetes
log "building ${BINARIES[*]} (15-20 minutes cold on 2 cores)"
cd .go/src/k8s.io/kubernetes
make WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler" KUBE_VERBOSE=0 >"$CACHE/$VERSION/build.log" 2>&1 || {
  tail -n 60 "$CACHE/$VERSION/build.log" >&2; exit 1; }
mkdir -p "$BIN"
for b in "${BINARIES[@]}"; do
  src=$(find "$ROOT/_output" -type f -name "$b" -perm -u+x | head -n1)
  [ -n "$src" ] || { log "$b was not built"; exit 1; }
  cp "$src" "$BIN/$b.tmp" && mv "$BIN/$b.tmp" "$BIN/$b"
done
log "built into $BIN"
