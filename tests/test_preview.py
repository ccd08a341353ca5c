"""Previews a leader opens on a phone (issue 15, R6.1, R6.2, R6.4): ``zhanqun build --preview-domain D --pr N
--code-from BASE`` on a real git repository whose pull request also carries a template override and a build
plugin (code that must not run), the landing page, ``zhanqun preview deploy/remove`` in a temporary deploy
root, and the pull request's comment against a real HTTP server that answers like GitHub and Gitea."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import copy_repo
from tests.gitrepo import ENV, ITEM, NEWS
from zhanqun.cli import main
from zhanqun.preview import BANNER, MARKER

DOMAIN = "preview.shilixian.gov.cn"
LIVE = re.compile(r"https?://((?:[a-z0-9-]+\.)+)shilixian\.gov\.cn", re.IGNORECASE)
PR = 12
BUILT = ("www.shilixian.gov.cn", "fgw.shilixian.gov.cn")
PWNED_TEMPLATE = "PR-TEMPLATE-RAN"
EVIL_PLUGIN = '''import pathlib

def register():
    pathlib.Path(__file__).with_name("PLUGIN-RAN").write_text("the pull request's plugin ran")
'''


def git(root: Path, *args: str) -> str:
    env = {**os.environ, **ENV, "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout.strip()


def make_pull_request(root: Path) -> tuple[str, str]:
    """The demo county on main; the branch pr adds a news item to fgw, overrides a template and adds a plugin."""
    copy_repo(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "示例县站群")
    base = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-qb", "pr")
    (root / NEWS).write_text(ITEM.format(importance="一般"), encoding="utf-8")
    override = root / "themes" / "zhanqun" / "templates" / "base.html"
    text = override.read_text(encoding="utf-8")
    assert "</body>" in text
    override.write_text(text.replace("</body>", f"<p>{PWNED_TEMPLATE}</p></body>"), encoding="utf-8")
    (root / "plugins" / "evil.py").write_text(EVIL_PLUGIN, encoding="utf-8")
    config = root / "content" / "cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "build:\n  plugins: [evil]\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "推进会动态")
    return base, git(root, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def preview_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("preview") / "cluster"
    base, head = make_pull_request(root)
    out = root.parent / "preview"
    assert main(["build", *BUILT, "--root", str(root), "--preview-domain", DOMAIN, "--pr", str(PR),
                 "--code-from", base, "--output", str(out), "--jobs", "2"]) == 0
    assert main(["preview", "landing", "--root", str(root), "--from", str(out)]) == 0
    return {"root": root, "out": out, "base": base, "head": head}


def _text_files(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".xml", ".txt", ".csv", ".json", ".js", ".css") \
                and "pagefind" not in path.parts and path.name != "zhanqun-manifest.json":
            yield path


def preview_host(live: str) -> str:
    return f"pr-{PR}-{live.split('.')[0]}.{DOMAIN}"


def test_every_link_to_a_cluster_host_goes_to_its_preview_host(preview_build):
    """No page, feed, sitemap or CSV of the preview names a live address; every absolute link names the preview
    host of its site (pr-12-<label>.preview…), and pages of other sites of the preview link each other."""
    out = preview_build["out"]
    hosts = json.loads((out / ".zhanqun" / "preview.json").read_text(encoding="utf-8"))["hosts"]
    assert hosts["fgw.shilixian.gov.cn"] == f"pr-{PR}-fgw.{DOMAIN}" and hosts["www.shilixian.gov.cn"] == f"pr-{PR}-www.{DOMAIN}"
    checked = 0
    for path in _text_files(out):
        text = path.read_text(encoding="utf-8")
        live = [m.group(0) for m in LIVE.finditer(text) if not m.group(0).lower().endswith("." + DOMAIN)
                and DOMAIN not in m.group(0).lower()]
        assert not live, (path.relative_to(out), live[:5])
        checked += 1
    assert checked > 100
    portal = BeautifulSoup((out / BUILT[0] / "index.html").read_text(encoding="utf-8"), "lxml")
    links = [a["href"] for a in portal.find_all("a", href=True) if a["href"].startswith("https://")]
    assert f"https://{preview_host('fgw.shilixian.gov.cn')}/" in links  # the portal's link to the department's site
    fgw = BeautifulSoup((out / BUILT[1] / "index.html").read_text(encoding="utf-8"), "lxml")
    assert f"https://{preview_host('www.shilixian.gov.cn')}/" in [a["href"] for a in fgw.find_all("a", href=True)]
    sitemap = (out / BUILT[1] / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>https://{preview_host('fgw.shilixian.gov.cn')}/" in sitemap
    feed = (out / BUILT[1] / "atom.xml").read_text(encoding="utf-8")
    assert f"https://{preview_host('fgw.shilixian.gov.cn')}/" in feed
    search = (out / BUILT[0] / "sousuo" / "index.html").read_text(encoding="utf-8")
    # the portal's 统一检索 merges only the sites this preview has (the others have no preview to fetch from)
    assert re.search(r'data-merge="([^"]*)"', search).group(1) == f"https://{preview_host('fgw.shilixian.gov.cn')}/pagefind/"
    assert f'data-host="{preview_host(BUILT[0])}"' in search  # search.js merges only on its own host


def test_every_page_is_noindex_with_the_banner_and_robots_disallows_all(preview_build):
    out = preview_build["out"]
    pages = [p for host in BUILT for p in (out / host).rglob("*.html")]
    assert len(pages) > 100
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        robots = [m["content"] for m in soup.find_all("meta", attrs={"name": "robots"})]
        assert robots == ["noindex, nofollow"], page
        banner = soup.body.find(True)  # the first element of the page: the banner, before the skip link
        assert "zq-preview-banner" in banner.get("class", []) and BANNER in banner.get_text(), page
        assert banner.a["href"] == f"https://pr-{PR}.{DOMAIN}/"
        assert soup.find("link", href="/theme/zhanqun-preview.css")
    for host in BUILT:
        assert (out / host / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"
        assert (out / host / "theme" / "zhanqun-preview.css").is_file()
        manifest = json.loads((out / host / "zhanqun-manifest.json").read_text(encoding="utf-8"))
        assert manifest["host"] == preview_host(host)  # deployed and verified under its preview host
    # the preview's content is the pull request's
    assert "县发改委推进重点项目建设" in (out / BUILT[1] / "gzdt" / "index.html").read_text(encoding="utf-8")


def test_the_pull_requests_templates_and_plugins_do_not_run(preview_build, tmp_path):
    """--code-from BASE: the theme, the plugins and build: plugins: are the base's. Without it (the control) the
    same pull request's override template does end up in the page and its plugin runs."""
    root, out = preview_build["root"], preview_build["out"]
    assert not (root / "plugins" / "PLUGIN-RAN").exists()
    for path in _text_files(out):
        assert PWNED_TEMPLATE not in path.read_text(encoding="utf-8"), path
    control = tmp_path / "control"
    assert main(["build", "www", "--root", str(root), "--preview-domain", DOMAIN, "--pr", str(PR),
                 "--output", str(control), "--jobs", "1"]) == 0
    assert PWNED_TEMPLATE in (control / "www.shilixian.gov.cn" / "index.html").read_text(encoding="utf-8")
    assert (root / "plugins" / "PLUGIN-RAN").exists()
    (root / "plugins" / "PLUGIN-RAN").unlink()


