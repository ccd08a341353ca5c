"""Benchmark ``zhanqun build`` against plain Pelican on a synthetic cluster.

    python bench/run.py [--units 20] [--items 10000] [--jobs 2] [--repeat 1] [--quick]

Generates a cluster into bench/work/ (see bench/generate.py), then times, each in a fresh subprocess:
plain ``pelican`` on the same Markdown, a cold ``zhanqun build``, a rebuild after editing one item's body,
and a build with nothing changed. Reports wall time and peak memory, and checks the performance targets.
Run it with the project's virtualenv Python so that ``pelican`` and ``zhanqun`` come from the same venv.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402 - the sibling script, importable once its folder is on the path

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work"
GNU_TIME = Path("/usr/bin/time")
MIB = 1024  # kB per MiB

COLD_VS_PLAIN = 1.0  # cold zhanqun build at most as slow as plain Pelican
REBUILD_VS_COLD = 0.15  # rebuild after a one-item edit at most 15 % of a cold build
PEAK_MEMORY_MIB = 1024  # whole process tree, at most 1 GiB
BUSY = 0.10  # warn when other processes used more than this share of the CPUs during a run

# Fallback for machines without GNU time: run the command, then report its CPU time and the largest
# descendant's peak RSS (RUSAGE_CHILDREN covers every waited-for descendant) in GNU time's format.
_RUSAGE_WRAPPER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    out.write(f"User time (seconds): {usage.ru_utime}\\nSystem time (seconds): {usage.ru_stime}\\n"
              f"Maximum resident set size (kbytes): {usage.ru_maxrss}\\n")
sys.exit(code)
"""


@dataclasses.dataclass
class Measurement:
    """One timed run of one command."""

    name: str
    wall: float  # seconds
    max_rss_kb: int  # largest single process of the tree (GNU time / getrusage)
    tree_rss_kb: int  # sampled peak of the summed RSS of the whole process tree
    tree_pss_kb: int | None  # sampled peak of the summed PSS (shared pages split between sharers)
    cpu: float  # user + system seconds of the tree
    other_load: float | None  # CPU used by everything else on the machine, as a fraction of all cores
    returncode: int
    stdout: str
    stderr: str
    rounds: list[float] = dataclasses.field(default_factory=list)  # wall time of each repeat

    @property
    def peak_kb(self) -> int:
        """Peak memory of the tree: sampled PSS where the kernel gives it (forked workers share pages),
        else sampled RSS; never less than the exact peak of its largest single process."""
        tree = self.tree_pss_kb if self.tree_pss_kb is not None else self.tree_rss_kb
        return max(tree, self.max_rss_kb)


