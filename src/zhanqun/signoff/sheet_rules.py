"""The K rules: what ``zhanqun review-sheet`` (审核单, issue 15, R10.5) refuses. They stop the command instead of
being findings in a file; users see their codes and look them up with ``zhanqun rule``."""

from __future__ import annotations

from zhanqun.findings import Severity, define

BAD_REVISION = define(
    "K001", "review-sheet-bad-revision", Severity.ERROR, "审核单的基准提交或最新提交找不到，或两者没有共同的历史。",
    why="审核单比较合并请求合并前后的内容（基准提交 --base 与最新提交 --head）；提交不存在或与基准无关时，"
        "列出的“修改了什么”就不是这个合并请求的修改，领导会据此批准不该批准的内容。",
    example="zhanqun review-sheet --base origin/main --head 不存在的分支 --author wang-li-fgw --reviews r.json --output shenhe.html",
    fix="给出存在的分支、标签或提交哈希；CI 中检出时设 fetch-depth: 0，并先 fetch 基准分支和合并请求的提交。",
    requirement="R10.5, R5.2",
)
NOT_A_CLUSTER = define(
    "K002", "review-sheet-not-a-cluster", Severity.ERROR, "审核单要读的仓库或基准提交不是站群（没有 content/cluster.yaml）。",
    why="审核单上的栏目、网址、首页头条和审核人员都来自站群配置；没有配置就无法说明修改会出现在哪里、需要谁审核。",
    example="在不是站群仓库的目录运行 zhanqun review-sheet，或 --base 指向一个没有 content/cluster.yaml 的提交",
    fix="在站群仓库的根目录运行（或用 --root 指定），--base 给合并目标分支（如 origin/main）。合并请求删坏了"
        "最新提交中的配置时审核单照常生成，问题列在“检查发现的问题”中。",
    requirement="R10.5, R1",
)
BAD_LINK = define(
    "K003", "review-sheet-bad-link", Severity.ERROR, "--preview-url 或 --pr-url 不是 http(s) 网址。",
    why="审核单上的链接由领导在手机上点开：只能是预览主机或托管平台的网址，不能是 javascript:、data: 或写错的地址。",
    example="把预览网址写成脚本：zhanqun review-sheet … --preview-url javascript:alert(1) --output shenhe.html",
    fix="写完整的网址，如 --preview-url https://pr-7.preview.shilixian.gov.cn/{host}/ 、"
        "--pr-url https://git.shilixian.gov.cn/egov/site/pulls/7。",
    requirement="R10.5",
)
