"""Every rule's documentation is complete, and its example really triggers its own code (issue 13).

Each rule (``zhanqun.findings.RULES``) has a summary, a why, an example, a fix and a requirement, all in
Chinese, the why more than the summary again, the requirement citing R-ids.

The examples of the rules ``zhanqun check`` reports are materialised: :data:`PLACES` says, for each such
code, how its ``example`` text becomes a file of a real cluster (a git copy of the bundled demo county), and
the test runs the real ``zhanqun check --format json`` and asserts that the code is reported for that file
(or for the folder holding it). All examples share one run, except those that would stop or disturb the
others (``Place.group``); clean copies of the items the examples start from are checked alongside and must
have no finding. Edit an example so it no longer triggers its code and this test fails. The conventions:

* ``body``: the example is text of an item's body, after the front matter of a clean demo item;
* ``front``: the example is front-matter lines of a clean demo item: its top-level keys replace the item's
  own, the rest of the item stays (a YAML comment, ``# …``, explains what the reader cannot see);
* ``file``: the example is the whole file; its first line may name the file (``content/…/x.md:``);
* ``config``: the example is YAML merged into a unit.yaml, cluster.yaml or annual-report file: its keys
  replace the file's, except that ``columns`` items are added to the unit's columns (the keys an item does
  not give are taken from the unit's column of the same type);
* ``path``: the example names the files (separated by "；") that exist where they must not: each is written
  as a clean item (``.md``) or a few bytes, and prose after the path (from "（" or "，") is ignored;
* ``link``: the example is ``path -> target``, written as a symbolic link.

In every example ``<Tab>`` stands for a Tab, and ``\\xNN``, ``\\uNNNN`` and ``\\r`` for the character;
:data:`ENCODINGS` gives the few files written in another encoding than UTF-8. A rule that masks what it
finds shows the masked number (``170****5678``): :func:`concrete` fills the stars with digits that make a
valid (fake) number, as :data:`MASKED` lists.

Rules whose trigger is a scenario rather than a file (an audit of the git history, statistics, the
inspection, a deployment, git failing, a build) are in :data:`SCENARIOS`: each names a test that produces
the code, checked to exist and to expect it (its source, or the helpers and constants of its file it names, say
the code other than as ``"X001" not in``). :data:`KNOWN_UNTRIGGERED` lists what nothing covers, and why.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

import zhanqun.rules  # noqa: F401 - the whole registry
from tests.conftest import PROJECT, copy_repo
from zhanqun.cli import main
from zhanqun.findings import RULES, mask_numbers

HAN = re.compile(r"[\u4e00-\u9fff]")
REQUIREMENT = re.compile(r"^R\d+(?:\.\d+)*(?:、|, ?)?")


@dataclasses.dataclass(frozen=True)
class Place:
    mode: str  # body, front, file, config, path, link (see the module docstring)
    path: str = ""  # the file written (file mode: else named by the example's first line)
    group: str = "main"  # examples that would stop or disturb the others run in a cluster of their own


NEWS = "content/fgw/gzdt/2026-11-0{}-{}.md"  # a news item of the demo, a new one per code


def _news(code: str) -> str:
    return NEWS.format(2, code.lower())


# The clean demo items that ``front`` and ``body`` examples start from, by column.
BASES = {
    "content/fgw/gzdt/": "content/fgw/gzdt/2026-10-15-zhongdian-xiangmu-diaodu.md",
    "content/fgw/tzgg/": "content/fgw/tzgg/2026-09-01-2027-zhongdian-xiangmu-shenbao.md",
    "content/fgw/zcwj/": "content/fgw/zcwj/2026-03-10-yigongdaizhen-shishi-xize.md",
    "content/fgw/zcjd/": "content/fgw/zcjd/2026-03-12-yigongdaizhen-jiedu.md",
    "content/fgw/hdjl/": "content/fgw/hdjl/2026-11-03-xiangmu-beian-cailiao.md",
}
# Keys a copy must not keep: they are unique in the cluster (a copy would be a duplicate by itself).
UNIQUE_KEYS = ("index_no",)

PLACES: dict[str, Place] = {
    # F: files
    "F001": Place("body", _news("F001")),
    "F002": Place("file", _news("F002")),
    "F003": Place("file", _news("F003")),
    "F004": Place("file"),
    "F006": Place("file", _news("F006")),
    "F007": Place("body", _news("F007")),
    # Y: YAML
    **{code: Place("front", _news(code)) for code in ("Y001", "Y002", "Y003", "Y004", "Y005", "Y007")},
    "Y006": Place("file", _news("Y006")),
    # S: front matter and config structure
    "S001": Place("file", _news("S001")),
    **{code: Place("front", _news(code)) for code in ("S002", "S003", "S004", "S005")},
    "S006": Place("file", group="S006"),
    # C: the cluster's structure and the relations between items
    "C001": Place("path"),
    "C002": Place("path"),
    "C003": Place("config", "content/czj/unit.yaml"),
    "C004": Place("config", "content/jyj/unit.yaml"),
    "C005": Place("config", "content/qingshui/unit.yaml"),
    "C006": Place("path"),
    "C007": Place("config", "content/dongcheng/unit.yaml"),
    "C008": Place("config", "content/cluster.yaml", group="C008"),
    "C009": Place("config", "content/chengguan/unit.yaml"),
    "C010": Place("path", group="C010"),
    "C011": Place("link"),
    "C012": Place("path"),
    "C013": Place("path"),
    "C014": Place("path"),
    "C015": Place("config", "content/cluster.yaml", group="C015"),
    "C016": Place("config", "content/cluster.yaml", group="C016"),
    "C025": Place("config", "content/cluster.yaml"),
    "C026": Place("config", "content/dongcheng/unit.yaml"),
    "C020": Place("path"),
    "C101": Place("front", "content/fgw/zcwj/2026-11-02-c101.md"),
    "C102": Place("front", "content/fgw/zcjd/2026-11-02-c102.md"),
    "C103": Place("front", "content/fgw/zcwj/2026-11-02-c103.md"),
    "C104": Place("front", _news("C104")),
    "C105": Place("front", _news("C105")),
    "C106": Place("front", "content/fgw/tzgg/2026-11-02-c106.md"),
    "C107": Place("front", "content/fgw/tzgg/2026-11-02-c107.md"),
    "C108": Place("front", "content/fgw/hdjl/2026-11-02-c108.md"),
    "C109": Place("front", "content/fgw/hdjl/2026-11-02-c109.md"),
    # H, I, L, M, N, P, W, X: what an editor writes in the body
    **{code: Place("body", _news(code)) for code in (
        "H001", "H002", "H003", "H004", "I001", "I002", "L001", "L002", "L003", "M001", "M002",
        "N001", "N002", "N003", "N004", "P001", "P002", "P003", "P004", "W001", "W002", "W003",
        "X001", "X002", "X003", "X004", "X005", "X006", "X007", "X008")},
    "H005": Place("file", "content/fgw/tzgg/attachments/tu.svg"),
    # J and T rules that ``check`` reports on the files themselves
    "J006": Place("file", _news("J006")),
    "J007": Place("front", _news("J007")),
    "J040": Place("file", "content/calendar.yaml"),
    "J041": Place("file", "content/fgw/hdjl/2026-11-02-j041.md"),
    "J042": Place("file", "content/calendar.yaml", group="J042"),
    "T020": Place("path"),
    "T021": Place("config", "content/xzf/annual-report/2024.yaml"),
    "T022": Place("config", "content/xzf/annual-report/2023.yaml"),
    "T028": Place("config", "content/wjw/unit.yaml"),
}

# Files written in another encoding (the example shows their text).
ENCODINGS = {"F001": "gbk"}

# Examples that show a number masked as findings show it (zhanqun.findings.mask_numbers): the fake, checksum-valid
# number written instead (region 4199xx is fictional, see tests/fakes.py).
MASKED = {"P001": "419900198001011239", "P002": "17000005678", "P003": "6222 0000 0000 0000 004"}

# Rules triggered by a scenario, not by a file an editor writes: the test that produces each code.
SCENARIOS: dict[str, str] = {
    # A: attachments (binary files, not text an example can show)
    "A001": "tests/test_gates.py::test_unreadable_attachments_are_reported_and_the_rest_still_checked",
    "A002": "tests/test_rule_docs.py::test_a_pdf_attachment_without_a_text_layer_is_a002",
    "A003": "tests/test_bad_input.py::test_an_embedded_object_that_cannot_be_read_is_named",
    # E: zhanqun cms, the web editor (issue 15)
    "E001": "tests/test_cms.py::test_a_swapped_bundle_is_refused_e001_and_the_old_editor_stays",
    "E002": "tests/test_cms.py::test_a_swapped_bundle_is_refused_e001_and_the_old_editor_stays",
    "E003": "tests/test_cms.py::test_an_output_that_cannot_be_written_is_e003",
    # B: zhanqun build
    "B001": "tests/test_cluster_code.py::test_a_plugin_failing_while_the_site_is_built_is_b001_and_publishes_nothing",
    "B005": "tests/test_cluster_code.py::test_a_plugin_with_a_syntax_error_or_the_name_of_an_installed_module_is_b005",
    "B006": "tests/test_cluster_code.py::test_check_compiles_every_override_template_and_build_stops_before_building",
    "B007": "tests/test_cluster_code.py::test_an_override_with_no_such_template_in_the_package_is_a_warning_unless_included",
    "B008": "tests/test_search.py::test_an_index_that_cannot_be_built_is_b008_and_publishes_nothing",
    "B009": "tests/test_serve.py::test_a_busy_port_is_b009_in_chinese_before_building",
    "B010": "tests/test_parse_cache_html.py::test_a_parse_cache_removed_while_an_item_is_saved_is_b010_and_publishes_nothing",
    "C021": "tests/test_cluster_code.py::test_a_sourceless_pyc_plugin_is_refused_by_check_and_build_and_never_runs",
    "C024": "tests/test_init_cluster.py::test_a_cluster_without_a_pin_is_warned_c024",
    "C022": "tests/test_bad_input.py::test_rules_findings_are_chinese_and_point_to_the_docs",
    "C023": "tests/test_bad_input.py::test_rules_findings_are_chinese_and_point_to_the_docs",
    "F008": "tests/test_bad_input.py::test_a_name_that_is_not_utf8_is_printed_escaped_by_the_real_cli",
    "B002": "tests/test_build.py::test_a_second_concurrent_build_is_refused",
    "B003": "tests/test_bad_input.py::test_a_build_that_cannot_write_is_b003_and_leaves_the_output",
    "B004": "tests/test_package.py::test_an_extra_pelican_plugin_of_the_cluster_runs_and_a_missing_one_is_b004",
    # C: zhanqun init
    "C017": "tests/test_init_cluster.py::test_init_refuses_a_directory_that_is_not_empty_and_writes_nothing",
    "C018": "tests/test_init_cluster.py::test_init_refuses_a_directory_that_is_not_empty_and_writes_nothing",
    "C019": "tests/test_init_cluster.py::test_init_under_a_file_is_c019_not_a_crash",
    # D: deploy and verify
    "D001": "tests/test_bad_input.py::test_deep_json_and_rule_data_are_messages_not_crashes",
    "D002": "tests/test_deploy.py::test_a_missing_site_is_d002_and_an_unwritable_deploy_directory_is_d004",
    "D003": "tests/test_deploy.py::test_deploy_refuses_a_tampered_or_foreign_build",
    "D004": "tests/test_deploy.py::test_a_missing_site_is_d002_and_an_unwritable_deploy_directory_is_d004",
    "D005": "tests/test_deploy.py::test_a_full_disk_during_deploy_leaves_current_and_no_partial_copy",
    # previews (issue 15)
    "D011": "tests/test_preview.py::test_bad_preview_options_are_clear_messages",
    "D012": "tests/test_preview.py::test_remove_refuses_links_and_what_it_does_not_own",
    "D013": "tests/test_preview.py::test_bad_preview_options_are_clear_messages",
    # F005: a file over 5 MB (not an example to print)
    "F005": "tests/test_loader_stages.py::test_a_huge_item_is_f005_at_the_scan_and_never_read",
    # G: git failing
    "G001": "tests/test_gitio.py::test_a_failing_git_command_is_a_chinese_error_with_a_registered_code",
    "G002": "tests/test_gitio.py::test_a_failing_git_command_is_a_chinese_error_with_a_registered_code",
    # K: zhanqun review-sheet (审核单, issue 15)
    **{code: "tests/test_review_sheet.py::test_bad_revisions_a_folder_that_is_no_cluster_and_bad_links_are_clear_messages"
       for code in ("K001", "K002", "K003")},
    # J: the inspection (zhanqun inspect) over the git history, and the reply deadlines
    "J001": "tests/test_inspect_freshness.py::test_exactly_two_weeks_is_the_veto_and_says_so",
    "J002": "tests/test_inspect_freshness.py::test_at_a_past_day_shows_that_days_problems",
    "J003": "tests/test_inspect_freshness.py::test_five_empty_columns_veto_the_site_four_do_not",
    "J004": "tests/test_inspect_freshness.py::test_subsite_news_older_than_three_working_days_is_warned",
    "J005": "tests/test_inspect_freshness.py::test_item_with_unusable_date_is_reported_and_does_not_count",
    "J008": "tests/test_inspect_freshness.py::test_item_dated_weeks_before_it_was_published_is_backdated",
    "J009": "tests/test_inspect_attack.py::test_deleting_and_re_adding_an_item_with_a_fresh_date_is_redating",
    "J010": "tests/test_inspect_content.py::test_broken_links_are_one_deduction_per_item_with_the_count",
    "J011": "tests/test_inspect_content.py::test_a_passed_expiry_with_status_still_valid_is_j011",
    "J012": "tests/test_inspect_content.py::test_an_important_policy_without_interpretation_is_j012_after_the_grace_period",
    "J013": "tests/test_inspect_content.py::test_blank_guide_elements_are_named_by_their_labels",
    "J014": "tests/test_inspect_attack.py::test_a_message_recorded_then_answered_weeks_later_is_not_a_redated_page",
    "J015": "tests/test_replies.py::test_j015_overdue_pending_message_at_the_boundary",
    "J016": "tests/test_replies.py::test_j016_unanswered_for_more_than_reply_max_days_is_a_veto",
    "J017": "tests/test_inspect_content.py::test_a_headline_annual_report_is_fine_and_the_wrong_year_is_not",
    "J018": "tests/test_replies.py::test_j018_a_missing_year_is_reported_and_nothing_is_guessed",
    "J019": "tests/test_inspect_freshness.py::test_news_column_13_days_old_is_fresh_but_warned",
    "J021": "tests/test_inspect_freshness.py::test_five_stale_columns_veto_the_site_four_do_not",
    "J022": "tests/test_inspect_freshness.py::test_five_empty_columns_veto_the_site_four_do_not",
    "J023": "tests/test_inspect_freshness.py::test_a_year_the_calendar_lacks_is_said_not_guessed",
    "J030": "tests/test_inspect_attack.py::test_a_unit_the_inspection_cannot_read_fails_it",
    "J043": "tests/test_inspect_attack.py::test_a_received_date_moved_later_to_meet_the_deadline_is_caught",
    # T: zhanqun stats and annual-report (command-line options, the git history, access logs)
    **{code: "tests/test_stats_cli.py::test_wrong_uses_say_what_and_how_to_fix_in_chinese"
       for code in ("T001", "T002", "T003", "T004", "T007", "T009")},
    "T005": "tests/test_stats_cli.py::test_publishing_without_a_ranking_column_says_where_to_set_it",
    "T006": "tests/test_stats_cli.py::test_ranking_is_published_as_a_notice_with_its_csv_and_not_overwritten",
    "T008": "tests/test_stats_cli.py::test_a_shallow_clone_is_t008_and_says_to_fetch_the_history",
    "T010": "tests/test_stats_cli.py::test_formats_and_output_file",
    "T011": "tests/test_stats_attack.py::test_ranking_publish_through_a_link_is_t011_and_writes_nothing",
    "T023": "tests/test_stats_annual.py::test_the_fill_in_file_fills_its_rows_and_the_rest_is_named_as_missing",
    "T024": "tests/test_stats_annual.py::test_publish_without_a_configured_column_is_refused_before_anything_is_written",
    "T025": "tests/test_stats_annual.py::test_publish_writes_an_item_and_its_csv_that_pass_check_and_build",
    "T026": "tests/test_stats_annual.py::test_a_year_not_begun_is_refused_and_a_year_not_over_says_so",
    "T027": "tests/test_stats_annual.py::test_a_year_not_begun_is_refused_and_a_year_not_over_says_so",
    "T029": "tests/test_stats_annual.py::test_a_host_without_its_own_id_code_is_told_where_it_counts",
    "T030": "tests/test_stats_annual.py::test_a_year_before_the_history_renders_what_it_can_and_says_what_it_cannot",
    "T031": "tests/test_stats_attack.py::test_annual_publish_through_a_link_or_into_a_special_file_is_t031_and_writes_nothing",
    "T040": "tests/test_stats_attack.py::test_impossible_times_in_the_cli_are_warnings_and_the_report_is_made",
    "T041": "tests/test_stats_visits.py::test_a_log_that_cannot_be_counted_is_an_error_with_its_file",
    "T042": "tests/test_stats_attack.py::test_what_is_not_a_regular_file_is_refused_with_t042_before_it_is_read",
    "T043": "tests/test_stats_visits.py::test_a_log_that_cannot_be_counted_is_an_error_with_its_file",
    "T044": "tests/test_stats_visits.py::test_a_log_that_cannot_be_counted_is_an_error_with_its_file",
    "T045": "tests/test_stats_visits.py::test_days_without_any_page_request_are_reported",
    # V: the audit of the review chain in the git history
    "V001": "tests/test_audit.py::test_direct_push_and_unrecorded_merge_are_violations",
    "V002": "tests/test_audit.py::test_unsatisfied_merge_and_forged_records",
    "V003": "tests/test_audit.py::test_unsatisfied_merge_and_forged_records",
    "V004": "tests/test_audit.py::test_unsatisfied_merge_and_forged_records",
    "V005": "tests/test_audit.py::test_emergency_stays_open_until_the_chain_is_completed",
    "V006": "tests/test_audit.py::test_added_suppressions_are_listed_with_their_reason",
    "V007": "tests/test_audit.py::test_rewritten_history_is_detected",
    "V008": "tests/test_audit.py::test_unsatisfied_merge_and_forged_records",
    "V009": "tests/test_signing.py::test_a_malformed_signature_is_not_a_crash",
    "V013": "tests/test_signing.py::test_a_signed_record_with_an_empty_chain_contradicts_the_config",
}

# Codes no test triggers, with the reason (keep this as small as possible).
KNOWN_UNTRIGGERED: dict[str, str] = {}


# ---------------------------------------------------------------------------------------------------------
# 1. The documentation of every rule


def _text(value: str) -> str:
    return re.sub(r"[\s，。、；：！？（）“”《》…—\-.,;:()]", "", value)


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_is_documented_in_chinese(code):
    rule = RULES[code]
    for field in ("summary", "why", "example", "fix", "requirement"):
        assert getattr(rule, field).strip(), f"{code}: {field} is empty"
    for field in ("summary", "why", "fix"):
        assert HAN.search(getattr(rule, field)), f"{code}: {field} is not Chinese"
    assert HAN.search(rule.example) or code in PLACES, f"{code}: the example is neither Chinese nor materialised"
    assert _text(rule.why) != _text(rule.summary) and _text(rule.summary) not in ("", _text(rule.why)), (
        f"{code}: the why repeats the summary")
    assert len(_text(rule.why)) > len(_text(rule.summary)) // 2, f"{code}: the why says less than the summary"
    ids = [part.strip() for part in rule.requirement.split(",")]
    assert ids and all(re.fullmatch(r"R\d+(?:\.\d+)*", part) for part in ids), (
        f"{code}: the requirement must cite R-ids, got {rule.requirement!r}")


# ---------------------------------------------------------------------------------------------------------
# 2. Examples that are files: materialised and checked


_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\r|<Tab>")


def unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(1) or match.group(2):
            return chr(int(match.group(1) or match.group(2), 16))
        return "\r" if match.group(0) == "\\r" else "\t"

    return _ESCAPE.sub(one, text)


def concrete(code: str, text: str) -> str:
    """The example with its masked number made a whole (fake, checksum-valid) number."""
    whole = MASKED.get(code)
    if whole is None:
        return text
    shown = mask_numbers(whole)
    assert shown in text, f"{code}: the example no longer shows {shown}"
    return text.replace(shown, whole)


def _front_and_body(text: str) -> tuple[str, str]:
    _, front, body = text.split("---\n", 2)
    return front, body


def _top_keys(front: str) -> list[tuple[str, str]]:
    """A front matter's top-level entries as (key, text of the entry, its continuation lines included)."""
    entries: list[tuple[str, str]] = []
    for line in front.splitlines(keepends=True):
        key = re.match(r"([^\s#:：][^:：]*)[:：]", line)
        if (key and not line[0].isspace()) or not entries:
            entries.append((key.group(1).strip() if key else "", line))
        else:
            entries[-1] = (entries[-1][0], entries[-1][1] + line)
    return entries


