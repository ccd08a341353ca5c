"""The D rules: what ``zhanqun deploy``, ``rollback`` and ``verify`` refuse (R6.2, R6.3). They stop a command
instead of being findings in a file, but users see their codes and look them up with ``zhanqun rule``."""

from __future__ import annotations

from zhanqun.findings import Severity, define

NO_MANIFEST = define(
    "D001", "manifest-unreadable", Severity.ERROR, "站点目录中的构建清单缺失或被改坏。",
    why="清单（.zhanqun-manifest.json）记录构建时每个文件的 sha256，部署和防篡改检查都以它为准；清单缺失本身就是篡改的迹象。",
    example="zhanqun verify /srv/www/www.example.gov.cn/current，但该目录中没有清单",
    fix="从构建输出（zhanqun build）或发布版本重新部署；同时排查清单为何缺失。",
    requirement="R6.3",
)
NO_SITE = define(
    "D002", "site-not-found", Severity.ERROR, "给出的站点目录不存在或不是目录。",
    why="防篡改检查要比较一个真实的站点目录与它的清单。",
    example="zhanqun verify /srv/www/不存在的目录",
    fix="给出站点目录，如 /srv/www/www.example.gov.cn/current。",
    requirement="R6.3",
)
TAMPERED = define(
    "D003", "deploy-refused-tampered", Severity.ERROR, "要部署或回滚的文件与构建清单不符，已拒绝。",
    why="构建之后被改动、加入的文件（或符号链接）没有经过审核，不能上线；服务器上被改过的发布版本也不能回滚过去。",
    example="构建完成后有人改了 output/www.example.gov.cn/index.html，再运行 zhanqun deploy",
    fix="重新运行 zhanqun build 后再部署；被改动的发布版本用它的构建重新部署。",
    requirement="R6.2, R6.3",
)
NOT_WRITABLE = define(
    "D004", "deploy-dir-not-writable", Severity.ERROR, "无法写入部署目录。",
    why="部署要在目标目录下写入 releases/ 和 current；没有写权限时什么也不会改变。",
    example="以普通用户部署到 root 拥有的 /srv/www",
    fix="检查部署目录是否存在、运行部署的用户是否有写权限。",
    requirement="R6.2",
)
DISK_FULL = define(
    "D005", "deploy-disk-full", Severity.ERROR, "部署时磁盘已满（或配额用尽、读写出错），新版本没有上线。",
    why="复制到一半的版本不能上线；zhanqun 删除这份不完整的复制，current 仍指向原来的版本，网站照常访问。",
    example="/srv 分区只剩 10 MB，而新版本有 200 MB",
    fix="清理部署目录所在磁盘（如删除旧的发布版本、日志），或扩大配额后重新运行 zhanqun deploy。",
    requirement="R6.2",
)