def test_the_landing_page_lists_the_sites_and_the_review_sheet(preview_build):
    landing = preview_build["out"] / "_landing"
    soup = BeautifulSoup((landing / "index.html").read_text(encoding="utf-8"), "lxml")
    hrefs = {a.get_text(" ", strip=True): a["href"] for a in soup.find_all("a")}
    assert hrefs[next(k for k in hrefs if k.startswith("示例县发展和改革委员会"))] == f"https://{preview_host('fgw.shilixian.gov.cn')}/"
    assert hrefs[next(k for k in hrefs if k.startswith("示例县人民政府"))] == f"https://{preview_host('www.shilixian.gov.cn')}/"
    assert hrefs[next(k for k in hrefs if k.startswith("打开审核单"))] == f"https://pr-{PR}.{DOMAIN}/shenhe/"
    assert soup.find("meta", attrs={"name": "viewport"}) and not soup.find("script")
    assert "审核单还没有生成" in (landing / "shenhe" / "index.html").read_text(encoding="utf-8")
    assert json.loads((landing / "zhanqun-manifest.json").read_text(encoding="utf-8"))["host"] == f"pr-{PR}.{DOMAIN}"


def test_a_review_sheet_given_is_put_at_shenhe(preview_build, tmp_path, zq):
    sheet = tmp_path / "sheet.html"
    sheet.write_text("<!DOCTYPE html><title>审核单</title><p>县发改委推进重点项目建设</p>", encoding="utf-8")
    out = tmp_path / "copy"
    import shutil

    shutil.copytree(preview_build["out"], out)
    done = zq("preview", "landing", "--root", preview_build["root"], "--from", out, "--sheet", sheet)
    assert done.code == 0, done.text
    assert (out / "_landing" / "shenhe" / "index.html").read_bytes() == sheet.read_bytes()
    missing = zq("preview", "landing", "--root", preview_build["root"], "--from", out, "--sheet", tmp_path / "none.html")
    assert missing.code == 0 and "没有审核单" in missing.text


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--preview-domain", "preview.shilixian.gov.cn/x", "--pr", "12"], "D011", "--preview-domain 不是可用的域名"),
    (["--preview-domain", DOMAIN, "--pr", "12a"], "D011", "--pr 不是合并请求的编号"),
    (["--preview-domain", DOMAIN, "--pr", "0"], "D011", "--pr 不是合并请求的编号"),
    (["--preview-domain", DOMAIN], "D011", "要一起给出"),
    (["--preview-domain", "fgw.shilixian.gov.cn", "--pr", "12"], "D011", "与站群的网站重叠"),
    (["--preview-domain", DOMAIN, "--pr", "12", "--code-from", "no-such-commit"], "D013", "不存在"),
])
def test_bad_preview_options_are_clear_messages(preview_build, tmp_path, zq, args, code, words):
    done = zq("build", "fgw", "--root", preview_build["root"], "--output", tmp_path / "o", *args)
    assert done.code != 0 and code in done.text and words in done.text and "Traceback" not in done.text, done.text
    assert not (tmp_path / "o" / "fgw.shilixian.gov.cn").exists()


