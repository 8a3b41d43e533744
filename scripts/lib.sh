# Shared by scripts/run and scripts/test: install what the build needs when it is missing, build.
# Every step checks first, so a second run on the same machine only builds what changed.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CARGO_LEPTOS_VERSION=0.3.10
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export PATH="$HOME/.cargo/bin:$PATH"
# cargo-leptos sets this while building; the same value for `cargo test` avoids rebuilding leptos.
export LEPTOS_OUTPUT_NAME=bifrost

log() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

lockfile_version() {
  awk -v crate="$1" '$0 == "name = \"" crate "\"" { getline; gsub(/"/, "", $3); print $3; exit }' "$ROOT/Cargo.lock"
}

ensure_rust_tools() {
  command -v cargo >/dev/null || die "cargo is missing: install Rust with rustup (https://rustup.rs)"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # 0.3.11 needs a newer rustc; no_downloads makes a missing tool an error, never a download.
  if ! cargo leptos --version 2>/dev/null | grep -qx "cargo-leptos $CARGO_LEPTOS_VERSION"; then
    log "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 4 minutes on 2 cores, once)"
    install_cargo_leptos
  fi
  local bindgen
  bindgen=$(lockfile_version wasm-bindgen)
  [ -n "$bindgen" ] || die "wasm-bindgen is not in Cargo.lock"
  if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $bindgen"; then
    log "Installing wasm-bindgen-cli $bindgen (the version in Cargo.lock; about 3 minutes, once)"
    # Not --locked: its lock file pins a webpki-roots release the registry does not serve.
    cargo install wasm-bindgen-cli --version "$bindgen" --force
  fi
}

# cargo-leptos' own release profile (fat LTO, one codegen unit, opt-level 3 over 550 crates)
# took 12 to 20 minutes to build here; this one about 4. What cargo-leptos itself computes for
# this project is light (a 10 KB stylesheet, a 30 KB script; wasm-bindgen and wasm-opt are
# programs of their own) but for the WASM split, so only the split's crates are optimized: a
# release build that changed nothing took 3.2 s with either build of it. OpenSSL (for
# cargo-generate, which this project never runs) comes from Debian's libssl-dev when it is
# installed, instead of being compiled from source.
install_cargo_leptos() {
  local profile=(--config 'profile.release.lto="off"' --config 'profile.release.codegen-units=16'
    --config 'profile.release.opt-level=0')
  local crate
  for crate in wasm_split_cli_support wasmparser wasm-encoder gimli regex-automata; do
    profile+=(--config "profile.release.package.$crate.opt-level=3")
  done
  local openssl=()
  pkg-config --exists openssl 2>/dev/null && openssl=(OPENSSL_NO_VENDOR=1)
  env "${openssl[@]}" cargo install --locked cargo-leptos --version "$CARGO_LEPTOS_VERSION" \
    --features no_downloads "${profile[@]}"
}

ensure_node_tools() {
  command -v npm >/dev/null || die "npm is missing: install Node.js 20 or newer with npm"
  local modules="$ROOT/end2end/node_modules"
  if [ ! -x "$modules/.bin/wasm-opt" ] || [ "$ROOT/end2end/package-lock.json" -nt "$modules/.package-lock.json" ]; then
    log "Installing the npm packages of end2end/ (Playwright, the OAuth fixture, binaryen's wasm-opt)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
  # npm's binaryen: Debian's wasm-opt 108 produces WASM that fails to hydrate. cargo-leptos
  # finds scripts/bin/wasm-opt first, which runs it only for files it has not optimized before.
  export BIFROST_WASM_OPT_REAL="$modules/.bin/wasm-opt"
  BIFROST_WASM_OPT_ID=$(sha256sum <"$(readlink -f "$BIFROST_WASM_OPT_REAL")" | cut -c1-64)
  export BIFROST_WASM_OPT_ID
  export BIFROST_WASM_OPT_CACHE="$CARGO_TARGET_DIR/wasm-opt-cache"
  export PATH="$ROOT/scripts/bin:$modules/.bin:$PATH"
}

