"""PLACEHOLDER in the core branch (issue 11): the replies helper's branch brings the real module (J014–J016,
J018, site statistics). The lead keeps that version at merge."""

from __future__ import annotations


def problems(ctx):
    return []


def site_stats(ctx, site):
    return {}
