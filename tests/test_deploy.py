"""Publishing (R6.2, R6.3): the manifest in every build, ``zhanqun verify`` against tampering, atomic deploys
with releases, pruning and rollback, and a deploy killed mid-copy leaving the previous site serving."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zhanqun.deploy import manifest

PORTAL = "www.shilixian.gov.cn"


@pytest.fixture
def site(built_demo, tmp_path) -> Path:
    """A private copy of the built portal."""
    copy = tmp_path / "built" / PORTAL
    shutil.copytree(built_demo / "output" / PORTAL, copy)
    return copy


def test_every_build_writes_a_manifest_that_verify_accepts(built_demo, zq):
    for host_dir in (built_demo / "output").iterdir():
        if host_dir.name.startswith("."):
            continue
        data = json.loads((host_dir / manifest.NAME).read_text(encoding="utf-8"))
        assert data["host"] == host_dir.name and data["files"]
        assert "index.html" in data["files"] and manifest.NAME not in data["files"]
    result = zq("verify", built_demo / "output" / PORTAL)
    assert result.code == 0 and "与清单一致" in result.err


def test_verify_names_each_changed_added_and_missing_file(site, zq):
    page = site / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", '<a href="https://bet365.example">博彩</a></body>'),
                    encoding="utf-8")
    (site / "shell.php").write_text("<?php system($_GET['c']); ?>", encoding="utf-8")
    victim = next(p for p in sorted(site.rglob("*.html")) if p != page)
    victim.unlink()
    result = zq("verify", site)
    assert result.code == 1
    assert "被改动：index.html" in result.out and "多出：shell.php" in result.out
    assert f"缺失：{victim.relative_to(site).as_posix()}" in result.out
    assert "1 个文件被改动，1 个多出，1 个缺失" in result.err
    (site / manifest.NAME).unlink()
    gone = zq("verify", site)
    assert gone.code == 1 and "没有清单" in gone.err and "Traceback" not in gone.err


def test_deploy_switches_current_keeps_releases_and_rolls_back(site, zq, tmp_path):
    target = tmp_path / "srv"
    assert zq("deploy", PORTAL, "--from", site, "--to", target, "--keep", "2").code == 0
    home = target / PORTAL
    first = (home / "current").resolve()
    assert first.parent == (home / "releases").resolve() and zq("verify", home / "current").code == 0
    releases = []
    for n in range(3):  # three more builds, each with one page changed
        page = site / "index.html"
        page.write_text(page.read_text(encoding="utf-8") + f"<!-- build {n} -->", encoding="utf-8")
        manifest.write(site, PORTAL, f"c0ffee{n}")
        assert zq("deploy", PORTAL, "--from", site, "--to", target, "--keep", "2").code == 0
        releases.append((home / "current").resolve())
    assert zq("verify", home / "current").code == 0
    assert sorted(p.name for p in (home / "releases").iterdir()) == sorted(r.name for r in releases[-2:])
    unchanged = next(p for p in sorted(site.rglob("*.css")))
    rel = unchanged.relative_to(site)
    assert os.stat(releases[-1] / rel).st_ino == os.stat(releases[-2] / rel).st_ino  # hard-linked, not copied
    back = zq("rollback", PORTAL, "--to", target)
    assert back.code == 0 and (home / "current").resolve() == releases[-2]
    assert zq("rollback", PORTAL, "--to", target, "--release", releases[-1].name).code == 0
    assert (home / "current").resolve() == releases[-1]
    missing = zq("rollback", PORTAL, "--to", target, "--release", "nope")
    assert missing.code == 2 and "没有发布版本 nope" in missing.err


def test_deploy_refuses_a_tampered_or_foreign_build(site, zq, tmp_path):
    (site / "index.html").write_text("被替换的首页", encoding="utf-8")
    refused = zq("deploy", PORTAL, "--from", site, "--to", tmp_path / "srv")
    assert refused.code == 1 and "D003" in refused.err and not (tmp_path / "srv" / PORTAL / "current").exists()
    wrong = zq("deploy", "fgw.shilixian.gov.cn", "--from", site, "--to", tmp_path / "srv")
    assert wrong.code == 2 and "不是 fgw.shilixian.gov.cn" in wrong.err


def test_a_deploy_killed_mid_copy_leaves_the_previous_release_serving(site, zq, tmp_path):
    """Kill the deploy process at increasing moments; current is always a complete release."""
    target = tmp_path / "srv"
    assert zq("deploy", PORTAL, "--from", site, "--to", target).code == 0
    home = target / PORTAL
    first = (home / "current").resolve()
    bulk = site / "bulk"  # enough files that a kill lands inside the copy
    bulk.mkdir()
    for i in range(4000):
        (bulk / f"{i:05d}.html").write_text(f"<p>第 {i} 页</p>" * 20, encoding="utf-8")
    manifest.write(site, PORTAL, "deadbeef")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    killed_mid_copy = False
    for delay in (0.3, 0.5, 0.8, 1.2, 1.8):
        process = subprocess.Popen([sys.executable, "-m", "zhanqun", "deploy", PORTAL, "--from", str(site), "--to",
                                    str(target)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        current = (home / "current").resolve()
        assert current.is_dir() and zq("verify", home / "current").code == 0, delay
        partial = [p for p in (home / "releases").iterdir() if ".partial-" in p.name]
        if partial and current == first:
            killed_mid_copy = True
        if current != first:
            break  # that one finished before the kill
    assert killed_mid_copy, "no kill landed inside the copy: make the site bigger"
    assert zq("deploy", PORTAL, "--from", site, "--to", target).code == 0  # a later deploy completes and cleans up
    assert not [p for p in (home / "releases").iterdir() if ".partial-" in p.name]
    assert (home / "current" / "bulk" / "03999.html").is_file()


def test_a_release_altered_on_the_server_is_not_passed_on_and_cannot_be_rolled_back_to(site, zq, tmp_path):
    target = tmp_path / "srv"
    assert zq("deploy", PORTAL, "--from", site, "--to", target).code == 0
    home = target / PORTAL
    first = (home / "current").resolve()
    live = home / "current" / "index.html"
    live.write_text(live.read_text(encoding="utf-8") + '<a href="https://bet365.example">博彩</a>', encoding="utf-8")
    assert zq("verify", home / "current").code == 1
    # redeploying the same build repairs it (the altered release is set aside for the investigation)
    assert zq("deploy", PORTAL, "--from", site, "--to", target).code == 0
    assert zq("verify", home / "current").code == 0 and "bet365" not in (home / "current" / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in (home / "releases").iterdir() if ".tampered-" in p.name]
    # a new build does not hard-link the altered file either
    (home / "current" / "index.html").write_text("被篡改", encoding="utf-8")
    page = site / "zwyw" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- 新 -->", encoding="utf-8")
    manifest.write(site, PORTAL, "c0ffee9")
    assert zq("deploy", PORTAL, "--from", site, "--to", target).code == 0
    assert zq("verify", home / "current").code == 0
    refused = zq("rollback", PORTAL, "--to", target, "--release", first.name)
    assert refused.code == 1 and "被改动过" in refused.err


def test_verify_catches_a_page_swapped_together_with_its_manifest_line(site, zq, tmp_path):
    import hashlib

    target = tmp_path / "srv"
    assert zq("deploy", PORTAL, "--from", site, "--to", target).code == 0
    current = tmp_path / "srv" / PORTAL / "current"
    data = json.loads((current / manifest.NAME).read_text(encoding="utf-8"))
    (current / "index.html").write_text("换掉的首页", encoding="utf-8")
    data["files"]["index.html"] = hashlib.sha256("换掉的首页".encode()).hexdigest()
    (current / manifest.NAME).write_text(json.dumps(data), encoding="utf-8")
    result = zq("verify", current)
    assert result.code == 1 and f"被改动：{manifest.NAME}" in result.out


def test_two_deploys_of_one_host_at_once_both_finish(site, tmp_path):
    target = tmp_path / "srv"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    cmd = [sys.executable, "-m", "zhanqun", "deploy", PORTAL, "--from", str(site), "--to", str(target)]
    runs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    assert [p.wait() for p in runs] == [0, 0, 0], [p.stderr.read().decode() for p in runs]
    assert manifest.verify(target / PORTAL / "current")[1].clean


def test_deploy_errors_are_clear(site, zq, tmp_path):
    missing = zq("deploy", PORTAL, "--from", tmp_path / "nope", "--to", tmp_path / "srv")
    assert missing.code == 2 and "zhanqun build" in missing.err
    never = zq("rollback", PORTAL, "--to", tmp_path / "srv")
    assert never.code == 2 and "还没有部署过" in never.err
    assert zq("deploy", PORTAL, "--from", site, "--to", tmp_path / "srv").code == 0
    alone = zq("rollback", PORTAL, "--to", tmp_path / "srv")
    assert alone.code == 2 and "没有更早的发布版本" in alone.err
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    unwritable = zq("deploy", PORTAL, "--from", site, "--to", blocked / "srv")
    assert unwritable.code == 1 and "无法写入部署目录" in unwritable.err and "Traceback" not in unwritable.err


# --- a full disk (issue 10 §9, R6.2): a coded message, the partial copy removed, current untouched -------------


def _grow(site: Path, commit: str, kib: int) -> None:
    """A next build: ``kib`` KiB of new pages (so no hard link saves the space), manifest rewritten."""
    bulk = site / "neu"
    bulk.mkdir(exist_ok=True)
    for i in range(kib // 16):
        (bulk / f"{commit}-{i}.html").write_bytes(os.urandom(8 * 1024).hex().encode())
    manifest.write(site, PORTAL, commit)


def _tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def tiny_disk(tmp_path):
    """A real small filesystem: a tmpfs (needs root, as the CI container has; skipped where mounting is refused)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the EFBIG test below covers the same path without it")
    size_kib = {"value": 0}

    def make(kib: int) -> Path:
        size_kib["value"] = kib
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(mount)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
        return mount

    yield make
    if size_kib["value"]:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_during_deploy_leaves_current_and_no_partial_copy(site, zq, tiny_disk):
    first_kib = _tree_size(site) // 1024
    disk = tiny_disk(first_kib + 1024)  # room for the first release and about a megabyte more
    assert zq("deploy", PORTAL, "--from", site, "--to", disk).code == 0
    home = disk / PORTAL
    first = (home / "current").resolve()
    _grow(site, "feedface", 3 * 1024)  # the next build needs 3 MB more than there is
    full = zq("deploy", PORTAL, "--from", site, "--to", disk)
    assert full.code == 1, full.text
    assert "D005" in full.err and "磁盘空间已满" in full.err and "current 仍指向原来的版本" in full.err
    assert "Traceback" not in full.text and "内部错误" not in full.text
    assert (home / "current").resolve() == first and zq("verify", home / "current").code == 0
    assert [p.name for p in (home / "releases").iterdir()] == [first.name], "the partial copy must be removed"
    assert json.loads((home / "history.json").read_text(encoding="utf-8")) == [first.name]
    assert not [p for p in home.iterdir() if p.name.startswith((".current.", ".history."))]
    # space freed: the same deploy goes through
    shutil.rmtree(site / "neu")
    _grow(site, "feedface", 256)
    assert zq("deploy", PORTAL, "--from", site, "--to", disk).code == 0
    assert (home / "current").resolve() != first


