"""Benchmarks of publishing (issue 5): ``zhanqun affected`` on a 20,000-commit history (target ≤ 1 s),
``zhanqun deploy`` of a 10,000-page site against ``cp -r`` of the same tree (target ≤ 2×), and ``wrk`` for
10 s against the portal homepage through the generated nginx config (requests/s, no errors).

    python bench/publish.py [--rounds 5] [--skip-wrk]

The history comes from bench/audit.py (kept in bench/work/); the site is the built demo portal plus 10,000
generated pages. wrk needs the portal's host name to resolve to 127.0.0.1 for TLS (SNI): the benchmark adds
a line to /etc/hosts while it runs and removes it afterwards (run it as root, on a development machine).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
WORK = BENCH / "work"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(PROJECT / "src"))

AFFECTED_LIMIT_S = 1.0
DEPLOY_VS_CP = 2.0
PORTAL = "www.shilixian.gov.cn"


def zhanqun() -> str:
    return str(Path(sys.executable).with_name("zhanqun"))


def timed(cmd: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def bench_affected(rounds: int) -> dict:
    import audit as audit_bench  # bench/audit.py: the 20,000-commit history

    repo = WORK / "audit-c20000-s1"
    if not (repo / ".git").is_dir():
        print("generating the 20,000-commit history (bench/audit.py) …", flush=True)
        audit_bench.generate_repo(repo, 20000, 1)
    git = ["git", "-C", str(repo)]
    count = int(subprocess.run([*git, "rev-list", "--count", "main"], capture_output=True, text=True, check=True).stdout)
    cases = {
        "a push (the last merge: main~1..main)": ["main~1", "main"],
        "a day of merges (main~30..main, first parents)": ["main~30", "main"],
    }
    results = {}
    for label, (base, head) in cases.items():
        cmd = [zhanqun(), "affected", "--root", str(repo), "--base", base, "--head", head, "--format", "json"]
        timed(cmd)  # warm-up
        runs = [timed(cmd) for _ in range(rounds)]
        hosts = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)["hosts"]
        results[label] = {"median_s": round(statistics.median(runs), 3), "rounds_s": [round(r, 3) for r in runs],
                          "hosts": len(hosts)}
        print(f"affected, {label}: {statistics.median(runs):.3f} s ({len(hosts)} hosts) over {count:,} commits")
    return {"commits": count, "cases": results,
            "pass": all(r["median_s"] <= AFFECTED_LIMIT_S for r in results.values())}


def big_site(work: Path) -> Path:
    """The built demo portal plus 10,000 generated pages, with its manifest."""
    from zhanqun.cli import main
    from zhanqun.deploy import manifest

    demo = work / "demo"
    if not (demo / "output" / PORTAL).is_dir():
        shutil.rmtree(demo, ignore_errors=True)
        demo.mkdir(parents=True)
        for part in ("content", "schemas", "themes", "plugins", "pelicanconf.py"):
            src = PROJECT / part
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, demo / part)
        assert main(["build", "--root", str(demo), "--jobs", "2"]) == 0
    site = work / "site" / PORTAL
    shutil.rmtree(site.parent, ignore_errors=True)
    shutil.copytree(demo / "output" / PORTAL, site)
    template = (site / "index.html").read_text(encoding="utf-8")
    for i in range(10000):
        folder = site / "gzdt" / f"{i // 500:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:05d}.html").write_text(template.replace("</main>", f"<p>第 {i} 篇</p></main>"), encoding="utf-8")
    manifest.write(site, PORTAL, "bench")
    return site


def bench_deploy(rounds: int, work: Path) -> dict:
    site = big_site(work)
    files = sum(1 for _ in site.rglob("*") if _.is_file())
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    runs_cp, runs_deploy, runs_redeploy = [], [], []
    for n in range(rounds):
        target = work / f"srv{n}"
        shutil.rmtree(target, ignore_errors=True)
        copy = work / f"cp{n}"
        shutil.rmtree(copy, ignore_errors=True)
        # each timed run starts with the page cache written back, so neither pays for the other's writes
        subprocess.run(["sync"], check=False)
        runs_cp.append(timed(["cp", "-r", str(site), str(copy)]))
        subprocess.run(["sync"], check=False)
        runs_deploy.append(timed([zhanqun(), "deploy", PORTAL, "--from", str(site), "--to", str(target)]))
        page = site / "index.html"  # one page changed: the redeploy links the rest
        page.write_text(page.read_text(encoding="utf-8") + f"<!-- {n} -->", encoding="utf-8")
        from zhanqun.deploy import manifest

        manifest.write(site, PORTAL, f"bench{n}")
        subprocess.run(["sync"], check=False)
        runs_redeploy.append(timed([zhanqun(), "deploy", PORTAL, "--from", str(site), "--to", str(target)]))
        shutil.rmtree(copy, ignore_errors=True)
        shutil.rmtree(target, ignore_errors=True)
    cp, dep, re_ = (statistics.median(r) for r in (runs_cp, runs_deploy, runs_redeploy))
    print(f"deploy of {files:,} files ({size / 1e6:.0f} MB): cp -r {cp:.2f} s, zhanqun deploy {dep:.2f} s "
          f"({dep / cp:.2f}×, limit {DEPLOY_VS_CP}×), redeploy after one page {re_:.2f} s")
    return {"files": files, "bytes": size, "cp_s": [round(r, 3) for r in runs_cp],
            "deploy_s": [round(r, 3) for r in runs_deploy], "redeploy_s": [round(r, 3) for r in runs_redeploy],
            "ratio": round(dep / cp, 2), "pass": dep / cp <= DEPLOY_VS_CP}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_wrk(work: Path) -> dict:
    from zhanqun.cli import main
    from zhanqun.deploy import release

    demo = work / "demo"
    srv = work / "srv-wrk"
    shutil.rmtree(srv, ignore_errors=True)
    release.deploy(PORTAL, demo / "output" / PORTAL, srv)
    cert, key = work / "cert.pem", work / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={PORTAL}",
                    "-addext", f"subjectAltName=DNS:{PORTAL}", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    port = _free_port()
    conf = work / "sites.conf"
    assert main(["nginx", "--root", str(demo), "--deploy-root", str(srv), "--output", str(conf), "--cert", str(cert),
                 "--key", str(key), "--http-port", str(_free_port()), "--https-port", str(port)]) == 0
    conf.write_text(conf.read_text(encoding="utf-8").replace("/var/log/nginx/", f"{work}/"), encoding="utf-8")
    (work / "nginx.conf").write_text(f"""
