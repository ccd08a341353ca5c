"""The B rules: what stops ``zhanqun build`` after the checks passed (R3.1). Nothing is published then."""

from __future__ import annotations

from zhanqun.findings import Severity, define

SITE_FAILED = define(
    "B001", "site-build-failed", Severity.ERROR, "有站点构建失败，输出目录保持原样。",
    why="只要有一个站点没有构建成功，就什么也不发布，避免网站一半新一半旧。",
    example="主题模板中引用了不存在的变量，Pelican 报出警告",
    fix="这通常是模板或插件的问题，请把完整输出发给电子政务办。",
    requirement="R3.1",
)
BUILD_RUNNING = define(
    "B002", "build-running", Severity.ERROR, "另一个构建正在写入同一个输出目录。",
    why="两个构建同时写一个输出目录会把两份结果混在一起。",
    example="在 CI 还在构建时，又在同一台机器上运行 zhanqun build",
    fix="等正在进行的构建结束后再试。",
    requirement="R3.1",
)
BUILD_DISK_FULL = define(
    "B003", "build-disk-full", Severity.ERROR, "构建时磁盘已满（或配额用尽、读写出错）。",
    why="写了一半的站点不能发布；输出目录保持原样。",
    example="构建机的磁盘只剩几 MB",
    fix="清理构建机磁盘（如旧的 output、.zhanqun-cache）后重新构建。",
    requirement="R3.1",
)
PLUGIN_MISSING = define(
    "B004", "build-plugin-missing", Severity.ERROR, "cluster.yaml 中 build.plugins 列出的 Pelican 插件找不到。",
    why="站群可以在 build: plugins: 中增加自己的 Pelican 插件（R11.1）；找不到的插件会让站点缺少它该生成的内容，所以不构建。",
    example="build:\n  plugins: [county_banner]（而站群仓库没有 plugins/county_banner.py）",
    fix="把插件放在站群仓库的 plugins/ 下，或安装提供它的包；不需要的插件从 build.plugins 删除。",
    requirement="R11.1, R3.1",
)
