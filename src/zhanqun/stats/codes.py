"""The rule codes of ``zhanqun stats`` (T001–T011, R8.3; the annual report, visits and publishing define T020 on): every way the command can be used wrongly, with a
Chinese message, why, an example and the fix (``zhanqun rule T003``)."""

from __future__ import annotations

from zhanqun.errors import UsageError
from zhanqun.findings import Severity, define

BAD_DATE = define(
    "T001", "stats-bad-period", Severity.ERROR, "统计区间写法不对：日期或统计周期无法识别。",
    why="统计按北京时间的日历日计算；--from、--to 要写成 2026-11-01 这样的日期，--period 只能是 month、quarter、year。",
    example="zhanqun stats --from 2026/11/01（日期写成了斜杠）",
    fix="写成 --from 2026-11-01 --to 2026-11-30，或用 --period month（按月）、quarter（按季度）、year（按年）。",
    requirement="R8.3",
)
FROM_AFTER_TO = define(
    "T002", "stats-from-after-to", Severity.ERROR, "统计区间的开始日期晚于结束日期。",
    why="--from 是统计的第一天，--to 是最后一天（含当天），开始不能晚于结束。",
    example="zhanqun stats --from 2026-12-01 --to 2026-11-01（开始晚于结束）",
    fix="交换两个日期：--from 2026-11-01 --to 2026-12-01。",
    requirement="R8.3",
)
BEFORE_HISTORY = define(
    "T003", "stats-before-history", Severity.ERROR, "统计区间早于仓库的第一个提交，那时还没有网站内容。",
    why="统计的每个数字都从 git 历史算出；第一个提交之前没有历史可统计，给出的数字只会是 0，容易误读。",
    example="仓库的第一个提交在 2026-03-02，却统计 2025 年",
    fix="把 --from/--to（或 --ranking 的年份）改到第一个提交之后；提示中给出了第一个提交的日期。",
    requirement="R8.3",
)
UNKNOWN_UNIT = define(
    "T004", "stats-unknown-unit", Severity.ERROR, "没有这个单位：--unit 给出的单位不在站群配置中。",
    why="单位按统计区间结束时 content/<单位>/unit.yaml 的标识统计；改过名的单位用新的标识。",
    example="zhanqun stats --unit qingshu（应为 qingshui）",
    fix="用 content/ 下的单位文件夹名（提示中列出了相近的名称）。",
    requirement="R8.3",
)
NO_RANKING_COLUMN = define(
    "T005", "ranking-column-missing", Severity.ERROR, "没有配置发布年度综合测评通报的门户栏目。",
    why="--publish 把测评结果作为一条通报写入门户的栏目，栏目由 cluster.yaml 的 stats.ranking_column 指定，"
        "并且必须是门户单位 unit.yaml 中已有的栏目。",
    example="cluster.yaml 中没有 stats: {ranking_column: tzgg}，或门户没有 tzgg 栏目",
    fix="在 cluster.yaml 中写 stats: {ranking_column: 门户的栏目标识}（通常是通知公告栏目），再运行。",
    requirement="R8.3",
)
RANKING_EXISTS = define(
    "T006", "ranking-exists", Severity.ERROR, "这一年的测评通报已经存在，没有覆盖。",
    why="已发布的通报是公开的记录，不能被无意中改掉；重算后确需更新的，要明确说明。",
    example="content/xzf/tzgg/2026-ndzhcp.md 已存在",
    fix="确认要用新的结果替换时加 --force；改后照常提交拉取请求，审核链和检查同样适用。",
    requirement="R8.3",
)
BAD_YEAR = define(
    "T007", "ranking-bad-year", Severity.ERROR, "--ranking 的年份不对：这一年还没有开始。",
    why="年度综合测评统计一个完整的日历年；还没有开始的年份没有可统计的历史（当年未结束时统计到今天，并在结果中注明）。",
    example="2026 年运行 zhanqun stats --ranking 2027",
    fix="给出今年或以前的年份，如 --ranking 2026。",
    requirement="R8.3",
)
SHALLOW = define(
    "T008", "stats-shallow-clone", Severity.ERROR, "这是浅克隆，历史不完整，无法统计。",
    why="统计从完整的 git 历史算出信息的发布时间；浅克隆缺少早期的提交，每条信息都会像是刚刚发布的。",
    example="CI 中 actions/checkout 默认 fetch-depth: 1",
    fix="运行 git fetch --unshallow；CI 中检出时设 fetch-depth: 0。",
    requirement="R8.3",
)
BAD_OPTIONS = define(
    "T009", "stats-bad-options", Severity.ERROR, "命令选项的组合不对。",
    why="--period 与 --from/--to 二选一；--publish、--force 只用于 --ranking；--to 需要和 --from 一起给出。",
    example="zhanqun stats --publish（没有 --ranking）",
    fix="按提示去掉多余的选项，或补上缺少的选项（zhanqun stats -h 列出了全部选项）。",
    requirement="R8.3",
)
CANNOT_WRITE = define(
    "T010", "stats-cannot-write", Severity.ERROR, "统计结果无法写入文件。",
    why="--output 给出的文件夹不存在、没有写权限或磁盘已满。",
    example="--output /只读目录/统计.html",
    fix="换一个可以写入的位置，或先创建文件夹。",
    requirement="R8.3",
)
UNSAFE_TARGET = define(
    "T011", "ranking-publish-unsafe-target", Severity.ERROR,
    "测评通报要写入的位置是符号链接或特殊文件，或无法写入；什么也没有写。",
    why="--publish 把通报和 CSV 写进工作区中门户的栏目文件夹，随后要经审核链合入。栏目文件夹、要写的文件或仓库内从根目录到它的"
        "任何一级文件夹是符号链接（指向仓库外或仓库内）时，写入会落到没人审核的地方，或改掉链接指向的文件；所以一律拒绝。"
        "文件先完整写到同一文件夹的临时文件，全部写好后才改名就位，失败时不留下写了一半的文件。",
    example="content/xzf/tzgg 是符号链接（指向 /etc）",
    fix="把链接换成普通的文件夹或文件（git 中的链接由平台管理员处理，zhanqun check 报告为 C011）；磁盘满或没有写权限时先解决，再运行。",
    requirement="R8.3",
)


def fail(code: str, message: str, hint: str = "") -> UsageError:
    """The error to raise for one of the codes above (the command line prints it and exits 2)."""
    return UsageError(message, hint=hint, code=code)
