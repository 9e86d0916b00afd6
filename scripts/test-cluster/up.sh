#!/usr/bin/env bash
# Brings up (or reuses) kctl's loopback test cluster: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler (v1.20.2) and kctl-node-sim.
# Prints the kubeconfig path on stdout; progress and errors go to stderr.
#
# Environment:
#   KCTL_TEST_CLUSTER_DIR      state dir (default ~/.cache/kctl/test-cluster/run)
#   KCTL_CLUSTER_CACHE         binary cache for build.sh (default ~/.cache/kctl/test-cluster)
#   KCTL_NODE_SIM              use this node-sim binary instead of building it
#   KCTL_TEST_NODES            simulated nodes (default 3)
#   KCTL_TEST_TIMEOUT          seconds to wait for the cluster (default 180)
#   KCTL_TEST_APISERVER_PORT   16443     KCTL_TEST_ETCD_PORT       23790
#   KCTL_TEST_ETCD_PEER_PORT   23800     KCTL_TEST_KCM_PORT        16457
#   KCTL_TEST_SCHEDULER_PORT   16459     KCTL_TEST_KUBELET_PORT    16250 (node i: +i-1)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=common.sh
. "$HERE/common.sh"

NODES=${KCTL_TEST_NODES:-3}
TIMEOUT=${KCTL_TEST_TIMEOUT:-180}
[ "$NODES" -ge 1 ] && [ "$NODES" -le 8 ] || die "KCTL_TEST_NODES must be 1..8"

mkdir -p "$STATE"
exec 9>"$STATE/.lock"
flock -w 900 9 || die "timed out waiting for another up.sh/down.sh (lock $STATE/.lock)"

# ---------------------------------------------------------------- fast path
# A loaded machine can make /readyz slow: retry before declaring it dead.
healthy() {
  local i
  all_running || return 1
  for i in 1 2 3; do
    curl_api /readyz 2>/dev/null | grep -qx ok && return 0
    all_running || return 1
    sleep 1
  done
  return 1
}
if healthy; then
  echo "$STATE/kubeconfig"
  exit 0
fi

log "starting a fresh cluster in $STATE"
stop_all
rm -rf "$STATE/etcd-data" "$STATE/logs" "$STATE/pids"
mkdir -p "$STATE/logs" "$STATE/pids" "$PKI" "$STATE/node-sim"

# Anything still listening on our ports (a process whose pid file was lost,
# another cluster) would make a component fail later with a vaguer error.
for port in "$APISERVER_PORT" "$ETCD_PORT" "$ETCD_PEER_PORT" "$KCM_PORT" "$SCHEDULER_PORT" \
  $(seq "$KUBELET_PORT" $((KUBELET_PORT + NODES - 1))); do
  if ss -Htln "sport = :$port" | grep -q .; then
    die "port $port is already in use: $(ss -Htlnp "sport = :$port" | head -n1 | tr -s ' ')"
  fi
done

# ---------------------------------------------------------------- binaries
"$HERE/build.sh" >&2
KBIN="$CACHE/v1.20.2/bin"
ETCD=$(command -v etcd || echo /usr/bin/etcd)
[ -x "$ETCD" ] || die "etcd not found (build.sh installs etcd-server)"

# fresh BIN: BIN exists and nothing under tools/node-sim is newer.
fresh() { [ -x "$1" ] && [ -z "$(find "$REPO/tools/node-sim" -type f -newer "$1" -print -quit)" ]; }
if [ -n "${KCTL_NODE_SIM:-}" ]; then
  SIM=$KCTL_NODE_SIM
else
  target=${CARGO_TARGET_DIR:-$REPO/target}
  SIM=$target/debug/kctl-node-sim
  if ! fresh "$SIM" && [ -n "${CARGO:-}" ]; then
    # Under `cargo test` the outer cargo holds the target dir lock for the
    # whole run; a nested build there would deadlock, so use a separate dir.
    target=$REPO/target/node-sim-nested
    SIM=$target/debug/kctl-node-sim
  fi
  if ! fresh "$SIM"; then
    log "building kctl-node-sim"
    CARGO_TARGET_DIR=$target cargo build -q -p kctl-node-sim --manifest-path "$REPO/Cargo.toml" >&2 ||
      die "building kctl-node-sim failed"
  fi
fi
[ -x "$SIM" ] || die "node-sim binary $SIM is missing"

# ---------------------------------------------------------------- PKI
# Keys: RSA 2048, PKCS#1 ("BEGIN RSA PRIVATE KEY") like kubeadm writes.
genkey() { [ -s "$1" ] || openssl genrsa -traditional -out "$1" 2048 2>/dev/null; }

