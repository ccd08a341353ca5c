"""What a preview build needs besides the build itself (issue 15): its own output folder, and the base's code.

A preview output is marked (``.zhanqun/preview.json``): a preview is never built into a live output folder (nor
a live build into a preview's), so a preview's pages cannot reach ``zhanqun deploy`` of the live sites by
mistake. ``--code-from REV`` takes ``themes/``, ``plugins/`` and ``build: plugins:`` from commit REV (the
pull request's base): the pull request's own templates are unsandboxed Jinja and its plugins Python, code that
must not run where the preview is built (docs/ci.md)."""

from __future__ import annotations

import contextlib
import io
import json
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from zhanqun import gitio
from zhanqun.errors import UsageError, ZhanqunError
from zhanqun.preview import Preview
from zhanqun.preview.rules import CODE_FROM, PREVIEW_OPTION

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster

MARK = ".zhanqun/preview.json"
CODE_FOLDERS = ("themes", "plugins")


def prepare(cluster: Cluster, output: Path, preview: tuple[str, str], built: Sequence[str]) -> Preview:
    domain, pr = preview
    made = Preview.of(domain, pr, cluster.config.domain, [s.host for s in cluster.sites()], built)
    if output == (cluster.root / "output").resolve():
        raise UsageError(f"预览不能写入正式构建的输出目录 {output}。", code=PREVIEW_OPTION,
                         hint=f"用 --output 另给一个目录，如 --output preview-{made.pr}。")
    mark = _mark(output)
    if mark is None and output.is_dir() and any(p for p in output.iterdir() if p.name != ".zhanqun"):
        raise UsageError(f"输出目录 {output} 中已有正式构建的站点，预览不能写入这里。", code=PREVIEW_OPTION,
                         hint="预览用单独的空目录，如 --output preview。")
    if mark is not None and (mark.get("domain"), mark.get("pr")) != (made.domain, made.pr):
        raise UsageError(f"输出目录 {output} 是合并请求 #{mark.get('pr')}（{mark.get('domain')}）的预览。", code=PREVIEW_OPTION,
                         hint="每个合并请求的预览用自己的输出目录。")
    return made


def refuse_preview_output(output: Path) -> None:
    mark = _mark(output)
    if mark is not None:
        raise UsageError(f"输出目录 {output} 是合并请求 #{mark.get('pr')} 的预览，正式构建不能写入这里。", code=PREVIEW_OPTION,
                         hint="正式构建用默认的 output/（或另给 --output）。")


def mark_output(output: Path, preview: Preview) -> None:
    path = output / MARK
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"domain": preview.domain, "pr": preview.pr, "landing": preview.landing, "hosts": preview.hosts,
            "built": list(preview.built)}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def read_mark(output: Path) -> dict[str, object] | None:
    return _mark(output)


def _mark(output: Path) -> dict[str, object] | None:
    path = output / MARK
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UsageError(f"{path} 已损坏。", code=PREVIEW_OPTION, hint="删除这个预览输出目录后重新构建。") from None
    return data if isinstance(data, dict) else None


@contextlib.contextmanager
def code_of(root: Path, rev: str | None, plugins: tuple[str, ...]) -> Iterator[tuple[Path, tuple[str, ...]]]:
    """Where the build takes its theme and plugins from, and the plugin list: the working tree, or ``rev``'s
    ``themes/``, ``plugins/`` and ``build: plugins:`` extracted into a temporary folder."""
    if rev is None:
        yield root, plugins
        return
    sha = gitio.ok(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if not sha:
        raise ZhanqunError(f"--code-from 的提交 {rev} 在 {root} 中不存在。", code=CODE_FROM,
                           hint="先取回合并目标（git fetch origin main），再写它的提交哈希或 origin/main。")
    commit = sha.decode().strip()
    with tempfile.TemporaryDirectory(prefix="zhanqun-code-") as tmp:
        base = Path(tmp)
        present = [p for p in gitio.lines(root, "ls-tree", "--name-only", commit, "--", *CODE_FOLDERS) if p in CODE_FOLDERS]
        for folder in CODE_FOLDERS:
            (base / folder).mkdir()
        if present:
            archive = gitio.run(root, "archive", "--format=tar", commit, "--", *present)
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(base, filter="data")  # no links out, no absolute paths, no devices
        yield base, _base_plugins(root, commit)


def _base_plugins(root: Path, commit: str) -> tuple[str, ...]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    text = gitio.ok(root, "show", f"{commit}:content/cluster.yaml")
    if text is None:
        return ()
    try:
        data = YAML(typ="safe").load(text.decode("utf-8"))
    except (YAMLError, UnicodeDecodeError):
        raise ZhanqunError(f"--code-from 的提交 {commit[:10]} 中 content/cluster.yaml 读不出来。", code=CODE_FROM) from None
    build = data.get("build") if isinstance(data, dict) else None
    names = build.get("plugins") if isinstance(build, dict) else None
    return tuple(str(n) for n in names) if isinstance(names, list) else ()
