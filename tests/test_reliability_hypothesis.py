"""DESIGN §9 by property: arbitrary and mutated input never gives a traceback; scores stay sane.

Every loader, the validator, the scorer and the ``validate``/``score`` commands are fed random
JSON, mutations of a valid annotation (keys deleted or renamed, types changed, offsets negative or
huge, random Unicode text, lone surrogates) and random YAML. The only exception allowed out is
:class:`~benchmark._errors.BenchError`; the CLI exits 0 or 1 and prints one line per problem,
naming the file and a JSON path. For valid random inputs the scores are in range, strict counts
add up to the gold and the result does not depend on the order of the predictions.
"""

from __future__ import annotations

import copy
import json
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmark._cli import cli
from benchmark._errors import BenchError, Problem
from benchmark._formats import MetricTotals
from benchmark._gold import load_gold
from benchmark._io import (
    annotation_to_json,
    parse_annotation,
    read_annotation,
    read_document,
    write_annotation,
)
from benchmark._json import encode
from benchmark._models import (
    ENTITY_TYPES,
    Annotation,
    Claim,
    Corpus,
    Document,
    Entity,
    Example,
    Quote,
    Span,
    Speaker,
)
from benchmark._scoring import METRICS, score_document, score_system
from benchmark._validate import check_annotation
from tests.factories import TINY_TEXT, tiny_annotation

settings.register_profile(
    "reliability",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
)
PROFILE = settings.get_profile("reliability")
FEW = settings(PROFILE, max_examples=8)  # for the CLI round trips, which cost more

VALID = annotation_to_json(tiny_annotation())

# --- strategies --------------------------------------------------------------------------------

LONE_SURROGATE = st.sampled_from(["\ud83d", "\ude00", "a\udfffb"])
TEXT = st.one_of(st.text(max_size=12), LONE_SURROGATE)
INTS = st.one_of(
    st.integers(-5, len(TINY_TEXT) + 5),
    st.integers(-(2**70), 2**70),
    st.sampled_from([-1, 0, len(TINY_TEXT), len(TINY_TEXT) + 1, 2**63, -(2**63) - 1]),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), INTS, st.floats(allow_nan=False, allow_infinity=False), TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path (keys and indices) to a value inside ``data``, the root excluded."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield (*prefix, i)
            yield from _paths(value, (*prefix, i))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any] = VALID) -> dict[str, Any]:
    """A valid annotation after 1-3 mutations: delete, rename, retype, re-offset, re-text."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _parent(data, path), path[-1]
        action = draw(st.sampled_from(["delete", "rename", "json", "offset", "text", "extra"]))
        if action == "delete":
            del parent[key]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(TEXT)] = parent.pop(key)
        elif action == "offset":
            parent[key] = draw(INTS)
        elif action == "text":
            parent[key] = draw(TEXT)
        elif action == "extra" and isinstance(parent, dict):
            parent[draw(TEXT)] = draw(JSON)
        else:
            parent[key] = draw(JSON)
    return data


@st.composite
def offset_mutations(draw: st.DrawFn) -> dict[str, Any]:
    """Only the offsets of a valid annotation changed (so the rest still parses)."""
    data = copy.deepcopy(VALID)
    offsets = [p for p in _paths(data) if p[-1] in ("start", "end")]
    for path in draw(st.lists(st.sampled_from(offsets), min_size=1, max_size=3)):
        _parent(data, path)[path[-1]] = draw(INTS)
    return data


# --- helpers -----------------------------------------------------------------------------------


def _json_text(data: Any) -> str:
    # ensure_ascii keeps lone surrogates as \\udXXX escapes, exactly as a hostile file would.
    return json.dumps(data, ensure_ascii=True)


@contextmanager
def _gold_dir(annotation_text: str | None = None) -> Iterator[Path]:
    """A gold folder of the tiny article; its annotation file replaced by ``annotation_text``."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "gold"
        (root / "articles").mkdir(parents=True)
        (root / "articles" / "tiny.txt").write_bytes(TINY_TEXT.encode("utf-8"))
        write_annotation(root / "annotations" / "tiny.json", tiny_annotation())
        if annotation_text is not None:
            (root / "annotations" / "tiny.json").write_text(annotation_text, encoding="utf-8")
        yield root


def _assert_problems_are_located(problems: list[Problem], file: str) -> None:
    assert problems, "a rejected input must come with at least one problem"
    for problem in problems:
        assert problem.file == file
        assert problem.path == "" or problem.path.startswith("$"), problem
        assert problem.reason and "\n" not in str(problem), problem


