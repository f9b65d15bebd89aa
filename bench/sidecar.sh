#!/usr/bin/env bash
# Sidecar footprint benchmark: resident memory idle and after 1,000 requests, and the time from
# process start to the first credential served, with the JVM options of docker/Dockerfile.sidecar.
# Figures and how to read them: docs/BENCHMARKS.md ("Sidecar").
#
#   bash bench/sidecar.sh                       every JDK found, 2 runs each
#   bash bench/sidecar.sh --runs 3 --jdk /usr/lib/jvm/java-17-openjdk-amd64
#   bash bench/sidecar.sh --help                every option (bench/conf/sidecar.usage.txt)
#
# Loopback only; every process it starts is stopped by pid on exit; the work directory is removed.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
BENCH_TOOL=sidecar
source bench/lib/common.sh
JAR=client/target/sts-broker-client-sidecar.jar
TRAINING_NOTES=()

# The image's options (keep in step with docker/Dockerfile.sidecar's JAVA_OPTS); the archive path is
# appended per JDK, since a CDS archive belongs to the JDK that wrote it.
IMAGE_OPTS="-XX:+UseSerialGC -Xms8m -Xmx32m -Xss256k -XX:MaxMetaspaceSize=32m -XX:ReservedCodeCacheSize=16m -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError"

declare -A OPT=()
parse_options bench/conf/sidecar.options "$@"
RUNS=${OPT[runs]:-2}
REQUESTS=${OPT[requests]:-1000}
JDKS=()
[ -n "${OPT[jdk]:-}" ] && mapfile -t JDKS <<< "${OPT[jdk]}"
if [ ${#JDKS[@]} -eq 0 ]; then
  for d in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-*-jdk-amd64 /usr/lib/jvm/temurin-*-jre-amd64; do
    [ -x "$d/bin/java" ] && JDKS+=("$d")
  done
fi
[ -f "$JAR" ] || die "build the sidecar first: ./mvnw -f client/pom.xml package -DskipTests"

WORK=$(mktemp -d)
cleanup() {
  stop_all
  rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
rss_kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"; }

java17=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
[ -x "$java17" ] || java17=java
"$java17" bench/tools/StubBroker.java > "$WORK/stub.port" &
PIDS+=($!)
for _ in $(seq 1 300); do [ -s "$WORK/stub.port" ] && break; sleep 0.05; done
STUB_PORT=$(cat "$WORK/stub.port")

printf 'machine: %s cores, load average at start: %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'jar: %s (%s bytes), commit %s\n' "$JAR" "$(stat -c %s "$JAR")" "$(git rev-parse --short HEAD)"
printf 'options: %s -XX:SharedArchiveFile=<per JDK>\n\n' "$IMAGE_OPTS"
printf '| JDK | archive | run | first credential (ms) | CPU until then (ms) | RSS idle (MiB) | RSS after %d requests (MiB) | of which anonymous (MiB) | 200s |\n' "$REQUESTS"
printf '|---|---|---|---|---|---|---|---|---|\n'

for jdk in "${JDKS[@]}"; do
  java="$jdk/bin/java"
  version=$("$java" -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/')
  vendor=$(basename "$jdk")
  jsa="$WORK/sidecar-$vendor.jsa"
  # The image build's training run (docker/Dockerfile.sidecar): one 'process' against an unreachable
  # broker loads the HTTP client, JSON and error paths, then the JVM writes the archive at exit.
  # Retried like the image build: some JDKs crash now and then while writing a dynamic archive
  # (seen with Temurin 25.0.3); -Xshare:on proves the archive usable.
  crashes=0
  for attempt in 1 2 3; do
    (cd "$WORK" && STS_BROKER_URL=http://127.0.0.1:9 STS_BROKER_TOKEN=cds-training \
      "$java" $IMAGE_OPTS -XX:ArchiveClassesAtExit="$jsa" -jar "$REPO/$JAR" process --role cds-training \
      > /dev/null 2> "$WORK/training.err") || [ $? -eq 5 ] || crashes=$((crashes + 1))
    # The archive records the class path: it is checked, and used, with the same -jar path.
    "$java" $IMAGE_OPTS -XX:SharedArchiveFile="$jsa" -Xshare:on -jar "$REPO/$JAR" --help > /dev/null 2>&1 && break
    rm -f "$jsa" "$WORK"/hs_err_pid*.log
  done
  [ -s "$jsa" ] || { echo "no usable CDS archive for $jdk:"; tail -5 "$WORK/training.err"; exit 1; }
  TRAINING_NOTES+=("$vendor: archive $(( $(stat -c %s "$jsa") / 1024 )) KiB, training runs that crashed: $crashes")
  # Each run with the image's archive, then one without it (the JDK's own default CDS only) for contrast.
  for spec in $(seq 1 "$RUNS" | sed 's/^/app:/') none:1; do
    archive=${spec%%:*}; run=${spec##*:}
    share=(-XX:SharedArchiveFile="$jsa")
    [ "$archive" = none ] && share=()
    free_port port
    start=$(now_ms)
    STS_BROKER_URL="http://127.0.0.1:$STUB_PORT" STS_BROKER_TOKEN=bench-token \
      "$java" $IMAGE_OPTS "${share[@]}" -jar "$REPO/$JAR" serve --role bench --port "$port" \
      2> "$WORK/sidecar.err" &
    pid=$!
    PIDS+=($pid)
    first=""
    for _ in $(seq 1 2000); do
      if curl -fsS -o /dev/null "http://127.0.0.1:$port/v1/credentials" 2>/dev/null; then
        first=$(( $(now_ms) - start )); cpu=$(cpu_ms "$pid"); break
      fi
      kill -0 "$pid" 2>/dev/null || break
    done
    [ -n "$first" ] || { echo "the sidecar did not serve:"; cat "$WORK/sidecar.err"; exit 1; }
    sleep 2 # settle: class loading and JIT of start-up are over
    idle=$(rss_kib "$pid" VmRSS)
    : > "$WORK/curl.cfg"
    for _ in $(seq 1 "$REQUESTS"); do
      printf 'url = "http://127.0.0.1:%s/v1/credentials"\noutput = "/dev/null"\n' "$port" >> "$WORK/curl.cfg"
    done
    ok=$(curl -s -w '%{http_code}\n' -K "$WORK/curl.cfg" | grep -c '^200$' || true)
    after=$(rss_kib "$pid" VmRSS)
    anon=$(rss_kib "$pid" RssAnon)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    printf '| %s %s | %s | %d | %d | %d | %.1f | %.1f | %.1f | %d |\n' "$vendor" "$version" "$archive" "$run" "$first" "$cpu" \
      "$(echo "$idle / 1024" | bc -l)" "$(echo "$after / 1024" | bc -l)" "$(echo "$anon / 1024" | bc -l)" "$ok"
  done
done
printf '\nload average at end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'CDS: %s\n' "${TRAINING_NOTES[@]}"
