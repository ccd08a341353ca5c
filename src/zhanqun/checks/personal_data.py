"""Personal data (R4.2, 001 §9): ID numbers, mobile numbers, bank cards, a name next to a home address.

Numbers are validated (GB 11643 check digit, a real date, Luhn and card prefixes), so 索引号, 文号 and order
numbers stay quiet. Messages never show a full number: only its masked form.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from typing import Any

from zhanqun.checks.textscan import Text
from zhanqun.findings import Finding, Severity, define, mask_numbers as mask

ID_NUMBER = define(
    "P001", "id-number", Severity.ERROR, "含有居民身份证号码。",
    why="身份证号是公民个人信息，公开发布违反《个人信息保护法》和 001 号文件第九条；检查中属于单项否决。",
    example="拟发放补贴人员名单：李秀兰 419900********1239（此处是完整的、校验码正确的 18 位号码）",
    fix="删除号码，或只保留前 6 位和后 4 位以外全部用 * 代替（如 419900********1234）；名单类附件同样处理。",
    requirement="R4.2",
)
MOBILE = define(
    "P002", "mobile-number", Severity.ERROR, "含有个人手机号码。",
    why="个人手机号属于个人信息，不得在政府网站公开。机关的公开电话、监督电话不受此限。",
    example="联系人：张某，联系电话：170****5678（此处是完整的 11 位手机号）",
    fix="改为单位的办公电话；确需公开的服务电话请在号码前写明“咨询电话”“监督电话”等。",
    requirement="R4.2",
)
BANK_CARD = define(
    "P003", "bank-card", Severity.ERROR, "含有银行卡号。",
    why="个人银行卡号属于敏感个人信息；补贴发放名单中最常见。",
    example="补贴发放账号：6222 00** **** ***0 004（此处是完整的 19 位卡号）",
    fix="删除卡号，或只保留后 4 位。单位的对公收款账户请在号码前写明“收款账户”。",
    requirement="R4.2",
)
NAME_ADDRESS = define(
    "P004", "name-with-home-address", Severity.ERROR, "姓名旁边写有详细的家庭住址。",
    why="姓名加上门牌号、楼栋、单元或房号，足以找到具体的人，属于个人信息。",
    example="李秀兰，女，住城关镇幸福路18号3栋2单元501室",
    fix="住址只写到村（社区）一级，如“城关镇幸福社区”；或删除姓名。",
    requirement="R4.2",
)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# Each pattern starts with a digit and checks what precedes it afterwards, so the regex engine can skip
# straight to digits (a leading lookbehind would be tried at every character of a long Chinese text).
# The text is normalised (R4.10, checks/normalise.py): invisible characters are gone, full-width digits folded,
# and a separator inside a number is a space, "-" or "." (a mobile written 138.0013.8000 or 138－0013－8000).
_SEP = r"[ .\-]"
_NUMBER = re.compile(rf"[0-9](?<![0-9A-Za-z][0-9])(?<![0-9]\.[0-9])(?:{_SEP}?[0-9]){{13,16}}{_SEP}?[0-9Xx](?![0-9A-Za-z]|\.[0-9])")
_MOBILE = re.compile(rf"1[3-9][0-9]{_SEP}?[0-9]{{4}}{_SEP}?[0-9]{{4}}(?![0-9A-Za-z]|\.[0-9])")
_MOBILE_PREFIX = re.compile(r"(?:\+|00|\(|（)?86[)）]?[ \-]?$")
_CARD = re.compile(rf"[0-9](?<![0-9A-Za-z][0-9])(?<![0-9]\.[0-9])[0-9]{{3}}(?:{_SEP}?[0-9]{{4}}){{2,3}}(?:{_SEP}?[0-9]{{1,3}})?(?![0-9A-Za-z]|\.[0-9])")
# Starts only at the first digit of a run (the look-behind after the first character), so a long run of
# digits or numerals is tried once, not once per position.
_DETAIL = re.compile(r"(?:\d(?<!\d\d)\d*|[一二三四五六七八九十百零〇](?<![一二三四五六七八九十百零〇][一二三四五六七八九十百零〇])"
                     r"[一二三四五六七八九十百零〇]*)\s*(?:号楼|号院|号|栋|幢|单元|室|组|排|户)")
_HAS_DIGIT = re.compile(r"[0-9]")
# What ends a _DETAIL match (单 of 单元), found faster than _DETAIL itself: _DETAIL tries every character
_DETAIL_END = re.compile(r"[号栋幢单室组排户]")
_NUMERALS = frozenset("一二三四五六七八九十百零〇")
_NOT_A_PHONE_AFTER = tuple("元万亿次人个件户台吨斤亩")
_DIGITS = re.compile(r"[^0-9Xx]")


def id18_valid(number: str, provinces: frozenset[int] | None = None, today: dt.date | None = None) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if provinces is not None and int(number[:2]) not in provinces:
        return False
    if not _plausible_birth(number[6:14], today):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS))
    return _CHECK[total % 11] == number[17].upper()


def id15_valid(number: str, provinces: frozenset[int] | None = None) -> bool:
    if len(number) != 15 or not number.isdigit():
        return False
    if provinces is not None and int(number[:2]) not in provinces:
        return False
    return _plausible_birth("19" + number[6:12], None)


def _plausible_birth(yyyymmdd: str, today: dt.date | None) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= (today or dt.date.today())


def luhn_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


class Scanner:
    def __init__(self, data: dict[str, Any]) -> None:
        self.provinces = frozenset(int(p) for p in data["provinces"])
        self.office_labels = tuple(data["office_phone_labels"])
        self.account_labels = tuple(data["public_account_labels"])
        self.card_rules = [(str(r["prefix"]), frozenset(r["lengths"]), tuple(r.get("range", (0, 9999))))
                           for r in data["card_rules"]]
        surnames = sorted(data["surnames"], key=len, reverse=True)
        sep = r"[\s|｜，,、：:；;（(）)【】\[\]“”\"'·]"
        # A personal name is a field of its own: a surname and one or two characters between separators.
        roles = "|".join(map(re.escape, sorted(data["name_cues"], key=len, reverse=True)))
        family = "|".join(map(re.escape, surnames))
        verbs = "|".join(map(re.escape, data["name_verbs"]))
        # (the name patterns, with every surname, are compiled when an address is first found: issue 16, R4.9)
        self._name = (rf"(?:^|(?<={sep})|(?:{roles}))((?:{family})[\u4e00-\u9fa5]{{1,2}})"
                      rf"(?=$|{sep}|同志|先生|女士|家住|住)")
        # With 家住/住址 nearby a name may also follow 的 or precede a verb of speech ("受益的张卫东（住…", "吕国栋告诉记者").
        self._loose_name = (rf"(?:^|(?<={sep})|(?:{roles}|的|是|为|对|向))((?:{family})[\u4e00-\u9fa5]{{1,2}})"
                            rf"(?=$|{sep}|同志|先生|女士|家住|住|{verbs})")
        owners = "|".join(map(re.escape, data["owner_cues"]))
        self._owner_after = rf"^[\s（(，,]*(?:{owners})[:：\s]*((?:{family})[\u4e00-\u9fa5]{{1,2}})"
        home = "|".join(map(re.escape, sorted(data["home_cues"], key=len, reverse=True)))
        office = "|".join(map(re.escape, sorted(data["office_cues"], key=len, reverse=True)))
        self.home_cue = re.compile(rf"(?:{home})")
        self.office_cue = re.compile(rf"(?:{office})")
        number = r"(?:\d+|[一二三四五六七八九十百零〇]+)"
        place = r"[\u4e00-\u9fa5]{1,6}?(?:路|街|巷|大道|道|弄|胡同|小区|花园|公寓|新村|家园|苑|村|屯|社区|组)"
        detail = rf"(?:{number}\s*(?:号楼|号院|号|栋|幢|单元|室|楼|组|排|户))"
        # A detailed address: a road, village or estate followed by house, building, unit or room numbers.
        self.address = re.compile(rf"{place}[\u4e00-\u9fa5]{{0,8}}?(?:{detail}\s*){{1,5}}")

    @functools.cached_property
    def name(self) -> re.Pattern[str]:
        return re.compile(self._name)

    @functools.cached_property
    def loose_name(self) -> re.Pattern[str]:
        return re.compile(self._loose_name)

    @functools.cached_property
    def owner_after(self) -> re.Pattern[str]:
        return re.compile(self._owner_after)

    def scan(self, doc: Text) -> Iterator[Finding]:
        self._headers: dict[int, str | None] = {}
        taken: list[tuple[int, int]] = []
        if _HAS_DIGIT.search(doc.text):
            yield from self._ids(doc, taken)
            yield from self._mobiles(doc, taken)
            yield from self._cards(doc, taken)
        yield from self._addresses(doc)

    def _card_like(self, number: str) -> bool:
        return any(number.startswith(prefix) and len(number) in lengths and low <= int(number[:4]) <= high
                   for prefix, lengths, (low, high) in self.card_rules)

    def _labelled(self, doc: Text, start: int, labels: tuple[str, ...]) -> bool:
        """A label close before the number on its line, or heading its column in a Markdown table."""
        line_start, line_end = doc.line_at(start)
        before = doc.text[max(line_start, start - 16): start]
        if any(label in before for label in labels):
            return True
        header = _table_header(doc, line_start, line_end, start, self._headers)
        return bool(header) and any(label in header for label in labels)

    def _ids(self, doc: Text, taken: list[tuple[int, int]]) -> Iterator[Finding]:
        for match in _NUMBER.finditer(doc.text):
            number = _DIGITS.sub("", match.group()).upper()
            if len(number) == 18 and id18_valid(number, self.provinces):
                taken.append(match.span())
                yield doc.finding(match.start(), ID_NUMBER, f"含有身份证号 {mask(number)}。",
                                  "删除号码，或只保留前 6 位和后 4 位，中间用 * 代替。", key=mask(number))
            elif len(number) == 18 and number.endswith("000") and int(number[:2]) in self.provinces \
                    and _plausible_birth(number[6:14], None):
                # Excel keeps 15 significant digits: an ID stored as a number ends in 000 and fails its check digit.
                taken.append(match.span())
                yield doc.finding(match.start(), ID_NUMBER, f"疑似身份证号 {mask(number)}（末三位为 000，可能被 Excel 存成了数字）。",
                                  "删除号码；名单类表格请删除身份证号一列或打码。", key=mask(number))
            elif len(number) == 15 and id15_valid(number, self.provinces):
                taken.append(match.span())
                yield doc.finding(match.start(), ID_NUMBER, f"含有 15 位旧身份证号 {mask(number)}。",
                                  "删除号码，或中间用 * 代替。", key=mask(number))

    def _mobiles(self, doc: Text, taken: list[tuple[int, int]]) -> Iterator[Finding]:
        text = doc.text
        for match in _MOBILE.finditer(text):
            start = match.start()
            if start and ((text[start - 1].isascii() and text[start - 1].isalnum())
                          or (text[start - 1] == "." and text[start - 2:start - 1].isdigit())) \
                    and not _MOBILE_PREFIX.search(text[max(0, start - 6):start]):
                continue  # part of a longer number (or of a decimal: 0.13800138000)
            if _overlaps(match.span(), taken):
                continue
            taken.append(match.span())
            if text[match.end():match.end() + 1] in _NOT_A_PHONE_AFTER and text[match.end():match.end() + 1]:
                continue  # 13500000000元, 13867543210次: an amount or a count
            if self._labelled(doc, match.start(), self.office_labels):
                continue
            number = re.sub(r"\D", "", match.group())
            yield doc.finding(match.start(), MOBILE, f"含有手机号 {mask(number)}。",
                              "改为单位办公电话；公开的服务电话请在号码前写明“咨询电话”“监督电话”等。", key=mask(number))

    def _cards(self, doc: Text, taken: list[tuple[int, int]]) -> Iterator[Finding]:
        for match in _CARD.finditer(doc.text):
            number = _DIGITS.sub("", match.group())
            if _overlaps(match.span(), taken) or not self._card_like(number) or not luhn_valid(number):
                continue
            if len(number) == 18 and int(number[:2]) in self.provinces and _plausible_birth(number[6:14], None):
                continue  # shaped like an ID number with a wrong check digit (a 受理流水号, say): neither
            taken.append(match.span())
            if self._labelled(doc, match.start(), self.account_labels):
                continue
            yield doc.finding(match.start(), BANK_CARD, f"含有银行卡号 {mask(number)}。",
                              "删除卡号或只保留后 4 位；单位对公账户请写明“收款账户”。", key=mask(number))

    def _addresses(self, doc: Text) -> Iterator[Finding]:
        text = doc.text
        done = -1
        begin = _first_detail(text)
        for detail in _DETAIL.finditer(text, begin) if begin is not None else ():
            if detail.start() < done:
                continue
            # The full address pattern runs only around a house, building or room number.
            window_start = max(doc.line_at(detail.start())[0], detail.start() - 24)
            match = self.address.search(text, window_start, min(len(text), detail.end() + 24))
            if match is None or match.start() > detail.start():
                continue
            done = match.end()
            start = match.start()
            line_start, _ = doc.line_at(start)
            before = text[max(line_start, start - 30): start]
            # The address pattern may begin a few characters early ("住城关镇…", "位于人民路…"): look at both sides.
            if self.office_cue.search(text[max(line_start, start - 12): start + 6]):
                continue
            cue = self.home_cue.search(text[max(line_start, start - 8): start + 6])
            if cue:  # 家住/住址: the person may be named anywhere earlier in the line
                window = text[max(line_start, start - 100): start + 8]
                names = [n for n in self.loose_name.finditer(window)
                         if "某" not in n.group(1) and n.end(1) <= len(window) - 2]
            else:  # otherwise the name must come first, close before the address (a list row)
                window = text[max(line_start, start - 30): start + 8]
                names = [n for n in self.name.finditer(window) if "某" not in n.group(1)
                         and n.end(1) <= len(before) and len(before) - n.end(1) <= 12]
            owner = self.owner_after.search(text[match.end(): match.end() + 16])
            if owner and "某" not in owner.group(1):
                names.append(owner)
            if names:
                name = names[-1].group(1)
                yield doc.finding(match.start(), NAME_ADDRESS, f"“{name[0]}*”旁边写有详细住址“{_shorten(match.group())}”。",
                                  "住址只写到村（社区）一级，或删除姓名。", key=name[0] + _shorten(match.group()))


def _first_detail(text: str) -> int | None:
    """Where :data:`_DETAIL` can first match (or before it), None when it cannot: a match is a run of digits
    (``str.isdecimal``, ``\\d``) or numerals, white space (``\\s``, ``str.isspace``), then a unit word, so it
    begins in the run before the first unit word preceded that way (issue 16: most texts have none, and the
    search from there finds the same matches: none begins earlier)."""
    for end in _DETAIL_END.finditer(text):
        at = end.start() - 1
        while at >= 0 and text[at].isspace():
            at -= 1
        if at < 0 or not (text[at].isdecimal() or text[at] in _NUMERALS):
            continue
        while at > 0 and (text[at - 1].isdecimal() or text[at - 1] in _NUMERALS):
            at -= 1
        return at
    return None


def _table_header(doc: Text, line_start: int, line_end: int, offset: int, memo: dict[int, str | None] | None = None) -> str:
    """The header cell above ``offset`` when it lies in a Markdown table row, else ''."""
    text = doc.text
    if not text[line_start:line_end].lstrip().startswith("|"):
        return ""
    header = _header_row(text, line_start, {} if memo is None else memo)
    if header is None:
        return ""
    column = text[line_start:offset].count("|")
    cells = header.split("|")
    return cells[column] if column < len(cells) else ""


def _header_row(text: str, line_start: int, memo: dict[int, str | None]) -> str | None:
    """The header row of the table holding the row at ``line_start`` (None if there is none), memoised per row
    so that a table of thousands of numbers is walked once, not once per number."""
    chain = []
    start = line_start
    result: str | None = None
    while True:
        if start in memo:
            result = memo[start]
            break
        chain.append(start)
        if start == 0:
            break
        previous = text.rfind("\n", 0, start - 1) + 1
        row = text[previous:start - 1]
        if not row.lstrip().startswith("|"):
            break
        if re.fullmatch(r"[\s|:\-]+", row):  # the |---| separator: the header is the row above it
            above = text.rfind("\n", 0, previous - 1) + 1 if previous else 0
            header = text[above:previous - 1] if previous else ""
            result = header if header.lstrip().startswith("|") else None
            break
        start = previous
    for row_start in chain:
        memo[row_start] = result
    return result


def _shorten(address: str) -> str:
    address = re.sub(r"^.*?(?:家住|住址|住)[:：]?", "", address.strip())
    return address if len(address) <= 8 else address[:6] + "…"


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)
