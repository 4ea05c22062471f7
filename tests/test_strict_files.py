"""Every file the tool reads is decoded strictly: one test per rule and per kind of file.

Each bad input must give a non-zero exit and one line naming the file and the field, never a
traceback, and a command that writes must leave a good file in place.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from benchmark._cli import cli
from benchmark._formats import CacheIdentity
from benchmark._io import annotation_to_json, write_annotation
from benchmark._run._cache import ResultCache, identity_key
from tests.factories import TINY_TEXT, metric_json, results_json, tiny_annotation

GOLD = "ab" * 32
Mutation = Callable[[dict[str, Any]], str]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def assert_one_line_error(result: Result, file: Path, field: str, code: int) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = (result.stderr or result.stdout).strip().splitlines()
    assert len(lines) == 1, lines
    assert str(file) in lines[0] and field in lines[0], lines[0]


def gold_folder(root: Path, annotation_text: str | None = None) -> Path:
    (root / "articles").mkdir(parents=True)
    (root / "annotations").mkdir()
    (root / "articles" / "tiny.txt").write_text(TINY_TEXT, encoding="utf-8")
    text = annotation_text or json.dumps(annotation_to_json(tiny_annotation()))
    (root / "annotations" / "tiny.json").write_text(text, encoding="utf-8")
    return root


# --- duplicated keys ----------------------------------------------------------------------------


def test_a_duplicated_key_in_gold_is_refused(tmp_path: Path) -> None:
    good = json.dumps(annotation_to_json(tiny_annotation()))
    doubled = good.replace('"entities": [', '"entities": [], "entities": [', 1)
    gold = gold_folder(tmp_path / "gold", doubled)
    result = invoke("validate", "--gold", str(gold))
    assert result.exit_code == 1
    assert f"{gold / 'annotations' / 'tiny.json'}: $: duplicated key 'entities'" in result.stdout


def test_a_duplicated_key_deep_in_predictions_is_refused(tmp_path: Path) -> None:
    gold = gold_folder(tmp_path / "gold")
    predictions = tmp_path / "predictions" / "sys"
    predictions.mkdir(parents=True)
    good = json.dumps(annotation_to_json(tiny_annotation()))
    doubled = good.replace('"type": "GPE"', '"type": "ORG", "type": "GPE"', 1)
    (predictions / "tiny.json").write_text(doubled, encoding="utf-8")
    file = predictions / "tiny.json"
    result = invoke("validate", "--gold", str(gold), "--predictions", str(predictions))
    assert result.exit_code == 1
    assert f"{file}: $.entities[1]: duplicated key 'type'" in result.stdout
    scored = invoke("score", "--gold", str(gold), "--predictions", str(predictions))
    assert_one_line_error(scored, file, "duplicated key 'type'", 1)


@pytest.mark.parametrize(
    "raw",
    [
        '{"a": 1, "a": 1}',  # the same value twice is still two keys
        '{"a": "x:y", "a": 2}',  # a colon inside a string
        '{"a" : 1, "a": 2, "b": "\\u003a"}',  # an escaped colon and a space before one
        '{"x": {"a": [{"k": 1}, {"k": 2, "k": 3}]}}',
    ],
)
def test_duplicated_keys_are_found_however_the_text_is_written(raw: str) -> None:
    from benchmark._json import decode_untyped

    data, problems = decode_untyped(raw.encode(), "f.json")
    assert data is None and "duplicated key" in problems[0].reason


def test_no_duplicate_is_reported_where_there_is_none() -> None:
    from benchmark._json import decode_untyped

    raw = b'{"a" : "x:\\u003a", "b": {"a": 1}, "c": [{"a": 1}, {"a": 2}], "d": "\\":"}'
    data, problems = decode_untyped(raw, "f.json")
    assert problems == [] and data["b"] == {"a": 1}


# --- results.json ---------------------------------------------------------------------------


def _metric(data: dict[str, Any]) -> dict[str, Any]:
    metric: dict[str, Any] = data["results"]["rules"]["quotes"]["attribution"]
    return metric


RESULTS_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("nan f1", lambda d: _metric(d).update(f1=float("nan")), ".attribution.f1: NaN and Infinity"),
    ("infinite count", lambda d: _metric(d).update(tp=float("inf")), ".attribution.tp: NaN and"),
    ("f1 above 1", lambda d: _metric(d).update(f1=7.5), "$.results.rules.quotes.attribution.f1"),
    ("negative count", lambda d: _metric(d).update(fp=-1), "$.results.rules.quotes.attribution.fp"),
    ("boolean f1", lambda d: _metric(d).update(f1=True), "expected float | null, got bool"),
    ("string count", lambda d: _metric(d).update(tp="1"), "expected float, got str"),
    ("f1 not from counts", lambda d: _metric(d).update(f1=0.99), "does not agree"),
    (
        "unknown metric",
        lambda d: d["results"]["rules"]["quotes"].update(best=metric_json(0.5)),
        "$.results.rules.quotes.best: unknown quotes metric",
    ),
    ("unknown layer", lambda d: d["results"]["rules"].update(vibes={}), "unknown layer"),
    ("unknown field", lambda d: d.update(extra=1), "unknown field 'extra'"),
    ("old format", lambda d: d.update(format_version="1.0"), "$.format_version: '1.0'"),
    ("odd format", lambda d: d.update(format_version="9"), "$.format_version: '9'"),
    ("sha as number", lambda d: d["provenance"].update(gold_sha256=7), "$.provenance.gold_sha256"),
    ("unsafe system name", lambda d: d["results"].update({"../x": {}}), "$.results"),
]


@pytest.mark.parametrize(
    ("name", "mutate", "expected"), RESULTS_CASES, ids=[c[0] for c in RESULTS_CASES]
)
def test_bad_results_fail_the_gate_as_a_harness_error(
    tmp_path: Path, name: str, mutate: Callable[[dict[str, Any]], None], expected: str
) -> None:
    data = results_json({"rules": {"quotes": {"attribution": 0.8}}}, gold=GOLD)
    mutate(data)
    run = tmp_path / "run"
    run.mkdir()
    (run / "results.json").write_text(json.dumps(data))  # json.dumps writes NaN as NaN
    baseline = tmp_path / "baseline.json"
    gates = {"rules": {"quotes": {"attribution": {"f1": 0.5}}}}
    baseline.write_text(
        json.dumps({"format_version": "1.0", "gold_sha256": GOLD, "systems": gates})
    )
    result = invoke("check", str(run), "--baseline", str(baseline))
    assert_one_line_error(result, run / "results.json", expected, 2)
    compared = invoke("compare", str(run), str(run))
    assert_one_line_error(compared, run / "results.json", expected, 2)


def test_a_duplicated_key_in_results_is_refused(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    text = json.dumps(results_json({"rules": {"quotes": {"attribution": 0.8}}}, gold=GOLD))
    text = text.replace('"f1": 0.8', '"f1": 0.1, "f1": 0.8', 1)
    (run / "results.json").write_text(text)
    result = invoke("check", str(run), "--baseline", str(tmp_path / "missing.json"))
    assert result.exit_code == 2
    baseline = tmp_path / "b.json"
    baseline.write_text(json.dumps({"format_version": "1.0", "gold_sha256": GOLD, "systems": {}}))
    result = invoke("check", str(run), "--baseline", str(baseline))
    assert_one_line_error(result, run / "results.json", "duplicated key 'f1'", 2)


# --- baseline.json ----------------------------------------------------------------------------


def _gate(data: dict[str, Any]) -> dict[str, Any]:
    gate: dict[str, Any] = data["systems"]["rules"]["quotes"]["attribution"]
    return gate


BASELINE_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("nan f1", lambda d: _gate(d).update(f1=float("nan")), ".attribution.f1: NaN and Infinity"),
    ("infinite tolerance", lambda d: _gate(d).update(tolerance=float("inf")), ".tolerance: NaN"),
    (
        "negative tolerance",
        lambda d: _gate(d).update(tolerance=-1),
        ".tolerance: expected float >=",
    ),
    ("f1 of 2", lambda d: _gate(d).update(f1=2.0), ".f1: expected float <= 1.0"),
    ("boolean f1", lambda d: _gate(d).update(f1=False), ".f1: expected float | null, got bool"),
    ("string f1", lambda d: _gate(d).update(f1="0.5"), ".f1: expected float | null, got str"),
    ("misspelled tolerance", lambda d: _gate(d).update(tolerence=0.1), "unknown field 'tolerence'"),
    ("no such metric", lambda d: d["systems"]["rules"]["quotes"].update(best={"f1": 1}), "best"),
    ("no such layer", lambda d: d["systems"]["rules"].update(vibes={}), "unknown layer 'vibes'"),
    ("negative default", lambda d: d.update(default_tolerance=-0.1), "$.default_tolerance"),
    ("wrong version", lambda d: d.update(format_version="2.0"), "$.format_version"),
    ("duplicated key", lambda d: d.update(__dup__=True), "duplicated key 'f1'"),
]


@pytest.mark.parametrize(
    ("name", "mutate", "expected"), BASELINE_CASES, ids=[c[0] for c in BASELINE_CASES]
)
def test_bad_baselines_are_harness_errors(
    tmp_path: Path, name: str, mutate: Callable[[dict[str, Any]], None], expected: str
) -> None:
    run = tmp_path / "run"
    run.mkdir()
    results = results_json({"rules": {"quotes": {"attribution": 0.8}}}, gold=GOLD)
    (run / "results.json").write_text(json.dumps(results))
    data: dict[str, Any] = {
        "format_version": "1.0",
        "gold_sha256": GOLD,
        "default_tolerance": 0.02,
        "systems": {"rules": {"quotes": {"attribution": {"f1": 0.8, "tolerance": 0.02}}}},
    }
    mutate(data)
    duplicate = data.pop("__dup__", False)
    text = json.dumps(data)
    if duplicate:
        text = text.replace('"f1": 0.8', '"f1": 0.0, "f1": 0.8', 1)
    baseline = tmp_path / "baseline.json"
    baseline.write_text(text)
    result = invoke("check", str(run), "--baseline", str(baseline))
    assert_one_line_error(result, baseline, expected, 2)


def test_bench_baseline_refuses_a_run_with_invalid_numbers_and_keeps_the_good_baseline(
    tmp_path: Path,
) -> None:
    good_run = tmp_path / "good"
    good_run.mkdir()
    data = results_json({"rules": {"quotes": {"attribution": 0.8}}}, gold=GOLD)
    (good_run / "results.json").write_text(json.dumps(data))
    baseline = tmp_path / "reports" / "baseline.json"
    assert invoke("baseline", str(good_run), "--out", str(baseline)).exit_code == 0
    before = baseline.read_bytes()
    for value in (float("nan"), float("inf"), 7.5, -0.5, True, "0.8"):
        bad_run = tmp_path / f"bad-{value}"
        bad_run.mkdir()
        broken = copy.deepcopy(data)
        _metric(broken)["f1"] = value
        (bad_run / "results.json").write_text(json.dumps(broken))
        result = invoke("baseline", str(bad_run), "--out", str(baseline))
        assert_one_line_error(result, bad_run / "results.json", "f1", 2)
        assert baseline.read_bytes() == before
    assert not list(baseline.parent.glob(".*.tmp"))
    for tolerance in ("nan", "-1", "inf"):
        result = invoke("baseline", str(good_run), "--out", str(baseline), "--tolerance", tolerance)
        assert result.exit_code == 2 and "--tolerance" in result.output
        assert baseline.read_bytes() == before


# --- system configs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name: x\nadapter: rules\nadapter: empty\n", "line 3: duplicated key 'adapter'"),
        ("name: x\nadapter: rules\nparams:\n  a: 1\n  a: 2\n", "line 5: duplicated key 'a'"),
        ("name: x\nadapter: rules\nparams: {x: .inf}\n", "$.params: values must be plain JSON"),
        ("name: x\nadapter: rules\nenabled: 'false'\n", "$.enabled: expected bool, got str"),
        ("name: ../../x\nadapter: rules\n", "$.name: expected str that is a safe name"),
    ],
)
def test_bad_system_configs_are_located_errors(tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / "x.yaml").write_text(content, encoding="utf-8")
    result = invoke("list", "--systems", str(tmp_path))
    assert result.exit_code == 0
    line = next(row for row in result.stdout.splitlines() if "systems/x.yaml" in row)
    assert expected in line, line


# --- caches -------------------------------------------------------------------------------------


def test_a_cache_entry_is_served_only_for_the_key_it_records(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    annotation = tiny_annotation()
    mine = CacheIdentity("rules", "1", "c", annotation.text_sha256)
    theirs = CacheIdentity("spacy", "1", "c", annotation.text_sha256)
    cache.put(identity_key(mine), annotation, mine)
    assert cache.get(identity_key(mine), "tiny") == annotation
    # copied under another system's key: a miss, not that system's result
    cache.path(identity_key(theirs)).parent.mkdir(parents=True, exist_ok=True)
    cache.path(identity_key(theirs)).write_bytes(cache.path(identity_key(mine)).read_bytes())
    assert cache.get(identity_key(theirs), "tiny") is None
    # the recorded key rewritten to match, but the identity still says rules: a miss
    entry = json.loads(cache.path(identity_key(mine)).read_text())
    entry["key"] = identity_key(theirs)
    cache.path(identity_key(theirs)).write_text(json.dumps(entry))
    assert cache.get(identity_key(theirs), "tiny") is None
    # damaged entries are misses
    for damage in ("{", '{"cache_format": "2"}', json.dumps({**entry, "extra": 1}), ""):
        cache.path(identity_key(mine)).write_text(damage)
        assert cache.get(identity_key(mine), "tiny") is None


def test_a_corrupt_llm_cache_entry_names_its_file(tmp_path: Path) -> None:
    import msgspec

    from benchmark._errors import BenchError
    from benchmark._formats import LLMCacheEntry
    from benchmark.systems.llm._cache import ResponseCache

    cache = ResponseCache(tmp_path, "model")
    data: dict[str, Any] = {
        "cache_format": 1,
        "request": {
            "endpoint": "http://127.0.0.1:1/v1",
            "model": "model",
            "temperature": 0,
            "max_tokens": None,
            "prompt_version": 1,
            "response_format": None,
            "article_sha256": "e" * 64,
        },
        "created": "2026-01-01T00:00:00+00:00",
        "response": {"id": None, "model": None, "finish_reason": "stop", "content": "{}"},
    }
    entry = msgspec.convert(data, LLMCacheEntry)
    path = cache.store("a" * 64, "b" * 64, entry)
    assert cache.lookup("a" * 64, "b" * 64) == entry
    path.write_text(path.read_text().replace('"content"', '"content": "x", "content"', 1))
    with pytest.raises(BenchError, match=r"duplicated key 'content'.*corrupt llm cache entry"):
        cache.lookup("a" * 64, "b" * 64)
    for damage in ('{"cache_format": 1}', "[]", json.dumps({**data, "cache_format": 2})):
        path.write_text(damage)
        with pytest.raises(BenchError, match=str(path.name)):
            cache.lookup("a" * 64, "b" * 64)


# --- annotations written by the tool are read back identically ----------------------------------


def test_written_annotations_round_trip_and_are_refused_when_broken(tmp_path: Path) -> None:
    annotation = tiny_annotation()
    write_annotation(tmp_path / "a.json", annotation)
    text = (tmp_path / "a.json").read_text()
    assert json.loads(text)["entities"][0]["start"] == 0
    for bad in ("NaN", "Infinity", "-Infinity", "1e999"):
        broken = text.replace('"start": 0', f'"start": {bad}', 1)
        gold = gold_folder(tmp_path / f"gold-{bad}", broken)
        result = invoke("validate", "--gold", str(gold))
        assert result.exit_code == 1 and "tiny.json" in result.stdout, (bad, result.output)
        assert "Traceback" not in result.output
