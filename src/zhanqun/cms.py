"""``zhanqun cms``: a web editor (Decap CMS) generated from the schemas and the cluster's config (issue 15, R10).

The output is a folder of static files for the editors' host (intranet, never a public site; ``zhanqun nginx
--editor-host``): ``index.html`` (which unit's editor to open), ``<unit>/index.html`` and ``<unit>/config.yml``
(one editor per unit, its columns the collections), ``decap/`` (Decap's bundle, copied from the pinned npm package
and checked against the digest pinned here) and ``decap/zhanqun-cms.js`` (ours: drops empty optional values
before a save, so an untouched optional field is not written as ``""``, which the schema refuses).

One editor per unit because each unit's changes are one pull request judged by that unit's chain (R5): on Gitea,
whose Decap backend has no editorial workflow, a unit's saves go to the branch ``cms/<unit>`` and the workflow
``cms-pr.yml`` opens or updates its pull request (``zhanqun cms open-pr``); on GitHub, Decap's editorial workflow
makes a branch ``cms/<collection>/<slug>`` and a pull request per item. The policy index number is not in the
form: ``zhanqun cms index-numbers`` assigns it on the branch (same as ``zhanqun new``, ``scaffold.next_index_no``,
counting main's numbers too), so it cannot go stale between generating the editor and saving.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhanqun.errors import UsageError, ZhanqunError, disk_problem
from zhanqun.findings import Severity, define

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster
    from zhanqun.config import Column, Unit
    from zhanqun.schemas import SchemaSet

DECAP_VERSION = "3.16.3"  # npm decap-cms, pinned exactly (scripts/test.sh installs it)
DECAP_SERVER_VERSION = "3.11.3"  # npm decap-server: Decap's local backend, for the tests and local trials
# sha256 over "<name>\0<sha256 of the file>\n" of every file copied (BUNDLE_FILES), sorted by name: the bundle
# of decap-cms@3.16.3 from the npm registry. Another bundle (a changed version, an edited file) is refused (E001).
DECAP_DIGEST = "466a965987de175ed017c075e1c165d94793305500adfa56074a832f6402bb14"
DECAP_ENV = "ZHANQUN_DECAP_JS"
DEFAULT_DECAP = Path(".venv") / "npm" / "node_modules" / "decap-cms" / "dist" / "decap-cms.js"
BUNDLE_DIR = "decap"
OUR_JS = "zhanqun-cms.js"
BACKENDS = ("gitea", "github", "local")
LOCAL_PROXY = "http://localhost:8081/api/v1"

BUNDLE_MISMATCH = define(
    "E001", "decap-bundle-mismatch", Severity.ERROR, "Decap CMS 的脚本与锁定的版本不符，已拒绝生成编辑器。",
    why="网页编辑器在编辑人员的浏览器里运行，能以其账号向仓库提交；被换过或改过的脚本可以悄悄改动内容或窃取登录凭据，"
        "所以只用锁定版本（decap-cms@" + DECAP_VERSION + "）的、摘要与 zhanqun 中记录一致的文件。",
    example="zhanqun cms --output cms --decap-js 其他版本/decap-cms.js",
    fix="用 npm install decap-cms@" + DECAP_VERSION + " 安装锁定的版本（scripts/test.sh 中有完整命令），"
        "不要修改 dist/ 中的文件；升级版本须由电子政务办同时更新 zhanqun 中的版本和摘要。",
    requirement="R10, R6.5",
)
BUNDLE_MISSING = define(
    "E002", "decap-bundle-missing", Severity.ERROR, "找不到 Decap CMS 的脚本 decap-cms.js。",
    why="编辑器由 Decap CMS 的脚本运行；zhanqun 不从网上下载它，只用本机已安装的、锁定版本的文件。",
    example="zhanqun cms --output cms（未安装 npm 包 decap-cms）",
    fix="运行 npm install --prefix .venv/npm decap-cms@" + DECAP_VERSION + "，或用 --decap-js 或环境变量 "
        + DECAP_ENV + " 给出 decap-cms.js 的路径。",
    requirement="R10",
)
OUTPUT_UNWRITABLE = define(
    "E003", "cms-output-unwritable", Severity.ERROR, "无法写入编辑器的输出目录。",
    why="编辑器先写在旁边的临时目录，写完再整体换上；写不进去时原来的编辑器保持不变。",
    example="zhanqun cms --output /srv/cms（当前用户没有写权限，或磁盘已满）",
    fix="检查输出目录的上级目录是否存在、是否可写，磁盘是否还有空间。",
    requirement="R10",
)

# Fields the form leaves out: the index number is assigned on the branch (index-numbers); a withdrawal and an
# import's origin are the e-gov office's work in the repository (docs/handbook.md), not a new item's.
SKIPPED = ("withdrawn", "migrated_from")
HIDDEN = ("index_no",)
# Where uploads go, inside the item's column folder (content-format.md: <unit>/<column>/attachments/, images/).
ATTACHMENTS = "attachments"
IMAGES = "images"
# Long free text gets a text area.
LONG_TEXT = 500


@dataclasses.dataclass(frozen=True)
class Backend:
    kind: str = "local"  # gitea | github | local
    repo: str = ""  # owner/name on the git host
    base_url: str = ""  # the git host (gitea) or the OAuth server (github)
    api_root: str = ""  # the host's API, default derived from base_url
    branch: str = "main"  # the base branch (github, local); gitea saves to cms/<unit>
    app_id: str = ""  # the OAuth application's client id (gitea: PKCE)
    proxy_url: str = LOCAL_PROXY  # decap-server (local)


def unit_branch(unit_id: str) -> str:
    """The branch a unit's saves go to on Gitea (its pull request's head)."""
    return f"cms/{unit_id}"


# -- the fields ---------------------------------------------------------------------------------------------------

def _label(key: str, prop: dict[str, Any]) -> str:
    aliases = prop.get("x-aliases") or []
    if aliases:
        return str(aliases[0])
    text = str(prop.get("description") or prop.get("title") or key)
    return re.split(r"[：:（(，,；;]", text, maxsplit=1)[0] or key


def _hint(prop: dict[str, Any], label: str) -> str:
    text = str(prop.get("description") or "")
    return "" if text == label else text


def _length_pattern(prop: dict[str, Any]) -> list[str] | None:
    low, high = prop.get("minLength"), prop.get("maxLength")
    if high is None:
        return None
    low = max(int(low or 0), 0)
    return [f"^[\\s\\S]{{{low},{int(high)}}}$", f"最多 {int(high)} 个字。"]


def _pattern_message(key: str, prop: dict[str, Any]) -> str:
    """What the form says after the field's label (zhanqun-cms.js makes Decap's message “<label>”<this>)."""
    if key == "index_no":
        return "的格式是 <机构代码>-<类别>-<年>-<五位序号>。"
    if "@" in str(prop.get("pattern", "")):
        return "应是有效的电子邮箱地址，如 xxb@example.gov.cn。"
    if str(prop.get("pattern", "")).startswith("^https?://"):
        return "应以 http:// 或 https:// 开头。"
    return "格式不对：" + str(prop.get("description") or key)


def _file_object(prop: dict[str, Any]) -> dict[str, Any] | None:
    """The object variant of a string-or-object attachment item (``{file, title}``)."""
    for variant in prop.get("oneOf", []):
        if variant.get("type") == "object":
            return dict(variant)
    return None


def field(key: str, prop: dict[str, Any], required: bool, schemas: SchemaSet | None = None,
          portal_columns: list[tuple[str, str]] | None = None) -> dict[str, Any] | None:
    """One Decap field for a schema property, or None when the form leaves it out."""
    if "not" in prop or key in SKIPPED:
        return None
    label = _label(key, prop)
    out: dict[str, Any] = {"label": label, "name": key}
    hint = _hint(prop, label)
    if hint:
        out["hint"] = hint
    out["required"] = required
    if key in HIDDEN:
        return {"label": label, "name": key, "widget": "hidden", "required": False}
    kind = prop.get("type")
    fmt = prop.get("x-format")
    if fmt in ("date", "datetime"):
        out["widget"] = "datetime"
        out["date_format"] = "YYYY-MM-DD"
        out["format"] = "YYYY-MM-DD HH:mm" if fmt == "datetime" else "YYYY-MM-DD"
        out["time_format"] = "HH:mm" if fmt == "datetime" else False
        # a required date starts as now (the day zhanqun new writes), an optional one empty
        out["default"] = "{{now}}" if required else ""
    elif "enum" in prop:
        labels = {v: k for k, v in (prop.get("x-value-aliases") or {}).items()}
        out["widget"] = "select"
        out["options"] = [{"label": str(labels.get(v, v)), "value": v} for v in prop["enum"]]
        if "default" in prop:
            out["default"] = prop["default"]
    elif kind == "boolean":
        out["widget"] = "boolean"
        out["default"] = False
    elif kind in ("integer", "number"):
        out["widget"] = "number"
        out["value_type"] = "int" if kind == "integer" else "float"
        for bound, name in (("minimum", "min"), ("maximum", "max")):
            if bound in prop:
                out[name] = prop[bound]
    elif key == "push_to_portal" and portal_columns:
        out["widget"] = "select"
        out["multiple"] = True
        out["options"] = [{"label": name, "value": cid} for cid, name in portal_columns]
    elif kind == "array" or "oneOf" in prop:
        items = prop.get("items") or next((v.get("items", {}) for v in prop.get("oneOf", []) if v.get("type") == "array"),
                                          {"type": "string"})
        out["widget"] = "list"
        obj = items if items.get("type") == "object" else _file_object(items)
        if obj is None:  # a list of short texts: one per line in the form ("field" gives each its own input)
            out["field"] = {"label": label, "name": "item", "widget": "string"}
        else:
            out["fields"] = _object_fields(obj)
            out["summary"] = "{{fields.title}}" if "title" in obj.get("properties", {}) else None
            if out["summary"] is None:
                del out["summary"]
        if "minItems" in prop:
            out["min"] = prop["minItems"]
    elif kind == "object":
        out["widget"] = "object"
        out["fields"] = _object_fields(prop)
        out["collapsed"] = not required
    else:
        long = int(prop.get("maxLength") or 0) > LONG_TEXT
        out["widget"] = "text" if long else "string"
        if prop.get("pattern"):
            out["pattern"] = [str(prop["pattern"]), _pattern_message(key, prop)]
        elif (pattern := _length_pattern(prop)) is not None:
            out["pattern"] = pattern
    return out


def _object_fields(obj: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(obj.get("required", []))
    fields = []
    for key, prop in obj.get("properties", {}).items():
        if key in ("file", "src"):  # an attachment or an image: uploaded into the item's own folder (R2.8)
            label = _label(key, prop) if prop.get("x-aliases") else ("文件" if key == "file" else "图片")
            folder = {} if key == "file" else {"media_folder": IMAGES, "public_folder": IMAGES}
            fields.append({"label": label, "name": key, "widget": "file" if key == "file" else "image",
                           "required": key in required, **folder,
                           **({"hint": prop["description"]} if prop.get("description") else {})})
            continue
        made = field(key, prop, key in required)
        if made is not None:
            fields.append(made)
    return fields


def fields_for(schemas: SchemaSet, content_type: str, portal_columns: list[tuple[str, str]] | None = None,
               unit_name: str = "") -> list[dict[str, Any]]:
    """The form of a content type: its required fields in schema order, then the optional ones, then the body.
    The publisher, source and author start as the unit's name, as in ``zhanqun new``."""
    props = schemas.properties(content_type)
    required = [k for k in schemas.required(content_type) if k in props]
    order = required + [k for k in props if k not in required]
    out = []
    for key in order:
        made = field(key, props[key], key in required, schemas, portal_columns)
        if made is not None:
            if key in ("publisher", "source", "author") and unit_name and key in required:
                made["default"] = unit_name
            out.append(made)
    body = {"label": "答复内容" if content_type == "reply" else "正文", "name": "body", "widget": "markdown",
            "required": content_type != "reply"}
    if content_type == "reply":
        body["hint"] = "答复正文；还没有答复时留空（留言保存在仓库中，不发布）。"
    out.append(body)
    return out