def test_a_file_size_limit_during_deploy_is_a_coded_message(site, tmp_path):
    """RLIMIT_FSIZE (no root needed): every write past the limit fails with EFBIG, as on a full quota."""
    target = tmp_path / "srv"
    (site / "big.html").write_bytes(b"<p>" + b"x" * 300_000 + b"</p>")
    manifest.write(site, PORTAL, "b16f11e")

    def limit() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write returns EFBIG instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    done = subprocess.run([sys.executable, "-m", "zhanqun", "deploy", PORTAL, "--from", str(site), "--to", str(target)],
                          env=env, capture_output=True, text=True, preexec_fn=limit)
    assert done.returncode == 1, done.stderr
    assert "D005" in done.stderr and "文件超过允许的大小" in done.stderr and "Traceback" not in done.stderr
    home = target / PORTAL
    assert not (home / "current").exists()
    assert list((home / "releases").iterdir()) == []


@pytest.mark.parametrize("code", ["D001", "D002", "D003", "D004", "D005", "B001", "B002", "B003"])
def test_codes_shown_by_deploy_and_build_are_documented(zq, code):
    result = zq("rule", code)
    assert result.code == 0 and result.out.startswith(code) and "如何修改" in result.out


def test_a_missing_site_is_d002_and_an_unwritable_deploy_directory_is_d004(site, zq, tmp_path):
    missing = zq("verify", tmp_path / "nope")
    assert missing.code == 1 and "错误：D002: " in missing.err and "Traceback" not in missing.err
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    unwritable = zq("deploy", PORTAL, "--from", site, "--to", blocked / "srv")
    assert unwritable.code == 1 and "错误：D004: " in unwritable.err and "Traceback" not in unwritable.err
