"""The review sheet (审核单) as one self-contained HTML page (issue 15, R10.5): no script, no external resource,
the styles inline (``zhanqun.htmlpage``), readable on a phone 320 px wide with 16 px text.

Everything from the pull request is text here (escaped, control characters made visible, numbers of 11+ digits
masked as every message masks them), except the items' bodies, which are the sites' own rendering (Markdown,
then nh3's allowlist; images replaced by their description; numbers masked too) with ``<ins>``/``<del>`` marks
added around escaped text.
"""

from __future__ import annotations

from zhanqun.findings import RULES
from zhanqun.htmlpage import CSS, escape, text
from zhanqun.signoff.sheet import STATUS_LABELS, Block, ChainUnit, ItemChange, Person, Sheet

_SHEET_CSS = """
.summary{border:2px solid var(--line);padding:.5rem .75rem;margin:1rem 0;background:#f6f7f9}
.summary p{margin:.25rem 0}.login{color:var(--muted);font-size:.875rem;font-weight:normal}
.status{display:inline-block;padding:0 .4rem;border-radius:3px;color:#fff;font-weight:bold;background:#3b4350}
.status.s-A{background:var(--ok)}.status.s-D{background:var(--veto)}.status.s-M,.status.s-R{background:var(--warn)}
article.change{border-top:1px solid var(--line);margin-top:1.5rem}
.page{border:1px solid var(--line);padding:.25rem .75rem;margin:.5rem 0;background:#fff}
.page h4{margin:.5rem 0;font-size:1rem;color:var(--muted)}
.page h5,.page h6{font-size:1.1rem;margin:1rem 0 .5rem}
.page table{font-size:.875rem}.page img{max-width:100%}
dl.fields{margin:.5rem 0;display:grid;grid-template-columns:minmax(5em,auto) 1fr;gap:.25rem .75rem}
dl.fields dt{font-weight:bold}dl.fields dd{margin:0}
ins{background:#d7f0dc;text-decoration:underline;text-decoration-thickness:2px}
del{background:#fbe0dd;text-decoration:line-through}
ins.block,del.block{display:block;border-left:5px solid var(--ok);padding-left:.5rem;margin:.5rem 0}
del.block{border-color:var(--veto)}
ins.block::before{content:"新增段落";font-size:.875rem;font-weight:bold;color:var(--ok)}
del.block::before{content:"删除段落";font-size:.875rem;font-weight:bold;color:var(--veto)}
.changed-mark{font-size:.875rem;font-weight:bold;color:var(--deduct)}
.legend-marks{font-size:.875rem}
ul.roles{list-style:none;padding:0;margin:.25rem 0}ul.roles li{border-left:6px solid var(--line);padding:.25rem .75rem;
margin:.5rem 0;background:#f6f7f9}ul.roles li.done{border-color:var(--ok)}ul.roles li.missing{border-color:var(--veto)}
.ok{color:var(--ok);font-weight:bold}.no{color:var(--veto);font-weight:bold}
.img{color:var(--muted)}
ul.places{list-style:disc;padding-left:1.25rem}
.url{word-break:break-all}
"""


def render(sheet: Sheet) -> str:
    pr = f"合并请求 #{escape(sheet.pr)}" if sheet.pr else "合并请求"
    title = f"审核单：{text(sheet.cluster)} {pr}"
    link = (f"<a href=\"{escape(sheet.pr_url)}\">在托管平台打开{pr}（批准或提出修改意见）</a>"
            if sheet.pr_url else "")
    return "\n".join([
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "<meta name=\"referrer\" content=\"no-referrer\">",
        f"<title>{title}</title><style>{CSS}{_SHEET_CSS}</style></head><body>",
        "<a class=\"skip\" href=\"#main\">跳到主要内容</a>",
        f"<header><h1>{title}</h1>",
        f"<p class=\"meta\">作者：{_person(sheet.author)}　生成于 {escape(sheet.generated)}（北京时间）</p>",
        f"<p class=\"meta\">比较 <code>{escape(sheet.base[:10])}</code> → <code>{escape(sheet.head[:10])}</code></p>",
        f"<p>{link}</p>" if link else "",
        "</header>",
        "<nav aria-label=\"审核单目录\"><ul><li><a href=\"#changes\">一、修改了什么</a></li>"
        "<li><a href=\"#where\">二、将出现在哪里</a></li><li><a href=\"#chain\">三、审核链</a></li>"
        "<li><a href=\"#findings\">四、检查发现的问题</a></li></ul></nav>",
        "<main id=\"main\" tabindex=\"-1\">",
        _summary(sheet),
        _changes(sheet),
        _where(sheet),
        _chain(sheet),
        _findings(sheet),
        _how(sheet),
        "</main>",
        "<footer><p>由 zhanqun review-sheet 从 git 生成：内容取自合并请求的最新提交，审核人员取自合并目标（基准提交）的 "
        "unit.yaml。审核单只供阅读，批准在托管平台上进行。</p></footer></body></html>\n"])


