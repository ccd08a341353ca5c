"""Benchmark ``zhanqun build`` beside Hugo and plain Pelican on the same synthetic content (issue 16).

    python bench/run.py [--units 20] [--items 10000] [--jobs 2] [--repeat 3] [--quick]
    python bench/run.py --growth [--growth-items 1000,10000,40000]

Generates a cluster into bench/work/ (bench/generate.py: the zhanqun repository, a git repository, with the same
bodies for plain Pelican in plain/ and for Hugo in hugo/), installs Hugo from Debian when it is missing, then
runs interleaved rounds. Round r: every tool's cold build, one after another (zhanqun --jobs N, plain Pelican,
Hugo one site, Hugo one site per unit in a loop); then zhanqun's one-item edit rows, each a rebuild after
committing one edit (body, title, date, homepage flag, push to the portal, tags, withdrawal) or after the clock
passes an embargo; a build with nothing changed; ``zhanqun check`` on 10 uncached files as pre-commit runs it,
``python -c pass`` beside it, and a cold ``zhanqun check`` of the whole cluster. Every measured command is a
fresh subprocess. Reports medians and ranges of wall and CPU time, peak memory (PSS over the process tree),
ratios against Hugo's cold build of the same round, PASS/FAIL per target, a Markdown table for
docs/performance.md and a results JSON. ``--growth`` times cold builds and a one-item body edit of zhanqun
and Hugo at several sizes instead. Run it with the project's virtualenv Python.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # the sibling script, importable once its folder is on the path

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work"
GNU_TIME = Path("/usr/bin/time")
MIB = 1024  # kB per MiB

# Targets (issue 16): ratios against Hugo's cold build of the same content in the same round.
COLD_VS_HUGO = 1.0  # cold zhanqun build at most Hugo's (one site, and one site per unit)
MEMORY_VS_HUGO = 0.5  # peak memory of the cold build at most half Hugo's
EDIT_VS_HUGO = 0.1  # any one-item edit
NOOP_VS_HUGO = 0.03  # a build with nothing changed
CHECK_FILES_S = 0.3  # zhanqun check on the 10 files of a pre-commit run, seconds
CHECK_COLD_S = 5.0  # cold zhanqun check of the whole cluster, seconds
COLD_VS_PLAIN = 1.0  # kept from before: at most plain Pelican's cold build
PEAK_MEMORY_MIB = 1024  # kept from before: whole zhanqun process tree at most 1 GiB
GROWTH_LINEAR = 1.0  # largest size's time per item at most the smallest size's
BUSY = 0.10  # warn when other processes used more than this share of the CPUs during a run
CHECK_FILES = 10  # files of the pre-commit row

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


def measure(name: str, cmd: Sequence[str], cwd: Path, interval: float,
            env: dict[str, str] | None = None) -> Measurement:
    """Run ``cmd`` in a fresh process; time it and record peak memory of its process tree."""
    fd, report = tempfile.mkstemp(prefix="zhanqun-bench-", suffix=".txt")
    os.close(fd)
    if GNU_TIME.is_file():
        wrapped = [str(GNU_TIME), "-v", "-o", report, *cmd]
    else:
        wrapped = [sys.executable, "-c", _RUSAGE_WRAPPER, report, *cmd]
    busy_before, own_before = _machine_busy_seconds(), _own_cpu_seconds()
    start = time.perf_counter()
    proc = subprocess.Popen(wrapped, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
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


def _tool(name: str) -> str:
    """The tool from the same virtualenv as this Python, else from PATH."""
    local = Path(sys.executable).parent / name
    if local.is_file():
        return str(local)
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: run this script with the project's virtualenv Python")
    return found


def ensure_hugo(install: bool = True) -> str:
    """Hugo on PATH, installed from Debian (apt-get install -y hugo) when missing and we are root."""
    found = shutil.which("hugo")
    if found:
        return found
    if not install:
        sys.exit("hugo not found on PATH (and --no-install-hugo given)")
    if os.geteuid() != 0:
        sys.exit("hugo not found on PATH. Install it from Debian as root, then run the bench again:\n"
                 "    sudo apt-get update && sudo apt-get install -y hugo")
    print("Installing Hugo from Debian (apt-get install -y hugo) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], env=env, check=True, capture_output=True)
    found = shutil.which("hugo")
    if not found:
        sys.exit("apt-get installed hugo, but it is not on PATH")
    return found


# --- one-item edits ---------------------------------------------------------------------------------------

GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
WITHDRAWN_REASON = "基准测试：撤稿"


def _split(text: str) -> tuple[list[str], str]:
    """Front matter lines and the rest (from the closing ``---`` on) of a generated item."""
    head, sep, rest = text[4:].partition("\n---\n")
    return head.split("\n"), sep + rest


def front_matter(path: Path) -> dict[str, str]:
    """The generated item's top-level front matter, as raw strings."""
    lines, _ = _split(path.read_text(encoding="utf-8"))
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines) if k and not k.startswith(" ")}


