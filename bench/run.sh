#!/usr/bin/env bash
# sts-broker benchmark harness: one command, every scenario, one dated results file.
# What each scenario measures and how to read the results: docs/BENCHMARKS.md.
#
#   bash bench/run.sh            full run (the default; estimated ~20 min on 2 cores), for a quiet machine
#   bash bench/run.sh --quick    smoke run (~3-4 min): short rounds, reduced counts, same code paths
#   bash bench/run.sh --help     every option
#
# Everything runs on loopback (127.0.0.1) with bounded durations and request counts. Processes it
# starts are stopped by pid on exit; its temporary directory (keys, tokens, logs) is removed unless
# --keep-work.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

usage() {
  cat <<'EOF'
Usage: bash bench/run.sh [--quick] [options]

Modes
  (default)               full run: 3 rounds x 20 s per throughput target, 100,000 cached entries, ...
  --quick                 smoke run: 3 rounds x 3 s, 5,000 entries/callers, 2 start-ups per variant

Scenarios (comma-separated, default all): throughput,amplification,startup,latency,memory
  --scenarios LIST

Throughput (wrk)
  --rounds N              alternating rounds (default 3)
  --duration S            seconds per target per round (full 20, quick 3)
  --warmup S              warm-up seconds per target before round 1 (full 15, quick 2)
  --threads N             wrk threads (default 2)
  --connections N         wrk connections (default 64)
  --no-diagnostics        skip the two extra baseline variants (Jackson per request, worker thread)
  --profile               after the measured rounds, one extra run per broker target under JFR; the
                          results list where the broker's CPU samples went (JWT, serialisation, ...)

Amplification
  --stampede N            concurrent first requests for one (role, caller) (default 1000)
  --stampede-trials N     (full 3, quick 2)
  --cold N                distinct cold callers (full 10000, quick 5000)
  --cold-concurrency N    (default 256)
  --sts-budget N          broker.sts.max-calls-per-second for this scenario (default 50, the production default)

Latency hiding
  --lat-rounds N          rounds of (0 ms, 200 ms) (full 3, quick 2)
  --lat-duration S        seconds per round and condition (full 20, quick 5)
  --lat-warmup S          warm-up seconds per condition (full 10, quick 3)
  --lat-keys N            API keys (cache entries) the load cycles through (default 32)
  --sts-delay-ms N        added STS latency (default 200)

Memory
  --mem-entries N         distinct cached entries (full 100000, quick 5000)
  --mem-xmx SIZE          heap limit of the measured broker (default 1g, so the limit does not shape the result)

Start-up
  --startup-runs N        runs per variant (full 5, quick 2)

General
  --xmx SIZE              -Xmx of the broker and the baseline (default 256m: kept throughput on the 2-core benchmark machine)
  --jvm-opts "OPTS"       extra JVM options for every measured JVM
  --rebuild               rebuild the jars even when they look up to date
  --no-build              never build; fail if a jar is missing
  --out FILE              results file (default bench/results/<UTC date>.md, never overwritten)
  --keep-work             keep the temporary directory (logs, raw wrk output, keys)
EOF
}

die() { echo "bench: $*" >&2; exit 1; }
say() { printf '\n== %s\n' "$*"; }

# ------------------------------------------------------------------------------------------ options
ORIG_ARGS="$*"
MODE=full
SCENARIOS=throughput,amplification,startup,latency,memory
declare -A OPT=()
DIAGNOSTICS=1 PROFILE=0 REBUILD=0 NOBUILD=0 KEEP_WORK=0 JVM_EXTRA=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) MODE=quick ;;
    --full) MODE=full ;;
    --scenarios) SCENARIOS=$2; shift ;;
    --rounds|--duration|--warmup|--threads|--connections|--stampede|--stampede-trials|--cold|--cold-concurrency|\
    --sts-budget|--lat-rounds|--lat-duration|--lat-warmup|--lat-keys|--sts-delay-ms|--mem-entries|--mem-xmx|--startup-runs|--xmx|--out)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      OPT[${1#--}]=$2; shift ;;
    --jvm-opts) JVM_EXTRA=$2; shift ;;
    --no-diagnostics) DIAGNOSTICS=0 ;;
    --profile) PROFILE=1 ;;
    --rebuild) REBUILD=1 ;;
    --no-build) NOBUILD=1 ;;
    --keep-work) KEEP_WORK=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
  shift
