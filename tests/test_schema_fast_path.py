"""The two validators agree (R4.1): jsonschema-rs says whether front matter is valid, the Python jsonschema
explains why not. If they ever disagreed, an invalid item could slip through unexplained."""

from __future__ import annotations

import copy

import pytest

from tests.conftest import PROJECT
from zhanqun import cluster as cluster_mod


@pytest.fixture(scope="module")
def demo():
    loaded, _ = cluster_mod.load(PROJECT, use_cache=False, render=False)
    return loaded


def _agree(schemas, name, data) -> bool:
    fast = schemas._fast[name].is_valid(data)
    slow = not list(schemas._validators[name].iter_errors(data))
    return fast == slow


def test_valid_demo_items_agree(demo):
    assert demo.items
    for item in demo.items:
        assert _agree(demo.schemas, item.type, item.meta), item.rel


BREAKAGES = [
    lambda m: m.pop("title"),
    lambda m: m.update(title=""),
    lambda m: m.update(bogus="x"),
    lambda m: m.update(date="2026/3/5"),
    lambda m: m.update(importance="urgent"),
    lambda m: m.update(tags="乡村振兴"),
    lambda m: m.update(attachments=[{"file": "a.pdf", "size": 3}]),
    lambda m: m.update(withdrawn={"date": "2026-01-01"}),
    lambda m: m.update(homepage="yes"),
    lambda m: m.update(push_to_portal=[""]),
    # field limits (issue 10 §9): maxLength counts characters, not bytes, in both validators
    lambda m: m.update(title="县" * 10_000),
    lambda m: m.update(title="县" * 200),
    lambda m: m.update(title="县" * 201),
    lambda m: m.update(tags=["乡" * 31]),
    lambda m: m.update(attachments=[{"file": "a.pdf", "title": "题" * 201}]),
    lambda m: m.update(attachments=["附" * 300 + ".pdf"]),
]


@pytest.mark.parametrize("index", range(len(BREAKAGES)))
def test_broken_front_matter_agrees_for_every_type(demo, index):
    seen = set()
    for item in demo.items:
        if item.type in seen:
            continue
        seen.add(item.type)
        meta = copy.deepcopy(item.meta)
        BREAKAGES[index](meta)
        assert _agree(demo.schemas, item.type, meta), (item.type, meta)