def test_a_preview_never_goes_into_a_live_output_nor_a_live_build_into_a_preview(preview_build, tmp_path, zq):
    root = preview_build["root"]
    live_default = zq("build", "fgw", "--root", root, "--preview-domain", DOMAIN, "--pr", "12", "--output", root / "output")
    assert live_default.code == 2 and "D011" in live_default.text and "正式构建的输出目录" in live_default.text
    live = tmp_path / "live"
    (live / "fgw.shilixian.gov.cn").mkdir(parents=True)
    into_live = zq("build", "fgw", "--root", root, "--preview-domain", DOMAIN, "--pr", "12", "--output", live)
    assert into_live.code == 2 and "已有正式构建的站点" in into_live.text
    into_preview = zq("build", "fgw", "--root", root, "--output", preview_build["out"])
    assert into_preview.code == 2 and "D011" in into_preview.text and "正式构建不能写入" in into_preview.text
    other_pr = zq("build", "fgw", "--root", root, "--preview-domain", DOMAIN, "--pr", "13", "--output", preview_build["out"])
    assert other_pr.code == 2 and "合并请求 #12" in other_pr.text


# -- deploy and remove (R6.2) -------------------------------------------------------------------------------


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): (os.readlink(p) if p.is_symlink() else p.read_bytes().hex()[:16])
            for p in sorted(folder.rglob("*"))}


def test_deploy_replaces_the_preview_and_remove_deletes_only_it(preview_build, tmp_path, zq):
    root = tmp_path / "srv-preview"
    root.mkdir()
    bystander = tmp_path / "srv-preview" / "pr-7"  # another pull request's preview stays
    done = zq("preview", "deploy", "--from", preview_build["out"], "--to", root, "--pr", "12")
    assert done.code == 0, done.text
    home = root / "pr-12"
    for name in (preview_host(BUILT[0]), preview_host(BUILT[1]), f"pr-{PR}.{DOMAIN}"):
        assert (home / name / "current" / "index.html").is_file(), name
        assert zq("verify", home / name / "current").code == 0
    assert BANNER in (home / preview_host(BUILT[1]) / "current" / "index.html").read_text(encoding="utf-8")
    shutil_copy = tmp_path / "fewer"
    import shutil

    shutil.copytree(preview_build["out"], shutil_copy)
    assert main(["build", "fgw", "--root", str(preview_build["root"]), "--preview-domain", DOMAIN, "--pr", "12",
                 "--code-from", preview_build["base"], "--output", str(tmp_path / "only-fgw")]) == 0
    assert main(["preview", "landing", "--root", str(preview_build["root"]), "--from", str(tmp_path / "only-fgw")]) == 0
    assert zq("preview", "deploy", "--from", preview_build["out"], "--to", root, "--pr", "7").code == 2  # not #7's build
    again = zq("preview", "deploy", "--from", tmp_path / "only-fgw", "--to", root, "--pr", "12")
    assert again.code == 0 and f"已删除不再受影响的预览：{preview_host(BUILT[0])}" in again.text, again.text
    assert sorted(os.listdir(home)) == [".zhanqun-preview.json", f"pr-{PR}-fgw.{DOMAIN}", f"pr-{PR}.{DOMAIN}"]
    bystander.mkdir()
    (bystander / "keep.txt").write_text("其他合并请求", encoding="utf-8")
    gone = zq("preview", "remove", "--to", root, "--pr", "12")
    assert gone.code == 0 and not home.exists() and (bystander / "keep.txt").is_file(), gone.text
    assert sorted(os.listdir(root)) == ["pr-7"]
    nothing = zq("preview", "remove", "--to", root, "--pr", "12")
    assert nothing.code == 0 and "无需删除" in nothing.text


