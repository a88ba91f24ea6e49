#!/usr/bin/env bash
# Input-size benchmark (issue 12, item 6): no input may make a build
# quadratic. Four hostile inputs, each made at 1x and 4x its size in a
# fresh minimal site, timed with the release binary:
#
#   reviews   N reviews in data/reviews.yaml           `check`   (1x = 5,000)
#   embeds    N YouTube URLs, each alone on its line    `check`   (1x = 10,000)
#             in one post
#   title     a post title of N KB                      `build`   (1x = 40 KB; draws the share card)
#   nesting   front matter nested N deep ([[[...]]])    `check`   (1x = 100,000; an error)
#
# For each it prints both times and the ratio 4x/1x with a verdict: about 4
# (or less) is linear, about 16 is quadratic. Times under 0.1 s at both
# sizes are "flat": the input is refused or capped early.
#
# Usage: bench/linear.sh [case...]     (default: all four)
# Env:   SHOPSTORY=path   a shopstory binary (default: cargo build --release)
#        SCALE=n          multiply every 1x size by n/100 (default 100)
# Not a test: timings are printed; the exit status is 1 when a case looks
# quadratic (ratio above 8).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scale="${SCALE:-100}"

if [ -n "${SHOPSTORY:-}" ]; then
    bin="$SHOPSTORY"
else
    echo "building shopstory (release) ..." >&2
    cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
    bin="${CARGO_TARGET_DIR:-$repo/target}/release/shopstory"
fi

# A minimal site in $1.
site() {
    mkdir -p "$1/content/posts"
    printf 'title: Linear\nbase_url: https://linear.example/\n' >"$1/site.yaml"
}

make_reviews() { # dir n
    site "$1"
    mkdir -p "$1/data"
    awk -v n="$2" 'BEGIN {
        for (i = 1; i <= n; i++)
            printf "- id: r-%d\n  author: Customer %d\n  rating: 4.5\n  date: 2026-01-%02d\n  text: Good tea, number %d.\n", i, i, i % 28 + 1, i
    }' >"$1/data/reviews.yaml"
}

make_embeds() { # dir n
    site "$1"
    {
        printf -- '---\ntitle: Many videos\ndate: 2026-01-01\n---\n'
        awk -v n="$2" 'BEGIN {
            for (i = 1; i <= n; i++) printf "https://www.youtube.com/watch?v=v%010d\n\n", i
        }'
    } >"$1/content/posts/videos.md"
}

make_title() { # dir kilobytes
    site "$1"
    {
        printf -- '---\ntitle: "'
        awk -v n="$2" 'BEGIN { for (i = 0; i < n * 1024 / 8; i++) printf "Tea cup " }'
        printf '"\ndate: 2026-01-01\n---\nA long title.\n'
    } >"$1/content/posts/long.md"
}

make_nesting() { # dir depth
    site "$1"
    {
        printf -- '---\ntitle: Deep\ndate: 2026-01-01\ntags: '
        awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "["; for (i = 0; i < n; i++) printf "]" }'
        printf '\n---\nDeep.\n'
    } >"$1/content/posts/deep.md"
}

# Seconds (3 decimals) that `shopstory <cmd>` takes in $1; the exit status is not checked
# (the nesting case is an error by design), but a crash (status > 1) is.
timed() { # dir cmd
    local start end status=0
    start=$(date +%s%N)
    "$bin" "$2" --root "$1" >"$1.out" 2>&1 || status=$?
    end=$(date +%s%N)
    if [ "$status" -gt 1 ]; then
        echo "shopstory $2 in $1 exited with $status:" >&2
        tail -5 "$1.out" >&2
        exit 1
    fi
    awk -v ns="$((end - start))" 'BEGIN { printf "%.3f", ns / 1e9 }'
}

verdict=0
run_case() { # name cmd size1x unit
    local name=$1 cmd=$2 one=$(($3 * scale / 100)) unit=$4
    local four=$((one * 4))
    "make_$name" "$work/$name-1x" "$one"
    "make_$name" "$work/$name-4x" "$four"
    local t1 t4
    t1=$(timed "$work/$name-1x" "$cmd")
    t4=$(timed "$work/$name-4x" "$cmd")
    awk -v name="$name" -v cmd="$cmd" -v one="$one" -v four="$four" -v unit="$unit" -v t1="$t1" -v t4="$t4" 'BEGIN {
        ratio = t4 / (t1 > 0.001 ? t1 : 0.001)
        if (t1 < 0.1 && t4 < 0.1) v = "flat (refused or capped early)"
        else if (ratio <= 8) v = "linear (about 4x or less)"
        else v = "QUADRATIC (about 16x)"
        printf "%-8s %-6s %8d %-8s %7.3f s   %8d %-8s %7.3f s   x%5.1f  %s\n", name, cmd, one, unit, t1, four, unit, t4, ratio, v
        exit (v ~ /QUADRATIC/)
    }' || verdict=1
}

printf '%-8s %-6s %-19s %-9s   %-19s %-9s   %-6s %s\n' case cmd "1x size" time "4x size" time ratio verdict
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(reviews embeds title nesting)
for c in "${cases[@]}"; do
    case "$c" in
        reviews) run_case reviews check 5000 reviews ;;
        embeds) run_case embeds check 10000 embeds ;;
        title) run_case title build 40 KB ;;
        nesting) run_case nesting check 100000 levels ;;
        *) echo "unknown case $c (reviews, embeds, title, nesting)" >&2; exit 2 ;;
    esac
done
exit "$verdict"
