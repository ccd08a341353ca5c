"""What signed records cost the audit (issue 10, R6.5): the reference history of ``bench/audit.py`` with every
record signed, timed without and with a checkpoint (refs/zhanqun/checkpoint), against ``git log --name-status``.

    python bench/signed_audit.py REPO [--rounds 5]

REPO is a repository ``bench/audit.py --workdir DIR`` left (``DIR/repo-…``); it is copied, not changed. The copy
gets one more commit on main adding ``.zhanqun/allowed_signers`` (a platform change without a record: one V001
more), and every record is re-signed in-process with the SSHSIG format ``ssh-keygen -Y sign`` writes (signing
10,000 records through ssh-keygen would take minutes; the audit checks them the same way either way).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from zhanqun import signing
from zhanqun.audit import checkpoint
from zhanqun.audit.history import NOTES_REF, note_records
from zhanqun.signoff.gitdata import record_payload


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def sshsig(key: Ed25519PrivateKey, payload: bytes, namespace: str) -> str:
    """The base64 of an SSHSIG blob, as ``ssh-keygen -Y sign -n namespace`` makes it (ed25519, sha512)."""
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    public = _string(b"ssh-ed25519") + _string(raw)
    signed = b"SSHSIG" + _string(namespace.encode()) + _string(b"") + _string(b"sha512") + \
        _string(hashlib.sha512(payload).digest())
    blob = b"SSHSIG" + struct.pack(">I", 1) + _string(public) + _string(namespace.encode()) + _string(b"") + \
        _string(b"sha512") + _string(_string(b"ssh-ed25519") + _string(key.sign(signed)))
    return base64.b64encode(blob).decode("ascii")


def git(repo: Path, *args: str, data: bytes | None = None) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], input=data, capture_output=True, check=True).stdout.decode()


def prepare(source: Path, target: Path) -> str:
    shutil.copytree(source, target, symlinks=True)
    key = Ed25519PrivateKey.generate()
    public = subprocess.run(["ssh-keygen", "-y", "-f", "/dev/stdin"], input=key.private_bytes(
        Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()), capture_output=True, check=True).stdout.decode().split()
    (target / ".zhanqun").mkdir(exist_ok=True)
    (target / signing.ALLOWED_SIGNERS).write_text(f'zhanqun-ci namespaces="zhanqun-record" {public[0]} {public[1]}\n')
    git(target, "add", signing.ALLOWED_SIGNERS)
    git(target, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "签名")
    records = note_records(target)
    lines = []
    for sha, recs in records.items():
        text = []
        for record in recs:
            if "unreadable" in record:
                continue
            record = {**record, "recorded_at": record.get("recorded_at") or record.get("time")}
            record["signature"] = sshsig(key, record_payload(record), signing.RECORD)
            assert signing.signed_by(record_payload(json.loads(json.dumps(record))), record["signature"], signing.RECORD)
            text.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
        data = ("\n\n".join(text) + "\n").encode()
        lines.append(f"N inline {sha}\n".encode() + b"data %d\n" % len(data) + data + b"\n")
    message = b"signed"
    stream = f"commit {NOTES_REF}\ncommitter bench <b@example.invalid> 1795219200 +0800\n".encode() + \
        b"data %d\n" % len(message) + message + b"\n" + b"deleteall\n" + b"".join(lines) + b"\n"
    subprocess.run(["git", "-C", str(target), "fast-import", "--quiet", "--force"], input=stream, check=True)
    return key.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()).decode()


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    zhanqun = str(Path(sys.executable).parent / "zhanqun")
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder) / "repo"
        key_text = prepare(args.repo, repo)
        base = ["git", "-C", str(repo), "log", "--name-status", "main"]
        audit = [zhanqun, "audit", "--root", str(repo), "--format", "json", "--no-cache"]
        results: dict[str, list[float]] = {"git log --name-status": [], "audit, every record checked": [],
                                           "audit, with a checkpoint": []}
        for cmd in (base, audit):  # warm-up
            timed(cmd)
        for _ in range(args.rounds):
            results["git log --name-status"].append(timed(base))
            results["audit, every record checked"].append(timed(audit))
        start = time.perf_counter()
        made = checkpoint(repo, key_text)  # as CI does after writing a record: every record checked, then signed
        first = time.perf_counter() - start
        assert made, "CI found an untrusted record"
        timed(audit)
        for _ in range(args.rounds):
            results["audit, with a checkpoint"].append(timed(audit))
        baseline = statistics.median(results["git log --name-status"])
        for name, runs in results.items():
            median = statistics.median(runs)
            print(f"{name}: median {median:.2f} s ({' / '.join(f'{r:.2f}' for r in runs)}), ratio {median / baseline:.2f}")
        print(f"CI's first checkpoint (checks every record, then signs the tree): {first:.2f} s")
        start = time.perf_counter()
        checkpoint(repo, key_text)
        print(f"CI's next checkpoint (incremental): {time.perf_counter() - start:.2f} s")
        done = subprocess.run(audit, capture_output=True, text=True, check=False)
        print("counts:", json.loads(done.stdout)["counts"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
