#!/usr/bin/env bash
# Builds the synergai container image without a registry, a daemon or a base
# image: FROM scratch plus the release binary, the shared libraries it links
# (with the dynamic loader), /etc/passwd and /etc/group naming the nonroot
# user 65532, /tmp and the user's home. The same entrypoint, command, user,
# port and labels as the Dockerfile (tests/image.rs checks both).
#
#   scripts/build-image.sh [--binary PATH] [--out DIR]
#
# Writes DIR/synergai-<version>.oci.tar (default DIR: target/image, under
# $CARGO_TARGET_DIR when set), an oci-archive holding one image named
# synergai:<version>, and prints its path on stdout (progress goes to stderr).
# Load it with
#   podman load -i target/image/synergai-0.1.0.oci.tar
#   podman tag synergai:0.1.0 synergai:latest
# or, for docker (skopeo converts it; docker cannot read an oci-archive):
#   skopeo copy oci-archive:target/image/synergai-0.1.0.oci.tar docker-daemon:synergai:0.1.0
#   skopeo copy --additional-tag synergai:latest \
#     oci-archive:target/image/synergai-0.1.0.oci.tar docker-archive:synergai.tar:synergai:0.1.0
#   docker load -i synergai.tar
#
# --binary defaults to target/release/synergai, built with `cargo build
# --release --locked` when missing. The binary is copied with its debug
# information stripped (its symbols stay); the version and commit come from
# its own `--version`, the version must be Cargo.toml's. The revision label is
# that commit, the created label and every file time the commit's time
# (SOURCE_DATE_EPOCH overrides it), so the same binary gives the same archive.
#
# No CA bundle: in a pod the scheduler trusts only the service account's CA
# (kube's client uses the kubeconfig's or the in-cluster CA whenever there is
# one), so a system bundle would never be read.
#
# Needs umoci (and binutils for objcopy); installs them with apt-get if
# missing (root). Runs as root: the layer records file owners.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
# shellcheck source=scripts/kube-lib.sh
source "$HERE/kube-lib.sh"

IMAGE_NAME=synergai
IMAGE_USER=65532:65532
IMAGE_ENTRYPOINT=/usr/local/bin/synergai
IMAGE_CMD=(scheduler run --kube)
IMAGE_PORT=10251/tcp

log() { printf '[image] %s\n' "$*" >&2; }
die() {
  printf '[image] error: %s\n' "$*" >&2
  exit 1
}
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; }

target_dir="${CARGO_TARGET_DIR:-$ROOT/target}"
binary="" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) [ $# -ge 2 ] || die "--binary needs a path"; binary="$2"; shift 2 ;;
    --binary=*) binary="${1#--binary=}"; shift ;;
    --out) [ $# -ge 2 ] || die "--out needs a directory"; out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage; die "unexpected argument: $1" ;;
  esac
done
out="${out:-$target_dir/image}"

if [ -z "$binary" ]; then
  binary="$target_dir/release/synergai"
  if [ ! -x "$binary" ]; then
    log "no release binary at $binary: cargo build --release --locked"
    (cd "$ROOT" && cargo build --release --locked >&2)
  fi
fi
[ -x "$binary" ] || die "not an executable: $binary"
[ "$(id -u)" -eq 0 ] || die "run as root: the image's files belong to root and to 65532"

command -v umoci >/dev/null || kube_apt_install umoci
command -v objcopy >/dev/null || kube_apt_install binutils

# What the binary says it is: "synergai 0.1.0 (commit 0123456789ab)".
version_line="$("$binary" --version)" || die "$binary --version failed"
read -r _ version _ commit <<<"$version_line"
commit="${commit%)}"
[[ -n "$version" && -n "$commit" ]] || die "unexpected --version output: $version_line"
cargo_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n1)"
[ "$version" = "$cargo_version" ] \
  || die "$binary is version $version but Cargo.toml says $cargo_version: rebuild it"
description="$(sed -n 's/^description = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n1)"
license="$(sed -n 's/^license = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n1)"
repository="$(sed -n 's/^repository = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n1)"

