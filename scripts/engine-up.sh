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
has_image() { curl -fs "http://$REGISTRY/v2/library/$1/manifests/$2" >/dev/null \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json'; }

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

# --- images for other platforms (through the registry's HTTP API: docker import cannot set one) ---
MT_MANIFEST=application/vnd.docker.distribution.manifest.v2+json
MT_LIST=application/vnd.docker.distribution.manifest.list.v2+json

put_blob() { # repo, file -> prints digest
  local digest loc
  digest=sha256:$(sha256sum "$2" | cut -d' ' -f1)
  if ! curl -fsI "http://$REGISTRY/v2/$1/blobs/$digest" >/dev/null; then
    loc=$(curl -fsS -X POST -D - -o /dev/null "http://$REGISTRY/v2/$1/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
    case $loc in http*) ;; *) loc="http://$REGISTRY$loc" ;; esac
    case $loc in *\?*) loc="$loc&digest=$digest" ;; *) loc="$loc?digest=$digest" ;; esac
    curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$2" "$loc" >/dev/null
  fi
  echo "$digest"
}

push_rootfs_arch() { # rootfs dir, repo, tag, arch
  local work layer config ldigest diff cdigest
  work=$(mktemp -d)
  tar -C "$1" -c . >"$work/layer.tar"
  diff=sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  gzip -n -9 "$work/layer.tar"
  layer="$work/layer.tar.gz"
  printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
    "$4" "$diff" >"$work/config.json"
  config="$work/config.json"
  ldigest=$(put_blob "$2" "$layer")
  cdigest=$(put_blob "$2" "$config")
  printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%d,"digest":"%s"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":%d,"digest":"%s"}]}' \
    "$MT_MANIFEST" "$(stat -c %s "$config")" "$cdigest" "$(stat -c %s "$layer")" "$ldigest" >"$work/manifest.json"
  curl -fsS -X PUT -H "Content-Type: $MT_MANIFEST" --data-binary @"$work/manifest.json" \
    "http://$REGISTRY/v2/$2/manifests/$3" >/dev/null
  rm -rf "$work"
  say "pushed $REGISTRY/$2:$3 ($4)"
}

manifest_head() { # repo, ref -> "digest size"
  curl -fsI -H "Accept: $MT_MANIFEST" "http://$REGISTRY/v2/$1/manifests/$2" | tr -d '\r' \
    | awk 'tolower($1)=="docker-content-digest:" {d=$2} tolower($1)=="content-length:" {s=$2} END {print d, s}'
}

push_index() { # repo, tag, then arch=ref pairs: one manifest list of those platforms' manifests
  local repo=$1 tag=$2 entries="" sep="" arch ref d s
  shift 2
  for pair in "$@"; do
    arch=${pair%%=*}; ref=${pair#*=}
    read -r d s < <(manifest_head "$repo" "$ref")
    [ -n "$d" ] || die "no manifest $repo:$ref"
    entries+="$sep{\"mediaType\":\"$MT_MANIFEST\",\"size\":$s,\"digest\":\"$d\",\"platform\":{\"architecture\":\"$arch\",\"os\":\"linux\"}}"
    sep=","
  done
  printf '{"schemaVersion":2,"mediaType":"%s","manifests":[%s]}' "$MT_LIST" "$entries" \
    | curl -fsS -X PUT -H "Content-Type: $MT_LIST" --data-binary @- "http://$REGISTRY/v2/$repo/manifests/$tag" >/dev/null
  say "pushed $REGISTRY/$repo:$tag (${*%%=*})"
}

# linux/arm64 under emulation, when this machine allows it (registering binfmt_misc handlers needs
# root on the host, not in an unprivileged container): qemu-user-static registers qemu-aarch64 with
# the F flag, so containers run arm64 binaries; busybox:latest becomes an index of amd64 and arm64.
arm64_emulated() { [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && grep -q '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64; }
if ! arm64_emulated && [ "$(uname -m)" = x86_64 ]; then
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  if [ -e /proc/sys/fs/binfmt_misc/register ] && ! dpkg -s qemu-user-static >/dev/null 2>&1; then
    say "installing qemu-user-static and binfmt-support (emulation of other platforms)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-user-static binfmt-support >>"$LOG/apt.log" 2>&1 \
      || say "warning: installing qemu-user-static failed; other platforms stay unavailable"
  fi
  command -v update-binfmts >/dev/null && update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
fi
has_arm64_busybox() { curl -fs -H "Accept: $MT_LIST" "http://$REGISTRY/v2/library/busybox/manifests/latest" | grep -q '"arm64"'; }
build_arm64_busybox() { # busybox:latest for linux/arm64 from Debian's busybox-static:arm64; 1 when it cannot be had
  local work root app
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  work=$(mktemp -d)
  if ! (cd "$work" && apt-get download -q busybox-static:arm64 >/dev/null 2>&1); then
    apt-get update -q >>"$LOG/apt.log" 2>&1 || true
    (cd "$work" && apt-get download -q busybox-static:arm64 >>"$LOG/apt.log" 2>&1) || { rm -rf "$work"; return 1; }
  fi
  dpkg-deb -x "$work"/busybox-static_*_arm64.deb "$work/deb" || { rm -rf "$work"; return 1; }
  root="$work/root"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,tmp,etc,root,proc,sys,dev}
  chmod 1777 "$root/tmp"
  cp "$work/deb/bin/busybox" "$root/bin/busybox"
  for app in $(/bin/busybox --list-full); do # the same applets as the amd64 image
    [ -e "$root/$app" ] || ln -s /bin/busybox "$root/$app"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  push_rootfs_arch "$root" library/busybox latest-linux-arm64 arm64
  rm -rf "$work"
  # The amd64 image keeps its manifest (and digest) under its own tag too.
  curl -fsS -H "Accept: $MT_MANIFEST" "http://$REGISTRY/v2/library/busybox/manifests/latest" \
    | curl -fsS -X PUT -H "Content-Type: $MT_MANIFEST" --data-binary @- \
      "http://$REGISTRY/v2/library/busybox/manifests/latest-linux-amd64" >/dev/null
  push_index library/busybox latest amd64=latest-linux-amd64 arm64=latest-linux-arm64
}
if arm64_emulated && ! has_arm64_busybox; then
  say "building busybox:latest for linux/arm64 from busybox-static:arm64"
  # Emulation is an extra: without Debian's arm64 package the engine still serves linux/amd64.
  build_arm64_busybox || say "warning: cannot download busybox-static:arm64; no linux/arm64 base image (multi-platform tests will be skipped)"
elif ! arm64_emulated; then
  say "note: no arm64 emulation here (binfmt_misc qemu-aarch64); multi-platform tests will be skipped"
fi

say "ready: $(docker version --format 'Docker {{.Server.Version}}') on /var/run/docker.sock; registry $REGISTRY"
