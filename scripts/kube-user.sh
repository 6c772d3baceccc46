#!/usr/bin/env bash
# Mints a client-certificate user on the test apiserver of scripts/kube-up.sh
# and writes a kubeconfig for it; prints that kubeconfig's path on stdout.
#
#   scripts/kube-user.sh [--dir DIR] NAME [GROUP...]
#
# The certificate (CN=NAME, O=GROUP for each group) is signed by the test CA,
# so the apiserver authenticates NAME at once; what NAME may do is up to RBAC
# (it has no rights until a (Cluster)RoleBinding names it or one of its groups).
# Writes DIR/users/NAME.{crt,key} and DIR/NAME.kubeconfig (context
# synergai-test). DIR defaults to $SYNERGAI_KUBE_DIR.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/kube-lib.sh
source "$HERE/kube-lib.sh"

kube_parse_args "$@"
case "${KUBE_ARGS[0]:-}" in
  -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
  "") kube_die "usage: scripts/kube-user.sh [--dir DIR] NAME [GROUP...]" ;;
esac
[ "$KUBE_KEEP" = 0 ] || kube_die "--keep is an option of kube-down.sh"
DIR="${KUBE_DIR:-${SYNERGAI_KUBE_DIR:-}}"
[ -n "$DIR" ] || kube_die "no directory: give --dir DIR or set SYNERGAI_KUBE_DIR (eval the output of kube-up.sh)"
if [ ! -e "$DIR/$SYNERGAI_KUBE_MARKER" ] || [ ! -f "$DIR/pki/ca.key" ] || [ ! -f "$DIR/env" ]; then
  kube_die "$DIR holds no test apiserver started by kube-up.sh"
fi
DIR="$(kube_abs "$DIR")"

NAME="${KUBE_ARGS[0]}"
GROUPS_=("${KUBE_ARGS[@]:1}")
for n in "$NAME" "${GROUPS_[@]}"; do
  [[ "$n" =~ ^[A-Za-z0-9][A-Za-z0-9:._@-]*$ ]] || kube_die "invalid user or group name: '$n' (letters, digits and : . _ @ - only)"
done

SERVER=""
# shellcheck disable=SC1091
source "$DIR/env"
[ -n "$SERVER" ] || kube_die "no SERVER in $DIR/env"
mkdir -p "$DIR/users"
kube_sign_cert "$DIR/pki" "$DIR/users" "$NAME" "$(kube_subject "$NAME" "${GROUPS_[@]}")" client
kube_write_kubeconfig "$DIR/$NAME.kubeconfig" "$SERVER" "$DIR/pki/ca.crt" "$NAME" \
  "$DIR/users/$NAME.crt" "$DIR/users/$NAME.key"
kube_log "user $NAME${GROUPS_[*]:+ (groups: ${GROUPS_[*]})}: $DIR/$NAME.kubeconfig"
echo "$DIR/$NAME.kubeconfig"
