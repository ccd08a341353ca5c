"""PLACEHOLDER in the core branch (issue 11): the content helper's branch brings the real module (J006, J007,
J010–J013, J017). The lead keeps that version at merge."""

from __future__ import annotations


def problems(ctx):
    return []