def test_remove_refuses_links_and_what_it_does_not_own(preview_build, tmp_path, zq):
    """D012: a pr-N that is a link (to the live sites), a foreign file in a preview, a site folder that is a link:
    nothing is deleted."""
    live = tmp_path / "www"
    (live / "www.shilixian.gov.cn" / "current").mkdir(parents=True)
    (live / "www.shilixian.gov.cn" / "current" / "index.html").write_text("正式网站", encoding="utf-8")
    root = tmp_path / "srv-preview"
    root.mkdir()
    os.symlink(live, root / "pr-13")
    linked = zq("preview", "remove", "--to", root, "--pr", "13")
    assert linked.code == 1 and "D012" in linked.text and "符号链接" in linked.text, linked.text
    assert (live / "www.shilixian.gov.cn" / "current" / "index.html").is_file()
    os.symlink(live, root / "pr-12")  # nor is a preview deployed through it into the live sites
    through = zq("preview", "deploy", "--from", preview_build["out"], "--to", root, "--pr", "12")
    assert through.code == 1 and "D012" in through.text and sorted(os.listdir(live)) == ["www.shilixian.gov.cn"]
    os.unlink(root / "pr-12")
    for relative in ("", "srv-preview"):  # an unset ZHANQUN_PREVIEW_ROOT must not mean the working folder
        unset = zq("preview", "remove", "--to", relative, "--pr", "12")
        assert unset.code == 2 and "D011" in unset.text and "绝对路径" in unset.text
    assert zq("preview", "deploy", "--from", preview_build["out"], "--to", root, "--pr", "12").code == 0
    home = root / "pr-12"
    (home / "notes.txt").write_text("不是预览", encoding="utf-8")
    foreign = zq("preview", "remove", "--to", root, "--pr", "12")
    assert foreign.code == 1 and "D012" in foreign.text and "notes.txt" in foreign.text
    assert (home / preview_host(BUILT[1]) / "current" / "index.html").is_file()
    (home / "notes.txt").unlink()
    site = home / preview_host(BUILT[1])
    os.symlink(live / "www.shilixian.gov.cn", site / "extra")
    inside = zq("preview", "remove", "--to", root, "--pr", "12")
    assert inside.code == 1 and "D012" in inside.text and "extra" in inside.text
    (site / "extra").unlink()
    not_marked = root / "pr-14"
    not_marked.mkdir()
    assert zq("preview", "remove", "--to", root, "--pr", "14").code == 1 and not_marked.is_dir()
    assert zq("preview", "remove", "--to", root, "--pr", "12").code == 0 and not home.exists()
    assert (live / "www.shilixian.gov.cn" / "current" / "index.html").is_file()


# -- the preview server block in a real nginx (R6.4) ------------------------------------------------------------


