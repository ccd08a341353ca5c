"""``zhanqun stats`` behind the command line (R8.3): checks the options' combination, runs the statistics or the
annual ranking, writes the chosen format, and with ``--publish`` the 通报 item. The CLI only parses options."""

from __future__ import annotations

from pathlib import Path

from zhanqun import output
from zhanqun.errors import UsageError
from zhanqun.stats import codes, engine, page, ranking, render

STATS = {"text": render.as_text, "json": lambda s: render.as_json(s.to_json()), "csv": render.as_csv,
         "html": render.as_html}
RANKING = {"text": page.as_text, "json": lambda r: render.as_json(r.to_json(), "ranking"), "csv": page.as_csv,
           "html": page.as_html}


def run(root: Path, kind: str, first: str | None, last: str | None, by: str, unit: str | None, fmt: str,
        out: Path | None, year: int | None, publish: bool, force: bool) -> None:
    if year is None and (publish or force):
        raise codes.fail(codes.BAD_OPTIONS, "--publish、--force 只能与 --ranking 年份 一起用。",
                         "如 zhanqun stats --ranking 2026 --publish。")
    if year is None:
        _write(STATS[fmt](engine.run(root, kind, first, last, by, unit)), out)
        return
    if first or last or unit:
        raise codes.fail(codes.BAD_OPTIONS, "--ranking 统计整年的全部单位，不能再给 --from、--to 或 --unit。", "去掉这些选项。")
    result = ranking.run(root, year)
    _write(RANKING[fmt](result), out)
    if publish:
        for path in page.publish(root, result, force):
            output.info(f"已写入 {path}。请检查后通过拉取请求提交（审核链和检查同样适用）。")


def _write(text: str, path: Path | None) -> None:
    try:
        output.document(text, path)
    except UsageError as exc:
        raise codes.fail(codes.CANNOT_WRITE, exc.message, exc.hint) from None
