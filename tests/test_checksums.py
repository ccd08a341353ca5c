"""Known vectors for the number checks of the personal-data gate (R4.2, issue 13 "Tests that can fail").

The ID number (GB 11643-1999: 18 digits, ISO 7064 MOD 11-2 check character 0–9 or X; 15-digit numbers of
before 1999 without one), Luhn (bank cards) and the mobile-number shape (1[3-9] and 11 digits) are tested
with published vectors and with near-misses: one digit changed, two neighbours swapped, a wrong X.

``test_mutant_*`` make each check always valid in a copy of src/zhanqun/checks/personal_data.py (an ast
transform), run the other tests of this file against the copy in a subprocess and assert that they FAIL:
a check that accepts everything cannot pass here.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from zhanqun.checks import personal_data, ruledata
from zhanqun.checks.personal_data import MOBILE, id15_valid, id18_valid, luhn_valid
from zhanqun.checks.textscan import Text

MODULE = Path(personal_data.__file__)
PROJECT = Path(__file__).resolve().parent.parent

# The worked example of GB 11643-1999 (Beijing 东城区 110105, born 1949-12-31, sequence 002, check X) and
# numbers of the fictional region 4199xx that tests/fakes.py uses.
VALID_ID18 = ["11010519491231002X", "11010519491231002x", "419900198001011239", "419900198001010017",
              "419900200002290014"]
VALID_ID15 = ["110105491231002", "419900800101123", "419900960229001"]
LUHN_VALID = ["79927398713", "4111111111111111", "378282246310005", "6011111111111117", "0", "18",
              "6222000000000000004"]
MOBILES = ["13800138000", "14512345678", "15012345678", "16612345678", "17012345678", "18912345678",
           "19912345678"]


def _swap(number: str, i: int) -> str:
    return number[:i] + number[i + 1] + number[i] + number[i + 2:]


def _change(number: str, i: int) -> str:
    return number[:i] + str((int(number[i]) + 1) % 10) + number[i + 1:]


# --- ID numbers, 18 digits ----------------------------------------------------------------------------


@pytest.mark.parametrize("number", VALID_ID18)
def test_id18_published_and_fake_vectors_are_valid(number: str) -> None:
    assert id18_valid(number)


def test_id18_check_character_is_iso7064_mod_11_2() -> None:
    """Every check character, computed by the standard's formula independently of the module."""
    weights = [pow(2, 17 - i, 11) for i in range(17)]  # ISO 7064: 2^(n-1) mod 11 = 7 9 10 5 8 4 2 1 6 3 …
    for seq in range(0, 300, 7):
        first17 = f"41990019800101{seq:03d}"
        check = (12 - sum(int(d) * w for d, w in zip(first17, weights)) % 11) % 11
        right = "X" if check == 10 else str(check)
        assert id18_valid(first17 + right), first17 + right
        for other in "0123456789X":
            if other != right:
                assert not id18_valid(first17 + other), first17 + other


@pytest.mark.parametrize("number", VALID_ID18[2:])
def test_id18_one_digit_changed_is_invalid(number: str) -> None:
    for i in range(17):
        changed = _change(number, i)
        # A changed date digit may also make an impossible date; either way it is not a valid number.
        assert not id18_valid(changed), (i, changed)


@pytest.mark.parametrize("number", VALID_ID18[2:])
def test_id18_transposition_is_invalid(number: str) -> None:
    for i in range(17):
        if number[i] != number[i + 1]:
            assert not id18_valid(_swap(number, i)), (i, _swap(number, i))


def test_id18_wrong_x_and_wrong_shapes() -> None:
    assert not id18_valid("110105194912310020")  # the worked example with 0 instead of X
    assert not id18_valid("419900198001011X39")  # X only as the check character
    assert not id18_valid("41990019800101123X")  # X where 9 belongs
    assert not id18_valid("11010519491231002Y")
    assert not id18_valid("1101051949123100X")  # 17 characters
    assert not id18_valid("11010519491231002X0")  # 19
    assert not id18_valid("419900198002301238")  # 30 February, check digit right for those digits
    assert not id18_valid("419900199913011236")  # month 13, check digit right for those digits