# mkca NAME CN
mkca() {
  [ -s "$PKI/$1.crt" ] && return 0
  genkey "$PKI/$1.key"
  openssl req -x509 -new -sha256 -days 3650 -key "$PKI/$1.key" -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign,cRLSign" \
    -out "$PKI/$1.crt" 2>/dev/null
}

# mkcert NAME SUBJECT EKU [SAN] [CA]
mkcert() {
  local name=$1 subj=$2 eku=$3 san=${4:-} ca=${5:-ca}
  [ -s "$PKI/$name.crt" ] && return 0
  genkey "$PKI/$name.key"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    echo "subjectKeyIdentifier=hash"
    echo "authorityKeyIdentifier=keyid"
    [ -n "$san" ] && echo "subjectAltName=$san"
  } >"$PKI/$name.ext"
  openssl req -new -sha256 -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -sha256 -days 3650 -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" \
    -CAcreateserial -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

mkca ca kctl-test-ca
mkca wrong-ca kctl-unrelated-ca
mkcert apiserver "/CN=kube-apiserver" serverAuth \
  "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
mkca front-proxy-ca kctl-front-proxy-ca
mkcert front-proxy-client "/CN=front-proxy-client" clientAuth "" front-proxy-ca
mkcert admin "/O=system:masters/CN=kctl-admin" clientAuth
mkcert kubelet "/CN=kctl-node-sim" serverAuth "IP:127.0.0.1,DNS:localhost"
mkcert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
genkey "$PKI/sa.key"
[ -s "$PKI/sa.pub" ] || openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
chmod 600 "$PKI"/*.key
ln -sfn pki/ca.crt "$STATE/ca.crt"
ln -sfn pki/wrong-ca.crt "$STATE/wrong-ca.crt"

# ---------------------------------------------------------------- tokens
token() { [ -s "$STATE/$1.token" ] || openssl rand -hex 24 >"$STATE/$1.token"; cat "$STATE/$1.token"; }
ADMIN_TOKEN=$(token admin)
RESTRICTED_TOKEN=$(token restricted)
cat >"$STATE/tokens.csv" <<EOF
$ADMIN_TOKEN,kctl-token-admin,kctl-token-admin,"system:masters"
$RESTRICTED_TOKEN,kctl-restricted,kctl-restricted
EOF
chmod 600 "$STATE/tokens.csv" "$STATE"/*.token

# ---------------------------------------------------------------- kubeconfigs
SERVER=https://127.0.0.1:$APISERVER_PORT
write_kubeconfig() { # FILE CA
  cat >"$1.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kctl-test
  cluster:
    server: $SERVER
    certificate-authority: $2
users:
- name: admin
  user:
    client-certificate: $PKI/admin.crt
    client-key: $PKI/admin.key
- name: token-admin
  user:
    token: $ADMIN_TOKEN
- name: restricted
  user:
    token: $RESTRICTED_TOKEN
contexts:
- name: admin
  context:
    cluster: kctl-test
    user: admin
- name: token
  context:
    cluster: kctl-test
    user: token-admin
- name: restricted
  context:
    cluster: kctl-test
    user: restricted
current-context: admin
preferences: {}
EOF
  chmod 600 "$1.tmp"
  mv "$1.tmp" "$1"
}
write_kubeconfig "$STATE/kubeconfig" "$PKI/ca.crt"
write_kubeconfig "$STATE/kubeconfig-wrong-ca" "$PKI/wrong-ca.crt"
# Component kubeconfig (admin client cert) for kcm, scheduler.
cp "$STATE/kubeconfig" "$STATE/components.kubeconfig"

cat >"$STATE/env" <<EOF
# source this file: . $STATE/env
export KUBECONFIG=$STATE/kubeconfig
export KCTL_TEST_CLUSTER_DIR=$STATE
export KCTL_TEST_SERVER=$SERVER
export KCTL_TEST_CA=$PKI/ca.crt
export KCTL_TEST_WRONG_CA=$PKI/wrong-ca.crt
export KCTL_TEST_WRONG_CA_KUBECONFIG=$STATE/kubeconfig-wrong-ca
export KCTL_TEST_CLIENT_CERT=$PKI/admin.crt
export KCTL_TEST_CLIENT_KEY=$PKI/admin.key
export KCTL_TEST_ADMIN_TOKEN=$ADMIN_TOKEN
export KCTL_TEST_RESTRICTED_TOKEN=$RESTRICTED_TOKEN
export KCTL_TEST_NODES=$NODES
export KCTL_TEST_NODE_NAMES="$(for i in $(seq 1 "$NODES"); do printf 'kctl-node-%s ' "$i"; done | sed 's/ $//')"
export KCTL_TEST_KUBELET_PORT=$KUBELET_PORT
EOF

# ---------------------------------------------------------------- processes
# start NAME CMD... : detached (own session), no inherited fds, logs to file.
start() {
  local name=$1; shift
  setsid "$@" </dev/null >"$STATE/logs/$name.log" 2>&1 9>&- &
  echo $! >"$STATE/pids/$name.pid"
}

deadline=$(( $(date +%s) + TIMEOUT ))
# wait_for WHAT LOG CMD... : polls CMD until it succeeds or the deadline passes.
wait_for() {
  local what=$1 logname=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "timed out after ${TIMEOUT}s waiting for $what"
      for l in $logname; do
        echo "---- tail $STATE/logs/$l.log" >&2
        tail -n 25 "$STATE/logs/$l.log" >&2 || true
      done
      exit 1
    fi
    for p in "$STATE"/pids/*.pid; do
      local n; n=$(basename "$p" .pid)
      if ! kill -0 "$(cat "$p")" 2>/dev/null; then
        log "$n exited while waiting for $what"
        echo "---- tail $STATE/logs/$n.log" >&2
        tail -n 40 "$STATE/logs/$n.log" >&2 || true
        exit 1
      fi
    done
    sleep 0.3
  done
}

start etcd "$ETCD" --name kctl-test \
  --data-dir "$STATE/etcd-data" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "kctl-test=http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster-state new \
  --quota-backend-bytes 1073741824
wait_for "etcd" etcd curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health"

start kube-apiserver "$KBIN/kube-apiserver" \
  --bind-address=127.0.0.1 \
  --advertise-address=127.0.0.1 \
  --secure-port="$APISERVER_PORT" \
  --insecure-port=0 \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --token-auth-file="$STATE/tokens.csv" \
  --authorization-mode=Node,RBAC \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" \
  --service-account-signing-key-file="$PKI/sa.key" \
  --api-audiences=https://kubernetes.default.svc.cluster.local \
  --service-cluster-ip-range=10.96.0.0/16 \
  --kubelet-preferred-address-types=InternalIP \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority="$PKI/ca.crt" \
  --endpoint-reconciler-type=none \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" \
  --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User \
  --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" \
  --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --allow-privileged=true \
  --profiling=false \
  --cert-dir="$STATE/apiserver-certs"
api_ready() { curl_api /readyz | grep -qx ok; }
wait_for "kube-apiserver /readyz" kube-apiserver api_ready

start kube-controller-manager "$KBIN/kube-controller-manager" \
  --kubeconfig="$STATE/components.kubeconfig" \
  --authentication-kubeconfig="$STATE/components.kubeconfig" \
  --authorization-kubeconfig="$STATE/components.kubeconfig" \
  --leader-elect=false \
  --controllers='*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service,-route' \
  --service-account-private-key-file="$PKI/sa.key" \
  --root-ca-file="$PKI/ca.crt" \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --use-service-account-credentials \
  --bind-address=127.0.0.1 --port=0 --secure-port="$KCM_PORT" \
  --cert-dir="$STATE/kcm-certs" \
  --profiling=false

start kube-scheduler "$KBIN/kube-scheduler" \
  --kubeconfig="$STATE/components.kubeconfig" \
  --authentication-kubeconfig="$STATE/components.kubeconfig" \
  --authorization-kubeconfig="$STATE/components.kubeconfig" \
  --leader-elect=false \
  --bind-address=127.0.0.1 --port=0 --secure-port="$SCHEDULER_PORT" \
  --cert-dir="$STATE/scheduler-certs" \
  --profiling=false

start node-sim "$SIM" \
  --apiserver "$SERVER" \
  --ca-file "$PKI/ca.crt" \
  --client-cert "$PKI/admin.crt" --client-key "$PKI/admin.key" \
  --serving-cert "$PKI/kubelet.crt" --serving-key "$PKI/kubelet.key" \
  --nodes "$NODES" --base-port "$KUBELET_PORT" \
  --state-dir "$STATE/node-sim"

nodes_ready() {
  [ "$(curl_api '/api/v1/nodes?labelSelector=sim.kctl.dev%2Fnode%3Dtrue' |
    grep -o '"type":"Ready","status":"True"' | wc -l)" -ge "$NODES" ]
}
sa_ready() {
  curl_api /api/v1/namespaces/default/serviceaccounts/default | grep -q '"secrets":\[{'
}
wait_for "$NODES Ready nodes" "node-sim kube-apiserver" nodes_ready
wait_for "the default service account (and its token)" "kube-controller-manager" sa_ready

log "cluster is up: KUBECONFIG=$STATE/kubeconfig (. $STATE/env)"
echo "$STATE/kubeconfig"
