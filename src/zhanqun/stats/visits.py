"""Page views and unique visitors per host from the web server's access logs (R8.4: the annual report's
独立用户访问总量 and 网站总访问量).

The logs are the ones the generated nginx config writes (``log_format zhanqun`` in ``zhanqun.deploy.nginx``):
one request a line, eleven tab-separated fields, the first the format's version ``zq1``::

    zq1  time(ISO 8601 with zone)  host  client address  method  request URI  protocol  status  bytes  referer  user agent

Definitions (docs/architecture.md, Decisions; 编辑手册 §9.4):

- a **page view** is a successful (2xx or 304) ``GET`` of a page: a request URI whose path (before ``?``) ends
  with ``/`` or ``.html``. Assets (CSS, scripts, images, fonts), attachments, JSON (a search index) and
  everything else are not pages; neither are ``HEAD``, redirects (the HTTP → HTTPS 301) and errors.
- requests from crawlers, monitors and scripts are not counted: their user agent contains one of the words in
  ``stats/data/bots.yaml`` (case-insensitive), or there is none;
- a **unique visitor** is a distinct (client address, user agent) pair among a host's page views over the
  whole period. The pairs are hashed in memory while counting; nothing is written anywhere.
- the period is ``start <= moment < end`` in China time (naive datetimes are China time). A line's moment is
  its own time with its zone, so a server whose clock is in UTC is counted right.

Reading is streamed in pieces of 64 kB (never a whole file in memory) and ``.gz`` files are inflated as
they are read (gzip is recognised by its first bytes, not by the name: logrotate's ``access.log.2.gz`` and a
file renamed by hand both work). Large plain files are cut into ranges at line ends and counted by forked
workers; gzip files, which cannot be cut, are one task each (logrotate leaves many: they are counted side by
side). Speed: docs/performance.md, "访问日志".

Lines in another format or broken (half written when a disk filled, another server's combined log mixed in; a
page view whose time cannot be: month 13, 31 February, 25:61, a year before 2000 or after next year, a zone
beyond ±14:00; a line longer than ``LONGEST_LINE``, never held in memory beyond that length) are counted and
reported: the first few of each file as T040 with file and line, all of them in ``Tally.broken``. A file with
not one line in the format is an error (T041): its visitors would silently be
missing from the report.

Only regular files are read (a link to one is fine): a FIFO would block for ever, a device (``/dev/zero``,
``/dev/urandom``) never ends, a folder or a link loop cannot be read: each is T042 before a byte is read, and
every worker opens its file the same way (a file swapped for a FIFO meanwhile is refused too).
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import multiprocessing
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from typing import Any, BinaryIO

from zhanqun.config import CHINA
from zhanqun.errors import ZhanqunError
from zhanqun.findings import Finding, Severity, define

__all__ = ["Tally", "Visits", "count", "explain", "is_bot"]

FORMAT = b"zq1"  # the first field of every line; a new field order gets zq2, read beside zq1
FIELDS = 11
CHUNK = 64 << 10  # bytes read at a time: a piece and its lines stay in the CPU cache (docs/performance.md)
RANGE = 64 << 20  # plain files are cut into ranges of this size for the workers
LONGEST_LINE = 1 << 20  # a "line" longer than this is cut (nginx writes lines of at most a few kB)
SAMPLES = 5  # broken lines reported with their line number, per file

BROKEN_LINES = define(
    "T040", "access-log-line-not-understood", Severity.WARNING,
    "访问日志中有的行不是 zhanqun 的日志格式，没有计入访问量。",
    why="访问量只能从 zhanqun nginx 生成的配置写出的日志（log_format zhanqun）中统计。别的格式的行（例如服务器原来的"
        " combined 日志混进来）、写了一半的行（磁盘满、断电）、时间不可能的行（13 月、2 月 31 日、25:61、2000 年以前或"
        "明年以后、时区超过 ±14:00）和超过 1 MB 的行无法判断是不是页面访问，所以不计入，并报告行数，免得数字悄悄偏少。",
    example="/var/log/nginx/www.shilixian.gov.cn.access.log 第 1042 行不是 zhanqun 访问日志的格式：1.2.3.4 - - "
            "[01/Mar/2026:10:00:00 +0800] \"GET / HTTP/1.1\" 200 612",
    fix="少量的坏行可以不管（报告里写明了有几行没有计入）。很多行都不是这个格式的，说明给错了文件，或者服务器没有使用 zhanqun nginx "
        "生成的配置：重新生成配置（zhanqun nginx）并 reload nginx，之后的日志就是这个格式。",
    requirement="R8.4",
)
NOT_THIS_FORMAT = define(
    "T041", "access-log-wrong-format", Severity.ERROR,
    "给出的文件里没有一行是 zhanqun 的访问日志格式。",
    why="年度报表的独立用户访问总量和网站总访问量从 zhanqun nginx 生成的配置写出的访问日志统计。一个文件里一行这种格式都没有，"
        "它不是这种日志（给错了文件，或者是服务器原来的 combined 格式日志）；如果照样统计，这个文件里的访问会悄悄地不算，报表数字偏少。",
    example="zhanqun annual-report 2026 --access-log /var/log/nginx/access.log（nginx 自带格式的总日志）",
    fix="给出 zhanqun nginx 生成的配置里 access_log 写的文件（默认 /var/log/nginx/<主机名>.access.log 及轮转出的 "
        ".1、.2.gz 等）。服务器还没有用生成的配置的，先重新生成配置并 reload nginx。",
    requirement="R8.4",
)
UNREADABLE = define(
    "T042", "access-log-unreadable", Severity.ERROR,
    "访问日志文件不存在、无法读取，或不是普通文件。",
    why="报表的访问量要从给出的每个日志文件统计；少读一个文件，数字就不完整。只读普通文件（指向普通文件的链接也可以）："
        "命名管道（FIFO）会一直等待写入，设备（/dev/zero、/dev/urandom）永远读不完，文件夹和循环的链接无法读取，"
        "都在读取之前拒绝。",
    example="/var/log/nginx/www.shilixian.gov.cn.access.log.3.gz：没有这个文件\n/dev/zero：这是设备，不是普通文件",
    fix="检查路径是否写对，给出日志文件本身（不是文件夹、管道或设备）；在服务器上运行时用有权限读 /var/log/nginx "
        "的用户（通常是 adm 组）。",
    requirement="R8.4",
)
DAMAGED = define(
    "T043", "access-log-damaged", Severity.ERROR,
    "压缩的访问日志已损坏或不完整，无法读完。",
    why="gzip 文件损坏（复制中断、磁盘错误）时只能读出前面的一部分，后面的访问就会悄悄地不计入报表。",
    example="/var/log/nginx/www.shilixian.gov.cn.access.log.5.gz 在解压到第 83211 行后损坏：文件不完整",
    fix="从备份取回完好的文件；确实无法恢复的，把它从 --access-log 中去掉，并在报表的说明里写明缺了哪些日期。",
    requirement="R8.4",
)
OTHER_COMPRESSION = define(
    "T044", "access-log-compression", Severity.ERROR,
    "访问日志用了 gzip 以外的压缩格式。",
    why="zhanqun 直接读取纯文本和 gzip 压缩的日志（logrotate 默认用 gzip）；其他压缩格式需要先解压。",
    example="/var/log/nginx/www.shilixian.gov.cn.access.log.2.xz 是 xz 压缩的",
    fix="先解压（xz -d、bzip2 -d、zstd -d），或把 logrotate 的压缩方式改回 gzip。",
    requirement="R8.4",
)
MISSING_DAYS = define(
    "T045", "access-log-days-missing", Severity.WARNING,
    "给出的访问日志没有覆盖统计时段的每一天。",
    why="一整天没有任何页面请求（连搜索引擎的爬虫都没有）几乎不会发生，通常是少给了一个轮转出的日志文件（.3.gz 等）"
        "或那几天的日志已被删除，报表的访问量会偏少。",
    example="2026 年的日志缺少 2026-03-01 至 2026-03-14（14 天）",
    fix="把这段时间的日志文件也加到 --access-log 中（ls /var/log/nginx/ 查看轮转出的文件）；确实已经没有了的，在报表说明中写明。",
    requirement="R8.4",
)

_MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ": "xz", b"\x28\xb5\x2f\xfd": "zstd"}


@dataclasses.dataclass
class Visits:
    """One host's visits in the period."""

    page_views: int = 0  # 网站总访问量（次）
    unique_visitors: int = 0  # 独立用户访问总量（个）
    bot_views: int = 0  # page views by crawlers, monitors and scripts: not in page_views