def _assert_cli_problem_lines(output: str, file: Path) -> None:
    """Every stdout line of ``bench validate`` is one problem naming the file and a JSON path."""
    lines = output.splitlines()
    assert lines
    for line in lines:
        assert line.startswith(f"{file}: "), line
        rest = line.removeprefix(f"{file}: ")
        assert rest.startswith("$") or ":" not in rest[:1], line


# --- loaders and validator ----------------------------------------------------------------------


@PROFILE
@given(JSON)
def test_parse_annotation_never_raises_on_arbitrary_json(data: Any) -> None:
    annotation, problems = parse_annotation(data, "f.json")
    if annotation is None:
        _assert_problems_are_located(problems, "f.json")
    else:
        assert problems == []


@PROFILE
@given(mutated())
def test_mutated_annotation_is_parsed_and_checked_without_a_traceback(data: Any) -> None:
    annotation, problems = parse_annotation(data, "f.json")
    if annotation is None:
        _assert_problems_are_located(problems, "f.json")
        return
    found = check_annotation(annotation, Document("tiny", TINY_TEXT), "f.json", gold=True)
    for problem in found:
        assert problem.file == "f.json" and problem.path.startswith("$"), problem
    if not found:  # accepted: it must round-trip and be writable (valid UTF-8)
        assert parse_annotation(annotation_to_json(annotation), "g.json")[0] == annotation
        json.dumps(annotation_to_json(annotation), ensure_ascii=False).encode("utf-8")


def _expected_offset_paths(data: dict[str, Any]) -> set[str]:
    """An independent oracle: the JSON paths of spans that are out of range, empty or reversed,
    or whose text no longer matches the article."""
    n, bad = len(TINY_TEXT), set()

    def check(span: dict[str, Any], path: str, text: str | None) -> None:
        start, end = span["start"], span["end"]
        if not (0 <= start < end <= n):
            bad.add(path)
        elif text is not None and TINY_TEXT[start:end] != text:
            bad.add(f"{path}.text")

    for i, entity in enumerate(data["entities"]):
        check(entity, f"$.entities[{i}]", entity["text"])
    for i, quote in enumerate(data["quotes"]):
        check(quote, f"$.quotes[{i}]", quote["text"])
        for name in ("speaker_span", "cue_span"):
            check(quote[name], f"$.quotes[{i}].{name}", None)
    for i, claim in enumerate(data["claims"]):
        for j, span in enumerate(claim["evidence"]):
            check(span, f"$.claims[{i}].evidence[{j}]", None)
    return bad


@PROFILE
@given(offset_mutations())
def test_bad_offsets_are_exactly_the_located_problems(data: Any) -> None:
    annotation, problems = parse_annotation(data, "f.json")
    if annotation is None:  # negative or beyond 64 bits: rejected by the schema
        _assert_problems_are_located(problems, "f.json")
        layers = ("$.entities[", "$.quotes[", "$.claims[")
        assert all(p.path.startswith(layers) for p in problems), problems
        return
    problems = check_annotation(annotation, Document("tiny", TINY_TEXT), "f.json", gold=True)
    assert {p.path for p in problems} == _expected_offset_paths(data)


@PROFILE
@given(st.one_of(mutated().map(_json_text), st.text(max_size=80), JSON.map(_json_text)))
def test_read_annotation_and_load_gold_raise_only_bench_error(text: str) -> None:
    with _gold_dir(text) as root:
        path = root / "annotations" / "tiny.json"
        try:
            read_annotation(path)
        except BenchError as exc:
            assert str(exc).startswith(str(path)), exc
            assert "\n" not in str(exc)
        try:
            corpus = load_gold(root)
        except BenchError as exc:
            assert str(root) in str(exc) and "\n" not in str(exc)
        else:
            assert corpus.doc_ids == ("tiny",)


@PROFILE
@given(st.binary(max_size=64), st.sampled_from(["ok", "a..b", "a b", ".hidden", "x\n"]))
def test_read_document_raises_only_bench_error(raw: bytes, stem: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{stem}.txt"
        try:
            path.write_bytes(raw)
        except OSError:  # a name the file system refuses is not the harness's concern
            return
        try:
            document = read_document(path)
        except BenchError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc).replace(stem, "")
        else:
            assert stem == "ok" and document.text.encode("utf-8") == raw


