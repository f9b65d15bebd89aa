# Start-up to ready: the broker jar (and with its AppCDS archive when there is one) against the
# baseline app, nothing else of the benchmark running. Sourced by bench/run.sh.

scenario_startup() {
  local port mgmt_port variants
  say "start-up to ready (nothing else of the benchmark running)"
  free_port port
  free_port mgmt_port
  PORT=$port MGMT_PORT=$mgmt_port render bench/conf/broker.properties "$WORK/conf/startup.properties"
  props_to_args "$WORK/conf/startup.properties"
  # Argument files for bench/tools/Startup.java: working directory, readiness probe, then the command.
  { echo "cwd=$BROKER_APP"; echo "probe-port=$mgmt_port"
    printf '%s\n' java "${JVM_OPTS[@]}" "${PROP_ARGS[@]}" -jar quarkus-run.jar; } > "$WORK/conf/startup-jar.args"
  variants=(--variant "jar=$WORK/conf/startup-jar.args")
  if [[ -f $BROKER_JSA ]]; then
    # -Xshare:on: a run that cannot map the archive fails instead of silently starting without it.
    { echo "cwd=$BROKER_APP"; echo "probe-port=$mgmt_port"
      printf '%s\n' java "${JVM_OPTS[@]}" -XX:SharedArchiveFile=app-cds.jsa -Xshare:on "${PROP_ARGS[@]}" -jar quarkus-run.jar; } \
      > "$WORK/conf/startup-appcds.args"
    variants+=(--variant "jar+appcds=$WORK/conf/startup-appcds.args")
  fi
  # The baseline app as a yardstick: what the framework alone needs on this machine right now.
  { echo "cwd=$BASELINE_APP"; echo "probe=/baseline/static"
    printf '%s\n' java "${JVM_OPTS[@]}" -Dquarkus.http.host=127.0.0.1 "-Dquarkus.http.port=$port" -jar quarkus-run.jar; } \
    > "$WORK/conf/startup-baseline.args"
  variants+=(--variant "baseline=$WORK/conf/startup-baseline.args")
  tool Startup "${variants[@]}" --port "$port" --runs "$STARTUP_RUNS" --log-dir "$WORK/logs/startup" \
    --out "$WORK/sections/3-startup.md" --verdicts "$VERDICTS" --target-ms 1500 --judge jar --reference baseline
}
