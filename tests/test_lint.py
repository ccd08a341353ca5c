"""The checks that keep the code as it is (issue 13): ruff with the documented rule selection, and a bare
``pytest`` from the repository root collecting what ``python -m pytest`` collects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT

BIN = Path(sys.executable).parent


def _run(*args: str | Path, cwd: Path = PROJECT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, env=env, check=False)


def _collected(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout.strip().splitlines()[-1]


def test_a_bare_pytest_collects_the_tests_that_import_the_test_helpers():
    """tests/test_bad_input.py imports ``tests.conftest``: without ``pythonpath`` a bare pytest cannot."""
    target = "tests/test_bad_input.py"
    bare = _run(BIN / "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", target)
    module = _run(sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", target)
    assert bare.returncode == 0, bare.stdout + bare.stderr
    assert "error" not in _collected(bare)
    assert _collected(bare).split(" in ")[0] == _collected(module).split(" in ")[0]


def test_ruff_accepts_chinese_punctuation_and_reports_real_mistakes(tmp_path):
    """RUF001–RUF003 are off (full-width ，。：（） is meant); an unused import and a mutable default are found."""
    fine = tmp_path / "fine.py"
    fine.write_text('"""说明：检查（示例）。"""\n\n# 注释，带全角标点。\nMESSAGE = "标题不能为空，请补上。"\n',
                    encoding="utf-8")
    wrong = tmp_path / "wrong.py"
    wrong.write_text("import os\n\n\ndef add(item, into=[]):\n    into.append(item)\n    return into\n",
                     encoding="utf-8")
    config = PROJECT / "pyproject.toml"
    ok = _run(BIN / "ruff", "check", "--no-cache", "--config", config, fine, cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout
    bad = _run(BIN / "ruff", "check", "--no-cache", "--config", config, "--output-format", "concise", wrong,
               cwd=tmp_path)
    assert bad.returncode == 1
    assert "F401" in bad.stdout and "B006" in bad.stdout


def test_ci_runs_the_static_checks_before_the_tests():
    """scripts/test.sh (what .ci/run and the README run) calls scripts/lint.sh before pytest."""
    script = (PROJECT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert "bash scripts/lint.sh" in script
    assert script.index("bash scripts/lint.sh") < script.index("-m pytest")
    assert "scripts/test.sh" in (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