@pytest.fixture(scope="module")
def preview_served(preview_build, built_demo, tmp_path_factory):
    """Real nginx with the live sites and the preview server of one config: the live demo deployed to srv/,
    pull request 12's preview to preview/, a certificate for the live hosts and *.preview…; previews allowed
    from 127.0.0.1 only (a request from 127.0.0.2 is another network)."""
    import socket
    import time

    from tests.test_nginx import _free_port, _ipv6_loopback, _need
    from zhanqun.deploy import release

    nginx, openssl = _need("nginx"), _need("openssl")
    work = tmp_path_factory.mktemp("preview-nginx")
    srv, previews = work / "srv", work / "previews"
    previews.mkdir()
    live_out = built_demo / "output"
    live_hosts = sorted(p.name for p in live_out.iterdir() if not p.name.startswith("."))
    for host in live_hosts:
        release.deploy(host, live_out / host, srv)
    assert main(["preview", "deploy", "--from", str(preview_build["out"]), "--to", str(previews), "--pr", str(PR)]) == 0
    cert, key = work / "cert.pem", work / "key.pem"
    san = ",".join([*(f"DNS:{h}" for h in live_hosts), f"DNS:*.{DOMAIN}", "DNS:pr-12-www.shilixian.gov.cn"])
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=zhanqun-test",
                    "-addext", f"subjectAltName={san}", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    http_port, https_port = _free_port(), _free_port()
    conf = work / "zhanqun.conf"
    assert main(["nginx", "--root", str(preview_build["root"]), "--deploy-root", str(srv), "--output", str(conf),
                 "--cert", str(cert), "--key", str(key), "--http-port", str(http_port), "--https-port", str(https_port),
                 "--access-log", f"{work}/{{host}}.access.log", "--preview-domain", DOMAIN, "--preview-root", str(previews),
                 "--preview-allow", "127.0.0.1/32", "--preview-allow", "::1"]) == 0
    text = conf.read_text(encoding="utf-8")
    if not (socket.has_ipv6 and _ipv6_loopback()):
        text = "\n".join(line for line in text.splitlines() if "listen [::]" not in line)
    (work / "sites.conf").write_text(text, encoding="utf-8")
    (work / "nginx.conf").write_text(f"""
{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fcgi;
    uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    include {work}/sites.conf;
}}
""", encoding="utf-8")
    process = subprocess.Popen([nginx, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail("nginx did not start: " + process.stdout.read().decode(errors="replace"))
            time.sleep(0.05)
    yield {"http": http_port, "https": https_port, "cert": cert, "conf": conf, "previews": previews}
    process.terminate()
    process.wait(timeout=10)


def _get(served, sni: str, path: str = "/", host: str | None = None, source: str = "127.0.0.1"):
    import http.client
    import socket
    import ssl

    context = ssl.create_default_context(cafile=str(served["cert"]))
    raw = socket.create_connection(("127.0.0.1", served["https"]), timeout=5, source_address=(source, 0))
    sock = context.wrap_socket(raw, server_hostname=sni)
    try:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host or sni}\r\nConnection: close\r\n\r\n".encode())
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response, response.read()
    finally:
        sock.close()


def test_the_preview_sites_are_served_noindex_with_the_live_sites_headers(preview_served):
    from tests.test_nginx import _https
    from zhanqun.deploy.nginx import CSP, LANDING_CSP

    live, live_body = _https(preview_served, "fgw.shilixian.gov.cn")
    site, body = _get(preview_served, preview_host(BUILT[1]))
    assert site.status == 200 and BANNER in body.decode() and BANNER not in live_body.decode()
    assert site.getheader("X-Robots-Tag") == "noindex, nofollow" and live.getheader("X-Robots-Tag") is None
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
                 "Strict-Transport-Security"):
        assert site.getheader(name) == live.getheader(name), name
    assert site.getheader("Content-Security-Policy") == CSP
    style, css = _get(preview_served, preview_host(BUILT[1]), "/theme/zhanqun-preview.css")
    assert style.status == 200 and style.getheader("Content-Type").startswith("text/css") and b"zq-preview-banner" in css
    # the same type rules as the live sites: a script outside the theme, a .php, the manifest: 404
    for path in ("/gzdt/x.js", "/index.php", "/zhanqun-manifest.json", "/.zhanqun-preview.json"):
        assert _get(preview_served, preview_host(BUILT[1]), path)[0].status == 404, path
    search, _ = _get(preview_served, preview_host(BUILT[0]), "/sousuo/")
    assert search.status == 200 and f"connect-src 'self' https://*.{DOMAIN}" in search.getheader("Content-Security-Policy")
    bundle, _ = _get(preview_served, preview_host(BUILT[1]), "/pagefind/pagefind-entry.json")
    assert bundle.status == 200 and bundle.getheader("Access-Control-Allow-Origin") == f"https://{preview_host(BUILT[0])}"
    landing, page = _get(preview_served, f"pr-{PR}.{DOMAIN}")
    assert landing.status == 200 and "合并请求 #12 的预览" in page.decode()
    assert landing.getheader("Content-Security-Policy") == LANDING_CSP and landing.getheader("X-Robots-Tag") == "noindex, nofollow"
    sheet, text = _get(preview_served, f"pr-{PR}.{DOMAIN}", "/shenhe/")
    assert sheet.status == 200 and "审核单" in text.decode()
    assert _get(preview_served, f"pr-{PR}.{DOMAIN}", "/zhanqun-manifest.json")[0].status == 404


