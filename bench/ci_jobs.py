"""What one CI matrix job pays to build one site, with and without the parse cache another job filled (issue 16).

    python bench/ci_jobs.py [--units 100] [--items 10000] [--runs 3] [--host HOST ...] [--profile]

Generates a bench cluster (bench/generate.py) into a git repository under --work, then plays publish.yml's jobs
on this machine, each in a fresh ``git clone`` (fresh mtimes and index, as actions/checkout gives):

- the *plan* job fills the cache once: ``zhanqun cache fill`` in its clone (cold), and again after a one-item
  edit starting from the previous commit's cache (what a push usually costs it);
- a *build* job runs ``zhanqun build <host>`` in its own clone, once with an empty cache and once with the plan
  job's ``.zhanqun-cache/parse.sqlite3`` copied in (what actions/cache/restore gives it), interleaved, ``--runs``
  times; wall time and CPU time (user + sys of the process and its workers, from wait4), medians and ranges.

The outputs of both kinds of build are compared file by file (they must be identical). ``--profile`` runs one
build with the shared cache under cProfile and prints where its time goes. Results go to stdout as Markdown
tables (docs/ci.md) and to <work>/ci_jobs.json. Run it with the project's virtualenv Python.
"""

from __future__ import annotations

import argparse
import cProfile  # noqa: F401 - run below as ``python -m cProfile``; imported so a missing module fails early
import filecmp
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PYTHON = Path(sys.executable)
ZHANQUN = [str(PYTHON), "-m", "zhanqun"]
CACHE_FILE = Path(".zhanqun-cache") / "parse.sqlite3"
EPOCH = str(int(time.time()))  # one reference time for every build of the run: the same commit, the same bytes
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@localhost", "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+08:00",
           "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+08:00"}


def job_env() -> dict[str, str]:
    """A job's environment: one reference time, and bytecode written as ``pip install`` leaves it on a runner
    (PYTHONDONTWRITEBYTECODE would make every run compile zhanqun, Pelican and Jinja from source again)."""
    env = {**os.environ, **GIT_ENV, "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(argv: list[str], cwd: Path | None = None) -> str:
    """Run ``argv`` (not timed) and return its stdout; fails loudly."""
    env = job_env()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(argv)}\n{done.stderr.decode(errors='replace')[-3000:]}")
    return done.stdout.decode(errors="replace")


