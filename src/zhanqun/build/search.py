"""The search index of one site (R3.7, issue 14): Pagefind's extended binary (it segments Chinese) run over the
site's staging folder after Pelican wrote it, so the bundle ``/pagefind/`` is part of the site: in its manifest,
swapped in with it, and not rebuilt when the site is skipped as unchanged. One site at a time, one process each:
memory grows with one site's pages, never with the cluster's.

What is indexed is decided by the templates: item pages mark their article ``data-pagefind-body`` (title,
body, fields) with the filters ``unit`` (单位) and ``column_type`` (栏目类型) and the sort ``date``; pages without
it (homepages, lists, the search page itself) are not indexed. Only the files the theme's ``search.js`` loads
are kept (``KEPT``): Pagefind's own UI injects styles, which the CSP forbids, and is not used.

A site rebuilt because of a change its indexed pages do not show (another unit's title in its lists, a homepage
flag on the portal) gets its previous bundle back instead of a new Pagefind run (issue 16): the record
``output/.zhanqun/<host>.search`` names what the published bundle was made from — the indexed pages, byte for
byte and in the order Pagefind reads them, Pagefind's version and zhanqun's code — and a bundle is copied only
when the new pages give the same record and every file of the old bundle still has the sha256 its manifest
lists. The record is removed before a site is swapped in and written after (``publish.publish``), like the
fingerprint, so it never describes another bundle than the published one.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from zhanqun.build.rules import SEARCH_INDEX_FAILED
from zhanqun.errors import ZhanqunError

__all__ = ["BUNDLE", "KEPT", "TYPES", "binary_version", "forget", "index", "input_key", "remember"]

BUNDLE = "pagefind"  # the folder in each site, served as /pagefind/
# The bundle's files search.js needs, by extension, with the type nginx sends them as (deploy/nginx.py): the
# module and its worker, the entry file, the gzipped metadata, index, fragment and filter chunks, the WebAssembly
# (gzipped too: pagefind.js inflates it and instantiates the bytes, so its type is not application/wasm).
TYPES = {
    "js": "application/javascript", "json": "application/json", "pf_meta": "application/octet-stream",
    "pf_index": "application/octet-stream", "pf_fragment": "application/octet-stream",
    "pf_filter": "application/octet-stream", "pagefind": "application/octet-stream",
}
KEPT = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")  # the top-level files; chunks by TYPES
LANGUAGE = "zh-cn"  # every page is zh-CN: one index per site, and the portal's merge needs the same key on all
TIMEOUT = 600  # seconds for one site; the demo's largest takes under one


def _executable() -> Path:
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]  # no type information

        return Path(get_executable())
    except (ImportError, FileNotFoundError):
        raise ZhanqunError("找不到 Pagefind 扩展版程序（pagefind[extended]），无法生成站内搜索索引。", code=SEARCH_INDEX_FAILED,
                           hint="重新安装 zhanqun（pip install --force-reinstall zhanqun），它依赖 pagefind[extended]。") from None


def binary_version() -> str:
    """The installed Pagefind binary's version: part of every site's fingerprint (a new Pagefind writes another bundle)."""
    try:
        return version("pagefind-bin-extended")
    except PackageNotFoundError:
        return "missing"


def index(site: Path, host: str, last: Path | None = None) -> None:
    """Write ``site/pagefind/``, the search bundle of the site built in ``site``, and beside ``site`` the record of
    what it was made from (:func:`remember` publishes it). ``last`` is the site as published by the previous build
    (``output/<host>``): its bundle is copied when it was made from the same pages. Raises ZhanqunError (B008)."""
    key = input_key(site)
    bundle = site / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)
    if last is None or not _reuse(last, bundle, key):
        _run_pagefind(site, host)
    site.with_name(site.name + ".search").write_text(key, encoding="utf-8")


def _run_pagefind(site: Path, host: str) -> None:
    binary = _executable()
    bundle = site / BUNDLE
    command = [str(binary), "--site", str(site), "--output-subdir", BUNDLE, "--force-language", LANGUAGE, "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=TIMEOUT,
                              env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _failed(host, str(exc)) from None
    if done.returncode != 0 or not (bundle / "pagefind-entry.json").is_file():
        said = (done.stderr or done.stdout).strip().splitlines()
        raise _failed(host, said[-1] if said else f"退出码 {done.returncode}")
    _check_bundle(bundle, host)
    _prune(bundle)
    _canonical_filters(bundle)


def input_key(site: Path) -> str:
    """What Pagefind reads of ``site``: the pages marked ``data-pagefind-body`` (all pages when none is: then
    Pagefind indexes every page), their paths and bytes in the order it walks them (the order numbers the pages
    in its index), Pagefind's version, the language and zhanqun's code (which prunes and rewrites the bundle)."""
    head = f"pagefind {binary_version()} {LANGUAGE} {_code()}\n".encode()
    marked, every = hashlib.sha256(head), hashlib.sha256(head)  # one pass, no page kept in memory
    any_marked = False
    for dirpath, dirnames, names in os.walk(site):
        if dirpath == str(site) and BUNDLE in dirnames:
            dirnames.remove(BUNDLE)
        for name in names:
            if name.endswith(".html"):
                path = os.path.join(dirpath, name)
                with open(path, "rb") as handle:
                    data = handle.read()
                line = f"{os.path.relpath(path, site)}\0{len(data)}\0".encode() + data
                every.update(line)
                if b"data-pagefind-body" in data:
                    marked.update(line)
                    any_marked = True
    return (marked if any_marked else every).hexdigest()


@functools.cache
def _code() -> str:
    from zhanqun.cache import code_digest

    return code_digest()


def _record(output: Path, host: str) -> Path:
    return output / ".zhanqun" / f"{host}.search"


def forget(output: Path, host: str) -> None:
    """Before ``output/<host>`` is replaced: its record no longer describes what will be there."""
    _record(output, host).unlink(missing_ok=True)


def remember(staging: Path, output: Path, host: str) -> None:
    """After the site built in ``staging`` was swapped in as ``output/<host>``: publish the record :func:`index`
    wrote beside it."""
    made = staging.with_name(staging.name + ".search")
    if made.is_file():
        os.replace(made, _record(output, host))


def _reuse(last: Path, bundle: Path, key: str) -> bool:
    """Copy ``last``'s bundle into ``bundle`` if ``last`` was made from pages with ``key`` and every file of its
    bundle is the one its manifest lists (nothing half-copied or altered since); False leaves ``bundle`` absent."""
    from zhanqun.deploy import manifest

    try:
        if _record(last.parent, last.name).read_text(encoding="utf-8") != key:
            return False
        listed = json.loads((last / manifest.NAME).read_text(encoding="utf-8"))["files"]
        files = {rel: sha for rel, sha in listed.items() if rel.startswith(BUNDLE + "/")}
        if f"{BUNDLE}/pagefind-entry.json" not in files:
            return False
        inside = (last / BUNDLE).resolve()
        for rel, sha in sorted(files.items()):
            source = last / rel
            if ".." in Path(rel).parts or source.is_symlink() or not source.resolve().is_relative_to(inside):
                raise ValueError(rel)  # a manifest or bundle changed by hand: index again
            data = source.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                raise ValueError(rel)
            target = bundle.parent / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        shutil.rmtree(bundle, ignore_errors=True)
        return False
    return True


def _check_bundle(bundle: Path, host: str) -> None:
    """The bundle search.js loads: the entry file naming the zh-cn index, its metadata, the module and worker.
    A Pagefind that exits 0 with less (another version, a broken install) must not publish a search that cannot
    work."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        meta = entry["languages"][LANGUAGE]["hash"]
    except (OSError, ValueError, KeyError, TypeError):
        raise _failed(host, "pagefind-entry.json 中没有中文索引") from None
    needed = [f"pagefind.{meta}.pf_meta" if isinstance(meta, str) else "pagefind.?.pf_meta", *KEPT[:2]]
    missing = [name for name in needed if not (bundle / name).is_file()]
    if missing:
        raise _failed(host, "索引不完整，缺少 " + "、".join(missing))


