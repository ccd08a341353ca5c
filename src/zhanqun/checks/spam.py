"""Spam that mutates and pasted commercial watermarks (R4.4, issue 10 §5): judged by shape, not by a list.

SEO spam injected into government pages keeps changing its spelling, so names alone catch little. These rules
look at shapes the spelling cannot avoid: brand tokens (letters with "lucky" numbers, 365-style numbers with
体育/娱乐, letter strings with gambling roots) chained together or glued to a title with underscores (X005),
a brand followed by 官网 / 手机版 / 开户 / 网址 (X006), decorative symbols scattered after the clauses (X007),
and the spam site's own breadcrumb and byline (X008). A text copied from a commercial site carries the site's
marks — "（来自:www.x.com）", a bare domain on its own line, "原文链接：…", "本文来源于某某网", its breadcrumb —
which are errors too (X004), unless the site is a government site or allowlisted.

All words and thresholds are data (``shapes`` in data/banned.yaml). Every regular expression here has bounded
repetition only and no nested quantifiers, so scanning stays linear in the text (R4.9); most lines never
reach them (see :meth:`Shapes.scan`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from zhanqun.checks.textscan import Text
from zhanqun.findings import Severity, define

PASTED = define(
    "X004", "pasted-watermark", Severity.ERROR, "粘贴了商业网站的水印：来源网址、单独成行的域名、原文链接或该网站的导航。",
    why="从商业网站复制的文字带着该网站的标记（“（来自:www.某某.com）”、页面导航“当前位置：首页 > …”），"
        "发布后等于为商业网站引流，也说明稿件不是来自权威来源（000 §11、R2.9）。",
    example="（来自:www.jinshicaijing.com）；单独一行的 www.jinshicaijing.com；当前位置：首页 > 财经 > 正文",
    fix="删除这些标记；转载请使用 cluster.yaml 的 sources 所列权威来源，并在头信息 source 中写明。"
        "确属可靠网站的，请电子政务办把域名加入 link_allowlist。",
    requirement="R4.4, R2.9",
)
CHAIN = define(
    "X005", "spam-token-chain", Severity.ERROR, "出现博彩品牌记号链条，或用下划线把品牌记号粘在标题、单位名称后。",
    why="被植入的 SEO 垃圾信息把“365”类品牌换着写法连成一串（vb365_365vb体育_kb-365），或接在单位名称、"
        "文章标题后面，骗取搜索引擎收录；这是网站被篡改的迹象（000 §11、004 §16）。",
    example="示例县教育局_vb365体育_365vb官网",
    fix="删除这段内容，并检查文件是否被篡改（查看 git 历史中是谁、何时加入的）。",
    requirement="R4.4",
)
SUFFIX = define(
    "X006", "spam-brand-suffix", Severity.ERROR, "博彩类品牌后跟“官网”“手机版”“开户”“网址”等引流词。",
    why="“某某娱乐官网”“某某体育手机版”“365开户”是博彩推广的固定写法，品牌名再怎么变，这个形状不变。",
    example="鑫鲲娱乐官网\n豪霆体育手机版下载\nvb365开户",
    fix="删除这段内容，并检查文件是否被篡改；正常的“县人民政府官网”“中国福利彩票官网”不受影响。",
    requirement="R4.4",
)
NOISE = define(
    "X007", "spam-symbol-noise", Severity.ERROR, "句中到处插入装饰符号（★☆◆♥✔ 等），是垃圾信息躲避过滤的写法。",
    why="垃圾信息在每个小句后、甚至字与字之间插入装饰符号，让关键词过滤失效；政务文字不会这样写。",
    example="欢迎光临★鑫鲲★娱乐，注册就送☆，24小时在线♥，提款秒到✔",
    fix="删除这段内容，并检查文件是否被篡改。行首的列表符号（● ★ ✔ 开头的条目）不受影响。",
    requirement="R4.4",
)
MARKS = define(
    "X008", "spam-site-marks", Severity.ERROR, "出现博彩网站自己的页面导航或署名（“当前位置：首页 > 某某娱乐”“来源：某某娱乐”）。",
    why="整页粘贴或被植入的博彩页面带着它自己的导航和署名，说明这段内容来自博彩网站。",
    example="当前位置：首页 > 鑫鲲娱乐资讯 > 正文；来源：豪霆体育",
    fix="删除这段内容，并检查文件是否被篡改。",
    requirement="R4.4",
)

WINDOW, OVERLAP = 2000, 200  # characters: the most any regular expression here sees at once (see windows)
_CJK = "\u4e00-\u9fff"
# Between a brand and its suffix: a separator or a closing bracket (【琨澜娱乐】官网, 琨澜娱乐(官网)).
_GAP = r"[\s_\-·:：】）)」\]]{0,2}[（(【\[]?"
# Where a token is an address or a file name, not text: link targets, src/href, names with an extension.
_TARGET = re.compile(r"\]\([^)\s]{0,500}\)|(?:href|src)\s?=\s?[\"'][^\"']{0,500}[\"']"
                     r"|(?<![a-z0-9_./\-])[a-z0-9_./\-]{1,200}\.(?:jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?|csv|zip|rar|ofd|wps|txt|html?)"
                     r"(?![a-z0-9])")
_SPACED = re.compile(r"(?:[\u4e00-\u9fff] ){3}[\u4e00-\u9fff]")  # 琨 澜 娱 乐
_QUOTES = "“”‘’「」『』《》\"'"
_CLAUSE = re.compile(r"[，。！？；、,!?;]")
_BREADCRUMB_SEP = re.compile(r"\s?(?:>>|>|＞|»|›|→|->|/|\\|\|)\s?")


@dataclass(frozen=True)
class Shape:
    """One shape found: where, which rule, and the quoted text."""

    start: int
    code: str
    quoted: str


class Shapes:
    def __init__(self, data: dict[str, Any], allow: Iterable[str] = (), cues: Iterable[str] = (), promo: Iterable[str] = ()) -> None:
        """``allow``: domains that are not commercial; ``cues``: enforcement words (banned.yaml) that, with
        the discussion cues, mark a quoted shape as discussed rather than published; ``promo``: promotion
        words (注册, 开奖 …) that make symbol noise spam."""
        self.promo = tuple(str(p).lower() for p in promo)
        self.lucky = tuple(str(n) for n in data["lucky_numbers"])
        self.letter_roots = tuple(data["letter_roots"])
        self.letter_tails = tuple(data["letter_tails"])
        self.roads = set(data["road_prefixes"])
        self.exempt = tuple(data["cjk_brand_exempt"])
        self.weak = set(data["weak_suffixes"])
        self.window = int(data["chain_window"])
        self.noise_min = int(data["noise_min"])
        self.noise_per_clause = float(data["noise_per_clause"])
        self.noise_alone_min = int(data["noise_alone_min"])
        self.official = tuple(data["official_words"])
        self.discussion = tuple(data["discussion_cues"]) + tuple(cues)
        self.allow = tuple(str(d).lower().lstrip(".") for d in list(data["government_domains"]) + list(allow))
        self.cjk_roots_words = list(data["cjk_brand_roots"])
        self.strong_suffixes = [w for w in data["suffixes"] if w not in data["weak_suffixes"]]
        self.crumb_words = [f"{h}{c}" for h in data["breadcrumb_heads"] for c in ":："]
        self.tlds = list(data["tlds"])
        suffixes = _alternation(data["suffixes"])
        roots = _alternation(data["cjk_roots"])
        brand_roots = _alternation(data["cjk_brand_roots"])
        self.cjk_root = re.compile(rf"[\s_\-]?(?:{roots})")
        # A token: letters and digits (vb365, hg0088, 365ty), digits before a root (365体育), or a letter string
        # (kaiyuntiyu). ASCII only: \w is Unicode. One separator may split letters from digits (kb-365, 365_ty).
        # A bare number (157, 2026) is no token: government prose is full of them.
        self.number_near = re.compile(r"[a-z][\-_.]?[0-9]|[0-9][\-_.]?[a-z]|[0-9][\s_\-]?(?:" + roots + ")")
        self.token = re.compile(r"(?<![a-z0-9])(?:[a-z]{1,8}[\-_.]?[0-9]{2,6}(?:[\-_.]?[a-z]{1,8})?"
                                r"|[0-9]{2,6}(?:[\-_.]?[a-z]{1,8}|(?=[\s_\-]?(?:" + roots + r")))|[a-z]{5,24})(?![a-z0-9])")
        self.footer = tuple(str(w).lower() for w in data["footer_words"])
        self.suffix = re.compile(rf"{_GAP}({suffixes})", re.IGNORECASE)
        # A brand name: two characters or a few letters (yh娱乐), a brand root, then (for X006) a suffix.
        self.cjk_brand = re.compile(rf"([{_CJK}]{{2}}|[a-z]{{2,8}})({brand_roots}){_GAP}({suffixes})", re.IGNORECASE)
        self.cjk_bare = re.compile(rf"([{_CJK}]{{2}}|[a-z]{{2,8}})({brand_roots})")
        self.head_brand = re.compile(rf"(?:{_alternation(data['brand_heads'])})[{_CJK}]{{1,4}}?(?:{suffixes})", re.IGNORECASE)
        self.head_exempt = tuple(data["brand_head_exempt"])
        noise = re.escape(str(data["noise_symbols"]))
        self.noise = re.compile(rf"(?<=[^\s{noise}])[{noise}]{{1,8}}")
        self.noise_chars = set(str(data["noise_symbols"]))
        tlds = _alternation(data["tlds"])
        # A host: labels of letters, digits, hyphens; ends in a known top-level domain. Bounded repetition.
        self.host = re.compile(rf"(?<![a-z0-9.@/\-])(?:https?://)?((?:[a-z0-9\-]{{1,63}}\.){{1,5}}(?:{tlds}))(?![a-z0-9\-])"
                               r"(?:[/?#][^\s，。；）)\]】<>\"']{0,200})?", re.IGNORECASE)
        self.bare = re.compile(rf"^[\s>*\-+（(【\[]{{0,6}}{self.host.pattern}[\s/）)】\]]{{0,4}}$", re.IGNORECASE)
        cues = _alternation(data["source_cues"])
        self.cue = re.compile(rf"(?:{cues})[\s:：]?", re.IGNORECASE)
        self.article_source = re.compile(str(data["article_source"]))
        heads = _alternation(data["breadcrumb_heads"])
        self.breadcrumb = re.compile(rf"^[\s>*\-]{{0,4}}(?:{heads})\s?[:：]\s?(.{{1,120}})$")
        bylines = _alternation(data["byline_heads"])
        self.byline = re.compile(rf"(?:^|(?<=[\s　|｜）)。；]))(?:{bylines})\s?[:：]\s?([^\s　|｜，。；]{{1,30}})")

    # ------------------------------------------------------------------ the scan

    def triggers(self) -> list[str]:
        """Words whose presence sends a line through the shape rules (found by the banned-content automaton).

        Only what a shape needs: a letter root (tiyu, bet); a Chinese brand root (娱乐) or strong suffix (官网,
        开户); symbols, addresses, underscores, breadcrumb heads. Most lines of government prose hold none."""
        roots = [r for r in self.cjk_roots_words if r not in ("体育", "国际")]  # bare, these are too common
        words = [*self.letter_roots, *roots, *self.strong_suffixes, *self.noise_chars, *self.crumb_words, "_",
                 "www.", "http", "本文", *(f".{t}" for t in self.tlds)]
        spaced = [" ".join(w) for w in [*roots, *self.strong_suffixes] if len(w) > 1 and all(map(_is_cjk, w))]
        return sorted({str(w).lower() for w in words + spaced if str(w).strip()})

    def number_triggers(self) -> list[str]:
        """Lucky numbers (365, 888, 0088): a line holding one is shaped only if :meth:`number_line` says so."""
        repeats = [d * 3 for d in "123456789"] + [a * 2 + b * 2 for a in "0123456789" for b in "0123456789" if a != b]
        return sorted({*self.lucky, *repeats})

    def number_line(self, lowered: str) -> bool:
        """A number can only be part of a brand token next to letters (vb365) or before a root (365体育)."""
        return self.number_near.search(lowered) is not None

    def scan(self, doc: Text, lines: Iterable[tuple[int, int]]) -> Iterator[Shape]:
        """The shapes on the given lines (start, end offsets), at most one per piece of a line, strongest first."""
        for line_start, line_end in lines:
            for start, end in windows(line_start, line_end):
                line = doc.text[start:end]
                lowered = line.lower()
                if len(lowered) != len(line):  # a character whose lower case is longer: keep offsets right
                    lowered = line
                shape = self._line(doc, start, lowered, line, whole=(start, end) == (line_start, line_end))
                if shape is not None and not self._discussed(doc, start + shape.start, shape):
                    at = lowered.find(shape.quoted)  # quote the text as written, not lower-cased
                    quoted = line[at:at + len(shape.quoted)] if at >= 0 else shape.quoted
                    yield Shape(start + shape.start, shape.code, quoted)
                    break

    def _line(self, doc: Text, start: int, lowered: str, line: str, whole: bool = True) -> Shape | None:
        """The strongest shape of one line (or, ``whole`` false, of a piece of a long line: no line-level shapes)."""
        urls = [m.span() for m in self.host.finditer(lowered)] + [m.span() for m in _TARGET.finditer(lowered)]
        tokens = [t for t in self._tokens(lowered) if not any(s <= t[0] < e for s, e in urls)]
        return ((self._site_marks(lowered, tokens) if whole else None) or self._chain(lowered, tokens)
                or self._suffix(lowered, tokens) or self._noise(lowered, tokens)
                or self._watermark(doc, start, lowered, line, whole) or self._spaced(lowered))

    def _spaced(self, lowered: str) -> Shape | None:
        """Brand shapes written with a space between the characters (琨 澜 娱 乐 官 网): joined up, then judged."""
        if not _SPACED.search(lowered):
            return None
        kept = [i for i, c in enumerate(lowered)
                if not (c == " " and 0 < i < len(lowered) - 1 and _is_cjk(lowered[i - 1]) and _is_cjk(lowered[i + 1]))]
        joined = "".join(lowered[i] for i in kept)
        tokens = self._tokens(joined)
        shape = self._chain(joined, tokens) or self._suffix(joined, tokens)
        return Shape(kept[shape.start], shape.code, shape.quoted) if shape else None

    def _discussed(self, doc: Text, offset: int, shape: Shape) -> bool:
        """An inspection notice or regulation quoting the shape: quoted, and a cue in the same sentence."""
        sentence = doc.sentence_at(offset, offset + len(shape.quoted))
        quoted = any(q in sentence for q in _QUOTES)
        return quoted and any(cue in sentence for cue in self.discussion)

    # ------------------------------------------------------------------ brand tokens

    def _tokens(self, lowered: str) -> list[tuple[int, int]]:
        """Spans of brand tokens: lucky letters+digits, 365体育-style numbers, letter strings with a gambling root."""
        found = []
        for match in self.token.finditer(lowered):
            word = match.group()
            start, end = match.span()
            root = self.cjk_root.match(lowered, end)
            if root:
                end = root.end()
            if self._brand_word(word, bool(root)):
                found.append((start, end))
        return found

    def _brand_word(self, word: str, cjk_root: bool) -> bool:
        digits = "".join(c for c in word if c.isdigit())
        letters = "".join(c for c in word if not c.isdigit())
        if not digits:  # kaiyuntiyu; a three-letter root (bet) only with digits: better, alphabet, Tibet
            return len(word) >= 5 and any(root in word for root in self.letter_roots if len(root) >= 4)
        if any(root in letters for root in self.letter_roots):
            return True
        if not _lucky(digits, self.lucky):
            return False
        if letters in self.roads and word[1:].isdigit() and not cjk_root:  # G5511, S1111: a road
            return False
        if letters:  # vb365, hg0088: at most a short prefix of initials, or a gambling tail (365ty)
            return len(letters) <= 5 or letters.endswith(self.letter_tails)
        return cjk_root  # 365体育, 888娱乐: a bare number is a number

    # ------------------------------------------------------------------ the rules, strongest first

    def _site_marks(self, lowered: str, tokens: list[tuple[int, int]]) -> Shape | None:
        """X008: the spam site's breadcrumb, footer or byline names a brand; X004 for a foreign site's breadcrumb
        (a government breadcrumb, with 政务公开 or 人民政府 in it, is quiet)."""
        crumb = self.breadcrumb.match(lowered)
        if crumb and _BREADCRUMB_SEP.search(crumb.group(1)):
            if tokens or self._cjk_brands(crumb.group(1), suffix=False, common=True):
                return Shape(0, MARKS, lowered.strip()[:30])
            if not any(word in crumb.group(1) for word in self.official):
                return Shape(0, PASTED, lowered.strip()[:30])
        if any(word in lowered for word in self.footer) and (tokens or self._cjk_brands(lowered, suffix=False)):
            return Shape(0, MARKS, lowered.strip()[:30])
        for match in self.byline.finditer(lowered):
            value = match.group(1)
            if any(s >= match.start(1) and e <= match.end(1) + 2 for s, e in tokens) or self._cjk_brands(value, suffix=False):
                return Shape(match.start(), MARKS, lowered[match.start():match.end()].strip())
        return None

    def _cjk_brands(self, text: str, suffix: bool = True, common: bool = False) -> list[tuple[int, str]]:
        """Chinese brand names: two characters + a brand root (+ a suffix, when ``suffix``), not exempt words.
        Without a suffix, 体育 and 国际 count only where ``common`` (a breadcrumb): 县体育中心, 国际合作."""
        if suffix:
            matches = [(m.start(), m.group(), m.group(1) + m.group(2), m.group(3)) for m in self.cjk_brand.finditer(text)]
            matches += [(m.start(), m.group(), m.group(), "") for m in self.head_brand.finditer(text)
                        if not any(word in m.group() for word in self.head_exempt)]
        else:
            matches = [(m.start(), m.group(), m.group(), "") for m in self.cjk_bare.finditer(text)
                       if common or m.group(2) not in ("体育", "国际")]
        found = []
        for start, quoted, brand, tail in matches:
            # Exempt words: one character (县, 局) in the brand itself, longer ones (老年, 全民) also just before it.
            context = text[max(0, start - 2):start] + brand
            if any(word in (brand if len(word) == 1 else context) for word in self.exempt):
                continue
            if tail and tail.lower() in self.weak and not brand.isascii() and not brand[:2].isascii():
                continue  # 电竞平台, 娱乐网站: common words; yh娱乐注册 is a brand
            found.append((start, quoted))
        return found

    def _chain(self, lowered: str, tokens: list[tuple[int, int]]) -> Shape | None:
        """X005: two brand tokens close together, or a brand glued to other text with an underscore."""
        for (s1, _e1), (s2, e2) in itertools.pairwise(tokens):
            if s2 - s1 <= self.window:
                return Shape(s1, CHAIN, lowered[s1:e2][:40])
        if tokens:  # a token next to a Chinese brand name: 琨澜娱乐 kl365
            for start, quoted in self._cjk_brands(lowered, suffix=False, common=True):
                near = [s for s, _ in tokens if abs(s - start) <= self.window]
                if near:
                    first = min(near[0], start)
                    return Shape(first, CHAIN, lowered[first:max(near[0], start) + len(quoted)][:40])
        for start, end in tokens:
            if "_" in lowered[max(0, start - 2):start] or "_" in lowered[end:end + 3]:
                return Shape(start, CHAIN, lowered[max(0, start - 12):end + 12].strip())
        if "_" in lowered:
            brands = self._cjk_brands(lowered) + self._cjk_brands(lowered, suffix=False)
            for start, quoted in brands:
                if "_" in lowered[max(0, start - 2):start] or "_" in lowered[start + len(quoted):start + len(quoted) + 2]:
                    return Shape(start, CHAIN, quoted)
        return None

    def _suffix(self, lowered: str, tokens: list[tuple[int, int]]) -> Shape | None:
        """X006: a brand token or a Chinese brand name followed by 官网, 手机版, 开户, 网址 …"""
        for start, end in tokens:
            tail = self.suffix.match(lowered, end)
            if tail:
                return Shape(start, SUFFIX, lowered[start:tail.end()])
        brands = self._cjk_brands(lowered)
        if brands:
            return Shape(brands[0][0], SUFFIX, brands[0][1])
        return None

    def _noise(self, lowered: str, tokens: list[tuple[int, int]]) -> Shape | None:
        """X007: decorative symbols inside the line (not list markers), after most clauses."""
        runs = list(self.noise.finditer(lowered))
        clauses = len(_CLAUSE.findall(lowered)) + 1
        if len(runs) < self.noise_min or len(runs) < self.noise_per_clause * clauses:
            return None
        signal = tokens or self._cjk_brands(lowered, suffix=False) or any(cue in lowered for cue in self.promo)
        if signal or len(runs) >= self.noise_alone_min:
            return Shape(runs[0].start(), NOISE, lowered[max(0, runs[0].start() - 8):runs[0].start() + 16])
        return None

    def _watermark(self, doc: Text, start: int, lowered: str, line: str, whole: bool = True) -> Shape | None:
        """X004: a foreign site's address after a source cue, alone on a line, or "本文来源于某某网"."""
        # In an attachment (doc.where: "第 2 页") a domain on a line of its own is a letterhead or footer.
        bare = self.bare.match(lowered) if whole and not doc.where else None
        if bare and not self._allowed(bare.group(1)) and not _labelled(doc, start):
            return Shape(bare.start(1), PASTED, bare.group(1))
        for host in self.host.finditer(lowered):
            if self._allowed(host.group(1)):
                continue
            clause_start = max((m.end() for m in _CLAUSE.finditer(lowered, 0, host.start())), default=0)
            if self.cue.search(lowered, max(clause_start, host.start() - 30), host.start()):
                return Shape(host.start(), PASTED, host.group(1))
        source = self.article_source.search(line)
        if source and not any(word in source.group(1) for word in self.official):
            return Shape(source.start(), PASTED, source.group())
        return None

    def _allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.allow)