def test_id18_birth_date_and_province() -> None:
    number = "419900198001011239"
    assert not id18_valid(number, provinces=frozenset({11}))
    assert id18_valid(number, provinces=frozenset({41}))
    tomorrow = "41990020261122" + "001"
    import datetime as dt

    first17 = tomorrow
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    full = first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]
    assert not id18_valid(full, today=dt.date(2026, 11, 21))  # born after today
    assert id18_valid(full, today=dt.date(2026, 11, 22))


# --- ID numbers, 15 digits (before 1999: no check character, 19YYMMDD) ---------------------------------


@pytest.mark.parametrize("number", VALID_ID15)
def test_id15_vectors_are_valid(number: str) -> None:
    assert id15_valid(number)


def test_id15_near_misses() -> None:
    assert not id15_valid("110105491331002")  # month 13
    assert not id15_valid("110105490230002")  # 30 February
    assert not id15_valid("419900010229001")  # 1901 was not a leap year
    assert not id15_valid("11010549123100")  # 14 digits
    assert not id15_valid("1101054912310021")  # 16
    assert not id15_valid("11010549123100X")  # no check character in a 15-digit number
    assert not id15_valid("110105491231002", provinces=frozenset({41}))


# --- Luhn ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", LUHN_VALID)
def test_luhn_published_vectors_are_valid(number: str) -> None:
    assert luhn_valid(number)


@pytest.mark.parametrize("number", [n for n in LUHN_VALID if len(n) > 2])
def test_luhn_one_digit_changed_is_invalid(number: str) -> None:
    for i in range(len(number)):
        assert not luhn_valid(_change(number, i)), (i, _change(number, i))


@pytest.mark.parametrize("number", [n for n in LUHN_VALID if len(n) > 2])
def test_luhn_transposition_is_invalid(number: str) -> None:
    for i in range(len(number) - 1):
        pair = number[i:i + 2]
        if pair[0] != pair[1] and pair not in ("09", "90"):  # Luhn's one blind spot: 09 ↔ 90
            assert not luhn_valid(_swap(number, i)), (i, _swap(number, i))


def test_luhn_known_invalid() -> None:
    assert not luhn_valid("79927398710")
    assert not luhn_valid("79927398731")  # the last two swapped
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("1")


# --- Mobile numbers (through the scanner: the shape is the check) -------------------------------------


@pytest.fixture(scope="module")
def scanner() -> personal_data.Scanner:
    return personal_data.Scanner(ruledata.load()["personal_data"])


def _mobile_found(scanner: personal_data.Scanner, text: str) -> bool:
    return any(f.code == MOBILE for f in scanner.scan(Text(text, "content/x/y/a.md")))


@pytest.mark.parametrize("number", MOBILES)
def test_mobile_prefixes_13_to_19_are_found(scanner: personal_data.Scanner, number: str) -> None:
    assert _mobile_found(scanner, f"联系人：王某，电话{number}。")


@pytest.mark.parametrize("written", ["+86 17012345678", "+8617012345678", "（86）17012345678", "0086-17012345678",
                                     "170-1234-5678", "170 1234 5678", "170.1234.5678", "１７０１２３４５６７８"])
def test_mobile_written_forms_are_found(scanner: personal_data.Scanner, written: str) -> None:
    assert _mobile_found(scanner, f"联系人：王某，电话 {written} 。")


@pytest.mark.parametrize("number", ["10012345678", "11012345678", "12012345678",  # no such prefix
                                    "1701234567", "170123456789", "1701234567890",  # 10, 12, 13 digits
                                    "a17012345678", "17012345678b", "0.17012345678"])