def set_field(path: Path, key: str, value: str) -> None:
    """Set ``key: value`` in a generated item's front matter (replace the line, or append it)."""
    lines, rest = _split(path.read_text(encoding="utf-8"))
    new = f"{key}: {value}"
    for index, line in enumerate(lines):
        if line.startswith(f"{key}:"):
            lines[index] = new
            break
    else:
        lines.append(new)
    path.write_text("---\n" + "\n".join(lines) + rest, encoding="utf-8")


def git_commit(repo: Path, message: str) -> None:
    """Commit the working tree's changes (git commit -a), as a merge brings them."""
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "commit", "-q", "-a", "-m", message], cwd=repo, env=env, check=True, capture_output=True)


@dataclasses.dataclass
class Edit:
    """What one edit row changed, and how to see it in the output."""

    kind: str
    path: Path | None  # the item's file (None: no file changed)
    expect: str  # text that the output must show after the rebuild
    where: str  # "page": the item's own page; "portal": any HTML page of the portal


class Editor:
    """Makes each kind of one-item edit in the bench repository, on a fresh item each time."""

    KINDS = ("body", "title", "date", "homepage", "push", "tags", "withdrawn", "embargo")
    LABELS: ClassVar[dict[str, str]] = {
        "body": "edit one item's body", "title": "edit one item's title", "date": "change one item's date",
        "homepage": "set one portal item's homepage flag", "push": "push one item to the portal",
        "tags": "tag one item (a topic)", "withdrawn": "withdraw one item", "embargo": "an embargo passes",
    }

    def __init__(self, repo: Path, epoch: int) -> None:
        self.repo = repo
        self.epoch = epoch  # SOURCE_DATE_EPOCH of the zhanqun runs
        self.clock_steps = 0
        content = repo / "content"
        units = sorted(p.name for p in content.iterdir() if p.is_dir())
        departments = [u for u in units if u != generate.PORTAL_ID] or units
        self.department_news = [p for u in departments for p in sorted((content / u / "gzdt").glob("*.md"))]
        self.portal_news = sorted((content / generate.PORTAL_ID / "gzdt").glob("*.md"))
        self.used: set[Path] = set()
        self.counter = 0

    def env(self) -> dict[str, str]:
        return {**os.environ, "SOURCE_DATE_EPOCH": str(self.epoch)}

    def _pick(self, pool: list[Path], *absent: str) -> Path:
        """The first unused item of ``pool`` whose front matter has none of ``absent`` (nor an embargo)."""
        for path in pool:
            if path in self.used:
                continue
            meta = front_matter(path)
            if any(key in meta for key in (*absent, "publish_at", "withdrawn", "push_to_portal", "tags", "homepage")):
                continue
            self.used.add(path)
            return path
        raise RuntimeError("the bench cluster has no item left for this edit: generate more items")

    def make(self, kind: str) -> Edit:
        """Make one edit of ``kind`` and commit it (the embargo row moves the clock instead)."""
        self.counter += 1
        n = self.counter
        if kind == "embargo":
            due = generate.embargo_due(self.clock_steps)
            self.clock_steps += 1
            self.epoch = generate.epoch_of(generate.EMBARGO_BASE + self.clock_steps * generate.EMBARGO_STEP)
            stem = f"{due.date().isoformat()}-e{self.clock_steps:04d}"
            found = sorted((self.repo / "content").glob(f"*/gzdt/{stem}.md"))
            if not found:
                raise RuntimeError("no embargoed item left: generate with more --embargoes")
            return Edit(kind, found[0], front_matter(found[0])["title"], "page")
        # the homepage flag on the newest portal news: the portal's headlines are its five newest homepage items, so
        # on an old item the flag changes no page (rightly) and the row would prove nothing
        path = self._pick(self.portal_news[::-1] if kind == "homepage" else self.department_news)
        text = path.read_text(encoding="utf-8")
        if kind == "body":
            sentence = f"基准测试修改第{n}次：本段文字用于测量只改动一篇条目正文后的重新构建时间。"
            path.write_text(text + f"\n{sentence}\n", encoding="utf-8")
            expect, where = sentence, "page"
        elif kind == "title":
            expect, where = f"{front_matter(path)['title']}（第{n}次修改）", "page"
            set_field(path, "title", expect)
        elif kind == "date":
            old = front_matter(path)["date"]
            day = dt.date.fromisoformat(old[:10]) - dt.timedelta(days=1)
            set_field(path, "date", day.isoformat() + old[10:])
            expect, where = f'datetime="{day.isoformat()}', "page"
        elif kind == "homepage":
            set_field(path, "homepage", "true")
            expect, where = f"/{path.parent.name}/{path.stem}.html", "portal-home"
        elif kind == "push":
            set_field(path, "push_to_portal", f"[{generate.PORTAL_PUSH_COLUMN[0]}]")
            expect, where = f"{path.stem}", "portal"
        elif kind == "tags":
            set_field(path, "tags", f"[{generate.TOPICS[0][1]}]")
            expect, where = f"{path.stem}", "portal"
        elif kind == "withdrawn":
            set_field(path, "withdrawn", f"{{date: {generate.EMBARGO_BASE.date().isoformat()}, reason: {WITHDRAWN_REASON}}}")
            expect, where = WITHDRAWN_REASON, "page"
        else:
            raise ValueError(kind)
        git_commit(self.repo, f"基准测试：{self.LABELS[kind]}（{n}）")
        return Edit(kind, path, expect, where)