def _prune(bundle: Path) -> None:
    """Keep only what search.js loads: no UI scripts and styles, no playground."""
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        ext = path.name.rsplit(".", 1)[-1]
        if ext not in TYPES or (ext in ("js", "json") and (path.parent != bundle or path.name not in KEPT)):
            path.unlink()
    for folder in sorted((p for p in bundle.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


_DECODED = b"pagefind_dcd"  # what every inflated chunk begins with


def _canonical_filters(bundle: Path) -> None:
    """Pagefind writes a filter's values in hash-map order, which changes from run to run: the same pages gave
    other bytes, other chunk names, another metadata file. Each filter chunk (CBOR: ``[name, [[value, [page…]]…]]``)
    is written again with its values sorted and named by its content; the metadata gets the new names, its
    filters and sorts in name order, and a name by its content, which the entry file is given: the same site
    gives the same bundle (the JS finds every chunk by the names it reads, never by a hash it checks)."""
    renames: dict[str, str] = {}
    for path in sorted((bundle / "filter").glob("*.pf_filter")):
        data = gzip.decompress(path.read_bytes())
        if not data.startswith(_DECODED):
            continue
        value, end = _cbor_read(data, len(_DECODED))
        if end != len(data) or not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)):
            continue
        value[1].sort(key=lambda entry: _cbor_write(entry))
        data = _DECODED + _cbor_write(value)
        old = path.name[: -len(".pf_filter")]
        new = _renamed(old, data)
        path.unlink()
        (path.parent / f"{new}.pf_filter").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        renames[old] = new
    if not renames:
        return
    (meta,) = bundle.glob("pagefind.*.pf_meta")
    data = gzip.decompress(meta.read_bytes())
    for old, new in renames.items():
        data = data.replace(old.encode(), new.encode())
    # Pagefind 1.5's metadata: [version, pages, index chunks, filters [[name, chunk]…], sorts [[name, pages]…],
    # metadata keys]; the filters and sorts come in hash-map order too
    top, end = _cbor_read(data, len(_DECODED))
    if end == len(data) and isinstance(top, list) and len(top) == 6 and all(isinstance(x, list) for x in top[3:5]):
        for at in (3, 4):
            top[at].sort(key=lambda entry: _cbor_write(entry[0]))
        data = _DECODED + _cbor_write(top)
    old_meta = meta.name[len("pagefind."): -len(".pf_meta")]
    new_meta = _renamed(old_meta, data)
    meta.unlink()
    (bundle / f"pagefind.{new_meta}.pf_meta").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    entry = bundle / "pagefind-entry.json"
    entry.write_text(entry.read_text(encoding="utf-8").replace(f'"{old_meta}"', f'"{new_meta}"'), encoding="utf-8")