@FEW
@given(st.one_of(mutated().map(_json_text), st.text(max_size=40)))
def test_bench_validate_lists_each_problem_on_one_line(text: str) -> None:
    with _gold_dir() as root:
        predictions = root.parent / "predictions" / "sys"
        predictions.mkdir(parents=True)
        file = predictions / "tiny.json"
        file.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(
            cli,
            ["validate", "--gold", str(root), "--predictions", str(root.parent / "predictions")],
        )
        assert result.exception is None or isinstance(result.exception, SystemExit), result
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
        if result.exit_code == 1:
            _assert_cli_problem_lines(result.stdout, file)
            assert result.stderr.strip().endswith("problem(s) found")
        else:
            assert "1 files OK" in result.stdout


@FEW
@given(st.one_of(mutated().map(_json_text), st.text(max_size=40)))
def test_bench_score_fails_with_one_line_naming_the_file(text: str) -> None:
    with _gold_dir() as root:
        predictions = root.parent / "predictions"
        predictions.mkdir()
        (predictions / "tiny.json").write_text(text, encoding="utf-8")
        args = ["score", "--gold", str(root), "--predictions", str(predictions)]
        result = CliRunner().invoke(cli, [*args, "--json", "--samples", "0"])
        assert result.exception is None or isinstance(result.exception, SystemExit), result
        assert result.exit_code in (0, 1), result.output
        if result.exit_code == 1:
            (line,) = result.stderr.splitlines()
            assert line.startswith(f"bench: error: {predictions / 'tiny.json'}"), line
            assert result.stdout == ""
        else:
            results = json.loads(result.stdout)
            _assert_scores_in_range(results["results"]["predictions"])


@PROFILE
@given(st.one_of(st.text(max_size=120), JSON.map(lambda d: json.dumps(d))))
def test_arbitrary_yaml_config_is_ready_or_a_located_error(text: str) -> None:
    from benchmark._systems import discover_systems

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "x.yaml").write_text(text, encoding="utf-8")
        infos = discover_systems(Path(tmp))
    from_file = [i for i in infos if i.source == "systems/x.yaml"]
    assert len(from_file) == 1
    status = from_file[0].status
    assert status == "ready" or status.startswith(("error: systems/x.yaml: ", "unavailable: "))
    assert "\n" not in status


@PROFILE
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(st.text(max_size=8), SCALARS),
            "adapter": st.one_of(st.sampled_from(["empty", "rules", "nope"]), SCALARS),
            "display_name": st.one_of(st.text(max_size=8), SCALARS),
            "params": st.one_of(st.dictionaries(st.text(max_size=5), SCALARS, max_size=3), JSON),
            "enabled": SCALARS,
            "offline": SCALARS,
        },
    )
)
def test_structured_yaml_config_is_ready_or_a_located_error(data: dict[str, Any]) -> None:
    import yaml

    from benchmark._systems import discover_systems

    try:
        text = yaml.safe_dump(data, allow_unicode=False)
    except yaml.YAMLError:
        return
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "x.yaml").write_text(text, encoding="utf-8")
        infos = discover_systems(Path(tmp))
    from_file = [i for i in infos if i.source == "systems/x.yaml"]
    assert len(from_file) == 1, infos
    status = from_file[0].status
    if data.get("adapter") == "nope":
        assert status.startswith("error: systems/x.yaml: "), status
    assert status == "ready" or status.startswith(("error: systems/x.yaml: ", "unavailable: "))


# --- scorer: valid random inputs give sane, deterministic, order-free scores --------------------

ARTICLE = "Ann Smith said “prices will rise” in Paris.\n\nBob Jones, the mayor, disagreed. " * 2
NAMES = ["Ann Smith", "Smith", "Bob Jones", "the mayor", "nobody", ""]


@st.composite
def spans(draw: st.DrawFn) -> Span:
    start = draw(st.integers(0, len(ARTICLE) - 1))
    end = draw(st.integers(start + 1, min(len(ARTICLE), start + 30)))
    return Span(start, end)