done

# opt NAME FULL QUICK: the explicit value, else the mode's default.
opt() { if [[ -n ${OPT[$1]:-} ]]; then echo "${OPT[$1]}"; elif [[ $MODE == quick ]]; then echo "$3"; else echo "$2"; fi; }
ROUNDS=$(opt rounds 3 3)
DURATION=$(opt duration 20 3)
WARMUP=$(opt warmup 15 2)
THREADS=$(opt threads 2 2)
CONNECTIONS=$(opt connections 64 64)
STAMPEDE=$(opt stampede 1000 1000)
STAMPEDE_TRIALS=$(opt stampede-trials 3 2)
COLD=$(opt cold 10000 5000)
COLD_CONCURRENCY=$(opt cold-concurrency 256 256)
STS_BUDGET=$(opt sts-budget 50 50)
LAT_ROUNDS=$(opt lat-rounds 3 2)
LAT_DURATION=$(opt lat-duration 20 5)
LAT_WARMUP=$(opt lat-warmup 10 3)
LAT_KEYS=$(opt lat-keys 32 32)
STS_DELAY_MS=$(opt sts-delay-ms 200 200)
MEM_ENTRIES=$(opt mem-entries 100000 5000)
MEM_XMX=$(opt mem-xmx 1g 1g)
STARTUP_RUNS=$(opt startup-runs 5 2)
XMX=$(opt xmx 256m 256m)
read -r -a JVM_OPTS <<< "-Xmx$XMX $JVM_EXTRA"
read -r -a JVM_EXTRA_OPTS <<< "$JVM_EXTRA"

has() { [[ ",$SCENARIOS," == *",$1,"* ]]; }
for s in ${SCENARIOS//,/ }; do
  case $s in throughput|amplification|startup|latency|memory) ;; *) die "unknown scenario $s" ;; esac
done

# --------------------------------------------------------------------------------- prerequisites
for tool in java javac jcmd curl ss sha256sum getconf; do
  command -v "$tool" >/dev/null || die "$tool is required (a JDK 17 and curl/iproute2/coreutils)"
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

WORK=$(mktemp -d /tmp/sts-bench.XXXXXX)
mkdir -p "$WORK"/{logs,conf,tokens,raw,sections,classes}
VERDICTS=$WORK/verdicts.tsv
NOTES=$WORK/notes.md
: > "$VERDICTS"
: > "$NOTES"
PIDS=()

stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  if (( KEEP_WORK )); then
    echo "bench: work directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ALLOCATED=" "
# free_port VAR: a loopback TCP port nobody listens on, not handed out before in this run.
free_port() {
  local p _
  for _ in $(seq 1 500); do
    p=$(( 20000 + RANDOM % 25000 ))
    [[ $ALLOCATED == *" $p "* ]] && continue
    if [[ -z $(ss -Htln "sport = :$p" 2>/dev/null) ]]; then
      ALLOCATED+="$p "
      printf -v "$1" '%s' "$p"
      return 0
    fi
  done
  die "no free port found"
}

# ------------------------------------------------------------------------------------------- build
BROKER_APP=target/quarkus-app
BROKER_JAR=$BROKER_APP/quarkus-run.jar
BROKER_JSA=$BROKER_APP/app-cds.jsa
BASELINE_APP=bench/baseline/target/quarkus-app
BASELINE_JAR=$BASELINE_APP/quarkus-run.jar
BUILD_NOTE=""

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
  [[ -f $BROKER_JAR && -f $BASELINE_JAR ]] || die "--no-build, but $BROKER_JAR or $BASELINE_JAR is missing"
  BUILD_NOTE="jars used as found (--no-build)"
else
  if (( REBUILD )) || broker_stale; then
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
  if (( REBUILD )) || baseline_stale; then
    echo "baseline: ./mvnw -B -q -f bench/baseline/pom.xml package"
    ./mvnw -B -q -f bench/baseline/pom.xml package > "$WORK/logs/build-baseline.log" 2>&1 \
      || { tail -40 "$WORK/logs/build-baseline.log"; die "baseline build failed"; }
  fi
