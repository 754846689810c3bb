# shellcheck shell=bash
# Sourced by .ci/run (and usable by hand: `source .ci/docker-engine.sh; docker_engine_start`).
# A Docker engine for the local stack's container backend (issue #15):
# - docker_engine_start: uses an engine that already answers; otherwise installs Debian's docker.io
#   with apt-get when dockerd is missing, starts dockerd and waits until it answers. Any failure
#   prints the reason and returns non-zero: CI fails, it never skips the container pass.
# - docker_engine_stop: stops the dockerd that docker_engine_start started (nothing else) and undoes
#   the host network changes dockerd makes and leaves behind: the nft tables `ip nat`/`ip filter`
#   (and ip6), the docker0 and br-* bridges, and net.ipv4.ip_forward.

DOCKER_ENGINE_LOG="${DOCKER_ENGINE_LOG:-/tmp/ci-dockerd.log}"
# The local stack needs neither NAT nor forwarding (ports are published on 127.0.0.1 by docker's
# userland proxy; containers of a stack share one bridge), so dockerd leaves the host's firewall and
# ip_forward alone. Set DOCKERD_FLAGS= (empty) for dockerd's defaults; the undo below covers both.
DOCKERD_FLAGS="${DOCKERD_FLAGS---iptables=false --ip-forward=false}"
DOCKER_ENGINE_READY_TIMEOUT_S="${DOCKER_ENGINE_READY_TIMEOUT_S:-60}"
# What docker_engine_start saw before it started dockerd, so that docker_engine_stop (maybe from
# another shell) knows what to stop and what to undo.
DOCKER_ENGINE_STATE_DIR="${DOCKER_ENGINE_STATE_DIR:-/tmp/ci-docker-engine}"

docker_engine_fail() {
  echo "docker-engine: $*" >&2
  return 1
}

docker_engine_answers() {
  command -v docker >/dev/null 2>&1 && docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# Installs Debian packages with apt-get (as root): docker.io for the engine, nftables for `nft`.
docker_engine_install() {
  if [ "$(id -u)" -ne 0 ]; then
    docker_engine_fail "$* not installed and this user (uid $(id -u)) cannot install it: run CI as root, or install docker.io and nftables and start dockerd first"
    return 1
  fi
  command -v apt-get >/dev/null 2>&1 || { docker_engine_fail "$* not installed and apt-get is missing: install a Docker engine and nftables and start the engine first"; return 1; }
  echo "docker-engine: installing $* with apt-get…"
  local started=$SECONDS
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; } >/tmp/ci-docker-install.log 2>&1; then
    tail -20 /tmp/ci-docker-install.log >&2
    docker_engine_fail "apt-get install $* failed (log: /tmp/ci-docker-install.log)"
    return 1
  fi
  echo "docker-engine: $* installed in $((SECONDS - started)) s"
}

docker_engine_start() {
  if docker_engine_answers; then
    echo "docker-engine: using the engine that already answers ($(docker version --format '{{.Server.Version}}'))"
    return 0
  fi
  # nft undoes dockerd's firewall tables afterwards; Debian's docker.io only recommends nftables.
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v nft >/dev/null 2>&1 || missing+=(nftables)
  if [ "${#missing[@]}" -gt 0 ]; then docker_engine_install "${missing[@]}" || return 1; fi
  command -v docker >/dev/null 2>&1 || { docker_engine_fail "the docker client is missing after installing docker.io"; return 1; }
  if [ "$(id -u)" -ne 0 ]; then
    docker_engine_fail "no Docker engine answers and dockerd needs root to start (uid $(id -u))"
    return 1
  fi
  command -v nft >/dev/null 2>&1 || { docker_engine_fail "nft is missing: it is needed to undo dockerd's firewall tables afterwards"; return 1; }
  mkdir -p "$DOCKER_ENGINE_STATE_DIR"
  nft list tables >"$DOCKER_ENGINE_STATE_DIR/tables" 2>/dev/null || true
  docker_engine_links >"$DOCKER_ENGINE_STATE_DIR/links"
  cat /proc/sys/net/ipv4/ip_forward >"$DOCKER_ENGINE_STATE_DIR/ip_forward"
  echo "docker-engine: starting dockerd ${DOCKERD_FLAGS} (log: $DOCKER_ENGINE_LOG)"
  # shellcheck disable=SC2086 # DOCKERD_FLAGS is a list of flags
  dockerd $DOCKERD_FLAGS >"$DOCKER_ENGINE_LOG" 2>&1 &
  local pid=$!
  echo "$pid" >"$DOCKER_ENGINE_STATE_DIR/pid"
  local started=$SECONDS
  until docker_engine_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -20 "$DOCKER_ENGINE_LOG" >&2
      rm -f "$DOCKER_ENGINE_STATE_DIR/pid"
      docker_engine_restore_network
      docker_engine_fail "dockerd exited while starting (log above, full: $DOCKER_ENGINE_LOG)"
      return 1
    fi
    if [ $((SECONDS - started)) -ge "$DOCKER_ENGINE_READY_TIMEOUT_S" ]; then
      tail -20 "$DOCKER_ENGINE_LOG" >&2
      docker_engine_stop
      docker_engine_fail "dockerd did not answer within ${DOCKER_ENGINE_READY_TIMEOUT_S} s (log above, full: $DOCKER_ENGINE_LOG)"
      return 1
    fi
    sleep 0.5
  done
  echo "docker-engine: dockerd (pid $pid) answers after $((SECONDS - started)) s"
}

docker_engine_links() {
  ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 || true
}

docker_engine_restore_network() {
  local family name link tables_before links_before ip_forward_before
  tables_before="$(cat "$DOCKER_ENGINE_STATE_DIR/tables" 2>/dev/null || true)"
  links_before="$(cat "$DOCKER_ENGINE_STATE_DIR/links" 2>/dev/null || true)"
  ip_forward_before="$(cat "$DOCKER_ENGINE_STATE_DIR/ip_forward" 2>/dev/null || true)"
  for family in ip ip6; do
    for name in nat filter; do
      if nft list table "$family" "$name" >/dev/null 2>&1 && ! grep -qx "table $family $name" <<<"$tables_before"; then
        nft delete table "$family" "$name" && echo "docker-engine: removed nft table $family $name"
      fi
    done
  done
  for link in $(docker_engine_links | grep -E '^(docker0|br-[0-9a-f]{12})$' || true); do
    if ! grep -qx "$link" <<<"$links_before"; then
      ip link delete "$link" && echo "docker-engine: removed link $link"
    fi
  done
  if [ -n "$ip_forward_before" ] && [ "$(cat /proc/sys/net/ipv4/ip_forward)" != "$ip_forward_before" ]; then
    echo "$ip_forward_before" >/proc/sys/net/ipv4/ip_forward && echo "docker-engine: restored net.ipv4.ip_forward=$ip_forward_before"
  fi
  rm -rf "$DOCKER_ENGINE_STATE_DIR"
}

docker_engine_stop() {
  [ -f "$DOCKER_ENGINE_STATE_DIR/pid" ] || return 0
  local pid
  pid="$(cat "$DOCKER_ENGINE_STATE_DIR/pid")"
  rm -f "$DOCKER_ENGINE_STATE_DIR/pid"
  # Containers first (ours are labelled; a failed run may have left some), then the daemon.
  docker ps -aq --filter label=tenant-analytics.local-stack | xargs -r docker rm -f >/dev/null 2>&1 || true
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 30 ]; do sleep 0.5; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    echo "docker-engine: dockerd ignored SIGTERM for 15 s, killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  docker_engine_restore_network
  echo "docker-engine: dockerd stopped"
}
