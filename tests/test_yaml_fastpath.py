"""Differential test of the YAML fast path (issue 16, R2, R4.1).

Front matter and configs are read first by PyYAML's C parser with ruamel.yaml's YAML 1.2 resolution
(``zhanqun.source._fast_load``); the reference is ruamel.yaml's safe loader, which the fast path hands over
to whenever it cannot promise the same answer. Every text below must give the same value (types included:
``1``, ``1.0`` and ``True`` differ) and the same findings, with their lines and messages, either way: the
demo cluster's files, a generated bench cluster, the test corpora, every string literal in the tests (where
most hostile front matter lives), hand-written YAML 1.1/1.2 traps and a seeded random mix of them.
"""

from __future__ import annotations

import ast
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from zhanqun import source

ROOT = Path(__file__).resolve().parent.parent


def outcome(text: str, fast: bool) -> tuple[str | None, str]:
    doc, findings = source.load_yaml(text, "content/fgw/tzgg/a.md", 2, fast=fast)
    return (None if doc is None else repr(doc.data)), repr(findings)


def assert_same(texts: list[str]) -> None:
    differing = [text for text in texts if outcome(text, True) != outcome(text, False)]
    assert not differing, f"{len(differing)} texts read differently, e.g. {differing[:3]!r}"


def decided(text: str) -> bool:
    try:
        source._fast_load(text)
    except source._Undecided:
        return False
    return True


def yaml_texts(root: Path) -> Iterator[str]:
    """Front matter of every item and every YAML file under ``root``."""
    for path in sorted(root.rglob("*")):
        if path.suffix == ".md" and path.is_file():
            split = source.split_front_matter(path.read_text(encoding="utf-8"), "x")
            if isinstance(split, tuple):
                yield split[0]
        elif path.suffix in (".yaml", ".yml") and path.is_file():
            yield path.read_text(encoding="utf-8")


def test_demo_cluster_reads_the_same_and_takes_the_fast_path() -> None:
    texts = list(yaml_texts(ROOT / "content"))
    assert len(texts) > 100
    assert_same(texts)
    fronts = [t for t in texts if "title:" in t]
    # the test would prove nothing if ordinary front matter went to the reference anyway
    assert sum(map(decided, fronts)) >= 0.9 * len(fronts)


def test_generated_bench_cluster_reads_the_same(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--units", "5", "--items", "400",
                    "--leaders", "2", str(tmp_path / "bench")], check=True, capture_output=True)
    texts = list(yaml_texts(tmp_path / "bench" / "content"))
    assert len(texts) > 400
    assert_same(texts)
    assert sum(map(decided, texts)) >= 0.9 * len(texts)


def _string_literals() -> Iterator[str]:
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and ":" in node.value:
                yield node.value
                split = source.split_front_matter(node.value, "x")
                if isinstance(split, tuple):
                    yield split[0]


def test_test_corpora_and_every_string_in_the_tests_read_the_same() -> None:
    texts = list(_string_literals())
    for path in sorted((ROOT / "tests").rglob("*")):
        if path.suffix in (".yaml", ".yml", ".md", ".txt") and path.is_file():
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    assert len(texts) > 1000
    assert_same(texts)


