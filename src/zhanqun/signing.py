"""Signatures only CI can make (R6.5): SSH signatures (SSHSIG, as ``git`` and ``ssh-keygen -Y`` use them).

Signing runs ``ssh-keygen -Y sign`` (the reference implementation) with CI's key: ``--sign-key FILE`` or the
key itself in ``ZHANQUN_SIGNING_KEY``. Checking runs in-process (the ``sshsig`` library over
``cryptography``): the audit checks every record of a long history, and one ``ssh-keygen -Y verify`` process
per record would cost about 9 ms each. The allowed keys come from an ``allowed_signers`` file in the format
``ssh-keygen -Y verify -f`` reads (``namespaces=``, ``valid-after=``, ``valid-before=`` honoured).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from zhanqun.errors import UsageError

ALLOWED_SIGNERS = ".zhanqun/allowed_signers"  # a platform file: changing it needs the platform admins
LEGACY_PIN = ".zhanqun/legacy-notes"  # the refs/notes/zhanqun commit when signing began (docs/signoff.md)
RECORD = "zhanqun-record"
MANIFEST = "zhanqun-manifest"
KEY_ENV = "ZHANQUN_SIGNING_KEY"
_TIME = re.compile(r"^(\d{8})(\d{4}(\d{2})?)?(Z)?$")


@dataclasses.dataclass(frozen=True)
class Signer:
    """One line of an allowed_signers file."""

    key: str  # "ssh-ed25519 AAAA…" (type and base64)
    principals: str
    namespaces: tuple[str, ...] | None  # None: any
    valid_after: dt.datetime | None
    valid_before: dt.datetime | None

    def allows(self, namespace: str, when: dt.datetime | None) -> bool:
        if self.namespaces is not None and namespace not in self.namespaces:
            return False
        if when is None:
            return self.valid_after is None and self.valid_before is None
        return (self.valid_after is None or when >= self.valid_after) and \
            (self.valid_before is None or when < self.valid_before)


def parse_allowed(text: str, where: str = ALLOWED_SIGNERS) -> list[Signer]:
    """The signers of an allowed_signers file; a line that cannot be read allows nothing (and says so)."""
    from sshsig.allowed_signers import AllowedSigner

    signers = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            entry = AllowedSigner.parse(line)
            options = entry.options or {}
            namespaces = options.get("namespaces")
            signers.append(Signer(f"{entry.key_type} {entry.base64_key}", entry.principals,
                                  tuple(n.strip() for n in namespaces.split(",")) if namespaces else None,
                                  _time(options.get("valid-after")), _time(options.get("valid-before"))))
        except (ValueError, NotImplementedError, IndexError) as exc:
            raise UsageError(f"{where} 第 {number} 行无法读取：{exc}",
                             hint="每行写：zhanqun-ci namespaces=\"zhanqun-record,zhanqun-manifest\" ssh-ed25519 AAAA…") from None
    return signers


def _time(value: str | None) -> dt.datetime | None:
    """ssh's YYYYMMDD[HHMM[SS]][Z] (local time without Z; China's here, where the servers are)."""
    if value is None:
        return None
    match = _TIME.match(value.strip().strip('"'))
    if not match:
        raise ValueError(f"时间 {value} 应写成 YYYYMMDD、YYYYMMDDHHMM 或 YYYYMMDDHHMMSS（可加 Z 表示 UTC）")
    digits = match.group(1) + (match.group(2) or "0000")
    digits += "" if match.group(3) else "00"
    when = dt.datetime.strptime(digits, "%Y%m%d%H%M%S")
    from zhanqun.config import CHINA

    return when.replace(tzinfo=dt.UTC if match.group(4) else CHINA)


def signed_by(payload: bytes, signature: str, namespace: str) -> str | None:
    """The public key ("ssh-ed25519 AAAA…") whose SSHSIG ``signature`` (armored, or its bare base64) signs
    ``payload`` in ``namespace``; None when it does not."""
    import io

    import sshsig
    from sshsig.sshsig import SshsigSignature, do_sshsig_verify

    # A signature is data anyone with push access can write: whatever the library makes of a malformed one
    # (NotImplementedError, AssertionError, UnicodeDecodeError … besides ValueError), it signs nothing.
    try:
        if "BEGIN SSH SIGNATURE" in signature:
            outer = SshsigSignature.from_armored(signature)
        else:
            outer = SshsigSignature(base64.b64decode(signature, validate=True))
        key = do_sshsig_verify(outer, io.BytesIO(payload), namespace)
    except Exception:
        return None
    if not isinstance(key, sshsig.PublicKey):
        return None
    return " ".join(key.openssh_str().split()[:2])


def allowed(key: str | None, signers: Iterable[Signer], namespace: str, when: dt.datetime | None) -> bool:
    return key is not None and any(s.key == key and s.allows(namespace, when) for s in signers)


# -- signing (CI) ----------------------------------------------------------------------------------------------

def key_from(option: Path | None) -> str | None:
    """CI's private key: the file given, else the key text in ZHANQUN_SIGNING_KEY; None when neither."""
    if option is not None:
        try:
            return option.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"无法读取签名私钥 {option}：{exc.strerror}", hint="给出 CI 的签名私钥文件。") from None
    text = os.environ.get(KEY_ENV, "")
    return text if text.strip() else None


def sign(payload: bytes, key_text: str, namespace: str) -> str:
    """The armored SSH signature of ``payload`` (``ssh-keygen -Y sign`` with the key in a private temp file)."""
    with tempfile.TemporaryDirectory(prefix="zhanqun-sign-") as folder:
        path = Path(folder) / "key"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(key_text.strip() + "\n")
        try:
            done = subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-f", str(path), "-n", namespace],
                                  input=payload, capture_output=True, check=False,
                                  env={**os.environ, "SSH_ASKPASS": "", "DISPLAY": ""})
        except FileNotFoundError:
            raise UsageError("找不到 ssh-keygen，无法签名。", hint="安装 openssh-client（Debian：apt-get install openssh-client）。") from None
    if done.returncode != 0 or b"BEGIN SSH SIGNATURE" not in done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"签名失败：{message[-1] if message else done.returncode}",
                         hint=f"{KEY_ENV} 或 --sign-key 须是不带密码的 OpenSSH 私钥（ssh-keygen -t ed25519 -N ''）。")
    return done.stdout.decode("ascii")


def bare(armored: str) -> str:
    """The base64 of an armored signature on one line (as a record keeps it)."""
    return "".join(line for line in armored.strip().splitlines() if "SSH SIGNATURE" not in line)