def _t(value: object) -> str:
    """Text from the pull request: numbers of 11+ digits masked (an ID or mobile number is never shown whole
    outside the site itself, R4.2; the preview shows the page), control characters visible, escaped."""
    return text(value)


def _person(p: Person) -> str:
    if p.name == p.login:
        return f"{_t(p.login)}"
    return f"{_t(p.name)} <span class=\"login\">{_t(p.login)}</span>"


def _summary(sheet: Sheet) -> str:
    missing = [(c, r) for c in sheet.chain for r in c.roles if r.approved_by is None]
    errors = sum(1 for f in sheet.findings if f.severity.value == "error")
    if sheet.emergency:
        chain = "<p><span class=\"no\">突发事件紧急发布</span>：已由领导批准放行，未完成的审核须在发布后补齐。</p>"
    elif sheet.satisfied:
        chain = "<p><span class=\"ok\">审核链已满足</span>：检查通过后即可合并发布。</p>"
    else:
        wanting = "；".join(f"{text(c.name)} 的{text(r.label)}" for c, r in missing) or "见“三、审核链”"
        chain = f"<p><span class=\"no\">审核链未满足</span>，还缺：{wanting}。</p>"
    found = (f"<p><span class=\"no\">检查发现 {len(sheet.findings)} 个问题</span>（其中错误 {errors} 个），见“四”。</p>"
             if sheet.findings else "<p><span class=\"ok\">检查未发现问题。</span></p>")
    counts = f"<p>修改了 {len(sheet.items)} 条信息" + (f"、{len(sheet.others)} 个其他文件" if sheet.others else "") + "。</p>"
    notes = "".join(f"<p class=\"no\">{text(n)}</p>" for n in sheet.notes)
    return f"<section class=\"summary\" aria-label=\"结论\">{chain}{found}{counts}{notes}</section>"


# -- one: what changed ----------------------------------------------------------------------------------------
def _changes(sheet: Sheet) -> str:
    out = ["<h2 id=\"changes\">一、修改了什么</h2>",
           "<p class=\"legend-marks\">标记：<ins>下划线绿底</ins>是新增或改后的文字，<del>删除线红底</del>是删去或改前的文字；"
           "没有标记的文字没有改动。</p>"]
    if not sheet.items:
        out.append("<p class=\"none\">没有修改任何信息。</p>")
    for index, item in enumerate(sheet.items, 1):
        out.append(_item(index, item))
    if sheet.others:
        out.append("<h3>其他文件</h3><ul>")
        for other in sheet.others:
            renamed = f"（原 <code>{_t(other.old_path)}</code>）" if other.old_path else ""
            out.append(f"<li><span class=\"status s-{other.status}\">{STATUS_LABELS[other.status]}</span> "
                       f"{text(other.what)}：<code>{_t(other.path)}</code>{renamed}</li>")
        out.append("</ul>")
    return "\n".join(out)


