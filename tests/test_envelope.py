"""Every ``--format json`` output is one envelope with a format version (issue 13, R10): a CI script or an
inspector's tool reads ``format`` and ``format_version`` before anything else, so a later change of shape is
a version it can see, not a silently different list."""

from __future__ import annotations

import json
import subprocess

import pytest

import zhanqun
from zhanqun import output

NEWS = "content/fgw/gzdt"


def _envelope(text: str, kind: str) -> dict[str, object]:
    data = json.loads(text)
    assert isinstance(data, dict), text[:200]
    assert data["format"] == f"zhanqun.{kind}"
    assert data["format_version"] == output.FORMAT_VERSION == 1
    assert data["zhanqun"] == zhanqun.__version__
    assert list(data)[:3] == ["format", "format_version", "zhanqun"]  # what it is comes first
    return data


def test_check_findings_are_under_findings(demo_repo, zq):
    (demo_repo / NEWS / "x.md").write_text("---\ntitle: 测试\n---\n", encoding="utf-8")
    result = zq("check", NEWS, "--root", demo_repo, "--format", "json")
    assert result.code == 1
    findings = _envelope(result.out, "check")["findings"]
    assert isinstance(findings, list) and findings
    assert {f["path"] for f in findings} == {f"{NEWS}/x.md"}


def test_a_clean_check_is_an_envelope_with_no_findings(built_demo, zq):
    result = zq("check", NEWS, "--root", built_demo, "--format", "json")
    assert result.code == 0
    assert [f for f in _envelope(result.out, "check")["findings"] if f["severity"] == "error"] == []


@pytest.fixture
def committed_demo(demo_repo):
    """The demo as a git repository with one commit (affected, audit, inspect and stats read history)."""
    env = {"GIT_AUTHOR_NAME": "示例编辑", "GIT_AUTHOR_EMAIL": "editor@example.invalid", "GIT_COMMITTER_NAME": "示例编辑",
           "GIT_COMMITTER_EMAIL": "editor@example.invalid", "GIT_AUTHOR_DATE": "2026-11-02T09:00:00+08:00",
           "GIT_COMMITTER_DATE": "2026-11-02T09:00:00+08:00", "PATH": "/usr/bin:/bin", "HOME": str(demo_repo)}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "示例县"]):
        subprocess.run(["git", "-C", str(demo_repo), *args], env=env, check=True)
    return demo_repo


def test_affected_hosts_are_under_hosts(committed_demo, zq):
    result = zq("affected", "--root", committed_demo, "--all", "--format", "json")
    assert result.code == 0, result.err
    hosts = _envelope(result.out, "affected")["hosts"]
    assert "www.shilixian.gov.cn" in hosts and len(hosts) > 1


@pytest.mark.parametrize("command", [
    ("audit",),
    ("inspect",),
    ("stats", "--from", "2026-01-01", "--to", "2026-12-31"),
])
def test_reports_carry_the_envelope(committed_demo, zq, command):
    result = zq(*command, "--root", committed_demo, "--format", "json")
    assert result.code in (0, 1), result.err
    data = _envelope(result.out, command[0])
    assert len(data) > 3  # the report itself is there, next to the envelope


def test_the_envelope_refuses_data_that_would_hide_its_keys():
    with pytest.raises(ValueError):
        output.json_document("check", {"format": "something else"})


def test_a_json_command_that_stops_still_prints_one_json_document(committed_demo, zq):
    """A CI step that parses standard output reads why the command stopped (``zhanqun.error``), not nothing; the
    text for people still goes to standard error (review of issue 13)."""
    missing = zq("affected", "--root", committed_demo, "--format", "json")
    assert missing.code == 2 and "缺少 --base" in missing.err
    error = _envelope(missing.out, "error")
    assert error["exit_code"] == 2 and [f["message"] for f in error["findings"]] == ["缺少 --base。"]
    wrong = zq("check", "--root", committed_demo, "--format=json", "--nonsense")
    assert wrong.code == 2 and _envelope(wrong.out, "error")["findings"][0]["message"].startswith("用法错误")
    (committed_demo / "schemas" / "notice.schema.json").write_text('{"properties": ', encoding="utf-8")
    broken = zq("check", "--root", committed_demo, "--format", "json")
    assert broken.code == 1
    (finding,) = _envelope(broken.out, "error")["findings"]
    assert finding["code"] == "S006" and "schemas/notice.schema.json" in finding["message"]
    text = zq("check", "--root", committed_demo)  # without --format json, standard output has no JSON
    assert text.code == 1 and "zhanqun.error" not in text.out


def test_an_error_quoting_a_long_number_is_masked(committed_demo, zq):
    """A number typed as an option value reaches the error text and the zhanqun.error envelope (CI logs) masked
    as every finding's message is (R4.2; review of issue 13)."""
    import random

    from tests import fakes

    number = fakes.id18(random.Random(7))
    result = zq("inspect", "--root", committed_demo, "--at", number, "--format", "json")
    assert result.code != 0
    assert number not in result.out + result.err and number[:6] + "*" * 8 + number[-4:] in result.out + result.err
    _envelope(result.out, "error")
