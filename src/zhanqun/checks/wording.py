"""Wrong and sensitive wording 错敏词 (R4.5): typos, 规范表述, and leader name ↔ post consistency.

Typos and norms are per file (data/wording.yaml). Leader consistency needs the cluster's own leader pages
(type ``leader``: name and post), so it runs once the cluster, or in pre-commit mode its leader pages, is known.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from typing import Any

from zhanqun.checks.textscan import Text
from zhanqun.findings import Finding, Severity, define

TYPO = define(
    "W001", "typo", Severity.ERROR, "含有常见错别字（如“中国入民”“烈土”“付县长”）。",
    why="政治性表述中的错别字在检查中属于“严重错误”（19 号文件），会被单项否决。",
    example="中国入民政治协商会议",
    fix="按提示改为正确写法。",
    requirement="R4.5",
)
NORM = define(
    "W002", "non-standard-expression", Severity.ERROR, "不符合规范表述（如把台湾称为国家、“一带一路战略”）。",
    why="涉及国家主权、领土和重大方针的表述必须规范，错误表述属于严重错误。",
    example="美国、日本、台湾等国家",
    fix="按提示改为规范表述，如“国家和地区”“台湾地区”“‘一带一路’倡议”。",
    requirement="R4.5",
)
LEADER = define(
    "W003", "leader-name-post", Severity.ERROR, "领导姓名或职务与领导信息页不一致。",
    why="写错领导姓名或职务是检查中的严重错误；站群自己的领导信息页是唯一依据。",
    example="县长方震宇（领导信息页为“方振宇”）；县长沈丽华（沈丽华的职务是常务副县长）",
    fix="按领导信息页改正姓名或职务；如领导信息页已过时，请先更新领导信息页。",
    requirement="R4.5, R2.4",
)


class Scanner:
    def __init__(self, data: dict[str, Any]) -> None:
        import ahocorasick_rs

        self.typos = {wrong: right for wrong, right in data["typos"].items() if wrong != right}
        self.exceptions = list(data.get("typo_exceptions", []))
        words = list(self.typos)
        self.automaton = ahocorasick_rs.AhoCorasick(
            words, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA) if words else None
        self.words = words
        self.norms = [(re.compile(n["pattern"]), n["message"], n["fix"]) for n in data["norms"]]

    def scan(self, doc: Text) -> Iterator[Finding]:
        text = doc.text
        if self.automaton is not None:
            for index, start, end in self.automaton.find_matches_as_indexes(text):
                wrong = self.words[index]
                around = text[max(0, start - 4): end + 4]
                if any(e in around and _covers(text, start, end, e) for e in self.exceptions):
                    continue
                yield doc.finding(start, TYPO, f"“{wrong}”应为“{self.typos[wrong]}”。",
                                  f"改为“{self.typos[wrong]}”。", key=wrong)
        for pattern, message, fix in self.norms:
            for match in pattern.finditer(text):
                yield doc.finding(match.start(), NORM, f"“{match.group()}”：{message}", fix, key=match.group())


def _covers(text: str, start: int, end: int, longer: str) -> bool:
    """Whether an exception phrase in the text covers the span [start, end)."""
    for found in re.finditer(re.escape(longer), text[max(0, start - len(longer)): end + len(longer)]):
        offset = max(0, start - len(longer)) + found.start()
        if offset <= start and end <= offset + len(longer):
            return True
    return False


@dataclasses.dataclass(frozen=True)
class Leader:
    name: str
    post: str  # as on the leader page: "县委副书记、县长"
    rel: str

    @property
    def parts(self) -> list[str]:
        return [p.strip() for p in re.split(r"[、，,；;\s]+", self.post) if p.strip()]

    def holds(self, post: str) -> bool:
        """'常务副县长' holds 副县长 and 县长 is not held by a 副县长: compare the end of each part."""
        for part in self.parts:
            if part == post or (part.endswith(post) and part[-len(post) - 1] != "副"):
                return True
        return False


Mention = tuple[int, int, str, str, str]  # (line, column, post, four characters before, four characters after)


class PostFinder:
    """Where a text names a post (县长, 副局长 …), with the characters around it: what W003 needs, small enough
    to be cached with the parse so the cluster-wide check does not read every file again."""

    def __init__(self, posts: Iterable[str]) -> None:
        import ahocorasick_rs

        self.posts = sorted(set(posts))
        self.automaton = ahocorasick_rs.AhoCorasick(
            self.posts, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA) if self.posts else None

    def mentions(self, doc: Text) -> list[Mention]:
        if self.automaton is None:
            return []
        text = doc.text
        found = []
        for index, start, end in self.automaton.find_matches_as_indexes(text):
            line, column = doc.position(start)
            found.append((line, column, self.posts[index], text[max(0, start - 4):start], text[end:end + 4]))
        return found


class LeaderCheck:
    """W003 against the cluster's leader pages."""

    def __init__(self, leaders: Iterable[Leader], posts: Iterable[str] = (), former: Iterable[str] = ()) -> None:
        self.former = tuple(former)
        self.leaders = [leader for leader in leaders if len(leader.name) >= 2]
        self.by_name: dict[str, list[Leader]] = {}
        for leader in self.leaders:
            self.by_name.setdefault(leader.name, []).append(leader)
        self.name_lengths = sorted({len(leader.name) for leader in self.leaders})
        self._holders: dict[str, list[Leader]] = {}
        vocabulary = set(posts)
        for leader in self.leaders:
            vocabulary.update(leader.parts)
        self._finder = PostFinder(vocabulary) if self.leaders else None

    def scan(self, doc: Text) -> Iterator[Finding]:
        """W003 for one text (finds the posts itself; the cluster check uses cached mentions instead)."""
        if self._finder is not None:
            yield from self.check(doc.rel, self._finder.mentions(doc))

    def check(self, rel: str, mentions: Iterable[Mention]) -> Iterator[Finding]:
        if not self.leaders:
            return
        for line, column, post, before, after in mentions:
            if self.former and before.endswith(self.former):
                continue  # 时任副县长…: a past post, not checked against today's leader pages
            finding = self._judge(rel, line, column, post, after, following=True) \
                or self._judge(rel, line, column, post, before, following=False)
            if finding:
                yield finding

    def _holders_of(self, post: str) -> list[Leader]:
        if post not in self._holders:
            self._holders[post] = [leader for leader in self.leaders if leader.holds(post)]
        return self._holders[post]

    def _judge(self, rel: str, line: int, column: int, post: str, around: str, following: bool) -> Finding | None:
        """``around`` is the text right after the post (``following``) or right before it."""
        for length in self.name_lengths:
            name = around[:length] if following else around[-length:]
            named = self.by_name.get(name) if len(name) == length else None
            if named:
                if any(one.holds(post) for one in named):
                    return None
                leader = named[0]
                return Finding(rel, line, _column(column, following, length), LEADER,
                               f"“{post}{leader.name}”：{leader.name}的职务是“{leader.post}”。",
                               f"按领导信息页 {leader.rel} 改正职务。", post + leader.name)
        for leader in self._holders_of(post):
            length = len(leader.name)
            candidate = around[:length] if following else around[-length:]
            if len(candidate) == length and "某" not in candidate and _han(candidate) \
                    and sum(a != b for a, b in zip(candidate, leader.name)) == 1:
                return Finding(rel, line, _column(column, following, length), LEADER,
                               f"“{candidate}”疑似写错，{post}是“{leader.name}”。",
                               f"按领导信息页 {leader.rel} 改正姓名。", post + candidate)
        return None


def _column(post_column: int, following: bool, length: int) -> int:
    return post_column if following else max(1, post_column - length)


def _han(text: str) -> bool:
    return all("\u4e00" <= c <= "\u9fa5" for c in text)
