"""Visits from the access logs (R8.4: the annual report's 独立用户访问总量 and 网站总访问量).

The logs are written by a real nginx running the config ``zhanqun nginx`` generated, on loopback high ports,
once with the server's clock in UTC and once in China time; real HTTP requests (pages, assets, a 304 revisit,
a crawler, a 404, HEAD, the HTTP redirect, two hosts, several visitors) then ``visits.count`` on what nginx
wrote asserts the exact figures. Then gzip (recognised by its bytes, several members, damaged), broken lines
with their line numbers, the period's ends in China time, ranges cut for the workers, and a 50 MB log counted
in bounded memory."""

from __future__ import annotations

import datetime as dt
import gzip
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zhanqun.config import CHINA
from zhanqun.deploy import nginx as nginx_mod, release
from zhanqun.errors import ZhanqunError
from zhanqun.stats import visits

WWW, FGW = "www.shilixian.gov.cn", "fgw.shilixian.gov.cn"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
WECHAT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN")
BAIDU = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
BENCH = Path(__file__).resolve().parent.parent / "bench"


def _need(binary: str) -> str:
    path = shutil.which(binary) or (f"/usr/sbin/{binary}" if Path(f"/usr/sbin/{binary}").exists() else None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{binary} is missing: scripts/test.sh installs it")
        pytest.skip(f"{binary} not installed")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """A real nginx serving the demo with the generated config; its access logs go to ``logs``."""

    def __init__(self, built_demo: Path, work: Path, zone: str) -> None:
        self.work, self.logs = work, work / "logs"
        self.logs.mkdir()
        srv = work / "srv"
        output = built_demo / "output"
        for host in sorted(p.name for p in output.iterdir() if not p.name.startswith(".")):
            release.deploy(host, output / host, srv)
        self.srv = srv
        self.cert, key = work / "cert.pem", work / "key.pem"
        subprocess.run([_need("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=zhanqun-test", "-addext", f"subjectAltName=DNS:{WWW},DNS:{FGW}", "-keyout", str(key),
                        "-out", str(self.cert)], check=True, capture_output=True)
        self.http, self.https = _free_port(), _free_port()
        conf = work / "zhanqun.conf"
        from zhanqun.cli import main

        assert main(["nginx", "--root", str(built_demo), "--deploy-root", str(srv), "--output", str(conf),
                     "--cert", str(self.cert), "--key", str(key), "--http-port", str(self.http),
                     "--https-port", str(self.https)]) == 0
        text = conf.read_text(encoding="utf-8")
        assert f"access_log {nginx_mod.ACCESS_LOG.format(host=WWW)} zhanqun" in text  # the default, then moved aside
        text = text.replace("/var/log/nginx/", f"{self.logs}/")
        (work / "sites.conf").write_text("\n".join(line for line in text.splitlines() if "listen [::]" not in line),
                                         encoding="utf-8")
        (work / "nginx.conf").write_text(f"""
{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fcgi;
    uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    include {work}/sites.conf;
}}
""", encoding="utf-8")
        self.process = subprocess.Popen([_need("nginx"), "-p", str(work), "-c", str(work / "nginx.conf"), "-g",
                                         "daemon off;"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        env={**os.environ, "TZ": zone})
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.https), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    pytest.fail("nginx did not start: " + self.process.stdout.read().decode(errors="replace"))
                time.sleep(0.05)

    def get(self, host: str, path: str, agent: str | None = CHROME, client: str = "127.0.0.1", method: str = "GET",
            headers: dict | None = None, https: bool = True) -> http.client.HTTPResponse:
        """One request from ``client`` (any 127/8 address: the socket is bound to it) as a browser would send it."""
        raw = socket.create_connection(("127.0.0.1", self.https if https else self.http), timeout=5,
                                       source_address=(client, 0))
        sock = ssl.create_default_context(cafile=str(self.cert)).wrap_socket(raw, server_hostname=host.lower()) \
            if https else raw
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
        lines += [f"User-Agent: {agent}"] if agent else []
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        response.read()
        sock.close()
        return response

    def stop(self) -> None:
        """nginx writes its buffered log lines when it stops (and when logrotate has it reopen its logs)."""
        self.process.terminate()
        self.process.wait(timeout=10)


def _visit_the_sites(server: Nginx) -> None:
    """The traffic whose figures the test knows. www: visitor A (Chrome, .1) reads /, a column page and revisits
    it (304), fetching the CSS and a pdf; visitor B (WeChat, same address: another person behind the same NAT)
    reads / with a query string; visitor C (Chrome, .2) reads /; visitor D (.5) sends a user agent with a tab,
a quote and Chinese in it. Not counted: the CSS, the pdf, a 404, a HEAD,
    Baiduspider, a request without a user agent, the HTTP -> HTTPS redirect. fgw: A reads /, B reads a column
    page with the host name in capitals. So www: 6 page views, 4 visitors; fgw: 2 page views, 2 visitors."""
    site = server.srv / WWW / "current"
    column = "/" + next(p.parent for p in sorted(site.glob("*/index.html"))).relative_to(site).as_posix() + "/"
    page = server.get(WWW, "/")
    assert page.status == 200
    first = server.get(WWW, column)
    assert first.status == 200
    again = server.get(WWW, column, headers={"If-None-Match": first.getheader("ETag")})
    assert again.status == 304
    assert server.get(WWW, "/theme/css/site.css").status == 200
    pdf = next((server.srv / WWW / "current").rglob("*.pdf"), None) or next(server.srv.rglob("current/**/*.pdf"))
    pdf_host = pdf.relative_to(server.srv).parts[0]
    assert server.get(pdf_host, "/" + pdf.relative_to(server.srv / pdf_host / "current").as_posix()).status == 200
    assert server.get(WWW, "/?from=weixin", agent=WECHAT).status == 200
    assert server.get(WWW, "/", client="127.0.0.2").status == 200
    # nginx escapes what could split a line: a tab, a quote, a backslash and UTF-8 in a header stay in one field
    assert server.get(WWW, "/", agent='Mozilla/5.0 (X11)\t"测试"\\ Firefox/128.0', client="127.0.0.5").status == 200
    assert server.get(WWW, "/no-such-page.html").status == 404
    assert server.get(WWW, "/", method="HEAD").status == 200
    assert server.get(WWW, "/", agent=BAIDU, client="127.0.0.3").status == 200
    assert server.get(WWW, "/", agent=None, client="127.0.0.4").status == 200
    assert server.get(WWW, "/", https=False).status == 301
    assert server.get(FGW, "/").status == 200
    fgw = server.srv / FGW / "current"
    fgw_column = "/" + next(p.parent for p in sorted(fgw.glob("*/index.html"))).relative_to(fgw).as_posix() + "/"
    assert server.get("FGW.ShiLiXian.gov.cn", fgw_column, agent=WECHAT).status == 200


EXPECTED = {WWW: visits.Visits(page_views=6, unique_visitors=4, bot_views=2),
            FGW: visits.Visits(page_views=2, unique_visitors=2, bot_views=0)}


@pytest.fixture(scope="module", params=["UTC", "Asia/Shanghai"])
def logged(request, built_demo, tmp_path_factory):
    """The logs nginx wrote for the known traffic, with the server's clock in UTC or in China time."""
    server = Nginx(built_demo, tmp_path_factory.mktemp("visits"), request.param)
    try:
        before = dt.datetime.now(CHINA).replace(tzinfo=None, microsecond=0)
        _visit_the_sites(server)
        after = dt.datetime.now(CHINA).replace(tzinfo=None) + dt.timedelta(seconds=1)
    finally:
        server.stop()
    return {"logs": server.logs, "before": before, "after": after, "zone": request.param}


def test_nginx_logs_count_into_the_exact_page_views_and_visitors(logged):
    logs = sorted(logged["logs"].glob("*.access.log"))
    assert {p.name for p in logs} >= {f"{WWW}.access.log", f"{FGW}.access.log"}
    first = (logged["logs"] / f"{WWW}.access.log").read_text(encoding="ascii").splitlines()[0].split("\t")
    assert first[0] == "zq1" and len(first) == len(nginx_mod.LOG_FIELDS)
    assert first[1].endswith("+00:00" if logged["zone"] == "UTC" else "+08:00")  # the line keeps its zone
    tally = visits.count(logs, logged["before"], logged["after"])
    assert tally[WWW] == EXPECTED[WWW] and tally[FGW] == EXPECTED[FGW]
    assert tally.broken == 0 and not [f for f in tally.findings if f.code == "T040"]
    assert tally.days == {logged["before"].date(), (logged["after"] - dt.timedelta(seconds=1)).date()}
    assert f"（{len(logs)} 个文件，覆盖 {len(tally.days)} 天）" in visits.explain(tally)  # for the report's notes
    only = visits.count(logs, logged["before"], logged["after"], hosts=[FGW.upper(), "jyj.shilixian.gov.cn"])
    assert dict(only) == {FGW: EXPECTED[FGW], "jyj.shilixian.gov.cn": visits.Visits()}


def test_the_period_is_china_time_and_its_end_is_excluded(logged):
    """Requests logged at or after ``end`` (China time, whatever the server's clock) are not in the period."""
    logs = sorted(logged["logs"].glob("*.access.log"))
    earlier = visits.count(logs, logged["before"] - dt.timedelta(days=1), logged["before"], hosts=[WWW])
    assert earlier[WWW] == visits.Visits()
    utc = dt.UTC
    aware = visits.count(logs, logged["before"].replace(tzinfo=CHINA).astimezone(utc),
                         logged["after"].replace(tzinfo=CHINA).astimezone(utc))
    assert aware[WWW] == EXPECTED[WWW]


def test_a_gzip_log_is_read_by_its_bytes_not_its_name(logged, tmp_path):
    """logrotate compresses old logs (access.log.2.gz); a compressed file renamed by hand is read the same."""
    log = logged["logs"] / f"{WWW}.access.log"
    renamed = tmp_path / "www-2026-12.log"
    renamed.write_bytes(gzip.compress(log.read_bytes()))
    tally = visits.count([renamed], logged["before"], logged["after"])
    assert tally[WWW] == EXPECTED[WWW]
    # two members (cat a.gz b.gz is one gzip file): the same lines twice, so twice the views, the same visitors
    both = tmp_path / "both.gz"
    both.write_bytes(gzip.compress(log.read_bytes()) + gzip.compress(log.read_bytes()))
    doubled = visits.count([both], logged["before"], logged["after"])
    assert doubled[WWW] == visits.Visits(page_views=12, unique_visitors=4, bot_views=4)


def _line(at: str, host: str = WWW, path: str = "/", status: int = 200, agent: str = CHROME, address: str = "10.0.0.1",
          method: str = "GET") -> str:
    return f"zq1\t{at}\t{host}\t{address}\t{method}\t{path}\tHTTP/2.0\t{status}\t612\t-\t{agent}\n"


def test_broken_lines_are_counted_and_the_first_ones_named_with_file_and_line(tmp_path):
    log = tmp_path / "access.log"
    lines = [_line("2026-03-01T10:00:00+08:00")] * 3
    lines.insert(1, '10.0.0.9 - - [01/Mar/2026:10:00:00 +0800] "GET / HTTP/1.1" 200 612 "-" "curl/8.0"\n')  # combined
    lines.append("zq1\t2026-03-01T10:00:01+08:00\twww.shilixian.gov.cn\t10.0.0.2\tGE")  # cut off: the disk filled
    log.write_text("".join(lines), encoding="utf-8")
    tally = visits.count([log], dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1))
    assert tally[WWW] == visits.Visits(page_views=3, unique_visitors=1)
    assert (tally.lines, tally.broken) == (5, 2)
    assert [(f.code, f.path, f.line) for f in tally.findings if f.code == "T040"] == [
        ("T040", str(log), 2), ("T040", str(log), 5)]
    assert "combined" not in tally.findings[0].message and "10.0.0.9 - -" in tally.findings[0].message
    assert "2 行不是这种格式，没有计入" in visits.explain(tally)


def test_many_broken_lines_name_the_first_five_and_the_total(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(_line("2026-03-01T10:00:00+08:00") + "garbage\n" * 12, encoding="utf-8")
    found = [f for f in visits.count([log], dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1)).findings
             if f.code == "T040"]
    assert [f.line for f in found] == [2, 3, 4, 5, 6, 0]
    assert "共 12 行" in found[-1].message
    # a year of rotated logs with a bad line in each: the first five lines and one total, not one per file
    logs = []
    for day in range(30):
        logs.append(tmp_path / f"access.log.{day}")
        logs[-1].write_text(_line("2026-03-01T10:00:00+08:00") + "garbage\n", encoding="utf-8")
    found = [f for f in visits.count(logs, dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1)).findings
             if f.code == "T040"]
    assert [(f.path, f.line) for f in found] == [(str(p), 2) for p in logs[:5]] + [(str(logs[0]), 0)]
    assert "共 30 行" in found[-1].message and "在 30 个文件中" in found[-1].message