# -- the config -------------------------------------------------------------------------------------------------

def collection(unit: Unit, column: Column, schemas: SchemaSet, portal_columns: list[tuple[str, str]]) -> dict[str, Any]:
    ident = "name" if "name" in schemas.required(column.type) else "title"
    props = schemas.properties(column.type)
    sortable = [k for k in ("date", "received", "title", "name", "order") if k in props and "not" not in props[k]]
    return {
        "name": f"{unit.id}-{column.id}",
        "label": column.name,
        "label_singular": column.name,
        "description": column.description,
        "folder": f"content/{unit.id}/{column.id}",
        "create": True,
        "extension": "md",
        "format": "yaml-frontmatter",
        # zhanqun new names a file <date>-<pinyin of the title>; Decap cannot write pinyin, so its names keep
        # the title's characters (encoding unicode): zhanqun check accepts both (docs/handbook.md).
        "slug": "{{year}}-{{month}}-{{day}}-{{slug}}",
        "identifier_field": ident,
        "summary": "{{" + ident + "}}",
        "sortable_fields": sortable,
        # attachments are stored in the column folder's attachments/ (R2.8, content-format.md), written in the
        # item as attachments/<file>; images in images/ (the image fields say so themselves)
        "media_folder": ATTACHMENTS,
        "public_folder": ATTACHMENTS,
        "fields": fields_for(schemas, column.type, portal_columns, unit.name),
    }


