"""The generated nginx config (R6.4) in a real nginx from Debian, on loopback high ports with a throwaway
certificate: each host answers with its own site and the security headers, HTTP redirects to HTTPS, and a
host that is not in the cluster is refused."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time

import pytest

from tests.browser import need
from zhanqun.deploy import release

HOSTS = {"www.shilixian.gov.cn": "示例县人民政府", "fgw.shilixian.gov.cn": "示例县发展和改革委员会"}
EDITOR_HOST = "cms.shilixian.gov.cn"  # the web editor's own host (issue 15)
GIT_HOST = "https://git.shilixian.gov.cn"


_need = need


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(built_demo, tmp_path_factory):
    nginx = _need("nginx")
    openssl = _need("openssl")
    work = tmp_path_factory.mktemp("nginx")
    srv = work / "srv"
    output = built_demo / "output"
    hosts = sorted(p.name for p in output.iterdir() if not p.name.startswith("."))
    for host in hosts:
        release.deploy(host, output / host, srv)
    editor = _editor_files(work / "cms")
    cert, key = work / "cert.pem", work / "key.pem"
    san = ",".join(f"DNS:{h}" for h in [*hosts, EDITOR_HOST])
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=zhanqun-test",
                    "-addext", f"subjectAltName={san}", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    http_port, https_port = _free_port(), _free_port()
    conf = work / "zhanqun.conf"
    from zhanqun.cli import main

    assert main(["nginx", "--root", str(built_demo), "--deploy-root", str(srv), "--output", str(conf), "--cert", str(cert),
                 "--key", str(key), "--http-port", str(http_port), "--https-port", str(https_port),
                 "--access-log", f"{work}/{{host}}.access.log",  # the access logs (R8.4) aside
                 "--editor-host", EDITOR_HOST, "--editor-root", str(editor), "--editor-connect", GIT_HOST,
                 "--editor-allow", "127.0.0.1", "--editor-allow", "::1"]) == 0
    ipv6 = socket.has_ipv6 and _ipv6_loopback()
    text = conf.read_text(encoding="utf-8")
    if not ipv6:  # a sandbox without ::1 cannot bind the IPv6 listeners; the lines are checked below
        text = "\n".join(line for line in text.splitlines() if "listen [::]" not in line)
    (work / "sites.conf").write_text(text, encoding="utf-8")
    (work / "nginx.conf").write_text(f"""
{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
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
    yield {"http": http_port, "https": https_port, "cert": cert, "conf": conf, "ipv6": ipv6, "srv": srv, "editor": editor}
    process.terminate()
    process.wait(timeout=10)


def _editor_files(folder):
    """What zhanqun cms writes, in small: the serving does not depend on Decap's bundle (tests/test_cms.py has it)."""
    for rel, text in {"index.html": "<!doctype html><title>网页编辑器</title>", "fgw/index.html": "<!doctype html>",
                      "fgw/config.yml": "locale: zh_Hans\n", "decap/decap-cms.js": "window.CMS = {};",
                      "decap/a.wasm": "\0asm", "notes.md": "# not served", "fgw/.hidden.yml": "x: 1\n"}.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def _https(served, host: str, path: str = "/", headers: dict | None = None, address: str = "127.0.0.1"):
    context = ssl.create_default_context(cafile=str(served["cert"]))
    raw = socket.create_connection((address, served["https"]), timeout=5)
    sock = context.wrap_socket(raw, server_hostname=host)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
    for name, value in (headers or {}).items():
        request += f"{name}: {value}\r\n"
    sock.sendall((request + "\r\n").encode())
    response = http.client.HTTPResponse(sock)
    response.begin()
    body = response.read()
    sock.close()
    return response, body


def test_each_host_serves_its_own_site_with_the_security_headers(served):
    for host, name in HOSTS.items():
        response, body = _https(served, host)
        assert response.status == 200 and name in body.decode("utf-8")
        assert "script-src 'self'" in response.getheader("Content-Security-Policy")
        assert "'unsafe-inline'" not in response.getheader("Content-Security-Policy")
        assert response.getheader("Strict-Transport-Security").startswith("max-age=")
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        assert response.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"
    zipped, _ = _https(served, "www.shilixian.gov.cn", headers={"Accept-Encoding": "gzip"})
    assert zipped.getheader("Content-Encoding") == "gzip"
    css, _ = _https(served, "www.shilixian.gov.cn", "/theme/css/site.css")
    assert css.status == 200 and css.getheader("Cache-Control") == "no-cache"  # not hashed: seen at once after a deploy
    assert css.getheader("X-Content-Type-Options") == "nosniff"  # repeated in every location
    for path in ("/.git/config", "/.secret/x.png", "/.env.js", "/zhanqun-manifest.json"):
        assert _https(served, "www.shilixian.gov.cn", path)[0].status == 404, path


def test_a_symlink_planted_in_the_site_is_not_followed_and_verify_reports_it(served):
    """Someone with write access links / into the site: nginx refuses to follow it, verify names it."""
    from zhanqun.deploy import manifest

    current = served["srv"] / "www.shilixian.gov.cn" / "current"
    (current / "evil").symlink_to("/")
    try:
        response, body = _https(served, "www.shilixian.gov.cn", "/evil/etc/passwd")
        assert response.status in (403, 404) and b"root:" not in body
        found = manifest.verify(current)[1]
        assert "evil" in found.added
    finally:
        (current / "evil").unlink()


def test_http_redirects_to_https_and_unknown_hosts_are_refused(served):
    connection = http.client.HTTPConnection("127.0.0.1", served["http"], timeout=5)
    connection.request("GET", "/zwyw/index.html", headers={"Host": "fgw.shilixian.gov.cn"})
    moved = connection.getresponse()
    assert moved.status == 301 and moved.getheader("Location") == "https://fgw.shilixian.gov.cn/zwyw/index.html"
    stranger = http.client.HTTPConnection("127.0.0.1", served["http"], timeout=5)
    stranger.request("GET", "/", headers={"Host": "bet365.example"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        stranger.getresponse()
    with pytest.raises(ssl.SSLError):
        _https(served, "bet365.example")


def test_ipv6_listeners_are_configured_and_answer(served):
    text = served["conf"].read_text(encoding="utf-8")
    assert f"listen [::]:{served['https']} ssl http2;" in text and f"listen [::]:{served['http']};" in text
    if not served["ipv6"]:
        pytest.skip("this machine has no IPv6 loopback")
    response, _body = _https(served, "www.shilixian.gov.cn", address="::1")
    assert response.status == 200


def test_a_rollback_is_served_at_once(served, built_demo):
    """nginx follows the current link: switching releases needs no reload."""
    home = served["srv"] / "fgw.shilixian.gov.cn"
    before = (home / "current").resolve()
    copy = home.parent / "fgw-copy"
    shutil.copytree(before, copy)
    page = copy / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<p>新版本</p></body>"), encoding="utf-8")
    from zhanqun.deploy import manifest

    manifest.write(copy, "fgw.shilixian.gov.cn", "feedface")
    release.deploy("fgw.shilixian.gov.cn", copy, served["srv"])
    assert "新版本" in _https(served, "fgw.shilixian.gov.cn")[1].decode("utf-8")
    release.rollback("fgw.shilixian.gov.cn", served["srv"])
    assert "新版本" not in _https(served, "fgw.shilixian.gov.cn")[1].decode("utf-8")


@pytest.mark.parametrize("name, body", [
    ("gzdt/attachments/planted.php", b"<?php system($_GET['c']); ?>"),
    ("gzdt/attachments/planted.htm", b"<script>alert(1)</script>"),
    ("gzdt/attachments/planted.js", b"alert(1)"),  # a script outside the theme
    ("gzdt/attachments/planted.mjs", b"export default 1"),
    ("gzdt/attachments/planted.wasm", b"\0asm"),
    ("gzdt/attachments/planted.tar.gz", b"\x1f\x8b"),
    ("gzdt/attachments/planted", b"#!/bin/sh\n"),  # no type at all
    ("gzdt/attachments/PLANTED.PHTML", b"<?php ?>"),
])
def test_only_the_published_types_are_served(served, name, body):
    """Even a file put on the server by hand (or by a build bug) is not served unless its type is on the list
    (R4.11): the check keeps such files out of the build, nginx out of the answer."""
    current = served["srv"] / "fgw.shilixian.gov.cn" / "current"
    path = current / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    try:
        response, payload = _https(served, "fgw.shilixian.gov.cn", "/" + name)
        assert response.status == 404 and body not in payload, name
    finally:
        path.unlink()


def test_published_types_are_sent_with_their_type_and_nosniff(served):
    site = served["srv"] / "fgw.shilixian.gov.cn" / "current"
    pdf = next(site.rglob("*.pdf")).relative_to(site).as_posix()
    response, _ = _https(served, "fgw.shilixian.gov.cn", "/" + pdf)
    assert response.status == 200 and response.getheader("Content-Type") == "application/pdf"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    svg = next(served["srv"].rglob("current/**/*.svg"))
    host = svg.relative_to(served["srv"]).parts[0]
    rel = svg.relative_to(served["srv"] / host / "current").as_posix()
    response, _ = _https(served, host, "/" + rel)
    assert response.status == 200 and response.getheader("Content-Type").startswith("image/svg+xml")
    assert "sandbox" in response.getheader("Content-Security-Policy")  # an SVG opened alone runs nothing
    js, _ = _https(served, "fgw.shilixian.gov.cn", "/theme/js/a11y.js")
    assert js.status == 200 and js.getheader("Content-Type").startswith("application/javascript")
    folder, _ = _https(served, "fgw.shilixian.gov.cn", "/gzdt/")
    assert folder.status == 200

WRONG_HOSTS = ("bet365.example", "127.0.0.1", "shilixian.gov.cn", "www.shilixian.gov.cn.bet365.example", "localhost")


@pytest.mark.parametrize("http2", [False, True], ids=["http1.1", "http2"])
def test_a_cluster_sni_with_an_unknown_host_header_is_refused(served, http2):
    """R6.4, issue 10: the TLS handshake names a cluster host (so it succeeds), the request then asks for a
    host that is not in the cluster. nginx hands it to the default server, which used to answer with nginx's
    own page and 200; now it closes the connection (444). Tried for every host with curl, as a visitor would."""
    curl = _need("curl")
    hosts = sorted(p.name for p in served["srv"].iterdir() if p.name.endswith(".gov.cn"))
    assert len(hosts) >= 2
    for host in hosts:
        base = [curl, "-sS", "--max-time", "5", "--cacert", str(served["cert"]), "--http2" if http2 else "--http1.1",
                "--resolve", f"{host}:{served['https']}:127.0.0.1", "-o", "-", "-w", "\n%{http_code}",
                f"https://{host}:{served['https']}/"]
        right = subprocess.run(base, capture_output=True, text=True)
        assert right.returncode == 0 and right.stdout.endswith("\n200"), (host, right.stderr)
        for wrong in WRONG_HOSTS:
            refused = subprocess.run([*base, "-H", f"Host: {wrong}"], capture_output=True, text=True)
            assert refused.returncode != 0, (host, wrong, refused.stdout[-300:])
            assert refused.stdout.strip().endswith("000") and "nginx" not in refused.stdout.lower(), (host, wrong)


def _https_named(served, sni: str, host: str):
    """A request whose TLS name (SNI) and Host header differ."""
    context = ssl.create_default_context(cafile=str(served["cert"]))
    sock = context.wrap_socket(socket.create_connection(("127.0.0.1", served["https"]), timeout=5), server_hostname=sni)
    try:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read()
    finally:
        sock.close()


def test_the_host_header_decides_within_the_cluster_and_case_does_not_matter(served):
    """Host names are case-insensitive (served), and a Host of another cluster host on the same connection is
    that host's public site (a browser reuses a connection when one certificate covers both): only hosts
    outside the cluster are refused."""
    status, body = _https_named(served, "www.shilixian.gov.cn", "FGW.ShiLiXian.gov.cn")
    assert status == 200 and HOSTS["fgw.shilixian.gov.cn"] in body.decode("utf-8")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError, ssl.SSLError)):
        _https_named(served, "fgw.shilixian.gov.cn", "fgw.shilixian.gov.cn.example")


@pytest.mark.parametrize("option, value", [
    ("--access-log", "/var/log/x.log; include /etc/shadow"),  # a directive smuggled into the config
    ("--access-log", "logs/{host}.log"),  # relative: nginx would resolve it against its prefix
    ("--cert", "/etc/ssl/{0}.pem"),  # a placeholder other than {host}: str.format crashed
    ("--key", "/etc/ssl/$host.pem"),
    ("--cert", "/etc/ssl/a b.pem"),
])
def test_server_paths_that_would_break_or_inject_config_are_refused(demo_repo, tmp_path, zq, option, value):
    """R6.4, R8.4: the paths written into nginx.conf are checked; a refusal names the option, no file is written."""
    out = tmp_path / "zhanqun.conf"
    result = zq("nginx", "--root", demo_repo, "--deploy-root", tmp_path / "srv", "--output", out, option, value)
    assert result.code == 2 and option in result.err and "不是可用的服务器路径" in result.err, result.text
    assert not out.exists()


def test_the_access_log_option_defaults_to_the_documented_place_and_can_be_off(demo_repo, tmp_path, zq):
    from zhanqun.deploy import nginx as nginx_mod

    out = tmp_path / "zhanqun.conf"
    assert zq("nginx", "--root", demo_repo, "--deploy-root", tmp_path / "srv", "--output", out).code == 0
    assert nginx_mod.ACCESS_LOG.format(host="www.shilixian.gov.cn") in out.read_text(encoding="utf-8")
    assert zq("nginx", "--root", demo_repo, "--deploy-root", tmp_path / "srv", "--output", out,
              "--access-log", "off").code == 0
    assert "access_log off;" in out.read_text(encoding="utf-8") and "/var/log/nginx" not in out.read_text(encoding="utf-8")


def test_sitemaps_and_robots_are_served_with_their_types(served):
    """What a search engine asks each host for first (R3.8, issue 14), through the real nginx config."""
    for host in ("www.shilixian.gov.cn", "fgw.shilixian.gov.cn"):
        robots, body = _https(served, host, "/robots.txt")
        assert robots.status == 200 and robots.getheader("Content-Type").startswith("text/plain")
        assert f"Sitemap: https://{host}/sitemap.xml".encode() in body
        sitemap, body = _https(served, host, "/sitemap.xml")
        assert sitemap.status == 200 and "xml" in sitemap.getheader("Content-Type") and b"<urlset" in body
        assert "sandbox" in sitemap.getheader("Content-Security-Policy")  # XML opened alone runs nothing
        assert sitemap.getheader("X-Content-Type-Options") == "nosniff"
    index, body = _https(served, "www.shilixian.gov.cn", "/sitemap_index.xml")
    assert index.status == 200 and b"https://fgw.shilixian.gov.cn/sitemap.xml" in body
    other, _ = _https(served, "fgw.shilixian.gov.cn", "/sitemap_index.xml")
    assert other.status == 404


def test_feeds_are_served_as_atom_with_the_xml_csp_and_other_xml_is_not(served):
    """The Atom feeds (issue 14, R3.7) at a site's root, a column's folder and a channel unit's column, as
    application/atom+xml with the sandboxing XML CSP; any other .xml, or atom.xml where the build writes none
    (deeper, in a dot folder, another case), stays 404 even when someone puts it on the server."""
    from zhanqun.deploy.nginx import XML_CSP

    for host, path in (("www.shilixian.gov.cn", "/atom.xml"), ("www.shilixian.gov.cn", "/bmdt/atom.xml"),
                       ("www.shilixian.gov.cn", "/czj/gzdt/atom.xml"), ("fgw.shilixian.gov.cn", "/gzdt/atom.xml")):
        response, body = _https(served, host, path)
        assert response.status == 200 and b'xmlns="http://www.w3.org/2005/Atom"' in body, (host, path)
        assert response.getheader("Content-Type").split(";")[0] == "application/atom+xml"
        assert response.getheader("Content-Security-Policy") == XML_CSP
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        assert response.getheader("Strict-Transport-Security").startswith("max-age=")
    site = served["srv"] / "fgw.shilixian.gov.cn" / "current"
    planted = ["x.xml", "gzdt/x.xml", "gzdt/attachments/more/atom.xml", ".well-known/atom.xml", "ATOM.XML", "gzdt/Atom.xml",
               "gzdt/atom.xml.bak", "gzdt/atom.xhtml"]
    body = b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'
    for name in planted:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(body)
    try:
        for name in planted:
            response, payload = _https(served, "fgw.shilixian.gov.cn", "/" + name)
            assert response.status == 404 and body not in payload, name
    finally:
        for name in planted:
            (site / name).unlink()


def test_the_editor_is_served_on_its_own_host_with_its_own_csp_and_never_on_a_public_site(served):
    """issue 15: the editors' host serves what zhanqun cms wrote, with the CSP Decap needs (measured in
    tests/test_cms_browser.py) and connect-src to the git host only; the public sites serve none of it."""
    from zhanqun.deploy import nginx

    response, body = _https(served, EDITOR_HOST, "/fgw/config.yml")
    assert response.status == 200 and body == b"locale: zh_Hans\n"
    assert response.getheader("Content-Type").startswith("text/yaml")
    csp = response.getheader("Content-Security-Policy")
    assert csp == nginx.editor_csp([GIT_HOST])
    assert "script-src 'self' 'unsafe-eval';" in csp and f"connect-src 'self' blob: {GIT_HOST};" in csp
    assert "frame-ancestors 'none'" in csp and response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Cache-Control") == "no-cache" and response.getheader("X-Robots-Tag") == "noindex, nofollow"
    script, _ = _https(served, EDITOR_HOST, "/decap/decap-cms.js")
    assert script.status == 200 and script.getheader("Content-Type").startswith("application/javascript")
    page, text = _https(served, EDITOR_HOST, "/")
    assert page.status == 200 and "网页编辑器".encode() in text
    for path in ("/notes.md", "/fgw/.hidden.yml"):
        assert _https(served, EDITOR_HOST, path)[0].status == 404, path
    for host in HOSTS:  # a public site has no editor, whatever the path
        for path in ("/fgw/config.yml", "/decap/decap-cms.js", "/cms/", "/admin/"):
            response, _ = _https(served, host, path)
            assert response.status == 404, (host, path)
            assert "unsafe-eval" not in (response.getheader("Content-Security-Policy") or "")


def test_the_editor_only_answers_the_allowed_networks_and_refuses_a_site_host_or_root(served, demo_repo, tmp_path, zq):
    text = served["conf"].read_text(encoding="utf-8")
    block = text[text.index(f"server_name {EDITOR_HOST};"):]
    assert "allow 127.0.0.1;" in block and "deny all;" in block
    same = zq("nginx", "--root", demo_repo, "--deploy-root", tmp_path / "srv", "--output", tmp_path / "n.conf",
              "--editor-host", "fgw.shilixian.gov.cn", "--editor-root", tmp_path / "cms")
    assert same.code == 2 and "是站群网站的主机名" in same.err
    inside = zq("nginx", "--root", demo_repo, "--deploy-root", tmp_path / "srv", "--output", tmp_path / "n.conf",
                "--editor-host", EDITOR_HOST, "--editor-root", tmp_path / "srv" / "cms")
    assert inside.code == 2 and "在部署根目录" in inside.err
    bad = zq("nginx", "--root", demo_repo, "--deploy-root", tmp_path / "srv", "--output", tmp_path / "n.conf",
             "--editor-host", EDITOR_HOST, "--editor-root", tmp_path / "cms", "--editor-connect", "https://x; script-src *")
    assert bad.code == 2 and "--editor-connect 不是可用的地址" in bad.err
    assert not (tmp_path / "n.conf").exists()
