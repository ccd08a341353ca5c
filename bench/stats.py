"""Benchmark ``zhanqun stats`` for one year against ``git log --name-status`` over the same year (issue 12, R8.3).

    python bench/stats.py [--commits 20000] [--rounds 5] [--seed 1] [--year 2024] [--workdir DIR] [--quick]

Target: the statistics of one year (``--period month``, per unit, JSON) over the 20,000-commit bench history take
at most 2× the time of ``git log --name-status`` over that year's commits.

1. The repository is the inspection bench's (bench/inspection.py: the audit generator with more two-item pull
   requests, about 10,000 items alive, 2021-01 … 2025-02). One already in --workdir is reused whatever generator
   version stamped it (the statistics do not depend on the demo files the stamp digests); otherwise it is generated.
2. Times, side by side and alternating, over R rounds (medians reported): ``git log --name-status`` with
   ``--since``/``--until`` the year (the baseline the target names), ``zhanqun stats`` with what an earlier run over
   the year kept (the walk up to the year's last commit, ``.git/zhanqun/stats-<commit>.json``; the config there and
   the year's sign-off records, ``stats.*.json``: the target, as the inspection bench keeps its parse cache) and, for
   information, with only the walk of a week earlier kept (the week's merges walked on from it), with nothing kept
   (the first run after a clone), and ``git log --name-status`` of the whole history.

Run it with the project's virtualenv Python. Results go to bench/work/stats-results-c<N>.json. The exit code is 0
if the target is met, 1 if not, 2 if a command failed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import audit as audit_bench  # noqa: E402
import inspection as inspection_bench  # noqa: E402
import run as build_bench  # noqa: E402

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work"
RATIO_LIMIT = 2.0


def commands(repo: Path, zhanqun: str, year: int) -> dict[str, list[str]]:
    g = ["git", "-C", str(repo)]
    since, until = f"--since={year}-01-01 00:00:00 +0800", f"--until={year}-12-31 23:59:59 +0800"
    stats = [zhanqun, "stats", "--root", str(repo), "--period", "month", "--from", f"{year}-01-01",
             "--to", f"{year}-12-31", "--format", "json"]
    kept = repo / ".git" / "zhanqun"
    tip = year_end(repo, year)
    # the kept files of the year's last commit removed: the walk kept a week earlier (prepare) is extended
    newer = f'rm -f "{kept}/stats-{tip}.json" "{kept}/stats.config-{tip}.json" "{kept}"/stats.notes-*.json'
    return {
        "baseline": g + ["log", "--name-status", since, until, "main"],
        "stats": stats,
        "stats_extend": ["sh", "-c", f'{newer} && exec "$@"', "sh", *stats],
        "stats_cold": ["sh", "-c", f'rm -f "{kept}"/stats-*.json "{kept}"/stats.*.json && exec "$@"', "sh", *stats],
        "log_all": g + ["log", "--name-status", "main"],
    }


def year_end(repo: Path, year: int, day: str = "12-31") -> str:
    """The last first-parent commit of main on or before ``day`` of ``year`` (China time)."""
    return audit_bench.git(repo, "rev-list", "--first-parent", "-1", f"--before={year}-{day} 23:59:59 +0800",
                           "main").strip()


def prepare(repo: Path, zhanqun: str, year: int, env: dict[str, str]) -> None:
    """Keep the walk of the same statistics ending a week earlier (24 December): what ``stats_extend`` walks on from,
    as a monthly run after a week of new merges would."""
    done = subprocess.run([zhanqun, "stats", "--root", str(repo), "--period", "month", "--from", f"{year}-01-01",
                           "--to", f"{year}-12-24", "--format", "json"], capture_output=True, env=env, check=False)
    if done.returncode != 0:
        audit_bench.fail(f"zhanqun stats failed ({done.returncode}):\n{done.stderr.decode(errors='replace')[-2000:]}")


LABELS = {
    "baseline": "git log --name-status over the year (--since/--until)",
    "stats": "zhanqun stats --period month, the year, --format json (walk up to the year kept: the target)",
    "stats_extend": "zhanqun stats, the same, the walk kept a week earlier (the week's merges walked on from it)",
    "stats_cold": "zhanqun stats, the same, nothing kept (first run after a clone)",
    "log_all": "git log --name-status main (the whole history, for information)",
}


def measure(repo: Path, year: int, rounds: int, env: dict[str, str]) -> dict[str, list[audit_bench.Timed]]:
    cmds = commands(repo, audit_bench.zhanqun_cli(), year)
    order = list(cmds)
    for name in order:  # warm-up: page cache, byte-compiled modules, the kept walk
        audit_bench.timed(cmds[name], env)
    runs: dict[str, list[audit_bench.Timed]] = {name: [] for name in order}
    for round_ in range(rounds):
        sequence = order if round_ % 2 == 0 else order[::-1]
        print(f"round {round_ + 1}/{rounds}:", end="", flush=True)
        for name in sequence:
            if name == "stats":
                audit_bench.timed(cmds["stats"], env)  # the walk kept again after a cold run, untimed
            if name == "stats_extend":
                prepare(repo, audit_bench.zhanqun_cli(), year, env)  # after a cold run, the week-old walk again
            result = audit_bench.timed(cmds[name], env)
            runs[name].append(result)
            print(f"  {name} {result.wall:.2f}s", end="", flush=True)
        print(flush=True)
    return runs


def summary(repo: Path, year: int, env: dict[str, str]) -> dict:
    """One untimed run: what it counted (a sanity check that it saw the year)."""
    done = subprocess.run(commands(repo, audit_bench.zhanqun_cli(), year)["stats"], capture_output=True, env=env,
                          check=False)
    if done.returncode != 0:
        audit_bench.fail(f"zhanqun stats failed ({done.returncode}):\n{done.stderr.decode(errors='replace')[-2000:]}")
    data = json.loads(done.stdout)
    total = data["whole"]["total"]
    commits = int(audit_bench.git(repo, "rev-list", "--count", "--first-parent", f"--since={year}-01-01 00:00 +0800",
                                  f"--until={year}-12-31 23:59:59 +0800", "main").strip())
    return {"units": len(data["whole"]["rows"]), "periods": len(data["periods"]), "first_parent_commits": commits,
            **{k: total[k] for k in ("published", "revised", "withdrawn", "attachments")},
            "windows": (total["compliance"] or {}).get("windows"), "json_bytes": len(done.stdout)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=20_000, help="commits on main (default 20000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds; medians are reported (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--year", type=int, default=2024, help="the year counted (default 2024, a whole one)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the repository here (the inspection bench's is reused)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 2,000 commits, 3 rounds, 2021")
    args = parser.parse_args(argv)
    if args.quick:
        args.commits, args.rounds, args.year = 2_000, min(args.rounds, 3), 2021
    temp = None
    if args.workdir is None:
        temp = Path(tempfile.mkdtemp(prefix="zhanqun-stats-bench-"))
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
    stamp = repo / ".git" / "bench-inspect.json"
    if stamp.is_file():
        shape = json.loads(stamp.read_text(encoding="utf-8"))
        print(f"reusing {repo} (generator {shape.get('generator')})")
    else:
        print(f"generating {args.commits:,} commits into {repo} …", flush=True)
        audit_bench.OPS[:] = inspection_bench.OPS
        shape = audit_bench.generate_repo(repo, args.commits, args.seed)
        shape["generator"] = inspection_bench.generator_version()
        stamp.write_text(json.dumps(shape, ensure_ascii=False, indent=2), encoding="utf-8")
    last = int(audit_bench.git(repo, "log", "-1", "--format=%ct", "main").strip())
    env = audit_bench.audit_env(base)
    env["SOURCE_DATE_EPOCH"] = str(last + 86400)
    found = summary(repo, args.year, env)
    print(f"{args.year}: {found['first_parent_commits']:,} first-parent commits; {found['units']} units, "
          f"{found['periods']} months; published {found['published']:,}, revised {found['revised']:,}, "
          f"withdrawn {found['withdrawn']:,}, attachments {found['attachments']:,}; {found['windows']} cycle windows; "
          f"JSON {found['json_bytes'] / 1e3:.0f} kB")
    runs = measure(repo, args.year, args.rounds, env)
    med = {name: statistics.median(r.wall for r in results) for name, results in runs.items()}
    ratio = med["stats"] / med["baseline"]
    info = build_bench.machine()
    info["git"] = audit_bench.git(repo, "--version").strip().removeprefix("git version ")
    info["code"] = build_bench.code_version()
    print()
    print(f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM, {info['os']}; git {info['git']}, "
          f"Python {info['python']}, zhanqun {info['zhanqun']} (code digest {info['code']})")
    print(f"median of {args.rounds} rounds, alternating; output to /dev/null")
    header = f"{'command':<100}{'median s':>9}{'CPU s':>7}{'others':>8}  rounds"
    print(header)
    print("-" * len(header))
    for name, results in runs.items():
        others = [r.other for r in results if r.other is not None]
        print(f"{LABELS[name]:<100}{med[name]:>9.2f}{statistics.median(r.cpu for r in results):>7.2f}"
              f"{build_bench._percent(max(others) if others else None):>8}  "
              + " / ".join(f"{r.wall:.2f}" for r in results))
    passed = ratio <= RATIO_LIMIT
    print()
    print(f"stats / git log --name-status (the year) = {ratio:.2f}   target <= {RATIO_LIMIT:g}   "
          f"{'PASS' if passed else 'FAIL'}")
    print(f"stats_extend / git log --name-status (the year) = {med['stats_extend'] / med['baseline']:.2f}   "
          "(information)")
    print(f"stats_cold / git log --name-status (the year) = {med['stats_cold'] / med['baseline']:.2f}   (information)")
    print(f"stats_cold / git log --name-status (whole history) = {med['stats_cold'] / med['log_all']:.2f}   "
          "(information)")
    if any((r.other or 0) > build_bench.BUSY for results in runs.values() for r in results):
        print(f"WARNING: other processes used more than {build_bench.BUSY:.0%} of the CPUs in some run; "
              "the times are not reliable.")
    saved = {
        "machine": info, "commits": args.commits, "year": args.year, "rounds": args.rounds, "stats": found,
        "runs": {name: {"command": LABELS[name], "median_s": round(med[name], 3),
                        "rounds_s": [round(r.wall, 3) for r in results], "cpu_s": [round(r.cpu, 3) for r in results]}
                 for name, results in runs.items()},
        "ratio": round(ratio, 3), "limit": RATIO_LIMIT, "pass": passed,
    }
    WORK.mkdir(parents=True, exist_ok=True)
    out = WORK / f"stats-results-c{args.commits}.json"
    out.write_text(json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"results saved to {out}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