def timed(argv: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Run ``argv`` with its output discarded: (wall seconds, CPU seconds of it and its reaped workers, from
    wait4), fails loudly."""
    env = job_env()
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=null, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"failed ({process.returncode}): {' '.join(argv)} (run it by hand to see why)")
    return wall, usage.ru_utime + usage.ru_stime, ""


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, check=True, stdout=subprocess.DEVNULL)


def make_repo(work: Path, units: int, items: int) -> Path:
    repo = work / "repo"
    subprocess.run([str(PYTHON), str(BENCH / "generate.py"), "--units", str(units), "--items", str(items),
                    str(repo)], check=True, stdout=subprocess.DEVNULL)
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "bench cluster", cwd=repo)
    return repo


def clone(repo: Path, target: Path) -> Path:
    """A fresh checkout, as actions/checkout gives a job (depth 1, new mtimes, a new index)."""
    if target.exists():
        shutil.rmtree(target)
    git("clone", "-q", "--depth", "1", f"file://{repo}", str(target), cwd=repo.parent)
    return target


def edit_one_item(repo: Path) -> str:
    """Append a sentence to one item's body and commit: the push a plan job usually sees."""
    item = sorted((repo / "content").glob("*/*/*.md"))[0]
    with open(item, "a", encoding="utf-8") as handle:
        handle.write("\n补充说明：本条于基准测试中修改。\n")
    git("commit", "-q", "-am", "edit one item", cwd=repo)
    return item.relative_to(repo).as_posix()


def hosts_of(repo: Path) -> list[str]:
    out = run([*ZHANQUN, "affected", "--all", "--root", str(repo), "--format", "json"])
    return list(json.loads(out)["hosts"])


def same_tree(left: Path, right: Path) -> bool:
    """Whether two output trees hold the same files with the same bytes (the build's lock file aside)."""
    compare = filecmp.dircmp(left, right, ignore=["lock"])
    stack = [compare]
    while stack:
        node = stack.pop()
        if node.left_only or node.right_only or node.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(node.left, node.right, node.common_files, shallow=False)
        if mismatch or errors:
            return False
        stack.extend(node.subdirs.values())
    return True


def median_range(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def profile(job: Path, host: str, top: int) -> list[str]:
    """One build with the shared cache under cProfile: the functions with the most own time, and the share of
    the time spent loading the cluster (``cluster.load``) against building the site."""
    stats_file = job.parent / "build.prof"
    run([str(PYTHON), "-m", "cProfile", "-o", str(stats_file), "-m", "zhanqun", "build", host, "--root", str(job),
         "--output", str(job / "output"), "--jobs", "1"])
    stats = pstats.Stats(str(stats_file))
    total = max(getattr(stats, "total_tt", 0.0), 1e-9)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = getattr(stats, "stats", {})
    lines = [f"profile of `zhanqun build {host}` with the shared cache (--jobs 1): {total:.2f} s in total"]
    wanted = [("cluster.py", "load", "loading and checking the whole cluster"),
              ("cluster.py", "parse_files", "  of which: the parses (from the cache)"),
              ("cache.py", "get_many", "    of which: reading and decoding cache entries"),
              ("build/__init__.py", "_build", "building the one site (Pelican, Jinja, manifest)")]
    for suffix, function, label in wanted:
        cumulative = max((v[3] for (file, _, name), v in raw.items() if file.endswith(suffix) and name == function),
                         default=0.0)
        lines.append(f"  {label} ({suffix}:{function}): {cumulative:.2f} s ({100 * cumulative / total:.0f} %)")
    lines.append(f"  top {top} by own time:")
    ranked = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    for (file, line, name), (_, calls, own, _, _) in ranked:
        where = f"{Path(file).parent.name}/{Path(file).name}:{line}" if file != "~" else "~"
        lines.append(f"    {100 * own / total:5.1f} %  {own:6.2f} s  {calls:>8}  {where}({name})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100, help="units including the portal (default 100)")
    parser.add_argument("--items", type=int, default=10000, help="items in total (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="counted runs of each build (default 3)")
    parser.add_argument("--host", action="append", default=[], help="host to build (default: the first "
                        "department's site and the portal); may be given several times")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="zhanqun --jobs (default: cores)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/zhanqun-ci-jobs"), help="work folder (replaced)")
    parser.add_argument("--profile", action="store_true", help="also profile one build with the shared cache")
    args = parser.parse_args()

    work = args.work.resolve()
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    repo = make_repo(work, args.units, args.items)
    all_hosts = hosts_of(repo)
    portal = next((h for h in all_hosts if h.startswith("www.")), all_hosts[0])
    hosts = args.host or [next(h for h in all_hosts if h != portal), portal]
    jobs = ["--jobs", str(args.jobs)]
    results: dict[str, object] = {"units": args.units, "items": args.items, "sites": len(all_hosts),
                                  "runs": args.runs, "jobs": args.jobs}

    # untimed: one build writes the bytecode a runner's pip install would have compiled
    warm = clone(repo, work / "warm")
    run([*ZHANQUN, "build", hosts[0], "--root", str(warm), "--output", str(warm / "output"), *jobs])
    shutil.rmtree(warm)
    # the plan job: a cold fill, then (next push) a one-item edit filled from the previous commit's cache
    plan = clone(repo, work / "plan")
    fill_wall, fill_cpu, _ = timed([*ZHANQUN, "cache", "fill", "--root", str(plan), *jobs])
    shared = work / "shared.sqlite3"
    shutil.copy2(plan / CACHE_FILE, shared)
    cache_bytes = shared.stat().st_size
    results["cache_bytes"] = cache_bytes
    edited = edit_one_item(repo)
    plan2 = clone(repo, work / "plan2")
    (plan2 / CACHE_FILE).parent.mkdir(parents=True)
    shutil.copy2(shared, plan2 / CACHE_FILE)
    refill_wall, refill_cpu, _ = timed([*ZHANQUN, "cache", "fill", "--root", str(plan2), *jobs])
    shutil.copy2(plan2 / CACHE_FILE, shared)  # the cache of the commit the build jobs check out
    results["plan"] = {"cold_fill": [fill_wall, fill_cpu], "fill_after_one_edit": [refill_wall, refill_cpu],
                       "edited": edited}

    rows: dict[str, dict[str, list[float]]] = {}
    identical: dict[str, bool] = {}
    for host in hosts:
        rows[host] = {"empty_wall": [], "empty_cpu": [], "shared_wall": [], "shared_cpu": []}
        for number in range(args.runs):
            for mode in ("empty", "shared"):
                job = clone(repo, work / f"job-{mode}")
                if mode == "shared":
                    (job / CACHE_FILE).parent.mkdir(parents=True)
                    shutil.copy2(shared, job / CACHE_FILE)
                wall, cpu, _ = timed([*ZHANQUN, "build", host, "--root", str(job), "--output", str(job / "output"),
                                      *jobs])
                rows[host][f"{mode}_wall"].append(wall)
                rows[host][f"{mode}_cpu"].append(cpu)
                kept = work / f"out-{mode}"
                if number == 0:
                    if kept.exists():
                        shutil.rmtree(kept)
                    shutil.move(str(job / "output" / host), kept)
        identical[host] = same_tree(work / "out-empty", work / "out-shared")
    results["builds"] = rows
    results["identical"] = identical

    print(f"bench cluster: {args.units} units ({len(all_hosts)} sites), {args.items} items; --jobs {args.jobs}; "
          f"{args.runs} runs each, medians (ranges)\n")
    print(f"plan job, `zhanqun cache fill`: cold {fill_wall:.2f} s wall, {fill_cpu:.2f} CPU-s; after a one-item "
          f"edit, from the previous commit's cache: {refill_wall:.2f} s wall, {refill_cpu:.2f} CPU-s; cache file "
          f"{cache_bytes / 2**20:.1f} MiB\n")
    print("| `zhanqun build <host>` in a fresh clone | empty cache: wall | CPU | shared cache: wall | CPU | outputs |")
    print("|---|---|---|---|---|---|")
    for host, row in rows.items():
        print(f"| {host} | {median_range(row['empty_wall'])} | {median_range(row['empty_cpu'])} | "
              f"{median_range(row['shared_wall'])} | {median_range(row['shared_cpu'])} | "
              f"{'identical' if identical[host] else 'DIFFERENT'} |")
    if args.profile:
        job = clone(repo, work / "job-profile")
        (job / CACHE_FILE).parent.mkdir(parents=True)
        shutil.copy2(shared, job / CACHE_FILE)
        lines = profile(job, hosts[0], 25)
        results["profile"] = lines
        print()
        print("\n".join(lines))
    (work / "ci_jobs.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    if not all(identical.values()):
        sys.exit("the builds with and without the shared cache differ")


if __name__ == "__main__":
    main()