TRAPS = [
    # YAML 1.1 vs 1.2: ruamel reads 1.2, PyYAML's own loaders 1.1
    "a: yes", "a: No", "a: on", "a: OFF", "a: y", "a: n", "a: True", "a: FALSE", "a: tRue",
    "a: 1:30", "a: 190:20:30", "a: 1:30.5", "a: 010", "a: 0o17", "a: 0o", "a: 0x1F", "a: 0xZ", "a: 0b101", "a: 0b_",
    "a: 1_000", "a: _", "a: __", "a: -", "a: +", "a: +1", "a: -0", "a: 00", "a: 09", "a: 1e3", "a: 1E3", "a: 1.5e3",
    "a: 1.", "a: .5", "a: -.5", "a: .5e+3", "a: 1.2.3", "a: .inf", "a: -.Inf", "a: +.INF", "a: .nan", "a: .NaN",
    "a: 1__0.0_1", "a: 12345678901234567890", "a: 1e400",
    # dates and timestamps stay text
    "date: 2025-01-01", "date: 2025-1-1", "date: 2025-01-01 10:00", "date: 2025-01-01 10:00:00",
    "date: 2025-01-01T10:00:00Z", "date: 2025-01-01 10:00:00.5 +08:00", "date: 2025-02-30", "date: 2025/3/5",
    # null
    "a: ~", "a: null", "a: Null", "a: NULL", "a: nUll", "a:", "a: ''", "~: 1", "null: 1", ": x",
    # keys that are not text, merge and value keys, duplicates
    "1: a", "1.5: a", "true: a", "? [a, b]\n: c", "? {a: b}\n: c", "[a]: b", "<<: {a: 1}", "a: 1\n<<: {b: 2}",
    "=: 1", "a: =", "a: {=: 1}", "a: 1\na: 2", "a: 1\nb: 2\na: 1", "a: {x: 1, x: 2}", "1: a\n1.0: b", "1: a\ntrue: b",
    ".nan: 1\n.nan: 2", "a:\n  b: 1\n  b: 2", "- a\n- a", "'a': 1\na: 2", '"a": 1\n\'a\': 2',
    # anchors, aliases, bombs, tags, directives
    "a: &x 1\nb: *x", "a: &x [1, 2]\nb: [*x, *x]", "a: *x", "a: R&D", "a: 3*4", "a: !!str 5", "a: !!int '5'",
    "a: !foo x", "a: !!binary aGVsbG8=", "a: !!set {x}", "a: ! x", "a: 重要!", "%YAML 1.1\n---\na: yes",
    "%TAG ! tag:x,2000:\n---\na: 1", "a: 1\n%x", "a: 50%", "a: '%x'",
    # flow collections where the two libyaml versions disagree
    "a: [http://x.com]", "a: [a:b]", "a: {a:b}", "a: [a?b]", "a: {x: y?}", "a: [a, b]", "a: {x: 1, y: [2, 3]}",
    "a: [a,\n  b]", "a: {x: 1,\n  y: 2}", "a: [\n]", "a: []", "a: {}", "a: [a, b", "a: {a: 1", "a: a]", "a: a}",
    "a: [a]b", "a: [[[]]]", "a: {a:}", "a: [a:]", "a: {a: }", "a: {a: ,b: 1}", "a: {: 1}", "a: [a: 1, b]",
    "a: {a: b:c}", "a: [a :b]", "a: {a :b}", "a: {'a':b}", 'a: {"a":b}', "a: ['a':b]", "a: [x]:y", "a: [x] :y", "a: [a: b]", "a: [? a]", "a: {? a}", "a: [-a]", "a: [- a]", "a: [a, , b]", "a: [,]",
    # quoting and escapes
    'a: "\\e"', 'a: "\\x1b"', 'a: "\\u009b"', 'a: "\\q"', "a: \"\\'\"", "a: 'it''s'", 'a: "a\\\nb"', "a: 'a\n  b'",
    'a: "unclosed', "a: 'unclosed", 'a: "x" y', "a: x # c", "a: x#c", "a: #c", "a: '#'",
    # block scalars, indentation, tabs, documents
    "a: |\n  x\n  y\n", "a: >-\n  x\n\n  y\n", "a: |+\n  x\n\n", "a: |2\n   x", "a: |\nx", "a: >\n  a: b\n  - c",
    "a:\n  - b\n  - c", "a:\n- b\n- c", "a:\n  - b\n - c", "a:\n  b: 1\n c: 2", "- a: 1\n  b: 2", "a:\n\tb: 1",
    "a: b\tc", "a:\t1", "a: b\n\tc: d", "---\na: 1", "a: 1\n---\nb: 2", "a: 1\n...", "a: 1\n...\nb: 2", "---", "...",
    # not a mapping, empty, whitespace
    "", " ", "\n\n", "# only a comment", "- a", "just text", "'quoted'", "[1, 2]", "{a: 1}", "? a", "a",
    # characters
    "a: \ufeffx", "\ufeffa: 1", "a: \u00a0x", "a: x\u2028y", "a: \ud7ff", "a: \U0001f600", "标题：关于……的通知",
    "标题: 关于……的通知", "title: 关于：的通知", "title:关于", "a: b: c", "a: 'b: c'", "a: -b", "a: - b", "a: @x",
    "a: `x`", "a: |x", "a: >x", "a: %x", "a: ,x", "a: x,", "a: ?x", "a: ? x", "? x", "a: x:", "a:x",
    "title: 关于2025年“三夏”工作的通知\ndate: 2025-06-01\ntags: [农业, 三夏]\nattachments:\n  - file: a.pdf\n    title: 附件",
]