@pytest.mark.parametrize("content, code", [
    (b'10.0.0.9 - - [01/Mar/2026:10:00:00 +0800] "GET / HTTP/1.1" 200 612 "-" "Mozilla/5.0"\n' * 3, "T041"),
    (gzip.compress(b"zq1\t2026-03-01T10:00:00+08:00\twww\n" * 5000)[:-200], "T043"),  # cut short
    (b"\x1f\x8b\x08\x00" + b"\xff" * 64, "T043"),  # gzip's magic, then nothing that inflates
    (b"\xfd7zXZ\x00\x00rest", "T044"),
    (b"BZh91AY&SY", "T044"),
    (None, "T042"),
])
def test_a_log_that_cannot_be_counted_is_an_error_with_its_file(tmp_path, content, code):
    """A wrong file, a damaged gzip, another compression, a missing file: a Chinese message with the file and
    the code, never a traceback, and never a silently smaller figure."""
    log = tmp_path / "access.log.3.gz"
    if content is not None:
        log.write_bytes(content)
    with pytest.raises(ZhanqunError) as raised:
        visits.count([log], dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1))
    assert raised.value.code == code and str(log) in raised.value.message
    assert code in str(raised.value)


def test_the_period_ends_and_other_zones(tmp_path):
    """The year 2026 in China time: from 2026-01-01 00:00 (included) to 2027-01-01 00:00 (excluded), whatever
    zone the server wrote its times in."""
    log = tmp_path / "access.log"
    inside = ["2026-01-01T00:00:00+08:00", "2025-12-31T16:00:00+00:00", "2026-12-31T23:59:59+08:00",
              "2026-12-31T15:59:59+00:00", "2026-06-30T20:00:00-04:00"]
    outside = ["2025-12-31T23:59:59+08:00", "2025-12-31T15:59:59+00:00", "2027-01-01T00:00:00+08:00",
               "2026-12-31T16:00:00+00:00"]
    log.write_text("".join(_line(at, address=f"10.0.0.{i}") for i, at in enumerate(inside + outside)), "utf-8")
    tally = visits.count([log], dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1))
    assert tally[WWW] == visits.Visits(page_views=5, unique_visitors=5)
    assert tally.days == {dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 7, 1)}