# The Python package of sdk/python in a virtual environment of its own (pytest, and the
# interpreter the end-to-end tests run workflows with), reinstalled so it is always current.
ensure_python_sdk() {
  command -v python3 >/dev/null || die "python3 is missing: install Python 3.9 or newer with venv"
  BIFROST_VENV="${BIFROST_VENV:-$HOME/.cache/bifrost/venv}"
  if ! "$BIFROST_VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    log "Creating the Python environment for sdk/python in $BIFROST_VENV"
    python3 -m venv --clear "$BIFROST_VENV" \
      || die "python3 cannot create a virtual environment: install python3-venv (apt-get install python3-venv)"
  fi
  local pip=("$BIFROST_VENV/bin/python" -m pip --quiet --disable-pip-version-check)
  # From PyPI the first time only; later runs find them installed and need no network.
  # aiosmtpd: the SMTP server the end-to-end alert test sends e-mail to.
  "${pip[@]}" install setuptools wheel 'httpx>=0.24' 'pytest>=7' 'aiosmtpd>=1.4'
  "${pip[@]}" install --no-build-isolation --no-deps --force-reinstall "$ROOT/sdk/python"
  export BIFROST_PYTHON="$BIFROST_VENV/bin/python"
}

# What the release build is made from.
BUILD_INPUTS=(Cargo.toml Cargo.lock app server frontend style public migrations)

# The hash of the release build's inputs when it last succeeded in this target directory.
BUILD_STAMP="$CARGO_TARGET_DIR/release/.bifrost-built-from"

# The contents of every file the release build reads, and the tools that make it (binaryen's
# version is in end2end/package-lock.json): the same hash means the same build, whichever
# checkout it comes from and whatever its files' times.
release_inputs_hash() {
  {
    rustc -V
    cargo leptos --version
    wasm-bindgen --version
    sha256sum <"$ROOT/end2end/package-lock.json"
    (cd "$ROOT" && find "${BUILD_INPUTS[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -c1-64
}

release_is_current() {
  [ -x "$CARGO_TARGET_DIR/release/bifrost" ] && [ -f "$CARGO_TARGET_DIR/site/pkg/bifrost.wasm" ] || return 1
  [ -f "$BUILD_STAMP" ] && [ "$(cat "$BUILD_STAMP")" = "$1" ]
}

build_release() {
  local inputs
  inputs=$(release_inputs_hash)
  # BIFROST_REBUILD=1 builds anyway.
  if [ "${BIFROST_REBUILD:-0}" != 1 ] && release_is_current "$inputs"; then
    log "The release build is current (nothing it is made from changed); not building it again"
    return
  fi
  log "Building the release server and the browser bundle"
  # No stamp while building: a build that fails part-way leaves outputs nobody may trust.
  rm -f "$BUILD_STAMP"
  # --split: each lazy island's code goes to a WASM file of its own (see app/src/ui/app.rs).
  (cd "$ROOT" && cargo leptos build --release --split) || die "the release build failed"
  mkdir -p "$(dirname "$BUILD_STAMP")"
  echo "$inputs" >"$BUILD_STAMP"
  # Optimized files no build asked for in two weeks (the wrapper touches what it reuses).
  find "$BIFROST_WASM_OPT_CACHE" -name '*.wasm' -mtime +14 -delete 2>/dev/null || true
}

# Debian's Chromium, for Playwright (end-to-end tests, the benchmark's first-load figures).
ensure_chromium() {
  CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
  [ -x "$CHROMIUM_PATH" ] && { export CHROMIUM_PATH; return; }
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "Installing Debian's chromium for the end-to-end tests"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    die "Chromium is missing: run 'sudo apt-get install chromium' or set CHROMIUM_PATH"
  fi
  export CHROMIUM_PATH
}
