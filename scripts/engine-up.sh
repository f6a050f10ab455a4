#!/usr/bin/env bash
# Provisions a real BuildKit engine for Kiln on a Debian 12/13 machine, as root, idempotently:
#   - installs Debian's docker.io, busybox-static, debootstrap, docker-registry and apache2-utils
#     (htpasswd, for the end-to-end tests' authenticated registry) when missing;
#   - starts a registry on 127.0.0.1:5000 (no auth, loopback only) when none answers;
#   - starts dockerd with that registry as its mirror when no daemon answers;
#   - builds base images locally (busybox, debian:bookworm minbase trusting the host's extra CAs)
#     and pushes them as library/..., so plain names like `debian:bookworm` resolve offline.
# Nothing is pulled from a public registry.
set -euo pipefail

REGISTRY=127.0.0.1:5000
STATE=${KILN_ENGINE_STATE:-/var/lib/kiln-engine}
LOG=${KILN_ENGINE_LOG:-/var/log/kiln-engine}
SUITE=${KILN_DEBIAN_SUITE:-bookworm}

say() { printf 'engine-up: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (sudo $0): it installs packages and starts dockerd"
mkdir -p "$STATE" "$LOG"

# --- packages ---------------------------------------------------------------------------------
need=()
command -v dockerd >/dev/null || need+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v curl >/dev/null || need+=(curl)
command -v htpasswd >/dev/null || need+=(apache2-utils)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >"$LOG/apt.log" 2>&1 || { cat "$LOG/apt.log" >&2; die "apt-get update failed"; }
  apt-get install -y -q --no-install-recommends "${need[@]}" ca-certificates >>"$LOG/apt.log" 2>&1 \
    || { tail -30 "$LOG/apt.log" >&2; die "apt-get install failed"; }
fi

wait_for() { # seconds, description, command...
  local n=$1 what=$2; shift 2
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  die "$what did not come up within ${n}s"
}

# --- registry ---------------------------------------------------------------------------------
registry_up() { curl -fs "http://$REGISTRY/v2/" >/dev/null; }
if ! registry_up; then
  say "starting registry on $REGISTRY"
  mkdir -p "$STATE/registry"
  cat >"$STATE/registry.yml" <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $STATE/registry
  delete:
    enabled: true
http:
  addr: $REGISTRY
YML
  setsid nohup docker-registry serve "$STATE/registry.yml" >"$LOG/registry.log" 2>&1 < /dev/null &
  wait_for 30 "registry" registry_up
fi

# --- dockerd ----------------------------------------------------------------------------------
docker_up() { docker version --format '{{.Server.Version}}'; }
if ! docker_up >/dev/null 2>&1; then
  say "starting dockerd (registry mirror http://$REGISTRY)"
  # containerd is a separate process in Debian's packaging; dockerd starts its own when none runs.
  setsid nohup dockerd --registry-mirror "http://$REGISTRY" >"$LOG/dockerd.log" 2>&1 < /dev/null &
  wait_for 60 "dockerd" docker_up || { tail -30 "$LOG/dockerd.log" >&2; exit 1; }
fi
if ! docker info --format '{{.RegistryConfig.Mirrors}}' 2>/dev/null | grep -q "$REGISTRY"; then
  say "warning: the running dockerd has no registry mirror http://$REGISTRY;" \
      "plain image names (busybox, debian:$SUITE) will not resolve. Restart it with --registry-mirror http://$REGISTRY"
fi

# --- base images ------------------------------------------------------------------------------
has_image() { curl -fs "http://$REGISTRY/v2/library/$1/manifests/$2" \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' >/dev/null; }

push_rootfs() { # rootfs dir, name, tag
  local tmp_ref="$REGISTRY/library/$2:$3"
  tar -C "$1" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/sh"]' - "$tmp_ref" >/dev/null
  docker push -q "$tmp_ref" >/dev/null
  say "pushed $tmp_ref"
}

if ! has_image busybox latest; then
  say "building busybox:latest from busybox-static"
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,tmp,etc,root,proc,sys,dev}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for app in $("$root/bin/busybox" --list-full); do
    [ -e "$root/$app" ] || ln -s /bin/busybox "$root/$app"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  push_rootfs "$root" busybox latest
  rm -rf "$root"
fi

if ! has_image debian "$SUITE"; then
  say "building debian:$SUITE (debootstrap minbase, ~1 min)"
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  root=$(mktemp -d)
  debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$root" "$mirror" >"$LOG/debootstrap.log" 2>&1 \
    || { tail -30 "$LOG/debootstrap.log" >&2; die "debootstrap failed"; }
  # HTTPS from containers passes the host's TLS-intercepting proxy: trust the same extra CAs.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    chroot "$root" update-ca-certificates >/dev/null 2>&1 || say "warning: update-ca-certificates failed in the image"
  fi
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  push_rootfs "$root" debian "$SUITE"
  rm -rf "$root"
fi

say "ready: $(docker version --format 'Docker {{.Server.Version}}') on /var/run/docker.sock; registry $REGISTRY"
