#!/usr/bin/env bash
# Rebuilds every framework fixture from a clean install and copies each static output into
# tests/fixtures/frameworks/<app>/, then regenerates tests/fixtures/frameworks/MANIFEST.md.
# Run by hand (not by CI, which only serves the committed output):
#   tests/frameworks/build.sh              all apps
#   tests/frameworks/build.sh nuxt astro   some of them
# Apps: react18-ssr react19-ssr next-pages next-app nuxt astro. Needs Node 20 (the versions
# are the last ones that run on it, see MANIFEST.md) and the npm registry. Installs go into
# each app's node_modules/ (gitignored), from its committed package-lock.json (npm ci).
set -euo pipefail
cd "$(dirname "$0")"
FW=$(pwd)
FIX=$(cd .. && pwd)/fixtures/frameworks
export NEXT_TELEMETRY_DISABLED=1 ASTRO_TELEMETRY_DISABLED=1 NUXT_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
say() { printf '[frameworks] %s\n' "$*" >&2; }
say "node $(node --version), npm $(npm --version)"

install() {
  (cd "$FW/$1" && rm -rf node_modules && npm ci --no-audit --no-fund --loglevel=error)
}
# copy <built dir> <fixture name>: replaces the fixture folder with the build output.
copy() {
  rm -rf "${FIX:?}/$2"
  mkdir -p "$FIX/$2"
  cp -R "$1/." "$FIX/$2/"
}

build_one() {
  case "$1" in
    react18-ssr|react19-ssr)
      local v=${1#react}; v=${v%-ssr}
      install "react-ssr/react$v"
      (cd "$FW/react-ssr/react$v" && rm -rf .build && node ../build.mjs "$FIX/$1") ;;
    next-pages|next-app)
      install "$1"
      (cd "$FW/$1" && rm -rf .next out && npx --no-install next build)
      copy "$FW/$1/out" "$1" ;;
    nuxt)
      install nuxt
      (cd "$FW/nuxt" && rm -rf .nuxt .output && npx --no-install nuxt generate)
      copy "$FW/nuxt/.output/public" nuxt ;;
    astro)
      install astro
      (cd "$FW/astro" && rm -rf dist .astro && npx --no-install astro build)
      copy "$FW/astro/dist" astro ;;
    *) say "unknown app $1"; exit 2 ;;
  esac
}

APPS=("$@")
[ ${#APPS[@]} -eq 0 ] && APPS=(react18-ssr react19-ssr next-pages next-app nuxt astro)
mkdir -p "$FIX"
for app in "${APPS[@]}"; do
  start=$(date +%s)
  say "building $app"
  build_one "$app"
  say "$app: $(( $(date +%s) - start )) s"
done
node "$FW/manifest.mjs"
say "done: $FIX"