def test_an_unknown_pull_request_is_404_an_unaffected_site_goes_live_and_an_unknown_label_is_refused(preview_served):
    import ssl

    assert _get(preview_served, f"pr-13-fgw.{DOMAIN}")[0].status == 404  # no preview of #13
    assert _get(preview_served, f"pr-13.{DOMAIN}")[0].status == 404
    moved, _ = _get(preview_served, f"pr-{PR}-jyj.{DOMAIN}", "/tzgg/index.html")  # jyj is not affected by #12
    assert moved.status == 302 and moved.getheader("Location") == "https://jyj.shilixian.gov.cn/tzgg/index.html"
    for wrong in (f"pr-{PR}-bogus.{DOMAIN}", f"pr-0{PR}-fgw.{DOMAIN}", f"pr-{PR}-fgw.x.{DOMAIN}", f"x.{DOMAIN}"):
        with pytest.raises(ssl.SSLError):  # no server has the name: the handshake is refused
            _get(preview_served, wrong)
        with pytest.raises((ConnectionError, OSError)):  # a preview's TLS name, then an unknown Host: closed (444)
            response, _ = _get(preview_served, f"pr-{PR}-fgw.{DOMAIN}", host=wrong)
            raise AssertionError(f"{wrong} answered {response.status}")


def test_the_preview_is_intranet_only_and_the_live_sites_are_untouched(preview_served):
    from tests.test_nginx import _https

    refused, _ = _get(preview_served, preview_host(BUILT[1]), source="127.0.0.2")
    assert refused.status == 403  # --preview-allow 127.0.0.1/32: any other network is refused
    live, body = _https(preview_served, "fgw.shilixian.gov.cn")  # (the live sites have no such rule)
    assert live.status == 200 and BANNER not in body.decode()
    with pytest.raises((ConnectionError, OSError)):  # a preview name on the live domain is no host of ours
        response, _ = _get(preview_served, "pr-12-www.shilixian.gov.cn")
        raise AssertionError(f"answered {response.status}")
    text = preview_served["conf"].read_text(encoding="utf-8")
    assert "allow 127.0.0.1/32;" in text and "deny all;" in text


# -- the pull request's comment (GitHub and Gitea REST APIs) ----------------------------------------------------


class Comments:
    """The issue comments of one pull request on the recording server of tests/test_hosting.py, kept as the host
    keeps them: listed with GET, created with POST, edited with PATCH."""

    def __init__(self, server, api: str, prefix: str, pr: int = PR) -> None:
        self.entries: list[dict] = []
        self.next_id = 100
        page = "per_page=100" if api == "github" else "limit=50"
        server.routes[("GET", f"{prefix}/repos/shilixian/zhanqun-site/issues/{pr}/comments?{page}&page=1")] = (
            200, lambda body: (200, list(self.entries)))
        server.routes[("POST", f"{prefix}/repos/shilixian/zhanqun-site/issues/{pr}/comments")] = (201, self.create)
        self.server, self.prefix = server, prefix

    def add(self, login: str, body: str) -> dict:
        self.next_id += 1
        entry = {"id": self.next_id, "user": {"login": login}, "body": body}
        self.entries.append(entry)
        self.server.routes[("PATCH", f"{self.prefix}/repos/shilixian/zhanqun-site/issues/comments/{entry['id']}")] = (
            200, lambda body, entry=entry: (200, entry.update(body=body["body"]) or entry))
        return entry

    def create(self, body):
        return 201, self.add(self.login, body["body"])