def test_mobile_near_misses_are_not_mobiles(scanner: personal_data.Scanner, number: str) -> None:
    assert not _mobile_found(scanner, f"编号：{number}。")


def test_mobile_masked_and_office_lines(scanner: personal_data.Scanner) -> None:
    assert not _mobile_found(scanner, "联系电话：170****5678。")
    assert not _mobile_found(scanner, "监督电话：17012345678。")
    assert _mobile_found(scanner, "联系电话：17012345678。")


# --- Mutants: each check made always valid must make the tests above fail -----------------------------


class _Mutation(ast.NodeTransformer):
    changed = 0  # how many nodes the mutation replaced: exactly one each, or the test is out of date


class _AlwaysTrue(_Mutation):
    """In function ``name``, every ``return <comparison>`` becomes ``return True``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.changed = 0

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        if node.name != self.name:
            return node
        for child in ast.walk(node):
            if isinstance(child, ast.Return) and isinstance(child.value, ast.Compare):
                child.value = ast.Constant(True)
                self.changed += 1
        return node


class _AnyEleven(_Mutation):
    """The mobile pattern ``_MOBILE`` becomes any eleven digits: no prefix, no length left to check."""

    def visit_Assign(self, node: ast.Assign) -> ast.Assign:
        if any(isinstance(t, ast.Name) and t.id == "_MOBILE" for t in node.targets):
            node.value = ast.parse('re.compile(r"[0-9]{11}")', mode="eval").body
            self.changed += 1
        return node


BOOT = textwrap.dedent("""
    import importlib.util, sys
    import zhanqun.checks, zhanqun.findings
    for code in ("P001", "P002", "P003", "P004"):
        zhanqun.findings.RULES.pop(code, None)
    spec = importlib.util.spec_from_file_location("zhanqun.checks.personal_data", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    sys.modules["zhanqun.checks.personal_data"] = module
    spec.loader.exec_module(module)
    zhanqun.checks.personal_data = module
    import pytest
    sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "-k", sys.argv[2], sys.argv[3]]))
""")


def _run_against(tmp_path: Path, transformer: _Mutation, selection: str) -> subprocess.CompletedProcess[str]:
    tree = transformer.visit(ast.parse(MODULE.read_text(encoding="utf-8")))
    assert transformer.changed == 1, "the mutation no longer applies: update the test"
    mutant = tmp_path / "personal_data_mutant.py"
    mutant.write_text(ast.unparse(ast.fix_missing_locations(tree)), encoding="utf-8")
    return subprocess.run([sys.executable, "-c", BOOT, str(mutant), selection, __file__],
                          cwd=PROJECT, capture_output=True, text=True, timeout=300, check=False)


MUTANTS: dict[str, tuple[Callable[[], _Mutation], str]] = {
    "id18": (lambda: _AlwaysTrue("id18_valid"), "id18 and not mutant"),
    "luhn": (lambda: _AlwaysTrue("luhn_valid"), "luhn and not mutant"),
    "mobile": (_AnyEleven, "mobile and not mutant"),
}


@pytest.mark.parametrize("name", list(MUTANTS))
def test_mutant_always_valid_fails_the_tests(tmp_path: Path, name: str) -> None:
    make, selection = MUTANTS[name]
    result = _run_against(tmp_path, make(), selection)
    assert result.returncode == 1, result.stdout + result.stderr  # 1: tests ran and some failed
    assert " failed" in result.stdout and " passed" in result.stdout, result.stdout


def test_unmutated_copy_passes(tmp_path: Path) -> None:
    """The subprocess harness itself is sound: the module copied without a change passes the same tests."""

    unchanged = _Mutation()
    unchanged.changed = 1
    result = _run_against(tmp_path, unchanged, "(id18 or id15 or luhn or mobile) and not mutant")
    assert result.returncode == 0, result.stdout + result.stderr
