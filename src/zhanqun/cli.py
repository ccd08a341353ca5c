"""The ``zhanqun`` command line: thin click commands over library functions; errors handled in one place."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from zhanqun import __version__, clicktext, output
from zhanqun.errors import FindingsError, UsageError, ZhanqunError

if TYPE_CHECKING:
    from zhanqun.findings import Finding

root_option = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
    help="站群仓库的根目录。",
)


clicktext.install()  # click's own texts (usage, help, its errors) in Chinese (issue 13)


@click.group(cls=clicktext.Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zhanqun")
def cli() -> None:
    """zhanqun 站群：用一个 git 仓库管理县级政府网站群。"""


@cli.command()
@click.argument("paths", nargs=-1)
@root_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="输出格式。")
@click.option("--strict", is_flag=True, help="警告也按失败处理（退出码 1）。")
@click.option("--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1, help="并行进程数。")
@click.option("--no-suppress", is_flag=True, help="忽略 zhanqun: ignore 豁免注释，列出全部问题及豁免理由（审计用）。")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="只报告基线文件中没有的新问题。")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="把当前全部问题写入基线文件（导入历史网页时用），然后以 0 退出。")
def check(paths: tuple[str, ...], root: Path, fmt: str, strict: bool, jobs: int, no_suppress: bool,
          baseline: Path | None, write_baseline: Path | None) -> None:
    """检查内容与配置（R4）。给出文件时只检查这些文件（pre-commit 用）；给出目录时检查全站并只报告其中的问题。"""
    from zhanqun import baseline as baseline_mod, check as check_mod

    findings = check_mod.run(root, paths, jobs=jobs, suppress=not no_suppress)
    if write_baseline is not None:
        count = baseline_mod.write(write_baseline, findings)
        output.info(f"已把 {count} 个问题写入基线 {write_baseline}。以后用 --baseline {write_baseline} 只报告新问题。")
        return
    if baseline is not None:
        before = len(findings)
        findings = baseline_mod.new_only(findings, baseline_mod.read(baseline))
        output.info(f"基线中已有 {before - len(findings)} 个问题，不再报告。")
    output.print_findings(findings, fmt)
    sys.exit(check_mod.exit_code(findings, strict))


@cli.command()
@click.argument("code", required=False)
@click.option("--list", "list_all", is_flag=True, help="列出全部规则（Markdown 表格，即 docs/rules.md）。")
def rule(code: str | None, list_all: bool) -> None:
    """显示规则 CODE 的说明（是什么、为什么、示例、如何修改）。"""
    from zhanqun import rules

    if list_all or not code:
        click.echo(rules.markdown(), nl=False)
        return
    if (reason := rules.removed(code)) is not None:
        click.echo(f"{code.strip().upper()} 已停用：{reason}")
        return
    click.echo(rules.lookup(code).doc())


@cli.command()
@click.argument("hosts", nargs=-1)
@root_option
@click.option("--output", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录（默认 <root>/output）。")
@click.option("--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1, help="并行构建的进程数。")
@click.option("--strict", is_flag=True, help="有警告时也不构建。")
@click.option("--sign-key", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CI 的签名私钥文件（默认取环境变量 ZHANQUN_SIGNING_KEY）；有私钥时给清单签名（R6.5）。")
@click.option("--preview-domain", default=None,
              help="构建合并请求的预览（与 --pr 一起用）：站点的网址换成 pr-<编号>-<标签>.<预览域名>，每页 noindex、带“预览，未发布”横幅。")
@click.option("--pr", default=None, help="预览的合并请求编号。")
@click.option("--code-from", "code_from", default=None,
              help="主题、插件和 build: plugins: 取自这个提交（预览用合并目标 base：合并请求中的模板和插件不运行）。")
def build(hosts: tuple[str, ...], root: Path, out: Path | None, jobs: int, strict: bool, sign_key: Path | None,
          preview_domain: str | None, pr: str | None, code_from: str | None) -> None:
    """构建站点：门户和每个子站各一个静态网站，写入 OUTPUT/<主机名>/。"""
    from zhanqun import signing
    from zhanqun.build import build_cluster

    if (preview_domain is None) != (pr is None):
        from zhanqun.preview.rules import PREVIEW_OPTION

        raise UsageError("--preview-domain 和 --pr 要一起给出。", code=PREVIEW_OPTION,
                         hint="如 zhanqun build --preview-domain preview.shilixian.gov.cn --pr 12 --output preview。")
    preview = (preview_domain, pr) if preview_domain is not None and pr is not None else None
    default = root / ("output-preview" if preview else "output")
    report = build_cluster(root, out or default, hosts, jobs=jobs, strict=strict,
                           key_text=signing.key_from(sign_key), preview=preview, code_from=code_from)
    output.info(report.text())


@cli.group("cache")
def cache_group() -> None:
    """CI 作业共用的解析缓存（议题 16，docs/ci.md）：缓存的键、一次填满。"""


@cache_group.command("key")
@root_option
@click.option("--prefix", "only_prefix", is_flag=True, help="只打印键的前缀（actions/cache 的 restore-keys）。")
def cache_key(root: Path, only_prefix: bool) -> None:
    """打印解析缓存在 CI 中的键：zhanqun 代码、Python 和已装的包的摘要，加上 HEAD 的树。"""
    from zhanqun import cachekey

    click.echo(cachekey.prefix() if only_prefix else cachekey.key(root))


@cache_group.command("fill")
@root_option
@click.option("--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1, help="并行进程数。")
def cache_fill(root: Path, jobs: int) -> None:
    """解析全部稿件并存入 .zhanqun-cache/（与 zhanqun build 相同的条目），供矩阵中的构建作业共用。不判断内容对错。"""
    from zhanqun import cachekey

    count, usable = cachekey.fill(root, jobs)
    if not usable:
        output.info("解析缓存不可用（被提交进了仓库或是链接，或不能写入），什么也没有存。构建照常进行，只是更慢。")
        return
    output.info(f"解析缓存已就绪：{count} 个条目（{root / cachekey.CACHE_FILE}）。")


@cli.group()
def preview() -> None:
    """合并请求的预览（议题 15）：首页、部署到预览服务器、删除、在合并请求上评论链接。"""


_preview_from = click.option("--from", "source", required=True, type=click.Path(file_okay=False, path_type=Path),
                             help="预览的构建输出目录（zhanqun build --preview-domain … --output 的目录）。")


@preview.command("landing")
@root_option
@_preview_from
@click.option("--sheet", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="审核单 HTML（zhanqun review-sheet 的输出），放在预览首页的 /shenhe/。没有时放一个说明页。")
@click.option("--preview-domain", default=None, help="这次修改不影响任何站点、没有构建时：预览域名（与 --pr 一起用）。")
@click.option("--pr", default=None, help="这次修改不影响任何站点、没有构建时：合并请求编号。")
def preview_landing(root: Path, source: Path, sheet: Path | None, preview_domain: str | None, pr: str | None) -> None:
    """写预览首页 pr-<编号>.<预览域名>：受影响的站点各一个链接，以及审核单（手机上阅读）。"""
    from zhanqun.preview import landing

    if preview_domain is not None or pr is not None:
        landing.empty_preview(root, source, preview_domain, pr)
    folder = landing.write(source, landing.names_of(root), sheet)
    if sheet is not None and not sheet.is_file():
        output.info(f"没有审核单 {sheet}（没有生成或生成失败）：/shenhe/ 放了一个说明页。")
    output.info(f"预览首页已写入 {folder}。")


@preview.command("deploy")
@_preview_from
@click.option("--to", "target", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="预览部署根目录；合并请求 N 的预览在 <目录>/pr-N/<预览主机名>/current。")
@click.option("--pr", required=True, help="合并请求编号。")
def preview_deploy(source: Path, target: Path, pr: str) -> None:
    """把预览部署到预览服务器（每个站点原子切换，与 zhanqun deploy 相同）；这次不再受影响的站点的旧预览被删除。"""
    from zhanqun.preview import store

    done = store.deploy(source, target, pr)
    for host in done.hosts:
        output.info(f"已部署：https://{host}/")
    for host in done.removed:
        output.info(f"已删除不再受影响的预览：{host}")


@preview.command("remove")
@click.option("--to", "target", required=True, type=click.Path(file_okay=False, path_type=Path), help="预览部署根目录。")
@click.option("--pr", required=True, help="合并请求编号。")
def preview_remove(target: Path, pr: str) -> None:
    """删除合并请求的全部预览（合并请求关闭时）；只删除 zhanqun 部署的预览，不跟随符号链接。"""
    from zhanqun.preview import store

    home = store.remove(target, pr)
    output.info(f"已删除 {home}。" if home else f"{target} 中没有合并请求 #{pr} 的预览，无需删除。")


@preview.command("comment")
@root_option
@click.option("--from", "source", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="预览的构建输出目录（评论列出其中的站点）；与 --removed 二选一。")
@click.option("--removed", is_flag=True, help="把评论改为“预览已删除”（合并请求关闭时）。")
@click.option("--pr", required=True, help="合并请求编号。")
@click.option("--api", "api_kind", type=click.Choice(["github", "gitea"]), required=True, help="托管平台。")
@click.option("--repo", default=None, help="仓库 所有者/名称（默认取 GITHUB_REPOSITORY）。")
@click.option("--as", "writer", multiple=True, help="工作流评论所用的账号（默认 github-actions[bot]、gitea-actions）。")
def preview_comment(root: Path, source: Path | None, removed: bool, pr: str, api_kind: str, repo: str | None,
                    writer: tuple[str, ...]) -> None:
    """在合并请求上评论预览链接：只有一条评论（按隐藏标记找到后更新），不会每次推送多一条。"""
    from zhanqun.preview import check_pr, comment, landing
    from zhanqun.preview.rules import PREVIEW_OPTION
    from zhanqun.signoff.hosting import Api

    number = check_pr(pr)
    if removed == (source is not None):
        raise UsageError("给出 --from 预览输出目录，或 --removed（二选一）。", code=PREVIEW_OPTION)
    if source is not None:
        made = landing.preview_of(source)
        if made.pr != number:
            raise UsageError(f"{source} 是合并请求 #{made.pr} 的预览，不是 #{number}。", code=PREVIEW_OPTION)
        text = comment.body(made, landing.names_of(root), landing.commit_of(source, made))
    else:
        text = comment.removed_body(number)
    posted = comment.post(Api.from_env(api_kind, repo), number, text, writer or comment.WRITERS)
    output.info(f"已{'发表' if posted.created else '更新'}合并请求 #{number} 的预览评论（{posted.id}）。")


@cli.command()
@click.argument("host")
@root_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="端口；0 由系统挑一个空闲端口。")
@click.option("--bind", default="127.0.0.1", show_default=True,
              help="监听的地址：127.0.0.1 只有本机能看；0.0.0.0 办公网内的电脑都能看（见 docs/handbook.md）。")
def serve(host: str, root: Path, port: int, bind: str) -> None:
    """本地预览一个单位或站点（写单位代号或主机名，频道单位打开门户中它的栏目），修改内容后自动重建并刷新浏览器。"""
    from zhanqun.serve import serve as serve_site

    serve_site(root, host, bind=bind, port=port)


@cli.command()
@click.argument("unit")
@click.argument("column")
@click.argument("title")
@root_option
@click.option("--date", "date", default=None, help="发布日期（默认今天），如 2026-03-05。")
def new(unit: str, column: str, title: str, root: Path, date: str | None) -> None:
    """在 UNIT 的 COLUMN 栏目中新建条目 TITLE，生成该类型需要的头信息。"""
    from zhanqun.scaffold import new_item

    path = new_item(root, unit, column, title, date=date)
    click.echo(path)


@cli.group(invoke_without_command=True)
@root_option
@click.option("--output", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="写入编辑器的目录（整体替换；供编辑专用主机，zhanqun nginx --editor-root）。")
@click.option("--backend", type=click.Choice(["gitea", "github", "local"]), default="gitea", show_default=True,
              help="托管平台：gitea（保存到 cms/<单位> 分支，由工作流开合并请求）、github（编辑工作流）、local（本机试用、测试）。")
@click.option("--repo", default="", help="托管平台上的仓库 所有者/名称。")
@click.option("--base-url", default="", help="gitea：Gitea 的地址；github：OAuth 登录服务的地址。")
@click.option("--api-root", default="", help="托管平台 API 地址（默认由 --base-url 得出）。")
@click.option("--branch", default="main", show_default=True, help="主分支（合并请求的目标）。")
@click.option("--app-id", default="", help="托管平台上为编辑器登记的 OAuth 应用的 Client ID。")
@click.option("--proxy-url", default="http://localhost:8081/api/v1", show_default=True,
              help="local：decap-server 的地址。")
@click.option("--decap-js", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="decap-cms.js 的路径（默认 .venv/npm/node_modules/decap-cms/dist/，或环境变量 ZHANQUN_DECAP_JS）。")
@click.pass_context
def cms(ctx: click.Context, root: Path, out: Path | None, backend: str, repo: str, base_url: str, api_root: str,
        branch: str, app_id: str, proxy_url: str, decap_js: Path | None) -> None:
    """生成网页编辑器（Decap CMS，issue 15）：每个单位一个编辑器，每个栏目一个集合，字段、中文名称和提示来自内容模式。"""
    from zhanqun import cms as cms_mod

    if ctx.invoked_subcommand is not None:
        return
    if out is None:
        raise UsageError("缺少 --output。", hint="给出写入编辑器的目录，如 --output /srv/cms。")
    settings = cms_mod.Backend(backend, repo, base_url, api_root, branch, app_id, proxy_url)
    units = cms_mod.write(root, out, settings, decap_js)
    output.info(f"已在 {out} 生成 {len(units)} 个单位的网页编辑器（Decap CMS {cms_mod.DECAP_VERSION}，{backend}）。")


@cms.command("index-numbers")
@root_option
@click.option("--also", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="同时计入这个站群目录（主分支的检出）中已用的索引号。")
def cms_index_numbers(root: Path, also: Path | None) -> None:
    """给没有索引号的政策文件分配索引号（与 zhanqun new 相同的规则），写入文件；工作流在编辑器的分支上运行。"""
    from zhanqun import cms as cms_mod

    for rel, number in cms_mod.assign_index_numbers(root, also):
        click.echo(f"{rel}\t{number}")


@cms.command("branches")
@root_option
@click.option("--base", default="main", show_default=True, help="从哪个分支建立。")
@click.option("--repo", default=None, help="托管平台上的仓库 所有者/名称（默认取 GITHUB_REPOSITORY）。")
def cms_branches(root: Path, base: str, repo: str | None) -> None:
    """在 Gitea 上为每个单位建立编辑器的分支 cms/<单位>（已有的不动；地址和令牌见 ZHANQUN_API_URL、ZHANQUN_API_TOKEN）。"""
    from zhanqun import cms as cms_mod
    from zhanqun.signoff.hosting import Api
    from zhanqun.signoff.run import load_config

    cluster = load_config(root)
    made = cms_mod.make_branches(Api.from_env("gitea", repo), list(cluster.units), base)
    output.info(f"新建了 {len(made)} 个分支" + ("：" + "、".join(made) if made else "；每个单位都已有分支。"))


@cms.command("open-pr")
@root_option
@click.option("--branch", required=True, help="编辑器保存到的分支，如 cms/fgw。")
@click.option("--base", default="main", show_default=True, help="合并请求的目标分支。")
@click.option("--api", "api_kind", type=click.Choice(["github", "gitea"]), required=True,
              help="托管平台（地址和令牌见 ZHANQUN_API_URL、ZHANQUN_API_TOKEN）。")
@click.option("--repo", default=None, help="托管平台上的仓库 所有者/名称（默认取 GITHUB_REPOSITORY）。")
def cms_open_pr(root: Path, branch: str, base: str, api_kind: str, repo: str | None) -> None:
    """为编辑器的分支开合并请求，已有时更新它；输出合并请求编号。"""
    from zhanqun import cms as cms_mod
    from zhanqun.signoff.hosting import Api
    from zhanqun.signoff.run import load_config

    cluster = load_config(root)
    unit_id = branch.split("/")[1] if "/" in branch else ""
    unit_name = cluster.units[unit_id].name if unit_id in cluster.units else unit_id
    title, body = cms_mod.pr_text(cluster.config.name, unit_name, branch)
    number, opened = cms_mod.open_pr(Api.from_env(api_kind, repo), branch, base, title, body)
    output.info(("已开合并请求" if opened else "已更新合并请求") + f" #{number}（{branch} → {base}）。")
    click.echo(number)


@cli.group()
def signoff() -> None:
    """审核链（R5）：合并请求需要哪些审核、是否已满足。"""


_api_options = [
    click.option("--pr", default=None, help="合并请求编号（signoff record 可写 auto：按提交向托管平台查询）。"),
    click.option("--api", "api_kind", type=click.Choice(["github", "gitea"]), default=None,
                 help="从托管平台 API 读取作者、审核和提交（地址和令牌见 ZHANQUN_API_URL、ZHANQUN_API_TOKEN）。"),
    click.option("--repo", default=None, help="托管平台上的仓库 所有者/名称（默认取 GITHUB_REPOSITORY）。"),
]


_F = TypeVar("_F", bound=Callable[..., Any])


def api_options(func: _F) -> _F:
    for option in reversed(_api_options):
        func = option(func)
    return func


@signoff.command("check")
@root_option
@click.option("--base", default=None, help="基准提交（合并目标，如 origin/main）；审核配置以它为准。用 --api 时默认取合并请求的基准。")
@click.option("--head", default=None, help="合并请求的最新提交。用 --api 时默认取合并请求的最新提交。")
@click.option("--author", default=None, help="合并请求作者的登录名（用 --api 时从托管平台读取）。")
@click.option("--reviews", "reviews_file", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="审核记录 JSON（托管平台 API pulls/{n}/reviews 的返回结果，GitHub 与 Gitea 格式均可）。")
@api_options
@click.option("--emergency", default="", help="突发事件紧急发布的理由（须有领导批准）。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="输出格式。")
def signoff_check(root: Path, base: str | None, head: str | None, author: str | None, reviews_file: Path | None,
                  pr: str | None, api_kind: str | None, repo: str | None, emergency: str, fmt: str) -> None:
    """检查合并请求的审核是否满足审核链：满足退出码 0，不满足 1。"""
    from zhanqun.signoff import run

    result = run.check(root, base, head, run.inputs(author, reviews_file, pr, api_kind, repo), emergency)
    output.signoff_verdict(result, fmt)
    sys.exit(0 if result.satisfied else 1)


@signoff.command("record")
@root_option
@click.option("--commit", "commit_rev", required=True, help="合并后的提交（合并提交或压缩合并的提交）。")
@click.option("--author", default=None, help="合并请求作者的登录名（用 --api 时从托管平台读取）。")
@click.option("--reviews", "reviews_file", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="审核记录 JSON（同 signoff check）。")
@api_options
@click.option("--emergency", default="", help="突发事件紧急发布的理由。")
@click.option("--push", "remote", default=None,
              help="先从该远程仓库取回已有的审核记录，写入后推送回去（CI 用，如 --push origin）。")
@click.option("--sign-key", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CI 的签名私钥文件（默认取环境变量 ZHANQUN_SIGNING_KEY 中的私钥）；有私钥时记录带签名（R6.5）。")
@click.option("--unless-trusted", is_flag=True,
              help="这个提交已有 CI 签名的有效记录时不再写（CI 用；别人追加的无效记录不算）。")
def signoff_record(root: Path, commit_rev: str, author: str | None, reviews_file: Path | None, pr: str | None,
                   api_kind: str | None, repo: str | None, emergency: str, remote: str | None,
                   sign_key: Path | None, unless_trusted: bool) -> None:
    """合并后把审核记录写入 git note（refs/notes/zhanqun），供审计从 git 历史读取（R5.6）。再次运行会追加一条记录（紧急发布补审）。"""
    from zhanqun import signing
    from zhanqun.audit.history import NOTES_REF
    from zhanqun.signoff import run

    key_text = signing.key_from(sign_key)
    if unless_trusted:
        if remote:
            from zhanqun.signoff import gitdata

            gitdata.fetch_notes(gitdata.open_repo(root), remote)
        if run.has_trusted_record(root, commit_rev):
            output.info(f"提交 {commit_rev} 已有 CI 签名的审核记录，不再重复写。")
            return
    if not pr:
        raise UsageError("缺少 --pr 合并请求编号。", hint="审核记录须注明合并请求；直接推送的提交没有合并请求。")
    if pr == "auto":  # CI after a push to main: which pull request was merged as this commit?
        pr = run.pull_of(root, commit_rev, api_kind, repo)
        if pr is None:
            output.info(f"提交 {commit_rev} 不是合并请求合并的结果（直接推送），没有审核记录可写；审计会把它列为 V001。")
            return
    result = run.record(root, commit_rev, pr, run.inputs(author, reviews_file, pr, api_kind, repo), emergency, remote,
                        key_text)
    output.signoff_verdict(result)
    if (reason := run.unrestated_emergency(root, commit_rev)) is not None:
        output.info(f"注意：这个提交是突发事件紧急发布（理由：{reason}），补审时须用 --emergency 再写一次同样的理由；"
                    "这次没有写（或写得不同），审计仍把它列为紧急发布未补齐（V005）。")
    if not key_text:
        output.info("提示：没有签名私钥（ZHANQUN_SIGNING_KEY 或 --sign-key），记录未签名；仓库启用签名后审计会把它列为 V009。")
    if remote:
        output.info(f"审核记录已写入 {NOTES_REF} 并推送到 {remote}。")
    else:
        output.info(f"审核记录已写入 {NOTES_REF}。推送：zhanqun signoff record … --push origin，或 git push origin {NOTES_REF}")


@cli.command("review-sheet")
@root_option
@click.option("--base", default=None, help="基准提交（合并目标，如 origin/main）；审核人员以它为准。用 --api 时默认取合并请求的基准。")
@click.option("--head", default=None, help="合并请求的最新提交。用 --api 时默认取合并请求的最新提交。")
@click.option("--author", default=None, help="合并请求作者的登录名（用 --api 时从托管平台读取）。")
@click.option("--reviews", "reviews_file", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="审核记录 JSON（同 signoff check）。")
@api_options
@click.option("--emergency", default="", help="突发事件紧急发布的理由。")
@click.option("--preview-url", default="",
              help="合并请求预览的网址：{host} 换成站点的主机名（{label} 换成 www、fgw 等），再接上页面路径；"
                   "不写 {host} 时站点是其下的目录。每条信息链接到它的预览页。")
@click.option("--pr-url", default="", help="托管平台上合并请求页面的网址（审核单链接回去批准）。")
@click.option("--format", "fmt", type=click.Choice(["html", "json"]), default="html", help="输出格式。")
@click.option("--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入文件（默认打印）。")
def review_sheet(root: Path, base: str | None, head: str | None, author: str | None, reviews_file: Path | None,
                 pr: str | None, api_kind: str | None, repo: str | None, emergency: str, preview_url: str,
                 pr_url: str, fmt: str, out: Path | None) -> None:
    """审核单（R10.5）：一个合并请求修改了什么（改前改后的页面，改动处标出）、将出现在哪里、需要谁审核（按姓名）、
    谁已批准、还缺谁，以及检查发现的问题。一页 HTML，手机可读。"""
    from zhanqun.signoff import run, sheet as sheet_mod, sheet_html

    given = run.inputs(author, reviews_file, pr, api_kind, repo)
    result = sheet_mod.build(root, base, head, given, emergency, pr or "", pr_url, preview_url)
    output.document(output.json_document("review_sheet", result.as_dict()) if fmt == "json"
                    else sheet_html.render(result), out)


@signoff.command("publishable")
@root_option
@click.option("--since", default=None, help="上次发布到的提交（如 refs/zhanqun/deployed）；不给时从头判断。")
@click.option("--head", default="HEAD", show_default=True, help="最新的提交。")
def signoff_publishable(root: Path, since: str | None, head: str) -> None:
    """发布前（R6.6）：打印可以发布到的提交——其间每个需要审核的变更都有 CI 签名、审核链已满足（或紧急发布）的记录；
    审核链未满足的变更及其后的提交不发布，原因写在日志中。"""
    from zhanqun.signoff import run

    target, lines = run.publishable(root, since, head)
    for line in lines:
        output.info(line)
    click.echo(target)


@cli.command()
@root_option
@click.option("--check", "check_only", is_flag=True, help="只检查文件是否与配置一致（CI 用）：不一致退出码 1。")
def codeowners(root: Path, check_only: bool) -> None:
    """根据各单位的审核人员生成 .github/CODEOWNERS（GitHub）和 .gitea/CODEOWNERS（Gitea）（R5.4）。"""
    from zhanqun.signoff import run

    stale = []
    for rel, text in run.codeowners_files(root).items():
        path = root / rel
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(rel)
        if not check_only:
            output.document(text, path)
    from zhanqun.signoff.codeowners import SHADOWING

    shadows = [rel for rel in SHADOWING if (root / rel).exists()]
    if shadows:
        output.error("、".join(shadows) + " 会盖过生成的 .gitea/CODEOWNERS（Gitea 先读它们）。请删除。")
        sys.exit(1)
    if check_only and stale:
        output.error("、".join(stale) + " 与 unit.yaml 中的审核人员不一致（或不存在）。请运行 zhanqun codeowners 重新生成并提交。")
        sys.exit(1)
    if check_only or not stale:
        output.info("CODEOWNERS 与配置一致。")


@cli.command()
@root_option
@click.option("--api", "api_kind", type=click.Choice(["github", "gitea"]), required=True, help="托管平台。")
@click.option("--repo", default=None, help="仓库 所有者/名称（默认取 GITHUB_REPOSITORY）。")
@click.option("--branch", default="main", show_default=True, help="要保护的主分支。")
@click.option("--check", "mode", flag_value="check", help="与托管平台上的设置比较：不一致退出码 1。")
@click.option("--apply", "mode", flag_value="apply", help="把设置写入托管平台（需要仓库管理权限的令牌）。")
def protect(root: Path, api_kind: str, repo: str | None, branch: str, mode: str | None) -> None:
    """主分支保护（R5.4）：只能经合并请求合并、必须通过 zhanqun 检查和审核链、禁止强制推送。不加选项时打印设置。"""
    import json

    from zhanqun.signoff import run

    body, drift = run.protect(root, api_kind, repo, branch, mode or "show")
    if not mode:
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    for line in drift:
        click.echo(f"  - {line}")
    if drift:
        output.error(f"{branch} 的分支保护与配置不一致（{len(drift)} 项）。" + ("" if mode == "check" else "写入后仍不一致，请检查令牌权限。")
                     + ("运行 zhanqun protect --apply 修正。" if mode == "check" else ""))
        sys.exit(1)
    output.info(f"{branch} 的分支保护{'已写入，' if mode == 'apply' else ''}与配置一致。")


@cli.command()
@root_option
@click.option("--base", default=None, help="变更前的提交（如 origin/main 或上次发布的提交）。")
@click.option("--head", default="HEAD", show_default=True, help="变更后的提交。")
@click.option("--all", "every", is_flag=True, help="列出 --head 时的全部站点（定时发布、首次发布用）。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="输出格式（json 供 CI 的矩阵用）。")
def affected(root: Path, base: str | None, head: str, every: bool, fmt: str) -> None:
    """这次变更需要重新构建、发布的站点（R6.1），每行一个主机名。"""

    from zhanqun.deploy import affected as affected_mod
    from zhanqun.signoff import gitdata
    from zhanqun.signoff.run import schemas_of

    if every:
        repo = gitdata.open_repo(root)
        hosts = sorted(affected_mod.all_hosts(*gitdata.config_at(gitdata.commit_of(repo, head))))
    elif base is None:
        raise UsageError("缺少 --base。", hint="给出变更前的提交，或用 --all 列出全部站点。")
    else:
        hosts = affected_mod.affected(root, base, head, schemas_of(root))
    # one line: CI writes it to $GITHUB_OUTPUT and reads fromJSON(…).hosts for the build matrix
    output.emit(output.json_document("affected", {"hosts": hosts}, compact=True) if fmt == "json" else "\n".join(hosts))


@cli.command()
@root_option
@click.option("--deploy-root", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="zhanqun deploy 的部署根目录（站点在 <目录>/<主机名>/current）；只配置预览服务器时可以不给。")
@click.option("--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="写入的配置文件。")
@click.option("--cert", default="/etc/nginx/ssl/{host}/fullchain.pem", show_default=True,
              help="证书路径，{host} 换成主机名；也可以是所有主机共用的一个证书。")
@click.option("--key", default="/etc/nginx/ssl/{host}/privkey.pem", show_default=True, help="私钥路径，写法同 --cert。")
@click.option("--http-port", type=click.IntRange(1, 65535), default=80, show_default=True)
@click.option("--https-port", type=click.IntRange(1, 65535), default=443, show_default=True)
@click.option("--access-log", "access_log", default="/var/log/nginx/{host}.access.log", show_default=True,
              help="访问日志路径，{host} 换成主机名（也可以所有主机共用一个）；off 不写。年度报表的访问量由它统计（R8.4）。")
@click.option("--preview-domain", default=None,
              help="再生成预览服务器（议题 15）：pr-<编号>.<域名> 和 pr-<编号>-<标签>.<域名>；证书为 *.<域名>（--cert 中的 {host} 换成这个域名）。")
@click.option("--preview-root", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="zhanqun preview deploy 的预览部署根目录。")
@click.option("--preview-allow", multiple=True, help="只允许这些内网网段访问预览（可写多次，如 10.0.0.0/8）；其余 403。")
@click.option("--editor-host", default="", help="网页编辑器的主机名（如 cms.<域名>，只在内网解析；issue 15）。")
@click.option("--editor-root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="网页编辑器的目录（zhanqun cms --output 的目录，在部署根目录之外）。")
@click.option("--editor-connect", multiple=True,
              help="编辑器可以访问的托管平台地址（CSP connect-src），如 https://git.example.gov.cn；可写多次。")
@click.option("--editor-allow", multiple=True, help="可以打开编辑器的内网地址或网段，如 10.0.0.0/8；可写多次，不写则不限。")
def nginx(root: Path, deploy_root: Path | None, out: Path, cert: str, key: str, http_port: int, https_port: int,
          access_log: str, preview_domain: str | None, preview_root: Path | None, preview_allow: tuple[str, ...],
          editor_host: str, editor_root: Path | None, editor_connect: tuple[str, ...],
          editor_allow: tuple[str, ...]) -> None:
    """生成 nginx 配置（R6.4）：每个主机一个 server，HTTP 跳转 HTTPS，IPv6，安全响应头，拒绝未知主机，访问日志。"""
    from zhanqun.deploy import nginx as nginx_mod
    from zhanqun.signoff.run import load_config

    cert, key = nginx_mod.check_path("--cert", cert), nginx_mod.check_path("--key", key)
    access_log = nginx_mod.check_path("--access-log", access_log, may_be_off=True)
    config = load_config(root)
    hosts = [site.host for site in config.sites()]
    if editor_host and not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+",
                                        editor_host.lower()):
        raise UsageError(f"--editor-host 不是可用的主机名：{editor_host}", hint="如 cms.shilixian.gov.cn。")
    if editor_root is not None:
        nginx_mod.check_path("--editor-root", editor_root.resolve().as_posix())
    server = None
    if (preview_domain is None) != (preview_root is None):
        from zhanqun.preview.rules import PREVIEW_OPTION

        raise UsageError("--preview-domain 和 --preview-root 要一起给出。", code=PREVIEW_OPTION)
    if deploy_root is None and preview_domain is None:
        raise UsageError("缺少 --deploy-root。", hint="给出正式网站的部署根目录；只配置预览服务器时给 --preview-domain 和 --preview-root。")
    if preview_domain is not None and preview_root is not None:
        from zhanqun.preview import Preview, label_of

        made = Preview.of(preview_domain, 1, config.config.domain, hosts, ())  # checks the domain against the hosts
        root_path = nginx_mod.check_path("--preview-root", preview_root.resolve().as_posix())
        server = nginx_mod.PreviewServer(made.domain, Path(root_path), tuple(label_of(h, config.config.domain) for h in hosts),
                                         tuple(nginx_mod.check_cidr(c) for c in preview_allow))
    text = nginx_mod.render(hosts, deploy_root.resolve() if deploy_root else None, cert, key, http_port, https_port,
                            access_log, portal=config.portal_host, preview=server, editor_host=editor_host.lower(),
                            editor_root=editor_root.resolve() if editor_root is not None else None,
                            editor_connect=[nginx_mod.check_origin(o) for o in editor_connect],
                            editor_allow=[nginx_mod.check_address(a) for a in editor_allow])
    output.document(text, out)


@cli.command()
@click.argument("site", type=click.Path(path_type=Path))
@root_option
@click.option("--allowed-signers", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="允许的签名者文件（默认 <root>/.zhanqun/allowed_signers）；有它时清单必须带 CI 的有效签名（R6.5）。")
@click.option("--deployed-ref", default=None,
              help="再核对线上版本是否就是 git 记录的已发布版本（如 refs/zhanqun/deployed，--root 须是站群仓库）。")
def verify(site: Path, root: Path, allowed_signers: Path | None, deployed_ref: str | None) -> None:
    """防篡改（R6.3）：把站点目录（或部署的 current）与构建时写入的清单比较，列出每个被改动、多出或缺失的文件。"""
    from zhanqun import signing
    from zhanqun.deploy import manifest

    path = allowed_signers or root / signing.ALLOWED_SIGNERS
    if allowed_signers is not None and not path.is_file():
        raise UsageError(f"找不到允许的签名者文件 {path}。", hint="给出站群仓库中的 .zhanqun/allowed_signers。")
    try:
        signers = signing.parse_allowed(path.read_text(encoding="utf-8"), str(path)) if path.is_file() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"允许的签名者文件 {path} 无法读取（{exc.__class__.__name__}）。",
                         hint="它应当是 UTF-8 文本，每行一个“名称 namespaces=\"…\" 公钥”。") from None
    if signers is None:
        output.info(f"提示：没有 {signing.ALLOWED_SIGNERS}（可用 --allowed-signers 指定），只比较文件，未核对清单签名。")
    data, found = manifest.verify(site, signers)
    if deployed_ref:
        found.stale = manifest.stale_against(root, deployed_ref, data)
    if found.signature:
        click.echo(f"签名：{found.signature}")
    if found.stale:
        click.echo(f"版本：{found.stale}")
    for label, paths in (("被改动", found.changed), ("多出", found.added), ("缺失", found.missing)):
        for rel in paths:
            click.echo(output.visible(f"{label}：{rel}"))  # an added file may be named to drive the terminal
    if found.clean:
        signed = "，清单签名有效" if signers is not None else ""
        output.info(f"{site}：{len(data['files'])} 个文件与清单一致{signed}（提交 {str(data.get('commit'))[:10]}，构建于 {data.get('built_at')}）。")
        return
    output.error(f"{site} 与清单不符：{'清单签名不成立，' if found.signature else ''}{'不是已发布的版本，' if found.stale else ''}{len(found.changed)} 个文件被改动，{len(found.added)} 个多出，{len(found.missing)} 个缺失。"
                 "请立即从发布版本重新部署（zhanqun deploy / zhanqun rollback）并排查来源。")
    sys.exit(1)


@cli.command()
@click.argument("host")
@click.option("--from", "source", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="构建好的站点目录，如 output/www.shilixian.gov.cn。")
@click.option("--to", "target", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="部署根目录；站点放在 <目录>/<主机名>/releases/，当前版本是 <目录>/<主机名>/current。")
@click.option("--keep", type=click.IntRange(1, 1000), default=5, show_default=True, help="保留最近几个发布版本。")
def deploy(host: str, source: Path, target: Path, keep: int) -> None:
    """部署（R6.2）：新版本完整复制到 releases/ 后，一步切换 current；中途失败或被中断，线上仍是上一个完整版本。"""
    from zhanqun.deploy import release

    rid = release.deploy(host, source, target, keep)
    output.info(f"{host}：已切换到发布版本 {rid}（{target / host / 'current'}）。")


@cli.command()
@click.argument("host")
@click.option("--to", "target", required=True, type=click.Path(file_okay=False, path_type=Path), help="部署根目录。")
@click.option("--release", "rid", default=None, help="回滚到的版本（默认上一个上线的版本）。")
def rollback(host: str, target: Path, rid: str | None) -> None:
    """一步回滚到上一个（或指定的）发布版本。"""
    from zhanqun.deploy import release

    done = release.rollback(host, target, rid)
    output.info(f"{host}：已回滚到发布版本 {done}。")


@cli.command()
@root_option
@click.option("--branch", default="main", show_default=True, help="主分支。")
@click.option("--since", default=None, help="只审计此提交之后（提交哈希、标签）或此日期以来（如 2026-01-01）的变更。")
@click.option("--page", "page_path", default=None, help="只看一个页面的发布记录（R8.1），如 content/fgw/gzdt/….md。")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", help="输出格式。")
@click.option("--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入文件（默认打印）。")
@click.option("--no-cache", is_flag=True,
              help="不用上次审计留在 .git/zhanqun/ 的豁免注释检索结果，从头检索全部历史。")
def audit(root: Path, branch: str, since: str | None, page_path: str | None, fmt: str, out: Path | None,
          no_cache: bool) -> None:
    """审计主分支：每个需要审核的提交由谁撰写、谁以什么角色批准，以及违规（R8）。有违规时退出码 1。"""
    from zhanqun import audit as audit_mod
    from zhanqun.audit import render

    with audit_mod.without_gc():
        if page_path:
            events, names = audit_mod.page_and_names(root, page_path, branch, use_cache=not no_cache)
            data: dict[str, object] = {"path": page_path, "events": [e.as_dict(names) for e in events], "people": names}
            output.document({"text": lambda: render.page_text(page_path, events, names),
                             "json": lambda: render.as_json(data, "audit.page"),
                             "html": lambda: render.html_page(page_path, events, names)}[fmt](), out)
            return
        report = audit_mod.run(root, branch, since, use_cache=not no_cache)
        if report.notes_missing and any(e.status != "initial" for e in report.entries):
            output.info("提示：仓库中没有任何审核记录（refs/notes/zhanqun）。新克隆的仓库请先运行 "
                        "git fetch origin refs/notes/zhanqun:refs/notes/zhanqun。")
        output.document({"text": lambda: render.text(report), "json": lambda: render.as_json(report.as_dict()),
                         "html": lambda: render.html_report(report)}[fmt](), out)
    sys.exit(1 if report.failed else 0)


@cli.command()
@click.argument("hosts", nargs=-1)
@root_option
@click.option("--at", "at", default=None,
              help="按某一天（2026-11-21 或 2026-11-21 09:30，北京时间）或某个提交时的网站自查，年龄按那一刻计算。")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", help="输出格式。")
@click.option("--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入文件（默认打印）。")
@click.option("--compare", "base", default=None,
              help="与合并目标（如 origin/main）对比，列出本次变更修正和新增的问题；新增单项否决时退出码 1。")
@click.option("--fail-within", "fail_within", type=click.IntRange(0, 365), default=None,
              help="每日定时自查用：有栏目或首页在 N 天内将超期未更新时也以退出码 1 结束。")
@click.option("--scheduled", is_flag=True,
              help="每日定时自查用：同 --fail-within N，N 为 cluster.yaml 的 inspect.warn_days（默认 3）。")
@click.option("--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1, help="并行进程数。")
def inspect(hosts: tuple[str, ...], root: Path, at: str | None, fmt: str, out: Path | None, base: str | None,
            fail_within: int | None, scheduled: bool, jobs: int) -> None:
    """按国办秘函〔2019〕19号的检查指标自查网站（R7）：单项否决、扣分和预警。有单项否决时退出码 1。"""
    from zhanqun.inspect import engine, render, scorecard

    result = engine.run(root, list(dict.fromkeys(hosts)) or None, at, base, jobs=jobs)
    if isinstance(result, engine.Comparison):
        report = result.head
        text = {"text": lambda: render.comparison_text(result) + "\n" + render.text(report),
                "json": lambda: render.as_json(result.to_json(), "inspect.comparison"), "html": lambda: scorecard.html(report)}[fmt]()
        output.document(text, out)
        sys.exit(1 if result.creates_veto else 0)
    report = result
    output.document({"text": lambda: render.text(report), "json": lambda: render.as_json(report.to_json()),
                     "html": lambda: scorecard.html(report)}[fmt](), out)
    failed = report.vetoed
    if scheduled and fail_within is None:
        fail_within = report.warn_days
    if fail_within is not None:
        soon = engine.due_within(report, fail_within)
        for name, due in soon:
            output.info(f"预警：{name} 将于 {due} 超过更新期限。")
        failed = failed or bool(soon)
    sys.exit(1 if failed else 0)


def _private_bytecode() -> None:
    """Python would run a committed ``plugins/…/__pycache__/*.pyc`` instead of the reviewed source beside it
    (an unchecked-hash .pyc is never compared with the source). With a cache prefix of our own, bytecode is
    only read from and written to a folder outside every repository."""
    if not sys.pycache_prefix:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        sys.pycache_prefix = os.path.join(base, "zhanqun", "pycache")


def _json_error(argv: list[str] | None, exit_code: int, findings: Sequence[Finding] = (), message: str = "",
                code: str = "", hint: str = "") -> bool:
    """A command asked for ``--format json`` that stops with an error still prints one JSON document on standard
    output (``zhanqun.error``), so a CI step that parses it reads why instead of nothing (review of issue 13).
    True when the findings have been told here (the caller prints them as text otherwise)."""
    args = sys.argv[1:] if argv is None else argv
    wants = any(a == "--format=json" or (a == "--format" and i + 1 < len(args) and args[i + 1] == "json")
                for i, a in enumerate(args))
    if not wants:
        return False
    if output.printed_document():  # after a printed report, the error goes to standard error alone
        if findings:
            click.echo(output.findings_text(findings), err=True)
    else:
        click.echo(output.error_json(exit_code, findings, message, code, hint))
    return True


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; the one place where errors become messages and exit codes."""
    _private_bytecode()
    output.start_command()
    try:
        cli.main(args=argv, prog_name="zhanqun", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    except click.exceptions.Abort:
        output.error("已取消。")
        return 1
    except click.UsageError as exc:
        # click lists choices one a line, tab-indented ("可选：\n\t…"): one line here, as every message
        text = exc.format_message().replace(chr(10) + chr(9), " ")
        if isinstance(exc, click.MissingParameter):  # click writes the "." after the name itself, outside gettext
            head, dot, rest = text.partition(".")
            text = f"{head}。{rest.strip()}" if dot else text
        output.error(f"用法错误：{text}（用 zhanqun --help 查看用法）")
        _json_error(argv, 2, message=f"用法错误：{text}")
        return 2
    except click.ClickException as exc:
        output.error(exc.format_message())
        _json_error(argv, exc.exit_code, message=exc.format_message())
        return exc.exit_code
    except FindingsError as exc:
        if not _json_error(argv, exc.exit_code, exc.findings):
            output.print_findings(exc.findings)
        output.error(exc.message)
        return exc.exit_code
    except ZhanqunError as exc:
        output.error(str(exc))
        _json_error(argv, exc.exit_code, message=exc.message, code=exc.code, hint=exc.hint)
        return exc.exit_code
    except KeyboardInterrupt:
        output.error("已中断，输出目录保持原样。")
        return 130
    except Exception as exc:
        from zhanqun import crash

        output.crash(crash.write(exc, ["zhanqun", *(sys.argv[1:] if argv is None else argv)]))
        return crash.EXIT_CODE
    return 0


@cli.command("annual-report")
@click.argument("year", type=click.IntRange(2000, 2999))
@click.argument("hosts", nargs=-1)
@root_option
@click.option("--access-log", "access_logs", multiple=True, type=click.Path(path_type=Path),
              help="nginx 访问日志（zhanqun nginx 生成的格式，可为 .gz），可写多次；统计独立用户访问总量和网站总访问量。")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "html"]), default="text", help="输出格式。")
@click.option("--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="写入文件（默认打印）。")
@click.option("--publish", is_flag=True, help="把报表写成门户栏目（cluster.yaml stats.annual_report_column）中的信息和 CSV。")
@click.option("--force", is_flag=True, help="与 --publish 一起用：覆盖已发布的报表。")
def annual_report(year: int, hosts: tuple[str, ...], root: Path, access_logs: tuple[Path, ...], fmt: str,
                  out: Path | None, publish: bool, force: bool) -> None:
    """生成 YEAR 年的政府网站工作年度报表（国办函〔2018〕12号，R8.4）：门户和每个有自己网站标识码的子站各一份。"""
    from zhanqun.stats import annual_run

    result = annual_run.run(root, year, list(dict.fromkeys(hosts)), list(access_logs), publish=publish, force=force)
    output.document(annual_run.render(result.reports, fmt), out)
    for line in result.messages():
        output.info(line)


@cli.command()
@root_option
@click.option("--period", "kind", default="month", show_default=True,
              help="统计周期：month（月）、quarter（季度）、year（年）。")
@click.option("--from", "first", default=None, help="统计区间的第一天（2026-11-01，北京时间）；缺省为今年 1 月 1 日。")
@click.option("--to", "last", default=None, help="统计区间的最后一天（含当天）；缺省为今天。")
@click.option("--by", type=click.Choice(["unit", "column", "person"]), default="unit", show_default=True,
              help="按单位、栏目或人员统计。")
@click.option("--unit", default=None, help="只统计这个单位（content/ 下的单位文件夹名）。")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "html"]), default="text", help="输出格式。")
@click.option("--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入文件（默认打印）。")
@click.option("--ranking", "year", type=int, default=None, help="年度综合测评：给出年份，如 --ranking 2026。")
@click.option("--publish", is_flag=True,
              help="与 --ranking 一起用：把测评通报和 CSV 写入门户的 stats.ranking_column 栏目。")
@click.option("--force", is_flag=True, help="与 --publish 一起用：覆盖已有的测评通报。")
def stats(root: Path, kind: str, first: str | None, last: str | None, by: str, unit: str | None, fmt: str,
          out: Path | None, year: int | None, publish: bool, force: bool) -> None:
    """按单位、栏目、人员统计信息发布、栏目按时更新和留言答复（R8.3），按合入主分支的时间统计；--ranking 年度综合测评。"""
    from zhanqun.stats import command

    command.run(root, kind, first, last, by, unit, fmt, out, year, publish, force)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="某某县人民政府", show_default=True, help="站群（门户）名称，写入 cluster.yaml。")
@click.option("--domain", default="example.gov.cn", show_default=True, help="站群的域名（门户为 www.域名）。")
@click.option("--hook-repo", default=None,
              help="pre-commit 钩子所在的 zhanqun 仓库：https://…、ssh://…、git@主机:路径 或已有的本地目录（内网镜像等）。")
def init(directory: Path, name: str, domain: str, hook_repo: str | None) -> None:
    """新建一个只有内容和配置的站群仓库（R11.1）：cluster.yaml、门户单位、固定版本的工作流、pre-commit、CODEOWNERS、说明。"""
    from zhanqun import init as init_mod

    written = init_mod.init_cluster(directory, name=name, domain=domain,
                                    hook_repo=init_mod.DEFAULT_HOOK_REPO if hook_repo is None else hook_repo)
    output.info(f"已在 {directory} 写入 {len(written)} 个文件（git 仓库，分支 main）；"
                "接下来按其中 README.md 的两条命令安装和构建。")
