"""Benchmark ``zhanqun inspect`` against ``git log --name-status`` over a long history (issue 11, R7).

    python bench/inspection.py [--commits 20000] [--rounds 5] [--seed 1] [--workdir DIR] [--quick]

Target: ``zhanqun inspect`` over a cluster of about 10,000 items with a history of 20,000 commits takes at most
2× the time of ``git log --name-status`` over the same history.

1. Generates the repository with the audit bench's generator (bench/audit.py: the demo cluster as the root commit,
   then pull requests merged with ``--no-ff`` and a few direct pushes, all in one ``git fast-import`` stream),
   with more two-item pull requests so that about 10,000 items are alive at the end. Item dates follow their
   commit times, so the inspection sees a realistic cluster, not one problem per item.
2. Inspects as of one day after the last commit (``SOURCE_DATE_EPOCH``): that is what the daily scheduled run
   does. Times, side by side and alternating, over R rounds (medians reported): ``git log --name-status main``
   (the baseline the target names), ``zhanqun inspect --format json`` with the parse cache of an earlier run (the
   target: CI keeps the cache between runs, docs/ci.md) and, for information, with no cache at all (a fresh
   clone) and ``--at`` a commit 500 merges back (the tree exported aside).

Run it with the project's virtualenv Python. Results go to bench/work/inspect-results-c<N>.json. The exit code is
0 if the target is met, 1 if not, 2 if a command failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import audit as audit_bench  # noqa: E402
import run as build_bench  # noqa: E402

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work"
RATIO_LIMIT = 2.0
# More two-item pull requests than the audit bench: 20,000 commits then leave about 10,000 items alive.
OPS = [("add", 66), ("add2", 30), ("modify", 19), ("rename", 3), ("delete", 3), ("unit", 1.5), ("platform", 0.5)]


def generator_version() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(audit_bench.generator_version().encode())
    return digest.hexdigest()[:12]


def commands(repo: Path, zhanqun: str) -> dict[str, list[str]]:
    g = ["git", "-C", str(repo)]
    cache = repo / ".zhanqun-cache"
    inspect = [zhanqun, "inspect", "--root", str(repo), "--format", "json"]
    return {
        "baseline": g + ["log", "--name-status", "main"],
        "inspect": inspect,
        "inspect_cold": ["sh", "-c", f'rm -rf "{cache}" && exec "$@"', "sh", *inspect],
        "inspect_at": [*inspect, "--at", "main~500"],
    }


LABELS = {
    "baseline": "git log --name-status main",
    "inspect": "zhanqun inspect --format json (parse cache kept from the last run: the target)",
    "inspect_cold": "zhanqun inspect --format json, no parse cache (a fresh clone)",
    "inspect_at": "zhanqun inspect --format json --at main~500 (tree exported aside)",
}


def measure(repo: Path, rounds: int, env: dict[str, str]) -> dict[str, list[audit_bench.Timed]]:
    cmds = commands(repo, audit_bench.zhanqun_cli())
    order = list(cmds)
    for name in order:  # warm-up: page cache, byte-compiled modules, the parse cache
        audit_bench.timed(cmds[name], env)
    runs: dict[str, list[audit_bench.Timed]] = {name: [] for name in order}
    for round_ in range(rounds):
        sequence = order if round_ % 2 == 0 else order[::-1]
        print(f"round {round_ + 1}/{rounds}:", end="", flush=True)
        for name in sequence:
            result = audit_bench.timed(cmds[name], env)
            runs[name].append(result)
            print(f"  {name} {result.wall:.2f}s", end="", flush=True)
            if name == "inspect_cold":
                audit_bench.timed(cmds["inspect"], env)  # fill the cache again, untimed
        print(flush=True)
    return runs


def summary(repo: Path, env: dict[str, str]) -> dict:
    """One untimed inspection: what it found (a sanity check that it looked at everything)."""
    import subprocess

    done = subprocess.run(commands(repo, audit_bench.zhanqun_cli())["inspect"], capture_output=True, env=env,
                          check=False)
    if done.returncode not in (0, 1):
        audit_bench.fail(f"zhanqun inspect failed ({done.returncode}):\n{done.stderr.decode(errors='replace')[-2000:]}")
    data = json.loads(done.stdout)
    codes: dict[str, int] = {}
    for problem in [*data["problems"], *(p for s in data["sites"] for p in s["problems"])]:
        codes[problem["code"]] = codes.get(problem["code"], 0) + 1
    columns = sum(len(s["columns"]) for s in data["sites"])
    listed = sum(c["items"] for s in data["sites"] for c in s["columns"])
    return {"sites": len(data["sites"]), "columns": columns, "listed_items": listed, "codes": dict(sorted(codes.items())),
            "json_bytes": len(done.stdout), "exit": done.returncode}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=20_000, help="commits on main (default 20000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds; medians are reported (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the repository here (reused when generated with the same arguments)")
    parser.add_argument("--regenerate", action="store_true", help="generate again even if --workdir has it")
    parser.add_argument("--quick", action="store_true", help="smoke test: 2,000 commits, 3 rounds")
    args = parser.parse_args(argv)
    if args.quick:
        args.commits, args.rounds = 2_000, min(args.rounds, 3)
    if args.commits < 1000 or args.rounds < 1:
        parser.error("--commits must be at least 1000 and --rounds at least 1")
    temp = None
    if args.workdir is None:
        temp = Path(tempfile.mkdtemp(prefix="zhanqun-inspect-bench-"))
        base = temp
    else:
        base = args.workdir.resolve()
        base.mkdir(parents=True, exist_ok=True)
    repo = base / f"inspect-c{args.commits}-s{args.seed}"
    try:
        return run(args, repo, base)
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def run(args: argparse.Namespace, repo: Path, base: Path) -> int:
    code_before = build_bench.code_version()
    stamp = repo / ".git" / "bench-inspect.json"
    shape = json.loads(stamp.read_text(encoding="utf-8")) if stamp.is_file() else {}
    if shape.get("generator") != generator_version() or args.regenerate:
        print(f"generating {args.commits:,} commits into {repo} …", flush=True)
        audit_bench.OPS[:] = OPS
        shape = audit_bench.generate_repo(repo, args.commits, args.seed)
        shape["generator"] = generator_version()
        stamp.write_text(json.dumps(shape, ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        print(f"reusing {repo}")
    last = int(audit_bench.git(repo, "log", "-1", "--format=%ct", "main").strip())
    items = sum(1 for line in audit_bench.git(repo, "ls-files", "content").splitlines() if line.endswith(".md"))
    print(f"history: {shape['commits']:,} commits on main, {items:,} Markdown files, "
          f"{shape['first_day']} … {shape['last_day']}")
    env = audit_bench.audit_env(base)
    env["SOURCE_DATE_EPOCH"] = str(last + 86400)  # the daily run, the morning after the last merge
    found = summary(repo, env)
    print(f"inspect: {found['sites']} sites, {found['columns']} columns listing {found['listed_items']:,} items, "
          f"problems {found['codes']}, JSON {found['json_bytes'] / 1e3:.0f} kB")

    runs = measure(repo, args.rounds, env)
    med = {name: statistics.median(r.wall for r in results) for name, results in runs.items()}
    ratio = med["inspect"] / med["baseline"]
    info = build_bench.machine()
    info["git"] = audit_bench.git(repo, "--version").strip().removeprefix("git version ")
    info["code"] = build_bench.code_version()
    if info["code"] != code_before:
        info["code"] = f"{code_before} -> {info['code']} (CHANGED DURING THE RUN: numbers may mix versions)"
    print()
    print(f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM, {info['os']}; git {info['git']}, "
          f"Python {info['python']}, zhanqun {info['zhanqun']} (code digest {info['code']})")
    print(f"median of {args.rounds} rounds, alternating; output to /dev/null")
    header = f"{'command':<90}{'median s':>9}{'CPU s':>7}{'others':>8}  rounds"
    print(header)
    print("-" * len(header))
    for name, results in runs.items():
        others = [r.other for r in results if r.other is not None]
        print(f"{LABELS[name]:<90}{med[name]:>9.2f}{statistics.median(r.cpu for r in results):>7.2f}"
              f"{build_bench._percent(max(others) if others else None):>8}  "
              + " / ".join(f"{r.wall:.2f}" for r in results))
    passed = ratio <= RATIO_LIMIT
    print()
    print(f"inspect / git log --name-status = {ratio:.2f}   target <= {RATIO_LIMIT:g}   {'PASS' if passed else 'FAIL'}")
    for name in ("inspect_cold", "inspect_at"):
        print(f"{name} / git log --name-status = {med[name] / med['baseline']:.2f}   (information)")
    if any((r.other or 0) > build_bench.BUSY for results in runs.values() for r in results):
        print(f"WARNING: other processes used more than {build_bench.BUSY:.0%} of the CPUs in some run; "
              "the times are not reliable.")
    saved = {
        "machine": info, "commits": args.commits, "rounds": args.rounds, "history": shape, "inspect": found,
        "runs": {name: {"command": LABELS[name], "median_s": round(med[name], 3),
                        "rounds_s": [round(r.wall, 3) for r in results], "cpu_s": [round(r.cpu, 3) for r in results]}
                 for name, results in runs.items()},
        "ratio": round(ratio, 3), "limit": RATIO_LIMIT, "pass": passed,
    }
    WORK.mkdir(parents=True, exist_ok=True)
    out = WORK / f"inspect-results-c{args.commits}.json"
    out.write_text(json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"results saved to {out}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