def _item(index: int, item: ItemChange) -> str:
    anchor = f"item-{index}"
    heading = (f"<h3 id=\"{anchor}\"><span class=\"status s-{item.status}\">{STATUS_LABELS[item.status]}</span> "
               f"{_t(item.title) or '（无标题）'}</h3>")
    meta = (f"<p class=\"meta\">{_t(item.unit_name)} · {_t(item.column_name)}栏目 · {_t(item.type_label)} · "
            f"重要程度：{_t(item.importance)}</p><p class=\"meta\">文件 <code>{_t(item.path)}</code>"
            + (f"（原 <code>{_t(item.old_path)}</code>）" if item.old_path else "") + "</p>")
    preview = ""
    if item.placement is not None and item.placement.preview:
        preview = f"<p><a href=\"{escape(item.placement.preview)}\">在预览网站上打开这一页：{_t(item.title)}</a></p>"
    problems = "".join(f"<p class=\"no\">{text(p)}</p>" for p in item.problems)
    fields = "".join(_field(f.label, f.before, f.after, item.status) for f in item.fields)
    parts = [f"<article class=\"change\" aria-labelledby=\"{anchor}\">", heading, meta, preview, problems,
             f"<h4>信息项（头信息）</h4><dl class=\"fields\">{fields}</dl>" if fields else ""]
    if item.status == "A":
        parts.append(_page("新增的页面", item.title, [b.after for b in item.blocks]))
    elif item.status == "D":
        parts.append(_page("删除的页面（合并后从网站上撤下）", item.old_title, [b.before for b in item.blocks]))
    else:
        changed = sum(1 for b in item.blocks if b.kind != "same")
        parts.append(f"<p>正文：{'有 ' + str(changed) + ' 处修改' if changed else '没有修改'}。</p>")
        parts.append(_page("修改后", item.title, _after(item.blocks)))
        parts.append(_page("修改前", item.old_title, _before(item.blocks)))
    parts.append("</article>")
    return "\n".join(p for p in parts if p)


def _after(blocks: list[Block]) -> list[str]:
    return [b.after for b in blocks if b.after]


def _before(blocks: list[Block]) -> list[str]:
    return [b.before for b in blocks if b.before]


def _page(label: str, title: str, body: list[str]) -> str:
    inner = "".join(body) or "<p class=\"none\">（正文为空）</p>"
    return (f"<section class=\"page\" aria-label=\"{escape(label)}\"><h4>{escape(label)}：{_t(title) or '（无标题）'}</h4>"
            f"{inner}</section>")


def _field(label: str, before: str | None, after: str | None, status: str) -> str:
    if status in ("A", "D") or before == after:
        value = after if after is not None else before
        return f"<dt>{_t(label)}</dt><dd>{_t(value) if value is not None else '—'}</dd>"
    old = f"<del>{_t(before)}</del>" if before is not None else "（原来没有）"
    new = f"<ins>{_t(after)}</ins>" if after is not None else "（已删去）"
    return f"<dt>{_t(label)} <span class=\"changed-mark\">已修改</span></dt><dd>{new}<br>原为：{old}</dd>"


# -- two: where it appears ------------------------------------------------------------------------------------
def _where(sheet: Sheet) -> str:
    out = ["<h2 id=\"where\">二、将出现在哪里</h2>"]
    if not sheet.items:
        out.append("<p class=\"none\">没有修改任何信息。</p>")
    for index, item in enumerate(sheet.items, 1):
        out.append(f"<h3><a href=\"#item-{index}\">{_t(item.title) or '（无标题）'}</a></h3><ul class=\"places\">")
        place = item.placement
        if place is None:
            out.append(f"<li>合并后从网站上删除，原网址 <span class=\"url\">{_t(item.old_url)}</span> 将无法访问。</li>")
        else:
            out.append(f"<li>网站：{_t(place.site)}（<span class=\"url\">{_t(place.host)}</span>）</li>")
            out.append(f"<li>栏目：<a href=\"{escape(place.column_url)}\">{_t(place.column)}</a></li>")
            out.append(f"<li>网址：<span class=\"url\">{_t(place.url)}</span></li>")
            if item.old_url and item.old_url != place.url:
                out.append(f"<li>原网址 <span class=\"url\">{_t(item.old_url)}</span> 将不再可用。</li>")
            if place.preview:
                out.append(f"<li>预览：<a class=\"url\" href=\"{escape(place.preview)}\">{_t(place.preview)}</a></li>")
            for line in place.headline:
                out.append(f"<li><strong>首页头条</strong>：{_t(line)}</li>")
            if not place.headline:
                out.append("<li>首页头条：否</li>")
            if place.pushed:
                pushed = "、".join(f"<a href=\"{escape(url)}\">{_t(name)}</a>" for name, url in place.pushed)
                out.append(f"<li><strong>报送门户</strong>：同时出现在 {pushed} 栏目。</li>")
            else:
                out.append("<li>报送门户：否</li>")
            if place.embargo:
                out.append(f"<li><strong>定时发布</strong>：{_t(place.embargo)}</li>")
            if place.withdrawn:
                out.append(f"<li><strong>撤稿</strong>：{_t(place.withdrawn)}</li>")
        out.append("</ul>")
    return "\n".join(out)


