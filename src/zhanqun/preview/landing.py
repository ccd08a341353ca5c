"""The landing page of a pull request's preview (issue 15): ``https://pr-N.<preview domain>/``, the one link of
the pull request's comment. Readable on a phone: each affected site with its preview link (big targets), the
review sheet (审核单) at ``/shenhe/``, and what a preview is. Self-contained (one ``<style>``, no script, no
external resource), served with the landing host's own CSP (zhanqun.deploy.nginx.LANDING_CSP).

Written into ``<preview output>/_landing/`` with its manifest, so ``zhanqun preview deploy`` deploys it like a
site (zhanqun.deploy.release)."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

from zhanqun.deploy import manifest
from zhanqun.errors import UsageError, ZhanqunError
from zhanqun.preview import BANNER, LANDING, SHEET, Preview, check_domain, check_pr
from zhanqun.preview.build import read_mark
from zhanqun.preview.rules import PREVIEW_OPTION

CSS = """*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;color:#1a1a1a;background:#fff;font:18px/1.6 "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;
overflow-wrap:anywhere}
.banner{margin:0;padding:.6em 1em;background:#8a1c00;color:#fff;text-align:center;font-weight:bold}
main{max-width:40rem;margin:0 auto;padding:0 1rem 2rem}h1{font-size:1.4rem;margin:1rem 0 .5rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}p{margin:.5rem 0}.muted{color:#4a4a4a;font-size:.9rem}
ul{list-style:none;margin:0;padding:0}li{margin:.6rem 0}
a.button{display:block;min-height:48px;padding:.7rem 1rem;border:2px solid #0b4f9c;border-radius:6px;color:#0b4f9c;
text-decoration:none;font-weight:bold}a.button:focus{outline:3px solid #0b4f9c;outline-offset:2px}
a.sheet{background:#0b4f9c;color:#fff}.live{display:block;font-weight:normal;font-size:.85rem;color:#4a4a4a}"""


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"<p class=\"banner\" role=\"note\">{BANNER}</p>\n<main>\n{body}</main>\n</body>\n</html>\n")


def render(preview: Preview, names: dict[str, str], commit: str = "") -> str:
    """The landing page: ``names`` are the sites' names by live host."""
    e = html.escape
    items = []
    for host in preview.built:
        items.append(f'<li><a class="button" href="{e(preview.url(host))}">{e(names.get(host, host))}'
                     f'<span class="live">上线后的网址：{e(host)}</span></a></li>')
    sites = "\n".join(items) or "<li>这次修改不影响任何网站的页面。</li>"
    at = f"（提交 <code>{e(commit[:10])}</code>）" if commit else ""
    body = (f"<h1>合并请求 #{preview.pr} 的预览</h1>\n"
            f"<p>这是修改{at}合并并发布之后网站的样子，现在还没有发布，只能在内网打开。</p>\n"
            f'<h2>审核单</h2>\n<ul><li><a class="button sheet" href="{e(preview.sheet_url)}">打开审核单：改了什么、'
            "在哪里出现、需要谁审核</a></li></ul>\n"
            f"<h2>受影响的网站（{len(preview.built)} 个）</h2>\n<ul>\n{sites}\n</ul>\n"
            "<p class=\"muted\">每次向合并请求推送新的提交，预览都会重新构建；合并请求关闭后预览被删除。"
            "看完后请回到合并请求页面批准或提出修改意见。</p>\n")
    return _page(f"预览：合并请求 #{preview.pr}", body)


def placeholder_sheet(preview: Preview) -> str:
    return _page(f"审核单：合并请求 #{preview.pr}", f"<h1>合并请求 #{preview.pr} 的审核单</h1>\n"
                 "<p>审核单还没有生成（或生成失败）。请在合并请求页面查看修改的内容和审核要求，"
                 f'或稍后刷新。</p>\n<p><a class="button" href="{html.escape(preview.landing_url)}">返回预览</a></p>\n')


def names_of(root: Path) -> dict[str, str]:
    """Each site's name by its live host: the portal the cluster's name, a unit's site the unit's name."""
    from zhanqun.signoff.run import load_config

    cluster = load_config(root)
    return {site.host: cluster.config.name if site.is_portal else cluster.units[site.owner].name
            for site in cluster.sites()}


def preview_of(output: Path) -> Preview:
    """The preview built into ``output``, from its mark."""
    mark = read_mark(output)
    if mark is None:
        raise UsageError(f"{output} 不是预览的输出目录。", code=PREVIEW_OPTION,
                         hint="先运行 zhanqun build … --preview-domain D --pr N --output 该目录。")
    hosts = mark.get("hosts")
    built = mark.get("built")
    if not isinstance(hosts, dict) or not isinstance(built, list):
        raise UsageError(f"{output}/.zhanqun/preview.json 已损坏。", code=PREVIEW_OPTION, hint="重新构建预览。")
    return Preview(check_domain(str(mark.get("domain"))), check_pr(str(mark.get("pr"))),
                   {str(k): str(v) for k, v in hosts.items()}, tuple(str(b) for b in built))


def empty_preview(root: Path, output: Path, domain: str | None, pr: str | None) -> Preview:
    """The preview of a change that affects no site (nothing built): an output holding only its mark, so that the
    landing page (and the review sheet) is still deployed and linked."""
    from zhanqun.preview.build import mark_output
    from zhanqun.signoff.run import load_config

    if domain is None or pr is None:
        raise UsageError("--preview-domain 和 --pr 要一起给出。", code=PREVIEW_OPTION)
    if read_mark(output) is not None:
        raise UsageError(f"{output} 中已经有构建好的预览。", code=PREVIEW_OPTION,
                         hint="已经构建过时不给 --preview-domain 和 --pr。")
    cluster = load_config(root)
    made = Preview.of(domain, pr, cluster.config.domain, [s.host for s in cluster.sites()], ())
    mark_output(output, made)
    return made


def write(output: Path, names: dict[str, str], sheet: Path | None = None) -> Path:
    """Write ``output/_landing/`` for the preview built into ``output`` (its mark says which); returns the folder."""
    preview = preview_of(output)
    folder = output / LANDING
    if folder.exists():
        shutil.rmtree(folder)
    (folder / SHEET).mkdir(parents=True)
    commit = commit_of(output, preview)
    (folder / "index.html").write_text(render(preview, names, commit), encoding="utf-8")
    if sheet is not None and sheet.is_file():
        shutil.copyfile(sheet, folder / SHEET / "index.html")
    else:
        (folder / SHEET / "index.html").write_text(placeholder_sheet(preview), encoding="utf-8")
    (folder / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
    manifest.write(folder, preview.landing, commit)
    return folder


def commit_of(output: Path, preview: Preview) -> str:
    """The commit the sites were built from (their manifests say it)."""
    for host in preview.built:
        try:
            return str(manifest.read(output / host).get("commit") or "")
        except ZhanqunError:  # a site without a manifest: the landing page names no commit
            continue
    return ""
