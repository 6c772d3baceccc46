# shellcheck shell=bash
# shellcheck disable=SC2034  # variables set here are read by the callers
# Shared helpers for scripts/kube-up.sh, kube-down.sh and kube-user.sh.
# Sourced, never run. Everything here prints to stderr only: stdout belongs to
# the callers (kube-up.sh prints `export` lines there for `eval`).

SYNERGAI_KUBE_VERSION=1.20.2
SYNERGAI_KUBE_CONTEXT=synergai-test
SYNERGAI_CACHE="${XDG_CACHE_HOME:-${HOME:?set HOME or XDG_CACHE_HOME}/.cache}/synergai"
# The Debian mirror comes from the machine's own apt sources (see
# kube_debian_mirror below); SYNERGAI_DEBIAN_MIRROR overrides it.
SYNERGAI_DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# Written into every directory kube-up.sh manages, so that kube-down.sh never
# removes a directory it did not create.
SYNERGAI_KUBE_MARKER=.synergai-kube

export DEBIAN_FRONTEND=noninteractive

# kube_debian_mirror : prints the Debian archive this machine's apt uses (the
# first `deb` source that is not a security or updates archive), from
# /etc/apt/sources.list and /etc/apt/sources.list.d/ (one-line and deb822
# formats), unless SYNERGAI_DEBIAN_MIRROR is set. Fails when there is none.
kube_debian_mirror() {
  if [ -n "${SYNERGAI_DEBIAN_MIRROR:-}" ]; then
    printf '%s\n' "${SYNERGAI_DEBIAN_MIRROR%/}"
    return
  fi
  local etc mirror
  etc="$(apt-config shell E Dir::Etc/d 2>/dev/null | sed -n "s/^E='\(.*\)'$/\1/p")"
  etc="${etc:-/etc/apt/}"
  mirror="$(
    {
      cat "$etc"sources.list "$etc"sources.list.d/*.list 2>/dev/null |
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i !~ /=/) { print $i; break } }'
      cat "$etc"sources.list.d/*.sources 2>/dev/null |
        awk 'BEGIN { RS = ""; FS = "\n" } /(^|\n)Types:[^\n]*deb([ \t]|$|\n)/ {
               for (i = 1; i <= NF; i++) if ($i ~ /^URIs:/) { split($i, u, /[ \t]+/); print u[2] } }'
    } | grep -v -e '-security' -e '-updates' | grep -E '^(https?|file)://' | head -n1
  )"
  [ -n "$mirror" ] || kube_die "no Debian mirror in this machine's apt sources ($etc); set SYNERGAI_DEBIAN_MIRROR to the archive URL (the one holding dists/bookworm)"
  printf '%s\n' "${mirror%/}"
}

kube_log() { printf '[kube %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
kube_die() {
  printf '[kube] error: %s\n' "$*" >&2
  exit 1
}

# kube_parse_args ARGS... : sets KUBE_DIR from --dir DIR / --dir=DIR, KUBE_KEEP
# from --keep, and leaves the other arguments in KUBE_ARGS.
kube_parse_args() {
  KUBE_DIR="" KUBE_KEEP=0 KUBE_ARGS=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) [ $# -ge 2 ] || kube_die "--dir needs a directory"; KUBE_DIR="$2"; shift 2 ;;
      --dir=*) KUBE_DIR="${1#--dir=}"; shift ;;
      --keep) KUBE_KEEP=1; shift ;;
      -h|--help) KUBE_ARGS+=("$1"); shift ;;
      --) shift; KUBE_ARGS+=("$@"); break ;;
      -*) kube_die "unknown option: $1" ;;
      *) KUBE_ARGS+=("$1"); shift ;;
    esac
  done
}

# Absolute path of an existing directory.
kube_abs() { (cd "$1" && pwd -P); }

# ---------------------------------------------------------------------------
# Debian packages
# ---------------------------------------------------------------------------

kube_have_apt_lists() {
  compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

# kube_apt_install PKG... : installs the system packages that are missing.
kube_apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || kube_die "apt-get not found; install ${missing[*]} by hand"
  [ "$(id -u)" -eq 0 ] || kube_die "need root to apt-get install ${missing[*]}"
  if ! kube_have_apt_lists; then
    kube_log "apt-get update (no package lists yet)"
    apt-get update -qq </dev/null >&2 || kube_die "apt-get update failed"
  fi
  kube_log "apt-get install ${missing[*]}"
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2; then
    kube_log "install failed; refreshing package lists and retrying"
    apt-get update -qq </dev/null >&2 || kube_die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2 \
      || kube_die "apt-get install ${missing[*]} failed"
  fi
}

# A private apt configuration that never touches the system's sources, lists,
# package cache or archives: only its own directory under the synergai cache.
# kube_private_apt ROOT SOURCES_LINE -> sets KUBE_APT_OPTS (array)
kube_private_apt() {
  local root="$1" line="$2"
  mkdir -p "$root/lists/partial" "$root/archives/partial" "$root/cache"
  printf '%s\n' "$line" >"$root/sources.list"
  KUBE_APT_OPTS=(
    -o "Dir::Etc::SourceList=$root/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::Etc::Preferences=/dev/null"
    -o "Dir::Etc::PreferencesParts=/dev/null"
    -o "Dir::State::Lists=$root/lists"
    -o "Dir::Cache=$root/cache"
    -o "Dir::Cache::archives=$root/archives"
    -o "APT::Sandbox::User=root"
    -o "Acquire::Retries=3"
  )
  # Only called when something is not cached yet: always refresh, so that a
  # download never asks for a version the mirror has since replaced.
  kube_log "apt-get update (private: $line)"
  apt-get "${KUBE_APT_OPTS[@]}" update -qq </dev/null >&2 \
    || kube_die "private apt-get update failed for: $line"
}

# ---------------------------------------------------------------------------
# Go 1.15 (Debian bullseye), unpacked under the cache, never installed
# ---------------------------------------------------------------------------

kube_go_root() { echo "$SYNERGAI_CACHE/go1.15/usr/lib/go-1.15"; }

kube_fetch_go() {
  local goroot; goroot="$(kube_go_root)"
  if [ -x "$goroot/bin/go" ] && [ -e "$SYNERGAI_CACHE/go1.15/.complete" ]; then return 0; fi
  local apt="$SYNERGAI_CACHE/apt-bullseye"
  mkdir -p "$apt/debs"
  if ! compgen -G "$apt/debs/golang-1.15-go_*.deb" >/dev/null || ! compgen -G "$apt/debs/golang-1.15-src_*.deb" >/dev/null; then
    local mirror
    mirror="$(kube_debian_mirror)" || exit 1
    kube_private_apt "$apt" "deb [signed-by=$SYNERGAI_DEBIAN_KEYRING] $mirror bullseye main"
    kube_log "apt-get download golang-1.15-go golang-1.15-src (bullseye)"
    (cd "$apt/debs" && apt-get "${KUBE_APT_OPTS[@]}" download golang-1.15-go golang-1.15-src </dev/null >&2) \
      || kube_die "could not download Go 1.15 from bullseye"
  fi
  rm -rf "$SYNERGAI_CACHE/go1.15"
  mkdir -p "$SYNERGAI_CACHE/go1.15"
  local deb
  for deb in "$apt"/debs/golang-1.15-go_*.deb "$apt"/debs/golang-1.15-src_*.deb; do
    kube_log "unpacking $(basename "$deb")"
    dpkg -x "$deb" "$SYNERGAI_CACHE/go1.15"
  done
  [ -x "$goroot/bin/go" ] || kube_die "Go 1.15 not found at $goroot after unpacking"
  touch "$SYNERGAI_CACHE/go1.15/.complete"
}

# ---------------------------------------------------------------------------
# Kubernetes source (Debian bookworm's kubernetes 1.20.2, vendored) and build
# ---------------------------------------------------------------------------

kube_src_dir() { echo "$SYNERGAI_CACHE/build/kubernetes-$SYNERGAI_KUBE_VERSION"; }

kube_fetch_source() {
  local src; src="$(kube_src_dir)"
  if [ -e "$src/.complete" ]; then return 0; fi
  local apt="$SYNERGAI_CACHE/apt-bookworm-src"
  mkdir -p "$apt/src"
  # bookworm ships 1.20.2 as "1.20.5+really1.20.2"; the Debian patches only
  # touch kubectl's printers, so the upstream tarball is all we need.
  local orig
  orig="$(compgen -G "$apt/src/kubernetes_*.orig.tar.*" | head -n1 || true)"
  if [ -z "$orig" ]; then
    local mirror
    mirror="$(kube_debian_mirror)" || exit 1
    kube_private_apt "$apt" "deb-src [signed-by=$SYNERGAI_DEBIAN_KEYRING] $mirror bookworm main"
    kube_log "apt-get source --download-only kubernetes (bookworm)"
    (cd "$apt/src" && apt-get "${KUBE_APT_OPTS[@]}" source --download-only kubernetes </dev/null >&2) \
      || kube_die "could not download the kubernetes source package from bookworm"
    orig="$(compgen -G "$apt/src/kubernetes_*.orig.tar.*" | head -n1 || true)"
    [ -n "$orig" ] || kube_die "no kubernetes_*.orig.tar.* in $apt/src"
  fi
  case "$(basename "$orig")" in
    kubernetes_${SYNERGAI_KUBE_VERSION}.orig.*|kubernetes_*really${SYNERGAI_KUBE_VERSION}.orig.*) ;;
    *) kube_die "bookworm's kubernetes source is $(basename "$orig"), not $SYNERGAI_KUBE_VERSION" ;;
  esac
  rm -rf "$src"
  mkdir -p "$src"
  kube_log "unpacking $(basename "$orig")"
  tar -xf "$orig" -C "$src" --strip-components=1
  [ -d "$src/cmd/kube-apiserver" ] || kube_die "unexpected layout of $orig (no cmd/kube-apiserver)"
  touch "$src/.complete"
}

# kube_binary NAME : path of the cached NAME binary (kube-apiserver for
# kube-up.sh, kube-scheduler for the side-by-side benchmarks, kubectl for
# the deploy tests: any cmd/NAME of the tree), building it first if needed
# with `make WHAT=cmd/NAME` (see kube_build). Serialized with a lock so that
# concurrent runs share one build.
kube_binary() {
  local name="$1"
  local bin="$SYNERGAI_CACHE/$name-v$SYNERGAI_KUBE_VERSION"
  if [ -x "$bin" ]; then echo "$bin"; return 0; fi
  mkdir -p "$SYNERGAI_CACHE"
  exec {lockfd}>"$SYNERGAI_CACHE/.build.lock"
  flock "$lockfd"
  if [ ! -x "$bin" ]; then
    kube_apt_install make rsync
    local t0=$SECONDS
    kube_fetch_go
    kube_fetch_source
    kube_build "$name"
    kube_log "$name v$SYNERGAI_KUBE_VERSION built and cached in $((SECONDS - t0)) s: $bin"
  fi
  exec {lockfd}>&-
  echo "$bin"
}

kube_build() {
  local name="$1"
  local src gopath goroot bin="$SYNERGAI_CACHE/$name-v$SYNERGAI_KUBE_VERSION"
  src="$(kube_src_dir)"; goroot="$(kube_go_root)"
  gopath="$SYNERGAI_CACHE/build/gopath"
  mkdir -p "$gopath/src/k8s.io"
  ln -sfn "$src" "$gopath/src/k8s.io/kubernetes"
  # No git here: give the version stamp that `kubectl version` would show.
  cat >"$SYNERGAI_CACHE/build/version.env" <<EOF
KUBE_GIT_COMMIT=''
KUBE_GIT_TREE_STATE='archive'
KUBE_GIT_VERSION='v$SYNERGAI_KUBE_VERSION'
KUBE_GIT_MAJOR='${SYNERGAI_KUBE_VERSION%%.*}'
KUBE_GIT_MINOR='$(echo "$SYNERGAI_KUBE_VERSION" | cut -d. -f2)'
EOF
  kube_log "building $name with Go 1.15 in GOPATH mode (takes several minutes; log: $SYNERGAI_CACHE/build/$name.log)"
  (
    cd "$gopath/src/k8s.io/kubernetes"
    export GOROOT="$goroot" GOPATH="$gopath" PATH="$goroot/bin:$PATH"
    export GO111MODULE=off CGO_ENABLED=0 GOFLAGS="" GOPROXY=off GOTOOLCHAIN=local
    export GOCACHE="$SYNERGAI_CACHE/build/gocache"
    export KUBE_GIT_VERSION_FILE="$SYNERGAI_CACHE/build/version.env"
    export KUBE_VERBOSE=1
    # Kubernetes' Makefile writes into $OUT_DIR when it is set, and cargo
    # sets it for the tests it runs (synergai has a build script): the
    # live tests would build into target/debug/build/… and fail.
    unset GOBIN GOOS GOARCH OUT_DIR
    make WHAT="cmd/$name" </dev/null
  ) >"$SYNERGAI_CACHE/build/$name.log" 2>&1 || {
    tail -n 40 "$SYNERGAI_CACHE/build/$name.log" >&2
    kube_die "building $name failed; full log: $SYNERGAI_CACHE/build/$name.log"
  }
  local out
  out="$(find "$src/_output" -type f -name "$name" -perm -u+x 2>/dev/null | head -n1)"
  [ -n "$out" ] || kube_die "build finished but no $name binary under $src/_output"
  cp "$out" "$bin.tmp.$$"
  mv -f "$bin.tmp.$$" "$bin"
}

# ---------------------------------------------------------------------------
# PKI and kubeconfigs
# ---------------------------------------------------------------------------

# kube_make_ca DIR : DIR/pki/ca.{crt,key}
kube_make_ca() {
  local pki="$1/pki"
  mkdir -p "$pki"
  chmod 700 "$pki"
  openssl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days 3650 \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" -subj "/CN=synergai-test-ca" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null \
    || kube_die "openssl could not make the CA"
}

# kube_sign_cert CA_DIR OUT_DIR NAME SUBJECT (server|client) [SAN]
#   -> OUT_DIR/NAME.{crt,key}, signed by CA_DIR/ca.{crt,key}
kube_sign_cert() {
  local ca="$1" pki="$2" name="$3" subj="$4" kind="$5" san="${6:-}"
  local ext="$pki/$name.ext"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "subjectKeyIdentifier=hash"
    echo "authorityKeyIdentifier=keyid,issuer"
    if [ "$kind" = server ]; then
      echo "extendedKeyUsage=serverAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl req -new -nodes -newkey rsa:2048 -sha256 -keyout "$pki/$name.key" \
    -out "$pki/$name.csr" -subj "$subj" 2>/dev/null \
    || kube_die "openssl could not make a key for $name"
  openssl x509 -req -sha256 -days 3650 -in "$pki/$name.csr" -CA "$ca/ca.crt" \
    -CAkey "$ca/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -out "$pki/$name.crt" -extfile "$ext" 2>/dev/null \
    || kube_die "openssl could not sign the certificate of $name"
  rm -f "$pki/$name.csr" "$pki/$name.ext"
  chmod 600 "$pki/$name.key"
}

# kube_subject CN [GROUP...] : an openssl -subj with O= for each group
kube_subject() {
  local s="" g cn="$1"; shift
  for g in "$@"; do s+="/O=$g"; done
  printf '%s/CN=%s' "$s" "$cn"
}

# kube_write_kubeconfig FILE SERVER CA_CRT USER CLIENT_CRT CLIENT_KEY
# Certificates are embedded, so the file can be copied around on its own.
kube_write_kubeconfig() {
  local file="$1" server="$2" ca="$3" user="$4" crt="$5" key="$6"
  local tmp="$file.tmp.$$"
  cat >"$tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $SYNERGAI_KUBE_CONTEXT
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 <"$ca")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 <"$crt")
    client-key-data: $(base64 -w0 <"$key")
contexts:
- name: $SYNERGAI_KUBE_CONTEXT
  context:
    cluster: $SYNERGAI_KUBE_CONTEXT
    user: $user
    namespace: default
current-context: $SYNERGAI_KUBE_CONTEXT
EOF
  chmod 600 "$tmp"
  mv -f "$tmp" "$file"
}

# kube_pid_alive PID NAME : true if PID runs a process whose command is NAME
kube_pid_alive() {
  local pid="$1" name="$2" comm
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
  # a zombie (exited, not yet reaped by whoever adopted it) is not running
  case "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" in Z|X|"") return 1 ;; esac
  # /proc/PID/comm is the executable's name cut at 15 characters: the cached
  # kube-apiserver-v1.20.2 shows as "kube-apiserver-".
  case "$comm" in "${name:0:15}"*) return 0 ;; esac
  return 1
}

# kube_stop_pids DIR : stops every process listed in DIR/pids, the last
# started first (kube-apiserver before its etcd): TERM, then KILL after 5 s.
kube_stop_pids() {
  local dir="$1" name pid
  [ -f "$dir/pids" ] || return 0
  while read -r name pid; do
    [ -n "${pid:-}" ] || continue
    kube_pid_alive "$pid" "$name" || continue
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kube_pid_alive "$pid" "$name" || break
      sleep 0.1
    done
    if kube_pid_alive "$pid" "$name"; then
      kube_log "$name ($pid) still running 5 s after TERM; KILL"
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do
        kube_pid_alive "$pid" "$name" || break
        sleep 0.1
      done
    fi
    kube_log "stopped $name ($pid)"
  done < <(tac "$dir/pids")
  rm -f "$dir/pids"
}

# kube_free_ports N : N distinct free TCP ports on 127.0.0.1, on one line
kube_free_ports() {
  local n="$1"
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$n" <<'PY' && return 0
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
  fi
  # No python3: random ports below the ephemeral range that nothing answers on.
  local ports=() p
  while [ ${#ports[@]} -lt "$n" ]; do
    p=$((20000 + RANDOM % 12000))
    case " ${ports[*]} " in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then ports+=("$p"); fi
  done
  echo "${ports[*]}"
}

# kube_etcd_binary : path of an etcd binary: the system's (Debian's
# etcd-server, installed if missing), or, where this Debian release has no
# etcd-server, bookworm's package unpacked under the cache.
kube_etcd_binary() {
  if command -v etcd >/dev/null 2>&1; then command -v etcd; return 0; fi
  local cand=""
  if command -v apt-cache >/dev/null 2>&1; then
    if ! kube_have_apt_lists && [ "$(id -u)" -eq 0 ]; then
      kube_log "apt-get update (no package lists yet)"
      apt-get update -qq </dev/null >&2 || true
    fi
    cand="$(apt-cache policy etcd-server 2>/dev/null | awk '/Candidate:/ {print $2}')"
  fi
  if [ -n "$cand" ] && [ "$cand" != "(none)" ]; then
    kube_apt_install etcd-server
    command -v etcd >/dev/null 2>&1 || kube_die "etcd-server is installed but no etcd is on PATH"
    command -v etcd
    return 0
  fi
  local root="$SYNERGAI_CACHE/etcd" bin="$SYNERGAI_CACHE/etcd/usr/bin/etcd"
  if [ ! -x "$bin" ]; then
    local apt="$SYNERGAI_CACHE/apt-bookworm"
    local mirror
    mirror="$(kube_debian_mirror)" || exit 1
    kube_private_apt "$apt" "deb [signed-by=$SYNERGAI_DEBIAN_KEYRING] $mirror bookworm main"
    mkdir -p "$apt/debs"
    kube_log "this Debian has no etcd-server; apt-get download etcd-server (bookworm)"
    (cd "$apt/debs" && apt-get "${KUBE_APT_OPTS[@]}" download etcd-server </dev/null >&2) \
      || kube_die "could not download etcd-server from bookworm"
    dpkg -x "$(compgen -G "$apt/debs/etcd-server_*.deb" | head -n1)" "$root"
    [ -x "$bin" ] || kube_die "no etcd in the unpacked etcd-server package"
  fi
  echo "$bin"
}

# ---------------------------------------------------------------------------
# Starting the processes (kube-up.sh starts them afresh, kube-restart.sh
# again on the same ports and data)
# ---------------------------------------------------------------------------

# kube_admin_curl DIR ARGS... : curl as the admin client of DIR
kube_admin_curl() {
  local pki="$1/pki"; shift
  curl -sS --max-time 5 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$@"
}

kube_etcd_healthy() { curl -sf --max-time 2 "http://127.0.0.1:$1/health" 2>/dev/null | grep -q '"health":"true"'; }
kube_api_ready() { [ "$(kube_admin_curl "$1" "$2/readyz" 2>/dev/null || true)" = ok ]; }
kube_default_ns() { [ "$(kube_admin_curl "$1" -o /dev/null -w '%{http_code}' "$2/api/v1/namespaces/default" 2>/dev/null || true)" = 200 ]; }

# kube_wait_for DIR SECONDS WHAT COMMAND... : polls COMMAND until it
# succeeds, failing early when a process listed in DIR/pids has died.
kube_wait_for() {
  local dir="$1" deadline=$((SECONDS + $2)) what="$3"; shift 3
  until "$@"; do
    local name pid
    while read -r name pid; do
      kube_pid_alive "$pid" "$name" || { kube_log "$name exited; last lines of $dir/$name.log:"; tail -n 25 "$dir/$name.log" >&2; return 1; }
    done <"$dir/pids"
    [ "$SECONDS" -lt "$deadline" ] || { kube_log "timed out waiting for $what"; return 1; }
    sleep 0.25
  done
}

# kube_start_etcd DIR ETCD_BINARY CLIENT_PORT PEER_PORT : etcd with its data
# in DIR/etcd (kept if there), listed in DIR/pids; waits until healthy.
kube_start_etcd() {
  local dir="$1" etcd="$2" port="$3" peer="$4"
  kube_log "starting etcd on 127.0.0.1:$port"
  setsid "$etcd" --name synergai \
    --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$port" \
    --advertise-client-urls "http://127.0.0.1:$port" \
    --listen-peer-urls "http://127.0.0.1:$peer" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "synergai=http://127.0.0.1:$peer" \
    --initial-cluster-state new \
    --logger zap --log-outputs stderr \
    </dev/null >>"$dir/etcd.log" 2>&1 &
  echo "etcd $!" >>"$dir/pids"
  kube_wait_for "$dir" 30 "etcd health" kube_etcd_healthy "$port"
}

# kube_start_apiserver DIR APISERVER_BINARY ETCD_PORT API_PORT : the API
# server (TLS, client certificates, RBAC), listed in DIR/pids; waits until
# /readyz answers. SYNERGAI_KUBE_APISERVER_ARGS adds flags (word-split).
kube_start_apiserver() {
  local dir="$1" apiserver="$2" etcd_port="$3" port="$4" pki="$1/pki"
  kube_log "starting kube-apiserver on https://127.0.0.1:$port"
  # shellcheck disable=SC2086
  setsid "$apiserver" \
    --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 \
    --secure-port="$port" \
    --cert-dir="$pki" \
    --tls-cert-file="$pki/apiserver.crt" \
    --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" \
    --authorization-mode=Node,RBAC \
    --service-account-key-file="$pki/sa.pub" \
    --service-account-signing-key-file="$pki/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range=10.96.0.0/16 \
    --endpoint-reconciler-type=none \
    --disable-admission-plugins=ServiceAccount \
    --allow-privileged=true \
    --profiling=false \
    ${SYNERGAI_KUBE_APISERVER_ARGS:-} \
    </dev/null >>"$dir/kube-apiserver.log" 2>&1 &
  echo "kube-apiserver $!" >>"$dir/pids"
  kube_wait_for "$dir" 60 "kube-apiserver /readyz" kube_api_ready "$dir" "https://127.0.0.1:$port"
}
