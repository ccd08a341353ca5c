"""``zhanqun affected`` (R6.1): the hosts a change must rebuild, from the base and head commits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gitrepo import ITEM, NEWS, commit

PORTAL, FGW = "www.shilixian.gov.cn", "fgw.shilixian.gov.cn"


def affected(zq, root) -> list[str]:
    result = zq("affected", "--root", root, "--base", "main", "--head", "pr", "--format", "json")
    assert result.code == 0, result.text
    return json.loads(result.out)["hosts"]


@pytest.mark.parametrize(("path", "text", "expected"), [
    (NEWS, ITEM.format(importance="routine"), [FGW]),
    (NEWS, ITEM.format(importance="routine").replace("importance:", "push_to_portal: [zwyw]\nimportance:"), [FGW, PORTAL]),
    (NEWS, ITEM.format(importance="routine").replace("importance:", "tags: [乡村振兴]\nimportance:"), [FGW, PORTAL]),
    ("content/czj/gzdt/2026-11-21-czj.md", ITEM.format(importance="routine"), [PORTAL]),  # a channel unit
    ("docs/notes.md", "说明\n", []),
    (".github/workflows/extra.yml", "name: x\n", []),
    (".gitignore", "output/\n", []),  # a content-only cluster's own files (R11.1)
    ("LICENSE", "MIT\n", []),
])
def test_content_goes_to_its_host_and_the_portal_when_it_shows_there(cluster, zq, path, text, expected):
    root, repo = cluster
    commit(repo, path, text, "变更")
    assert affected(zq, root) == expected


def test_theme_and_config_rebuild_every_host_and_unit_config_the_portal_too(cluster, zq):
    root, repo = cluster
    css = next((Path(root) / "themes").rglob("*.css"))
    commit(repo, css.relative_to(root).as_posix(), css.read_text(encoding="utf-8") + "\n/* 改 */\n", "主题")
    from zhanqun.cluster import load_structure

    built = sorted(site.host for site in load_structure(Path(root), item_types=set())[0].sites())
    assert affected(zq, root) == built and len(built) == 6  # every site the build makes
    every = zq("affected", "--root", root, "--all", "--format", "json")
    assert every.code == 0 and json.loads(every.out)["hosts"] == built
    repo.git.reset("--hard", "main")
    unit = Path(root) / "content" / "fgw" / "unit.yaml"
    commit(repo, "content/fgw/unit.yaml", unit.read_text(encoding="utf-8").replace("发布县发展和改革委员会重要工作动态。",
                                                                                 "发布县发改委工作动态。"), "栏目说明")
    assert affected(zq, root) == [FGW, PORTAL]


def test_an_interpretation_rebuilds_the_site_of_its_policy(cluster, zq):
    root, repo = cluster
    text = ITEM.format(importance="routine").replace("importance:", 'policy: "SLXZF-02-2025-00002"\nimportance:')
    commit(repo, "content/fgw/zcjd/2026-11-21-jiedu.md", text, "解读县政府文件")
    assert affected(zq, root) == [FGW, PORTAL]


def test_moving_a_unit_to_its_own_subdomain_rebuilds_both(cluster, zq):
    root, repo = cluster
    unit = Path(root) / "content" / "czj" / "unit.yaml"
    commit(repo, "content/czj/unit.yaml", unit.read_text(encoding="utf-8").replace("hosting: channel", "hosting: subdomain")
           .replace('hosting_reason: ""', "hosting_reason: 经县政府同意单独建站"), "财政局单独建站")
    assert affected(zq, root) == ["czj.shilixian.gov.cn", PORTAL]
    text = zq("affected", "--root", root, "--base", "main", "--head", "pr")
    assert text.out.splitlines() == ["czj.shilixian.gov.cn", PORTAL]
    bad = zq("affected", "--root", root, "--base", "nope", "--head", "pr")
    assert bad.code == 2 and "找不到提交" in bad.err


def test_interpretations_and_policies_rebuild_each_other_with_chinese_keys(cluster, zq):
    """An interpretation written with the Chinese key 解读对象 rebuilds its policy's site; a policy's change
    rebuilds the sites of its interpretations (they show its title)."""
    root, repo = cluster
    interpretation = ITEM.format(importance="routine").replace("importance:", '解读对象: "SLXZF-02-2025-00002"\nimportance:')
    commit(repo, "content/jyj/gzdt/2026-11-21-jiedu.md", interpretation, "教育局解读县政府文件")
    assert affected(zq, root) == ["jyj.shilixian.gov.cn", PORTAL]
    repo.git.checkout("main")
    repo.git.merge("pr")
    repo.git.checkout("-B", "pr")
    policy = Path(root) / "content" / "xzf" / "zcwj" / "2025-08-06-xiangcun-zhenxing-shifancun.md"
    commit(repo, policy.relative_to(root).as_posix(), policy.read_text(encoding="utf-8").replace("title:", "title: （修订）", 1),
           "政策文件改标题")
    assert affected(zq, root) == ["jyj.shilixian.gov.cn", PORTAL]


def test_a_site_retired_by_the_change_is_not_built(cluster, zq):
    root, repo = cluster
    unit = Path(root) / "content" / "fgw" / "unit.yaml"
    commit(repo, "content/fgw/unit.yaml", unit.read_text(encoding="utf-8").replace("label: fgw", "label: fzggw"), "改标签")
    assert affected(zq, root) == ["fzggw.shilixian.gov.cn", PORTAL]


@pytest.mark.parametrize(("before", "after", "expected"), [
    ('pip install --quiet "zhanqun==0.2.0"\n', 'pip install --quiet "zhanqun==0.2.1"\n', "all"),  # an upgrade
    ('pip install --quiet "zhanqun==0.2.0"\n', 'pip install --quiet "zhanqun==0.2.0"  # 注释\n', []),
    ("pip install --quiet pre-commit\n", "pip install --quiet 'pre-commit>=3.6'\n", []),
])
def test_a_new_zhanqun_version_in_the_workflows_rebuilds_every_host(cluster, zq, before, after, expected):
    """R11.1, R6.1: a content-only cluster upgrades by changing the pinned version; every page may change."""
    root, repo = cluster
    path = ".github/workflows/zhanqun-install.yml"
    commit(repo, path, "name: x\n# " + before, "工作流")
    repo.git.checkout("main")
    repo.git.merge("pr")
    repo.git.checkout("pr")
    commit(repo, path, "name: x\n# " + after, "升级")
    everything = sorted(all_hosts_of(root))
    assert affected(zq, root) == (everything if expected == "all" else expected)


def test_a_new_zhanqun_pin_in_the_cluster_config_rebuilds_every_host(cluster, zq):
    root, repo = cluster
    config = Path(root) / "content/cluster.yaml"
    text = config.read_text(encoding="utf-8").replace('zhanqun: ">=0.2,<0.3"', 'zhanqun: ">=0.2.1,<0.3"')
    assert text != config.read_text(encoding="utf-8")
    commit(repo, "content/cluster.yaml", text, "要求 0.2.1")
    assert affected(zq, root) == sorted(all_hosts_of(root))


def all_hosts_of(root) -> set[str]:
    from zhanqun.cluster import load_structure

    structure, _ = load_structure(Path(root))
    return {site.host for site in structure.sites()}
