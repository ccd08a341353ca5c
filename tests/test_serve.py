"""``zhanqun serve`` as an editor runs it (issue 15, previewing locally without surprises; R3.1): the real
command in a subprocess against a copy of the demo county, pages fetched over HTTP."""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import copy_repo

ZHANQUN = [sys.executable, "-m", "zhanqun"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return copy_repo(tmp_path_factory.mktemp("serve") / "cluster")


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([*ZHANQUN, "serve", *args, "--root", str(root)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)


def wait_for_url(process: subprocess.Popen[str], timeout: float = 90) -> str:
    """The preview URL serve prints once its first build is done."""
    assert process.stdout is not None
    # the descriptor itself, not the text stream: readline() after select() could take the report line and the
    # URL line together into its buffer, where select() no longer sees the URL (the test then waited in vain)
    fd, deadline, seen = process.stdout.fileno(), time.monotonic() + timeout, b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            if process.poll() is not None:
                break
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen += chunk
        lines = seen[: seen.rfind(b"\n") + 1].decode("utf-8", "replace")  # whole lines only: never half a URL
        if found := re.search(r"http://\S+", lines):
            return found.group(0)
    raise AssertionError("serve printed no URL:\n" + seen.decode("utf-8", "replace"))


@pytest.fixture
def running() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:  # only the processes this test started, by their group
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)


def fetch(url: str) -> str:
    for _ in range(50):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"no answer from {url}")


def test_a_busy_port_is_b009_in_chinese_before_building(demo):
    """A port another program holds: B009, a Chinese message naming the port, exit 1, no traceback, and
    nothing built."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run([*ZHANQUN, "serve", "fgw", "--root", str(demo), "--port", str(port)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "B009" in result.stderr and f"端口 {port} 已被占用" in result.stderr and "--port 0" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (demo / ".zhanqun-cache" / "preview" / "fgw.shilixian.gov.cn").exists()


def test_a_channel_unit_is_served_as_its_section_of_the_portal(demo, running):
    """``zhanqun serve qingshui`` (a channel unit): the portal is built and served, the URL printed is the
    unit's section /qingshui/, which shows the town's pages; --port 0 picks a free port."""
    process = start(demo, "qingshui", "--port", "0")
    running.append(process)
    url = wait_for_url(process)
    assert re.fullmatch(r"http://localhost:\d+/qingshui/", url), url
    assert not url.endswith(":0/qingshui/")
    page = fetch(url)
    assert "清水镇" in page
    assert "示例县人民政府" in fetch(url.removesuffix("qingshui/"))  # the portal's homepage beside it
    assert not (demo / "output").exists()  # serve publishes nothing outside its preview folder
    assert (demo / ".zhanqun-cache" / "preview").is_dir()


def test_an_unknown_unit_is_a_clear_message(demo):
    result = subprocess.run([*ZHANQUN, "serve", "fgww", "--root", str(demo), "--port", "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "没有这个站点：fgww" in result.stderr and "Traceback" not in result.stderr


BROKEN = "---\ntitle: 坏稿件\ndate: 2026-13-45\n---\n正文\n"  # no such date: the checks refuse the item


def test_a_broken_file_of_another_unit_does_not_stop_the_preview(tmp_path, running):
    """A broken item in jyj: ``zhanqun serve fgw`` still builds and serves fgw, and its pages name the broken
    file (file:line) in a banner; breaking fgw's own item after that keeps the last good pages and shows the
    finding in the banner too (livereload reloads the open page)."""
    root = copy_repo(tmp_path / "cluster")
    other = root / "content" / "jyj" / "gzdt" / "2026-11-30-huai.md"
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_text(BROKEN, encoding="utf-8")
    process = start(root, "fgw", "--port", "0")
    running.append(process)
    url = wait_for_url(process)
    page = fetch(url)
    assert "示例县发展和改革委员会" in page and "zhanqun-preview-problems" in page
    assert "其他单位的这些文件有错误" in page and "content/jyj/gzdt/2026-11-30-huai.md" in page
    own = sorted((root / "content" / "fgw" / "gzdt").glob("*.md"))[0]
    own.write_text(BROKEN, encoding="utf-8")
    rel = own.relative_to(root).as_posix()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and rel not in (page := fetch(url)):
        time.sleep(0.5)
    assert "预览有错误，下面是上一次成功构建的页面" in page and f"{rel}:" in page
    assert "示例县发展和改革委员会" in page  # the last good build is still served


def test_own_errors_before_any_build_are_shown_on_a_page(tmp_path, running):
    """Nothing built yet and the unit's own item broken: serve still starts and its page lists the finding
    with file:line instead of a terminal-only error."""
    root = copy_repo(tmp_path / "cluster")
    own = sorted((root / "content" / "fgw" / "gzdt").glob("*.md"))[0]
    own.write_text(BROKEN, encoding="utf-8")
    process = start(root, "fgw.shilixian.gov.cn", "--port", "0")  # a host works as well as a unit id
    running.append(process)
    page = fetch(wait_for_url(process))
    assert "预览有错误" in page and f"{own.relative_to(root).as_posix()}:" in page


def test_an_address_that_is_not_this_machines_is_b009(demo):
    result = subprocess.run([*ZHANQUN, "serve", "fgw", "--root", str(demo), "--port", "0", "--bind", "203.0.113.7"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "B009" in result.stderr and "不能在地址 203.0.113.7 上预览" in result.stderr
    assert "Traceback" not in result.stderr
