"""Benchmark the access-log count (R8.4, issue 12) and report ratios against a baseline run side by side.

    python bench/access_log.py [--size-mb 1024] [--rounds 3] [--quick]

The issue asks for "access logs at >= 100 MB/s (a generated 1 GB log)". The benchmark writes a deterministic
log in the ``zhanqun`` format of ``zhanqun nginx`` (a year of a county's cluster: ten hosts, pages, the
assets each page pulls, 304 revisits, 404s, HTTP redirects, HEAD and POST, search-engine and monitoring bots,
a few broken lines), then times

1. ``visits.count`` over the plain log, against ``wc -l`` over the same file (reading every byte once);
2. ``visits.count`` over the gzip of the log, against ``zcat | wc -l`` (inflating every byte once);

each in a fresh subprocess with the file in the page cache (one untimed read first), ``--rounds`` times,
the median kept. It prints MB/s (of uncompressed log: 1 MB = 10^6 bytes) and the ratios, checks the counts
against the ones the generator knows (so a fast wrong count fails), writes bench/work/access-log-results.json
and exits 0 when the plain log is counted at >= 100 MB/s.

``--options`` also times, in this process and one round each, the ways of counting that were considered
(docs/performance.md says which won and why): the module's line split against two regular-expression scans,
the size of the pieces read, one worker against two, and gzip inflated inline against a thread inflating ahead.

Run it with the project's virtualenv Python.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import queue
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work"
TARGET_MB_S = 100.0

HOSTS = [  # (host, share of the traffic): the portal takes most, towns little
    ("www.shilixian.gov.cn", 40), ("fgw.shilixian.gov.cn", 10), ("jyj.shilixian.gov.cn", 9),
    ("wsjkw.shilixian.gov.cn", 8), ("rsj.shilixian.gov.cn", 7), ("zrzyj.shilixian.gov.cn", 6),
    ("cgz.shilixian.gov.cn", 6), ("qsz.shilixian.gov.cn", 5), ("hsx.shilixian.gov.cn", 5), ("ylz.shilixian.gov.cn", 4),
]
COLUMNS = ["gzdt", "tzgg", "zcwj", "zcjd", "rsxx", "czzj", "jgzn", "hdjl/lyhf"]
BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36",
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36 "
     "Edg/{v}.0.0.0"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_{m} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
     "MicroMessenger/8.0.{v}(0x18003030) NetType/WIFI Language/zh_CN"),
    ("Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Version/4.0 Chrome/{v}.0.6099.193 Mobile Safari/537.36"),
    "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
    ("Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.3497.100 Safari/537.36 "
     "QIHU 360SE"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{m} "
     "Safari/605.1.15"),
]
BOTS = [
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Safari/537.36 "
     "360Spider"),
    "Mozilla/5.0 (compatible; YisouSpider; +http://help.yisou.com/webmaster/spider.html)",
    ("Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; "
     "Bytespider; spider-feedback@bytedance.com)"),
    "curl/7.88.1", "python-requests/2.31.0", "Zabbix",
]
ASSETS = ["/theme/css/site.{h}.css", "/theme/js/a11y.js", "/theme/img/logo.{h}.png", "/favicon.ico",
          "/theme/fonts/siyuan.{h}.woff2"]


class Known:
    """What the generator wrote, per host: the counts ``visits.count`` must find."""

    def __init__(self) -> None:
        self.views: dict[str, int] = {}
        self.visitors: dict[str, set[tuple[str, str]]] = {}
        self.broken = 0
        self.lines = 0

    def view(self, host: str, address: str, agent: str) -> None:
        self.views[host] = self.views.get(host, 0) + 1
        self.visitors.setdefault(host, set()).add((address, agent))

    def as_dict(self) -> dict:
        return {"lines": self.lines, "broken": self.broken,
                "hosts": {h: {"page_views": self.views[h], "unique_visitors": len(self.visitors[h])}
                          for h in sorted(self.views)}}


def _line(at: str, host: str, address: str, method: str, uri: str, status: int, size: int, referer: str,
          agent: str) -> str:
    return f"zq1\t{at}\t{host}\t{address}\t{method}\t{uri}\tHTTP/2.0\t{status}\t{size}\t{referer}\t{agent}\n"


def generate(path: Path, size: int, seed: int = 12) -> dict:
    """Write about ``size`` bytes of log for the year 2026 to ``path``; return what it holds (``Known``)."""
    rng = random.Random(seed)
    hosts = [h for h, _ in HOSTS]
    weights = [w for _, w in HOSTS]
    people = [(f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
               rng.choice(BROWSERS).format(v=rng.randrange(96, 131), m=rng.randrange(1, 7))) for _ in range(60_000)]
    crawlers = [(f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}", bot)
                for bot in BOTS for _ in range(20)]
    pages = [f"/{rng.choice(COLUMNS)}/2026{rng.randrange(1, 13):02d}/t2026{i:06d}.html" for i in range(20_000)]
    pages += [f"/{c}/" for c in COLUMNS] + [f"/{c}/index{n}.html" for c in COLUMNS for n in range(2, 9)]
    hashes = [f"{rng.getrandbits(64):016x}" for _ in range(4)]
    known = Known()
    start = dt.datetime(2026, 1, 1)  # China time: the lines say +08:00
    span = 365 * 86400
    written = 0
    batch: list[str] = []
    # The time advances evenly through the year, so the first and last lines bound the period.
    per_second = span / (size / 610)
    t = 0.0
    with path.open("w", encoding="ascii", newline="\n") as out:
        while written < size:
            t += rng.expovariate(1 / per_second)
            at = (start + dt.timedelta(seconds=int(min(t, span - 1)))).isoformat() + "+08:00"
            host = rng.choices(hosts, weights)[0]
            page = "/" if rng.random() < 0.25 else rng.choice(pages)
            roll = rng.random()
            if roll < 0.12:  # a crawler or a monitor: pages only, never counted
                address, agent = rng.choice(crawlers)
                batch.append(_line(at, host, address, "GET", page, 200, 9000, "-", agent))
            elif roll < 0.14:  # someone typed http://: redirected, not counted
                address, agent = rng.choice(people)
                batch.append(_line(at, host, address, "GET", page, 301, 162, "-", agent).replace("HTTP/2.0", "HTTP/1.1"))
            elif roll < 0.16:  # a dead link
                address, agent = rng.choice(people)
                batch.append(_line(at, host, address, "GET", page.replace(".html", "x.html"), 404, 555, "-", agent))
            elif roll < 0.165:  # HEAD and POST of a page: not a view
                address, agent = rng.choice(people)
                batch.append(_line(at, host, address, rng.choice(("HEAD", "POST")), page, rng.choice((200, 405)), 0,
                                   "-", agent))
            elif roll < 0.1652:  # a broken line: half written when the disk filled, or another format
                batch.append(rng.choice((f"zq1\t{at}\t{host}\t1.2.3.4\tGET\n",
                                         '1.2.3.4 - - [01/Mar/2026:10:00:00 +0800] "GET / HTTP/1.1" 200 612 "-" "-"\n')))
                known.broken += 1
            else:  # a person reads a page: the page, then the assets it pulls (cached ones: 304 or nothing)
                address, agent = rng.choice(people)
                status = 304 if rng.random() < 0.15 else 200
                query = "?from=timeline" if rng.random() < 0.03 else ""
                batch.append(_line(at, host, address, "GET", page + query, status, 0 if status == 304 else 14000,
                                   f"https://{host}/", agent))
                known.view(host, address, agent)
                referer = f"https://{host}{page}"
                for asset in rng.sample(ASSETS, rng.randrange(0, 4)):
                    cached = rng.random() < 0.5
                    batch.append(_line(at, host, address, "GET", asset.format(h=rng.choice(hashes)),
                                       304 if cached else 200, 0 if cached else 30000, referer, agent))
            if len(batch) >= 4096:
                text = "".join(batch)
                out.write(text)
                written += len(text)
                known.lines += len(batch)
                batch = []
        text = "".join(batch)
        out.write(text)
        known.lines += len(batch)
    return known.as_dict()


def _prepared(size_mb: int, seed: int) -> tuple[Path, Path, dict]:
    """The log, its gzip and what they hold; reused from bench/work when the same size and seed were made."""
    WORK.mkdir(parents=True, exist_ok=True)
    plain = WORK / f"access-{size_mb}mb-s{seed}.log"
    packed = plain.with_suffix(".log.gz")
    facts = plain.with_suffix(".json")
    if not (plain.exists() and packed.exists() and facts.exists()):
        print(f"generating {size_mb} MB of access log ...", flush=True)
        known = generate(plain, size_mb * 1_000_000, seed)
        with plain.open("rb") as src, gzip.open(packed, "wb", compresslevel=6) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        facts.write_text(json.dumps(known, indent=1), encoding="utf-8")
    return plain, packed, json.loads(facts.read_text(encoding="utf-8"))


_COUNT = """
import datetime as dt, json, sys, time
from zhanqun.stats import visits
begin = time.perf_counter()
tally = visits.count([sys.argv[1]], dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1))
took = time.perf_counter() - begin
print(json.dumps({"took": took, "broken": tally.broken, "lines": tally.lines,
                  "hosts": {h: {"page_views": v.page_views, "unique_visitors": v.unique_visitors}
                            for h, v in sorted(tally.items())}}))