@pytest.mark.parametrize("path, status, method, counted", [
    ("/", 200, "GET", True), ("/gzdt/", 304, "GET", True), ("/gzdt/index2.html", 200, "GET", True),
    ("/gzdt/202611/t20261121_1.html?from=sy", 200, "GET", True), ("/gzdt/202611/t1.html", 206, "GET", True),
    ("/theme/css/site.css", 200, "GET", False), ("/gzdt/attachments/a.pdf", 200, "GET", False),
    ("/search/index.json", 200, "GET", False), ("/zhanqun-manifest.json", 404, "GET", False),
    ("/", 301, "GET", False), ("/gone.html", 404, "GET", False), ("/", 500, "GET", False),
    ("/", 200, "HEAD", False), ("/hdjl/", 200, "POST", False), ("/gzdt", 301, "GET", False),
])
def test_what_a_page_view_is(tmp_path, path, status, method, counted):
    log = tmp_path / "access.log"
    log.write_text(_line("2026-05-01T10:00:00+08:00", path=path, status=status, method=method), encoding="utf-8")
    tally = visits.count([log], dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1), hosts=[WWW])
    assert tally[WWW].page_views == (1 if counted else 0)


@pytest.mark.parametrize("agent, bot", [
    (BAIDU, True), ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", True),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", True),
    ("Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)", True),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/116.0.0.0 Safari/537.36 360Spider", True),
    ("Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)", True),
    ("curl/8.5.0", True), ("python-requests/2.31.0", True), ("Zabbix", True), ("Go-http-client/1.1", True),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0 Safari/537.36", True),
    ("-", True), ("", True),
    (CHROME, False), (WECHAT, False),
    ("Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/86.0 Safari/537.36 QIHU 360SE",
     False),
    (("Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/86.0 Safari/537.36 SE 2.X "
     "MetaSr 1.0"), False),  # 搜狗浏览器: a person, not Sogou's spider
    ("Mozilla/5.0 (Linux; Android 11; CUBOT P50) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
     False),  # a phone brand, not a bot
    (("Mozilla/5.0 (Linux; U; Android 13; zh-CN; V2254A Build/TP1A.220624.014) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Version/4.0 Chrome/100.0.4896.58 UCBrowser/16.0.0.1 Mobile Safari/537.36"), False),
])
def test_crawlers_monitors_and_scripts_are_not_visitors(agent, bot):
    assert visits.is_bot(agent) is bot


