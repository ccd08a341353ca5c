"""Host labels follow 000 §5 and every reading of a 多音字 is accepted (R1.2, R1.3)."""

from __future__ import annotations

import pytest

from zhanqun.checks.labels import check_unit, expected_labels
from zhanqun.config import Unit


def unit(short_name: str, kind: str, label: str, hosting: str = "subdomain", **extra) -> Unit:
    return Unit("u", "全称", short_name, kind, hosting, label, "ORG", [], {}, **extra)


@pytest.mark.parametrize(
    "short_name, kind, label, ok",
    [
        ("发改委", "department", "fgw", True),
        ("发改委", "department", "fagaiwei", False),
        ("教育局", "department", "jyj", True),
        ("行政审批局", "department", "xzspj", True),
        ("行政审批局", "department", "hzspj", True),  # 行 also reads háng
        ("城关镇", "town", "chengguan", True),
        ("城关镇", "town", "chengguanzhen", True),
        ("城关镇", "town", "cgz", False),
        ("长乐镇", "town", "zhangle", True),  # 长 also reads zhǎng
        ("东城街道", "street", "dongcheng", True),
        ("东城街道", "street", "dongchengjiedao", True),
        ("东城街道", "street", "dc", False),
        ("县政府", "portal", "www", True),
        ("县政府", "portal", "xzf", False),
    ],
)
def test_label_rules(short_name, kind, label, ok):
    assert (label in expected_labels(unit(short_name, kind, label))) is ok


def _codes(u: Unit) -> list[tuple[str, str]]:
    return [(f.code, f.hint) for f in check_unit(u, "content/u/unit.yaml", lambda keys: (3, 1))]


def test_wrong_label_suggests_the_right_one():
    [(code, hint)] = _codes(unit("发改委", "department", "fagaiwei", hosting_reason="访问量大"))
    assert code == "C003" and "label: fgw" in hint


def test_label_override_needs_a_reason():
    assert _codes(unit("发改委", "department", "fagaiwei", label_reason="沿用已备案域名", hosting_reason="x")) == []


@pytest.mark.parametrize("kind", ["department", "town", "street"])
def test_subdomain_without_reason_is_a_warning(kind):
    codes = [c for c, _ in _codes(unit("城关镇" if kind != "department" else "发改委", kind,
                                       "chengguan" if kind != "department" else "fgw"))]
    assert codes == ["C005"]
    assert _codes(unit("发改委", "department", "fgw", hosting="channel")) == []
