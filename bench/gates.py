"""Benchmark the review gates (R4.9) and report ratios against a baseline run side by side.

    python bench/gates.py [--units 20] [--items 10000] [--rounds 5] [--quick]

Three measurements, each with its baseline:

1. Dictionary scan: the banned-content scanner loaded with 10,000 extra terms (a cluster's rules/banned.yaml)
   over about 20 MB of government prose, against the bare Aho–Corasick automaton (ahocorasick-rs) over the
   same text, and pyahocorasick where installed (the library we did not choose). Target: ≥ 50 MB/s. The
   scan includes the normalisation of R4.10 (every Text is normalised when made), also timed alone.
2. Pre-commit: ``zhanqun check`` on the 10 files of a commit in the generated cluster, each round with 10
   freshly edited files (so their parse is not cached), against ``python -c pass`` (interpreter start-up).
   Target: ≤ 0.5 s of hook time.
3. The whole cluster: ``zhanqun check`` over all items with an empty cache and again with a warm one, against
   reading and hashing every file (the I/O floor). Target: ≤ 10 s cold.

Run it with the project's virtualenv Python. Results go to bench/work/gates-results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402 - the sibling script

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work"
SEEDS = BENCH.parent / "tests" / "seeds"  # the regulations, copied from ../shared/seeds

SCAN_MB_S = 50.0
PRE_COMMIT_S = 0.5
FULL_CHECK_S = 10.0


def zhanqun() -> str:
    found = Path(sys.executable).with_name("zhanqun")
    return str(found) if found.exists() else "zhanqun"


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return took


def corpus_text(megabytes: float) -> str:
    """Government prose: the regulations in tests/seeds, else the generator's sentences."""
    if SEEDS.is_dir():
        base = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    else:
        maker = generate.TextMaker(random.Random(1))
        base = "\n\n".join(maker.body() for _ in range(50))
    size = len(base.encode("utf-8"))
    return base * max(1, int(megabytes * 1e6 / size))


def terms(count: int, rng: random.Random) -> list[str]:
    """Random CJK terms of 2–6 characters, as a county's extra list might hold."""
    chars = [chr(c) for c in range(0x4E00, 0x9FA5)]
    found: set[str] = set()
    while len(found) < count:
        found.add("".join(rng.choice(chars) for _ in range(rng.randint(2, 6))))
    return sorted(found)


def bench_scan(megabytes: float, count: int, rounds: int) -> dict:
    from zhanqun.checks import banned, normalise, ruledata
    from zhanqun.checks.textscan import Text

    text = corpus_text(megabytes)
    size_mb = len(text.encode("utf-8")) / 1e6
    extra = terms(count, random.Random(2))
    data = ruledata.load()["banned"]
    data = {**data, "categories": data["categories"] + [
        {"id": "bench", "name": "基准词", "severity": "warning", "terms": extra}]}
    start = time.perf_counter()
    scanner = banned.Scanner(data)
    build = time.perf_counter() - start
    doc_lines = text.split("\n")
    chunk = 400  # scan as a cluster would: one text per item, not one 20 MB string

    def ours() -> None:
        for i in range(0, len(doc_lines), chunk):
            list(scanner.scan(Text("\n".join(doc_lines[i:i + chunk]), "bench.md")))

    def bare() -> None:
        scanner.automaton.find_matches_as_indexes(text, overlapping=True)

    pieces = ["\n".join(doc_lines[i:i + chunk]) for i in range(0, len(doc_lines), chunk)]

    def normalisation() -> None:  # R4.10: part of "ours" (every Text is normalised when made), measured alone
        for piece in pieces:
            normalise._normalise(piece)

    result = {"megabytes": round(size_mb, 1), "terms": len(scanner.terms), "build_s": round(build, 3)}
    for name, run in (("zhanqun_scanner", ours), ("ahocorasick_rs_bare", bare), ("normalise", normalisation)):
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        result[name + "_mb_s"] = round(size_mb / statistics.median(times), 1)
        result[name + "_range_mb_s"] = [round(size_mb / max(times), 1), round(size_mb / min(times), 1)]
    try:
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for index, term in enumerate(scanner.terms):
            automaton.add_word(term, index)
        automaton.make_automaton()
        sample = text[: len(text) // 10]
        start = time.perf_counter()
        sum(1 for _ in automaton.iter(sample))
        result["pyahocorasick_mb_s"] = round(len(sample.encode("utf-8")) / 1e6 / (time.perf_counter() - start), 1)
    except ImportError:
        result["pyahocorasick_mb_s"] = None
    result["ratio_vs_bare"] = round(result["zhanqun_scanner_mb_s"] / result["ahocorasick_rs_bare_mb_s"], 2)
    result["pass"] = result["zhanqun_scanner_mb_s"] >= SCAN_MB_S
    return result


def byte_compile() -> None:
    """Byte-compile zhanqun as a normal install does (pip compiles what it installs; pre-commit's own
    environment is such an install). An editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise
    compile every module from source on every run, which is not what an editor's commit hook pays."""
    import compileall

    import zhanqun

    compileall.compile_dir(Path(zhanqun.__file__).parent, quiet=1)


def bench_pre_commit(repo: Path, rounds: int) -> dict:
    byte_compile()
    items = sorted((repo / "content").rglob("*.md"))
    rng = random.Random(3)
    hook, startup = [], []
    for round_ in range(rounds):
        chosen = rng.sample([p for p in items if "/ldxx/" not in p.as_posix()], 10)
        for path in chosen:  # a real edit: the parse cache has never seen these bytes
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"\n第{round_ + 1}次修改：补充说明本项工作的进展情况。\n")
        rels = [p.relative_to(repo).as_posix() for p in chosen]
        hook.append(timed([zhanqun(), "check", *rels], repo))
        startup.append(timed([sys.executable, "-c", "pass"], repo))
    median = statistics.median(hook)
    return {"files": 10, "rounds": rounds, "hook_s": round(median, 3), "hook_max_s": round(max(hook), 3),
            "python_startup_s": round(statistics.median(startup), 3),
            "ratio_vs_startup": round(median / statistics.median(startup), 1), "pass": median <= PRE_COMMIT_S}