def test_yaml_11_12_and_hostile_traps_read_the_same() -> None:
    assert_same(TRAPS)
    # and those in a front matter with other keys around them
    assert_same([f"title: 通知\n{trap}\nauthor: 张三\n" for trap in TRAPS])
    assert_same([f"items:\n  - {trap.replace(chr(10), chr(10) + '    ')}\n" for trap in TRAPS])


PIECES = [
    "title: 关于做好春耕生产工作的通知", "date: 2026-03-05", "date: 2026-03-05 09:30", "tags: [乡村振兴, 春耕]",
    "importance: 1", "weight: 1.5", "draft: yes", "draft: true", "top: on", "n: 010", "t: 1:30", "e: 1e3",
    "x: ~", "x:", "x: null", "k: 'a: b'", 'k: "a\\tb"', "list:\n  - a\n  - b", "list:\n- 1\n- 2.0",
    "map:\n  a: 1\n  b: [x, y]", "map: {a: 1, b: 2}", "photo: {src: images/a.svg, alt: 照片}", "p: {a: 'b:c'}", "p: [a, 'b?']", "a: 1", "a: 2", "1: x", "<<: {m: 1}", "u: [http://x.cn]",
    "v: {a:b}", "w: [a?]", "s: |\n  行一\n  行二", "f: >\n  a\n  b", "q: 'it''s'", "bad: [a, b", "bad: 'x",
    "  indented: 1", "- item", "# comment", "", "z: x # c", "y: -1", "y: +.inf", "y: .NaN", "c: 0x10", "o: 0o7",
    "b: 0b2", "dup:\n  a: 1\n  a: 2", "withdrawn:\n  date: 2026-04-01\n  reason: 过期", "? k\n: v", "=: 1",
]


def test_random_mixes_read_the_same() -> None:
    rng = random.Random(16)
    texts = ["\n".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6))) for _ in range(3000)]
    assert_same(texts)


@pytest.mark.parametrize("text, value", [
    ("draft: yes\nn: 010\nt: 1:30\ne: 1e3\nd: 2026-03-05", {"draft": "yes", "n": 10, "t": "1:30", "e": 1000.0,
                                                             "d": "2026-03-05"}),
    ("a: [1, 2.5, true, null, x]", {"a": [1, 2.5, True, None, "x"]}),
])
def test_the_fast_path_gives_yaml_12_values(text: str, value: dict[str, object]) -> None:
    """What an editor's ``yes`` or ``010`` becomes does not depend on which parser read it."""
    assert decided(text)
    doc, findings = source.load_yaml(text, "a.md")
    assert doc is not None and not findings
    assert doc.data == value and [type(v) for v in doc.data.values()] == [type(v) for v in value.values()]


@pytest.mark.parametrize("text, expected", [
    ("title: 通知\ndate: 2026-03-01\ndate: 2026-03-05", [("Y004", 4)]),
    ("title: 通知\ntags: [http://x.cn]", [("Y001", 3)]),
    ("a: &x [1]\nb: [*x, *x]", [("Y005", 2), ("Y005", 3)]),
    ("title: 通知\nx: !!binary aGk=", [("Y001", 3)]),
])
def test_what_the_fast_path_cannot_decide_is_reported_by_the_reference(text: str, expected: list[tuple[str, int]],
                                                                      ) -> None:
    assert not decided(text)
    doc, findings = source.load_yaml(text, "a.md", 2)
    assert doc is None
    assert [(f.code, f.line) for f in findings] == expected
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in f.message) for f in findings)