def host_of(repo: Path, unit: str) -> str:
    """The output folder (host name) of a unit's site."""
    label = re.search(r"^label:\s*(\S+)", (repo / "content" / unit / "unit.yaml").read_text(encoding="utf-8"), re.M)
    return f"{label.group(1) if label else unit}.{generate.DOMAIN}"


def shows(repo: Path, output: Path, edit: Edit) -> bool:
    """Whether the built output shows the edit (a stale site would not)."""
    if edit.path is None:
        return True
    unit, column = edit.path.parent.parent.name, edit.path.parent.name
    if edit.where == "page":
        page = output / host_of(repo, unit) / column / f"{edit.path.stem}.html"
        return page.is_file() and edit.expect in page.read_text(encoding="utf-8", errors="replace")
    portal = output / host_of(repo, generate.PORTAL_ID)
    if edit.where == "portal-home":  # among the home page's headlines (头条), not merely in its news list
        home = (portal / "index.html").read_text(encoding="utf-8", errors="replace")
        start = home.find('<section class="headlines"')
        return start >= 0 and edit.expect in home[start: home.find("</section>", start)]
    for page in portal.rglob("*.html"):
        if edit.expect in page.read_text(encoding="utf-8", errors="replace") and page.parent.name != column:
            return True
    return False


def pre_commit_files(repo: Path, count: int = CHECK_FILES) -> list[Path]:
    """``count`` item files spread over the units and columns (what one pre-commit run is given)."""
    files = sorted((repo / "content").glob("*/*/*.md"))
    step = max(1, len(files) // count)
    return files[::step][:count]


def touch_for_check(repo: Path, files: Sequence[Path], round_: int) -> None:
    """Make the files new to the parse cache (one sentence appended) and stage them, as before a commit."""
    for path in files:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\n基准测试预提交检查第{round_}轮：这一句使文件对解析缓存是新的。\n")
    subprocess.run(["git", "add", "--", *map(str, files)], cwd=repo, check=True, capture_output=True)


def restore(repo: Path, files: Sequence[Path]) -> None:
    subprocess.run(["git", "checkout", "HEAD", "--", *map(str, files)], cwd=repo, check=True, capture_output=True)


def hugo_body_edit(repo: Path, counter: int) -> Path:
    """Append a sentence to one Hugo item's body (the growth row's Hugo side)."""
    units = sorted(p for p in (repo / "hugo" / "content").iterdir() if p.is_dir() and p.name != generate.PORTAL_ID)
    path = sorted((units[0] if units else repo / "hugo" / "content" / generate.PORTAL_ID).glob("gzdt/*.md"))[0]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n基准测试修改第{counter}次：本段文字用于测量只改动一篇条目正文后的重新构建时间。\n")
    return path


# --- results ----------------------------------------------------------------------------------------------

def _log_problems(result: Measurement) -> int:
    """WARNING and ERROR lines in a Pelican or Hugo log."""
    return sum(1 for line in (result.stdout + result.stderr).splitlines()
               if re.search(r"\b(WARNING|WARN|ERROR)\b", line))


def built_sites(result: Measurement) -> tuple[int, int]:
    """(sites rebuilt, files changed) as the build reports them (zhanqun writes its report to stderr)."""
    text = result.stdout + result.stderr
    sites = sum(1 for line in text.splitlines() if "已构建" in line)
    files = sum(int(n) for n in re.findall(r"已构建，(\d+) 个文件有变化", text))
    return sites, files


@dataclasses.dataclass
class Row:
    """One row of the report: the same command measured once a round."""

    key: str
    label: str
    runs: list[Measurement] = dataclasses.field(default_factory=list)
    rounds: list[int] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)  # per run (sites rebuilt, STALE ...)
    stale: int = 0  # runs whose output did not show the edit

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.returncode == 0 for r in self.runs) and not self.stale

    @property
    def walls(self) -> list[float]:
        return [r.wall for r in self.runs]

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def peak_kb(self) -> int:
        return max(r.peak_kb for r in self.runs)

    def range_text(self) -> str:
        if len(self.runs) == 1:
            return f"{self.wall:.2f}" if self.wall < 10 else f"{self.wall:.1f}"
        fmt = "{:.2f}" if self.wall < 10 else "{:.1f}"
        return f"{fmt.format(self.wall)} ({fmt.format(min(self.walls))}–{fmt.format(max(self.walls))})"

    def sites_text(self) -> str:
        values = sorted({n for n in self.notes if n})
        return " / ".join(values) if values else ""

    def ratio(self, base: Row) -> tuple[float, float, float] | None:
        """Median ratio to ``base`` (median over median) and the range of the per-round ratios."""
        if not (self.ok and base.ok):
            return None
        theirs = dict(zip(base.rounds, base.walls))
        per_round = [w / theirs[r] for r, w in zip(self.rounds, self.walls) if r in theirs and theirs[r] > 0]
        if not per_round:
            return None
        return self.wall / base.wall, min(per_round), max(per_round)


