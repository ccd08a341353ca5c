"""The corpus number generators really are valid (or invalid) as they claim.

Checksums are recomputed here independently of tests/fakes.py.
"""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from tests import fakes

N = 400


def gb11643_ok(number: str) -> bool:
    """Independent ISO 7064 MOD 11-2 check: sum(a_i * 2^(17-i)) + check ≡ 1 (mod 11)."""
    if not re.fullmatch(r"\d{17}[\dXx]", number):
        return False
    total = sum(int(ch) * pow(2, 17 - i, 11) for i, ch in enumerate(number[:17]))
    check = 10 if number[17] in "Xx" else int(number[17])
    return (total + check) % 11 == 1


def luhn(number: str) -> bool:
    """Independent Luhn: double every second digit from the right, digit-sum, mod 10."""
    total = 0
    for i, ch in enumerate(number[::-1]):
        d = int(ch) * (2 if i % 2 else 1)
        total += d // 10 + d % 10
    return total % 10 == 0


def real_date(text: str, fmt: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, fmt).date()
    except ValueError:
        return None


@pytest.fixture
def rng():
    return random.Random(20261121)


def test_check_digit_known_value():
    # The worked example from GB 11643-1999, appendix: 11010519491231002X.
    assert fakes.check_digit("11010519491231002") == "X"
    assert gb11643_ok("11010519491231002X")
    # A second, all-digit example: 440524188001010014.
    assert fakes.check_digit("44052418800101001") == "4"


def test_id18_valid(rng):
    for _ in range(N):
        n = fakes.id18(rng)
        assert re.fullmatch(r"4199\d{13}[\dX]", n), n
        assert gb11643_ok(n), n
        birth = real_date(n[6:14], "%Y%m%d")
        assert birth is not None and dt.date(1940, 1, 1) <= birth <= dt.date(2008, 12, 31), n
        assert fakes.check_digit(n[:17]) == n[17]


def test_id18x_ends_in_x(rng):
    for _ in range(50):
        n = fakes.id18x(rng)
        assert n.endswith("X") and gb11643_ok(n), n
        assert real_date(n[6:14], "%Y%m%d") is not None


def test_id18_bad_fails_check(rng):
    for _ in range(N):
        n = fakes.id18_bad(rng)
        assert re.fullmatch(r"4199\d{14}", n), n
        assert real_date(n[6:14], "%Y%m%d") is not None, n  # only the check digit is wrong
        assert not gb11643_ok(n), n


def test_id18_spaced(rng):
    for _ in range(100):
        s = fakes.id18_spaced(rng)
        assert re.fullmatch(r"4199 \d{4} \d{4} \d{4} \d[\dX]", s), s
        assert gb11643_ok(s.replace(" ", "")), s


def test_id15_valid_date(rng):
    for _ in range(N):
        n = fakes.id15(rng)
        assert re.fullmatch(r"4199\d{11}", n), n
        assert real_date("19" + n[6:12], "%Y%m%d") is not None, n


def test_id15_bad_impossible_date(rng):
    for _ in range(N):
        n = fakes.id15_bad(rng)
        assert re.fullmatch(r"4199\d{11}", n), n
        # Impossible in any century, not just the 1900s.
        for century in ("18", "19", "20"):
            assert real_date(century + n[6:12], "%Y%m%d") is None, n


def test_mobile(rng):
    seen = set()
    for _ in range(N):
        n = fakes.mobile(rng)
        assert re.fullmatch(r"1[3-9]\d{9}", n), n
        seen.add(n[:3])
    assert {"170", "171"} <= seen
    assert len(seen) > 2  # still random beyond the virtual segments
    assert re.fullmatch(r"1[3-9]\d-\d{4}-\d{4}", fakes.mobile_dash(rng))
    assert re.fullmatch(r"1[3-9]\d \d{4} \d{4}", fakes.mobile_space(rng))


def test_card_passes_luhn(rng):
    lengths = set()
    for _ in range(N):
        n = fakes.card(rng)
        assert re.fullmatch(r"62\d{14}(\d{3})?", n), n
        assert luhn(n) and fakes.luhn_ok(n), n
        lengths.add(len(n))
    assert lengths == {16, 19}


def test_card_bad_fails_luhn(rng):
    lengths = set()
    for _ in range(N):
        n = fakes.card_bad(rng)
        assert re.fullmatch(r"62\d{14}(\d{3})?", n), n
        assert not luhn(n) and not fakes.luhn_ok(n), n
        lengths.add(len(n))
    assert lengths == {16, 19}


def test_luhn_ok_reference_values():
    assert fakes.luhn_ok("79927398713")
    assert not fakes.luhn_ok("79927398710")
    assert fakes.luhn_ok("4111111111111111")
    assert not fakes.luhn_ok("")
    assert not fakes.luhn_ok("6222 0000")


def test_landline(rng):
    for _ in range(50):
        assert re.fullmatch(r"0000-\d{8}", fakes.landline(rng))


def test_expand_replaces_only_known_placeholders(rng):
    text = "身份证{id18}，旧证{id15}，手机{mobile}、{mobile}，卡{card}，座机{landline}；{title}、{{ name }}、{id19}、{#anchor}"
    out = fakes.expand(text, rng)
    assert "{title}" in out and "{{ name }}" in out and "{id19}" in out and "{#anchor}" in out
    assert not re.search(r"\{(id18|id15|mobile|card|landline)\}", out)
    mobiles = re.findall(r"手机(\d{11})、(\d{11})", out)
    assert mobiles and mobiles[0][0] != mobiles[0][1]  # each occurrence is a fresh value


def test_expand_every_placeholder(rng):
    for name in fakes.PLACEHOLDERS:
        out = fakes.expand("[{" + name + "}]", rng)
        assert out.startswith("[") and out.endswith("]") and "{" not in out, (name, out)
    out = fakes.expand("{id18_bad}|{id18x}|{id18x_lower}|{card_bad}", rng)
    bad, x_upper, x_lower, card_bad = out.split("|")
    assert not gb11643_ok(bad)
    assert x_upper.endswith("X") and gb11643_ok(x_upper)
    assert x_lower.endswith("x") and gb11643_ok(x_lower)
    assert not luhn(card_bad)


def test_expand_is_deterministic():
    text = "{id18} {mobile} {card} {landline}"
    assert fakes.expand(text, random.Random(7)) == fakes.expand(text, random.Random(7))