class Tally(dict[str, Visits]):
    """``count``'s answer: a dict host -> ``Visits`` (hosts with no page view in the period are absent unless
    asked for), plus what the reading found."""

    def __init__(self) -> None:
        super().__init__()
        self.files: list[str] = []
        self.lines = 0  # every line read, in the period or not
        self.broken = 0  # lines not in the format (T040)
        self.days: set[dt.date] = set()  # China-time days of the period with at least one page request
        self.findings: list[Finding] = []  # T040 (first lines of each file) and T045


def count(paths: Iterable[str | os.PathLike[str]], start: dt.datetime, end: dt.datetime,
          hosts: Iterable[str] | None = None, *, jobs: int | None = None) -> Tally:
    """Page views and unique visitors per host between ``start`` (included) and ``end`` (excluded) (R8.4).

    ``start``/``end``: naive datetimes are China time, aware ones are converted. ``hosts``: only these (the
    others' lines are skipped; each of these is in the answer, with zeros when it had no visit); ``None``: every
    host found. ``jobs``: worker processes (default: the CPUs this process may use).

    Raises ``ZhanqunError`` T041 (a file with no line in the format), T042 (missing or unreadable), T043
    (damaged gzip), T044 (another compression). Broken lines are T040 warnings in ``Tally.findings``, days of
    the period with no page request (up to now) T045.
    """
    files = [os.fspath(p) for p in paths]
    lo, hi = _china(start), _china(end)
    wanted = None if hosts is None else frozenset(h.strip().lower().encode("ascii", "replace") for h in hosts)
    tasks = [task for path in files for task in _tasks(path)]
    workers = min(jobs or len(os.sched_getaffinity(0)), len(tasks))
    job = _Job(lo, hi, wanted)
    if workers <= 1 or sum(_size(task) for task in tasks) < RANGE:  # a fork costs more than it saves
        parts = [job.run(task) for task in tasks]
    else:
        # fork: the workers share this process's hash seed, so the visitors' hashes of all parts agree
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(job.run, tasks, chunksize=1)
    return _merge(files, tasks, parts, lo, hi, wanted)


