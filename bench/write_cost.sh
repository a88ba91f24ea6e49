#!/usr/bin/env bash
# The cost of an incremental ("one post edited") rebuild, old binary against
# new, on the same corpus: each binary gets its own copy of the site, built
# cold once, then ROUNDS rebuilds after one post gained a sentence, in
# alternation (so machine noise hits both alike). Prints the median wall time
# and the median render and write stages (`-v`; pages are handed to the
# writer as they are rendered, so "render" includes writing or linking them,
# "write" the rest and the swap).
#
#   python3 ../shared/bench/gen_corpus.py --posts 10000 --out /tmp/c10k --layouts shopstory
#   OLD=/path/to/old/shopstory NEW=target/release/shopstory bench/write_cost.sh /tmp/c10k/shopstory
#
# Never run in CI.
set -euo pipefail
CORPUS=${1:?usage: write_cost.sh <corpus/shopstory>}
OLD=${OLD:?set OLD to the shopstory binary to compare with}
NEW=${NEW:-target/release/shopstory}
ROUNDS=${ROUNDS:-5}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export SOURCE_DATE_EPOCH=1795305600

for who in old new; do
    cp -r "$CORPUS" "$WORK/$who"
    # Like for like with bench/compare.py: no share cards.
    grep -q '^share_cards:' "$WORK/$who/site.yaml" || echo 'share_cards: false' >>"$WORK/$who/site.yaml"
done
bin() { if [ "$1" = old ]; then echo "$OLD"; else echo "$NEW"; fi; }
for who in old new; do "$(bin $who)" build --root "$WORK/$who" -q; done

declare -A wall render write
for round in $(seq "$ROUNDS"); do
    for who in old new; do
        post=$(ls "$WORK/$who/content/posts" | sed -n 1p)
        echo "Round $round adds a sentence." >>"$WORK/$who/content/posts/$post"
        start=$(date +%s.%N)
        out=$("$(bin $who)" build --root "$WORK/$who" -v 2>&1)
        end=$(date +%s.%N)
        wall[$who]+="$(echo "$end - $start" | bc) "
        render[$who]+="$(echo "$out" | grep -o 'render [0-9.]* s' | grep -o '[0-9.]*') "
        write[$who]+="$(echo "$out" | grep -o 'write [0-9.]* s' | grep -o '[0-9.]*') "
        echo "$who round $round: $(echo "$out" | grep -o '([0-9]* written.*)')" >&2
    done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-4s %10s %10s %10s\n' "" wall render write
for who in old new; do
    printf '%-4s %9.2fs %9.2fs %9.2fs\n' "$who" "$(echo "${wall[$who]}" | median)" \
        "$(echo "${render[$who]}" | median)" "$(echo "${write[$who]}" | median)"
done
