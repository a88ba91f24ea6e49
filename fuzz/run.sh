#!/usr/bin/env bash
# Runs the property-based fuzz targets of tests/suite/fuzz.rs for a long time
# (outside CI): SECONDS_PER_TARGET each (default 600), in rounds of 20,000
# cases with fresh random seeds, and prints the cases run per target.
set -euo pipefail
cd "$(dirname "$0")/.."
per_target=${SECONDS_PER_TARGET:-600}
cargo test --release --test suite --no-run --quiet
targets=(front_matter_and_body_never_panic markdown_bodies_never_panic arbitrary_bytes_as_a_post_never_panic site_yaml_never_panics locating_yaml_paths_never_panics video_urls_never_panic_and_ids_are_valid reviews_yaml_never_panics request_paths_never_escape)
[ $# -gt 0 ] && targets=("$@")
for t in "${targets[@]}"; do
  start=$(date +%s); rounds=0
  while [ $(( $(date +%s) - start )) -lt "$per_target" ]; do
    SHOPSTORY_FUZZ_CASES=20000 cargo test --release --quiet --test suite "fuzz::$t" -- --exact >/dev/null 2>/tmp/fuzz-$t.log \
      || { echo "$t: FAILED (see /tmp/fuzz-$t.log)"; cat /tmp/fuzz-$t.log | tail -30; exit 1; }
    rounds=$((rounds + 1))
  done
  echo "$t: $((rounds * 20000)) cases in $(( $(date +%s) - start )) s, no failure"
done
