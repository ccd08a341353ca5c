"""Records and manifests only CI can write (R6.5, issue 10 §6): real ssh-keygen keys and signatures, real git
repositories; notes forged, edited, signed by another key, made before signing began, and a key rotated."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.gitrepo import ITEM, NEWS, commit, github_reviews, merge
from zhanqun import signing
from zhanqun.signoff.gitdata import record_payload

FIRST, SECOND, EDITOR, ADMIN = "chen-hao-fgw", "yang-xiumei-fgw", "wang-li-fgw", "egov-zhou"
NOTES = "refs/notes/zhanqun"


def keypair(folder: Path, name: str) -> tuple[Path, str]:
    path = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)], check=True)
    return path, " ".join(path.with_suffix(".pub").read_text().split()[:2])


def signers_line(public: str, options: str = "") -> str:
    return f'zhanqun-ci namespaces="zhanqun-record,zhanqun-manifest"{options} {public}\n'


@pytest.fixture
def keys(tmp_path):
    folder = tmp_path / "keys"
    folder.mkdir()
    return {name: keypair(folder, name) for name in ("ci", "ci2", "intruder")}


@pytest.fixture
def signed(cluster, keys):
    """The demo county whose first commit already lists CI's key in .zhanqun/allowed_signers."""
    root, repo = cluster
    repo.git.checkout("main")
    (Path(root) / signing.ALLOWED_SIGNERS).parent.mkdir(exist_ok=True)
    (Path(root) / signing.ALLOWED_SIGNERS).write_text(signers_line(keys["ci"][1]), encoding="utf-8")
    repo.git.add(A=True)
    repo.git.commit("--amend", "--no-edit")
    return root, repo


def pr(repo, zq, tmp_path, number, path, text, when, approvers=(FIRST,), key: Path | None = None, record=True):
    repo.git.checkout("-B", f"pr{number}", "main")
    sha = commit(repo, path, text, f"稿件 #{number}", when)
    merged = merge(repo, f"pr{number}", f"合并 #{number}", when)
    if record:
        write(zq, repo, tmp_path, merged, number, [(a, sha) for a in approvers], key)
    return merged


def write(zq, repo, tmp_path, merged, number, approvals, key: Path | None):
    reviews = github_reviews(tmp_path / f"r{number}-{len(approvals)}.json", *((a, "APPROVED", s) for a, s in approvals))
    args = ["signoff", "record", "--root", repo.working_dir, "--commit", merged, "--pr", str(number), "--author", EDITOR,
            "--reviews", reviews] + (["--sign-key", key] if key else [])
    result = zq(*args)
    assert result.code == 0, result.text
    return result


def audit(zq, root):
    result = zq("audit", "--root", root, "--format", "json")
    return result.code, json.loads(result.out)


def codes(data) -> list[tuple[str, str]]:
    return [(v["code"], v["commit"]) for v in data["findings"]]


def append_note(repo, sha: str, record: dict) -> None:
    repo.git.notes("--ref", NOTES, "append", "-m", json.dumps(record, ensure_ascii=False, sort_keys=True), sha)


def last_record(repo, sha: str) -> dict:
    return json.loads(repo.git.notes("--ref", NOTES, "show", sha).splitlines()[-1])


def test_a_record_signed_by_ci_passes_and_ssh_keygen_agrees(signed, zq, tmp_path, keys):
    root, repo = signed
    merged = pr(repo, zq, tmp_path, 3, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00",
                key=keys["ci"][0])
    code, data = audit(zq, root)
    assert code == 0 and data["findings"] == []
    record = last_record(repo, merged)
    # the signature is a plain SSHSIG: ssh-keygen itself verifies it against the repository's file
    armored = "-----BEGIN SSH SIGNATURE-----\n" + record["signature"] + "\n-----END SSH SIGNATURE-----\n"
    (tmp_path / "r.sig").write_text(armored)
    done = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(Path(root) / signing.ALLOWED_SIGNERS), "-I",
                           "zhanqun-ci", "-n", "zhanqun-record", "-s", str(tmp_path / "r.sig")],
                          input=record_payload(record), capture_output=True, check=False)
    assert done.returncode == 0, done.stderr