"""


def _busy() -> float:
    """CPU seconds the whole machine has spent busy (steal included), from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _Load:
    """The share of the machine's CPUs used by other processes while a measurement ran: the machine is shared,
    and a busy neighbour slows the wall time (the CPU time of the measured process is reported beside it)."""

    def __enter__(self) -> _Load:
        self.wall, self.busy, self.cpu = time.perf_counter(), _busy(), _children_cpu()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = _children_cpu() - self.cpu
        others = max(0.0, _busy() - self.busy - self.cpu)
        self.others = others / (self.wall * (os.cpu_count() or 1))


def _time_count(path: Path) -> tuple[float, float, float, dict]:
    """(seconds inside visits.count, CPU seconds of the process and its workers, others' share, the counts)."""
    with _Load() as load:
        result = subprocess.run([sys.executable, "-c", _COUNT, str(path)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"visits.count failed on {path}:\n{result.stderr[-3000:]}")
    found = json.loads(result.stdout)
    return found.pop("took"), load.cpu, load.others, found


def _time_shell(command: str) -> tuple[float, float]:
    with _Load() as load:
        subprocess.run(["sh", "-c", command], check=True, capture_output=True)
    return load.wall, load.others


# --- the options considered (--options) ------------------------------------------------------------------------

# Only the candidate page views are matched; time, host and bot are then checked as the module does.
_CANDIDATE = re.compile(rb"\tGET\t[^\t\n?]*(?:/|\.html)(?:\?[^\t\n]*)?\tHTTP/[^\t\n]*\t(?:2\d\d|304)\t")
_WHOLE_LINE = re.compile(rb"zq1\t([^\t\n]*)\t([^\t\n]*)\t([^\t\n]*)\tGET\t[^\t\n?]*(?:/|\.html)(?:\?[^\t\n]*)?"
                         rb"\t[^\t\n]*\t(?:2\d\d|304)\t[^\t\n]*\t[^\t\n]*\t([^\t\n]*)\n")


def _add(part, job, moment: bytes, host: bytes, address: bytes, agent: bytes) -> None:
    from zhanqun.stats import visits

    lo, hi = job.bounds(b"+08:00")
    if not (moment.endswith(b"+08:00") and lo <= moment < hi):
        return
    counts = part.hosts.setdefault(host, [0, 0, set()])
    part.hours.add(moment[:13])
    if visits._BOT_CACHE.get(agent, None) if agent in visits._BOT_CACHE else visits._bot(agent):
        counts[1] += 1
    else:
        counts[0] += 1
        counts[2].add(hash((address, agent)))


def _scan_candidates(piece: bytes, part, job) -> None:
    """Regex over the piece for candidate page views only, then the fields of those lines."""
    for match in _CANDIDATE.finditer(piece):
        begin = piece.rfind(b"\n", 0, match.start()) + 1
        f = piece[begin:piece.find(b"\n", match.end())].split(b"\t")
        _add(part, job, f[1], f[2], f[3], f[10])
    part.lines += piece.count(b"\n")  # (broken lines are not looked for: this option would need a second pass)


def _scan_whole_lines(piece: bytes, part, job) -> None:
    """One regex matching a whole page-view line, its groups the fields wanted."""
    for moment, host, address, agent in _WHOLE_LINE.findall(piece):
        _add(part, job, moment, host, address, agent)
    part.lines += piece.count(b"\n")


def _gzip_thread(path: str):
    """gzip inflated in a thread ahead of the counting (zlib releases the GIL), four pieces queued."""
    import zlib

    from zhanqun.stats import visits

    pieces: queue.Queue = queue.Queue(maxsize=4)

    def inflate() -> None:
        unzip = zlib.decompressobj(wbits=31)
        with open(path, "rb") as handle:
            while raw := handle.read(visits.CHUNK // 4):
                while raw:
                    pieces.put(unzip.decompress(raw, visits.CHUNK))
                    raw = unzip.unconsumed_tail
        pieces.put(None)

    import threading

    threading.Thread(target=inflate, daemon=True).start()
    rest = b""
    while (out := pieces.get()) is not None:
        piece = rest + out
        cut = piece.rfind(b"\n") + 1
        rest = piece[cut:]
        yield piece[:cut]
    if rest:
        yield rest


def _self_cpu() -> float:
    """CPU seconds of this process and its waited children (the forked workers)."""
    mine, theirs = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + theirs.ru_utime + theirs.ru_stime


def options(plain: Path, packed: Path, known: dict) -> list[dict]:
    """Each option counts the same log and must find the generator's page views (the regex options do not look
    for broken lines, so they are a little favoured)."""
    from zhanqun.stats import visits

    views = sum(h["page_views"] for h in known["hosts"].values())
    megabytes = plain.stat().st_size / 1e6
    scan, chunk, unzip = visits._scan, visits.CHUNK, visits._gzip
    runs = [
        ("line split, bytes.split per line, pieces of 64 kB (chosen)", plain, 1, {}),
        ("regex for candidate page views, then split those lines", plain, 1, {"_scan": _scan_candidates}),
        ("one regex matching a whole page-view line (findall)", plain, 1, {"_scan": _scan_whole_lines}),
        ("line split, pieces of 256 kB", plain, 1, {"CHUNK": 256 << 10}),
        ("line split, pieces of 1 MB", plain, 1, {"CHUNK": 1 << 20}),
        ("line split, pieces of 8 MB", plain, 1, {"CHUNK": 8 << 20}),
        ("line split, 2 forked workers over 64 MB ranges (chosen)", plain, 2, {}),
        ("gzip inflated inline (chosen)", packed, 1, {}),
        ("gzip inflated in a thread ahead, 4 pieces queued", packed, 1, {"_gzip": _gzip_thread}),
    ]
    visits.is_bot("warm-up")  # the word list is read and compiled once, not inside the first row's time
    rows = []
    for name, path, jobs, patch in runs:
        for attribute, value in patch.items():
            setattr(visits, attribute, value)
        try:
            cpu = _self_cpu()
            begin = time.perf_counter()
            tally = visits.count([path], dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1), jobs=jobs)
            took = time.perf_counter() - begin
            cpu = _self_cpu() - cpu
        finally:
            visits._scan, visits.CHUNK, visits._gzip = scan, chunk, unzip
            visits._BOT_CACHE.clear()
        found = sum(v.page_views for v in tally.values())
        rows.append({"option": name, "jobs": jobs, "s": round(took, 2), "mb_s": round(megabytes / took, 1),
                     "cpu_s": round(cpu, 2), "mb_per_cpu_s": round(megabytes / cpu, 1), "right": found == views})
        print(f"  {name:58} {jobs} job(s) {took:6.2f} s {megabytes / took:7.1f} MB/s   CPU {cpu:5.2f} s "
              f"{megabytes / cpu:6.1f} MB/CPU-s"
              + ("" if found == views else f"  WRONG: {found} page views, expected {views}"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the generated log (10^6 bytes)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--quick", action="store_true", help="a 50 MB log, one round (a smoke test)")
    parser.add_argument("--options", action="store_true", help="also time the ways of counting that were considered")
    args = parser.parse_args(argv)
    if args.quick:
        args.size_mb, args.rounds = 50, 1
    plain, packed, known = _prepared(args.size_mb, args.seed)
    megabytes = plain.stat().st_size / 1e6
    _time_shell(f"cat '{plain}' > /dev/null")  # into the page cache: the disk is not what is measured
    results: dict = {"size_mb": round(megabytes, 1), "gzip_mb": round(packed.stat().st_size / 1e6, 1),
                     "lines": known["lines"], "rounds": args.rounds}
    failed = False
    for name, path, baseline in (("plain", plain, f"wc -l '{plain}'"), ("gzip", packed, f"zcat '{packed}' | wc -l")):
        ours, theirs, cpus, busy = [], [], [], []
        for _ in range(args.rounds):
            took, cpu, others, found = _time_count(path)
            ours.append(took)
            cpus.append(cpu)
            wall, others_then = _time_shell(baseline)
            theirs.append(wall)
            busy += [others, others_then]
            if found["hosts"] != known["hosts"] or found["broken"] != known["broken"]:
                print(f"WRONG COUNT on {name}: found {found} expected {known}")
                failed = True
        mine, base = statistics.median(ours), statistics.median(theirs)
        results[name] = {"count_s": round(mine, 3), "count_mb_s": round(megabytes / mine, 1),
                         "baseline": baseline.split(" '")[0] + (" | wc -l" if "zcat" in baseline else ""),
                         "baseline_s": round(base, 3), "baseline_mb_s": round(megabytes / base, 1),
                         "ratio": round(mine / base, 2), "count_cpu_s": round(statistics.median(cpus), 2),
                         "others": round(max(busy), 3)}
        r = results[name]
        print(f"{name:5}  visits.count {r['count_s']:7.2f} s  {r['count_mb_s']:7.1f} MB/s (CPU {r['count_cpu_s']:.2f} s)  "
              f"{r['baseline']:>14} {r['baseline_s']:6.2f} s  {r['baseline_mb_s']:7.1f} MB/s   ratio {r['ratio']:.2f}"
              f"   others {r['others']:.0%}")
        if r["others"] > 0.10:
            print(f"       warning: other processes used up to {r['others']:.0%} of the CPUs: the times are not reliable")
    if args.options:
        print("options considered (one round each, in this process):")
        results["options"] = options(plain, packed, known)
    results["target_mb_s"] = TARGET_MB_S
    results["met"] = results["plain"]["count_mb_s"] >= TARGET_MB_S and not failed
    (WORK / "access-log-results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(("OK" if results["met"] else "FAILED") + f": plain log at {results['plain']['count_mb_s']} MB/s "
          f"(target >= {TARGET_MB_S:.0f} MB/s); {known['lines']} lines, {sum(h['page_views'] for h in known['hosts'].values())} "
          "page views")
    return 0 if results["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