def _renamed(old: str, data: bytes) -> str:
    """``zh-cn_1a2b3c4`` → the same language and length, the hash of ``data``."""
    language, _, digest = old.rpartition("_")
    return f"{language}_{hashlib.sha256(data).hexdigest()[: len(digest)]}"


def _cbor_read(data: bytes, at: int) -> tuple[object, int]:
    """The CBOR Pagefind's filter chunks use: unsigned integers, byte and text strings, arrays, maps."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        arg, at = int.from_bytes(data[at: at + size], "big"), at + size
    else:
        raise ValueError(f"CBOR {data[at - 1]:#x}")
    if major == 0:
        return arg, at
    if major in (2, 3):
        raw = data[at: at + arg]
        return (raw if major == 2 else raw.decode()), at + arg
    if major in (4, 5):
        items = []
        for _ in range(arg * (2 if major == 5 else 1)):
            item, at = _cbor_read(data, at)
            items.append(item)
        return (items if major == 4 else dict(zip(items[::2], items[1::2]))), at
    raise ValueError(f"CBOR major type {major}")


def _cbor_write(value: object) -> bytes:
    def head(major: int, arg: int) -> bytes:
        if arg < 24:
            return bytes([major << 5 | arg])
        size = next(n for n in (1, 2, 4, 8) if arg < 1 << (8 * n))
        return bytes([major << 5 | (24 + (1, 2, 4, 8).index(size))]) + arg.to_bytes(size, "big")

    if isinstance(value, bool) or value is None:
        raise ValueError("CBOR simple value")
    if isinstance(value, int):
        return head(0, value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode()
        return head(3, len(raw)) + raw
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(map(_cbor_write, value))
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(_cbor_write(k) + _cbor_write(v) for k, v in value.items())
    raise ValueError(type(value).__name__)


def _failed(host: str, detail: str) -> ZhanqunError:
    return ZhanqunError(f"站点 {host} 的站内搜索索引生成失败：{detail}", code=SEARCH_INDEX_FAILED,
                        hint="输出目录保持原样。请把完整输出发给电子政务办。")