def test_ranges_cut_for_the_workers_count_every_line_once(tmp_path, monkeypatch):
    """A large log is cut into ranges at line ends for forked workers: with ranges of a few hundred bytes the
    figures, the line count and the broken lines' numbers are the same as reading it whole."""
    sys.path.insert(0, str(BENCH))
    import access_log

    log = tmp_path / "access.log"
    known = access_log.generate(log, 400_000, seed=3)
    whole = visits.count([log], dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1), jobs=1)
    monkeypatch.setattr(visits, "RANGE", 777)
    cut = visits.count([log], dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1), jobs=2)
    assert dict(cut) == dict(whole)
    assert {h: {"page_views": v.page_views, "unique_visitors": v.unique_visitors} for h, v in cut.items()} == \
        known["hosts"]
    assert (cut.lines, cut.broken) == (whole.lines, whole.broken) == (known["lines"], known["broken"])
    assert [(f.line, f.message) for f in cut.findings] == [(f.line, f.message) for f in whole.findings]


def test_days_without_any_page_request_are_reported(tmp_path):
    log = tmp_path / "access.log"
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    kept = [d for d in days if not (dt.date(2026, 3, 1) <= d <= dt.date(2026, 3, 14)) and d != dt.date(2026, 8, 8)]
    log.write_text("".join(_line(f"{d.isoformat()}T12:00:00+08:00", agent=BAIDU) for d in kept), encoding="utf-8")
    tally = visits.count([log], dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1))
    assert tally[WWW] == visits.Visits(bot_views=len(kept))
    missing = [f.message for f in tally.findings if f.code == "T045"]
    assert len(missing) == 2 and "2026-03-01 至 2026-03-14（14 天）" in missing[0] and "2026-08-08（1 天）" in missing[1]


