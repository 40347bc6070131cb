#!/usr/bin/env bash
# Top 10 only, index-core (WebAssembly, through SearchIndex) against Lucene, alternated in pairs so
# that each pair shares the machine's minute: `bash bench/pairs.sh [PAIRS]` (default 6), after an
# `npm run bench` has left its corpus, queries and indexes in bench/.work/. Prints each pair's mean
# and p99 (µs) and their ratios, then the medians over the pairs. JAVA_HOME as for `npm run bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs="${1:-6}"
if ! [[ "$pairs" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: bash bench/pairs.sh [PAIRS] (a positive integer)" >&2
  exit 2
fi
work=bench/.work
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
for need in "$work/zipf-100k-wasm-index" "$work/zipf-100k-lucene-index-1" "$work/zipf-100k-queries.txt" bench/lucene/target/lucene-bench.jar "$java"; do
  [ -e "$need" ] || { echo "bench/pairs.sh: $need is missing: run npm run bench first" >&2; exit 1; }
done
tops=$(mktemp -d)
trap 'rm -rf "$tops"' EXIT
for i in $(seq 1 "$pairs"); do
  ours=$(node --import tsx bench/ours-query.ts "$work/zipf-100k-wasm-index" "$work/zipf-100k-queries.txt" 5 "$tops/ours.txt")
  lucene=$("$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar bench/lucene/target/lucene-bench.jar \
    query "$work/zipf-100k-lucene-index-1" "$work/zipf-100k-queries.txt" 5 "$tops/lucene.txt" 2>/dev/null)
  echo "$ours"$'\t'"$lucene"
done | node -e '
  const rows = require("fs").readFileSync(0, "utf8").trim().split("\n").map((l) => l.split("\t").map((j) => JSON.parse(j).top));
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  rows.forEach(([w, l], i) => console.log(`pair ${i + 1}: wasm ${w.mean.toFixed(0)} / ${w.p99.toFixed(0)} µs, Lucene ${l.mean.toFixed(0)} / ${l.p99.toFixed(0)} µs, ratio ${(w.mean / l.mean).toFixed(2)} / ${(w.p99 / l.p99).toFixed(2)}`));
  for (const k of ["mean", "p99"]) {
    const w = median(rows.map((r) => r[0][k])), l = median(rows.map((r) => r[1][k]));
    console.log(`median ${k}: wasm ${w.toFixed(0)} µs, Lucene ${l.toFixed(0)} µs (${(w / l).toFixed(2)}×); median of the pairs ratios ${median(rows.map((r) => r[0][k] / r[1][k])).toFixed(2)}×`);
  }'
