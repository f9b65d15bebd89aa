#!/usr/bin/env bash
# sts-broker benchmark harness: one command, every scenario, one dated results file.
# What each scenario measures and how to read the results: docs/BENCHMARKS.md.
#
#   bash bench/run.sh            full run (the default; estimated ~27 min on 2 cores), for a quiet machine
#   bash bench/run.sh --quick    smoke run (~3-4 min): short rounds, reduced counts, same code paths
#   bash bench/run.sh --help     every option (bench/conf/run.usage.txt)
#
# Layout: this file wires the run (options, build, keys, the brokers every scenario shares, results);
# bench/lib holds the shared helpers and the results writer, bench/scenarios one file per scenario,
# bench/conf the options, their defaults and the brokers' configuration templates.
#
# Everything runs on loopback (127.0.0.1) with bounded durations and request counts. Processes it
# starts are stopped by pid on exit; its temporary directory (keys, tokens, logs) is removed unless
# --keep-work.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
BENCH_TOOL=bench
source bench/lib/common.sh
source bench/lib/report.sh
for f in bench/scenarios/*.sh; do source "$f"; done

# ------------------------------------------------------------------------------------------ options
declare -A OPT=()
parse_options bench/conf/run.options "$@"
MODE=full
[[ -n ${OPT[quick]:-} ]] && MODE=quick
[[ -n ${OPT[full]:-} ]] && MODE=full
SCENARIOS=${OPT[scenarios]:-throughput,amplification,startup,latency,memory,cluster}
DIAGNOSTICS=1; [[ -n ${OPT[no-diagnostics]:-} ]] && DIAGNOSTICS=0
PROFILE=${OPT[profile]:-0}
REBUILD=${OPT[rebuild]:-0}
NOBUILD=${OPT[no-build]:-0}
KEEP_WORK=${OPT[keep-work]:-0}
JVM_EXTRA=${OPT[jvm-opts]:-}

# opt NAME: the explicit --NAME, else the mode's default from bench/conf/defaults.tsv.
opt() {
  local name full quick
  if [[ -n ${OPT[$1]:-} ]]; then echo "${OPT[$1]}"; return; fi
  while IFS=$'\t' read -r name full quick; do
    [[ $name == "$1" ]] || continue
    if [[ $MODE == quick ]]; then echo "$quick"; else echo "$full"; fi
    return
  done < bench/conf/defaults.tsv
  die "no default for --$1 in bench/conf/defaults.tsv"
}
ROUNDS=$(opt rounds)
DURATION=$(opt duration)
WARMUP=$(opt warmup)
THREADS=$(opt threads)
CONNECTIONS=$(opt connections)
STAMPEDE=$(opt stampede)
STAMPEDE_TRIALS=$(opt stampede-trials)
COLD=$(opt cold)
COLD_CONCURRENCY=$(opt cold-concurrency)
STS_BUDGET=$(opt sts-budget)
LAT_ROUNDS=$(opt lat-rounds)
LAT_DURATION=$(opt lat-duration)
LAT_WARMUP=$(opt lat-warmup)
LAT_KEYS=$(opt lat-keys)
STS_DELAY_MS=$(opt sts-delay-ms)
MEM_ENTRIES=$(opt mem-entries)
MEM_XMX=$(opt mem-xmx)
STARTUP_RUNS=$(opt startup-runs)
CLUSTER_CALLERS=$(opt cluster-callers)
CLUSTER_CONCURRENCY=$(opt cluster-concurrency)
CLUSTER_BUDGET=$(opt cluster-budget)
CLUSTER_ROUNDS=$(opt cluster-rounds)
CLUSTER_DURATION=$(opt cluster-duration)
CLUSTER_WARMUP=$(opt cluster-warmup)
REDIS_DELAY_MS=$(opt redis-delay-ms)
XMX=$(opt xmx)
read -r -a JVM_OPTS <<< "-Xmx$XMX $JVM_EXTRA"
read -r -a JVM_EXTRA_OPTS <<< "$JVM_EXTRA"

has() { [[ ",$SCENARIOS," == *",$1,"* ]]; }
for s in ${SCENARIOS//,/ }; do
  case $s in throughput|amplification|startup|latency|memory|cluster) ;; *) die "unknown scenario $s" ;; esac
done

# --------------------------------------------------------------------------------- prerequisites
for t in java javac jcmd curl ss sha256sum getconf; do
  command -v "$t" >/dev/null || die "$t is required (a JDK 17 and curl/iproute2/coreutils)"
done
if ! command -v wrk >/dev/null; then
  say "wrk is missing: installing the Debian package"
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null
  fi
  command -v wrk >/dev/null || die "could not install wrk"
fi
if has cluster && ! command -v redis-server >/dev/null; then
  say "redis-server is missing (cluster scenario): installing the Debian package"
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq redis-server >/dev/null
  fi
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || die "could not install redis-server"
fi

WORK=$(mktemp -d /tmp/sts-bench.XXXXXX)
mkdir -p "$WORK"/{logs,conf,tokens,raw,sections,classes}
VERDICTS=$WORK/verdicts.tsv
: > "$VERDICTS"

cleanup() {
  stop_all
  if (( KEEP_WORK )); then
    echo "bench: work directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------------------------------- build
# Absolute paths: start-up runs the jars from their own directories.
BASELINE_APP=$REPO/bench/baseline/target/quarkus-app
BASELINE_JAR=$BASELINE_APP/quarkus-run.jar
if [[ -n ${OPT[broker-jar]:-} ]]; then
  [[ -f ${OPT[broker-jar]} ]] || die "--broker-jar ${OPT[broker-jar]}: no such file"
  BROKER_JAR=$(cd "$(dirname "${OPT[broker-jar]}")" && pwd)/$(basename "${OPT[broker-jar]}")
else
  BROKER_JAR=$REPO/target/quarkus-app/quarkus-run.jar
fi
BROKER_APP=$(dirname "$BROKER_JAR")
BROKER_JSA=$BROKER_APP/app-cds.jsa

# The commit the measured jar was built from: the checkout it sits in (this one unless --broker-jar).
broker_commit() {
  local dir=$BROKER_APP commit dirty
  commit=$(git -C "$dir" rev-parse --short HEAD 2>/dev/null) || { echo "jar \`$BROKER_JAR\` (not in a git checkout)"; return; }
  dirty=$(cd "$(git -C "$dir" rev-parse --show-toplevel)" && git status --porcelain -- src pom.xml 2>/dev/null | head -1)
  echo "commit \`$commit\`${dirty:+ with uncommitted changes under src/ or pom.xml}"
}

broker_stale() {
  [[ -f $BROKER_JAR && -f $BROKER_JSA && $BROKER_JSA -nt $BROKER_JAR ]] || return 0
  [[ -n $(find src pom.xml -newer "$BROKER_JAR" -print -quit) ]]
}
baseline_stale() {
  [[ -f $BASELINE_JAR ]] || return 0
  [[ -n $(find bench/baseline/src bench/baseline/pom.xml -newer "$BASELINE_JAR" -print -quit) ]]
}

say "build"
if (( NOBUILD )); then
  [[ -f $BROKER_JAR ]] || die "--no-build, but $BROKER_JAR is missing"
  { has throughput || has startup; } && { [[ -f $BASELINE_JAR ]] || die "--no-build, but $BASELINE_JAR is missing"; }
  BUILD_NOTE="jars used as found (--no-build)${OPT[broker-jar]:+; broker jar $BROKER_JAR}"
else
  if [[ -n ${OPT[broker-jar]:-} ]]; then
    echo "broker: $BROKER_JAR (--broker-jar, not built by this run)"
    BUILD_NOTE="broker jar given with --broker-jar ($BROKER_JAR)"
  elif (( REBUILD )) || broker_stale; then
    # The service's tests depend on the client library, and Maven resolves test dependencies even
    # with -DskipTests: on a fresh machine the client must be installed first.
    echo "client: ./mvnw -B -q -f client/pom.xml install -DskipTests"
    ./mvnw -B -q -f client/pom.xml install -DskipTests > "$WORK/logs/build-client.log" 2>&1 \
      || { tail -40 "$WORK/logs/build-client.log"; die "client build failed"; }
    echo "broker: ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true"
    # The AppCDS archive is an extra file next to the same jar: the plain start-up and every other
    # scenario run the jar without it; only the start-up scenario's AppCDS variant maps it.
    ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true > "$WORK/logs/build-broker.log" 2>&1 \
      || { tail -40 "$WORK/logs/build-broker.log"; die "broker build failed"; }
    BUILD_NOTE="broker jar built by this run"
  else
    echo "broker: $BROKER_JAR is newer than src/ and pom.xml, reusing it (--rebuild to force)"
    BUILD_NOTE="broker jar reused (newer than src/ and pom.xml)"
  fi
  # Only the throughput and start-up scenarios run the baseline app.
  if { has throughput || has startup; } && { (( REBUILD )) || baseline_stale; }; then
    echo "baseline: ./mvnw -B -q -f bench/baseline/pom.xml package"
    ./mvnw -B -q -f bench/baseline/pom.xml package > "$WORK/logs/build-baseline.log" 2>&1 \
      || { tail -40 "$WORK/logs/build-baseline.log"; die "baseline build failed"; }
  fi
fi
[[ -f $BROKER_JSA ]] || echo "note: no $BROKER_JSA: the start-up scenario will skip its AppCDS variant"
BROKER_NOTE=$(broker_commit)

javac -d "$WORK/classes" bench/tools/*.java
tool() { java -cp "$WORK/classes" "$@"; }

# ------------------------------------------------------------------------------ keys and tokens
say "keys and tokens (generated for this run, deleted with $WORK)"
tool BenchJwt keys "$WORK/keys"
API_KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$API_KEY" > "$WORK/tokens/key.tok"
API_KEY_SHA=$(printf %s "$API_KEY" | sha256sum | cut -d' ' -f1)
tool BenchJwt token "$WORK/keys" system:serviceaccount:bench:wrk > "$WORK/tokens/jwt.tok"
CALLER_TOKENS=0
has amplification && CALLER_TOKENS=$COLD
has memory && (( MEM_ENTRIES + 1 > CALLER_TOKENS )) && CALLER_TOKENS=$((MEM_ENTRIES + 1))
has cluster && (( CLUSTER_CALLERS > CALLER_TOKENS )) && CALLER_TOKENS=$CLUSTER_CALLERS
if (( CALLER_TOKENS > 0 )); then
  echo "signing $CALLER_TOKENS caller tokens (RS256, all cores; before any measured JVM starts)"
  tool BenchJwt tokens "$WORK/keys" system:serviceaccount:bench:caller- "$CALLER_TOKENS" "$WORK/tokens/callers.tok"
fi
JWT_ISSUER=https://issuer.bench.sts-broker.invalid

# ----------------------------------------------------------------------------------- processes
# start_broker NAME MANAGEMENT_PORT PROPS XMX [ENV=VALUE...]: starts the broker jar, waits for readiness
# on its management port (the prod profile serves health and metrics there, not on the API port);
# sets STARTED_PID.
start_broker() {
  local name=$1 port=$2 props=$3 xmx=$4 rc=0
  shift 4
  props_to_args "$props"
  env "$@" java "-Xmx$xmx" "${JVM_EXTRA_OPTS[@]}" "${PROP_ARGS[@]}" -jar "$BROKER_JAR" > "$WORK/logs/$name.log" 2>&1 &
  STARTED_PID=$!
  wait_ready "http://127.0.0.1:$port/q/health/ready" "$STARTED_PID" 120 || rc=$?
  if (( rc != 0 )); then
    stop_pid "$STARTED_PID"
    tail -30 "$WORK/logs/$name.log"
    die "$name did not become ready (see above)"
  fi
  PIDS+=("$STARTED_PID")
  echo "$name: ready, management on 127.0.0.1:$port (pid $STARTED_PID)"
}

# start_baseline PORT BODY_FILE: sets STARTED_PID.
start_baseline() {
  local port=$1 body=$2 rc=0
  java "${JVM_OPTS[@]}" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" -Dbaseline.body-file="$body" \
    -jar "$BASELINE_JAR" > "$WORK/logs/baseline.log" 2>&1 &
  STARTED_PID=$!
  wait_ready "http://127.0.0.1:$port/baseline/static" "$STARTED_PID" 120 || rc=$?
  (( rc == 0 )) || { tail -30 "$WORK/logs/baseline.log"; die "baseline did not become ready"; }
  PIDS+=("$STARTED_PID")
  echo "baseline: ready on 127.0.0.1:$port (pid $STARTED_PID)"
}

# start_upstream: a second broker whose embedded STS plays Alibaba's STS for the measured broker
# (sets STS_PID, STS_PORT, STS_AK, STS_SK); started once, stopped with stop_upstream.
start_upstream() {
  [[ -n ${STS_PID:-} ]] && return 0
  say "upstream STS: a second broker's embedded STS"
  free_port STS_HTTP_PORT
  free_port STS_MGMT_PORT
  free_port STS_PORT
  STS_AK="LTAIbench$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 15)"
  STS_SK=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 30)
  render bench/conf/upstream-sts.properties "$WORK/conf/sts.properties"
  start_broker sts "$STS_MGMT_PORT" "$WORK/conf/sts.properties" 512m
  STS_PID=$STARTED_PID
}

stop_upstream() {
  [[ -n ${STS_PID:-} ]] && stop_pid "$STS_PID"
  STS_PID=
}

# start_proxy VAR_PORT VAR_PID: a DelayProxy (no delay) in front of the upstream STS.
start_proxy() {
  local port pid
  free_port port
  # java itself in the background (not the tool function), so $! is the JVM's pid and stop_pid stops it.
  java -cp "$WORK/classes" DelayProxy --port "$port" --target "http://127.0.0.1:$STS_PORT" --delay-ms 0 \
    > "$WORK/logs/proxy-$port.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  wait_ready "http://127.0.0.1:$port/__bench/stats" "$pid" 30 || die "delay proxy did not start"
  printf -v "$1" '%s' "$port"
  printf -v "$2" '%s' "$pid"
}

START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
START_TIME=$(date -u +%Y-%m-%dT%H:%M:%SZ)
BODY_NOTE=""

# ------------------------------------------------------------------------------------- scenarios
# Throughput and amplification share one broker on its embedded STS.
if has throughput || has amplification; then
  free_port MAIN_PORT
  free_port MAIN_MGMT_PORT
  PORT=$MAIN_PORT MGMT_PORT=$MAIN_MGMT_PORT render bench/conf/broker.properties "$WORK/conf/main.properties"
  say "broker on its embedded STS"
  start_broker broker "$MAIN_MGMT_PORT" "$WORK/conf/main.properties" "$XMX"
  MAIN_PID=$STARTED_PID
  MAIN=http://127.0.0.1:$MAIN_PORT
  # The first mint loads the vend path's classes in the broker and its embedded STS: on a loaded
  # machine it can outlast the STS attempt timeout (3 s) and get a 503, so it is tried a few times.
  for attempt in 1 2 3 4 5; do
    KEY_BYTES=$(curl -sf -H "Authorization: Bearer $API_KEY" "$MAIN/v1/credentials/bench" -o "$WORK/credential.json" -w '%{size_download}') \
      && break
    (( attempt < 5 )) || die "the API key cannot get credentials from the benchmark broker (see $WORK/logs/broker.log, --keep-work)"
    echo "broker: first credential request failed (attempt $attempt), trying again"
    sleep 2
  done
  JWT_BYTES=$(curl -sf -H "Authorization: Bearer $(cat "$WORK/tokens/jwt.tok")" "$MAIN/v1/credentials/bench" -o /dev/null -w '%{size_download}') \
    || die "the benchmark JWT cannot get credentials from the benchmark broker"
  URI_BYTES=$(curl -sf -H "Authorization: Bearer $(cat "$WORK/tokens/jwt.tok")" "$MAIN/v1/credentials/bench?format=alibaba-uri" -o /dev/null -w '%{size_download}') \
    || die "format=alibaba-uri failed"
  BODY_NOTE="Response bodies: API key ${KEY_BYTES} B, JWT ${JWT_BYTES} B, alibaba-uri ${URI_BYTES} B; the baseline serves the API-key response verbatim (${KEY_BYTES} B)."
fi
has throughput && scenario_throughput
if has amplification; then
  scenario_amplification
  has latency || has memory || has cluster || stop_upstream
fi
[[ -n ${MAIN_PID:-} ]] && stop_pid "$MAIN_PID"

has startup && scenario_startup

# The latency and memory scenarios run the measured broker on broker.sts.provider=alibaba against
# the embedded STS of a second broker process ("sts"), so the measured JVM holds only what a
# production broker holds, and a delay proxy can sit in between.
# The cluster scenario runs three replicas on provider=alibaba against the same upstream.
if has latency || has memory || has cluster; then
  start_upstream
fi
has latency && scenario_latency
has memory && scenario_memory
has cluster && scenario_cluster
stop_upstream

write_results
say "results: $OUT"
sed -n '/^## Targets/,/^## Set-up/p' "$OUT" | sed '$d'
