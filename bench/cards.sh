#!/usr/bin/env bash
# Share-card benchmark (issue 6): builds the gen_corpus.py text corpus
# (1,000 posts by default, no photos) cold (cache removed: every card is
# drawn) and warm (cache kept: no card may be drawn), and prints the cards
# drawn, the time drawing took and cards per second per core, two ways:
# the wall time `build --verbose` reports for the card stage alone ("drew N
# share cards in X s") divided by the cores, and the CPU time the cards add
# (a cold build's user + system time minus that of the same site with
# `share_cards: false`), which other work on a shared machine disturbs less.
#
#   goal: >= 2,000 cards/s/core cold (issue 19; issue 6 asked 300), and a
#         warm build that draws none
#
# Usage: bench/cards.sh [rounds]        (default 3; the median is reported)
# Env:   POSTS=n          posts in the corpus (default 1000)
#        PHOTOS=n         posts with a cover photo (default 0; needs Pillow)
#        CORPUS=dir       reuse a corpus made by gen_corpus.py
#        GEN_CORPUS=path  gen_corpus.py (default: ../shared/bench/gen_corpus.py)
#        SHOPSTORY=path   a shopstory binary (default: cargo build --release)
# Not a test: figures are printed, only "warm drew none" is checked.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
posts="${POSTS:-1000}"
photos="${PHOTOS:-0}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -n "${CORPUS:-}" ]; then
    corpus="$CORPUS"
else
    gen="${GEN_CORPUS:-$repo/../shared/bench/gen_corpus.py}"
    echo "generating the corpus ($posts posts, $photos photos) ..." >&2
    python3 "$gen" --posts "$posts" --photos "$photos" --layouts shopstory --out "$work/corpus" >/dev/null
    corpus="$work/corpus"
fi
if [ -n "${SHOPSTORY:-}" ]; then
    bin="$SHOPSTORY"
else
    echo "building shopstory (release) ..." >&2
    cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
    bin="${CARGO_TARGET_DIR:-$repo/target}/release/shopstory"
fi
site="$work/site"
cp -r "$corpus/shopstory" "$site"
sed -i 's#](/images/#](/static/images/#g' "$site"/content/posts/*.md

cores="$(nproc)"
# The same site with drawing turned off: the CPU time a build spends on
# cards is the difference, which a busy shared machine disturbs far less
# than the wall time.
nocards="$work/nocards"
cp -r "$site" "$nocards"
printf '\nshare_cards: false\n' >>"$nocards/site.yaml"

# aside PATH...: moves outputs out of the way for a cold build (deleted at
# exit). Deleting thousands of files right before a build makes ext4 skip the
# just-freed inodes while it allocates new ones (`recently_deleted` in a
# kernel profile), which doubles the system time of the build (see compare.py).
n_aside=0
aside() {
    for p in "$@"; do
        if [ -e "$p" ]; then
            n_aside=$((n_aside + 1))
            mkdir -p "$work/trash/$n_aside"
            mv "$p" "$work/trash/$n_aside/"
        fi
    done
}

# build_once ROOT: prints "cards seconds cpu_seconds user_seconds" for one
# build (cards and seconds are 0 when none was drawn; cpu is user + system).
build_once() {
    local err cpu
    TIMEFORMAT='%U %S'
    { time "$bin" build --verbose --root "$1" >/dev/null 2>"$work/err"; } 2>"$work/cpu" || { cat "$work/err" >&2; echo "build failed" >&2; exit 1; }
    cpu="$(awk '{ print $1 + $2 }' "$work/cpu")"
    user="$(awk '{ print $1 }' "$work/cpu")"
    awk -v cpu="$cpu" -v user="$user" '/^drew [0-9]+ share cards in/ { print $2, $6, cpu, user; found = 1 } END { if (!found) print 0, 0, cpu, user }' "$work/err"
}
: >"$work/cold"
for r in $(seq 1 "$rounds"); do
    echo "round $r/$rounds ..." >&2
    aside "$site/public" "$site/.shopstory-cache"
    read -r cards secs cpu user < <(build_once "$site")
    aside "$nocards/public" "$nocards/.shopstory-cache"
    read -r _ _ cpu_nocards user_nocards < <(build_once "$nocards")
    echo "$cards $secs $cpu $cpu_nocards $user $user_nocards" >>"$work/cold"
    aside "$site/public"
    read -r warm_cards _ _ _ < <(build_once "$site")
    if [ "$warm_cards" != 0 ]; then
        echo "the warm build drew $warm_cards cards: the cache missed" >&2
        exit 1
    fi
done
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
secs="$(awk '{ print $2 }' "$work/cold" | median)"
cpu_cards="$(awk '{ print $3 - $4 }' "$work/cold" | median)"
user_cards="$(awk '{ print $5 - $6 }' "$work/cold" | median)"
cards="$(head -1 "$work/cold" | awk '{ print $1 }')"
echo
echo "share cards, $posts posts ($photos with a cover), $cores cores, median of $rounds rounds"
printf '  %-40s %s\n' "cards per cold build" "$cards"
printf '  %-40s %.2f s\n' "card stage, wall time" "$secs"
awk -v n="$cards" -v s="$secs" -v c="$cores" -v cpu="$cpu_cards" -v user="$user_cards" 'BEGIN {
    printf "  %-40s %.0f cards/s\n", "throughput (wall)", n / s
    printf "  %-40s %.0f cards/s/core   (goal >= 2000)\n", "per core (wall / cores)", n / s / c
    printf "  %-40s %.2f s\n", "CPU time of the cards (with - without)", cpu
    printf "  %-40s %.0f cards/s/core\n", "per core (CPU time)", n / cpu
    printf "  %-40s %.2f s (%.0f cards/s/core; the rest is the kernel writing files)\n", "  of which user time", user, n / user
}'
printf '  %-40s %s\n' "cards drawn by a warm build" "0   (goal: none)"
printf '  %-40s %s\n' "PNG bytes per card (mean)" "$(find "$site/public/media" -name 'card-*.png' -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s / NR }')"
