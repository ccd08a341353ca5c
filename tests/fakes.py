"""Fake but checksum-valid personal numbers for the review-gate corpus.

Every generator takes a :class:`random.Random`, so a corpus expanded with the
same seed is the same text every time.  Nothing here is a real person's
number: identity numbers use the fictional region ``4199xx`` (41 is a real
province code, 99 is not a real prefecture), mobiles mostly use the 170/171
virtual-operator segments, bank cards only have to pass Luhn, and landlines use
the demo's fake area code ``0000``.

Placeholders understood by :func:`expand` (each occurrence gets a fresh value):

=================  ==========================================================
``{id18}``         18-digit 居民身份证号, valid GB 11643-1999 check digit
``{id18x}``        same, but always one whose check digit is ``X``
``{id18x_lower}``  same as ``{id18x}`` written with a lower-case ``x``
``{id18_spaced}``  a valid ``{id18}`` written in groups of four (4199 0019 …)
``{id18_bad}``     18 digits shaped like an ID, wrong check digit
``{id15}``         15-digit legacy ID, region 4199xx, valid date 19YYMMDD
``{id15_bad}``     15 digits shaped like a legacy ID, impossible date
``{mobile}``       11-digit mobile number 1[3-9]X XXXX XXXX
``{mobile_dash}``  a mobile written 170-1234-5678
``{mobile_space}`` a mobile written 170 1234 5678
``{card}``         UnionPay-style card number (62…, 16 or 19 digits), Luhn-valid
``{card_bad}``     same shape, failing Luhn
``{landline}``     ``0000-`` + 8 digits
=================  ==========================================================
"""

from __future__ import annotations

import datetime as _dt
import random
import re

__all__ = [
    "PLACEHOLDERS",
    "card",
    "card_bad",
    "check_digit",
    "expand",
    "id15",
    "id15_bad",
    "id18",
    "id18_bad",
    "id18_spaced",
    "id18x",
    "landline",
    "luhn_ok",
    "mobile",
    "mobile_dash",
    "mobile_space",
]

# GB 11643-1999 / ISO 7064 MOD 11-2
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_MAP = "10X98765432"

_BIRTH_FIRST = _dt.date(1940, 1, 1)
_BIRTH_LAST = _dt.date(2008, 12, 31)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def _region(rng: random.Random) -> str:
    """A 6-digit region code of the fictional area 4199xx."""
    return "4199" + f"{rng.randrange(100):02d}"


def _birth(rng: random.Random, first: _dt.date = _BIRTH_FIRST, last: _dt.date = _BIRTH_LAST) -> _dt.date:
    return first + _dt.timedelta(days=rng.randrange((last - first).days + 1))