class Bench:
    """Runs and records the rows of one benchmark."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rows: dict[str, Row] = {}

    def row(self, key: str, label: str) -> Row:
        return self.rows.setdefault(key, Row(key, label))

    def step(self, key: str, label: str, round_: int, cmd: Sequence[str], cwd: Path,
             env: dict[str, str] | None = None, after: Callable[[Measurement], str] | None = None) -> Measurement:
        """Measure ``cmd`` once (a fresh subprocess) as row ``key`` of round ``round_``."""
        print(f"  {label:<44}", end=" ", flush=True)
        result = measure(key, cmd, cwd, self.args.sample_interval, env)
        row = self.row(key, label)
        note = after(result) if after and result.returncode == 0 else ""
        row.runs.append(result)
        row.rounds.append(round_)
        row.notes.append(note)
        if note.startswith("STALE"):
            row.stale += 1
        busy = "" if (result.other_load or 0) <= BUSY else f"  (other processes used {result.other_load:.0%} of the CPUs)"
        print(f"{result.wall:8.2f} s  {result.cpu:7.2f} CPU-s  exit {result.returncode}  {note}{busy}", flush=True)
        if result.returncode != 0:
            print(f"\n{label} failed (exit {result.returncode}); last output:\n"
                  + "\n".join((result.stdout + result.stderr).splitlines()[-30:]), file=sys.stderr)
        return result


def _percent(value: float | None) -> str:
    """A share as a percentage (bench/audit.py, inspection.py and stats.py print their "others" column with it)."""
    return "n/a" if value is None else f"{value:.0%}"


def _mib(kb: float | None) -> str:
    return "n/a" if kb is None else f"{kb / MIB:,.0f}"


def _ratio_text(ratio: tuple[float, float, float] | None) -> str:
    if ratio is None:
        return "n/a"
    median, low, high = ratio
    return f"{median:.3f}" if low == high else f"{median:.3f} ({low:.3f}–{high:.3f})"


# --- the main benchmark -----------------------------------------------------------------------------------

def prepare(args: argparse.Namespace, items: int) -> tuple[Path, dict[str, int]]:
    repo = args.work / f"u{args.units}-i{items}-s{args.seed}"
    start = time.perf_counter()
    counts = generate.generate(repo, args.units, items, args.seed, embargoes=args.repeat, git=True)
    print(f"Generated {counts['units']} units, {counts['items']} items ({counts['embargoes']} embargoed; "
          f"mean body {counts['body_chars'] // max(1, counts['items'])} characters) in {repo} "
          f"in {time.perf_counter() - start:.1f} s", flush=True)
    return repo, counts


def hugo_commands(hugo: str, repo: Path, pagefind: str | None = None) -> tuple[list[str], list[str]]:
    """Hugo building the whole tree as one site, and one site per unit in a loop (a shell loop: one process
    per site, as zhanqun builds N sites). Not --quiet: its warnings are counted in the report. With ``pagefind``
    (its binary), each site is followed by the search index zhanqun writes for every site (the same Pagefind,
    options and language; bench/hugo's item layout marks the article ``data-pagefind-body`` as zhanqun's
    does), into ``public-pf/`` and ``sites-pf/``: the baseline that does what zhanqun does."""
    tree = repo / "hugo"
    public, sites = ("public-pf", "sites-pf") if pagefind else ("public", "sites")

    def one_site(destination: Path, content: str = "") -> list[str]:
        return [hugo, "--source", str(tree), *(["--contentDir", content] if content else []),
                "--destination", str(destination)]

    def shell(destination: Path, content: str = "") -> str:
        line = shlex.join(one_site(destination, content))
        if pagefind:
            line += " && " + shlex.join([pagefind, "--site", str(destination), "--output-subdir", "pagefind",
                                         "--force-language", "zh-cn", "--silent"])
        return line

    units = sorted(p.name for p in (tree / "content").iterdir() if p.is_dir())
    loop = " && ".join(shell(tree / sites / u, f"content/{u}") for u in units)
    one = ["sh", "-c", shell(tree / public)] if pagefind else one_site(tree / public)
    return one, ["sh", "-c", loop]


def pagefind_binary() -> str:
    """The Pagefind zhanqun runs (pagefind[extended], a dependency of zhanqun)."""
    from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]  # no type information

    return str(get_executable())


def run_benchmark(args: argparse.Namespace) -> int:
    hugo = ensure_hugo(not args.no_install_hugo)
    repo, counts = prepare(args, args.items)
    code_before = code_version()
    pelican, zhanqun = _tool("pelican"), _tool("zhanqun")
    output = repo / "output"
    build = [zhanqun, "build", "--root", str(repo), "--output", str(output), "--jobs", str(args.jobs)]
    hugo_one, hugo_loop = hugo_commands(hugo, repo)
    hugo_one_pf, hugo_loop_pf = hugo_commands(hugo, repo, pagefind_binary())
    plain = repo / "plain"
    editor = Editor(repo, generate.epoch_of(generate.EMBARGO_BASE))
    bench = Bench(args)
    check_files = pre_commit_files(repo)
    check_rel = [str(p.relative_to(repo)) for p in check_files]

    def sites(result: Measurement) -> str:
        built, files = built_sites(result)
        return f"{built} site(s), {files} files"

    def clean_log(result: Measurement) -> str:
        problems = _log_problems(result)
        return f"{problems} log warnings/errors" if problems else ""

    def cold_zhanqun(r: int) -> None:
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(repo / ".zhanqun-cache", ignore_errors=True)
        bench.step("zq-cold", f"zhanqun cold build (--jobs {args.jobs})", r, build, repo, editor.env(), sites)

    def cold_pelican(r: int) -> None:
        shutil.rmtree(plain / "output", ignore_errors=True)
        bench.step("pelican-cold", "plain Pelican cold build", r,
                   [pelican, "content", "-s", "pelicanconf.py", "-o", "output"], plain, None, clean_log)

    def cold_hugo_one(r: int) -> None:
        shutil.rmtree(repo / "hugo" / "public", ignore_errors=True)
        bench.step("hugo-one", "Hugo cold build, one site", r, hugo_one, repo / "hugo", None, clean_log)

    def cold_hugo_loop(r: int) -> None:
        shutil.rmtree(repo / "hugo" / "sites", ignore_errors=True)
        bench.step("hugo-sites", f"Hugo cold build, {counts['units']} sites in a loop", r, hugo_loop,
                   repo / "hugo", None, clean_log)

    def cold_hugo_one_pf(r: int) -> None:
        shutil.rmtree(repo / "hugo" / "public-pf", ignore_errors=True)
        bench.step("hugo-one-pf", "Hugo + Pagefind cold build, one site", r, hugo_one_pf, repo / "hugo", None,
                   clean_log)

    def cold_hugo_loop_pf(r: int) -> None:
        shutil.rmtree(repo / "hugo" / "sites-pf", ignore_errors=True)
        bench.step("hugo-sites-pf", f"Hugo + Pagefind cold build, {counts['units']} sites in a loop", r,
                   hugo_loop_pf, repo / "hugo", None, clean_log)

    colds = [cold_zhanqun, cold_pelican, cold_hugo_one, cold_hugo_loop, cold_hugo_one_pf, cold_hugo_loop_pf]
    for round_ in range(1, args.repeat + 1):
        print(f"Round {round_}/{args.repeat}:", flush=True)
        shift = (round_ - 1) % len(colds)  # rotate the order of the cold builds, round by round
        for cold in colds[shift:] + colds[:shift]:
            cold(round_)
        if not bench.rows["zq-cold"].runs[-1].returncode == 0:
            break
        for kind in Editor.KINDS:
            edit = editor.make(kind)

            def verified(result: Measurement, edit: Edit = edit) -> str:
                return sites(result) + ("" if shows(repo, output, edit) else "; STALE: the output does not show the edit")

            bench.step(f"edit-{kind}", Editor.LABELS[kind], round_, build, repo, editor.env(), verified)
        bench.step("noop", "build with nothing changed", round_, build, repo, editor.env(), sites)
        touch_for_check(repo, check_files, round_)
        bench.step("check-files", f"zhanqun check, {len(check_files)} uncached files (pre-commit)", round_,
                   [zhanqun, "check", *check_rel], repo, editor.env())
        restore(repo, check_files)
        bench.step("python", "python -c pass", round_, [sys.executable, "-c", "pass"], repo)
        aside = repo / ".zhanqun-cache.bench-aside"
        shutil.rmtree(aside, ignore_errors=True)
        if (repo / ".zhanqun-cache").exists():
            (repo / ".zhanqun-cache").rename(aside)
        try:
            bench.step("check-cold", "zhanqun check, whole cluster, cold", round_, [zhanqun, "check"], repo,
                       editor.env())
        finally:
            shutil.rmtree(repo / ".zhanqun-cache", ignore_errors=True)
            if aside.exists():
                aside.rename(repo / ".zhanqun-cache")
    info = machine()
    info["hugo"] = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
    info["code"] = code_version()
    if info["code"] != code_before:
        info["code"] = f"{code_before} -> {info['code']} (CHANGED DURING THE RUN: numbers may mix versions)"
    pages = {"plain": count_files(plain / "output"), "zhanqun": count_files(output),
             "hugo": count_files(repo / "hugo" / "public"), "hugo-sites": count_files(repo / "hugo" / "sites"),
             "hugo-pagefind": count_files(repo / "hugo" / "public-pf" / "pagefind", ".pf_fragment"),
             "zhanqun-pagefind": count_files(output, ".pf_fragment")}
    return report(bench, info, args, counts, pages, repo, check_rel)


def judge(rows: dict[str, Row]) -> list[tuple[str, str, str, bool, str]]:
    """(row key, measured, target, pass, label) per target."""
    out: list[tuple[str, str, str, bool, str]] = []
    hugo = rows.get("hugo-one")

    def vs(key: str, base: Row | None, limit: float, label: str) -> None:
        row = rows.get(key)
        ratio = row.ratio(base) if row and base else None
        out.append((key, _ratio_text(ratio), f"≤ {limit}", ratio is not None and ratio[0] <= limit, label))

    vs("zq-cold", hugo, COLD_VS_HUGO, "cold build / Hugo one site")
    vs("zq-cold", rows.get("hugo-sites"), COLD_VS_HUGO, "cold build / Hugo one site per unit")
    vs("zq-cold", rows.get("pelican-cold"), COLD_VS_PLAIN, "cold build / plain Pelican")
    cold = rows.get("zq-cold")
    if cold and hugo and cold.ok and hugo.ok:
        memory = cold.peak_kb / hugo.peak_kb
        out.append(("zq-cold", f"{memory:.2f} ({_mib(cold.peak_kb)} / {_mib(hugo.peak_kb)} MiB)",
                    f"≤ {MEMORY_VS_HUGO}", memory <= MEMORY_VS_HUGO, "peak memory, cold build / Hugo one site"))
    else:
        out.append(("zq-cold", "n/a", f"≤ {MEMORY_VS_HUGO}", False, "peak memory, cold build / Hugo one site"))
    zq = [r for k, r in rows.items() if k.startswith(("zq-", "edit-", "noop"))]
    peak = max((r.peak_kb for r in zq), default=0)
    out.append(("zq-cold", f"{_mib(peak)}", f"≤ {PEAK_MEMORY_MIB}", bool(zq) and all(r.ok for r in zq)
                and peak / MIB <= PEAK_MEMORY_MIB, "peak memory MiB, any zhanqun build"))
    for kind in Editor.KINDS:
        vs(f"edit-{kind}", hugo, EDIT_VS_HUGO, f"{Editor.LABELS[kind]} / Hugo cold")
    vs("noop", hugo, NOOP_VS_HUGO, "nothing changed / Hugo cold")
    for key, limit, label in (("check-files", CHECK_FILES_S, "check of 10 files, s"),
                              ("check-cold", CHECK_COLD_S, "cold check of the cluster, s")):
        row = rows.get(key)
        out.append((key, row.range_text() if row else "n/a", f"≤ {limit} s", bool(row and row.ok and row.wall <= limit),
                    label))
    return out


def with_search(rows: dict[str, Row]) -> list[tuple[str, str]]:
    """(label, ratio) against the baselines that also write the search index zhanqun writes for every site
    (Hugo + Pagefind): not the issue's targets, which compare with Hugo alone, but what the same work costs."""
    out: list[tuple[str, str]] = []
    cold = rows.get("zq-cold")
    for key, label in (("hugo-one-pf", "one site"), ("hugo-sites-pf", "one site per unit")):
        base = rows.get(key)
        out.append((f"cold build / Hugo + Pagefind, {label}", _ratio_text(cold.ratio(base)) if cold and base else "n/a"))
    base = rows.get("hugo-one-pf")
    if cold and base and cold.ok and base.ok:
        out.append(("peak memory, cold build / Hugo + Pagefind one site",
                    f"{cold.peak_kb / base.peak_kb:.2f} ({_mib(cold.peak_kb)} / {_mib(base.peak_kb)} MiB)"))
    edits = [(row.ratio(base), row.label) for k, row in rows.items() if k.startswith("edit-") and base]
    worst = max(((r, label) for r, label in edits if r), default=None, key=lambda pair: pair[0][0])
    if worst:
        out.append((f"slowest one-item edit / Hugo + Pagefind ({worst[1]})", _ratio_text(worst[0])))
    return out


