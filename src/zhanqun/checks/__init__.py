"""Rule families. Each module defines its rules with :func:`zhanqun.findings.define` and yields findings."""
