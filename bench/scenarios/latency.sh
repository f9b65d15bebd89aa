# Latency hiding: warm keys while STS answers at once and while every STS call is held by the
# delay proxy, in abba order; refresh-ahead should keep STS off the request path. Sourced by
# bench/run.sh after start_upstream.

scenario_latency() {
  local i k lat lat_pid metrics
  say "latency hiding: STS +0 ms against STS +${STS_DELAY_MS} ms"
  start_proxy PROXY_PORT PROXY_PID
  free_port LAT_PORT
  free_port LAT_MGMT_PORT
  render bench/conf/latency.properties "$WORK/conf/latency.properties"
  : > "$WORK/tokens/lat-keys.tok"
  for i in $(seq 0 $((LAT_KEYS - 1))); do
    k=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
    printf '%s\n' "$k" >> "$WORK/tokens/lat-keys.tok"
    echo "broker.api-keys.lat$i=$(printf %s "$k" | sha256sum | cut -d' ' -f1)" >> "$WORK/conf/latency.properties"
  done
  start_broker latency "$LAT_MGMT_PORT" "$WORK/conf/latency.properties" "$XMX" \
    ALIBABA_CLOUD_ACCESS_KEY_ID="$STS_AK" ALIBABA_CLOUD_ACCESS_KEY_SECRET="$STS_SK"
  lat_pid=$STARTED_PID
  lat=http://127.0.0.1:$LAT_PORT
  metrics=http://127.0.0.1:$LAT_MGMT_PORT/q/metrics
  {
    printf 'sts-0ms\t%s\t%s\t%s\t%s\t%s\t%s\n' "$lat/v1/credentials/lat" "$lat_pid" "$WORK/tokens/lat-keys.tok" "$metrics" \
      "http://127.0.0.1:$PROXY_PORT/__bench/delay?ms=0" "$LAT_KEYS API keys, STS answers at once"
    printf 'sts-%sms\t%s\t%s\t%s\t%s\t%s\t%s\n' "$STS_DELAY_MS" "$lat/v1/credentials/lat" "$lat_pid" "$WORK/tokens/lat-keys.tok" "$metrics" \
      "http://127.0.0.1:$PROXY_PORT/__bench/delay?ms=$STS_DELAY_MS" "same, every STS call held ${STS_DELAY_MS} ms by the proxy"
  } > "$WORK/conf/latency-targets.tsv"
  tool Throughput --targets "$WORK/conf/latency-targets.tsv" --baseline sts-0ms --lua bench/wrk/bench.lua \
    --rounds "$LAT_ROUNDS" --duration "$LAT_DURATION" --warmup "$LAT_WARMUP" --threads "$THREADS" --connections "$CONNECTIONS" \
    --clk-tck "$(getconf CLK_TCK)" --raw "$WORK/raw/latency" --out "$WORK/sections/4-latency.md" \
    --verdicts "$VERDICTS" --scenario latency --order abba \
    --title "Latency hiding: warm keys while STS is slow (refresh-ahead keeps STS off the request path)" \
    --target "sts-${STS_DELAY_MS}ms:p99<=1.10"
  render bench/conf/latency-setup.md "$WORK/latency-setup.md"
  cat "$WORK/latency-setup.md" >> "$WORK/sections/4-latency.md"
  stop_pid "$lat_pid"
  stop_pid "$PROXY_PID"
}
