#!/usr/bin/env python3
"""Side-by-side build benchmark: shopstory vs Hugo (and Zola if $ZOLA names a binary).

Generates corpora with ../shared/bench/gen_corpus.py, builds each with every
tool in alternation (so machine noise hits all of them alike), and prints the
median wall time, the peak memory (/usr/bin/time) and the ratio shopstory/peer.

    python3 bench/compare.py                  # 1k and 10k posts, 5 runs each
    python3 bench/compare.py --runs 3 --sizes 1000
    python3 bench/compare.py --photos 100     # adds the 100-photo corpus (needs Pillow)
    python3 bench/compare.py --runs 1 --sizes 10000 --modes cold   # one cold round

Env: GEN_CORPUS=path to gen_corpus.py (default ../shared/bench/gen_corpus.py),
ZOLA=path to a zola binary, SHOPSTORY=a shopstory binary (default: cargo build --release),
SHOPSTORY_BEFORE=another shopstory binary (an older build, say main's) measured in
the same rounds on its own copy of the site, as `shopstory-before` (and its cards
build as `before+cards`): a before/after in one run.

`shopstory` runs with `share_cards: false` (like for like: the peers draw no
share cards); `shopstory+cards` is the same site with the defaults (a share
card drawn per page), what an owner actually runs. Both get their ratios to
Hugo and Zola, and the goals of both are checked. Cold = output folder and caches removed before each run. Warm = a rebuild with
nothing changed (caches and output kept). Edit = a rebuild after one post
gained a sentence (shopstory writes only what changed; the peers build
whole). The edits are appended to the corpus's first post; regenerate the
corpus (delete --work) to start clean. Never run in CI.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.environ.get("GEN_CORPUS") or os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")
SHOPSTORY = os.environ.get("SHOPSTORY") or os.path.join(REPO, "target", "release", "shopstory")


def timed(cmd, cwd=None):
    """Runs cmd under /usr/bin/time; returns (seconds, peak KiB)."""
    fd, out = tempfile.mkstemp()
    os.close(fd)
    try:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", out] + cmd, cwd=cwd, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out) as f:
            secs, kib = f.read().split()[-2:]
        return float(secs), int(kib)
    finally:
        os.unlink(out)


def rm(*paths):
    for p in paths:
        shutil.rmtree(p, ignore_errors=True)


TRASH = []
# (workload, mode) -> the stages' times of a verbose shopstory run.
PHASES = {}


def phases(cmd):
    """Runs a shopstory build verbosely; returns its line of stage times
    ("load 0.07 s · parse 0.05 s · ...") and its total."""
    cmd = [c for c in cmd if c != "--quiet"]
    run = subprocess.run([cmd[0], "-v", *cmd[1:]], capture_output=True, text=True)
    lines = (run.stdout + run.stderr).splitlines()
    stages = [l.strip() for l in lines if l.strip().startswith("load ") and " · " in l]
    done = [l.strip() for l in lines if l.strip().startswith("done in ")]
    return "; ".join(stages[-1:] + done[-1:])


def aside(*paths):
    """Moves outputs out of the way for a cold run, to be deleted at the end.
    Deleting 10,000 pages right before the next run makes ext4 skip the
    just-freed inodes while it allocates new ones (`recently_deleted` in the
    kernel profile), which doubles or triples every tool's system time and
    grows from run to run; a CI machine starts with none of that."""
    for p in paths:
        if os.path.exists(p):
            dest = f"{p}.trash-{len(TRASH)}"
            os.rename(p, dest)
            TRASH.append(dest)


def empty_trash():
    while TRASH:
        rm(TRASH.pop())


def first_post(folder):
    posts = sorted(f for f in os.listdir(folder) if f.endswith(".md") and not f.startswith("_"))
    return os.path.join(folder, posts[0])


def editor(path):
    """Appends a new sentence to one post before each run ("edit" mode)."""
    count = [0]

    def edit():
        count[0] += 1
        with open(path, "a") as f:
            f.write(f"\nEdited again ({count[0]}).\n")
    return edit


def prepare_shopstory(corpus):
    """Two copies of the shopstory site: like-for-like with the peers (no share
    cards, which neither peer draws) and `shopstory+cards` (the defaults)."""
    s = os.path.join(corpus, "shopstory")
    cards = os.path.join(corpus, "shopstory-cards")
    if not os.path.isdir(cards):
        # The corpus writes inline photos as `/images/x.jpg` (Hugo's URL of
        # static/images/x.jpg); shopstory links the site path. Same photos
        # as the covers, so this adds no image work.
        posts = os.path.join(s, "content", "posts")
        for name in os.listdir(posts):
            path = os.path.join(posts, name)
            with open(path) as f:
                text = f.read()
            if "](/images/" in text:
                with open(path, "w") as f:
                    f.write(text.replace("](/images/", "](/static/images/"))
        shutil.copytree(s, cards, ignore=shutil.ignore_patterns("public", ".shopstory-cache"))
        with open(os.path.join(s, "site.yaml"), "a") as f:
            f.write("share_cards: false\n")
    return s, cards


def tools(corpus, zola, with_cards):
    s, cards = prepare_shopstory(corpus)
    h = os.path.join(corpus, "hugo")
    z = os.path.join(corpus, "zola")
    found = {
        "shopstory": {
            "cold": lambda: aside(os.path.join(s, "public"), os.path.join(s, ".shopstory-cache")),
            "warm": lambda: None,
            "edit": editor(first_post(os.path.join(s, "content", "posts"))),
            "cmd": [SHOPSTORY, "--quiet", "build", "--root", s],
        }
    }
    before = os.environ.get("SHOPSTORY_BEFORE")
    if before:
        b = s + "-before"
        if not os.path.isdir(b):
            shutil.copytree(s, b, ignore=shutil.ignore_patterns("public", ".shopstory-cache"))
        found["shopstory-before"] = {
            "cold": lambda: aside(os.path.join(b, "public"), os.path.join(b, ".shopstory-cache")),
            "warm": lambda: None,
            "edit": editor(first_post(os.path.join(b, "content", "posts"))),
            "cmd": [before, "--quiet", "build", "--root", b],
        }
    if with_cards:
        found["shopstory+cards"] = {
            "cold": lambda: aside(os.path.join(cards, "public"), os.path.join(cards, ".shopstory-cache")),
            "warm": lambda: None,
            "edit": editor(first_post(os.path.join(cards, "content", "posts"))),
            "cmd": [SHOPSTORY, "--quiet", "build", "--root", cards],
        }
    before = os.environ.get("SHOPSTORY_BEFORE")
    if with_cards and before:
        # Its own copy: two binaries taking turns on one site would each
        # find the other's output (a page's inputs name the program that
        # rendered it) and render every page again.
        bc = cards + "-before"
        if not os.path.isdir(bc):
            shutil.copytree(cards, bc, ignore=shutil.ignore_patterns("public", ".shopstory-cache"))
        found["before+cards"] = {
            "cold": lambda: aside(os.path.join(bc, "public"), os.path.join(bc, ".shopstory-cache")),
            "warm": lambda: None,
            "edit": editor(first_post(os.path.join(bc, "content", "posts"))),
            "cmd": [before, "--quiet", "build", "--root", bc],
        }
    if shutil.which("hugo"):
        found["hugo"] = {
            "cold": lambda: aside(os.path.join(h, "public"), os.path.join(h, "resources")),
            "warm": lambda: None,
            "edit": editor(first_post(os.path.join(h, "content", "posts"))),
            "cmd": ["hugo", "--source", h, "--quiet"],
        }
    if zola:
        found["zola"] = {
            "cold": lambda: aside(os.path.join(z, "public"), os.path.join(z, "static", "processed_images")),
            "warm": lambda: None,
            "edit": editor(first_post(os.path.join(z, "content", "posts"))),
            "cmd": [zola, "--root", z, "build", "--force"],
        }
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--photos", type=int, default=0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-cards", action="store_true", help="skip the shopstory+cards runs")
    ap.add_argument("--modes", default="cold,warm,edit", help="comma-separated subset of cold,warm,edit")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "shopstory-bench"))
    args = ap.parse_args()

    if not os.environ.get("SHOPSTORY"):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    zola = os.environ.get("ZOLA")
    corpora = [(f"{int(n):,} posts", ["--posts", n]) for n in args.sizes.split(",") if n]
    if args.photos:
        corpora.append((f"{args.photos} photos", ["--posts", str(args.photos), "--photos", str(args.photos)]))
    versions = {"shopstory": subprocess.run([SHOPSTORY, "--version"], capture_output=True, text=True).stdout.strip()}
    if os.environ.get("SHOPSTORY_BEFORE"):
        versions["before"] = subprocess.run([os.environ["SHOPSTORY_BEFORE"], "--version"], capture_output=True,
                                            text=True).stdout.strip()
    if zola:
        versions["zola"] = subprocess.run([zola, "--version"], capture_output=True, text=True).stdout.strip()
    if shutil.which("hugo"):
        versions["hugo"] = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    print("versions:", ", ".join(f"{k} {v}" for k, v in versions.items()))

    results = {}
    for label, gen_args in corpora:
        corpus = os.path.join(args.work, label.replace(",", "").replace(" ", "-"))
        if not os.path.isdir(corpus):
            subprocess.run([sys.executable, GEN, *gen_args, "--out", corpus], check=True, stdout=subprocess.DEVNULL)
        ts = tools(corpus, zola, not args.no_cards)
        for mode in [m for m in ("cold", "warm", "edit") if m in args.modes.split(",")]:
            samples = {name: [] for name in ts}
            for name, t in ts.items():  # one untimed run so warm has a cache
                t["cold"]()
                timed(t["cmd"])
            for _ in range(args.runs):
                for name, t in ts.items():
                    t[mode]()
                    samples[name].append(timed(t["cmd"]))
            for name, s in samples.items():
                results[(label, mode, name)] = (statistics.median(x[0] for x in s), max(x[1] for x in s))
            # One more run of shopstory's like-for-like site, untimed and
            # verbose: where its time goes, printed beside the goals.
            t = ts["shopstory"]
            t[mode]()
            PHASES[(label, mode)] = phases(t["cmd"])
            empty_trash()

    print()
    print(f"{'workload':<16} {'mode':<5} {'tool':<16} {'median s':>9} {'peak MiB':>9} "
          f"{'/ hugo':>8} {'/ zola':>8} {'mem / hugo':>11}")
    for (label, mode, name), (secs, kib) in results.items():
        cells = []
        for peer in ("hugo", "zola"):
            p = results.get((label, mode, peer))
            cells.append(f"{secs / p[0]:.2f}x" if ours(name) and p else "")
        h = results.get((label, mode, "hugo"))
        mem = f"{kib / h[1]:.2f}x" if ours(name) and h else ""
        print(f"{label:<16} {mode:<5} {name:<16} {secs:>9.2f} {kib / 1024:>9.0f} {cells[0]:>8} {cells[1]:>8} {mem:>11}")
    print("ratios are shopstory / peer: below 1 means shopstory is faster or smaller;")
    print("shopstory = like for like (share_cards: false), shopstory+cards = the defaults")
    print_goals(results, corpora)


def ours(tool):
    """Whether a row is a shopstory build (the rows given ratios to the peers)."""
    return tool not in ("hugo", "zola")


def print_goals(results, corpora):
    """The performance issue's goals, each with its measured value."""
    def get(label, mode, tool):
        return results.get((label, mode, tool))

    rows = []
    sizes = [l for l, _ in corpora if "posts" in l]
    for label in sizes:
        s, h = get(label, "cold", "shopstory"), get(label, "cold", "hugo")
        if s and h:
            goal = 0.25 if label.startswith("10,000") else 0.5
            rows.append((f"{label} cold time / Hugo", s[0] / h[0], goal))
            if label.startswith("10,000"):
                rows.append((f"{label} cold peak memory / Hugo", s[1] / h[1], 0.25))
        w = get(label, "warm", "shopstory")
        if w and label.startswith("10,000"):
            rows.append((f"{label} no-change rebuild, seconds", w[0], 1.0))
    for label in sizes:
        c, h = get(label, "cold", "shopstory+cards"), get(label, "cold", "hugo")
        if c and h:
            goal = 0.35 if label.startswith("10,000") else 0.5
            rows.append((f"{label} cold with defaults (cards) / Hugo", c[0] / h[0], goal))
    if len(sizes) >= 2:
        a, b = get(sizes[0], "cold", "shopstory"), get(sizes[-1], "cold", "shopstory")
        if a and b:
            rows.append((f"growth {sizes[-1]} / {sizes[0]} (cold)", b[0] / a[0], 11.0))
    for label in [l for l, _ in corpora if "photos" in l]:
        s, h, w = get(label, "cold", "shopstory"), get(label, "cold", "hugo"), get(label, "warm", "shopstory")
        if s and h:
            rows.append((f"{label} cold time / Hugo (JPEG, like for like)", s[0] / h[0], 0.25))
        if s and w:
            rows.append((f"{label} warm (no change) / cold", w[0] / s[0], 0.05))
    # Issue 16 (incremental by design).
    for label in sizes:
        big = label.startswith("10,000")
        e = get(label, "edit", "shopstory")
        if e:
            rows.append((f"{label} one-post edit rebuild, seconds", e[0], 0.15 if big else 0.03))
        s, h = get(label, "cold", "shopstory"), get(label, "cold", "hugo")
        if s and h and big:
            rows.append((f"{label} cold time / Hugo (issue 16)", s[0] / h[0], 0.15))
            rows.append((f"{label} cold peak memory / Hugo (issue 16)", s[1] / h[1], 0.10))
        w = get(label, "warm", "shopstory")
        if w and big:
            rows.append((f"{label} no-change rebuild, seconds (issue 16)", w[0], 0.15))
    if len(sizes) >= 2:
        a, b = get(sizes[0], "cold", "shopstory"), get(sizes[-1], "cold", "shopstory")
        if a and b:
            rows.append((f"growth {sizes[-1]} / {sizes[0]} (cold, issue 16)", b[0] / a[0], 10.5))
    if rows:
        print("\ngoals (shopstory like for like, and with its defaults where named):")
        for name, value, goal in rows:
            verdict = "met" if value <= goal else f"NOT met, by {value / goal:.1f}x"
            print(f"  {name:<52} {value:8.2f}   goal <= {goal:<5} {verdict}")
    missed = [name for name, value, goal in rows if value > goal]
    if missed and PHASES:
        print("\nwhere shopstory's time goes (one more verbose run of each workload, like for like):")
        for (label, mode), line in PHASES.items():
            print(f"  {label:<16} {mode:<5} {line}")
        print("why the issue-16 goals are missed, and what would meet them: docs/performance.md")


if __name__ == "__main__":
    main()