@pytest.mark.parametrize("api", ["github", "gitea"])
def test_one_comment_with_the_links_is_created_then_updated_on_each_push(preview_build, monkeypatch, zq, api):
    from tests.test_hosting import TOKEN, Host

    server = Host()
    try:
        prefix = "/api/v1" if api == "gitea" else ""
        monkeypatch.setenv("ZHANQUN_API_URL", server.url + prefix)
        monkeypatch.setenv("ZHANQUN_API_TOKEN", TOKEN)
        monkeypatch.setenv("GITHUB_REPOSITORY", "shilixian/zhanqun-site")
        comments = Comments(server, api, prefix)
        comments.login = "github-actions[bot]" if api == "github" else "gitea-actions"
        comments.add("chen-hao-fgw", f"引用一下：{MARKER} 这条不是工作流写的")  # quoting the marker is not our comment
        args = ("preview", "comment", "--root", preview_build["root"], "--from", preview_build["out"], "--pr", PR, "--api", api)
        first = zq(*args)
        assert first.code == 0 and "已发表" in first.text, first.text
        mine = [c for c in comments.entries if c["user"]["login"] == comments.login]
        assert len(mine) == 1 and len(comments.entries) == 2
        body = mine[0]["body"]
        assert body.startswith(MARKER) and f"https://pr-{PR}.{DOMAIN}/" in body and f"https://pr-{PR}.{DOMAIN}/shenhe/" in body
        assert f"示例县发展和改革委员会：https://{preview_host(BUILT[1])}/" in body
        assert preview_build["head"][:10] in body
        second = zq(*args)
        assert second.code == 0 and "已更新" in second.text and len(comments.entries) == 2, second.text
        closed = zq("preview", "comment", "--pr", PR, "--api", api, "--removed")
        assert closed.code == 0 and len(comments.entries) == 2
        assert "预览已删除" in mine[0]["body"] and "这条不是工作流写的" in comments.entries[0]["body"]
        auth = {r["authorization"] for r in server.requests}
        assert auth == {f"Bearer {TOKEN}" if api == "github" else f"token {TOKEN}"}
        methods = [r["method"] for r in server.requests]
        assert methods.count("POST") == 1 and methods.count("PATCH") == 2
    finally:
        server.server.shutdown()


def test_a_comment_the_host_refuses_is_a_clear_message(preview_build, monkeypatch, zq):
    from tests.test_hosting import Host

    server = Host()
    try:
        monkeypatch.setenv("ZHANQUN_API_URL", server.url)
        monkeypatch.setenv("GITHUB_REPOSITORY", "shilixian/zhanqun-site")
        server.routes[("GET", f"/repos/shilixian/zhanqun-site/issues/{PR}/comments?per_page=100&page=1")] = (200, [])
        server.routes[("POST", f"/repos/shilixian/zhanqun-site/issues/{PR}/comments")] = (403, {"message": "Resource not accessible"})
        done = zq("preview", "comment", "--root", preview_build["root"], "--from", preview_build["out"], "--pr", PR, "--api", "github")
        assert done.code == 2 and "403" in done.text and "Traceback" not in done.text, done.text
        wrong = zq("preview", "comment", "--root", preview_build["root"], "--from", preview_build["out"], "--pr", "7", "--api", "github")
        assert wrong.code == 2 and "D011" in wrong.text
    finally:
        server.server.shutdown()


def test_a_change_that_affects_no_site_still_gets_its_landing_page_and_review_sheet(preview_build, tmp_path, zq):
    out = tmp_path / "empty"
    done = zq("preview", "landing", "--root", preview_build["root"], "--from", out, "--preview-domain", DOMAIN, "--pr", "15")
    assert done.code == 0, done.text
    page = (out / "_landing" / "index.html").read_text(encoding="utf-8")
    assert "这次修改不影响任何网站的页面" in page and f"https://pr-15.{DOMAIN}/shenhe/" in page
    root = tmp_path / "srv"
    root.mkdir()
    deployed = zq("preview", "deploy", "--from", out, "--to", root, "--pr", "15")
    assert deployed.code == 0 and sorted(os.listdir(root / "pr-15")) == [".zhanqun-preview.json", f"pr-15.{DOMAIN}"]
    again = zq("preview", "landing", "--root", preview_build["root"], "--from", preview_build["out"], "--preview-domain", DOMAIN,
               "--pr", "12")
    assert again.code == 2 and "已经有构建好的预览" in again.text


# -- on a phone, in headless Chromium, through the real nginx ---------------------------------------------------


