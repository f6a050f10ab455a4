#!/usr/bin/env bash
# A Docker daemon of the benchmarks' own, beside the machine's: benchmarks that prune the engine's
# cache (bench/cache-bench.sh) run against it, so they throw away nobody else's cache. As the
# SecondDockerd test fixture: its own data root, exec root, pid file, socket, configuration file,
# containerd namespaces and bridge (kbd-N on 10.214.N.0/24; never docker0, which is the first
# daemon's), base images through the local registry mirror (127.0.0.1:5000). Unlike the fixture,
# its containers reach the network (Maven Central, Debian): it adds one MASQUERADE rule and two
# FORWARD rules for its own bridge only (the first daemon's rules are left as they are), and
# removes them when stopped.
#
# Usage: bench/second-dockerd.sh start DIR   starts it in DIR (kept: the cache survives restarts);
#                                            prints DOCKER_HOST=unix://DIR/docker.sock
#        bench/second-dockerd.sh stop DIR    stops it, removes its rules and bridge (DIR is kept)
#        DOCKER_HOST=$(bench/second-dockerd.sh start DIR | cut -d= -f2-) bench/cache-bench.sh
# Needs root.
set -euo pipefail
say() { printf '%s\n' "$*" >&2; }
[ $# = 2 ] || { say "usage: bench/second-dockerd.sh start|stop DIR"; exit 2; }
dir=$(mkdir -p "$2" && cd "$2" && pwd)
state="$dir/bench-dockerd.env"   # BRIDGE= SUBNET= of the running daemon

rules() { # -I|-D BRIDGE SUBNET: the daemon's NAT and forwarding, for its bridge only
  iptables -t nat "$1" POSTROUTING -s "$3" ! -o "$2" -j MASQUERADE
  iptables "$1" FORWARD -i "$2" ! -o "$2" -j ACCEPT
  iptables "$1" FORWARD -o "$2" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
}

case $1 in
start)
  if [ -S "$dir/docker.sock" ] && docker -H "unix://$dir/docker.sock" version >/dev/null 2>&1; then
    echo "DOCKER_HOST=unix://$dir/docker.sock"; exit 0
  fi
  n="" routes=$(ip route) links=$(ip -o link)
  for i in $(seq 10 250); do
    case "$routes $links" in *"10.214.$i."* | *"kbd-$i:"* | *"kbd-$i@"*) ;; *) n=$i; break ;; esac
  done
  [ -n "$n" ] || { say "no free 10.214.N.0/24 subnet"; exit 1; }
  bridge="kbd-$n" subnet="10.214.$n.0/24"
  ip link add "$bridge" type bridge
  ip addr add "10.214.$n.1/24" dev "$bridge"
  ip link set "$bridge" up
  rules -I "$bridge" "$subnet"
  printf 'BRIDGE=%s\nSUBNET=%s\n' "$bridge" "$subnet" >"$state"
  echo '{}' >"$dir/daemon.json"
  ns="kiln-bench-$n"
  setsid nohup /usr/sbin/dockerd --config-file "$dir/daemon.json" --data-root "$dir/data" \
    --exec-root "/tmp/kbd-$n" --pidfile "$dir/docker.pid" --host "unix://$dir/docker.sock" \
    --containerd-namespace "$ns" --containerd-plugins-namespace "$ns-plugins" --bridge "$bridge" \
    --iptables=false --ip-forward=false --ip-masq=false --registry-mirror http://127.0.0.1:5000 \
    >"$dir/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 120); do
    docker -H "unix://$dir/docker.sock" version >/dev/null 2>&1 && { echo "DOCKER_HOST=unix://$dir/docker.sock"; exit 0; }
    sleep 0.5
  done
  say "the daemon did not answer in 60 s: $dir/dockerd.log"; tail -20 "$dir/dockerd.log" >&2; exit 1
  ;;
stop)
  if [ -f "$dir/docker.pid" ]; then
    pid=$(cat "$dir/docker.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  if [ -f "$state" ]; then
    # shellcheck disable=SC1090
    . "$state"
    rules -D "$BRIDGE" "$SUBNET" 2>/dev/null || true
    ip link del "$BRIDGE" 2>/dev/null || true
    rm -f "$state"
  fi
  ;;
*) say "usage: bench/second-dockerd.sh start|stop DIR"; exit 2 ;;
esac