def markdown_table(rows: dict[str, Row]) -> list[str]:
    """The results as a Markdown table for docs/performance.md."""
    hugo = rows.get("hugo-one")
    targets = {"zq-cold": f"≤ {COLD_VS_HUGO}", "noop": f"≤ {NOOP_VS_HUGO}",
               **{f"edit-{k}": f"≤ {EDIT_VS_HUGO}" for k in Editor.KINDS},
               "check-files": f"≤ {CHECK_FILES_S} s", "check-cold": f"≤ {CHECK_COLD_S} s"}
    searched = rows.get("hugo-one-pf")
    lines = ["| Run | Wall s, median (range) | CPU s | Peak MiB (PSS) | Sites rebuilt | / Hugo cold | Target "
             "| / Hugo + Pagefind |", "|---|---:|---:|---:|---|---:|---|---:|"]
    for key, row in rows.items():
        ratio = _ratio_text(row.ratio(hugo)) if hugo and key not in ("hugo-one", "python") else ""
        fair = _ratio_text(row.ratio(searched)) if searched and key.startswith(("zq-", "edit-", "noop")) else ""
        if key.startswith("check") or key == "python":
            ratio = ""
        state = "" if row.ok else " **FAILED**" if any(r.returncode for r in row.runs) else " **STALE**"
        sites = row.sites_text() if key.startswith(("zq-", "edit-", "noop")) else ""
        lines.append(f"| {row.label}{state} | {row.range_text()} | {row.cpu:.2f} | {_mib(row.peak_kb)} | {sites} | "
                     f"{ratio} | {targets.get(key, '')} | {fair} |")
    return lines