class TreeSampler(threading.Thread):
    """Polls /proc for the summed RSS and PSS of a process and all its descendants."""

    def __init__(self, root_pid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.interval = interval
        self.peak_rss_kb = 0
        self.peak_pss_kb: int | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def sample(self) -> None:
        rss = pss = 0
        pss_known = True
        for pid in self._tree():
            fields = _memory_of(pid)
            if fields is None:
                continue
            rss += fields[0]
            if fields[1] is None:
                pss_known = False
            else:
                pss += fields[1]
        self.peak_rss_kb = max(self.peak_rss_kb, rss)
        if pss_known and rss:
            self.peak_pss_kb = max(self.peak_pss_kb or 0, pss)

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
            children.setdefault(ppid, []).append(int(entry))
        tree, todo = [], [self.root_pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += children.get(pid, [])
        return tree


def _memory_of(pid: int) -> tuple[int, int | None] | None:
    """(RSS, PSS) of one process in kB; PSS is None where smaps_rollup is unavailable."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        rss = re.search(r"^Rss:\s+(\d+) kB", text, re.M)
        pss = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
        if rss and pss:
            return int(rss.group(1)), int(pss.group(1))
    except OSError:
        pass
    try:
        resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return resident * os.sysconf("SC_PAGE_SIZE") // 1024, None


def measure(name: str, cmd: Sequence[str], cwd: Path, interval: float) -> Measurement:
    """Run ``cmd`` in a fresh process; time it and record peak memory of its process tree."""
    fd, report = tempfile.mkstemp(prefix="zhanqun-bench-", suffix=".txt")
    os.close(fd)
    if GNU_TIME.is_file():
        wrapped = [str(GNU_TIME), "-v", "-o", report, *cmd]
    else:
        wrapped = [sys.executable, "-c", _RUSAGE_WRAPPER, report, *cmd]
    busy_before, own_before = _machine_busy_seconds(), _own_cpu_seconds()
    start = time.perf_counter()
    proc = subprocess.Popen(wrapped, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid, interval)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    sampler.stop()
    busy_after, own = _machine_busy_seconds(), _own_cpu_seconds() - own_before
    text = Path(report).read_text(errors="replace")
    Path(report).unlink(missing_ok=True)

    def field(label: str) -> float:
        found = re.search(re.escape(label) + r": ([\d.]+)", text)
        return float(found.group(1)) if found else 0.0

    cpu = field("User time (seconds)") + field("System time (seconds)")
    other = None
    if busy_before is not None and busy_after is not None and wall > 0:
        other = max(0.0, (busy_after - busy_before - cpu - own) / (wall * (os.cpu_count() or 1)))
    return Measurement(name, wall, int(field("Maximum resident set size (kbytes)")), sampler.peak_rss_kb,
                       sampler.peak_pss_kb, cpu, other, proc.returncode, stdout, stderr)


def _own_cpu_seconds() -> float:
    """CPU seconds of this benchmark process itself (the memory sampler), not of what it measures."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _machine_busy_seconds() -> float | None:
    """CPU seconds all cores have spent busy since boot (including time stolen by the hypervisor)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _tool(name: str) -> str:
    """The tool from the same virtualenv as this Python, else from PATH."""
    local = Path(sys.executable).parent / name
    if local.is_file():
        return str(local)
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: run this script with the project's virtualenv Python")
    return found


def edit_one_item(repo: Path, counter: int) -> Path:
    """Append a sentence to the body of one department news item (or the portal's, with one unit)."""
    units = sorted(p for p in (repo / "content").iterdir() if p.is_dir() and p.name != generate.PORTAL_ID)
    unit = units[0] if units else repo / "content" / generate.PORTAL_ID
    items = sorted((unit / "gzdt").glob("*.md")) or sorted(unit.rglob("*.md"))
    path = items[0]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n基准测试修改第{counter}次：本段文字用于测量只改动一篇条目正文后的重新构建时间。\n")
    return path


def code_version(project: Path = generate.PROJECT) -> str:
    """Short digest of the code under test (zhanqun's source, theme, plugins, schemas, settings)."""
    digest = hashlib.sha256()
    for folder in ("src", "themes", "plugins", "schemas"):
        for path in sorted((project / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".egg-info"):
                digest.update(path.relative_to(project).as_posix().encode() + b"\0" + path.read_bytes())
    conf = project / "pelicanconf.py"
    if conf.is_file():
        digest.update(conf.read_bytes())
    return digest.hexdigest()[:12]


def count_files(folder: Path, suffix: str = ".html") -> int:
    return sum(1 for _ in folder.rglob(f"*{suffix}")) if folder.is_dir() else 0


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        found = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        if found:
            memory = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    versions = subprocess.run([sys.executable, "-c", "import importlib.metadata as m; "
                               "print(m.version('pelican'), m.version('zhanqun'), m.version('markdown'))"],
                              capture_output=True, text=True).stdout.split()
    return {
        "cpu": cpu, "cores": str(os.cpu_count()), "memory": memory,
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "pelican": versions[0] if versions else "?", "zhanqun": versions[1] if len(versions) > 1 else "?",
        "markdown": versions[2] if len(versions) > 2 else "?",
    }


def _aggregate(runs: list[Measurement]) -> Measurement:
    """Median wall time, worst memory, first failure (if any) over repeats."""
    failed = [r for r in runs if r.returncode != 0]
    base = failed[0] if failed else runs[0]
    pss = [r.tree_pss_kb for r in runs if r.tree_pss_kb is not None]
    other = [r.other_load for r in runs if r.other_load is not None]
    return dataclasses.replace(
        base, wall=statistics.median(r.wall for r in runs), rounds=[r.wall for r in runs],
        cpu=statistics.median(r.cpu for r in runs),
        max_rss_kb=max(r.max_rss_kb for r in runs), tree_rss_kb=max(r.tree_rss_kb for r in runs),
        tree_pss_kb=max(pss) if len(pss) == len(runs) else None, other_load=max(other) if other else None)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _mib(kb: int | None) -> str:
    return "n/a" if kb is None else f"{kb / MIB:,.0f}"


def _log_problems(result: Measurement) -> int:
    """WARNING and ERROR lines in a Pelican log."""
    return sum(1 for line in (result.stdout + result.stderr).splitlines() if re.search(r"\b(WARNING|ERROR)\b", line))


def _built_sites(result: Measurement) -> int:
    """Sites the build reports as rebuilt (zhanqun writes its report to stderr)."""
    return sum(1 for line in (result.stdout + result.stderr).splitlines() if "已构建" in line)


def run_benchmark(args: argparse.Namespace) -> int:
    repo = args.work / f"u{args.units}-i{args.items}-s{args.seed}"
    plain = repo / "plain"
    code_before = code_version()
    start = time.perf_counter()
    counts = generate.generate(repo, args.units, args.items, args.seed)
    generated = time.perf_counter() - start
    print(f"Generated {counts['units']} units, {counts['items']} items "
          f"(mean body {counts['body_chars'] // max(1, counts['items'])} characters) in {repo} in {generated:.1f} s")
    pelican, zhanqun = _tool("pelican"), _tool("zhanqun")
    build = [zhanqun, "build", "--root", str(repo), "--output", str(repo / "output"), "--jobs", str(args.jobs)]
    results: dict[str, list[Measurement]] = {"plain": [], "cold": [], "rebuild": [], "noop": []}

    def step(name: str, cmd: Sequence[str], cwd: Path) -> Measurement:
        print(f"  {name:<8}", end=" ", flush=True)
        result = measure(name, cmd, cwd, args.sample_interval)
        busy = "" if (result.other_load or 0) <= BUSY else f"  (other processes used {result.other_load:.0%} of the CPUs)"
        print(f"{result.wall:8.1f} s  exit {result.returncode}{busy}", flush=True)
        results[name].append(result)
        if result.returncode != 0:
            print(f"\n{name} failed (exit {result.returncode}); last output:\n"
                  + "\n".join((result.stdout + result.stderr).splitlines()[-30:]), file=sys.stderr)
        return result

    edited = None
    for round_ in range(1, args.repeat + 1):
        print(f"Round {round_}/{args.repeat}:")
        shutil.rmtree(plain / "output", ignore_errors=True)
        step("plain", [pelican, "content", "-s", "pelicanconf.py", "-o", "output"], plain)
        shutil.rmtree(repo / "output", ignore_errors=True)
        shutil.rmtree(repo / ".zhanqun-cache", ignore_errors=True)
        if step("cold", build, repo).returncode != 0:
            break
        edited = edit_one_item(repo, round_)
        if step("rebuild", build, repo).returncode != 0:
            break
        if step("noop", build, repo).returncode != 0:
            break
    final = {name: _aggregate(runs) for name, runs in results.items() if runs}
    pages = {"plain": count_files(plain / "output"), "zhanqun": count_files(repo / "output")}
    info = machine()
    info["code"] = code_version()
    if info["code"] != code_before:
        info["code"] = f"{code_before} -> {info['code']} (CHANGED DURING THE RUN: numbers may mix versions)"
    report(final, info, args, counts, pages, edited)
    return _save_and_judge(final, info, args, counts, pages, repo)


def report(final: dict[str, Measurement], info: dict[str, str], args: argparse.Namespace,
           counts: dict[str, int], pages: dict[str, int], edited: Path | None) -> None:
    """Print the machine, the cluster and the measurement table."""
    print()
    print(f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM, {info['os']}")
    print(f"Software: Python {info['python']}, Pelican {info['pelican']}, Markdown {info['markdown']}, "
          f"zhanqun {info['zhanqun']} (code digest {info['code']})")
    print(f"Cluster: {counts['units']} units (portal + {counts['units'] - 1} departments, one site each), "
          f"{counts['items']} items; zhanqun --jobs {args.jobs}; plain Pelican is single-process; "
          f"median of {args.repeat} run(s)")
    print(f"HTML pages written: plain Pelican {pages['plain']:,}, zhanqun {pages['zhanqun']:,}")
    if edited is not None:
        print(f"Rebuild edit: appended one sentence to {edited.relative_to(edited.parents[3])}")
    print()
    header = (f"{'run':<10}{'wall s':>9}{'CPU s':>8}{'largest proc MiB':>18}{'tree RSS MiB':>14}{'tree PSS MiB':>14}"
              f"{'others':>8}  note")
    print(header)
    print("-" * len(header))
    notes = {
        "plain": "pelican, default theme, pagination 20",
        "cold": "no output, no .zhanqun-cache",
        "rebuild": "one item body edited",
        "noop": "nothing changed",
    }
    for name, result in final.items():
        note = notes[name]
        if name == "plain":
            note += f"; log warnings/errors: {_log_problems(result)}"
        elif result.returncode == 0:
            note += f"; sites rebuilt: {_built_sites(result)}"
        if result.returncode != 0:
            note += f"; FAILED (exit {result.returncode})"
        print(f"{name:<10}{result.wall:>9.1f}{result.cpu:>8.1f}{_mib(result.max_rss_kb):>18}{_mib(result.tree_rss_kb):>14}"
              f"{_mib(result.tree_pss_kb):>14}{_percent(result.other_load):>8}  {note}")
    print("(CPU s: user + system time of the whole tree; others: CPU share used by other processes during the run)")
    if args.repeat > 1:
        print("Wall time per round: " + "; ".join(
            f"{name} " + " / ".join(f"{w:.1f}" for w in result.rounds) for name, result in final.items()))
    if any((r.other_load or 0) > BUSY for r in final.values()):
        print(f"WARNING: other processes used more than {BUSY:.0%} of the CPUs during a run; the times are not reliable.")
    print()
    print("Hugo: not installed on this machine (no `hugo` on PATH), so there is no Hugo baseline."
          if shutil.which("hugo") is None else "Hugo: installed, but this benchmark has no Hugo baseline.")


def _save_and_judge(final: dict[str, Measurement], info: dict[str, str], args: argparse.Namespace,
                    counts: dict[str, int], pages: dict[str, int], repo: Path) -> int:
    """Print PASS/FAIL per target, save results.json next to the repository; return the exit code."""
    ok = {name: r.returncode == 0 for name, r in final.items()}
    verdicts: list[tuple[str, float | None, str, bool]] = []
    if ok.get("plain") and ok.get("cold"):
        ratio = final["cold"].wall / final["plain"].wall
        verdicts.append(("cold / plain Pelican", ratio, f"<= {COLD_VS_PLAIN:.2f}", ratio <= COLD_VS_PLAIN))
    else:
        verdicts.append(("cold / plain Pelican", None, f"<= {COLD_VS_PLAIN:.2f}", False))
    if ok.get("cold") and ok.get("rebuild"):
        ratio = final["rebuild"].wall / final["cold"].wall
        verdicts.append(("rebuild / cold", ratio, f"<= {REBUILD_VS_COLD:.2f}", ratio <= REBUILD_VS_COLD))
    else:
        verdicts.append(("rebuild / cold", None, f"<= {REBUILD_VS_COLD:.2f}", False))
    zhanqun_runs = [r for name, r in final.items() if name != "plain"]
    peak = max((r.peak_kb for r in zhanqun_runs), default=0) / MIB
    verdicts.append(("peak memory MiB (zhanqun tree)", peak, f"<= {PEAK_MEMORY_MIB}",
                     bool(zhanqun_runs) and all(ok.values()) and peak <= PEAK_MEMORY_MIB))
    print()
    for label, value, target, passed in verdicts:
        shown = "n/a" if value is None else (f"{value:,.0f}" if "MiB" in label else f"{value:.3f}")
        print(f"{label:<32}{shown:>10}   target {target:<8} {'PASS' if passed else 'FAIL'}")
    if "noop" in final and ok.get("noop") and ok.get("cold"):
        print(f"{'no-change build / cold':<32}{final['noop'].wall / final['cold'].wall:>10.3f}   (no target)")
    memory_basis = "PSS" if all(r.tree_pss_kb is not None for r in zhanqun_runs) else "RSS"
    print(f"(peak memory = sampled sum of {memory_basis} over the process tree, every {args.sample_interval} s, "
          "or the largest single process if higher)")
    saved = {
        "machine": info, "units": counts["units"], "items": counts["items"], "jobs": args.jobs, "repeat": args.repeat,
        "pages": pages,
        "runs": {name: {k: v for k, v in dataclasses.asdict(r).items() if k not in ("stdout", "stderr")}
                 for name, r in final.items()},
        "targets": [{"name": n, "value": v, "target": t, "pass": p} for n, v, t, p in verdicts],
    }
    out = repo.parent / f"results-u{args.units}-i{args.items}.json"
    out.write_text(json.dumps(saved, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"Results saved to {out}")
    if not all(ok.values()):
        return 2
    return 0 if all(v[3] for v in verdicts) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=20, help="units including the portal (default 20)")
    parser.add_argument("--items", type=int, default=10_000, help="items in total (default 10000)")
    parser.add_argument("--jobs", type=int, default=2, help="zhanqun build --jobs (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; wall time is the median (default 1)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 2 units, 200 items")
    parser.add_argument("--work", type=Path, default=WORK, help="work directory (default bench/work)")
    parser.add_argument("--sample-interval", type=float, default=0.1, help="memory sampling period in seconds")
    args = parser.parse_args(argv)
    if args.quick:
        args.units, args.items = 2, 200
    if args.repeat < 1 or args.jobs < 1:
        parser.error("--repeat and --jobs must be at least 1")
    return run_benchmark(args)


if __name__ == "__main__":
    sys.exit(main())
