#!/usr/bin/env bash
# Image-pipeline benchmark (issue 3): builds the gen_corpus.py photo corpus
# (100 posts, 100 photos of 2400x1600, each resized to 480/960/1600) with
# shopstory cold (image cache removed) and warm (cache kept), and with Hugo
# when `hugo` is installed (Debian: apt-get install hugo), alternating the
# tools in every round so that a noisy shared machine slows them alike.
# Prints the median wall time of each case and the ratios the issue asks for:
#
#   shopstory JPEG-only cold / Hugo cold       goal <= 0.12 (like for like: jpeg, q75, Lanczos3)
#   shopstory WebP+JPEG cold / Hugo cold       goal <= 0.25 (the default formats)
#   shopstory warm / shopstory cold            goal <  0.05
#
# Then the bytes each tool wrote per format and, for the first $QUALITY
# photos, the PSNR (RGB and luma) of every variant against Pillow's
# Lanczos resize of the source (quality per byte; needs Pillow).
#
# Usage: bench/images.sh [rounds]      (default 3 rounds; 0: one untimed
#                                       build of each, bytes and PSNR only)
# Env:   CORPUS=dir      reuse a corpus made by gen_corpus.py (else one is
#                        generated in a temporary folder; needs `pip install pillow`)
#        GEN_CORPUS=path gen_corpus.py (default: ../shared/bench/gen_corpus.py)
#        SHOPSTORY=path  a shopstory binary (default: cargo build --release)
#        QUALITY=n       photos whose variants get a PSNR (default 10)
# Not a test: timings are printed, nothing is asserted.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -n "${CORPUS:-}" ]; then
    corpus="$CORPUS"
else
    gen="${GEN_CORPUS:-$repo/../shared/bench/gen_corpus.py}"
    echo "generating the corpus (100 posts, 100 photos) ..." >&2
    python3 "$gen" --posts 100 --photos 100 --out "$work/corpus" >/dev/null
    corpus="$work/corpus"
fi

if [ -n "${SHOPSTORY:-}" ]; then
    bin="$SHOPSTORY"
else
    echo "building shopstory (release) ..." >&2
    cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
    bin="${CARGO_TARGET_DIR:-$repo/target}/release/shopstory"
fi

