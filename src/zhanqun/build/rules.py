"""The B rules: what stops ``zhanqun build`` after the checks passed (R3.1). Nothing is published then."""

from __future__ import annotations

from zhanqun.findings import Severity, define

SITE_FAILED = define(
    "B001", "site-build-failed", Severity.ERROR, "有站点构建失败，输出目录保持原样。",
    why="只要有一个站点没有构建成功，就什么也不发布，避免网站一半新一半旧。",
    example="cluster.yaml 的 build.plugins 中的插件 plugins/banner.py 在构建时出错（RuntimeError）",
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
    example="build:\n  plugins: [county_banner]（而站群仓库没有 plugins/county_banner.py），或 plugins: [os]",
    fix="把插件放在站群仓库的 plugins/ 下（plugins/<名称>.py 或 plugins/<名称>/__init__.py）；已安装的包和 Python 标准库模块"
        "不能作为插件（zhanqun 自带的 zhanqun.plugins.* 除外）；不需要的插件从 build.plugins 删除。",
    requirement="R11.1, R3.1",
)
PLUGIN_INVALID = define(
    "B005", "build-plugin-invalid", Severity.ERROR, "build.plugins 列出的插件不能加载：语法错误、没有 register()，或加载时出错。",
    why="Pelican 插件必须有 register() 函数；有语法错误或加载时出错的插件会在构建中途以英文报错。zhanqun 在构建任何站点之前检查，"
        "check 只读插件的源代码（不运行它）。",
    example="plugins/county_banner.py 中没有 def register():，或写成了 def register(:",
    fix="在插件模块顶层定义 def register():（在其中连接 Pelican 的信号），改正报告的那一行；请电子政务办审核插件代码。",
    requirement="R11.1, R3.1",
)
TEMPLATE_INVALID = define(
    "B006", "theme-template-invalid", Severity.ERROR, "站群仓库覆盖的主题模板有 Jinja 语法错误。",
    why="覆盖的模板（themes/zhanqun/templates/）在构建时才被 Jinja 读取，语法错误会让构建中途失败，而且错误只写在日志里；"
        "还没有页面使用的模板会在以后某次构建中才出错。check 按构建使用的 Jinja 设置编译每个覆盖的模板（不渲染）。",
    example="themes/zhanqun/templates/index.html 中写了 {% if %}（缺少条件），或 {% for %} 没有 {% endfor %}",
    fix="按报告的行改正模板；最好从包中的同名模板复制后再修改（docs/cluster-repo.md）。",
    requirement="R11.1, R3.1",
)
TEMPLATE_UNKNOWN = define(
    "B007", "theme-template-unknown", Severity.WARNING, "覆盖的主题模板与包中的任何模板都不同名，也没有被其他覆盖模板引用。",
    why="只有与包中模板同名的文件才会代替它；名字写错（如 indx.html）的文件不会被使用，修改看起来“不起作用”。",
    example="themes/zhanqun/templates/bogus_name.html（包中没有 bogus_name.html）",
    fix="改为包中模板的名字（python -c \"import zhanqun.defaults as d; print(d.theme_dir())\" 给出包中主题的位置），"
        "或在另一个覆盖模板中 {% include %} 它；不需要就删除。",
    requirement="R11.1",
)
SEARCH_INDEX_FAILED = define(
    "B008", "search-index-failed", Severity.ERROR, "站点的站内搜索索引（Pagefind）没有生成，什么也不发布。",
    why="每个站点的搜索索引和站点一起构建、一起发布（R3.7）；没有索引的站点搜索框会找不到任何内容，"
        "门户的统一检索也会缺少这个站点，所以索引失败时不发布。",
    example="安装时缺少 pagefind[extended]，或 Pagefind 在构建机上被系统杀掉（内存不足）",
    fix="重新安装 zhanqun（pip install --force-reinstall zhanqun，它依赖 pagefind[extended]）后重新构建；"
        "仍然失败时把完整输出发给电子政务办。",
    requirement="R3.7, R3.1",
)
SERVE_PORT_BUSY = define(
    "B009", "serve-port-busy", Severity.ERROR, "本地预览（zhanqun serve）要用的端口已被占用，或地址不能使用。",
    why="另一个程序（常见的是另一个 zhanqun serve）已在用这个端口；预览在构建之前就检查，不会构建完才失败。",
    example="已有一个 zhanqun serve fgw 在运行，又在同一端口运行 zhanqun serve jyj",
    fix="结束另一个预览（在它的窗口按 Ctrl-C），或换一个端口：zhanqun serve 单位 --port 8001；"
        "--port 0 由系统挑一个空闲端口。",
    requirement="R3.1",
)
PARSE_CACHE_LOST = define(
    "B010", "parse-cache-lost", Severity.ERROR,
    "构建过程中解析缓存（.zhanqun-cache）读不到条目的正文，条目文件也已改动，什么也不发布。",
    why="构建先从解析缓存读出每个条目的元数据，写到某个条目的页面时才读它的正文（议题 16：只读要用到的）。"
        "缓存被删除或损坏时，正文从条目文件重新解析（只多花时间）；只有文件在构建过程中也改动了（或读不到），"
        "它的正文才无从得到：元数据和正文不能来自两个版本。输出目录保持原样。",
    example="zhanqun build 还在运行时执行了 rm -rf .zhanqun-cache，同时又保存了一篇稿件",
    fix="重新构建即可；不要在构建进行中保存稿件（缓存可以随时删除，只是下一次构建要重新解析）。",
    requirement="R3.1",
)