fi
[[ -f $BROKER_JSA ]] || echo "note: no $BROKER_JSA: the start-up scenario will skip its AppCDS variant"

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
if (( CALLER_TOKENS > 0 )); then
  echo "signing $CALLER_TOKENS caller tokens (RS256, all cores; before any measured JVM starts)"
  tool BenchJwt tokens "$WORK/keys" system:serviceaccount:bench:caller- "$CALLER_TOKENS" "$WORK/tokens/callers.tok"
fi
JWT_ISSUER=https://issuer.bench.sts-broker.invalid

# Upcoming properties (hardening work in progress): set when the jar knows them. A broker that does
# not fails start-up with SRCFG00050 naming them; it is then started again without them and the
# results say so.
OPTIONAL_PROPS=(broker.rate-limit.per-caller broker.sts.max-calls-per-second)
UNSUPPORTED=" "

# props_to_args FILE: the file's key=value lines as -D arguments (skipping unsupported optional ones).
props_to_args() {
  local line key
  PROP_ARGS=()
  while IFS= read -r line || [[ -n $line ]]; do
    [[ -z $line || $line == \#* ]] && continue
    key=${line%%=*}
    [[ $UNSUPPORTED == *" $key "* ]] && continue
    PROP_ARGS+=("-D$line")
  done < "$1"
}

# wait_ready URL PID SECONDS: 0 ready, 1 process died, 2 timed out.
wait_ready() {
  local url=$1 pid=$2 deadline=$((SECONDS + $3))
  while (( SECONDS < deadline )); do
    curl -sf -o /dev/null --max-time 2 "$url" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 2
}

# start_broker NAME PORT PROPS XMX [ENV=VALUE...]: starts the broker jar, waits for readiness; sets STARTED_PID.
start_broker() {
  local name=$1 port=$2 props=$3 xmx=$4 attempt rc prop dropped
  shift 4
  for attempt in 1 2 3; do
    props_to_args "$props"
    env "$@" java "-Xmx$xmx" "${JVM_EXTRA_OPTS[@]}" "${PROP_ARGS[@]}" -jar "$BROKER_JAR" > "$WORK/logs/$name.log" 2>&1 &
    STARTED_PID=$!
    rc=0; wait_ready "http://127.0.0.1:$port/q/health/ready" "$STARTED_PID" 120 || rc=$?
    if (( rc == 0 )); then
      PIDS+=("$STARTED_PID")
      echo "$name: ready on 127.0.0.1:$port (pid $STARTED_PID)"
      return 0
    fi
    stop_pid "$STARTED_PID"
    dropped=0
    for prop in "${OPTIONAL_PROPS[@]}"; do
      if grep -q "SRCFG00050: $prop in" "$WORK/logs/$name.log" && [[ $UNSUPPORTED != *" $prop "* ]]; then
        UNSUPPORTED+="$prop "
        echo "$name: this build does not know $prop; starting without it"
        echo "- This build does not know \`$prop\` (start-up refused it with SRCFG00050); every broker ran without it." >> "$NOTES"
        dropped=1
      fi
    done
    (( dropped )) || { tail -30 "$WORK/logs/$name.log"; die "$name did not become ready (see above)"; }
  done
  die "$name did not start"
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
  free_port STS_PORT
  STS_AK="LTAIbench$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 15)"
  STS_SK=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 30)
  cat > "$WORK/conf/sts.properties" <<EOF
quarkus.http.host=127.0.0.1
quarkus.http.port=$STS_HTTP_PORT
broker.sts.provider=embedded
broker.embedded-sts.port=$STS_PORT
broker.embedded-sts.access-key-id=$STS_AK
broker.embedded-sts.access-key-secret=$STS_SK
EOF
  start_broker sts "$STS_HTTP_PORT" "$WORK/conf/sts.properties" 512m
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

# main_props FILE PORT: the benchmark configuration of the broker on its embedded STS (production
# profile otherwise: audit of mints and denials on, rate limiting on but raised so wrk measures the
# vend path rather than 429s).
main_props() {
  cat > "$1" <<EOF
quarkus.http.host=127.0.0.1
quarkus.http.port=$2
broker.sts.provider=embedded
broker.embedded-sts.port=0
broker.api-keys.bench=$API_KEY_SHA
broker.roles.bench.arn=acs:ram::1234567890123456:role/bench
broker.roles.bench.allow=apikey:bench,system:serviceaccount:bench:*
mp.jwt.verify.publickey.location=$WORK/keys/jwks.json
mp.jwt.verify.issuer=$JWT_ISSUER
mp.jwt.verify.audiences=sts-broker
broker.rate-limit.per-caller=1000000
broker.sts.max-calls-per-second=$STS_BUDGET
EOF
}

START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
START_TIME=$(date -u +%Y-%m-%dT%H:%M:%SZ)
BODY_NOTE=""

# ------------------------------------------------------------------ throughput and amplification
if has throughput || has amplification; then
  free_port MAIN_PORT
  main_props "$WORK/conf/main.properties" "$MAIN_PORT"
  say "broker on its embedded STS"
  start_broker broker "$MAIN_PORT" "$WORK/conf/main.properties" "$XMX"
  MAIN_PID=$STARTED_PID
  MAIN=http://127.0.0.1:$MAIN_PORT
  KEY_BYTES=$(curl -sf -H "Authorization: Bearer $API_KEY" "$MAIN/v1/credentials/bench" -o "$WORK/credential.json" -w '%{size_download}') \
    || die "the API key cannot get credentials from the benchmark broker"
  JWT_BYTES=$(curl -sf -H "Authorization: Bearer $(cat "$WORK/tokens/jwt.tok")" "$MAIN/v1/credentials/bench" -o /dev/null -w '%{size_download}') \
    || die "the benchmark JWT cannot get credentials from the benchmark broker"
  URI_BYTES=$(curl -sf -H "Authorization: Bearer $(cat "$WORK/tokens/jwt.tok")" "$MAIN/v1/credentials/bench?format=alibaba-uri" -o /dev/null -w '%{size_download}') \
    || die "format=alibaba-uri failed"
  BODY_NOTE="Response bodies: API key ${KEY_BYTES} B, JWT ${JWT_BYTES} B, alibaba-uri ${URI_BYTES} B; the baseline serves the API-key response verbatim (${KEY_BYTES} B)."
fi

if has throughput; then
  free_port BASE_PORT
  start_baseline "$BASE_PORT" "$WORK/credential.json"
  BASE_PID=$STARTED_PID
  BASE=http://127.0.0.1:$BASE_PORT
  M=$MAIN/q/metrics
  {
    printf 'baseline\t%s\t%s\t-\t-\t-\t%s\n' "$BASE/baseline/static" "$BASE_PID" "minimal Quarkus app, static JSON, @NonBlocking, no auth"
    printf 'broker-key\t%s\t%s\t%s\t%s\t-\t%s\n' "$MAIN/v1/credentials/bench" "$MAIN_PID" "$WORK/tokens/key.tok" "$M" "GET /v1/credentials/bench, API key, cache warm"
    printf 'broker-jwt\t%s\t%s\t%s\t%s\t-\t%s\n' "$MAIN/v1/credentials/bench" "$MAIN_PID" "$WORK/tokens/jwt.tok" "$M" "same, RS256 JWT"
    printf 'broker-jwt-uri\t%s\t%s\t%s\t%s\t-\t%s\n' "$MAIN/v1/credentials/bench?format=alibaba-uri" "$MAIN_PID" "$WORK/tokens/jwt.tok" "$M" "same, RS256 JWT, format=alibaba-uri"
    if (( DIAGNOSTICS )); then
      printf 'baseline-jackson\t%s\t%s\t-\t-\t-\t%s\n' "$BASE/baseline/serialized" "$BASE_PID" "diagnostic: baseline, record serialised by Jackson per request"
      printf 'baseline-worker\t%s\t%s\t-\t-\t-\t%s\n' "$BASE/baseline/worker" "$BASE_PID" "diagnostic: baseline, static JSON from a worker thread"
    fi
  } > "$WORK/conf/throughput-targets.tsv"
  say "throughput: warm vends against the baseline"
  tool Throughput --targets "$WORK/conf/throughput-targets.tsv" --baseline baseline --lua bench/wrk/bench.lua \
    --rounds "$ROUNDS" --duration "$DURATION" --warmup "$WARMUP" --threads "$THREADS" --connections "$CONNECTIONS" \
    --clk-tck "$(getconf CLK_TCK)" --raw "$WORK/raw/throughput" --out "$WORK/sections/1-throughput.md" \
    --verdicts "$VERDICTS" --scenario throughput --title "Throughput: warm vends against the framework's own limit" \
    --target 'broker-key:rps>=0.8' --target 'broker-jwt:rps>=0.7' --target 'broker-jwt-uri:rps>=0.7' \
    --target 'broker-key:p99<=2' --target 'broker-jwt:p99<=2' --target 'broker-jwt-uri:p99<=2'
  if (( PROFILE )); then
    say "profile: JFR during one extra, unmeasured run per broker target"
    {
      echo "### Where the broker's CPU goes (JFR, \`--profile\`)"
      echo
      echo "One extra ${DURATION} s wrk run per target after the measured rounds, recorded with"
      echo "\`jcmd <pid> JFR.start settings=profile\` and summarised by \`bench/tools/JfrTop.java\`: top methods by self"
      echo "samples, then the suspects (JWT verification, response writing, security, metrics, cache, broker code)"
      echo "by samples anywhere on the stack. Shares are of all samples of the broker's threads."
      echo
      for t in key jwt; do
        jcmd "$MAIN_PID" JFR.start name="bench-$t" settings=profile filename="$WORK/raw/$t.jfr" > /dev/null
        BENCH_BEARERS=$(cat "$WORK/tokens/$t.tok") wrk "-t$THREADS" "-c$CONNECTIONS" "-d${DURATION}s" -s bench/wrk/bench.lua \
          "$MAIN/v1/credentials/bench" > /dev/null
        jcmd "$MAIN_PID" JFR.stop name="bench-$t" > /dev/null
        echo "<details><summary>broker-$t</summary>"
        echo
        echo '```'
        tool JfrTop "$WORK/raw/$t.jfr" 25
        echo '```'
        echo
        echo "</details>"
        echo
      done
    } > "$WORK/sections/1b-profile.md"
  fi
  stop_pid "$BASE_PID"
fi

if has amplification; then
  say "amplification: stampede and cold callers"
  BUDGET_KNOWN=true
  [[ $UNSUPPORTED == *" broker.sts.max-calls-per-second "* ]] && BUDGET_KNOWN=false
  # Cold callers: a broker on provider=alibaba whose STS sits behind a delay proxy (no delay) that
  # timestamps each AssumeRole on arrival, so the budget is judged where Alibaba would count it.
  start_upstream
  start_proxy COLD_PROXY_PORT COLD_PROXY_PID
  free_port COLD_PORT
  main_props "$WORK/conf/cold.properties" "$COLD_PORT"
  printf '%s\n' broker.sts.provider=alibaba "broker.sts.endpoint=http://127.0.0.1:$COLD_PROXY_PORT" >> "$WORK/conf/cold.properties"
  start_broker cold "$COLD_PORT" "$WORK/conf/cold.properties" "$XMX" \
    ALIBABA_CLOUD_ACCESS_KEY_ID="$STS_AK" ALIBABA_CLOUD_ACCESS_KEY_SECRET="$STS_SK"
  COLD_PID=$STARTED_PID
  tool Amplification --base "$MAIN" --role bench --keys "$WORK/keys" --run-id "$(date +%s)" \
    --tokens "$WORK/tokens/callers.tok" --stampede "$STAMPEDE" --trials "$STAMPEDE_TRIALS" --cold "$COLD" \
    --cold-concurrency "$COLD_CONCURRENCY" --budget "$STS_BUDGET" --budget-known "$BUDGET_KNOWN" \
    --cold-base "http://127.0.0.1:$COLD_PORT" --upstream "http://127.0.0.1:$COLD_PROXY_PORT" \
    --out "$WORK/sections/2-amplification.md" --verdicts "$VERDICTS"
  stop_pid "$COLD_PID"
  stop_pid "$COLD_PROXY_PID"
  has latency || has memory || stop_upstream
fi
[[ -n ${MAIN_PID:-} ]] && stop_pid "$MAIN_PID"

# -------------------------------------------------------------------------------------- start-up
if has startup; then
  say "start-up to ready (nothing else of the benchmark running)"
  free_port SU_PORT
  main_props "$WORK/conf/startup.properties" "$SU_PORT"
  props_to_args "$WORK/conf/startup.properties"
  ABS_APP=$REPO/$BROKER_APP
  { echo "cwd=$ABS_APP"; printf '%s\n' java "${JVM_OPTS[@]}" "${PROP_ARGS[@]}" -jar quarkus-run.jar; } > "$WORK/conf/startup-jar.args"
  VARIANTS=(--variant "jar=$WORK/conf/startup-jar.args")
  if [[ -f $BROKER_JSA ]]; then
    # -Xshare:on: a run that cannot map the archive fails instead of silently starting without it.
    { echo "cwd=$ABS_APP"; printf '%s\n' java "${JVM_OPTS[@]}" -XX:SharedArchiveFile=app-cds.jsa -Xshare:on "${PROP_ARGS[@]}" -jar quarkus-run.jar; } \
      > "$WORK/conf/startup-appcds.args"
    VARIANTS+=(--variant "jar+appcds=$WORK/conf/startup-appcds.args")
  fi
  # The baseline app as a yardstick: what the framework alone needs on this machine right now.
  { echo "cwd=$REPO/$BASELINE_APP"; echo "probe=/baseline/static"
    printf '%s\n' java "${JVM_OPTS[@]}" -Dquarkus.http.host=127.0.0.1 "-Dquarkus.http.port=$SU_PORT" -jar quarkus-run.jar; } \
    > "$WORK/conf/startup-baseline.args"
  VARIANTS+=(--variant "baseline=$WORK/conf/startup-baseline.args")
  tool Startup "${VARIANTS[@]}" --port "$SU_PORT" --runs "$STARTUP_RUNS" --log-dir "$WORK/logs/startup" \
    --out "$WORK/sections/3-startup.md" --verdicts "$VERDICTS" --target-ms 1500 --judge jar --reference baseline
fi

# ------------------------------------------------------------- a second broker as the upstream STS
# The latency and memory scenarios run the measured broker on broker.sts.provider=alibaba against
# the embedded STS of a second broker process ("sts"), so the measured JVM holds only what a
# production broker holds, and a delay proxy can sit in between.
if has latency || has memory; then
  start_upstream
fi

if has latency; then
  say "latency hiding: STS +0 ms against STS +${STS_DELAY_MS} ms"
  start_proxy PROXY_PORT PROXY_PID
  free_port LAT_PORT
  : > "$WORK/tokens/lat-keys.tok"
  {
    cat <<EOF
quarkus.http.host=127.0.0.1
quarkus.http.port=$LAT_PORT
broker.sts.provider=alibaba
broker.sts.endpoint=http://127.0.0.1:$PROXY_PORT
broker.roles.lat.arn=acs:ram::1234567890123456:role/lat
broker.roles.lat.duration=900
broker.roles.lat.allow=apikey:*
broker.cache.min-remaining=850s
broker.cache.refresh-ahead=890s
broker.rate-limit.per-caller=1000000
broker.sts.max-calls-per-second=$STS_BUDGET
EOF
    for i in $(seq 0 $((LAT_KEYS - 1))); do
      k=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
      printf '%s\n' "$k" >> "$WORK/tokens/lat-keys.tok"
      echo "broker.api-keys.lat$i=$(printf %s "$k" | sha256sum | cut -d' ' -f1)"
    done
  } > "$WORK/conf/latency.properties"
  start_broker latency "$LAT_PORT" "$WORK/conf/latency.properties" "$XMX" \
    ALIBABA_CLOUD_ACCESS_KEY_ID="$STS_AK" ALIBABA_CLOUD_ACCESS_KEY_SECRET="$STS_SK"
  LAT_PID=$STARTED_PID
  LAT=http://127.0.0.1:$LAT_PORT
  {
    printf 'sts-0ms\t%s\t%s\t%s\t%s\t%s\t%s\n' "$LAT/v1/credentials/lat" "$LAT_PID" "$WORK/tokens/lat-keys.tok" "$LAT/q/metrics" \
      "http://127.0.0.1:$PROXY_PORT/__bench/delay?ms=0" "$LAT_KEYS API keys, STS answers at once"
    printf 'sts-%sms\t%s\t%s\t%s\t%s\t%s\t%s\n' "$STS_DELAY_MS" "$LAT/v1/credentials/lat" "$LAT_PID" "$WORK/tokens/lat-keys.tok" "$LAT/q/metrics" \
      "http://127.0.0.1:$PROXY_PORT/__bench/delay?ms=$STS_DELAY_MS" "same, every STS call held ${STS_DELAY_MS} ms by the proxy"
  } > "$WORK/conf/latency-targets.tsv"
  tool Throughput --targets "$WORK/conf/latency-targets.tsv" --baseline sts-0ms --lua bench/wrk/bench.lua \
    --rounds "$LAT_ROUNDS" --duration "$LAT_DURATION" --warmup "$LAT_WARMUP" --threads "$THREADS" --connections "$CONNECTIONS" \
    --clk-tck "$(getconf CLK_TCK)" --raw "$WORK/raw/latency" --out "$WORK/sections/4-latency.md" \
    --verdicts "$VERDICTS" --scenario latency --order abba \
    --title "Latency hiding: warm keys while STS is slow (refresh-ahead keeps STS off the request path)" \
    --target "sts-${STS_DELAY_MS}ms:p99<=1.10"
  {
    echo "Set-up: the measured broker runs \`broker.sts.provider=alibaba\` against \`http://127.0.0.1:<proxy>\`, a JDK-only"
    echo "delay proxy (\`bench/tools/DelayProxy.java\`) in front of a second broker's embedded STS; the delay is switched"
    echo "before each run. To make refreshes happen inside short rounds, the role lasts 900 s (the STS minimum) with"
    echo "\`broker.cache.refresh-ahead=890s\` and \`broker.cache.min-remaining=850s\`: a credential is due for refresh 10 s after it"
    echo "is minted (plus up to 10 s of jitter: a quarter of refresh-ahead − min-remaining) and must not be handed out 50 s"
    echo "after, so each of the $LAT_KEYS keys is refreshed every 10–20 s, every refresh in a +${STS_DELAY_MS} ms round waits"
    echo "${STS_DELAY_MS} ms on STS, and a request would only ever wait for STS on a miss. The counters column shows, per round,"
    echo "the refreshes, the STS calls and their mean latency (≈ ${STS_DELAY_MS} ms when the delay applied) and the misses (must"
    echo "be 0: no request waited on STS)."
    echo
  } >> "$WORK/sections/4-latency.md"
  stop_pid "$LAT_PID"
  stop_pid "$PROXY_PID"
fi

if has memory; then
  say "memory: $MEM_ENTRIES distinct cached entries"
  free_port MEM_PORT
  MAX_ENTRIES=$(( MEM_ENTRIES + MEM_ENTRIES / 10 + 100 ))
  (( MAX_ENTRIES < 100000 )) && MAX_ENTRIES=100000
  cat > "$WORK/conf/memory.properties" <<EOF
quarkus.http.host=127.0.0.1
quarkus.http.port=$MEM_PORT
broker.sts.provider=alibaba
broker.sts.endpoint=http://127.0.0.1:$STS_PORT
broker.roles.mem.arn=acs:ram::1234567890123456:role/mem
broker.roles.mem.allow=system:serviceaccount:bench:*
mp.jwt.verify.publickey.location=$WORK/keys/jwks.json
mp.jwt.verify.issuer=$JWT_ISSUER
mp.jwt.verify.audiences=sts-broker
broker.cache.max-entries=$MAX_ENTRIES
broker.rate-limit.per-caller=1000000
broker.sts.max-calls-per-second=1000000
EOF
  start_broker memory "$MEM_PORT" "$WORK/conf/memory.properties" "$MEM_XMX" \
    ALIBABA_CLOUD_ACCESS_KEY_ID="$STS_AK" ALIBABA_CLOUD_ACCESS_KEY_SECRET="$STS_SK"
  MEM_PID=$STARTED_PID
  tool Memory --base "http://127.0.0.1:$MEM_PORT" --role mem --pid "$MEM_PID" --tokens "$WORK/tokens/callers.tok" \
    --count "$MEM_ENTRIES" --concurrency 32 --max-mb 250 --out "$WORK/sections/5-memory.md" --verdicts "$VERDICTS"
  {
    echo "Set-up: the measured broker (\`-Xmx$MEM_XMX\`, so the heap limit does not shape the result) runs \`broker.sts.provider=alibaba\`"
    echo "against a second broker's embedded STS, so its heap holds no STS-side state (nonce store, issued tokens)."
    echo "\`broker.sts.max-calls-per-second\` is raised to 1000000 for this scenario only: at the production budget of $STS_BUDGET/s,"
    echo "$MEM_ENTRIES cold mints would take $(( MEM_ENTRIES / STS_BUDGET )) s. \`broker.cache.max-entries=$MAX_ENTRIES\` so that nothing is evicted."
    echo "Security tokens are the embedded STS's (about 1 KB, like real ones)."
    echo
  } >> "$WORK/sections/5-memory.md"
  stop_pid "$MEM_PID"
fi
stop_upstream

# ------------------------------------------------------------------------------------ results file
END_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p bench/results
OUT=${OPT[out]:-}
if [[ -z $OUT ]]; then
  OUT=bench/results/$(date -u +%F).md
  [[ -e $OUT ]] && OUT=bench/results/$(date -u +%F-%H%M%S).md
fi
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git status --porcelain -- src pom.xml 2>/dev/null | head -1)
JAVA_VERSION=$( (java -version 2>&1 || true) | head -1)
WRK_VERSION=$( (wrk -v 2>&1 || true) | head -1 | cut -d' ' -f1-2)  # wrk -v exits 1
{
  echo "# sts-broker benchmark results, $START_TIME"
  echo
  if [[ $MODE == quick ]]; then
    echo "> **Smoke figures** (\`--quick\`: ${DURATION} s rounds, ${WARMUP} s warm-up, reduced counts). They prove the harness"
    echo "> runs end to end; they are not a measurement. Compare ratios within this file only."
  else
    echo "> Full run. Absolute numbers drift by up to 40% between runs on this kind of machine: compare the ratios,"
    echo "> measured side by side within this run."
  fi
  echo
  echo "## Targets"
  echo
  echo "| scenario | what | measured | target | verdict |"
  echo "|---|---|---|---|---|"
  while IFS=$'\t' read -r scenario what measured threshold verdict; do
    echo "| $scenario | $what | $measured | $threshold | $verdict |"
  done < "$VERDICTS"
  echo
  echo "## Set-up"
  echo
  echo "- Command: \`bash bench/run.sh${ORIG_ARGS:+ $ORIG_ARGS}\` (mode $MODE; scenarios $SCENARIOS)"
  echo "- Broker: commit \`$COMMIT\`${DIRTY:+ with uncommitted changes under src/ or pom.xml}; $BUILD_NOTE"
  echo "- Machine: $(nproc) CPUs, $(free -g 2>/dev/null | awk '/Mem:/{print $2" GiB"}'), load average $START_LOAD at start, $END_LOAD at end"
  echo "- $JAVA_VERSION; $WRK_VERSION; JVM options of the broker and the baseline: \`${JVM_OPTS[*]}\`"
  [[ -n $BODY_NOTE ]] && echo "- $BODY_NOTE"
  echo "- Benchmark configuration (\`-D\` on the command line): \`broker.sts.provider=embedded\`, one role \`bench\` allowed to"
  echo "  \`apikey:bench\` and \`system:serviceaccount:bench:*\`, a random API key, an RSA-2048 JWKS generated for this run,"
  echo "  \`broker.rate-limit.per-caller=1000000\`, \`broker.sts.max-calls-per-second=$STS_BUDGET\`; audit and rate limiting as in production."
  cat "$NOTES"
  echo
  for f in "$WORK"/sections/*.md; do
    [[ -e $f ]] && { cat "$f"; echo; }
  done
} > "$OUT"
say "results: $OUT"
sed -n '/^## Targets/,/^## Set-up/p' "$OUT" | sed '$d'
