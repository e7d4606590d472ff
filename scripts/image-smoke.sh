#!/usr/bin/env bash
# Container image smoke test: builds the Dockerfile for real, from a clean
# clone of the committed HEAD (so a file the build needs but no COPY brings in
# fails here, whatever lies untracked in the working tree), then runs the
# image with podman as a user would:
#
#   1. --version, and the user the image runs as (UID 10001)
#   2. --dry-run on a read-only root filesystem, the config mounted read-only
#   3. `collect` and the sidecar (`run`), both from this image, on a podman
#      network of their own, as deploy/compose.yaml runs them: the sidecar's
#      report must be stored, and SIGTERM must stop the sidecar with exit
#      code 0 within 2 s; then `simulate` posts to the same collector and
#      `report` finds every instance in the database
#   4. `demo` finds the shipped demo configs and runs end to end
#
# Prints one PASS or FAIL line per check and exits non-zero if any failed.
# Where the image cannot be built here (not root, or no container tools and
# no apt-get to install them), prints one SKIP line and exits 0.
#
# How the image is built:
#   IMAGE_SMOKE_BUILDER=<script>  runs `<script> CONTEXT_DIR TAG`; by default
#       ../shared/tools/container-build.sh beside the checkout, when present
#       (it makes a local stand-in for node:22-bookworm-slim and builds with
#       buildah; its podman settings are in $CT_IMAGE_WORK/env.sh)
#   otherwise `buildah bud` on the Dockerfile's own base image (a registry
#       must be reachable); buildah and podman are installed with apt-get
#       when missing
#   IMAGE_SMOKE_TAG  the image's tag (default localhost/connect-telemetry:smoke);
#       the image is kept after the run, to be tried by hand
set -uo pipefail
# podman's network helper (netavark) runs iptables/nft, which live in the sbin directories.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