_MEMORY = """
import datetime as dt, json, sys
from zhanqun.stats import visits
tally = visits.count([sys.argv[1]], dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1), jobs=1)
# the peak of this process since exec (ru_maxrss would keep the forked pytest's)
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:")).split()[1]
print(json.dumps({"kb": int(peak), "lines": tally.lines,
                  "views": sum(v.page_views for v in tally.values())}))
"""


def test_a_50_mb_log_is_streamed_in_bounded_memory(tmp_path):
    """The peak memory of counting a 50 MB log (plain and gzip) stays far below the log's size: over a process
    that counted a one-line log, it grows by the pieces read at a time and the visitors' hashes (about 10 MB
    here), not by the file."""
    sys.path.insert(0, str(BENCH))
    import access_log

    big, small = tmp_path / "big.log", tmp_path / "small.log"
    known = access_log.generate(big, 50_000_000, seed=5)
    small.write_text(_line("2026-03-01T10:00:00+08:00"), encoding="utf-8")
    packed = tmp_path / "big.log.1"
    with big.open("rb") as src, gzip.open(packed, "wb", compresslevel=1) as dst:
        shutil.copyfileobj(src, dst)

    def peak(path: Path) -> dict:
        done = subprocess.run([sys.executable, "-c", _MEMORY, str(path)], capture_output=True, text=True, check=True)
        return json.loads(done.stdout)

    floor = peak(small)["kb"]
    for path in (big, packed):
        found = peak(path)
        assert found["lines"] == known["lines"]
        assert found["views"] == sum(h["page_views"] for h in known["hosts"].values())
        grown_mb = (found["kb"] - floor) / 1024
        assert grown_mb < 20, f"{path.name}: {grown_mb:.0f} MB more than counting one line (the log is 50 MB)"


def test_the_generated_config_documents_each_field_and_the_log_can_move_or_stop():
    """Every field of the format is in the generated ``log_format`` with what it is; ``access_log`` may name one
    file for all hosts (each line names its host) or be ``off``."""
    text = nginx_mod.render([WWW, FGW], Path("/srv/www"), "c.pem", "k.pem")
    block = text[text.index("log_format zhanqun"):text.index("    ;\n")]
    for variable, what in nginx_mod.LOG_FIELDS:
        assert f"'{variable}" in block and what in block
    assert block.count("\\t'") == len(nginx_mod.LOG_FIELDS) - 1  # tabs between the fields, none after the last
    assert text.count(f"access_log /var/log/nginx/{WWW}.access.log zhanqun buffer=64k flush=10s;") == 2  # http, https
    shared = nginx_mod.render([WWW, FGW], Path("/srv/www"), "c.pem", "k.pem", access_log="/data/logs/sites.log")
    assert shared.count("access_log /data/logs/sites.log zhanqun") == 4
    off = nginx_mod.render([WWW, FGW], Path("/srv/www"), "c.pem", "k.pem", access_log="off")
    assert off.count("access_log off;") == 4 and "/var/log/nginx" not in off
