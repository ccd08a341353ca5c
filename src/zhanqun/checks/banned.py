"""Banned content (R4.4, 000 §11, 004 §16): gambling and porn spam, illegal services, pasted watermarks.

Term lists by category live in data/banned.yaml. Context decides: a term in a promotion is an error, in an
enforcement or regulation context it is ordinary government prose ("严厉打击赌博违法犯罪"), otherwise a
person should look. Terms are found with one Aho–Corasick automaton (ahocorasick-rs; see bench/scan.py).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

from zhanqun.checks import spam
from zhanqun.checks.textscan import Text
from zhanqun.findings import Finding, Severity, define

PROMOTION = define(
    "X001", "banned-promotion", Severity.ERROR, "含有赌博、色情或违法服务的推广内容（含博彩网站名称链条）。",
    why="政府网站出现赌博、色情推广是最常见的被挂马、被篡改迹象，也是检查中的单项否决（000 §11、004 §16）。",
    example="澳门XX娱乐城官网，注册即送彩金，真人荷官在线 bet365 188bet",
    fix="删除这段内容，检查来源文件是否被篡改；如是从网上复制的材料，请换用权威来源。",
    requirement="R4.4",
)
REVIEW = define(
    "X002", "banned-term-review", Severity.WARNING, "出现赌博、色情或违法服务类词语，需要人工确认。",
    why="这类词可能是正常报道（如打击赌博的新闻），也可能是被插入的垃圾信息，由审核人判断。",
    example="……推出百家乐……",
    fix="如是执法、警示类报道，写明语境（如“打击”“查处”）即可；如是误粘贴的内容，删除。",
    requirement="R4.4",
)
WATERMARK = define(
    "X003", "commercial-watermark", Severity.WARNING, "含有商业网站的转载水印或引流语。",
    why="从商业网站复制文章时常带有“转载请注明出处”“更多精彩请关注”等水印，既不规范，也为商业网站引流。"
        "带名单外网址的水印、“本文来源于某某网”和外站导航是错误 X004。",
    example="更多精彩内容请关注今日头条县域网；如有侵权请联系删除",
    fix="删除水印和引流语；转载应来自 cluster.yaml 的 sources 所列权威来源，并在头信息 source 中写明。",
    requirement="R4.4, R2.9",
)


TRIGGER = (-1, False)  # payload of a watermark trigger word in the shared automaton
BRAND_HINT = -2  # payload category of a brand hint: (-2, index of the brand pattern)
SHAPE_TRIGGER = (-3, False)  # payload of a word that sends its line through the spam shapes (spam.py)
NUMBER_TRIGGER = (-4, False)  # a lucky number (365, 888): its line is shaped if letters or a root are near
SHAPE_MESSAGES = {  # code: (message with {quoted}, hint)
    spam.PASTED: ("粘贴了商业网站的水印或导航“{quoted}”。",
                  "删除水印；转载请用权威来源并在头信息 source 中写明。可靠网站请电子政务办加入 link_allowlist。"),
    spam.CHAIN: ("出现博彩品牌记号链条“{quoted}”。", "删除这段内容，并检查文件是否被篡改。"),
    spam.SUFFIX: ("出现博彩品牌引流写法“{quoted}”。", "删除这段内容，并检查文件是否被篡改或误粘贴。"),
    spam.NOISE: ("句中插入大量装饰符号“{quoted}”，疑似垃圾信息。", "删除这段内容，并检查文件是否被篡改。"),
    spam.MARKS: ("出现博彩网站的导航或署名“{quoted}”。", "删除这段内容，并检查文件是否被篡改。"),
}
_UPPER = re.compile(r"[A-Z]")


class Scanner:
    def __init__(self, data: dict[str, Any], bulk: bool = True, allow: tuple[str, ...] = ()) -> None:
        """``bulk``: many texts will be scanned (a whole cluster), so a DFA that takes longer to build but scans
        twice as fast pays off; pre-commit scans a few files and builds the NFA (see bench/gates.py).
        ``allow``: domains whose addresses are not commercial watermarks (links.yaml allow, link_allowlist)."""
        import ahocorasick_rs

        self.categories = data["categories"]
        terms: dict[str, tuple[int, int]] = {}  # term -> (category, strong) or (BRAND_HINT, brand) or a trigger
        for index, category in enumerate(self.categories):
            for term in category.get("terms", []):
                terms.setdefault(term.lower(), (index, False))
            for term in category.get("strong", []):
                terms[term.lower()] = (index, True)
        for trigger in data.get("watermark_triggers", []):
            terms.setdefault(str(trigger).lower(), TRIGGER)
        self.brands = [(i, re.compile(p, re.IGNORECASE))
                       for i, c in enumerate(self.categories) for p in c.get("brands", [])]
        self.unhinted = []  # brand patterns without hints run on every text
        brand = 0
        for category in self.categories:
            for _ in category.get("brands", []):
                hints = [str(h).lower() for h in category.get("brand_hints", [])]
                for hint in hints:
                    terms.setdefault(hint, (BRAND_HINT, brand))
                if not hints:
                    self.unhinted.append(brand)
                brand += 1
        self.promo = tuple(data["promo_cues"])
        self.strong_enforcement = tuple(data["enforcement_cues"])
        self.enforcement = self.strong_enforcement + tuple(data.get("caution_cues", []))
        self.shapes = spam.Shapes(data["shapes"], allow, self.enforcement, self.promo) if "shapes" in data else None
        shape_triggers = set(self.shapes.triggers()) if self.shapes else set()
        for trigger in shape_triggers:
            terms.setdefault(trigger, SHAPE_TRIGGER)
        for trigger in self.shapes.number_triggers() if self.shapes else []:
            terms.setdefault(trigger, NUMBER_TRIGGER)
        self.terms = list(terms)
        self.payload = [terms[t] for t in self.terms]
        # A word can be a term or brand hint and a shape trigger at once (bet, 娱乐城): its line is shaped too.
        self.also_shaped = {i for i, t in enumerate(self.terms) if t in shape_triggers and self.payload[i] != SHAPE_TRIGGER}
        # One pass finds category terms and watermark triggers alike; overlapping, so neither hides the other.
        implementation = ahocorasick_rs.Implementation.DFA if bulk else ahocorasick_rs.Implementation.ContiguousNFA
        self.automaton = ahocorasick_rs.AhoCorasick(
            self.terms, matchkind=ahocorasick_rs.MatchKind.Standard, implementation=implementation,
        ) if self.terms else None
        self.chain = int(data["brand_chain"])
        self.watermarks = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in data["watermarks"]]
        self.has_triggers = bool(data.get("watermark_triggers"))

    def scan(self, doc: Text) -> Iterator[Finding]:
        text = doc.text
        # ASCII only: str.lower() can lengthen a text ("İ" becomes two characters) and shift every offset after
        # it; the term lists are ASCII and Chinese. Most Chinese text has no capitals: no copy then.
        # bytes.lower() changes ASCII letters only, and no byte of a character beyond ASCII is one (issue 16: a
        # fifth of the time str.translate took)
        lowered = text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass") \
            if _UPPER.search(text) else text
        hits: list[tuple[int, int, int, int]] = []  # start, end, category, strong (a bool)
        triggered: list[int] = []
        shaped: list[int] = []  # offsets of words that send their line through the spam shapes
        numbers: list[int] = []  # offsets of lucky numbers (their lines are shaped if letters are near)
        hinted = set(self.unhinted)
        if self.automaton is not None:
            for index, start, end in self.automaton.find_matches_as_indexes(lowered, overlapping=True):
                category, extra = self.payload[index]
                if index in self.also_shaped:
                    shaped.append(start)
                if category == SHAPE_TRIGGER[0]:
                    shaped.append(start)
                elif category == NUMBER_TRIGGER[0]:
                    numbers.append(start)
                elif category == TRIGGER[0]:
                    triggered.append(start)
                elif category == BRAND_HINT:
                    hinted.add(extra)
                else:
                    hits.append((start, end, category, extra))
        brand_hits = [(m.start(), m.end(), self.brands[b][0]) for b in sorted(hinted)
                      for m in self.brands[b][1].finditer(lowered)]
        promotions: dict[int, Finding] = {}  # line -> the X001 of that line
        reviews: dict[int, Finding] = {}  # line -> the X002 of that line (dropped where the line has an X001)
        brand_hits.sort()
        starts = [b[0] for b in brand_hits]
        for start, end, category in brand_hits:
            # Brands within 80 characters of each other form a chain (a sliding window, not all pairs).
            chain = brand_hits[bisect.bisect_left(starts, start - 79): bisect.bisect_right(starts, start + 79)]
            line = doc.position(start)[0]
            if len(chain) >= self.chain:
                if line not in promotions and not self._enforcement(doc, start, end, strict=True):
                    names = "、".join(text[b[0]:b[1]] for b in chain[:4])
                    promotions[line] = doc.finding(start, PROMOTION, f"出现博彩网站名称链条：{names}。",
                                                   "删除这段内容，并检查文件是否被篡改。", key=names)
            else:
                hits.append((start, end, category, False))
        for start, end, category, strong in sorted(hits):
            line = doc.position(start)[0]
            if line in promotions:
                continue
            term = text[start:end]
            name = self.categories[category]["name"]
            error = self.categories[category].get("severity", "error") == "error"
            # Strong terms are promotion by themselves: only a real enforcement context in the same sentence
            # (破获, 查处 …) clears them, not a stray 不要 or 教育 elsewhere in the paragraph.
            if self._enforcement(doc, start, end, strict=bool(strong)):
                continue
            if error and (strong or self._promotion(doc, start, end)):
                promotions[line] = doc.finding(start, PROMOTION, f"出现{name}推广内容“{term}”。",
                                               "删除这段内容，并检查文件是否被篡改或误粘贴。", key=term)
            elif line not in reviews:
                reviews[line] = doc.finding(start, REVIEW, f"出现{name}类词语“{term}”，请确认语境。",
                                            "执法、警示类报道请写明语境（如“打击”“查处”）；误粘贴的内容请删除。", key=term)
        if self.shapes is not None and (shaped or numbers):
            self._shapes(doc, lowered, shaped, numbers, promotions)
        yield from promotions.values()
        yield from (f for line, f in reviews.items() if line not in promotions)
        yield from self._watermarks(doc, triggered, set(promotions) | set(reviews))

    def _shapes(self, doc: Text, lowered: str, offsets: list[int], numbers: list[int], errors: dict[int, Finding]) -> None:
        """Add the spam shapes and pasted watermarks (X004–X008) of lines that have no X001 yet."""
        shapes = self.shapes
        assert shapes is not None  # called only when the rule data has shapes
        lines = {doc.line_at(offset) for offset in offsets}
        lines |= {line for line in {doc.line_at(offset) for offset in numbers} - lines
                  if shapes.number_line(lowered[line[0]:line[1]])}
        for shape in shapes.scan(doc, sorted(lines)):
            line = doc.position(shape.start)[0]
            if line in errors:
                continue
            message, hint = SHAPE_MESSAGES[shape.code]
            quoted = shape.quoted[:48]
            errors[line] = doc.finding(shape.start, shape.code, message.format(quoted=quoted), hint, key=quoted)

    def _watermarks(self, doc: Text, triggered: list[int], reported: set[int]) -> Iterator[Finding]:
        if not self.has_triggers:
            lines = [(0, len(doc.text))]
        else:  # only lines holding a trigger word go through the regular expressions
            lines = sorted({doc.line_at(start) for start in triggered})
        for line_start, line_end in lines:
            for pattern in self.watermarks:
                match = pattern.search(doc.text, line_start, line_end)
                if match is None:
                    continue
                line = doc.position(match.start())[0]
                if line in reported:
                    break
                reported.add(line)
                yield doc.finding(match.start(), WATERMARK, f"疑似商业网站水印或引流语“{match.group()[:24]}”。",
                                  "删除水印和引流语；转载请使用权威来源并在头信息 source 中写明。", key=match.group()[:24])
                break

    def _enforcement(self, doc: Text, start: int, end: int, strict: bool = False) -> bool:
        """An enforcement, regulation or service context. ``strict``: a strong cue in the same sentence."""
        if strict:
            sentence = doc.sentence_at(start, end)
            return any(cue in sentence for cue in self.strong_enforcement)
        paragraph = doc.paragraph_at(start, end)
        return any(cue in paragraph for cue in self.enforcement)

    def _promotion(self, doc: Text, start: int, end: int) -> bool:
        # The term's sentence and the next one: spam names the site, then calls to action ("…上线啦！充值送…").
        context = doc.sentence_at(start, end, following=1).lower()
        return any(cue in context for cue in self.promo)
