"""``bench perf`` on tiny sizes: output structure, cross-checks, noise rule, alternation.

Nothing here asserts on a timing: the verdicts are judged on crafted samples.
"""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import benchmark
from benchmark._cli import cli
from benchmark._cores import one_core
from benchmark._errors import BenchError
from benchmark._gold import default_gold_dir, load_gold
from benchmark._perf import (
    PerfOptions,
    PerfReport,
    _compare,
    _peers,
    _systems,
    _timing,
    judge_targets,
    render_report,
    run_perf,
)
from benchmark._perf._compare import (
    FLOOR,
    NERVALUATE,
    SCORE,
    SCORE_ONE_CORE,
    SCORE_OUT,
    SEQEVAL,
    ProcessComparison,
    compare_processes,
)
from benchmark._perf._corpus import SYSTEM, iter_corpus, link_corpus, make_doc, write_corpus
from benchmark._perf._judge import MET, MIN_SAMPLES, NOISY, NOT_MET, ratio, verdict
from benchmark._perf._scorers import compare_in_process
from benchmark._perf._systems import measure_runs, replicate_gold
from benchmark._perf._timing import Command, Run, Samples, alternate, run_process

TINY = PerfOptions(documents=6, mentions_per_doc=5, rounds=1, growth=(2, 4))


@pytest.fixture(scope="module")
def report() -> PerfReport:
    """One real run of every default section on a tiny corpus: one round, no warm-up runs."""

    def cold(*args: Any, **kwargs: Any) -> list[Samples]:
        return alternate(*args, **{**kwargs, "warm_up": False})

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_timing, "HELP_ROUNDS", 1)
        patch.setattr(_compare, "alternate", cold)
        return run_perf(TINY)


# --- the report ----------------------------------------------------------------------------------


def test_every_section_is_measured_and_the_tools_agree(report: PerfReport) -> None:
    comparison = report.comparison
    assert comparison is not None and comparison.mismatches == ()
    assert comparison.documents == 6 and comparison.gold_mentions == 30
    assert list(comparison.samples)[:4] == [SCORE, NERVALUATE, SEQEVAL, FLOOR]
    assert all(len(s.wall) == 1 for s in comparison.samples.values())
    bench, nerv = comparison.scores[SCORE], comparison.scores[NERVALUATE]
    assert bench.keys() == nerv.keys() == {"strict", "exact", "partial", "type"}
    for scheme, values in bench.items():
        assert values == pytest.approx(nerv[scheme], abs=1e-9)
    assert comparison.scores[SEQEVAL]["strict"] == pytest.approx(bench["strict"], abs=1e-9)
    assert report.in_process is not None and report.in_process.mismatches == ()
    for scheme, values in report.in_process.ours_scores.items():
        assert values == pytest.approx(bench[scheme], abs=1e-9)
    assert [row.documents for row in report.growth] == [2, 4]
    assert report.help_startup is not None and report.help_startup.label == "bench --help"
    assert report.runs == [] and report.mismatches == []
    assert report.cores >= report.usable_cores >= 1


def test_one_round_judges_no_timing(report: PerfReport) -> None:
    status = {t.name: t.status for t in judge_targets(report)}
    assert status["same P/R/F1 as nervaluate and seqeval (within 1e-09)"] == MET
    assert status["bench score >= 5x faster than nervaluate"] == NOISY
    assert status["bench score time grows linearly with documents"] == NOISY
    assert status["bench score peak RSS < 1 GiB"] in (MET, NOT_MET)


def test_text_output_has_every_table(report: PerfReport) -> None:
    text = render_report(report)
    for heading in (
        "cores (",
        "load average",
        "Whole processes on the same files",
        "Scores (bench score | nervaluate | seqeval strict)",
        "Scoring alone, in this process",
        "bench score by corpus size",
        "Start-up",
        "Targets (ratios of medians",
    ):
        assert heading in text
    assert "MISMATCHES" not in text


def test_json_output_has_samples_with_medians(report: PerfReport) -> None:
    data = json.loads(json.dumps(report.to_json()))
    score = data["comparison"]["samples"][SCORE]
    assert score["median"] == score["wall"][0] and score["spread"] == 0
    assert {t["name"] for t in data["targets"]} >= {"bench --help < 0.3 s"}
    assert data["growth"][1]["samples"]["label"] == "bench score, 4 docs"