def unit_config(cluster: Cluster, unit: Unit, backend: Backend) -> dict[str, Any]:
    portal = cluster.portal
    portal_columns = [(c.id, c.name) for c in portal.columns.values()]
    config: dict[str, Any] = {"locale": "zh_Hans"}
    if backend.kind == "local":
        config["backend"] = {"name": "proxy", "proxy_url": backend.proxy_url, "branch": backend.branch}
        config["local_backend"] = {"url": backend.proxy_url}
    elif backend.kind == "gitea":
        base = backend.base_url.rstrip("/")
        config["backend"] = {"name": "gitea", "repo": backend.repo, "branch": unit_branch(unit.id),
                             "base_url": base, "api_root": backend.api_root or f"{base}/api/v1",
                             **({"app_id": backend.app_id} if backend.app_id else {})}
    else:
        config["backend"] = {"name": "github", "repo": backend.repo, "branch": backend.branch,
                             **({"base_url": backend.base_url.rstrip("/")} if backend.base_url else {}),
                             **({"api_root": backend.api_root} if backend.api_root else {}),
                             **({"app_id": backend.app_id} if backend.app_id else {}),
                             "cms_label_prefix": "cms/",
                             "squash_merges": False}
        config["publish_mode"] = "editorial_workflow"
    commit = f"{unit.short_name or unit.name}：" + "{{collection}}“{{slug}}”"
    config["backend"]["commit_messages"] = {
        "create": "新建" + commit, "update": "修改" + commit, "delete": "删除" + commit,
        "uploadMedia": f"{unit.short_name or unit.name}：上传附件 " + "{{path}}",
        "deleteMedia": f"{unit.short_name or unit.name}：删除附件 " + "{{path}}",
        "openAuthoring": "{{message}}",
    }
    config["media_folder"] = f"content/{unit.id}/media"  # never used: every collection stores beside the item
    config["public_folder"] = ""
    config["slug"] = {"encoding": "unicode", "clean_accents": False, "sanitize_replacement": "-"}
    config["site_url"] = f"https://{cluster.host_of(unit.id)}"
    config["collections"] = [collection(unit, column, cluster.schemas, portal_columns)
                             for column in unit.columns.values()]
    return config


