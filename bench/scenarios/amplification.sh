# Amplification: a stampede of first requests for one key, then many cold callers against a broker
# whose STS sits behind a delay proxy (no delay) that timestamps each AssumeRole on arrival, so the
# upstream budget is judged where Alibaba would count it. Sourced by bench/run.sh.

scenario_amplification() {
  local proxy_port proxy_pid cold_port cold_mgmt_port cold_pid
  say "amplification: stampede and cold callers"
  start_upstream
  start_proxy proxy_port proxy_pid
  free_port cold_port
  free_port cold_mgmt_port
  PORT=$cold_port MGMT_PORT=$cold_mgmt_port render bench/conf/broker.properties "$WORK/conf/cold.properties"
  COLD_PROXY_PORT=$proxy_port render bench/conf/cold.properties "$WORK/conf/cold-upstream.properties"
  cat "$WORK/conf/cold-upstream.properties" >> "$WORK/conf/cold.properties"
  start_broker cold "$cold_mgmt_port" "$WORK/conf/cold.properties" "$XMX" \
    ALIBABA_CLOUD_ACCESS_KEY_ID="$STS_AK" ALIBABA_CLOUD_ACCESS_KEY_SECRET="$STS_SK"
  cold_pid=$STARTED_PID
  tool Amplification --base "$MAIN" --metrics "http://127.0.0.1:$MAIN_MGMT_PORT/q/metrics" --role bench --keys "$WORK/keys" --run-id "$(date +%s)" \
    --tokens "$WORK/tokens/callers.tok" --stampede "$STAMPEDE" --trials "$STAMPEDE_TRIALS" --cold "$COLD" \
    --cold-concurrency "$COLD_CONCURRENCY" --budget "$STS_BUDGET" \
    --cold-base "http://127.0.0.1:$cold_port" --cold-metrics "http://127.0.0.1:$cold_mgmt_port/q/metrics" --upstream "http://127.0.0.1:$proxy_port" \
    --out "$WORK/sections/2-amplification.md" --verdicts "$VERDICTS"
  stop_pid "$cold_pid"
  stop_pid "$proxy_pid"
}