def test_cli_prints_the_report_and_exits_1_on_a_mismatch(
    report: PerfReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[PerfOptions] = []

    def fake_run(options: PerfOptions, progress: Any) -> PerfReport:
        asked.append(options)
        return report

    monkeypatch.setattr("benchmark._perf.run_perf", fake_run)
    result = CliRunner().invoke(cli, ["perf", "--quick", "--docs", "5,50", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"] == 6
    assert asked[-1].documents == 200 and asked[-1].rounds == 2 and asked[-1].growth == (5, 50)
    assert report.comparison is not None
    wrong = ("strict f1: bench 0.5 vs seqeval 0.4",)
    broken = replace(report, comparison=replace(report.comparison, mismatches=wrong))
    monkeypatch.setattr("benchmark._perf.run_perf", lambda options, progress: broken)
    result = CliRunner().invoke(cli, ["perf", "--no-growth"])
    assert result.exit_code == 1
    assert "1 score(s) differ" in result.stderr
    assert "whole processes: strict f1: bench 0.5 vs seqeval 0.4" in result.stdout


@pytest.mark.parametrize("value", ["abc", "10,-1", "0", ","])
def test_bad_sizes_are_a_usage_error(value: str) -> None:
    result = CliRunner().invoke(cli, ["perf", "--docs", value])
    assert result.exit_code == 2
    assert "--docs" in result.output


# --- the agreement cross-check -------------------------------------------------------------------


def _fake_processes(printed: dict[str, Any]) -> Any:
    """An ``alternate`` giving ``printed`` as each command's stdout instead of running it."""

    def fake(
        commands: list[Command], rounds: int, outputs: dict[str, bytes], **_: Any
    ) -> list[Samples]:
        for command in commands:
            if command.label == SCORE_OUT:  # writes a run folder, prints nothing
                assert not command.capture and "--out" in command.argv
                continue
            if command.label == SCORE_ONE_CORE:  # timed only, pinned to one core
                assert not command.capture and len(command.cpus) == 1
                continue
            assert command.capture
            outputs[command.label] = json.dumps(printed[command.label]).encode()
        return [Samples(c.label, (1.0,) * rounds) for c in commands]

    return fake


def test_a_peer_disagreeing_with_bench_score_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prf = {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    schemes = {s: dict(prf) for s in ("strict", "exact", "partial", "type")}
    score = {"results": {SYSTEM: {"entities": {**schemes, "linked": prf}}}}
    outputs = {
        SCORE: score,
        NERVALUATE: {**schemes, "partial": {**prf, "recall": 0.75}},
        SEQEVAL: {"strict": prf},
        FLOOR: {},
        "read + msgspec": {},
    }
    monkeypatch.setattr(_compare, "alternate", _fake_processes(outputs))
    result = compare_processes(0, 2, 3, rounds=2)
    assert result.mismatches == ("partial recall: bench 0.5 vs nervaluate 0.75",)
    outputs[SCORE] = {"results": {}}
    with pytest.raises(BenchError, match="no entity scores"):
        compare_processes(0, 2, 3, rounds=1)


@pytest.mark.parametrize("seed", range(4))
def test_count_entity_schemes_equals_nervaluate_on_random_corpora(seed: int) -> None:
    comparison = compare_in_process(seed, 20, 15, rounds=2)
    assert comparison.mismatches == ()
    assert len(comparison.ours.wall) == len(comparison.nervaluate.wall) == 2


def test_peer_scripts_read_the_written_files(tmp_path: Path) -> None:
    files = write_corpus(tmp_path, 3, 8, 12)
    docs = list(iter_corpus(3, 8, 12))
    nerv = _peers.run_nervaluate(files.gold, files.system)
    gold, pred = [d.gold for d in docs], [d.pred for d in docs]
    expected = _peers.nervaluate_evaluate(
        _peers.nervaluate_input(gold), _peers.nervaluate_input(pred), _peers.entity_tags(gold)
    )
    assert nerv == expected
    seq = _peers.run_seqeval(files.gold, files.system)
    assert seq["strict"] == pytest.approx(nerv["strict"], abs=1e-9)
    floor = _peers.TOOLS["floor-json"](files.gold, files.system)
    assert floor["files"] == 3 * 8


def test_seqeval_single_call_equals_its_three_public_functions() -> None:
    from seqeval.metrics import f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    docs = list(iter_corpus(5, 10, 20))
    y_true = [_peers.iob2_tags(d.text, d.gold) for d in docs]
    y_pred = [_peers.iob2_tags(d.text, d.pred) for d in docs]
    strict = _peers.seqeval_scores(y_true, y_pred)["strict"]
    options: dict[str, Any] = {"mode": "strict", "scheme": IOB2}
    assert strict == {
        "precision": precision_score(y_true, y_pred, **options),
        "recall": recall_score(y_true, y_pred, **options),
        "f1": f1_score(y_true, y_pred, **options),
    }


def test_peer_script_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert _peers.main(["nope", "a", "b"]) == 2
    assert "usage: _peers.py" in capsys.readouterr().err


# --- the noise rule ------------------------------------------------------------------------------


SCORE_STEADY = (1.00, 1.02, 1.01, 0.99, 1.00)
NERV_STEADY = (6.0, 6.1, 6.05, 5.95, 6.0)


def _report_with(score: tuple[float, ...], nervaluate: tuple[float, ...]) -> PerfReport:
    samples = {SCORE: Samples(SCORE, score), NERVALUATE: Samples(NERVALUATE, nervaluate)}
    comparison = ProcessComparison(2000, 100_000, 99_000, False, samples, {}, ())
    return PerfReport(0, 2000, 50, len(score), False, 2, 2, comparison=comparison)


def _status(report: PerfReport, prefix: str) -> str:
    [target] = [t for t in judge_targets(report) if t.name.startswith(prefix)]
    return target.status


@pytest.mark.parametrize(
    ("score", "nervaluate", "expected"),
    [
        (SCORE_STEADY, NERV_STEADY, MET),  # 6x, every round above 5x
        ((1.0, 1.0, 1.0, 1.0, 1.5), NERV_STEADY, MET),  # one slow round moves no quartile
        ((1.0, 1.5, 1.0, 1.5, 1.0), NERV_STEADY, NOISY),  # two slow rounds: 4x in a quarter
        ((1.0, 1.0, 1.0, 1.0, 1.0), (6.0, 4.0, 6.0, 4.0, 6.0), NOISY),  # two fast nervaluates
        (tuple(2 * s for s in SCORE_STEADY), NERV_STEADY, NOT_MET),  # 3x, every round below
        ((1.0,), (6.0,), NOISY),  # one round: no spread known
    ],
)
def test_speed_verdicts_follow_the_noise_rule(
    score: tuple[float, ...], nervaluate: tuple[float, ...], expected: str
) -> None:
    report = _report_with(score, nervaluate)
    assert _status(report, "bench score >= 5x faster than nervaluate") == expected


def test_the_documents_a_minute_range_turns_over() -> None:
    # 2,000 documents: 1.0 s is 120,000 a minute; 1.3 s is 92,308.
    assert _status(_report_with(SCORE_STEADY, NERV_STEADY), ">= 100,000") == MET
    noisy = _report_with((1.0, 1.3, 1.0, 1.3, 1.0), NERV_STEADY)
    assert _status(noisy, ">= 100,000") == NOISY
    slow = _report_with((1.3, 1.4, 1.35, 1.3, 1.3), NERV_STEADY)
    assert _status(slow, ">= 100,000") == NOT_MET


def test_a_ratio_pairs_the_rounds_it_alternated() -> None:
    # The machine slows down for both commands in round 2: each round still shows 6x.
    paired = ratio([6.0, 12.0, 6.0, 6.0, 6.0], [1.0, 2.0, 1.0, 1.0, 1.0])
    assert (paired.value, paired.low, paired.high) == (6.0, 6.0, 6.0)


def test_at_most_targets_judge_the_other_end() -> None:
    assert verdict(ratio([1.9, 1.8], [1.0, 1.0]), 2.0, at_least=False) == MET
    assert verdict(ratio([2.5, 1.9], [1.0, 1.0]), 2.0, at_least=False) == NOISY
    assert verdict(ratio([2.5, 2.2], [1.0, 1.05]), 2.0, at_least=False) == NOT_MET
    assert MIN_SAMPLES == 2


# --- alternation and processes -------------------------------------------------------------------


def test_commands_alternate_round_after_round() -> None:
    order: list[str] = []

    def fake(command: Command) -> Run:
        order.append(command.label)
        return Run(wall=float(len(order)))

    commands = [Command(label, ()) for label in "ABC"]
    samples = alternate(commands, 3, run=fake)
    assert "".join(order) == "ABCABCABC"
    assert [s.wall for s in samples] == [(1.0, 4.0, 7.0), (2.0, 5.0, 8.0), (3.0, 6.0, 9.0)]
    order.clear()
    warmed = alternate(commands, 2, run=fake, warm_up=True)
    assert "".join(order) == "ABC" + "ABCABC"  # the warm-up runs are not samples
    assert [s.wall for s in warmed] == [(4.0, 7.0), (5.0, 8.0), (6.0, 9.0)]


def test_real_processes_alternate_and_report_their_usage(tmp_path: Path) -> None:
    log = tmp_path / "order.txt"
    code = "import sys; open(sys.argv[1], 'a').write(sys.argv[2]); print(sys.argv[2] * 2)"
    commands = [
        Command(label, (sys.executable, "-c", code, str(log), label), capture=label == "A")
        for label in "AB"
    ]
    printed: dict[str, bytes] = {}
    samples = alternate(commands, 2, outputs=printed)
    assert log.read_text() == "ABAB"
    assert printed == {"A": b"AA\n"}
    if sys.platform == "linux":
        assert all(len(s.cpu) == len(s.max_rss_mib) == 2 for s in samples)


@pytest.mark.skipif(not one_core(), reason="no process can be pinned to a core here")
def test_a_pinned_command_runs_on_one_core() -> None:
    code = "import os; print(len(os.sched_getaffinity(0)))"
    pinned = Command("pinned", (sys.executable, "-c", code), capture=True, cpus=one_core())
    assert run_process(pinned).stdout == b"1\n"


def test_the_comparison_pins_bench_score_to_one_core(report: PerfReport) -> None:
    assert report.comparison is not None
    status = {t.name: t for t in judge_targets(report)}
    target = status[">= 100,000 documents a minute on one core (bench score, end to end)"]
    if one_core():
        assert SCORE_ONE_CORE in report.comparison.samples
        assert "not pinned" not in target.measured
        assert "pinned to one core:" in render_report(report)
    else:
        assert "not pinned" in target.measured


def test_a_failing_command_is_an_error_quoting_its_stderr() -> None:
    failing = Command("boom", (sys.executable, "-c", "import sys; sys.exit('it broke')"))
    assert run_process(failing).returncode == 1
    with pytest.raises(BenchError, match="boom exited with 1: it broke"):
        alternate([failing], 1)


def test_runs_time_each_system_and_skip_unknown_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_systems, "JOBS", (1,))
    empty, unknown = measure_runs(2, 1, systems=("empty", "no-such-system"))
    assert (empty.system, empty.jobs, empty.skipped) == ("empty", 1, "")
    assert empty.samples is not None and empty.seconds_per_doc is not None
    assert unknown.samples is None and "unknown system 'no-such-system'" in unknown.skipped


# --- the corpus ----------------------------------------------------------------------------------


def test_written_corpus_reads_back_with_the_public_api(tmp_path: Path) -> None:
    files = write_corpus(tmp_path / "c", 1, 4, 6, layers=True)
    doc = make_doc(1, 2, 6)
    path = files.gold / "annotations" / f"{doc.doc_id}.json"
    assert benchmark.read_annotation(path) == doc.full_annotation("gold")
    assert benchmark.read_annotation(files.system / path.name) == doc.full_annotation("pred")
    text = (files.gold / "articles" / f"{doc.doc_id}.txt").read_bytes().decode("utf-8")
    assert text == doc.text
    assert files.gold_mentions == 24 and files.pred_mentions > 0
    small = link_corpus(files, tmp_path / "small", 2)
    assert sorted(p.name for p in small.system.iterdir()) == [
        "synthetic-000000.json",
        "synthetic-000001.json",
    ]
    assert len(list((small.gold / "articles").iterdir())) == 2


def test_corpus_is_seeded_and_documents_do_not_depend_on_corpus_size() -> None:
    small = list(iter_corpus(7, 3, 12))
    large = list(iter_corpus(7, 6, 12))
    assert small == large[:3]
    assert make_doc(7, 0, 12) != make_doc(8, 0, 12)


def test_corpus_spans_are_word_aligned_and_never_overlap_on_one_side() -> None:
    for doc in iter_corpus(1, 20, 30):
        text = doc.text
        for keys in (doc.gold, doc.pred):
            ordered = sorted(keys)
            assert all(a[1] <= b[0] for a, b in itertools.pairwise(ordered))
            for start, end, _ in keys:
                assert text[start - 1 : start] in ("", " ") and text[end : end + 1] in ("", " ")
            tags = _peers.iob2_tags(text, keys)
            assert len(tags) == len(doc.words)
            assert sum(t.startswith("B-") for t in tags) == len(keys)


def test_corpus_has_every_kind_of_noise() -> None:
    exact = shifted = swapped = spurious = missed = merged = split = 0
    for doc in iter_corpus(0, 20, 50):
        for start, end, etype in doc.gold:
            over = [p for p in doc.pred if p[0] < end and start < p[1]]
            exact += (start, end, etype) in over
            swapped += any(p[:2] == (start, end) and p[2] != etype for p in over)
            shifted += any(p[:2] != (start, end) for p in over)
            missed += not over
            split += len(over) == 2
        for p in doc.pred:
            over = [g for g in doc.gold if g[0] < p[1] and p[0] < g[1]]
            spurious += not over
            merged += len(over) == 2
    assert min(exact, shifted, swapped, spurious, missed, merged, split) > 0
    assert exact > 0.6 * sum(len(d.gold) for d in iter_corpus(0, 20, 50))


def test_replicated_gold_is_valid_gold(tmp_path: Path) -> None:
    count = replicate_gold(default_gold_dir(), tmp_path / "gold", 5)
    corpus = load_gold(tmp_path / "gold")
    assert count == 5 and len(corpus) == 5
    assert len({ex.document.text for ex in corpus}) == len(load_gold())
