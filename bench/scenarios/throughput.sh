# Throughput: warm vends against the baseline app, alternating rounds (docs/BENCHMARKS.md).
# Sourced by bench/run.sh after the main broker is up (MAIN, MAIN_PID, MAIN_MGMT_PORT).

scenario_throughput() {
  local base_port base_pid base m t
  free_port base_port
  start_baseline "$base_port" "$WORK/credential.json"
  base_pid=$STARTED_PID
  base=http://127.0.0.1:$base_port
  m=http://127.0.0.1:$MAIN_MGMT_PORT/q/metrics
  # One target a line: name, url, server pid, bearer file, metrics url, switch url, description.
  {
    printf 'baseline\t%s\t%s\t-\t-\t-\t%s\n' "$base/baseline/static" "$base_pid" "minimal Quarkus app, static JSON, @NonBlocking, no auth"
    printf 'broker-key\t%s\t%s\t%s\t%s\t-\t%s\n' "$MAIN/v1/credentials/bench" "$MAIN_PID" "$WORK/tokens/key.tok" "$m" "GET /v1/credentials/bench, API key, cache warm"
    printf 'broker-jwt\t%s\t%s\t%s\t%s\t-\t%s\n' "$MAIN/v1/credentials/bench" "$MAIN_PID" "$WORK/tokens/jwt.tok" "$m" "same, RS256 JWT"
    printf 'broker-jwt-uri\t%s\t%s\t%s\t%s\t-\t%s\n' "$MAIN/v1/credentials/bench?format=alibaba-uri" "$MAIN_PID" "$WORK/tokens/jwt.tok" "$m" "same, RS256 JWT, format=alibaba-uri"
    if (( DIAGNOSTICS )); then
      printf 'baseline-jackson\t%s\t%s\t-\t-\t-\t%s\n' "$base/baseline/serialized" "$base_pid" "diagnostic: baseline, record serialised by Jackson per request"
      printf 'baseline-worker\t%s\t%s\t-\t-\t-\t%s\n' "$base/baseline/worker" "$base_pid" "diagnostic: baseline, static JSON from a worker thread"
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
  stop_pid "$base_pid"
}
