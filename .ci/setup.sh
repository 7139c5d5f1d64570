# Installs what the portal needs to build, serve and test, when it is missing,
# and says clearly what it cannot install. Sourced by .ci/serve and .ci/test.
# Everything comes from crates.io, npm and Debian: no tool downloads binaries.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CARGO_LEPTOS_VERSION=0.3.10
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo -n "$@" || die "need root for: $* (run it yourself, then again)"
  else die "need root for: $* (run it yourself, then again)"
  fi
}

need_rust() {
  command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs), then run this again"
  if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (once, about 20 minutes on 2 cores)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
  # wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
  [ -n "$want" ] || die "no wasm-bindgen in Cargo.lock"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (about 2 minutes)"
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

need_browser_tools() {
  command -v node >/dev/null && command -v npm >/dev/null || die "node and npm not found: install Node.js 20 or later"
  # chromium for the browser tests; poppler-utils (pdftotext, pdfinfo) for
  # the tests that read the invoice PDFs' text and pages.
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null || missing+=(poppler-utils)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian's ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  fi
  # aiosmtpd (PyPI): the SMTP server the invoice e-mail test sends to.
  if ! python3 -c "import aiosmtpd" 2>/dev/null; then
    command -v python3 >/dev/null || die "python3 not found: install Python 3 (the e-mail test runs aiosmtpd)"
    say "installing aiosmtpd (PyPI) for the e-mail test"
    python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
  fi
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing the end-to-end test packages (npm ci, no browser download)"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
}
