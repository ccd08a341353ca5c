"""The parse cache skips reading files git knows to be unchanged (issue 11 speed, R7) — and never serves stale bytes:
an edit in the working tree, staged or not, however fast after the last check, is read and judged."""

from __future__ import annotations

import random
import sqlite3

from tests import fakes
from zhanqun import cache

ITEM = "content/fgw/gzdt/2026-07-08-baogong-wenjia.md"


def _blob_rows(root) -> int:
    with sqlite3.connect(root / ".zhanqun-cache" / "parse.sqlite3") as db:
        return db.execute("SELECT count(*) FROM blobs").fetchone()[0]


def _with_id(text: str) -> str:
    return text.rstrip("\n") + f"\n\n联系人身份证号 {fakes.id18(random.Random(7))}。\n"


def test_a_clean_checkout_is_read_once_then_known_from_git(cluster, zq):
    root, _repo = cluster
    assert zq("check", "--root", root).code == 0
    assert _blob_rows(root) > 50  # every committed item, checked against its blob id before it was stored
    assert zq("check", "--root", root).code == 0  # served from git's index and the cache


def test_an_edit_right_after_a_check_is_read_not_taken_from_the_index(cluster, zq):
    root, _repo = cluster
    assert zq("check", "--root", root).code == 0
    path = root / ITEM
    path.write_text(_with_id(path.read_text(encoding="utf-8")), encoding="utf-8")  # same second, not committed
    result = zq("check", "--root", root)
    assert result.code == 1 and "P001" in result.out and ITEM in result.out


def test_a_same_size_edit_in_the_same_second_as_the_check_is_seen(cluster, zq):
    """git's racy-clean case: the file changes, keeping its size, within the timestamp granularity of the index."""
    import re

    root, _repo = cluster
    path = root / ITEM
    text = path.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    six = re.search(r"[\u4e00-\u9fff]{6}", body).group(0)  # 18 bytes, as an 18-digit ID
    swapped = text.replace(six, fakes.id18(random.Random(3)), 1)
    assert len(swapped.encode()) == len(text.encode())
    assert zq("check", "--root", root).code == 0
    path.write_text(swapped, encoding="utf-8")
    result = zq("check", "--root", root)
    assert result.code == 1 and "P001" in result.out


def test_a_staged_edit_is_read(cluster, zq):
    root, repo = cluster
    assert zq("check", "--root", root).code == 0
    path = root / ITEM
    path.write_text(_with_id(path.read_text(encoding="utf-8")), encoding="utf-8")
    repo.git.add(ITEM)  # the index has the new blob: its id is unknown to the cache, so the file is read
    result = zq("check", "--root", root)
    assert result.code == 1 and "P001" in result.out


def test_outside_git_every_file_is_read(tmp_path):
    assert cache.unchanged_blobs(tmp_path)() == {}


def test_blob_id_is_gits():
    assert cache.blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"  # git hash-object


def test_a_damaged_cache_entry_is_parsed_again_not_a_traceback(cluster, zq):
    """A cached parse that no longer decodes (a disk fault, an interrupted write) costs a re-parse: the file is judged
    from its bytes (here it carries an ID number, so a stale 'clean' entry would hide it)."""
    root, _repo = cluster
    path = root / ITEM
    path.write_text(_with_id(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert zq("check", "--root", root).code == 1
    with sqlite3.connect(root / ".zhanqun-cache" / "parse.sqlite3") as db:
        damaged = db.execute("UPDATE parsed SET value = '{\"meta\": {\"title\": ' ").rowcount
    assert damaged > 50
    result = zq("check", "--root", root)
    assert result.code == 1 and "P001" in result.out and ITEM in result.out
    assert "Traceback" not in result.out + result.err