def bench_full(repo: Path, jobs: int) -> dict:
    cache = repo / ".zhanqun-cache"
    shutil.rmtree(cache, ignore_errors=True)
    cold = timed([zhanqun(), "check", "--jobs", str(jobs)], repo)
    warm = timed([zhanqun(), "check", "--jobs", str(jobs)], repo)
    floor_script = ("import hashlib, pathlib\n"
                    "for p in pathlib.Path('content').rglob('*'):\n"
                    "    p.is_file() and hashlib.sha256(p.read_bytes()).digest()\n")
    floor = timed([sys.executable, "-c", floor_script], repo)
    items = sum(1 for _ in (repo / "content").rglob("*.md"))
    return {"items": items, "jobs": jobs, "cold_s": round(cold, 2), "warm_s": round(warm, 2),
            "read_and_hash_s": round(floor, 2), "cold_ratio_vs_read": round(cold / floor, 1),
            "warm_ratio_vs_read": round(warm / floor, 1), "pass": cold <= FULL_CHECK_S}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--quick", action="store_true", help="small sizes: checks that the benchmark runs")
    args = parser.parse_args(argv)
    if args.quick:
        args.units, args.items, args.rounds = 3, 300, 2
    megabytes, count = (2.0, 1000) if args.quick else (20.0, 10_000)

    WORK.mkdir(parents=True, exist_ok=True)
    repo = WORK / f"gates-u{args.units}-i{args.items}"
    print(f"generating {args.units} units, {args.items} items (3 leader pages per unit) in {repo} …", flush=True)
    generate.generate(repo, args.units, args.items, leaders=3)

    results = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    print("dictionary scan …", flush=True)
    results["scan"] = bench_scan(megabytes, count, args.rounds)
    print("whole-cluster check …", flush=True)
    results["full_check"] = bench_full(repo, args.jobs)
    print("pre-commit on 10 edited files …", flush=True)
    results["pre_commit"] = bench_pre_commit(repo, args.rounds)

    out = WORK / ("gates-results-quick.json" if args.quick else "gates-results.json")
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    scan, full, hook = results["scan"], results["full_check"], results["pre_commit"]
    print(f"""
| measurement | zhanqun | baseline | ratio | target |
|---|---|---|---|---|
| dictionary scan, {scan['terms']} terms, {scan['megabytes']} MB | {scan['zhanqun_scanner_mb_s']} MB/s (rounds {scan['zhanqun_scanner_range_mb_s'][0]}–{scan['zhanqun_scanner_range_mb_s'][1]}) | bare ahocorasick-rs {scan['ahocorasick_rs_bare_mb_s']} MB/s (pyahocorasick {scan['pyahocorasick_mb_s']} MB/s) | {scan['ratio_vs_bare']}× | ≥ {SCAN_MB_S:g} MB/s {'✓' if scan['pass'] else '✗'} |
| of which the normalisation (R4.10) | {scan['normalise_mb_s']} MB/s alone | | | |
| pre-commit, 10 edited files | {hook['hook_s']} s (max {hook['hook_max_s']} s) | python start-up {hook['python_startup_s']} s | {hook['ratio_vs_startup']}× | ≤ {PRE_COMMIT_S:g} s {'✓' if hook['pass'] else '✗'} |
| zhanqun check, {full['items']} items, cold cache | {full['cold_s']} s | read + hash every file {full['read_and_hash_s']} s | {full['cold_ratio_vs_read']}× | ≤ {FULL_CHECK_S:g} s {'✓' if full['pass'] else '✗'} |
| zhanqun check, warm cache | {full['warm_s']} s | read + hash every file {full['read_and_hash_s']} s | {full['warm_ratio_vs_read']}× | |
""")
    print(f"written to {out}")
    return 0 if all(r["pass"] for r in (scan, full, hook)) else 1


if __name__ == "__main__":
    sys.exit(main())