repo=$(cd "$(dirname "$0")/.." && pwd)
tag=${IMAGE_SMOKE_TAG:-localhost/connect-telemetry:smoke}
run_uid=10001
failures=0
pass() { printf 'PASS  %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failures=$((failures + 1)); }
skip() { printf 'SKIP  image smoke test: %s\n' "$1"; exit 0; }
abort() { fail "$1"; printf 'image smoke test: FAILED (stopped early)\n'; exit 1; }

# --- 0. can an image be built here? ------------------------------------------
[ "$(id -u)" = 0 ] || skip 'building and running images needs root here (buildah and podman as root); run as root to include it'
builder=${IMAGE_SMOKE_BUILDER:-}
if [ -z "$builder" ] && [ -x "$repo/../shared/tools/container-build.sh" ]; then
  builder="$repo/../shared/tools/container-build.sh"
fi
if [ -z "$builder" ]; then
  if ! { command -v buildah && command -v podman; } >/dev/null; then
    command -v apt-get >/dev/null || skip 'no buildah and podman, and no apt-get to install them'
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah podman >/dev/null \
      || abort 'installing buildah and podman with apt-get'
  fi
  base=$(sed -n 's/^ARG NODE_IMAGE=//p' "$repo/Dockerfile")
  case "$base" in */*) ;; *) base="docker.io/library/$base" ;; esac
  buildah pull --quiet "$base" >/dev/null 2>&1 \
    || skip "cannot pull the base image $base (no registry reachable) and no ../shared/tools/container-build.sh to make one"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/connect-telemetry-image.XXXXXX")
suffix=$$
network="connect-telemetry-smoke-$suffix"
containers=()
cleanup() {
  for name in "${containers[@]}"; do podman rm -f "$name" >/dev/null 2>&1; done
  podman network rm -f "$network" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# --- 1. build from a clean clone ----------------------------------------------
if ! git -C "$repo" clone --quiet --no-hardlinks "$repo" "$work/src" 2>"$work/clone.err"; then
  cat "$work/clone.err" >&2
  abort 'git clone of the checkout'
fi
commit=$(git -C "$work/src" rev-parse --short HEAD)
if [ -n "$(git -C "$repo" status --porcelain 2>/dev/null)" ]; then
  printf 'NOTE  the working tree has uncommitted changes; the image is built from the last commit (%s) only\n' "$commit"
fi
started=$SECONDS
if [ -n "$builder" ]; then
  "$builder" "$work/src" "$tag" >"$work/build.log" 2>&1
  built=$?
  # The builder's podman settings (storage, runtime), so podman finds the image.
  env_file="${CT_IMAGE_WORK:-${TMPDIR:-/tmp}/ct-image}/env.sh"
  # shellcheck disable=SC1090
  [ -f "$env_file" ] && . "$env_file"
else
  (cd "$work/src" && buildah bud --layers=false -t "$tag" .) >"$work/build.log" 2>&1
  built=$?
fi
if [ "$built" != 0 ]; then
  tail -n 30 "$work/build.log" >&2
  abort "the image builds from a clean clone of $commit"
fi
size=$(podman image inspect --format '{{.Size}}' "$tag" 2>/dev/null)
pass "the image builds from a clean clone of $commit in $((SECONDS - started)) s: $tag, $((size / 1000000)) MB"

# Every container runs as a sidecar should: read-only root, no capabilities, no privilege gain.
locked=(--read-only --cap-drop ALL --security-opt no-new-privileges)

# --- 2. --version, the user, --dry-run ----------------------------------------
expected_version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$work/src/package.json")
if out=$(podman run --rm --network none "${locked[@]}" "$tag" --version 2>"$work/err") && [ "$out" = "$expected_version" ]; then
  pass "--version prints $out"
else
  fail "--version printed '${out:-}' (expected $expected_version): $(cat "$work/err")"
fi

if out=$(podman run --rm --network none "${locked[@]}" --entrypoint id "$tag" -u 2>"$work/err") && [ "$out" = "$run_uid" ]; then
  pass "runs as UID $out"
else
  fail "runs as UID '${out:-}' (expected $run_uid): $(cat "$work/err")"
fi

mkdir -p "$work/examples" "$work/connect" "$work/state" "$work/data"
cp "$work/src/examples/pipeline.yaml" "$work/examples/"
cp "$work/src/deploy/connect/config.yaml" "$work/connect/"
chmod -R a+rX "$work/examples" "$work/connect"
chown "$run_uid:$run_uid" "$work/state" "$work/data"
chmod 0700 "$work/state" "$work/data"

check_payload() { node "$work/src/scripts/check-payload.mjs" "$@"; } # check_payload FILE WANTED-COMPONENT...
if podman run --rm --network none "${locked[@]}" -v "$work/examples:/etc/connect:ro" "$tag" \
    --dry-run --config /etc/connect/pipeline.yaml >"$work/payload.json" 2>"$work/err" \
  && check_payload "$work/payload.json" input/kafka_franz processor/branch output/aws_s3 cache/redis rate_limit/local 2>>"$work/err"; then
  pass '--dry-run on a read-only root filesystem, with the config mounted read-only'
else
  fail "--dry-run: $(cat "$work/err")"
fi

# --- 3. collect and the sidecar on a network of their own ----------------------
# Waits up to $2 seconds for container $1 to log a line holding $3.
wait_log() {
  local deadline=$((SECONDS + $2))
  while [ "$SECONDS" -lt "$deadline" ]; do
    podman logs "$1" 2>&1 | grep -qF -- "$3" && return 0
    [ "$(podman inspect --format '{{.State.Running}}' "$1" 2>/dev/null)" = true ] || return 1
    sleep 0.5
  done
  return 1
}
# Sends SIGTERM to container $1 and waits up to 10 s; sets $code (exit code) and $ms (SIGTERM to exit).
terminate() {
  local sent_ns
  sent_ns=$(date +%s%N)
  podman kill --signal TERM "$1" >/dev/null 2>&1
  timeout 10 podman wait "$1" >/dev/null 2>&1
  read -r finished_ns code < <(podman inspect --format '{{.State.FinishedAt.UnixNano}} {{.State.ExitCode}}' "$1")
  if [ "$(podman inspect --format '{{.State.Running}}' "$1")" = true ]; then code='still running'; ms=10000; return; fi
  ms=$(((finished_ns - sent_ns) / 1000000))
}

podman network create "$network" >/dev/null 2>"$work/err" || abort "podman network create: $(cat "$work/err")"
collector="connect-telemetry-smoke-collector-$suffix"
sidecar="connect-telemetry-smoke-sidecar-$suffix"
containers+=("$collector" "$sidecar")
endpoint=http://collector:4300/connect/telemetry

if podman run -d --name "$collector" --network "$network" --network-alias collector "${locked[@]}" \
    -v "$work/data:/data" "$tag" collect --listen 0.0.0.0:4300 --db /data/telemetry.db --log-level debug >/dev/null 2>"$work/err" \
  && wait_log "$collector" 30 'collector listening'; then
  pass "collect listens, on a read-only root filesystem with its database on a volume"
else
  abort "collect did not start: $(cat "$work/err"; podman logs "$collector" 2>&1 | tail -n 5)"
fi
if podman logs "$collector" 2>&1 | grep -qF "/connect/telemetry"; then
  pass "collect logs the report URL to configure"
else
  fail "collect's start-up log does not name the report URL: $(podman logs "$collector" 2>&1 | head -n 3)"
fi

if podman run -d --name "$sidecar" --network "$network" "${locked[@]}" \
    -v "$work/connect:/etc/connect:ro" -v "$work/state:/var/lib/connect-telemetry" \
    -e CONNECT_TELEMETRY_CONFIG=/etc/connect/config.yaml \
    -e CONNECT_TELEMETRY_ENDPOINT="$endpoint" -e CONNECT_TELEMETRY_ALLOW_INSECURE_ENDPOINT=1 \
    -e CONNECT_TELEMETRY_DELAY=1s -e CONNECT_TELEMETRY_PERIOD=1h \
    "$tag" >/dev/null 2>"$work/err" \
  && wait_log "$sidecar" 60 '"report sent"' && wait_log "$collector" 10 '"report stored"'; then
  pass "the sidecar (default command: run) sends a report that the collector stores"
else
  fail "no report stored within 60 s: $(cat "$work/err"; podman logs "$sidecar" 2>&1 | tail -n 3; podman logs "$collector" 2>&1 | tail -n 3)"
fi

terminate "$sidecar"
if [ "$code" = 0 ] && [ "$ms" -le 2000 ]; then
  pass "the sidecar exits 0 ${ms} ms after SIGTERM"
else
  fail "the sidecar after SIGTERM: exit code $code after ${ms} ms (expected 0 within 2000 ms): $(podman logs "$sidecar" 2>&1 | tail -n 3)"
fi
if [ -f "$work/state/state.json" ] && [ ! -e "$work/state/state.lock" ] && [ "$(stat -c %u "$work/state/state.json")" = "$run_uid" ]; then
  pass "the state volume holds state.json (owner UID $run_uid); the lock is released"
else
  fail "the state volume after SIGTERM: $(ls -ln "$work/state" 2>&1 | tr '\n' ' ')"
fi

if out=$(podman run --rm --network "$network" "${locked[@]}" "$tag" simulate --endpoint "$endpoint" --instances 5 2>"$work/err"); then
  pass "simulate finds the demo configs and posts to the collector: $out"
else
  fail "simulate: ${out:-} $(cat "$work/err")"
fi

terminate "$collector"
[ "$code" = 0 ] && pass "collect exits 0 ${ms} ms after SIGTERM" || fail "collect after SIGTERM: exit code $code: $(podman logs "$collector" 2>&1 | tail -n 3)"

# The sidecar's instance and the five simulated ones, read back from the database by `report`.
instance=$(sed -n 's/.*"instanceId": *"\([^"]*\)".*/\1/p' "$work/state/state.json")
if podman run --rm --network none "${locked[@]}" -v "$work/data:/data" "$tag" report --db /data/telemetry.db --format json \
    >"$work/report.json" 2>"$work/err" \
  && node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const has = (t, n) => r.plugins.some((p) => p.type === t && p.name === n);
    if (r.instances !== 6 || !has("input", "generate") || !has("output", "drop")) { console.error("instances:", r.instances); process.exit(1); }
  ' "$work/report.json" 2>>"$work/err"; then
  pass "report reads 6 instances from the collector's database (the sidecar's $instance and 5 simulated)"
else
  fail "report over the collector's database: $(cat "$work/err")"
fi

# --- 4. demo ---------------------------------------------------------------------
if podman run --rm --network none "${locked[@]}" "$tag" demo --rounds 1 --format json >"$work/demo.json" 2>"$work/demo.err" \
  && node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (r.instances !== 4 || !r.plugins.some((p) => p.type === "input" && p.name === "kafka_franz")) { console.error("instances:", r.instances); process.exit(1); }
  ' "$work/demo.json" 2>>"$work/demo.err"; then
  pass "demo finds the demo configs and runs a collector and 4 sidecars end to end"
else
  fail "demo: $(tail -n 5 "$work/demo.err")"
fi

if [ "$failures" -eq 0 ]; then
  printf 'image smoke test: PASSED\n'
else
  printf 'image smoke test: FAILED (%d check(s))\n' "$failures"
  exit 1
fi