revision="" epoch=""
if [ "$commit" != unknown ]; then
  revision="$(git -C "$ROOT" rev-parse --verify -q "$commit^{commit}" 2>/dev/null || echo "$commit")"
  epoch="$(git -C "$ROOT" show -s --format=%ct "$revision" 2>/dev/null || true)"
  head="$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || true)"
  [ -z "$head" ] || [ "$head" = "$commit" ] \
    || log "warning: $binary was built from $commit, the checkout is at $head; the image says $commit"
else
  log "warning: $binary does not know its commit: no revision label"
fi
epoch="${SOURCE_DATE_EPOCH:-${epoch:-$(date +%s)}}"
created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"

work="$(mktemp -d "${TMPDIR:-/tmp}/synergai-image.XXXXXX")"
trap 'rm -rf "$work"' EXIT
layout="$work/layout" bundle="$work/bundle" ref="$IMAGE_NAME:$version"
umask 022

log "image $ref from $binary (commit $commit)"
umoci init --layout "$layout"
umoci new --image "$layout:$ref"
umoci unpack --image "$layout:$ref" "$bundle" >/dev/null
rootfs="$bundle/rootfs"

# The binary, and what it loads: ldd prints "name => /path (addr)" for each
# library and "/path (addr)" for the loader; the vDSO has no path.
install -d "$rootfs/usr/local/bin"
objcopy --strip-debug "$binary" "$rootfs$IMAGE_ENTRYPOINT"
chmod 0755 "$rootfs$IMAGE_ENTRYPOINT"
libs="$(ldd "$binary" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) { print $i; break } }' || true)"
for lib in $libs; do
  install -d "$rootfs$(dirname "$lib")"
  cp -L --preserve=mode "$lib" "$rootfs$lib"
  log "  $lib"
done

install -d -m 0755 "$rootfs/etc"
cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
EOF
# glibc reads the cluster's /etc/hosts (mounted by the kubelet) before DNS.
cat >"$rootfs/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
hosts: files dns
EOF
chmod 0644 "$rootfs"/etc/*
# Nothing writes at run time (the Deployment mounts the root read-only);
# /tmp and the home directory are there for what expects them.
install -d -m 1777 "$rootfs/tmp"
install -d -m 0755 "$rootfs/home"
install -d -m 0700 -o 65532 -g 65532 "$rootfs/home/nonroot"
find "$rootfs" -exec touch -h -d "@$epoch" {} +

umoci repack --image "$layout:$ref" --history.created "$created" \
  --history.created_by "scripts/build-image.sh" "$bundle"

config=(
  --config.user "$IMAGE_USER"
  --config.entrypoint "$IMAGE_ENTRYPOINT"
  --config.exposedports "$IMAGE_PORT"
  --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  --config.workingdir /home/nonroot
  --config.label "org.opencontainers.image.title=$IMAGE_NAME"
  --config.label "org.opencontainers.image.description=$description"
  --config.label "org.opencontainers.image.version=$version"
  --config.label "org.opencontainers.image.created=$created"
)
for arg in "${IMAGE_CMD[@]}"; do config+=(--config.cmd "$arg"); done
[ -z "$revision" ] || config+=(--config.label "org.opencontainers.image.revision=$revision")
[ -z "$license" ] || config+=(--config.label "org.opencontainers.image.licenses=$license")
[ -z "$repository" ] || config+=(--config.label "org.opencontainers.image.source=$repository")
umoci config --image "$layout:$ref" --created "$created" --no-history "${config[@]}"
umoci gc --layout "$layout"

# The archive is the layout directory as a tar (what podman's oci-archive
# transport reads), with fixed owners, modes and times.
mkdir -p "$out"
archive="$(cd "$out" && pwd)/$IMAGE_NAME-$version.oci.tar"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --mode='u=rwX,go=rX' \
  -C "$layout" -cf "$archive.tmp" oci-layout index.json blobs
mv "$archive.tmp" "$archive"
log "$(du -h "$archive" | cut -f1) $archive (sha256 $(sha256sum "$archive" | cut -c1-12))"
printf '%s\n' "$archive"