def explain(tally: Tally) -> str:
    """How the figures were counted, in Chinese, for the report's notes: anyone with the same logs gets them."""
    days = f"覆盖 {len(tally.days)} 天" if tally.days else "其中没有统计时段内的页面请求"
    broken = f"；{tally.broken} 行不是这种格式，没有计入" if tally.broken else ""
    return (f"独立用户访问总量和网站总访问量由 zhanqun 从网站服务器的访问日志统计（{len(tally.files)} 个文件，{days}{broken}）："
            "网站总访问量是页面（网址以 / 或 .html 结尾）被成功打开（状态码 2xx 或 304）的次数，图片、样式、附件等不计；"
            "独立用户访问总量是打开过页面的不同访客数，同一地址、同一浏览器全年算一个；搜索引擎爬虫、网站监测和脚本的请求都不计。"
            "时间按北京时间。")


def is_bot(agent: str) -> bool:
    """True when a user agent is a crawler, a monitor or a script (or missing): not counted as a visit."""
    return _bot(agent.encode("ascii", "backslashreplace"))


# --- reading ------------------------------------------------------------------------------------------------


def _china(moment: dt.datetime) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        return moment.astimezone(CHINA).replace(tzinfo=None) if moment.tzinfo else moment
    return dt.datetime.combine(moment, dt.time())  # a date: its midnight