@st.composite
def annotations(draw: st.DrawFn, *, gold: bool) -> Annotation:
    doc = Document("d", ARTICLE)
    entities = []
    for span in draw(st.lists(spans(), max_size=8)):
        eid = draw(st.sampled_from(["ann-smith", "bob-jones", "paris", None]))
        etype = draw(st.sampled_from(ENTITY_TYPES))
        entities.append(Entity(span.start, span.end, ARTICLE[span.start : span.end], etype, eid))
    if gold:  # gold has no duplicate mention (the validator rejects them)
        entities = list({(e.start, e.end, e.type): e for e in entities}.values())
    speakers = (
        (Speaker("Ann Smith", "ann-smith", ("Smith",)), Speaker("Bob Jones", "bob-jones"))
        if gold
        else tuple(Speaker(n) for n in draw(st.lists(st.sampled_from(NAMES), max_size=3)))
    )
    quotes = []
    for span in draw(st.lists(spans(), max_size=4)):
        speaker = draw(
            st.sampled_from(["ann-smith", "bob-jones", None] if gold else [*NAMES, None])
        )
        cue = draw(st.one_of(st.none(), spans()))
        quotes.append(
            Quote(
                span.start, span.end, ARTICLE[span.start : span.end], "direct", speaker, None, cue
            )
        )
    claims = []
    for words in draw(st.lists(st.text("abc ", min_size=1, max_size=20), max_size=3)):
        source = draw(st.sampled_from(["author", "ann-smith"] if gold else [*NAMES, "author"]))
        evidence = tuple(draw(st.lists(spans(), max_size=2)))
        claims.append(Claim(words, source, "fact", (), evidence))
    return Annotation("d", doc.sha256, tuple(entities), speakers, tuple(quotes), tuple(claims))


def _assert_scores_in_range(system_results: dict[str, Any]) -> None:
    for layer, metrics in METRICS.items():
        for metric in metrics:
            data = system_results[layer][metric]
            for key in ("precision", "recall", "f1"):
                value = data[key]
                assert value is None or 0.0 <= value <= 1.0, (layer, metric, key, value)
            assert min(data["tp"], data["fp"], data["fn"]) >= 0


@PROFILE
@given(annotations(gold=True), annotations(gold=False), st.randoms(use_true_random=False))
def test_scores_are_in_range_complete_deterministic_and_order_free(
    gold: Annotation, pred: Annotation, rng: random.Random
) -> None:
    doc = Document("d", ARTICLE)
    assert check_annotation(gold, doc, "gold.json", gold=True) == []
    assert check_annotation(pred, doc, "pred.json", gold=False) == []
    first = score_document(gold, pred, ARTICLE)
    again = score_document(gold, pred, ARTICLE)
    shuffled_layers = {
        name: tuple(rng.sample(list(getattr(pred, name)), len(getattr(pred, name))))
        for name in ("entities", "speakers", "quotes", "claims")
    }
    shuffled = score_document(gold, Annotation("d", pred.text_sha256, **shuffled_layers), ARTICLE)
    for layer, metrics in METRICS.items():
        for metric in metrics:
            counts = first.counts(layer, metric)
            for value in (counts.precision, counts.recall, counts.f1):
                assert value is None or 0.0 <= value <= 1.0
            assert again.counts(layer, metric) == counts
            assert shuffled.counts(layer, metric) == counts, (layer, metric)
    for metric in ("strict", "exact"):
        counts = first.counts("entities", metric)
        assert counts.tp + counts.fn == len(gold.entities)
        assert counts.tp + counts.fp == len(pred.entities)
    quotes = first.counts("quotes", "exact")
    assert quotes.tp + quotes.fn == len(gold.quotes)
    assert quotes.tp + quotes.fp == len(pred.quotes)
    if gold == pred:
        assert first.counts("entities", "strict").f1 in (1.0, None)


@settings(PROFILE, max_examples=10)
@given(annotations(gold=True), annotations(gold=False))
def test_score_system_totals_and_json_are_sane(gold: Annotation, pred: Annotation) -> None:
    doc = Document("d", ARTICLE)
    corpus = Corpus((Example(doc, gold),))
    scores = score_system(corpus, {"d": pred}, bootstrap_samples=20, seed=1)
    data = msgspec.to_builtins(scores.totals())
    _assert_scores_in_range(data)
    # results.json never holds NaN or Infinity, and its model accepts every total
    raw = encode(data)
    for metrics in msgspec.json.decode(raw, type=dict[str, dict[str, MetricTotals]]).values():
        assert all(isinstance(m, MetricTotals) for m in metrics.values())
    strict = data["entities"]["strict"]
    assert strict["tp"] + strict["fn"] == len(gold.entities)
    again = score_system(corpus, {"d": pred}, bootstrap_samples=20, seed=1)
    assert msgspec.to_builtins(again.totals()) == data
    oracle = msgspec.to_builtins(score_system(corpus, {"d": gold}, bootstrap_samples=0).totals())
    for metric in ("strict", "exact", "partial", "type"):
        assert oracle["entities"][metric]["f1"] == (1.0 if gold.entities else None)
