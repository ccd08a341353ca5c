"""Where a finding is (issue 12 review (f)): ``path:line:col`` as far as it is known — a finding about a whole file
prints ``path`` alone (never ``path:0:0``, which an editor would open at a line that is not there), one without a
column ``path:line``; JSON says null for what is not known. Every command prints findings through
``output.findings_text`` / ``findings_json``."""

from __future__ import annotations

import json

import pytest

from tests.conftest import copy_repo
from zhanqun import output
from zhanqun.findings import Finding
from zhanqun.stats import annual

STRAY = "content/fgw/tzgg/attachments/名单 (终稿).txt"  # C020: a file name, no line
BROKEN = "content/fgw/gzdt/x.md"  # a front matter without a date: a finding on a line


@pytest.mark.parametrize("line, column, shown", [(0, 0, "a.md"), (7, 0, "a.md:7"), (7, 3, "a.md:7:3")])
def test_location_says_only_what_is_known(line, column, shown):
    assert output.location("a.md", line, column) == shown
    finding = Finding("a.md", line, column, annual.ROWS_MISSING, "说明。")
    # without a hint of its own the finding shows its rule's fix (issue 13)
    assert output.findings_text([finding]) == f"{shown}: T023 说明。\n    提示：{finding.rule.fix}"


def test_check_prints_whole_file_findings_without_a_line_in_text_and_json(tmp_path, zq):
    repo = copy_repo(tmp_path / "repo")
    (repo / STRAY).write_text("无\n", encoding="utf-8")
    (repo / BROKEN).write_text("---\ntitle: 测试\n---\n", encoding="utf-8")
    result = zq("check", "--root", repo)
    assert result.code == 1
    assert f"{STRAY}: C020 " in result.out
    assert ":0:" not in result.out and ":0 " not in result.out
    lined = [line for line in result.out.splitlines() if line.startswith(BROKEN + ":")]
    assert lined and all(line.split(":")[1].isdigit() and line.split(":")[1] != "0" for line in lined)
    found = json.loads(zq("check", "--root", repo, "--format", "json").out)["findings"]
    stray = [f for f in found if f["path"] == STRAY]
    assert stray and all(f["line"] is None and f["column"] is None for f in stray)
    assert all(isinstance(f["line"], int) and f["line"] > 0 for f in found if f["path"] == BROKEN)
