"""The D rules of previews (issue 15, R6.1, R6.2): what ``zhanqun build --preview-domain``, ``zhanqun preview
deploy/remove/comment`` refuse. They stop a command, but users see their codes and look them up with
``zhanqun rule``."""

from __future__ import annotations

from zhanqun.findings import Severity, define

PREVIEW_OPTION = define(
    "D011", "preview-option-invalid", Severity.ERROR, "预览的域名、合并请求编号或部署目录不可用。",
    why="预览网址是 pr-<编号>-<标签>.<预览域名>，由 nginx 的配置和通配符证书认出；域名写错或编号不是正整数时，"
        "生成的链接打不开，部署的目录也对不上 nginx 的配置。",
    example="zhanqun build --preview-domain 'preview.example.gov.cn/x' --pr 12a（域名带了路径，编号不是数字）",
    fix="--preview-domain 写预览用的域名（如 preview.shilixian.gov.cn，不带 https:// 和路径），--pr 写合并请求的编号（正整数）。",
    requirement="R6.1",
)
PREVIEW_REFUSED = define(
    "D012", "preview-remove-refused", Severity.ERROR, "要删除或替换的预览目录不是 zhanqun 部署的预览，已拒绝。",
    why="删除预览只能删除 zhanqun preview deploy 写入的 pr-<编号>/ 目录；目录是符号链接、指向部署目录以外，"
        "或其中有不是预览的东西时，删除可能删掉服务器上别的文件（包括正式网站）。",
    example="/srv/preview/pr-12 是指向 /srv/www 的符号链接，再运行 zhanqun preview remove --pr 12 --to /srv/preview",
    fix="检查预览部署目录：pr-<编号>/ 应是普通目录，其中只有各站点的 releases/、current 和 history.json；"
        "查明来历后手工清理。",
    requirement="R6.2",
)
CODE_FROM = define(
    "D013", "preview-code-from-unreadable", Severity.ERROR, "--code-from 给出的提交读不到，预览没有构建。",
    why="预览用合并目标（base）的主题和插件构建：合并请求中的模板和插件是代码，不能在预览中运行。读不到 base "
        "时不能退回使用合并请求自己的主题和插件。",
    example="zhanqun build --preview-domain preview.shilixian.gov.cn --pr 12 --code-from 不存在的提交",
    fix="先取回合并目标（git fetch origin main），--code-from 写它的提交哈希或 origin/main。",
    requirement="R6.1",
)