def dump_config(config: dict[str, Any]) -> str:
    head = "# 由 zhanqun cms 根据站群配置和内容模式生成，请勿手工修改（issue 15）。\n"
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    yaml.width = 120
    yaml.representer.sort_base_mapping_type_on_output = False  # keep the order Decap shows
    buffer = io.StringIO()
    yaml.dump(config, buffer)
    return head + buffer.getvalue()


# -- the bundle ---------------------------------------------------------------------------------------------------

def find_bundle(given: Path | None, root: Path) -> Path:
    """decap-cms.js: ``--decap-js``, else $ZHANQUN_DECAP_JS, else the project's or the working directory's .venv/npm."""
    candidates = [given] if given is not None else (
        [Path(os.environ[DECAP_ENV])] if os.environ.get(DECAP_ENV) else
        [root / DEFAULT_DECAP, Path.cwd() / DEFAULT_DECAP, Path(__file__).resolve().parents[2] / DEFAULT_DECAP])
    for path in candidates:
        if path.is_file():
            return path
    shown = candidates[0] if candidates else DEFAULT_DECAP
    raise ZhanqunError(f"找不到 Decap CMS 的脚本：{shown}", code=BUNDLE_MISSING,
                       hint=f"安装 npm 包 decap-cms@{DECAP_VERSION}（见 scripts/test.sh），或用 --decap-js 给出 decap-cms.js。")