def test_an_unsigned_completion_does_not_launder_an_unsatisfied_merge(signed, zq, tmp_path, keys):
    root, repo = signed
    merged = pr(repo, zq, tmp_path, 4, NEWS, ITEM.format(importance="一般"), "2026-11-22T10:00:00+08:00",
                key=keys["ci"][0])
    assert [c for c, _ in codes(audit(zq, root)[1])] == ["V004"]
    forged = {**last_record(repo, merged), "satisfied": True, "missing": {},
              "approvers": {FIRST: [{"unit": "fgw", "role": "first"}], SECOND: [{"unit": "fgw", "role": "second"}]},
              "recorded_at": "2026-11-23T00:00:00+00:00"}
    forged.pop("signature")
    append_note(repo, merged, forged)  # a direct push to refs/notes/zhanqun
    code, data = audit(zq, root)
    assert code == 1 and sorted(c for c, _ in codes(data)) == ["V004", "V009"]
    message = next(v["message"] for v in data["findings"] if v["code"] == "V009")
    assert "写于 2026-11-23T00:00:00+00:00" in message and "没有签名" in message


def test_a_note_signed_by_another_key_or_edited_after_signing_is_not_counted(signed, zq, tmp_path, keys):
    root, repo = signed
    intruded = pr(repo, zq, tmp_path, 5, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00",
                  key=keys["intruder"][0])
    edited = pr(repo, zq, tmp_path, 6, "content/fgw/gzdt/2026-11-22-b.md", ITEM.format(importance="重要"),
                "2026-11-22T11:00:00+08:00", key=keys["ci"][0])
    # CI checked the notes before signing a checkpoint: with the intruder's record among them, it signed none
    assert not repo.git.for_each_ref("refs/zhanqun/checkpoint")
    record = last_record(repo, edited)
    record.update(satisfied=True, missing={})  # the signature stays, the verdict is changed
    repo.git.notes("--ref", NOTES, "add", "-f", "-m", json.dumps(record, ensure_ascii=False), edited)
    code, data = audit(zq, root)
    assert code == 1
    assert sorted(codes(data)) == sorted([("V009", intruded), ("V001", intruded), ("V009", edited), ("V001", edited)])
    messages = {v["commit"]: v["message"] for v in data["findings"] if v["code"] == "V009"}
    assert "不在 .zhanqun/allowed_signers 中" in messages[intruded] and "签名无效" in messages[edited]


def test_a_rotated_key_still_vouches_for_what_it_signed_and_a_new_key_completes_old_records(signed, zq, tmp_path, keys):
    root, repo = signed
    old, new = keys["ci"], keys["ci2"]
    first = pr(repo, zq, tmp_path, 7, NEWS, ITEM.format(importance="一般"), "2026-11-22T10:00:00+08:00", key=old[0])
    # the admins replace the key (a platform change, approved by an admin, recorded with the old key)
    pr(repo, zq, tmp_path, 8, signing.ALLOWED_SIGNERS, signers_line(new[1]), "2026-11-23T10:00:00+08:00",
       (ADMIN,), key=old[0])
    after = pr(repo, zq, tmp_path, 9, "content/fgw/gzdt/2026-11-24-c.md", ITEM.format(importance="routine"),
               "2026-11-24T10:00:00+08:00", key=new[0])
    stale = pr(repo, zq, tmp_path, 10, "content/fgw/gzdt/2026-11-25-d.md", ITEM.format(importance="routine"),
               "2026-11-25T10:00:00+08:00", key=old[0])  # a leaked old key signs something new
    assert sorted(codes(audit(zq, root)[1])) == sorted([("V004", first), ("V009", stale), ("V001", stale)])
    # the missing second approval comes later; CI, now with the new key, records the completion
    sha = repo.commit(first).parents[1].hexsha
    write(zq, repo, tmp_path, first, 7, [(FIRST, sha), (SECOND, sha)], new[0])
    _code, data = audit(zq, root)
    assert sorted(codes(data)) == sorted([("V009", stale), ("V001", stale)])
    assert next(c for c in data["commits"] if c["commit"] == after)["status"] == "satisfied"


def test_valid_before_ends_a_key(signed, zq, tmp_path, keys):
    root, repo = signed
    Path(root, signing.ALLOWED_SIGNERS).write_text(signers_line(keys["ci"][1], ' valid-before="20260101"'))
    repo.git.add(A=True)
    repo.git.commit("--amend", "--no-edit")
    merged = pr(repo, zq, tmp_path, 11, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00",
                key=keys["ci"][0])
    assert ("V009", merged) in codes(audit(zq, root)[1])