user root; worker_processes 2; pid {work}/nginx.pid; error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{ include /etc/nginx/mime.types; access_log off; client_body_temp_path {work}/body;
       proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fcgi; uwsgi_temp_path {work}/uwsgi;
       scgi_temp_path {work}/scgi; include {conf}; }}
""", encoding="utf-8")
    hosts = Path("/etc/hosts")
    original = hosts.read_text(encoding="utf-8")
    nginx = subprocess.Popen(["nginx", "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"])
    try:
        hosts.write_text(original + f"\n127.0.0.1 {PORTAL} # zhanqun bench\n", encoding="utf-8")
        time.sleep(0.5)
        done = subprocess.run(["wrk", "-t2", "-c32", "-d10s", "--latency", f"https://{PORTAL}:{port}/"],
                              capture_output=True, text=True, check=True)
    finally:
        hosts.write_text(original, encoding="utf-8")
        nginx.terminate()
        nginx.wait(timeout=10)
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    print(out)
    return {"requests_per_s": rps, "socket_errors": errors.group(1) if errors else "none",
            "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "pass": not errors and not non2xx}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-wrk", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        work = Path(tmp)
        results = {"affected": bench_affected(args.rounds), "deploy": bench_deploy(args.rounds, work)}
        if not args.skip_wrk:
            results["wrk"] = bench_wrk(work)
    (WORK / "publish-results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    passed = all(r["pass"] for r in results.values())
    print("PASS" if passed else "FAIL", "— results in", WORK / "publish-results.json")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