def check_digit(first17: str) -> str:
    """The GB 11643 check character (``0``–``9`` or ``X``) for 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"need 17 digits, got {first17!r}")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK_MAP[total % 11]


def _id18_body(rng: random.Random) -> str:
    return _region(rng) + _birth(rng).strftime("%Y%m%d") + _digits(rng, 3)


def id18(rng: random.Random) -> str:
    """An 18-digit ID number with a valid check digit (may end in ``X``)."""
    body = _id18_body(rng)
    return body + check_digit(body)


def id18x(rng: random.Random) -> str:
    """A valid 18-digit ID number whose check digit is ``X``."""
    while True:
        body = _id18_body(rng)
        if check_digit(body) == "X":
            return body + "X"


def id18_bad(rng: random.Random) -> str:
    """18 digits shaped like an ID number, but with a wrong check digit (always a digit)."""
    body = _id18_body(rng)
    good = check_digit(body)
    wrong = rng.choice([d for d in "0123456789" if d != good])
    return body + wrong


def id18_spaced(rng: random.Random) -> str:
    """A valid ID number written in groups of four: ``4199 0019 8503 1512 34``."""
    number = id18(rng)
    return " ".join(number[i : i + 4] for i in range(0, 18, 4))


def id15(rng: random.Random) -> str:
    """A 15-digit legacy ID number: region 4199xx + YYMMDD (a real 19YY date) + 3 digits."""
    birth = _birth(rng, _dt.date(1940, 1, 1), _dt.date(1999, 12, 31))
    return _region(rng) + birth.strftime("%y%m%d") + _digits(rng, 3)


def id15_bad(rng: random.Random) -> str:
    """15 digits shaped like a legacy ID number whose date part cannot exist."""
    yy = f"{rng.randrange(40, 100):02d}"
    month, day = rng.choice(
        [
            (13, rng.randrange(1, 29)),
            (rng.choice([0, 14, 19, 21]), rng.randrange(1, 29)),
            (rng.randrange(1, 13), rng.choice([0, 32, 35, 41])),
            (2, 30),
            (rng.choice([4, 6, 9, 11]), 31),
        ]
    )
    return _region(rng) + yy + f"{month:02d}{day:02d}" + _digits(rng, 3)


_OTHER_MOBILE_PREFIXES = ("133", "135", "137", "139", "150", "152", "158", "166", "177", "181", "186", "189", "199")


def mobile(rng: random.Random) -> str:
    """An 11-digit mobile number; mostly the 170/171 virtual-operator segments."""
    if rng.random() < 0.75:
        prefix = rng.choice(("170", "171"))
    else:
        prefix = rng.choice(_OTHER_MOBILE_PREFIXES)
    return prefix + _digits(rng, 8)


def mobile_dash(rng: random.Random) -> str:
    number = mobile(rng)
    return f"{number[:3]}-{number[3:7]}-{number[7:]}"


def mobile_space(rng: random.Random) -> str:
    number = mobile(rng)
    return f"{number[:3]} {number[3:7]} {number[7:]}"


def luhn_ok(digits: str) -> bool:
    """True when a string of digits passes the Luhn (mod 10) check."""
    if not digits or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _luhn_digit(partial: str) -> str:
    """The digit that, appended to ``partial``, makes it pass Luhn."""
    for d in "0123456789":
        if luhn_ok(partial + d):
            return d
    raise AssertionError("unreachable")


def card(rng: random.Random) -> str:
    """A bank card number starting with 62, 16 or 19 digits, passing Luhn."""
    length = rng.choice((16, 19))
    partial = "62" + _digits(rng, length - 3)
    return partial + _luhn_digit(partial)


def card_bad(rng: random.Random) -> str:
    """Same shape as :func:`card`, but failing Luhn."""
    length = rng.choice((16, 19))
    partial = "62" + _digits(rng, length - 3)
    good = int(_luhn_digit(partial))
    return partial + str((good + rng.randrange(1, 10)) % 10)


def landline(rng: random.Random) -> str:
    """A landline with the demo's fake area code: ``0000-`` + 8 digits."""
    return "0000-" + str(rng.randrange(2, 10)) + _digits(rng, 7)


def _id18x_lower(rng: random.Random) -> str:
    return id18x(rng).lower()


PLACEHOLDERS = {
    "id18": id18,
    "id18x": id18x,
    "id18x_lower": _id18x_lower,
    "id18_spaced": id18_spaced,
    "id18_bad": id18_bad,
    "id15": id15,
    "id15_bad": id15_bad,
    "mobile": mobile,
    "mobile_dash": mobile_dash,
    "mobile_space": mobile_space,
    "card": card,
    "card_bad": card_bad,
    "landline": landline,
}

# Longest names first, so that ``id18_bad`` is never read as ``id18``.
_PLACEHOLDER_RE = re.compile(
    r"\{(" + "|".join(sorted(map(re.escape, PLACEHOLDERS), key=len, reverse=True)) + r")\}"
)


def expand(text: str, rng: random.Random) -> str:
    """Replace every known placeholder in ``text`` with a fresh fake value.

    Only the exact names in :data:`PLACEHOLDERS` are touched; any other braces
    (``{title}``, ``{{ x }}``, ``{#id}`` …) are left as they are.
    """
    return _PLACEHOLDER_RE.sub(lambda m: PLACEHOLDERS[m.group(1)](rng), text)