# Two shopstory copies: the corpus's like-for-like settings (JPEG only, q75)
# and the default formats (WebP + JPEG). The corpus writes inline photos as
# `/images/x.jpg` (Hugo's URL of static/images/x.jpg); shopstory wants the
# site path, so those links are rewritten. They are the same 100 photos as
# the covers, so this adds no image work.
for variant in jpeg webp; do
    site="$work/shopstory-$variant"
    cp -r "$corpus/shopstory" "$site"
    sed -i 's#](/images/#](/static/images/#g' "$site"/content/posts/*.md
    if [ "$variant" = webp ]; then
        sed -i 's/formats: \[jpeg\]/formats: [webp, jpeg]/' "$site/site.yaml"
    fi
    grep -q "formats: \[$([ "$variant" = webp ] && echo 'webp, jpeg' || echo jpeg)\]" "$site/site.yaml" \
        || { echo "unexpected site.yaml in the corpus: $(cat "$site/site.yaml")" >&2; exit 1; }
done
hugo_site=""
if command -v hugo >/dev/null 2>&1; then
    hugo_site="$work/hugo"
    cp -r "$corpus/hugo" "$hugo_site"
else
    echo "hugo is not installed: timing shopstory only" >&2
fi

now() { date +%s.%N; }
# time_run NAME COMMAND...: runs it, appends the wall time to $work/NAME.times
time_run() {
    local name="$1"; shift
    local t0 t1
    t0=$(now)
    "$@" >/dev/null 2>"$work/last.err" || { cat "$work/last.err" >&2; echo "$name failed" >&2; exit 1; }
    t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$work/$name.times"
}

# Cold: output and image cache removed; warm: the output removed, the image
# cache kept (a CI job that keeps only the cache). The removal is not timed.
ss() { "$bin" build --quiet --root "$1"; }
hugo_build() { hugo --source "$hugo_site" --quiet; }
cold() { rm -rf "$1/public" "$1/.shopstory-cache" "$1/resources"; }
warm() { rm -rf "$1/public"; }

for r in $(seq 1 "$rounds"); do
    echo "round $r/$rounds ..." >&2
    cold "$work/shopstory-jpeg"; time_run shopstory_jpeg_cold ss "$work/shopstory-jpeg"
    if [ -n "$hugo_site" ]; then cold "$hugo_site"; time_run hugo_cold hugo_build; fi
    cold "$work/shopstory-webp"; time_run shopstory_webp_jpeg_cold ss "$work/shopstory-webp"
    warm "$work/shopstory-jpeg"; time_run shopstory_jpeg_warm ss "$work/shopstory-jpeg"
    if [ -n "$hugo_site" ]; then warm "$hugo_site"; time_run hugo_warm hugo_build; fi
    warm "$work/shopstory-webp"; time_run shopstory_webp_jpeg_warm ss "$work/shopstory-webp"
done

if [ "$rounds" = 0 ]; then
    cold "$work/shopstory-jpeg"; ss "$work/shopstory-jpeg" >/dev/null
    cold "$work/shopstory-webp"; ss "$work/shopstory-webp" >/dev/null
    if [ -n "$hugo_site" ]; then cold "$hugo_site"; hugo_build >/dev/null; fi
fi

# Bytes per format, and PSNR against Pillow's Lanczos resize of the source.
python3 - "$work" "${QUALITY:-10}" "$hugo_site" <<'PY'
import glob, math, os, re, sys
from PIL import Image, ImageChops, ImageStat
work, sample, hugo = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def psnr(a, b):
    sq = sum(ImageStat.Stat(ImageChops.difference(a, b)).sum2)
    n = a.size[0] * a.size[1] * len(a.getbands())
    return float("inf") if sq == 0 else 10 * math.log10(255 * 255 * n / sq)

print()
print("bytes and quality (PSNR against Pillow's Lanczos resize of the source)")
mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")

def report(label, paths, pattern, sources):
    by_format = {}
    for path in paths:
        m = re.fullmatch(pattern, os.path.basename(path))
        if not m:
            continue
        stem, width, ext = m.group(1), int(m.group(2)), path.rsplit(".", 1)[1]
        entry = by_format.setdefault(ext, {"bytes": 0, "files": 0, "rgb": [], "luma": []})
        entry["bytes"] += os.path.getsize(path)
        entry["files"] += 1
        if int(stem.split("-")[1]) <= sample:
            got = Image.open(path).convert("RGB")
            ref = Image.open(f"{sources}/{stem}.jpg").convert("RGB").resize(got.size, Image.LANCZOS)
            entry["rgb"].append(psnr(ref, got))
            entry["luma"].append(psnr(ref.convert("L"), got.convert("L")))
    for ext, e in sorted(by_format.items()):
        print(f"  {label:22} {ext:4}: {e['files']:4} files {e['bytes'] / 1e6:7.2f} MB"
              f"  PSNR {mean(e['rgb']):5.2f} dB RGB, {mean(e['luma']):5.2f} dB luma ({len(e['rgb'])} variants)")

for variant in ("jpeg", "webp"):
    site = f"{work}/shopstory-{variant}"
    report(f"shopstory ({variant} site)", glob.glob(f"{site}/public/media/photo-*"),
           r"(photo-\d+)-[0-9a-f]{10}-(\d+)\.(jpg|webp)", f"{site}/static/images")
if hugo:
    report("hugo", glob.glob(f"{hugo}/public/**/*_hu*", recursive=True),
           r"(photo-\d+)_hu[0-9a-f]+_\d+_(\d+)x0_resize_q75_lanczos\.jpg", f"{hugo}/assets/images")
PY
[ "$rounds" = 0 ] && exit 0

median() { sort -g "$work/$1.times" | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

echo
echo "medians of $rounds rounds, $(nproc) cores, wall seconds"
for name in shopstory_jpeg_cold shopstory_jpeg_warm shopstory_webp_jpeg_cold shopstory_webp_jpeg_warm hugo_cold hugo_warm; do
    [ -f "$work/$name.times" ] && printf '  %-26s %7.2f s\n' "$name" "$(median "$name")"
done
echo
jc=$(median shopstory_jpeg_cold); jw=$(median shopstory_jpeg_warm); wc=$(median shopstory_webp_jpeg_cold)
printf '  %-44s %6s\n' "shopstory warm / cold (JPEG only)" "$(ratio "$jw" "$jc")   (goal < 0.05)"
if [ -n "$hugo_site" ]; then
    hc=$(median hugo_cold)
    printf '  %-44s %6s\n' "shopstory JPEG-only cold / Hugo cold" "$(ratio "$jc" "$hc")   (goal <= 0.12)"
    printf '  %-44s %6s\n' "shopstory WebP+JPEG cold / Hugo JPEG cold" "$(ratio "$wc" "$hc")   (goal <= 0.25)"
fi