@pytest.fixture(scope="module")
def phone(preview_served):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from tests.browser import CHROMIUM_FLAGS, PHONE, emulate, need

    options = webdriver.ChromeOptions()
    options.binary_location = need("chromium")
    for flag in (*CHROMIUM_FLAGS, "--ignore-certificate-errors",
                 f"--host-resolver-rules=MAP *.{DOMAIN} 127.0.0.1:{preview_served['https']}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(need("chromedriver")), options=options)
    emulate(driver, PHONE)
    yield driver
    driver.quit()


@pytest.mark.browser
def test_a_leader_opens_the_link_on_a_phone_and_sees_the_banner_on_every_site(phone):
    """The comment's link on a 375 px phone: the landing page fits the screen, its links are big enough to tap,
    it passes axe (WCAG 2.1 AA); tapping a site opens its preview with 预览，未发布 at the top, and nothing is
    blocked by the CSP."""
    from selenium.webdriver.common.by import By

    from tests.browser import axe, describe_violations

    phone.get(f"https://pr-{PR}.{DOMAIN}/")
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 375
    buttons = phone.find_elements(By.CSS_SELECTOR, "a.button")
    assert len(buttons) == 3 and all(b.size["height"] >= 44 for b in buttons), [b.size for b in buttons]
    assert not (problems := describe_violations("landing", axe(phone))), problems
    next(b for b in buttons if b.text.startswith("示例县发展和改革委员会")).click()
    assert phone.current_url == f"https://{preview_host(BUILT[1])}/"
    banner = phone.find_element(By.CSS_SELECTOR, ".zq-preview-banner")
    box = phone.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.top, r.height, "
                               "getComputedStyle(arguments[0]).backgroundColor]", banner)
    assert box[0] == 0 and box[1] > 20 and box[2] != "rgba(0, 0, 0, 0)", box  # styled: the CSS file was allowed
    assert banner.text.startswith("预览，未发布")
    phone.execute_script("window.scrollTo(0, 600)")
    assert phone.execute_script("return arguments[0].getBoundingClientRect().top", banner) == 0  # stays in sight
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 375
    blocked = [e["message"] for e in phone.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not blocked, blocked


@pytest.mark.browser
def test_the_preview_portals_search_finds_the_new_item_on_the_departments_preview(phone):
    """统一检索 on the preview portal merges the preview's other sites (CSP connect-src *.preview…, CORS from
    the preview portal): the pull request's new item is found, and its result links to the preview host."""
    from urllib.parse import quote

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    phone.get(f"https://{preview_host(BUILT[0])}/sousuo/?q={quote('重点项目建设')}")
    status = phone.find_element(By.CSS_SELECTOR, ".search-status")
    WebDriverWait(phone, 20).until(lambda d: status.text and status.text != "正在搜索……")
    links = [a.get_attribute("href") for a in phone.find_elements(By.CSS_SELECTOR, ".search-results li a.search-title")]
    new = f"https://{preview_host(BUILT[1])}/gzdt/2026-11-21-xiangmu-tuijin.html"
    assert new in links, (status.text, links)
    assert all(DOMAIN in href for href in links)
    problems = [e["message"] for e in phone.get_log("browser")
                if "Content Security Policy" in e["message"] or "CORS" in e["message"] or "Access-Control" in e["message"]]
    assert not problems, problems


def test_the_preview_block_leaves_the_live_servers_as_they_were(preview_build, tmp_path, zq):
    root = preview_build["root"]
    common = ("nginx", "--root", root, "--deploy-root", "/srv/www", "--cert", "/etc/ssl/{host}.pem", "--key", "/etc/ssl/{host}.key")
    assert zq(*common, "--output", tmp_path / "live.conf").code == 0
    assert zq(*common, "--output", tmp_path / "both.conf", "--preview-domain", DOMAIN, "--preview-root", "/srv/preview").code == 0
    live, both = (tmp_path / "live.conf").read_text(encoding="utf-8"), (tmp_path / "both.conf").read_text(encoding="utf-8")
    assert both.startswith(live) and "X-Robots-Tag" not in live  # the live servers' lines, unchanged, then the preview's
    preview = both[len(live):]
    assert "root /srv/preview/pr-$zq_pr/$host/current;" in preview and f"ssl_certificate /etc/ssl/{DOMAIN}.pem;" in preview
    assert "只能放在内网" in preview and "deny all;" not in preview  # no --preview-allow: the intranet-only note
    only = zq("nginx", "--root", root, "--output", tmp_path / "p.conf", "--preview-domain", DOMAIN, "--preview-root", "/srv/preview")
    assert only.code == 0 and "server_name www.shilixian.gov.cn;" not in (tmp_path / "p.conf").read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "words"), [
    (["--preview-domain", DOMAIN], "要一起给出"),
    (["--preview-domain", DOMAIN, "--preview-root", "/srv/preview", "--preview-allow", "10.0.0.0/33"], "不是 IP 地址或网段"),
    (["--preview-domain", "www.shilixian.gov.cn", "--preview-root", "/srv/preview"], "与站群的网站重叠"),
    (["--preview-domain", "预览.cn", "--preview-root", "/srv/preview"], "不是可用的域名"),
])
def test_bad_preview_server_options_are_d011(preview_build, tmp_path, zq, args, words):
    done = zq("nginx", "--root", preview_build["root"], "--deploy-root", "/srv/www", "--output", tmp_path / "x.conf", *args)
    assert done.code == 2 and "D011" in done.text and words in done.text and not (tmp_path / "x.conf").exists(), done.text
