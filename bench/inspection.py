"""Benchmark ``zhanqun inspect`` against ``git log --name-status`` over a long synthetic history (issue 11).

    python bench/inspection.py [--commits 20000] [--rounds 5] [--seed 1] [--workdir DIR]

Target: ``zhanqun inspect`` of the working tree (text and JSON alike read one report) over a history of 20,000
commits takes at most 2× the time of ``git log --name-status`` over the same history. The repository is the
one ``bench/audit.py`` generates (reused from ``--workdir`` when it is there); the parse cache is warm (a
first, untimed run fills it), as it is on a county's CI runner or an officer's machine. For information it
also times ``inspect --at`` a day in the middle of the history (the tree exported aside; its parses reuse the
same cache after the first run).

Run it with the project's virtualenv Python. The exit code is 0 if the target is met, 1 if not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import audit as audit_bench
import run as build_bench

EPOCH = "1795219200"  # 2026-11-21 00:00 UTC, as in the tests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    temp = Path(tempfile.mkdtemp(prefix="zhanqun-inspect-bench-")) if args.workdir is None else None
    base = temp or args.workdir.resolve()
    base.mkdir(parents=True, exist_ok=True)
    repo = base / f"audit-c{args.commits}-s{args.seed}"
    try:
        if not (repo / ".git" / "bench-history.json").is_file():
            print(f"generating {args.commits:,} commits into {repo} …", flush=True)
            audit_bench.generate_repo(repo, args.commits, args.seed)
        return measure(repo, base, args.rounds)
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def measure(repo: Path, base: Path, rounds: int) -> int:
    env = {**audit_bench.audit_env(base), "SOURCE_DATE_EPOCH": EPOCH}
    zhanqun = audit_bench.zhanqun_cli()
    first = int(audit_bench.git(repo, "log", "--reverse", "--format=%ct", "main").split()[0])
    last = int(audit_bench.git(repo, "log", "-1", "--format=%ct", "main").strip())
    middle = dt.datetime.fromtimestamp((first + last) // 2, dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    items = sum(1 for _ in (repo / "content").rglob("*.md"))
    cmds = {"baseline": ["git", "-C", str(repo), "log", "--name-status", "main"],
            "inspect": [zhanqun, "inspect", "--root", str(repo), "--format", "json"],
            "inspect_at": [zhanqun, "inspect", "--root", str(repo), "--format", "json", "--at", middle]}
    for cmd in cmds.values():  # warm-up: page cache, bytecode, parse cache
        audit_bench.timed(cmd, env)
    runs: dict[str, list] = {name: [] for name in cmds}
    for round_ in range(rounds):
        order = list(cmds) if round_ % 2 == 0 else list(cmds)[::-1]
        for name in order:
            runs[name].append(audit_bench.timed(cmds[name], env))
        print(f"round {round_ + 1}/{rounds}: " + "  ".join(f"{n} {runs[n][-1].wall:.2f}s" for n in cmds), flush=True)
    med = {name: statistics.median(r.wall for r in results) for name, results in runs.items()}
    busy = [r.other for results in runs.values() for r in results if r.other is not None]
    info = build_bench.machine()
    print(f"\nMachine: {info.get('cpu', '')}; {items:,} items, {args_commits(repo):,} commits; median of {rounds}")
    for name, label in (("baseline", "git log --name-status main"), ("inspect", "zhanqun inspect --format json"),
                        ("inspect_at", f"zhanqun inspect --format json --at {middle}")):
        print(f"  {label:<60} {med[name]:6.2f} s")
    ratio = med["inspect"] / med["baseline"]
    print(f"inspect / git log --name-status = {ratio:.2f}   target <= 2   {'OK' if ratio <= 2 else 'FAIL'}")
    if busy and max(busy) > 0.10:
        print("WARNING: other processes used more than 10% of the CPUs in some run; the times are not reliable.")
    return 0 if ratio <= 2 else 1


def args_commits(repo: Path) -> int:
    return int(subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "main"], capture_output=True, text=True,
                              check=True).stdout.strip())


if __name__ == "__main__":
    os.environ.setdefault("GIT_PAGER", "cat")
    sys.exit(main())
