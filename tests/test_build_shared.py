"""What every site of a cluster lists the same way is computed once per cluster (issue 16, R3.2): the newest-first
list of all items, the column table with pushed items, the interpretations of each policy. Each site still shows
what it showed when it computed them itself."""

from __future__ import annotations

from tests.conftest import PROJECT
from zhanqun import cluster as cluster_mod
from zhanqun.build.view import SiteView


def _load():
    cluster, _ = cluster_mod.load(PROJECT)
    assert cluster is not None
    return cluster


def test_the_sites_of_a_cluster_share_one_sorted_list_and_column_table():
    cluster = _load()
    views = [SiteView(cluster, site) for site in cluster.sites()]
    assert len(views) >= 2
    first, *others = views
    for other in others:
        assert other._listed is first._listed and other._by_column is first._by_column
        assert other._interpretations is first._interpretations
    # what each site lists is what a view of a freshly loaded cluster (nothing shared yet) lists
    fresh = _load()
    for view in views:
        alone = SiteView(fresh, next(s for s in fresh.sites() if s.host == view.host))
        fresh.__dict__.pop("_zq_view_shared", None)
        assert [[i.rel for i in page.items] for page in view.list_pages()] == \
            [[i.rel for i in page.items] for page in alone.list_pages()], view.host
        assert [i.rel for i in view.headlines] == [i.rel for i in alone.headlines]


def test_a_cluster_with_other_items_or_another_day_is_listed_afresh():
    cluster = _load()
    site = cluster.sites()[0]
    before = SiteView(cluster, site)._listed
    assert len(before) > 2
    cluster.items = [i for i in cluster.items if i.rel != before[0].rel]
    after = SiteView(cluster, site)._listed
    assert [i.rel for i in after] == [i.rel for i in before[1:]]
    assert SiteView(cluster, site)._listed is after
    cluster.today = cluster.today.replace(year=cluster.today.year + 1)
    assert SiteView(cluster, site)._listed is not after
