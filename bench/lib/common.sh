# Shared by bench/run.sh and bench/sidecar.sh (sourced, never run): logging, the option parser,
# process and port helpers, and the configuration templates in bench/conf.
# Callers set -euo pipefail themselves and keep every pid they start in PIDS.

BENCH_TOOL=${BENCH_TOOL:-bench}
PIDS=()

die() { echo "$BENCH_TOOL: $*" >&2; exit 1; }
say() { printf '\n== %s\n' "$*"; }
note() { echo "$BENCH_TOOL: $*"; }

# parse_options SPEC_FILE ARGS...: the one option parser of the bench scripts. SPEC_FILE lists one
# option a line, "name kind", kind being flag (no value: OPT[name]=1), value (OPT[name]=VALUE, the
# last one wins) or list (each value appended to OPT[name], one a line); # starts a comment.
# -h/--help prints the usage file named by the spec's "usage FILE" line and exits. Anything else
# unknown, or a value missing, stops with a message. Fills the associative array OPT (declare -A
# OPT before calling) and leaves ORIG_ARGS with the command line as given.
parse_options() {
  local spec=$1 name kind usage="" line
  shift
  ORIG_ARGS="$*"
  declare -gA OPT_KIND=()
  while read -r name kind _ || [[ -n $name ]]; do
    [[ -z $name || $name == \#* ]] && continue
    if [[ $name == usage ]]; then usage=$kind; continue; fi
    OPT_KIND[$name]=$kind
  done < "$spec"
  while [[ $# -gt 0 ]]; do
    case $1 in
      -h|--help) [[ -n $usage ]] && cat "$usage"; exit 0 ;;
      --*) name=${1#--} ;;
      *) die "unexpected argument $1 (see --help)" ;;
    esac
    kind=${OPT_KIND[$name]:-}
    case $kind in
      flag) OPT[$name]=1 ;;
      value) [[ $# -ge 2 ]] || die "--$name needs a value"; OPT[$name]=$2; shift ;;
      list) [[ $# -ge 2 ]] || die "--$name needs a value"; OPT[$name]+="${OPT[$name]:+$'\n'}$2"; shift ;;
      *) die "unknown option --$name (see --help)" ;;
    esac
    shift
  done
}

# stop_pid PID: TERM, up to 15 s to exit, then KILL.
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

stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
}

ALLOCATED=" "
# free_port VAR: a loopback TCP port no socket uses (listening or connected: an outgoing connection's
# ephemeral port cannot be bound either), not handed out before in this run.
free_port() {
  local p _
  for _ in $(seq 1 500); do
    p=$(( 20000 + RANDOM % 25000 ))
    [[ $ALLOCATED == *" $p "* ]] && continue
    if [[ -z $(ss -Htan "sport = :$p" 2>/dev/null) ]]; then
      ALLOCATED+="$p "
      printf -v "$1" '%s' "$p"
      return 0
    fi
  done
  die "no free port found"
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

# render TEMPLATE OUT: copies a bench/conf template, replacing each ${NAME} with the shell variable
# NAME; a placeholder whose variable is unset stops the run (a typo must not become an empty value).
render() {
  local template=$1 out=$2 line name
  : > "$out"
  while IFS= read -r line || [[ -n $line ]]; do
    while [[ $line =~ \$\{([A-Za-z_][A-Za-z0-9_]*)\} ]]; do
      name=${BASH_REMATCH[1]}
      [[ -v $name ]] || die "$template: \${$name} is not set"
      line=${line//"\${$name}"/"${!name}"}
    done
    printf '%s\n' "$line" >> "$out"
  done < "$template"
}

# props_to_args FILE: the file's key=value lines as -D arguments in PROP_ARGS (comments skipped).
props_to_args() {
  local line
  PROP_ARGS=()
  while IFS= read -r line || [[ -n $line ]]; do
    [[ -z $line || $line == \#* ]] && continue
    PROP_ARGS+=("-D$line")
  done < "$1"
}
