# The results file: targets table, set-up, then each scenario's section. Sourced by bench/run.sh.

write_results() {
  END_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
  mkdir -p bench/results
  local f
  OUT=${OPT[out]:-}
  if [[ -z $OUT ]]; then
    OUT=bench/results/$(date -u +%F).md
    [[ -e $OUT ]] && OUT=bench/results/$(date -u +%F-%H%M%S).md
  fi
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
    echo "- Broker: $BROKER_NOTE; $BUILD_NOTE"
    echo "- Machine: $(nproc) CPUs, $(free -g 2>/dev/null | awk '/Mem:/{print $2" GiB"}'), load average $START_LOAD at start, $END_LOAD at end"
    echo "- $JAVA_VERSION; $WRK_VERSION; JVM options of the broker and the baseline: \`${JVM_OPTS[*]}\`"
    [[ -n $BODY_NOTE ]] && echo "- $BODY_NOTE"
    echo "- Benchmark configuration (\`-D\` on the command line): \`broker.sts.provider=embedded\`, one role \`bench\` allowed to"
    echo "  \`apikey:bench\` and \`system:serviceaccount:bench:*\`, a random API key, an RSA-2048 JWKS generated for this run,"
    echo "  \`broker.rate-limit.per-caller=1000000\`, \`broker.sts.max-calls-per-second=$STS_BUDGET\`; audit and rate limiting as in production."
    echo
    for f in "$WORK"/sections/*.md; do
      [[ -e $f ]] && { cat "$f"; echo; }
    done
  } > "$OUT"
}