def windows(start: int, end: int) -> Iterator[tuple[int, int]]:
    """A line cut into overlapping pieces of at most WINDOW + OVERLAP characters: whatever a regular expression
    does on one piece, a line of any length costs time linear in its length (R4.9; a 100 KB line of one
    symbol is a piece of cake). Shapes are far shorter than OVERLAP, so none is cut in two and missed."""
    if end - start <= WINDOW + OVERLAP:
        yield start, end
        return
    for piece in range(start, end, WINDOW):
        yield piece, min(end, piece + WINDOW + OVERLAP)


def _labelled(doc: Text, start: int) -> bool:
    """A bare address right after a label ("报名网址：", "登录以下网站") is a citation, not a watermark."""
    before = doc.text[max(0, start - 200):start].rstrip()
    return before.endswith((":", "：", "网址", "地址", "网站", "链接", "如下", "登录", "访问"))


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _lucky(digits: str, lucky: tuple[str, ...]) -> bool:
    """Digits a gambling brand likes: 365 and friends, three equal digits (888), or two pairs (0088, 7788)."""
    if any(n in digits for n in lucky):
        return True
    if re.search(r"(\d)\1\1", digits):
        return True
    return re.search(r"(\d)\1(?!\1)(\d)\2", digits) is not None


def _alternation(words: Iterable[object]) -> str:
    """A regex alternation of literal words, longest first (so 娱乐城 wins over 娱乐)."""
    return "|".join(re.escape(str(w)) for w in sorted({str(w) for w in words}, key=len, reverse=True))