# -- three: the chain -----------------------------------------------------------------------------------------
def _chain(sheet: Sheet) -> str:
    out = ["<h2 id=\"chain\">三、审核链</h2>"]
    if sheet.emergency:
        out.append(f"<p><strong>突发事件紧急发布</strong>，理由：{_t(sheet.emergency_reason)}。领导批准后即可发布，"
                   "下面缺少的审核须在发布后补齐，审计中列为未完成。</p>")
    if not sheet.chain:
        out.append("<p class=\"none\">这个修改不需要审核。</p>")
    for unit in sheet.chain:
        out.append(_chain_unit(unit))
    said = {f"{c.name} 缺少 {r.label}" for c in sheet.chain for r in c.roles if r.approved_by is None}
    reasons = [r for r in sheet.reasons if r not in said]  # (the roles above say what is missing)
    if reasons:
        out.append("<h3>说明</h3><ul>" + "".join(f"<li>{text(r)}</li>" for r in reasons) + "</ul>")
    out.append("<h3>审核意见</h3>")
    if sheet.reviews:
        out.append("<ul>" + "".join(
            f"<li>{_person(r.person)}：{_t(r.state)}" + ("" if r.current else "（早于最后一次修改，已失效）") + "</li>"
            for r in sheet.reviews) + "</ul>")
    else:
        out.append("<p class=\"none\">还没有人批准或提出修改意见。</p>")
    return "\n".join(out)


def _chain_unit(unit: ChainUnit) -> str:
    level = f"（重要程度：{_t(unit.importance)}）" if unit.importance else ""
    rows = []
    for role in unit.roles:
        people = "、".join(_person(p) for p in role.people) or "（没有人担任这个角色，请电子政务办在 unit.yaml 中补上）"
        if role.approved_by is not None:
            rows.append(f"<li class=\"done\"><strong>{_t(role.label)}</strong>：<span class=\"ok\">✓ 已批准</span> "
                        f"{_person(role.approved_by)}</li>")
        else:
            rows.append(f"<li class=\"missing\"><strong>{_t(role.label)}</strong>：<span class=\"no\">✗ 待审核</span>，"
                        f"可由 {people} 批准</li>")
    return f"<h3>{text(unit.name)}{level}</h3><ul class=\"roles\">{''.join(rows)}</ul>"


# -- four: findings -------------------------------------------------------------------------------------------
def _findings(sheet: Sheet) -> str:
    out = ["<h2 id=\"findings\">四、检查发现的问题</h2>"]
    if not sheet.findings:
        out.append("<p class=\"ok\">未发现问题。</p>")
        return "\n".join(out)
    out.append("<ul class=\"problems\">")
    for f in sheet.findings:
        css = "veto" if f.severity.value == "error" else "warn"
        where = f"{f.path}:{f.line}" if f.line else f.path
        name = RULES[f.code].summary if f.code in RULES else ""
        hint = f"<p class=\"hint\">{text(f.shown_hint)}</p>" if f.shown_hint else ""
        out.append(f"<li class=\"{css}\"><span class=\"code\">{escape(f.code)}</span> {f.severity.label}：{text(f.message)}"
                   f"<br><span class=\"where\">{text(where)}</span>"
                   + (f"<br><span class=\"where\">{text(name)}</span>" if name else "") + f"{hint}</li>")
    out.append("</ul>")
    return "\n".join(out)


def _how(sheet: Sheet) -> str:
    where = f"<a href=\"{escape(sheet.pr_url)}\">合并请求页面</a>" if sheet.pr_url else "托管平台上的合并请求页面"
    return ("<h2 id=\"how\">读完以后</h2><p>"
            f"在{where}批准：Gitea 上点“文件变动”→“评审”→“批准”，GitHub 上点 “Files changed” → “Review changes” → "
            "“Approve”。要改的地方写在评审意见里并选“请求变更”。批准只对当时的内容有效：作者再修改后须重新批准。</p>")
