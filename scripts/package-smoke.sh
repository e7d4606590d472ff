#!/usr/bin/env bash
# Packaging smoke test: the container image's steps, without Docker.
#
#   1. `npm pack` (the prepack script builds), and check what the tarball holds
#   2. unpack it into an empty directory and install production dependencies
#      only, pinned by the lockfile, with no install scripts (as the Dockerfile)
#   3. make the install read-only, give the process a HOME and TMPDIR it cannot
#      write and a state directory on its own "volume"; as root, drop to the
#      image's UID 10001 so the read-only permissions really hold
#   4. run --version, --help, --dry-run (flag and environment forms), inspect
#      and status on the shipped example configs, and check nothing was written
#   5. run the daemon: idle when opted out; a real report to a local endpoint;
#      exit 0 on SIGTERM; writes only to the state directory
#
# Prints one PASS or FAIL line per check and exits non-zero if any failed.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
run_uid=10001
failures=0
pass() { printf 'PASS  %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failures=$((failures + 1)); }
abort() { fail "$1"; printf 'package smoke test: FAILED (stopped early)\n'; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/connect-telemetry-smoke.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  chmod -R u+w "$work" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
chmod 0755 "$work"

# --- 1. pack ---------------------------------------------------------------
if ! (cd "$repo" && npm pack --silent --pack-destination "$work" >"$work/pack.out" 2>"$work/pack.err"); then
  cat "$work/pack.err" >&2
  abort 'npm pack'
fi
tarball=$(ls "$work"/connect-telemetry-*.tgz 2>/dev/null | head -n 1)
[ -n "$tarball" ] || abort 'npm pack produced a tarball'
pass "npm pack: $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"

tar -tzf "$tarball" | sed 's|^package/||' | sort >"$work/contents"
missing=''
for wanted in package.json README.md LICENSE CHANGELOG.md bin/connect-telemetry.js bin/node-version.js dist/bundle/connect-telemetry.js dist/index.js dist/cli/main.js dist/cli/program.js \
  dist/catalogue/connect-4.112.0.json examples/demo/kafka-to-s3.yaml; do
  grep -qx "$wanted" "$work/contents" || missing="$missing $wanted"
done
[ -z "$missing" ] && pass 'tarball holds bin/, dist/, examples/demo/, README, LICENSE, CHANGELOG' || fail "tarball is missing:$missing"
extra=$(grep -Ev '^(package\.json|README\.md|LICENSE|CHANGELOG\.md|bin/[^/]+\.js|dist/.+\.(js|d\.ts|json)|examples/demo/[^/]+\.yaml)$' "$work/contents")
unwanted=$(grep -E '\.map$|\.test\.|(^|/)tests?/|^src/|^node_modules/' "$work/contents")
if [ -z "$extra" ] && [ -z "$unwanted" ]; then
  pass "tarball holds nothing else ($(wc -l <"$work/contents") files; no source maps, tests or sources)"
else
  fail "tarball holds files that do not run: $(printf '%s %s' "$extra" "$unwanted" | tr '\n' ' ')"
fi

# --- 2. install with production dependencies only ---------------------------
app="$work/app"
mkdir "$app"
tar -xzf "$tarball" -C "$app" --strip-components=1
cp "$repo/package-lock.json" "$app/"
if (cd "$app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >"$work/install.log" 2>&1); then
  pass 'npm ci --omit=dev --ignore-scripts into an empty directory'
else
  cat "$work/install.log" >&2
  abort 'npm ci --omit=dev --ignore-scripts into an empty directory'
fi
rm -f "$app/package-lock.json"
dev_found=''
for dev in $(cd "$repo" && node -e 'console.log(Object.keys(require("./package.json").devDependencies ?? {}).join(" "))'); do
  [ -e "$app/node_modules/$dev" ] && dev_found="$dev_found $dev"
done
[ -z "$dev_found" ] && pass 'no dev dependencies installed' || fail "dev dependencies installed:$dev_found"

# --- 3. a read-only, non-root setup ----------------------------------------
config_dir="$work/config"   # as a ConfigMap mount: read-only
mkdir -p "$config_dir/streams"
cp "$repo/examples/pipeline.yaml" "$config_dir/"
cp "$repo"/examples/streams/*.yaml "$config_dir/streams/"
state="$work/state"          # the only writable place, as the image's volume
mkdir -m 0700 "$state"
home="$work/home"            # HOME and TMPDIR exist but cannot be written
mkdir "$home"
touch "$work/before"
chmod -R a-w "$app" "$config_dir" "$home"

as_user=()
if [ "$(id -u)" = 0 ]; then
  chown "$run_uid:$run_uid" "$state"
  if command -v setpriv >/dev/null; then
    as_user=(setpriv "--reuid=$run_uid" "--regid=$run_uid" --clear-groups)
  elif command -v runuser >/dev/null; then
    as_user=(runuser -u "#$run_uid" --)
  fi
  if [ ${#as_user[@]} -gt 0 ]; then
    pass "running as UID $run_uid (as the image does)"
  else
    printf 'NOTE  running as root: no setpriv or runuser, so read-only permissions are not enforced\n'
  fi
else
  pass "running as UID $(id -u) (not root)"
fi

node_bin=$(command -v node)
# The image's environment: only what the process needs, nothing from this shell.
base_env=(env -i "PATH=$(dirname "$node_bin"):/usr/bin:/bin" "HOME=$home" "TMPDIR=$home" NODE_ENV=production)
entry=("$node_bin" "$app/bin/connect-telemetry.js")
cli_env() { # cli_env VAR=value... -- args...
  local vars=()
  while [ "$1" != -- ]; do vars+=("$1"); shift; done
  shift
  (cd "$app" && exec "${base_env[@]}" "${vars[@]}" "${as_user[@]}" "${entry[@]}" "$@")
}
cli() { cli_env -- "$@"; }
# Background daemons are started as `(cd "$app" && exec …) &`, never through a
# function, so that $! is node's own PID and SIGTERM reaches node itself.

# Waits up to $2 seconds for background job $1 to exit; sets $code to its exit code, or "still running".
wait_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then code='still running'; kill -KILL "$pid"; else wait "$pid"; code=$?; fi
}

# --- 4. run it ---------------------------------------------------------------
expected_version=$(cd "$repo" && node -p 'require("./package.json").version')
if out=$(cli --version 2>"$work/err") && [ "$out" = "$expected_version" ]; then
  pass "--version prints $out"
else
  fail "--version printed '${out:-}' (expected $expected_version): $(cat "$work/err")"
fi

if out=$(cli --help 2>"$work/err") && grep -q 'Usage: connect-telemetry' <<<"$out" && grep -q 'run' <<<"$out"; then
  pass '--help prints usage'
else
  fail "--help: $(cat "$work/err")"
fi

if out=$(cli run --help 2>"$work/err") && grep -q -- '--dry-run' <<<"$out" && grep -q -- '--state-dir' <<<"$out"; then
  pass 'run --help lists the daemon flags'
else
  fail "run --help: $(cat "$work/err")"
fi

check_payload() { node "$repo/scripts/check-payload.mjs" "$@"; } # check_payload FILE WANTED-COMPONENT...

if cli --dry-run --config "$config_dir/pipeline.yaml" --state-dir "$state" >"$work/payload.json" 2>"$work/err" \
  && check_payload "$work/payload.json" input/kafka_franz processor/branch processor/http output/aws_s3 processor/compress cache/redis; then
  pass "--dry-run --config pipeline.yaml --state-dir (a payload with $(node -p "require('$work/payload.json').components.length") components)"
else
  fail "--dry-run --config pipeline.yaml: $(cat "$work/err")"
fi

if cli_env CONNECT_TELEMETRY_CONFIG="$config_dir/streams" CONNECT_TELEMETRY_STATE_DIR="$state" -- --dry-run \
  >"$work/payload-streams.json" 2>"$work/err" \
  && check_payload "$work/payload-streams.json" input/http_server output/redpanda input/generate output/fallback; then
  pass '--dry-run with CONNECT_TELEMETRY_CONFIG=<streams directory> and CONNECT_TELEMETRY_STATE_DIR'
else
  fail "--dry-run on the streams directory: $(cat "$work/err")"
fi

if cli streams "$config_dir/streams" --dry-run --state-dir "$state" >"$work/payload-streams-command.json" 2>"$work/err" \
  && check_payload "$work/payload-streams-command.json" input/http_server output/redpanda input/generate output/fallback; then
  pass 'streams <streams directory> --dry-run (as Connect'"'"'s streams is typed)'
else
  fail "streams --dry-run on the streams directory: $(cat "$work/err")"
fi

if out=$(cli inspect --json --config "$config_dir/pipeline.yaml" 2>"$work/err") && node -e 'JSON.parse(process.argv[1])' "$out" 2>/dev/null; then
  pass 'inspect --json'
else
  fail "inspect --json: $(cat "$work/err")"
fi

if out=$(cli_env CONNECT_TELEMETRY_STATE_DIR="$state" -- status 2>"$work/err") && grep -q 'instance ID' <<<"$out"; then
  pass 'status'
else
  fail "status: $(cat "$work/err")"
fi

if out=$(cd "$app" && "${base_env[@]}" "${as_user[@]}" "$node_bin" --input-type=module \
  -e 'const m = await import("connect-telemetry"); if (typeof m.run !== "function") process.exit(1);' 2>&1); then
  pass 'the package exports its API (import "connect-telemetry")'
else
  fail "import \"connect-telemetry\": $out"
fi

if out=$(cli --no-such-flag 2>&1); then
  fail 'an unknown flag exits non-zero'
else
  pass 'an unknown flag exits non-zero'
fi

# Nothing written anywhere: not the install, not HOME, and (dry run) not even the state dir.
written=$(find "$app" "$config_dir" "$home" "$state" -newer "$work/before" -not -path "$state" -print)
[ -z "$written" ] && pass 'nothing was written (install, config, HOME, TMPDIR, state dir)' || fail "files were written: $written"

# --- 5. the daemon: idle when opted out, a real report, SIGTERM -------------
(cd "$app" && exec "${base_env[@]}" CONNECT_TELEMETRY_DISABLED=1 CONNECT_TELEMETRY_STATE_DIR="$state" "${as_user[@]}" \
  "${entry[@]}" run --config "$config_dir/pipeline.yaml") >/dev/null 2>"$work/idle.log" &
idle_pid=$!
pids+=("$idle_pid")
sleep 1.5
if kill -0 "$idle_pid" 2>/dev/null; then
  kill -TERM "$idle_pid"
  wait_exit "$idle_pid" 10
  [ "$code" = 0 ] && pass 'run with CONNECT_TELEMETRY_DISABLED=1 stays up idle and exits 0 on SIGTERM' \
    || fail "run with CONNECT_TELEMETRY_DISABLED=1: exit code $code after SIGTERM: $(cat "$work/idle.log")"
else
  fail "run with CONNECT_TELEMETRY_DISABLED=1 exited instead of idling: $(cat "$work/idle.log")"
fi

# A collection endpoint on 127.0.0.1 that records the first report.
node -e '
  const fs = require("fs");
  const server = require("http").createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => { fs.writeFileSync(process.argv[1], body); res.writeHead(200).end(); });
  });
  server.listen(0, "127.0.0.1", () => fs.writeFileSync(process.argv[2], String(server.address().port)));
' "$work/received.json" "$work/port" &
pids+=("$!")
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
(cd "$app" && exec "${base_env[@]}" "${as_user[@]}" "${entry[@]}" run --config "$config_dir/pipeline.yaml" \
  --state-dir "$state" --endpoint "http://127.0.0.1:$(cat "$work/port")/" --delay 1s --period 1h) >/dev/null 2>"$work/daemon.log" &
daemon_pid=$!
pids+=("$daemon_pid")
for _ in $(seq 150); do [ -s "$work/received.json" ] && break; kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
if [ -s "$work/received.json" ] && check_payload "$work/received.json" input/kafka_franz output/aws_s3; then
  pass 'run sends a report to the endpoint'
else
  fail "run sent no report within 15s: $(tail -n 5 "$work/daemon.log")"
fi
sleep 0.5 # let it record the outcome
kill -TERM "$daemon_pid" 2>/dev/null
wait_exit "$daemon_pid" 10
[ "$code" = 0 ] && pass 'run exits 0 on SIGTERM' || fail "run: exit code $code after SIGTERM: $(tail -n 5 "$work/daemon.log")"
if [ -f "$state/state.json" ] && [ "$(stat -c %a "$state/state.json")" = 600 ] \
  && [ "$(node -p "require('$state/state.json').instanceId")" = "$(node -p "require('$work/received.json').id")" ]; then
  pass 'the state file holds the reported instance ID, mode 0600'
else
  fail "state file: $(ls -l "$state" 2>&1)"
fi
locks=$(find "$state" -maxdepth 1 -name 'state.lock*' -print)
[ -z "$locks" ] && pass 'the lock is released on exit' || fail "lock files left behind after SIGTERM: $locks"
written=$(find "$app" "$config_dir" "$home" -newer "$work/before" -print)
[ -z "$written" ] && pass 'the daemon wrote nothing outside the state directory' || fail "files written outside the state dir: $written"
chmod -R u+w "$app" "$config_dir" "$home"

if [ "$failures" -eq 0 ]; then
  printf 'package smoke test: PASSED\n'
else
  printf 'package smoke test: FAILED (%d check(s))\n' "$failures"
  exit 1
fi