def test_records_from_before_signing_are_legacy_only_if_pinned(cluster, zq, tmp_path, keys):
    root, repo = cluster
    repo.git.checkout("main")
    legacy = pr(repo, zq, tmp_path, 12, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00")
    pinned = repo.git.rev_parse(NOTES)
    Path(root, ".zhanqun").mkdir()
    Path(root, signing.LEGACY_PIN).write_text(pinned + "\n")
    pr(repo, zq, tmp_path, 13, signing.ALLOWED_SIGNERS, signers_line(keys["ci"][1]), "2026-11-23T10:00:00+08:00",
       (ADMIN,))  # the last unsigned record: signing begins with this change (docs/signoff.md)
    enable = repo.head.commit.hexsha
    late = pr(repo, zq, tmp_path, 14, "content/fgw/gzdt/2026-11-24-e.md", ITEM.format(importance="routine"),
              "2026-11-24T10:00:00+08:00")  # unsigned, after signing began
    _code, data = audit(zq, root)
    assert sorted(codes(data)) == sorted([("V009", enable), ("V001", enable), ("V009", late), ("V001", late)])
    assert all(c != legacy for _, c in codes(data))
    # a forged unsigned completion on a pinned commit is not legacy: only the lines of the pinned notes are
    append_note(repo, legacy, {**last_record(repo, legacy), "recorded_at": "2026-12-01T00:00:00+00:00", "pr": "99"})
    assert ("V009", legacy) in codes(audit(zq, root)[1])
    text = zq("audit", "--root", root)
    assert "签名前" in text.out


def test_a_signed_record_with_an_empty_chain_contradicts_the_config(signed, zq, tmp_path, keys):
    root, repo = signed
    merged = pr(repo, zq, tmp_path, 15, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00",
                record=False)
    record = {"version": 1, "pr": "15", "commit": merged, "author": EDITOR, "time": "2026-11-22T10:00:00+08:00",
              "recorded_at": "2026-11-22T02:00:00+00:00", "approvers": {}, "missing": {}, "satisfied": True,
              "emergency": False, "emergency_reason": "", "reasons": [],
              "required": [{"unit": "fgw", "name": "发改委", "importance": "routine", "roles": []}]}
    key_text = keys["ci"][0].read_text()
    record["signature"] = signing.bare(signing.sign(record_payload(record), key_text, signing.RECORD))
    append_note(repo, merged, record)
    code, data = audit(zq, root)
    assert code == 1 and codes(data) == [("V013", merged)]
    assert "要求的审核为 空" in data["findings"][0]["message"] and "初审" in data["findings"][0]["message"]


def test_a_bad_key_is_refused_with_a_message(signed, zq, tmp_path, monkeypatch):
    root, repo = signed
    monkeypatch.setenv(signing.KEY_ENV, "不是私钥")
    repo.git.checkout("-B", "prx", "main")
    sha = commit(repo, NEWS, ITEM.format(importance="routine"), "稿件", "2026-11-22T10:00:00+08:00")
    merged = merge(repo, "prx", "合并", "2026-11-22T10:00:00+08:00")
    reviews = github_reviews(tmp_path / "x.json", (FIRST, "APPROVED", sha))
    result = zq("signoff", "record", "--root", root, "--commit", merged, "--pr", "1", "--author", EDITOR,
                "--reviews", reviews)
    assert result.code == 2 and "签名失败" in result.err and "Traceback" not in result.text


# -- manifests (zhanqun build --sign-key, zhanqun verify --allowed-signers) ---------------------------------------

PORTAL = "www.shilixian.gov.cn"


@pytest.fixture
def deployed(built_demo, tmp_path, keys, zq, monkeypatch):
    """The built portal with its manifest signed by CI (as zhanqun build does with the key), deployed."""
    import shutil

    from zhanqun.deploy import manifest

    site = tmp_path / "built" / PORTAL
    shutil.copytree(built_demo / "output" / PORTAL, site)
    data = manifest.read(site)
    monkeypatch.setenv(signing.KEY_ENV, keys["ci"][0].read_text())
    manifest.write(site, PORTAL, data["commit"], signing.key_from(None))
    signers = tmp_path / "allowed_signers"
    signers.write_text(signers_line(keys["ci"][1]))
    assert zq("deploy", PORTAL, "--from", site, "--to", tmp_path / "srv").code == 0
    return tmp_path / "srv" / PORTAL, signers, site


def test_a_signed_manifest_verifies_and_ssh_keygen_agrees(deployed, zq):
    home, signers, _ = deployed
    result = zq("verify", home / "current", "--allowed-signers", signers)
    assert result.code == 0 and "清单签名有效" in result.err
    current = home / "current"
    done = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(signers), "-I", "zhanqun-ci", "-n", "zhanqun-manifest",
                           "-s", str(current / "zhanqun-manifest.json.sig")],
                          input=(current / "zhanqun-manifest.json").read_bytes(), capture_output=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_manifest_edited_after_signing_or_unsigned_or_by_another_key_fails(deployed, zq, keys, tmp_path):
    home, signers, _ = deployed
    release = (home / "current").resolve()
    page = release / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<p>篡改</p>", encoding="utf-8")
    import hashlib
    import json as _json

    path = release / "zhanqun-manifest.json"
    data = _json.loads(path.read_text(encoding="utf-8"))
    data["files"]["index.html"] = hashlib.sha256(page.read_bytes()).hexdigest()  # the line rewritten to match
    path.write_text(_json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    edited = zq("verify", home / "current", "--allowed-signers", signers)
    assert edited.code == 1 and "清单的签名无效" in edited.out
    (release / "zhanqun-manifest.json.sig").unlink()
    unsigned = zq("verify", home / "current", "--allowed-signers", signers)
    assert unsigned.code == 1 and "清单没有签名" in unsigned.out
    other = tmp_path / "other_signers"
    other.write_text(signers_line(keys["intruder"][1]))
    _, _, site = deployed
    assert zq("verify", site, "--allowed-signers", other).code == 1


def test_verify_refuses_a_current_that_is_not_a_link_into_releases(deployed, zq, tmp_path):
    home, signers, site = deployed
    import os
    import shutil

    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(site, elsewhere)  # a complete, correctly signed copy outside releases/
    (home / "current").unlink()
    os.symlink(elsewhere, home / "current")
    result = zq("verify", home / "current", "--allowed-signers", signers)
    assert result.code != 0 and "不是指向" in result.err and "releases" in result.err
    (home / "current").unlink()
    shutil.copytree(site, home / "current")  # a plain folder named current
    assert zq("verify", home / "current", "--allowed-signers", signers).code != 0


def test_build_signs_the_manifest_with_the_key_given(cluster, zq, keys, tmp_path):
    root, _ = cluster
    out = tmp_path / "out"
    result = zq("build", PORTAL, "--root", root, "--output", out, "--sign-key", keys["ci"][0])
    assert result.code == 0, result.text
    signers = tmp_path / "s"
    signers.write_text(signers_line(keys["ci"][1]))
    assert (out / PORTAL / "zhanqun-manifest.json.sig").is_file()
    assert zq("verify", out / PORTAL, "--allowed-signers", signers).code == 0


def test_publishing_stops_before_a_change_whose_chain_is_not_satisfied(signed, zq, tmp_path, keys):
    """R6.6: the deploy takes only what signed, satisfied records cover, and says why in Chinese."""
    root, repo = signed
    start = repo.head.commit.hexsha
    ok = pr(repo, zq, tmp_path, 20, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00",
            key=keys["ci"][0])
    held = pr(repo, zq, tmp_path, 21, "content/fgw/gzdt/2026-11-23-f.md", ITEM.format(importance="一般"),
              "2026-11-23T10:00:00+08:00", key=keys["ci"][0])
    forged = pr(repo, zq, tmp_path, 22, "content/fgw/gzdt/2026-11-24-g.md", ITEM.format(importance="routine"),
                "2026-11-24T10:00:00+08:00", key=keys["intruder"][0])
    result = zq("signoff", "publishable", "--root", root, "--since", start)
    assert result.code == 0 and result.out.strip() == ok
    assert f"不发布提交 {held[:10]}" in result.err and "V004" in result.err
    sha = repo.commit(held).parents[1].hexsha
    write(zq, repo, tmp_path, held, 21, [(FIRST, sha), (SECOND, sha)], keys["ci"][0])  # completed, signed
    result = zq("signoff", "publishable", "--root", root, "--since", ok)
    assert result.out.strip() == held and f"不发布提交 {forged[:10]}" in result.err and "V001" in result.err


def test_a_note_appended_before_ci_records_cannot_hold_publishing_back(signed, zq, tmp_path, keys):
    """Issue 10 review: someone with push access appends an unsigned line to a freshly merged commit; CI still
    records it (--unless-trusted looks for a valid signature, not for any note) and it is published."""
    root, repo = signed
    start = repo.head.commit.hexsha
    merged = pr(repo, zq, tmp_path, 30, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00",
                record=False)
    append_note(repo, merged, {"version": 1, "pr": "30", "commit": merged, "author": EDITOR, "satisfied": False,
                               "required": [], "missing": {}, "approvers": {}, "time": "2026-11-22T10:00:00+08:00"})
    sha = repo.commit(merged).parents[1].hexsha
    reviews = github_reviews(tmp_path / "r30.json", (FIRST, "APPROVED", sha))
    args = ["signoff", "record", "--root", root, "--commit", merged, "--pr", "30", "--author", EDITOR,
            "--reviews", reviews, "--sign-key", keys["ci"][0], "--unless-trusted"]
    assert zq(*args).code == 0 and "signature" in last_record(repo, merged)
    again = zq(*args)
    assert again.code == 0 and "已有 CI 签名的审核记录" in again.text
    assert len([line for line in repo.git.notes("--ref", NOTES, "show", merged).splitlines() if line.strip()]) == 2
    result = zq("signoff", "publishable", "--root", root, "--since", start)
    assert result.code == 0 and result.out.strip() == merged


@pytest.mark.parametrize("damage", [lambda b: b[:6] + b"\x00\x02" + b[8:], lambda b: b[:40] + b"\xff" * 8 + b[48:],
                                    lambda b: b[:20], lambda b: b"\x00" * len(b)])
def test_a_malformed_signature_is_not_a_crash(signed, zq, tmp_path, keys, damage):
    import base64

    root, repo = signed
    merged = pr(repo, zq, tmp_path, 31, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00",
                key=keys["ci"][0])
    record = last_record(repo, merged)
    record["signature"] = base64.b64encode(damage(base64.b64decode(record["signature"]))).decode()
    append_note(repo, merged, record)
    code, data = audit(zq, root)
    assert code == 1 and ("V009", merged) in codes(data)
    assert zq("signoff", "publishable", "--root", root).code == 0


def test_a_checkpoint_vouches_for_the_notes_ci_checked_and_nothing_added_after(signed, zq, tmp_path, keys):
    """One signature over the notes tree (refs/zhanqun/checkpoint) spares the audit checking every record; a
    note edited after it, or a checkpoint signed by another key, is checked record by record again."""
    from zhanqun.audit.signatures import CHECKPOINT_REF, checkpoint_message, checkpoint_payload

    root, repo = signed
    merged = pr(repo, zq, tmp_path, 30, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00",
                key=keys["ci"][0])
    vouched = repo.git.rev_parse(CHECKPOINT_REF)
    assert repo.commit(vouched).tree.hexsha == repo.git.rev_parse("refs/notes/zhanqun^{tree}")
    assert audit(zq, root) == (0, audit(zq, root)[1]) and audit(zq, root)[1]["findings"] == []
    record = last_record(repo, merged)
    record["approvers"] = {SECOND: [{"unit": "fgw", "role": "first"}]}
    repo.git.notes("--ref", NOTES, "add", "-f", "-m", json.dumps(record, ensure_ascii=False), merged)
    assert ("V009", merged) in codes(audit(zq, root)[1])  # changed since the checkpoint: checked one by one
    # an intruder signs a checkpoint of the edited tree with their own key: it covers nothing
    tree = repo.git.rev_parse("refs/notes/zhanqun^{tree}")
    when = "2026-11-23T00:00:00+00:00"
    armored = signing.sign(checkpoint_payload(tree, when), keys["intruder"][0].read_text(), signing.RECORD)
    forged = repo.git.commit_tree(tree, "-m", checkpoint_message(tree, when, armored))
    repo.git.update_ref(CHECKPOINT_REF, forged)
    assert ("V009", merged) in codes(audit(zq, root)[1])
    # the same tree signed by CI's key would be taken as checked (only CI signs, and only after checking)
    armored = signing.sign(checkpoint_payload(tree, when), keys["ci"][0].read_text(), signing.RECORD)
    repo.git.update_ref(CHECKPOINT_REF, repo.git.commit_tree(tree, "-m", checkpoint_message(tree, when, armored)))
    assert ("V009", merged) not in codes(audit(zq, root)[1])


def test_verify_against_git_catches_an_older_signed_release_switched_back(cluster, zq, keys, tmp_path):
    """The release ids the web server cannot rewrite: refs/zhanqun/deployed in git. A signed, untouched but
    older release put back as current is caught; the newest passes."""
    root, repo = cluster
    repo.git.checkout("main")
    signers = tmp_path / "s"
    signers.write_text(signers_line(keys["ci"][1]))
    srv = tmp_path / "srv"

    def publish(out: str) -> str:
        assert zq("build", PORTAL, "--root", root, "--output", tmp_path / out, "--sign-key", keys["ci"][0]).code == 0
        assert zq("deploy", PORTAL, "--from", tmp_path / out / PORTAL, "--to", srv).code == 0
        repo.git.update_ref("refs/zhanqun/deployed", repo.head.commit.hexsha)
        return (srv / PORTAL / "current").resolve().name

    old = publish("out1")
    page = sorted((Path(root) / "content" / "xzf" / "tzgg").glob("*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8") + "\n补充说明：时间有调整。\n", encoding="utf-8")
    repo.git.add(A=True)
    repo.git.commit("-m", "新通知")
    publish("out2")
    current = srv / PORTAL / "current"
    args = ["verify", current, "--allowed-signers", signers, "--root", root, "--deployed-ref", "refs/zhanqun/deployed"]
    assert zq(*args).code == 0
    assert zq("rollback", PORTAL, "--to", srv).code == 0 and current.resolve().name == old
    assert zq("verify", current, "--allowed-signers", signers).code == 0  # signed and intact, yet old
    stale = zq(*args)
    assert stale.code == 1 and "旧版本" in stale.out


def test_an_emergency_with_a_leaders_approval_is_published_before_its_chain_is_complete(signed, zq, tmp_path, keys):
    root, repo = signed
    start = repo.head.commit.hexsha
    repo.git.checkout("-B", "pr40", "main")
    sha = commit(repo, NEWS, ITEM.format(importance="一般"), "暴雨预警", "2026-11-22T03:00:00+08:00")
    merged = merge(repo, "pr40", "合并 #40", "2026-11-22T03:00:00+08:00")
    write(zq, repo, tmp_path, merged, 40, [(FIRST, sha)], keys["ci"][0])  # the push run: not satisfied
    assert zq("signoff", "publishable", "--root", root, "--since", start).out.strip() == start
    reviews = github_reviews(tmp_path / "e.json", ("shen-lihua-xzf", "APPROVED", sha))
    assert zq("signoff", "record", "--root", root, "--commit", merged, "--pr", "40", "--author", EDITOR, "--reviews",
              reviews, "--emergency", "暴雨红色预警", "--sign-key", keys["ci"][0]).code == 0  # workflow_dispatch
    result = zq("signoff", "publishable", "--root", root, "--since", start)
    assert result.out.strip() == merged and "可以发布到提交" in result.err


def test_verify_uses_the_repositorys_allowed_signers_by_default(deployed, built_demo, zq, tmp_path, keys):
    home, _, _ = deployed
    repo = tmp_path / "checkout"
    (repo / ".zhanqun").mkdir(parents=True)
    (repo / signing.ALLOWED_SIGNERS).write_text(signers_line(keys["ci"][1]))
    assert zq("verify", home / "current", "--root", repo).code == 0
    unsigned = zq("verify", built_demo / "output" / PORTAL, "--root", repo)  # built without a key
    assert unsigned.code == 1 and "清单没有签名" in unsigned.out
    plain = zq("verify", built_demo / "output" / PORTAL, "--root", tmp_path)  # no allowed_signers: files only
    assert plain.code == 0 and "未核对清单签名" in plain.err
    missing = zq("verify", home / "current", "--allowed-signers", tmp_path / "nope")
    assert missing.code == 2 and "找不到允许的签名者文件" in missing.err


def test_a_release_whose_signature_was_removed_on_the_server_is_deployed_afresh(deployed, zq):
    """Issue 10 review: the same build deployed again replaces a release whose .sig was deleted there."""
    from zhanqun.deploy import manifest

    home, signers, site = deployed
    (home / "current" / manifest.SIGNATURE).unlink()
    assert zq("verify", home / "current", "--allowed-signers", signers).code == 1
    assert zq("deploy", PORTAL, "--from", site, "--to", home.parent).code == 0
    assert zq("verify", home / "current", "--allowed-signers", signers).code == 0
