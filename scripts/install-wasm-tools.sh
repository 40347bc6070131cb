#!/usr/bin/env bash
# Installs what `npm run build:wasm` needs on a Debian machine whose rustup cannot add the wasm32
# target: Debian's rustc 1.63 with its wasm32 standard library (linked into rustup as `debian`),
# wasm-pack from crates.io, and wasm-bindgen-cli 0.2.83 — built with Debian's rustc, because current
# rustc refuses to compile wasm-bindgen releases before 0.2.88 and 0.2.83 is what rustc 1.63 builds.
# Idempotent: skips what is already there.
set -euo pipefail
WASM_BINDGEN_VERSION=0.2.83
WASM_PACK_VERSION=0.15.1

if ! command -v wasm-ld >/dev/null || [ ! -d /usr/lib/rustlib/wasm32-unknown-unknown ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q rustc cargo libstd-rust-dev-wasm32 lld
fi
rustup toolchain list | grep -q '^debian' || rustup toolchain link debian /usr

if ! wasm-pack --version 2>/dev/null | grep -q "$WASM_PACK_VERSION"; then
  cargo install wasm-pack --locked --version "$WASM_PACK_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  work="$(mktemp -d)"
  # Fetch the CLI's published source (with its Cargo.lock) through cargo, the only way to crates.io here.
  mkdir -p "$work/fetch/src"
  printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nwasm-bindgen-cli = "=%s"\n' \
    "$WASM_BINDGEN_VERSION" > "$work/fetch/Cargo.toml"
  touch "$work/fetch/src/lib.rs"
  (cd "$work/fetch" && CARGO_HOME="$work/home" cargo fetch --quiet)
  src="$(ls -d "$work"/home/registry/src/*/wasm-bindgen-cli-"$WASM_BINDGEN_VERSION")"
  (cd "$src" && cargo vendor --locked --quiet "$work/vendor" >/dev/null)
  mkdir -p "$work/offline"
  printf '[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "%s"\n[net]\noffline = true\n' \
    "$work/vendor" > "$work/offline/config.toml"
  (cd "$src" && CARGO_HOME="$work/offline" RUSTUP_TOOLCHAIN=debian cargo build --release --locked --bin wasm-bindgen --target-dir "$work/target")
  install -m 755 "$work/target/release/wasm-bindgen" "${CARGO_HOME:-$HOME/.cargo}/bin/wasm-bindgen"
  rm -rf "$work"
fi
wasm-pack --version
wasm-bindgen --version