def _tasks(path: str) -> list[tuple[str, int, int]]:
    """(path, begin, end) ranges of a plain file; (path, 0, -1) for a gzip file (read whole)."""
    with _open(path) as handle:
        head = handle.read(6)
        size = os.fstat(handle.fileno()).st_size
    for magic, name in _MAGIC.items():
        if head.startswith(magic):
            if name != "gzip":
                raise ZhanqunError(f"{path} 是 {name} 压缩的，zhanqun 只读纯文本和 gzip 压缩的访问日志。",
                                   code=OTHER_COMPRESSION, hint=f"先解压（{name} -d）再统计。")
            return [(path, 0, -1)]
    pieces = max(1, -(-size // RANGE))
    step = -(-size // pieces) if size else 0
    return [(path, i * step, min(size, (i + 1) * step)) for i in range(pieces)]


class _Unreadable(ZhanqunError):
    """T042 for one file (raised in a worker too: pickled back as ``_Part.unreadable``)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}：{problem}", code=UNREADABLE,
                         hint="给出日志文件本身（不是文件夹、管道或设备）；在服务器上用能读 /var/log/nginx 的用户运行"
                              "（通常是 adm 组）。")


_KINDS = ((stat.S_ISDIR, "这是文件夹，不是文件"), (stat.S_ISFIFO, "这是命名管道（FIFO），不是普通文件：读它会一直等待写入"),
          (stat.S_ISCHR, "这是设备，不是普通文件：读它永远读不完"), (stat.S_ISBLK, "这是块设备，不是普通文件"),
          (stat.S_ISSOCK, "这是套接字，不是普通文件"))


def _not_regular(mode: int) -> str:
    """Why a file of this mode is not read ('' for a regular file)."""
    if stat.S_ISREG(mode):
        return ""
    return next((why for test, why in _KINDS if test(mode)), "这不是普通文件")


def _open(path: str) -> BinaryIO:
    """``path`` opened for reading when it is a regular file (a link to one is fine), else ``_Unreadable``. It is
    looked at before it is opened (opening a device can do something) and opened without blocking (a FIFO put
    there meanwhile would wait for a writer for ever), then looked at again through the open descriptor."""
    try:
        why = _not_regular(os.stat(path).st_mode)
        if why:
            raise _Unreadable(path, why)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise _Unreadable(path, _os_problem(exc)) from None
    try:
        why = _not_regular(os.fstat(fd).st_mode)
        if why:
            raise _Unreadable(path, why)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _size(task: tuple[str, int, int]) -> int:
    path, begin, end = task
    return end - begin if end >= 0 else os.path.getsize(path) * 8  # gzip: about 1/8 of the text


def _os_problem(exc: OSError) -> str:
    import errno

    return {errno.ENOENT: "没有这个文件", errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限",
            errno.EISDIR: "这是文件夹，不是文件", errno.ELOOP: "符号链接形成了循环（链接指向自己或互相指向），找不到文件",
            errno.ENOTDIR: "路径中有一段不是文件夹", errno.ENAMETOOLONG: "路径太长",
            errno.EIO: "磁盘读写错误"}.get(exc.errno or 0, exc.strerror or str(exc))


_OVERLONG = f"（这一行超过 {LONGEST_LINE >> 20} MB，只显示开头）".encode()


class _Lines:
    """Cuts a stream of bytes into pieces of whole lines. A line longer than LONGEST_LINE is never kept whole:
    it becomes one short line that cannot be in the format (its first bytes, tabs made spaces, after a marker),
    the rest is dropped up to its end, so a 50 MB line is one broken line in bounded memory."""

    def __init__(self) -> None:
        self.rest = b""  # the start of a line not ended yet
        self.dropping = False  # inside an overlong line, already reported

    @property
    def pending(self) -> bool:
        """A line has begun and not ended."""
        return bool(self.rest) or self.dropping

    def feed(self, data: bytes) -> bytes:
        if self.dropping:
            end = data.find(b"\n")
            if end < 0:
                return b""
            data, self.dropping = data[end + 1:], False
        first = data.find(b"\n")
        if first < 0:
            self.rest += data
            return self._cut() if len(self.rest) > LONGEST_LINE else b""
        head = b""
        if len(self.rest) + first > LONGEST_LINE:  # the line ending here is overlong
            head, data, self.rest = _shortened(self.rest + data[:min(first, 256)]), data[first + 1:], b""
            first = data.find(b"\n")
            if first < 0:
                self.rest = data
                return head + (self._cut() if len(self.rest) > LONGEST_LINE else b"")
        last = data.rfind(b"\n") + 1
        piece, self.rest = self.rest + data[:last], data[last:]
        tail = self._cut() if len(self.rest) > LONGEST_LINE else b""
        return head + piece + tail

    def _cut(self) -> bytes:
        """The line held so far is overlong: report it and drop the rest of it."""
        line, self.rest, self.dropping = _shortened(self.rest), b"", True
        return line

    def close(self) -> bytes:
        """The last line when the stream ends without a newline."""
        rest, self.rest, self.dropping = self.rest, b"", False
        return rest


def _shortened(line: bytes) -> bytes:
    return _OVERLONG + line[:160].replace(b"\t", b" ") + b"\n"


def _plain(path: str, begin: int, end: int) -> Iterator[bytes]:
    """Whole lines of ``path`` whose first byte lies in [begin, end), in pieces of about CHUNK bytes."""
    with _open(path) as handle:
        position = begin
        if begin:  # the line holding begin - 1 belongs to the range before: skip to its end
            handle.seek(begin - 1)
            position = begin - 1
            while data := handle.read(CHUNK):
                newline = data.find(b"\n")
                if newline >= 0:
                    position += newline + 1
                    break
                position += len(data)
            handle.seek(position)
        lines = _Lines()
        while position < end:
            data = handle.read(min(CHUNK, end - position))
            if not data:
                break
            position += len(data)
            if piece := lines.feed(data):
                yield piece
        while lines.pending:  # finish the line that began inside the range
            data = handle.read(CHUNK)
            if not data:
                break
            newline = data.find(b"\n")
            if piece := lines.feed(data if newline < 0 else data[:newline + 1]):
                yield piece
            if newline >= 0:
                break
        if piece := lines.close():
            yield piece


class _Damaged(Exception):
    pass


def _gzip(path: str) -> Iterator[bytes]:
    """The inflated lines of a gzip file, in pieces of about CHUNK bytes. Every member is read (``cat a.gz b.gz``
    is one gzip file); zero padding after the last one is allowed; a file cut short or damaged raises ``_Damaged``
    after the lines before the damage."""
    lines = _Lines()
    with _open(path) as handle:
        unzip, begun = zlib.decompressobj(wbits=31), False
        while raw := handle.read(CHUNK // 4):
            while raw:
                if not begun:  # between members: zero padding may follow the last one
                    raw = raw.lstrip(b"\0")
                    if not raw:
                        break
                begun = True
                try:
                    out = unzip.decompress(raw, CHUNK)
                except zlib.error as exc:
                    raise _Damaged(f"数据损坏（{exc}）") from None
                raw = unzip.unconsumed_tail
                if unzip.eof:  # a member ended; what follows is the next member
                    raw = unzip.unused_data
                    unzip, begun = zlib.decompressobj(wbits=31), False
                if out and (piece := lines.feed(out)):
                    yield piece
    if rest := lines.close():
        yield rest
    if begun:
        raise _Damaged("文件不完整（被截断）")


# --- counting -------------------------------------------------------------------------------------------------


class _Part:
    """What one task found; pickled back from a worker."""

    def __init__(self) -> None:
        self.lines = 0
        self.broken = 0
        self.samples: list[tuple[int, bytes, str]] = []  # (line number within the task, the line, why)
        self.hosts: dict[bytes, list[Any]] = {}  # host -> [page views, bot views, set of visitor hashes]
        self.hours: set[bytes] = set()  # b"2026-03-01T10" (China time) or b"2026-03-01T02+00:00"
        self.damaged = ""
        self.unreadable = ""  # T042's message: the file was swapped for a FIFO, a device … after it was planned


class _Job:
    def __init__(self, lo: dt.datetime, hi: dt.datetime, wanted: frozenset[bytes] | None) -> None:
        self.lo, self.hi, self.wanted = lo, hi, wanted
        self.zones: dict[bytes, tuple[bytes, bytes] | None] = {}

    def run(self, task: tuple[str, int, int]) -> _Part:
        path, begin, end = task
        part = _Part()
        pieces = _gzip(path) if end < 0 else _plain(path, begin, end)
        try:
            for piece in pieces:
                _scan(piece, part, self)
        except _Damaged as exc:
            part.damaged = str(exc)
        except _Unreadable as exc:
            part.unreadable = exc.message
        except OSError as exc:
            part.damaged = _os_problem(exc)
        return part

    def bounds(self, zone: bytes) -> tuple[bytes, bytes] | None:
        """The period's ends written as a line's time in ``zone`` (b"+08:00"): times compare as bytes."""
        if zone not in self.zones:
            self.zones[zone] = self._bounds(zone)
        return self.zones[zone]

    def _bounds(self, zone: bytes) -> tuple[bytes, bytes] | None:
        match = re.fullmatch(rb"([+-])(\d\d):(\d\d)", zone)
        if not match or int(match[2]) > 14 or int(match[3]) > 59 or (int(match[2]) == 14 and int(match[3])):
            return None  # no zone of the world is beyond ±14:00
        offset = dt.timedelta(hours=int(match[2]), minutes=int(match[3])) * (1 if match[1] == b"+" else -1)
        shift = offset - dt.timedelta(hours=8)
        return ((self.lo + shift).isoformat().encode() + zone, (self.hi + shift).isoformat().encode() + zone)


def _scan(piece: bytes, part: _Part, job: _Job) -> None:
    """Count the lines of ``piece`` (whole lines) into ``part``: the hot loop, kept flat on purpose."""
    lines = piece.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    china = job.bounds(b"+08:00")
    assert china is not None  # +08:00 is a valid offset
    lo, hi = china
    wanted = job.wanted
    hosts = part.hosts
    hours = part.hours
    bots = _BOT_CACHE
    broken = 0
    known_hours, clock = _HOURS, _CLOCK
    for line in lines:
        f = line.split(b"\t")
        if len(f) != FIELDS or f[0] != FORMAT:
            broken += 1
            continue
        if f[4] != b"GET":
            continue
        status = f[7]
        if not (status[:1] == b"2" or status == b"304"):
            continue
        path = f[5]
        if b"?" in path:
            path = path[:path.index(b"?")]
        if not path.endswith((b"/", b".html")):
            continue
        moment = f[1]
        # a page view's time must be one that can be: a real day of a plausible year and hour, then :MM:SS
        real = known_hours.get(moment[:13])
        if real is None:
            real = _real_hour(moment[:13])
        if not (real and len(moment) == 25 and moment[13:19] in clock):
            broken += 1
            continue
        if moment.endswith(b"+08:00"):
            if moment < lo or moment >= hi:
                continue
            hour = moment[:13]
        else:
            zone = job.bounds(moment[19:])
            if zone is None:
                broken += 1
                continue
            if moment < zone[0] or moment >= zone[1]:
                continue
            hour = moment[:13] + moment[19:]
        host = f[2]
        if wanted is not None and host not in wanted:
            continue
        counts = hosts.get(host)
        if counts is None:
            counts = hosts[host] = [0, 0, set()]
        agent = f[10]
        bot = bots.get(agent)
        if bot is None:
            bot = _bot(agent)
        hours.add(hour)
        if bot:
            counts[1] += 1
        else:
            counts[0] += 1
            counts[2].add(hash((f[3], agent)))
    if broken and len(part.samples) < SAMPLES:
        _sample(lines, part, job)
    part.broken += broken
    part.lines += len(lines)


def _sample(lines: list[bytes], part: _Part, job: _Job) -> None:
    """The line numbers of the first broken lines of a piece (the rare path: looked for only when there are)."""
    for number, line in enumerate(lines, part.lines + 1):
        why = _broken(line.split(b"\t"), job)
        if why:
            part.samples.append((number, line[:200], why))
            if len(part.samples) >= SAMPLES:
                return


_NOT_FORMAT = "这一行不是 zhanqun 访问日志的格式，没有计入"


def _broken(f: list[bytes], job: _Job) -> str:
    """What ``_scan`` counts as broken, line by line, and why: not the eleven fields of zq1, or a page view whose
    time cannot be or has a zone there is not ('' for a line that is not broken). Only a page view's time is
    read: an asset's is never looked at."""
    if len(f) != FIELDS or f[0] != FORMAT:
        return _NOT_FORMAT
    moment = f[1]
    view = f[4] == b"GET" and (f[7][:1] == b"2" or f[7] == b"304") and f[5].split(b"?", 1)[0].endswith((b"/", b".html"))
    if view and not (_real_hour(moment[:13]) and len(moment) == 25 and moment[13:19] in _CLOCK):
        shown = moment[:40].decode("utf-8", "replace")
        return f"这一行的时间“{shown}”不可能（没有这一天或这一时刻，或年份不在 {FIRST_YEAR} 年至明年之间），没有计入"
    if view and not moment.endswith(b"+08:00") and job.bounds(moment[19:]) is None:
        return f"这一行的时区“{moment[19:].decode('utf-8', 'replace')}”不存在，没有计入"
    return ""


FIRST_YEAR = 2000  # no county website logged in this format before; a year earlier is a clock reset (1970)
_HOURS: dict[bytes, bool] = {}
_HOUR = re.compile(rb"(\d{4})-(\d\d)-(\d\d)T(\d\d)")
_CLOCK = frozenset(b":%02d:%02d" % (m, s) for m in range(60) for s in range(60))  # the ":MM:SS" that exist


def _real_hour(text: bytes) -> bool:
    """``2026-03-01T10`` is an hour that exists in a year from FIRST_YEAR to next year (cached: a year of logs
    has 8760 hours, each checked once)."""
    found = _HOURS.get(text)
    if found is None:
        match = _HOUR.fullmatch(text)
        found = False
        if match and FIRST_YEAR <= int(match[1]) <= dt.date.today().year + 1:
            try:
                year, month, day, hour = map(int, match.groups())
                dt.datetime(year, month, day, hour)
                found = True
            except ValueError:
                found = False
        if len(_HOURS) > 100_000:  # memory stays bounded whatever the log holds
            _HOURS.clear()
        _HOURS[text] = found
    return found


# --- bots -----------------------------------------------------------------------------------------------------

_BOT_CACHE: dict[bytes, bool] = {}


@lru_cache(maxsize=1)
def _bot_pattern() -> re.Pattern[bytes]:
    from ruamel.yaml import YAML

    text = resources.files("zhanqun.stats").joinpath("data/bots.yaml").read_text(encoding="utf-8")
    words = YAML(typ="safe").load(text)["agents"]
    return re.compile(b"|".join(re.escape(str(w).lower().encode("ascii")) for w in words), re.IGNORECASE)


def _bot(agent: bytes) -> bool:
    found = agent in (b"", b"-") or _bot_pattern().search(agent) is not None
    if len(_BOT_CACHE) > 100_000:  # memory stays bounded whatever the log holds
        _BOT_CACHE.clear()
    _BOT_CACHE[agent] = found
    return found


# --- the answer -----------------------------------------------------------------------------------------------


def _merge(files: list[str], tasks: list[tuple[str, int, int]], parts: list[_Part], lo: dt.datetime,
           hi: dt.datetime, wanted: frozenset[bytes] | None) -> Tally:
    tally = Tally()
    tally.files = files
    visitors: dict[bytes, set[int]] = collections.defaultdict(set)
    counts: dict[bytes, Visits] = collections.defaultdict(Visits)
    hours: set[bytes] = set()
    before: dict[str, int] = collections.Counter()  # lines of a file in the tasks before this one
    good: dict[str, int] = collections.Counter()
    samples: dict[str, list[tuple[int, bytes, str]]] = collections.defaultdict(list)
    broken: dict[str, int] = collections.Counter()
    for (path, _, _), part in zip(tasks, parts):
        if part.unreadable:
            raise _Unreadable(path, part.unreadable.split("：", 1)[-1])
        if part.damaged:
            raise ZhanqunError(f"{path} 在读到第 {before[path] + part.lines} 行后无法继续：{part.damaged}。",
                               code=DAMAGED, hint="从备份取回完好的文件，或把它从 --access-log 中去掉并在报表中说明。")
        samples[path] += [(before[path] + n, text, why) for n, text, why in part.samples]
        before[path] += part.lines
        good[path] += part.lines - part.broken
        broken[path] += part.broken
        tally.lines += part.lines
        tally.broken += part.broken
        hours |= part.hours
        for host, (views, bot_views, hashes) in part.hosts.items():
            counts[host].page_views += views
            counts[host].bot_views += bot_views
            visitors[host] |= hashes
    for path in files:
        if before[path] and not good[path]:
            raise ZhanqunError(f"{path} 中没有一行是 zhanqun 的访问日志格式（共 {before[path]} 行）。",
                               code=NOT_THIS_FORMAT, hint="给出 zhanqun nginx 生成的配置中 access_log 写的文件。")
    tally.findings += _broken_findings(files, samples, broken)
    for host in sorted(counts):
        visit = counts[host]
        visit.unique_visitors = len(visitors[host])
        tally[host.decode("ascii", "replace")] = visit
    for host in sorted(wanted or ()):
        tally.setdefault(host.decode("ascii", "replace"), Visits())
    tally.days = {_day(hour) for hour in hours}
    tally.findings += _missing_days(tally.days, lo, hi, files)
    return tally


def _broken_findings(files: list[str], samples: dict[str, list[tuple[int, bytes, str]]],
                     broken: dict[str, int]) -> list[Finding]:
    """T040: the first SAMPLES broken lines (in the order the files were given) and, when there were more, one
    total; a year of rotated logs with a bad line in each gives six findings, not a thousand."""
    shown = [(path, number, text, why) for path in files for number, text, why in samples[path]][:SAMPLES]
    found = [Finding(path, number, 0, BROKEN_LINES,
                     why + "：" + text.decode("utf-8", "replace").replace("\t", " ")[:120])
             for path, number, text, why in shown]
    total = sum(broken.values())
    if total > len(shown):
        where = [path for path in files if broken[path]]
        files_note = f"，在 {len(where)} 个文件中" if len(where) > 1 else ""
        found.append(Finding(where[0], 0, 0, BROKEN_LINES,
                             f"共 {total} 行不是 zhanqun 访问日志的格式，没有计入{files_note}（上面列出了前 {len(shown)} 行）。"))
    return found


def _day(hour: bytes) -> dt.date:
    if len(hour) == 13:
        return dt.date.fromisoformat(hour[:10].decode())
    moment = dt.datetime.fromisoformat(hour[:13].decode() + ":00" + hour[13:].decode())
    return moment.astimezone(CHINA).date()


def _missing_days(days: set[dt.date], lo: dt.datetime, hi: dt.datetime, files: list[str]) -> list[Finding]:
    """T045 for each run of days of the period (up to today) without a single page request."""
    now = dt.datetime.now(CHINA).replace(tzinfo=None)
    first, last = lo.date(), (min(hi, now) - dt.timedelta(microseconds=1)).date()
    if not files or last < first:
        return []
    runs: list[tuple[dt.date, dt.date]] = []
    day = first
    while day <= last:
        if day not in days:
            if runs and runs[-1][1] == day - dt.timedelta(days=1):
                runs[-1] = (runs[-1][0], day)
            else:
                runs.append((day, day))
        day += dt.timedelta(days=1)
    where = files[0] if len(files) == 1 else f"{files[0]} 等 {len(files)} 个文件"
    return [Finding(where, 0, 0, MISSING_DAYS,
                    f"访问日志缺少 {a.isoformat()}" + (f" 至 {b.isoformat()}" if b != a else "")
                    + f"（{(b - a).days + 1} 天）：这几天没有任何页面请求，可能少给了日志文件，访问量会偏少。")
            for a, b in runs]
