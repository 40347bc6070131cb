#!/usr/bin/env bash
# Builds index-core to WebAssembly into index-core/pkg/ with wasm-pack.
#
# On an ordinary machine with rustup (`rustup target add wasm32-unknown-unknown`, `cargo install
# wasm-pack`) set SIR_WASM_TOOLCHAIN to your toolchain name (for example `stable`). On machines
# whose rustup cannot add the wasm32 target, this uses Debian's rustc 1.63 and its wasm32 standard
# library, linked into rustup as the toolchain `debian` (README, "Building the engine"). Debian's
# cargo 1.65 cannot read the crates.io sparse index, so the dependencies pinned in Cargo.lock are
# vendored first with the default cargo and the build then runs offline.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
crate="$root/index-core"
toolchain="${SIR_WASM_TOOLCHAIN:-debian}"

if [ "$toolchain" = debian ]; then
  if ! rustup toolchain list | grep -q '^debian'; then
    rustup toolchain link debian /usr
  fi
  work="$crate/target/debian-cargo"
  mkdir -p "$work"
  (cd "$crate" && cargo vendor --locked --quiet "$work/vendor" >/dev/null)
  cat > "$work/config.toml" <<TOML
[source.crates-io]
replace-with = "vendored"
[source.vendored]
directory = "$work/vendor"
[net]
offline = true
TOML
  export CARGO_HOME="$work"
  vendor_remap="--remap-path-prefix=$work/vendor=/vendor"
else
  vendor_remap="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
fi

# Build paths must not leak into the module: the committed pkg/ is compared byte for byte in CI.
# The WebAssembly features every engine the module runs on has had since 2019 (Node 12.5, Chrome
# 75), which rustc 1.63 leaves off: bulk memory makes each copy and fill one `memory.copy` or
# `memory.fill` instead of a byte-and-word loop (8% of a query's instructions on the benchmark,
# bench/PROFILE.md); saturating float-to-int and sign extension are single instructions too.
features="-C target-feature=+bulk-memory,+nontrapping-fptoint,+sign-ext"
export RUSTFLAGS="--remap-path-prefix=$crate=/index-core $vendor_remap $features"
export RUSTUP_TOOLCHAIN="$toolchain"
cd "$crate"
wasm-pack build --release --target web --out-dir pkg --out-name index_core --no-pack "$@"
# wasm-pack writes a .gitignore that would hide the committed build.
rm -f pkg/.gitignore
