#!/usr/bin/env bash
# Runs the property-based fuzz targets of tests/suite/fuzz.rs for a long time
# (outside CI): SECONDS_PER_TARGET each (default 600), in rounds of 20,000
# cases with fresh random seeds, and prints the cases run per target.
#   fuzz/run.sh                      every target
#   fuzz/run.sh markdown_bodies_never_panic   one target
set -euo pipefail
cd "$(dirname "$0")/.."
per_target=${SECONDS_PER_TARGET:-600}
# Build the test binary once and run it directly, so that edits made while
# fuzzing do not rebuild it mid-run.
# FUZZ_BIN names an already built test binary (`cargo test --release --test
# suite --no-run` prints it), to fuzz a fixed build while the tree changes.
bin=${FUZZ_BIN:-$(cargo test --release --test suite --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys; print([m["executable"] for m in map(json.loads, sys.stdin) if m.get("reason")=="compiler-artifact" and m.get("executable") and m["target"]["name"]=="suite"][-1])')}
targets=(front_matter_and_body_never_panic markdown_bodies_never_panic arbitrary_bytes_as_a_post_never_panic site_yaml_never_panics locating_yaml_paths_never_panics video_urls_never_panic_and_ids_are_valid reviews_yaml_never_panics request_paths_never_escape configured_paths_never_leave_the_output)
[ $# -gt 0 ] && targets=("$@")
for t in "${targets[@]}"; do
  start=$(date +%s); rounds=0
  while [ $(( $(date +%s) - start )) -lt "$per_target" ]; do
    SHOPSTORY_FUZZ_CASES=20000 "$bin" --exact "fuzz::$t" >/dev/null 2>/tmp/fuzz-$t.log \
      || { echo "$t: FAILED (see /tmp/fuzz-$t.log)"; tail -30 /tmp/fuzz-$t.log; exit 1; }
    rounds=$((rounds + 1))
  done
  echo "$t: $((rounds * 20000)) cases in $(( $(date +%s) - start )) s, no failure"
done