def report(bench: Bench, info: dict[str, str], args: argparse.Namespace, counts: dict[str, int],
           pages: dict[str, int], repo: Path, check_rel: list[str]) -> int:
    """Print the machine, the rows, the verdicts and the Markdown table; save the results JSON."""
    rows = bench.rows
    print()
    print(f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM, {info['os']}")
    print(f"Software: Python {info['python']}, Pelican {info['pelican']}, Markdown {info['markdown']}, "
          f"zhanqun {info['zhanqun']} (code digest {info['code']}), {info['hugo']}")
    print(f"Cluster: {counts['units']} units (portal + {counts['units'] - 1} departments, one site each), "
          f"{counts['items']} items; zhanqun --jobs {args.jobs}; {args.repeat} interleaved round(s); "
          "medians, (ranges); ratios against Hugo's one-site cold build of the same round")
    print(f"HTML pages written: zhanqun {pages['zhanqun']:,}, plain Pelican {pages['plain']:,}, "
          f"Hugo {pages['hugo']:,} (one site), {pages['hugo-sites']:,} (site per unit)")
    print(f"Pages in the search index: zhanqun {pages['zhanqun-pagefind']:,} (every site), "
          f"Hugo + Pagefind {pages['hugo-pagefind']:,} (one site)")
    print(f"Pre-commit files: {' '.join(check_rel)}")
    print()
    lines = markdown_table(rows)
    print("\n".join(lines))
    print("(CPU s: user + system time of the whole process tree, median; peak: sampled PSS summed over the tree, "
          "or the largest process if higher, worst round)")
    if any((r.other_load or 0) > BUSY for row in rows.values() for r in row.runs):
        print(f"WARNING: other processes used more than {BUSY:.0%} of the CPUs during some runs; "
              "the times are not reliable.")
    check, python = rows.get("check-files"), rows.get("python")
    if check and python and check.ok and python.ok:
        print(f"zhanqun check of {len(check_rel)} files / python -c pass: {check.wall / python.wall:.1f}×")
    verdicts = judge(rows)
    print()
    for _key, value, target, passed, label in verdicts:
        print(f"{label:<48}{value:>26}   target {target:<8} {'PASS' if passed else 'FAIL'}")
    compared = with_search(rows)
    print("\nAgainst a baseline that writes the same search index (not a target):")
    for label, value in compared:
        print(f"{label:<60}{value:>26}")
    saved = {
        "machine": info, "units": counts["units"], "items": counts["items"], "jobs": args.jobs,
        "repeat": args.repeat, "pages": pages, "pre_commit_files": check_rel,
        "rows": {key: {"label": row.label, "rounds": row.rounds, "notes": row.notes, "ok": row.ok,
                       "wall_median": row.wall, "cpu_median": row.cpu, "peak_kb": row.peak_kb,
                       "runs": [{k: v for k, v in dataclasses.asdict(r).items() if k not in ("stdout", "stderr")}
                                for r in row.runs]}
                 for key, row in rows.items()},
        "targets": [{"row": k, "name": label, "value": v, "target": t, "pass": p} for k, v, t, p, label in verdicts],
        "with_search": [{"name": label, "value": v} for label, v in compared],
        "markdown": lines,
    }
    out = repo.parent / f"results-u{args.units}-i{args.items}.json"
    out.write_text(json.dumps(saved, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"Results saved to {out}")
    if not all(row.ok for row in rows.values()):
        return 2
    return 0 if all(v[3] for v in verdicts) else 1


# --- growth -----------------------------------------------------------------------------------------------

def growth_point(args: argparse.Namespace, hugo: str, zhanqun: str, items: int) -> tuple[dict[str, int], Bench]:
    """The rows of one size of the growth curve, interleaved round by round."""
    repo, counts = prepare(args, items)
    output = repo / "output"
    build = [zhanqun, "build", "--root", str(repo), "--output", str(output), "--jobs", str(args.jobs)]
    hugo_one, _ = hugo_commands(hugo, repo)
    editor = Editor(repo, generate.epoch_of(generate.EMBARGO_BASE))
    bench = Bench(args)

    def zq(r: int) -> None:
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(repo / ".zhanqun-cache", ignore_errors=True)
        bench.step("zq-cold", "zhanqun cold build", r, build, repo, editor.env())

    def hg(r: int) -> None:
        shutil.rmtree(repo / "hugo" / "public", ignore_errors=True)
        bench.step("hugo-one", "Hugo cold build, one site", r, hugo_one, repo / "hugo")

    for round_ in range(1, args.repeat + 1):
        print(f"{items:,} items, round {round_}/{args.repeat}:", flush=True)
        for cold in ((zq, hg) if round_ % 2 else (hg, zq)):
            cold(round_)
        edit = editor.make("body")

        def verified(_result: Measurement, edit: Edit = edit) -> str:
            return "" if shows(repo, output, edit) else "STALE: the output does not show the edit"

        bench.step("zq-edit", "zhanqun, one item's body edited", round_, build, repo, editor.env(), verified)
        hugo_body_edit(repo, round_)
        bench.step("hugo-edit", "Hugo, one item's body edited", round_, hugo_one, repo / "hugo")
    return counts, bench


def run_growth(args: argparse.Namespace) -> int:
    """Cold builds and a one-item body edit of zhanqun and Hugo (one site) at each size: the curve."""
    hugo = ensure_hugo(not args.no_install_hugo)
    zhanqun = _tool("zhanqun")
    curve: list[dict[str, object]] = []
    failed = False
    for items in args.growth_items:
        counts, bench = growth_point(args, hugo, zhanqun, items)
        failed = failed or not all(row.ok for row in bench.rows.values())
        curve.append({"items": counts["items"], **{key: {"wall": row.wall, "walls": row.walls, "cpu": row.cpu,
                                                          "peak_kb": row.peak_kb, "ok": row.ok}
                                                    for key, row in bench.rows.items()}})
    labels = {"zq-cold": "zhanqun cold", "hugo-one": "Hugo cold (one site)", "zq-edit": "zhanqun body edit",
              "hugo-edit": "Hugo body edit"}
    sizes = " | ".join(f"{point['items']:,} items" for point in curve)
    lines = [f"| Run | {sizes} | per 1,000 items, s | largest / smallest per-item time | Target |",
             "|---|" + "---:|" * len(curve) + "---|---:|---|"]
    verdicts: list[tuple[str, float, bool]] = []
    for key, label in labels.items():
        points = [(int(str(p["items"])), p[key]) for p in curve if key in p]
        if len(points) != len(curve):
            continue
        walls = [float(v["wall"]) for _, v in points]  # type: ignore[index]
        per_k = [w / n * 1000 for (n, _), w in zip(points, walls)]
        growth = per_k[-1] / per_k[0] if per_k[0] else float("nan")
        judged = key.startswith("zq-")
        if judged:
            verdicts.append((label, growth, growth <= GROWTH_LINEAR))
        lines.append(f"| {label} | " + " | ".join(f"{w:.2f} s" for w in walls) + " | "
                     + " / ".join(f"{p:.3f}" for p in per_k) + f" | {growth:.2f} | "
                     + (f"≤ {GROWTH_LINEAR} (at most linear)" if judged else "") + " |")
    print()
    print("\n".join(lines))
    print()
    for label, growth, passed in verdicts:
        print(f"{label + ': largest / smallest per-item time':<60}{growth:>8.2f}   target ≤ {GROWTH_LINEAR}  "
              f"{'PASS' if passed else 'FAIL'}")
    info = machine()
    info["code"] = code_version()
    out = args.work / f"growth-u{args.units}.json"
    out.write_text(json.dumps({"machine": info, "units": args.units, "jobs": args.jobs, "repeat": args.repeat,
                               "curve": curve, "markdown": lines,
                               "targets": [{"name": n, "value": g, "pass": p} for n, g, p in verdicts]},
                              ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"Results saved to {out}")
    if failed:
        return 2
    return 0 if all(p for _, _, p in verdicts) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--units", type=int, default=20, help="units including the portal (default 20)")
    parser.add_argument("--items", type=int, default=10_000, help="items in total (default 10000)")
    parser.add_argument("--jobs", type=int, default=2, help="zhanqun build --jobs (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--repeat", type=int, default=None, help="rounds (default 3; --quick: 2)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 2 units, 200 items, 2 rounds")
    parser.add_argument("--growth", action="store_true", help="the growth curve instead of the main rows")
    parser.add_argument("--growth-items", type=lambda s: [int(v) for v in s.split(",")],
                        default=[1_000, 10_000, 40_000], help="sizes of the growth curve (default 1000,10000,40000)")
    parser.add_argument("--work", type=Path, default=WORK, help="work directory (default bench/work)")
    parser.add_argument("--sample-interval", type=float, default=0.1, help="memory sampling period in seconds")
    parser.add_argument("--no-install-hugo", action="store_true", help="do not apt-get install Hugo when missing")
    args = parser.parse_args(argv)
    if args.quick:
        args.units, args.items = 2, 200
        args.growth_items = [100, 200]
    if args.repeat is None:
        args.repeat = 2 if args.quick else 3
    if args.repeat < 1 or args.jobs < 1:
        parser.error("--repeat and --jobs must be at least 1")
    if args.units < 2:
        parser.error("--units must be at least 2 (the portal and one department: the push edit needs both)")
    if args.repeat > 90:
        parser.error("--repeat is at most 90 (the embargo row moves the clock 10 minutes a round within one day)")
    if args.growth:
        if sorted(args.growth_items) != args.growth_items or args.growth_items[0] < 1:
            parser.error("--growth-items: increasing positive sizes, e.g. 1000,10000,40000")
        return run_growth(args)
    return run_benchmark(args)


if __name__ == "__main__":
    sys.exit(main())