def bundle_files(main: Path) -> list[Path]:
    """decap-cms.js with the chunks it loads on demand (``<n>.decap-cms.js``) and its WebAssembly, beside it."""
    folder = main.parent
    found = [main]
    for path in sorted(folder.iterdir()):
        if (path.name.endswith(".decap-cms.js") and path.name.split(".")[0].isdigit()) or path.suffix == ".wasm":
            found.append(path)
    return sorted(found, key=lambda p: p.name)


def bundle_digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).hexdigest().encode() + b"\n")
    return digest.hexdigest()


def verify_bundle(main: Path) -> list[Path]:
    files = bundle_files(main)
    actual = bundle_digest(files)
    if actual != DECAP_DIGEST:
        raise ZhanqunError(f"{main}：Decap CMS 的脚本（连同 {len(files) - 1} 个分块文件）的摘要与锁定的 decap-cms@"
                           f"{DECAP_VERSION} 不符（{actual[:16]}…），已拒绝。", code=BUNDLE_MISMATCH,
                           hint=f"重新安装 npm 包 decap-cms@{DECAP_VERSION}，不要改动 dist/ 中的文件。")
    return files


# -- the pages --------------------------------------------------------------------------------------------------

OUR_SCRIPT = """\
// zhanqun cms (issue 15): before a save, drop the optional values an editor left empty (an empty text, an
// empty list): the schemas refuse "" where a value is optional but must not be blank (S003). And a pattern's
// message reads as a sentence: “标题”最多 200 个字。 (Decap's own says “标题”不满足模式最多 200 个字。)
(function () {
  "use strict";
  if (!window.CMS) { return; }
  var zh = window.CMS.getLocale && window.CMS.getLocale("zh_Hans");
  var widget = zh && zh.editor && zh.editor.editorControlPane && zh.editor.editorControlPane.widget;
  if (widget) { widget.regexPattern = "“%{fieldLabel}”%{pattern}"; }
  function empty(value) {
    if (value === "" || value === null || value === undefined) { return true; }
    if (value && typeof value.size === "number" && typeof value.filter === "function") { return value.size === 0; }
    return false;
  }
  function clean(value) {
    if (value && typeof value.map === "function" && typeof value.filter === "function" && typeof value.size === "number") {
      var isList = typeof value.push === "function";
      var mapped = value.map(clean);
      return isList ? mapped.filter(function (v) { return !empty(v); }) : mapped.filter(function (v, k) { return k === "body" || !empty(v); });
    }
    return value;
  }
  window.CMS.registerEventListener({
    name: "preSave",
    handler: function (event) { return clean(event.entry.get("data")); }
  });
})();
"""


def _page(title: str, body: str) -> str:
    return ("<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
            f"<title>{html.escape(title)}</title>\n{body}")


def editor_page(unit: Unit) -> str:
    title = f"{unit.name} · 网页编辑器"
    return _page(title, "</head>\n<body>\n"
                 f"<script src=\"../{BUNDLE_DIR}/decap-cms.js\"></script>\n"
                 f"<script src=\"../{BUNDLE_DIR}/{OUR_JS}\"></script>\n</body>\n</html>\n")


