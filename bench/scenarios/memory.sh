# Memory: heap and RSS of a broker holding MEM_ENTRIES distinct cached credentials. Sourced by
# bench/run.sh after start_upstream.

scenario_memory() {
  local mem_pid
  say "memory: $MEM_ENTRIES distinct cached entries"
  free_port MEM_PORT
  free_port MEM_MGMT_PORT
  MAX_ENTRIES=$(( MEM_ENTRIES + MEM_ENTRIES / 10 + 100 ))
  (( MAX_ENTRIES < 100000 )) && MAX_ENTRIES=100000
  MINT_SECONDS=$(( MEM_ENTRIES / STS_BUDGET ))
  render bench/conf/memory.properties "$WORK/conf/memory.properties"
  start_broker memory "$MEM_MGMT_PORT" "$WORK/conf/memory.properties" "$MEM_XMX" \
    ALIBABA_CLOUD_ACCESS_KEY_ID="$STS_AK" ALIBABA_CLOUD_ACCESS_KEY_SECRET="$STS_SK"
  mem_pid=$STARTED_PID
  tool Memory --base "http://127.0.0.1:$MEM_PORT" --metrics "http://127.0.0.1:$MEM_MGMT_PORT/q/metrics" --role mem --pid "$mem_pid" --tokens "$WORK/tokens/callers.tok" \
    --count "$MEM_ENTRIES" --concurrency 32 --max-mb 250 --out "$WORK/sections/5-memory.md" --verdicts "$VERDICTS"
  render bench/conf/memory-setup.md "$WORK/memory-setup.md"
  cat "$WORK/memory-setup.md" >> "$WORK/sections/5-memory.md"
  stop_pid "$mem_pid"
}