def _base_item(target: str) -> str:
    folder = target.rsplit("/", 1)[0] + "/"
    text = (PROJECT / BASES[folder]).read_text(encoding="utf-8")
    front, body = _front_and_body(text)
    front = "".join(entry for key, entry in _top_keys(front) if key not in UNIQUE_KEYS)
    return f"---\n{front}---\n{body}"


def materialise_front(target: str, example: str) -> str:
    front, body = _front_and_body(_base_item(target))
    keys = {key for key, _ in _top_keys(example)}
    kept = "".join(entry for key, entry in _top_keys(front) if key not in keys)
    return f"---\n{kept}{example.rstrip(chr(10))}\n---\n{body}"


def materialise_config(base: Path, example: str) -> str:
    data = yaml.safe_load(base.read_text(encoding="utf-8")) if base.exists() else {}
    for key, value in (yaml.safe_load(example) or {}).items():
        if key == "columns" and isinstance(data.get(key), list):  # added, the unit's other keys completing them
            like = {column["type"]: column for column in reversed(data[key])}
            data[key] = data[key] + [{**like.get(c.get("type"), data[key][0]), **c} for c in value]
        elif key == "identity" and isinstance(data.get(key), dict):  # a key added to the cluster's identity
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)


class _NoAliases(yaml.SafeDumper):
    """Shared values written out again: an alias would be Y005 of its own."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _paths(example: str) -> list[str]:
    return [re.split(r"[（，]| (?=\S*[\u4e00-\u9fff])", part.strip(), maxsplit=1)[0].strip()
            for part in example.split("；")]


def _write(root: Path, rel: str, data: str | bytes, encoding: str = "utf-8") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode(encoding)
    path.write_bytes(data)


def materialise(root: Path, code: str) -> list[str]:
    """Write the example of ``code`` into the cluster at ``root``; the paths its findings are reported at."""
    place = PLACES[code]
    example = concrete(code, unescape(RULES[code].example.strip("\n")))
    encoding = ENCODINGS.get(code, "utf-8")
    if place.mode == "body":
        _write(root, place.path, _base_item(place.path).rstrip("\n") + "\n\n" + example + "\n", encoding)
        return [place.path]
    if place.mode == "front":
        _write(root, place.path, materialise_front(place.path, example), encoding)
        return [place.path]
    if place.mode == "file":
        rel = place.path
        first, _, rest = example.partition("\n")
        if re.fullmatch(r"[\w.\-\u4e00-\u9fff]+(?:/[\w.\-\u4e00-\u9fff]+)+:", first.strip()):
            rel, example = first.strip()[:-1], rest
        assert rel, f"{code}: the example does not name its file"
        data: str | bytes = example + "\n"
        if "\x00" in example:  # binary: each character is one byte
            data = example.encode("latin-1", errors="replace")
        _write(root, rel, data, encoding)
        return [rel]
    if place.mode == "config":
        _write(root, place.path, materialise_config(root / place.path, example))
        return [place.path]
    if place.mode == "path":
        rels = _paths(example)
        for rel in rels:
            if rel == "content/cluster.yaml":  # the example says it is missing
                (root / rel).unlink()
            elif rel.endswith(".md"):
                _write(root, rel, _base_item(BASES_FOR_PATHS))
            else:
                _write(root, rel, b"zhanqun example\n")
        return rels
    if place.mode == "link":
        rel, target = (part.strip() for part in example.split("->", 1))
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / rel)
        return [rel]
    raise AssertionError(f"{code}: unknown mode {place.mode}")


BASES_FOR_PATHS = "content/fgw/gzdt/x.md"  # items written for ``path`` examples are copies of a clean news item


def _init_git(root: Path) -> None:
    import git

    from tests.gitrepo import ENV

    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, **ENV}
    repo = git.Repo.init(root, initial_branch="main")
    repo.git.update_environment(**env)
    repo.git.add(A=True, force=True)
    repo.git.commit("-m", "示例县站群（规则示例）")


def run_check(root: Path) -> list[dict[str, object]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", "--root", str(root), "--format", "json", "--jobs", "1"])
    assert code in (0, 1), out.getvalue() + err.getvalue()
    data = json.loads(out.getvalue())
    findings = list(data["findings"])
    if data["format"] == "zhanqun.error":
        # A config that stops everything (a broken schema override, S006) is one error whose message begins with
        # the file: path:line:column.
        for finding in findings:
            where = re.match(r"(\S+?):\d+", str(finding["message"]))
            if not finding["path"] and where:
                finding["path"] = where.group(1)
    return findings


def _reported(findings: list[dict[str, object]], rels: list[str]) -> set[str]:
    """Codes reported at one of ``rels``, or at a folder holding one of them."""
    found = set()
    for finding in findings:
        path = str(finding["path"])
        if any(path == rel or (path.endswith("/") and rel.startswith(path)) or path == rel + "/" for rel in rels):
            found.add(str(finding["code"]))
    return found


CONTROL = "content/fgw/{}/2026-11-01-control.md"


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict[str, tuple[set[str], list[dict[str, object]]]]:
    """Every materialised example checked: code -> (codes reported at its file, the run's findings)."""
    groups = sorted({place.group for place in PLACES.values()})
    result: dict[str, tuple[set[str], list[dict[str, object]]]] = {}
    for group in groups:
        root = copy_repo(tmp_path_factory.mktemp(f"rules-{group}"))
        where = {code: materialise(root, code) for code, place in sorted(PLACES.items()) if place.group == group}
        if group == "main":  # the clean copies every example starts from: no finding of their own
            where["scanned-pdf"] = [_scanned_pdf(root)]
            for folder in BASES:
                column = folder.rstrip("/").rsplit("/", 1)[1]
                _write(root, CONTROL.format(column), _base_item(folder + "x.md"))
            where["control"] = [CONTROL.format(folder.rstrip("/").rsplit("/", 1)[1]) for folder in BASES]
        _init_git(root)
        findings = run_check(root)
        for code, rels in where.items():
            result[code] = (_reported(findings, rels), findings)
        shutil.rmtree(root, ignore_errors=True)
    return result


def _scanned_pdf(root: Path) -> str:
    """A PDF attachment whose page has no text layer, as a scan has (A002's scenario)."""
    from pypdf import PdfWriter

    rel = "content/fgw/tzgg/attachments/saomiao-wenjian.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    _write(root, rel, buffer.getvalue())
    return rel


def test_a_pdf_attachment_without_a_text_layer_is_a002(checked):
    codes, _ = checked["scanned-pdf"]
    assert codes == {"A002"}


def test_the_clean_copies_examples_start_from_have_no_findings(checked):
    codes, findings = checked["control"]
    assert not codes, [f for f in findings if "control" in str(f["path"])]


@pytest.mark.parametrize("code", sorted(PLACES))
def test_the_example_triggers_its_own_code(code, checked):
    codes, _ = checked[code]
    assert code in codes, (
        f"{code}: its example does not trigger it (reported there: {sorted(codes) or 'nothing'})\n"
        f"{RULES[code].example}")


# ---------------------------------------------------------------------------------------------------------
# 3. Rules triggered by a scenario


def test_every_code_is_materialised_or_has_a_scenario():
    assert not set(PLACES) & set(SCENARIOS), "a code is either materialised or a scenario"
    covered = set(PLACES) | set(SCENARIOS) | set(KNOWN_UNTRIGGERED)
    assert sorted(set(RULES) - covered) == []
    assert sorted(covered - set(RULES)) == [], "a code listed here is not a rule"
    assert not set(KNOWN_UNTRIGGERED) & (set(PLACES) | set(SCENARIOS))
    for code, reason in KNOWN_UNTRIGGERED.items():
        assert HAN.search(reason) or len(reason) > 20, f"{code}: say why"


def _functions(tree: ast.Module) -> dict[str, ast.AST]:
    found: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[f"{node.name}::{item.name}"] = item
                    found.setdefault(item.name, item)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    found[target.id] = node
    return found


def _sources(text: str, functions: dict[str, ast.AST], name: str, param: str) -> str:
    """The source of the test, of the module-level functions and constants it names (two levels deep), and
    for a parametrised node ``test[param]`` of the helpers named after the parameter (``case_param``)."""
    seen: set[str] = set()
    todo = [name] + [helper for helper in functions if param and helper.endswith(param)]
    sources = []
    for _ in range(3):
        following = []
        for item in todo:
            if item in seen or item not in functions:
                continue
            seen.add(item)
            node = functions[item]
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            sources.append("\n".join(text.splitlines()[first - 1:node.end_lineno]))
            following += [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]
            following += [n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)]
        todo = following
    return "\n".join(sources)


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_each_scenario_names_a_test_that_produces_its_code(code):
    node = SCENARIOS[code]
    file, _, name = node.partition("::")
    param = ""
    if "[" in name:
        name, param = name[:-1].split("[", 1)
    path = PROJECT / file
    assert path.is_file(), f"{code}: {file} does not exist"
    text = path.read_text(encoding="utf-8")
    functions = _functions(ast.parse(text))
    assert name in functions, f"{code}: no test {name} in {file}"
    assert name.rsplit("::", 1)[-1].startswith("test"), f"{code}: {name} is not a test"
    source = _sources(text, functions, name, param)
    assert code in source, f"{code}: {node} does not mention {code}"
    # at least once as what the test expects, not only as what must not be there ("J008" not in codes)
    assert re.search(rf"{code}(?![\"'] not in)", source), f"{code}: {node} only says {code} is absent"