def index_page(cluster: Cluster) -> str:
    links = "\n".join(f"  <li><a href=\"{html.escape(u.id)}/\">{html.escape(u.name)}</a></li>"
                      for u in cluster.units.values())
    return _page(f"{cluster.config.name} · 网页编辑器",
                 "</head>\n<body>\n<main>\n"
                 f"<h1>{html.escape(cluster.config.name)} · 网页编辑器</h1>\n"
                 "<p>请选择本单位，用托管平台的账号登录。保存后的内容进入审核，审核通过才会发布。</p>\n"
                 f"<ul>\n{links}\n</ul>\n</main>\n</body>\n</html>\n")


# -- writing ------------------------------------------------------------------------------------------------------

def write(root: Path, out: Path, backend: Backend, decap_js: Path | None = None) -> list[str]:
    """Write the editor to ``out`` (aside, then renamed into place). Returns the units' ids."""
    from zhanqun import cluster as cluster_mod
    from zhanqun.errors import FindingsError
    from zhanqun.findings import errors

    if backend.kind in ("gitea", "github") and not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", backend.repo):
        raise UsageError("缺少 --repo 或写法不对。", hint="写托管平台上的仓库，如 --repo egov/zhanqun。")
    if backend.kind == "gitea" and not re.fullmatch(r"https?://[^\s\"']+", backend.base_url):
        raise UsageError("Gitea 需要 --base-url。", hint="写 Gitea 的地址，如 --base-url https://git.example.gov.cn。")
    main = find_bundle(decap_js, root)
    files = verify_bundle(main)
    cluster, findings = cluster_mod.load_structure(root, set())
    if cluster is None or errors(findings):
        raise FindingsError(errors(findings))
    out = out.absolute()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as exc:
        raise ZhanqunError(f"无法写入 {out}：{disk_problem(exc)}", code=OUTPUT_UNWRITABLE,
                           hint="检查上级目录是否存在、是否可写。") from None
    try:
        bundle = staging / BUNDLE_DIR
        bundle.mkdir()
        for path in files:
            shutil.copyfile(path, bundle / path.name)
        (bundle / OUR_JS).write_text(OUR_SCRIPT, encoding="utf-8")
        (staging / "index.html").write_text(index_page(cluster), encoding="utf-8")
        for unit in cluster.units.values():
            folder = staging / unit.id
            folder.mkdir()
            (folder / "index.html").write_text(editor_page(unit), encoding="utf-8")
            (folder / "config.yml").write_text(dump_config(unit_config(cluster, unit, backend)), encoding="utf-8")
        os.chmod(staging, 0o755)
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.rename(out, old)
            os.rename(staging, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staging, out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ZhanqunError(f"无法写入 {out}：{disk_problem(exc)}", code=OUTPUT_UNWRITABLE,
                           hint="原来的编辑器没有改动；检查磁盘空间和权限后重新运行。") from None
    return list(cluster.units)


def summary(config: dict[str, Any]) -> str:
    return json.dumps([c["name"] for c in config["collections"]], ensure_ascii=False)


# -- on the branch: index numbers and the pull request (the cms-pr workflow) --------------------------------------

def assign_index_numbers(root: Path, also: Path | None = None) -> list[tuple[str, str]]:
    """Give every policy item of ``root`` without an ``index_no`` the next free number of its unit, category
    and year, as ``zhanqun new`` does (``scaffold.next_index_no``), counting the numbers of the cluster at
    ``also`` (main) too, so two branches cannot take the same number from an old main. The line is written
    into the file's front matter after ``date``. Returns (file, number) for each."""
    from zhanqun import cluster as cluster_mod, scaffold
    from zhanqun.errors import FindingsError
    from zhanqun.findings import errors

    cluster, findings = cluster_mod.load(root, use_cache=False)
    if cluster is None:
        raise FindingsError(errors(findings))
    used: list[str] = []
    if also is not None:
        other, _ = cluster_mod.load(also, use_cache=False)
        if other is not None:
            used = [str(i.meta.get("index_no", "")) for i in other.items + other.invalid if i.type == "policy"]
    assigned: list[tuple[str, str]] = []
    for item in sorted(cluster.items + cluster.invalid, key=lambda i: i.rel):
        if item.type != "policy" or item.meta.get("index_no"):
            continue
        unit = cluster.units[item.unit_id]
        column = unit.columns[item.column_id]
        year = str(item.meta.get("date") or cluster.today.isoformat())[:4]
        number = scaffold.next_index_no(cluster, unit.org_code, column.index_category, year)
        prefix, serial = number.rsplit("-", 1)
        taken = [int(n.rsplit("-", 1)[1]) for n in used if n.startswith(prefix + "-") and n.rsplit("-", 1)[1].isdigit()]
        number = f"{prefix}-{max([int(serial), *(t + 1 for t in taken)]):05d}"
        path = root / item.rel
        _insert_index_no(path, number)
        item.meta["index_no"] = number  # the next one counts it
        used.append(number)
        assigned.append((item.rel, number))
    return assigned


def _insert_index_no(path: Path, number: str) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    if not lines or lines[0].strip() != "---" or end is None:
        raise ZhanqunError(f"{path}：没有头信息，无法写入索引号。")
    at = next((i + 1 for i in range(1, end) if re.match(r"(date|发布日期|日期)\s*:", lines[i])), end)
    lines.insert(at, f'index_no: "{number}"')
    path.write_text("\n".join(lines), encoding="utf-8")


PR_MARK = "<!-- zhanqun cms open-pr -->"


def pr_text(cluster_name: str, unit_name: str, branch: str) -> tuple[str, str]:
    title = f"{unit_name}：网页编辑器中保存的修改"
    body = (f"{PR_MARK}\n由网页编辑器保存到分支 `{branch}` 的修改（{cluster_name}）。每次保存都是这个分支上的一次提交，"
            "保存后本合并请求自动更新。\n\n"
            "- 检查结果见下方的检查（zhanqun check），有问题时请回到编辑器改正后再保存；\n"
            "- 审核人在“文件变更”中查看改动，按审核链批准；编辑人员不能批准自己写的内容（审发分离，R5）；\n"
            "- 合并后分支被重置到主分支，可以继续在编辑器中写下一条。\n")
    return title, body


def open_pr(api: Any, branch: str, base: str, title: str, body: str) -> tuple[int, bool]:
    """Open a pull request from ``branch`` into ``base``, or find the open one (updating its title and text
    when this command opened it: one Decap's editorial workflow or a person opened is left as it is).
    Returns (number, whether it was opened now)."""
    from zhanqun.signoff.hosting import ApiError

    if not re.fullmatch(r"cms/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*", branch):
        raise UsageError(f"分支名不是网页编辑器的分支：{branch}", hint="网页编辑器的分支以 cms/ 开头，如 cms/fgw。")
    pulls = api.paged(f"/repos/{api.repo}/pulls")  # open ones (both hosts' default state)
    for pull in pulls:
        head = pull.get("head") or {}
        if head.get("ref") == branch and (pull.get("base") or {}).get("ref") == base and pull.get("state", "open") == "open":
            number = int(pull["number"])
            if PR_MARK in str(pull.get("body") or ""):
                api.request("PATCH", f"/repos/{api.repo}/pulls/{number}", {"title": title, "body": body})
            return number, False
    made = api.request("POST", f"/repos/{api.repo}/pulls", {"head": branch, "base": base, "title": title, "body": body})
    if not isinstance(made, dict) or not made.get("number"):
        raise ApiError(f"托管平台没有返回新合并请求的编号（{branch} → {base}）。")
    return int(made["number"]), True


def make_branches(api: Any, unit_ids: list[str], base: str) -> list[str]:
    """Create the branch ``cms/<unit>`` from ``base`` for every unit that has none (Gitea: the editor saves to
    it, and Decap cannot save to a branch that does not exist). Returns the branches created."""
    if api.kind != "gitea":
        raise UsageError("只有 Gitea 需要单位分支。", hint="GitHub 用 Decap 的编辑工作流，每篇稿件的分支由 Decap 建立。")
    made = []
    for unit_id in unit_ids:
        branch = unit_branch(unit_id)
        if api.request("GET", f"/repos/{api.repo}/branches/{branch}", missing_ok=True) is not None:
            continue
        api.request("POST", f"/repos/{api.repo}/branches",
                    {"new_branch_name": branch, "old_ref_name": base, "old_branch_name": base})
        made.append(branch)
    return made
