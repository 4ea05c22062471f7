"""One typed model per file the tool reads or writes (annotations live in :mod:`._models`).

Every model is a frozen ``msgspec`` struct that refuses unknown fields; :mod:`._json` decodes
files into them strictly (duplicated keys, NaN and Infinity refused, integers bounded), and every
writer checks a value against its model before it reaches the disk.

=======================  ===========================================  ======================
file                     model                                        written by
=======================  ===========================================  ======================
``results.json``         :class:`Results`                             ``bench run``/``score``
``details.jsonl``        :class:`DocumentDetail` (one per line)       ``bench run``/``score``
``baseline.json``        :class:`Baseline`                            ``bench baseline``
``systems/*.yaml``       :class:`SystemConfig`                        people
result-cache entry       :class:`ResultCacheEntry`                    ``bench run``
LLM cache entry          :class:`LLMCacheEntry`                       the ``llm`` system
=======================  ===========================================  ======================

Scores are bounded where they are declared: precision, recall and F1 lie in [0, 1] (or are
null), counts are finite and non-negative, tolerances lie in [0, 1], and a metric's precision,
recall and F1 must agree with its own counts, so a hand-edited score cannot pass the gate.

Example:
    >>> from benchmark._json import decode
    >>> decode(b'{"f1": 0.5, "tolerance": -1}', Gate, "b.json")
    Traceback (most recent call last):
    ...
    benchmark._errors.BenchError: b.json: $.tolerance: expected float >= 0.0
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import msgspec

from ._io import DOC_ID_PATTERN
from ._models import LAYERS, Annotation

RESULTS_FORMAT: Literal["2.0"] = "2.0"
"""The results.json format this version writes and reads (1.0 kept per-document data inline)."""
BASELINE_FORMAT: Literal["1.0"] = "1.0"
RESULT_CACHE_FORMAT: Literal["2"] = "2"
LLM_CACHE_FORMAT: Literal[1] = 1
DETAILS_FILE = "details.jsonl"

SAFE_NAME = DOC_ID_PATTERN.pattern
"""The one pattern for names that become paths (doc ids, system names): letters, digits, ``.``,
``_`` and ``-``, starting with a letter or digit, at most 200 characters, no ``..``."""

Layer = Literal["entities", "quotes", "speakers", "claims"]
"""A layer name (checked against the scorer's layers where a file names one)."""
Probability = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
Count = Annotated[float, msgspec.Meta(ge=0.0, le=1e15)]
Tolerance = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
Sha256 = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]
Name = Annotated[str, msgspec.Meta(pattern=rf"\A{SAFE_NAME}\Z")]
Whole = Annotated[int, msgspec.Meta(ge=0, le=2**53)]


class Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False):
    """Base of every file model: immutable, unknown fields refused."""


def _check_metrics(field: str, table: dict[Any, dict[str, dict[str, Any]]]) -> None:
    """Refuse metric names the scorer does not have (the error names where, after an ``@``)."""
    from ._json import json_path
    from ._scoring import METRICS

    for system, by_layer in table.items():
        for layer, by_metric in by_layer.items():
            known = METRICS.get(layer, ())
            if not known:
                parts = [field, system] if system is not None else [field]
                raise ValueError(
                    f"@{json_path([*parts, layer])[2:]}: unknown layer {layer!r:.40} "
                    f"(one of {', '.join(METRICS)})"
                )
            for metric in by_metric:
                if metric not in known:
                    parts = [field, system] if system is not None else [field]
                    where = json_path([*parts, layer, metric])
                    raise ValueError(
                        f"@{where[2:]}: unknown {layer} metric {metric!r:.40} "
                        f"(one of {', '.join(known)})"
                    )


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def _agrees(stated: float | None, expected: float | None) -> bool:
    if stated is None or expected is None:
        return stated is None and expected is None
    return math.isclose(stated, expected, rel_tol=1e-9, abs_tol=1e-9)


# --- results.json -------------------------------------------------------------------------------


class Scores(Strict, frozen=True):
    """Precision, recall and F1 with the counts they come from."""

    precision: Probability | None
    recall: Probability | None
    f1: Probability | None
    tp: Count
    fp: Count
    fn: Count

    def __post_init__(self) -> None:
        tp, fp, fn = self.tp, self.fp, self.fn
        for name, stated, expected in (
            ("precision", self.precision, _ratio(tp, tp + fp)),
            ("recall", self.recall, _ratio(tp, tp + fn)),
            ("f1", self.f1, _ratio(2 * tp, 2 * tp + fp + fn)),
        ):
            if not _agrees(stated, expected):
                raise ValueError(f"{name} {stated} does not agree with tp, fp, fn ({expected})")


class MetricTotals(Scores, frozen=True):
    """One metric of one system over the corpus: scores, counts and the F1 interval."""

    ci: tuple[Probability, Probability] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.ci is not None and self.ci[0] > self.ci[1]:
            raise ValueError(f"interval [{self.ci[0]}, {self.ci[1]}] is reversed")


class BootstrapSettings(Strict, frozen=True):
    """How the intervals were computed."""

    samples: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
    seed: int
    unit: Literal["document", "paragraph"]


class SystemProvenance(Strict, frozen=True):
    """What identifies a system in a run (its config is redacted: no key reaches a file)."""

    adapter: str | None = None
    version: str | None = None
    config: dict[str, Any] = {}
    config_hash: str | None = None
    source: str | None = None
    display_name: str | None = None


class Provenance(Strict, frozen=True):
    """How a run was made."""

    package_version: str
    git_commit: str | None
    gold_sha256: Sha256
    gold_dir: str | None
    timestamp: str
    python: str
    platform: str
    bootstrap: BootstrapSettings
    systems: dict[str, SystemProvenance]
    command: str | None = None


class Macro(Strict, frozen=True):
    """Unweighted means over entity types."""

    precision: Probability | None
    recall: Probability | None
    f1: Probability | None


class Confusion(Strict, frozen=True):
    """Gold type (rows) against predicted type (columns) of partially matched mentions."""

    labels: list[str]
    matrix: list[list[Whole]]


class EntityBreakdown(Strict, frozen=True):
    """Per entity type counts, their macro means and the type confusion matrix."""

    per_type: dict[str, dict[str, Scores]]
    macro: dict[str, Macro]
    confusion: Confusion


class Breakdown(Strict, frozen=True):
    """The ``breakdown[system]`` part of results.json."""

    entities: EntityBreakdown


class Results(Strict, frozen=True):
    """``results.json``: totals, intervals and provenance; per-document data is in
    ``details.jsonl`` beside it."""

    format_version: Literal["2.0"]
    provenance: Provenance
    documents: list[str]
    results: dict[Name, dict[str, dict[str, MetricTotals]]]
    breakdown: dict[Name, Breakdown] = {}
    errors: dict[Name, dict[str, str]] = {}
    skipped: dict[Name, str] = {}
    usage: dict[Name, dict[str, Annotated[float, msgspec.Meta(ge=0)]]] = {}

    def __post_init__(self) -> None:
        _check_metrics("results", self.results)

    @property
    def systems(self) -> list[str]:
        """The scored systems, in results order."""
        return list(self.results)

    def totals(self, system: str, layer: str, metric: str) -> MetricTotals | None:
        """One system's totals of one metric, or None when absent."""
        return self.results.get(system, {}).get(layer, {}).get(metric)

    def display_name(self, system: str) -> str:
        """The system's display name from the provenance (else its name)."""
        described = self.provenance.systems.get(system)
        return (described.display_name if described else None) or system


# --- details.jsonl --------------------------------------------------------------------------------

Triple = tuple[Count, Count, Count]


class MetricDetail(Strict, frozen=True):
    """One metric on one document: counts (total and per paragraph; no paragraph list when the
    document is one paragraph) and the errors themselves."""

    counts: Triple
    paragraphs: list[Triple] = []
    false_positives: list[dict[str, Any]] = []
    false_negatives: list[dict[str, Any]] = []


class DocumentDetail(Strict, frozen=True):
    """One line of ``details.jsonl``: every metric of one system on one document."""

    system: Name
    doc_id: Name
    metrics: dict[str, dict[str, MetricDetail]]

    def __post_init__(self) -> None:
        _check_metrics("metrics", {None: self.metrics})


# --- baseline.json ----------------------------------------------------------------------------


class Gate(Strict, frozen=True):
    """One gated metric: the F1 it may not fall below (less its tolerance)."""

    f1: Probability | None
    tolerance: Tolerance | None = None


class MadeFrom(Strict, frozen=True):
    """Which run a baseline was made from."""

    git_commit: str | None = None
    package_version: str | None = None
    timestamp: str | None = None


class Baseline(Strict, frozen=True):
    """``reports/baseline.json``: the F1 each gated metric must hold."""

    format_version: Literal["1.0"]
    gold_sha256: Sha256 | None
    systems: dict[Name, dict[str, dict[str, Gate]]]
    default_tolerance: Tolerance = 0.02
    made_from: MadeFrom | None = None

    def __post_init__(self) -> None:
        _check_metrics("systems", self.systems)


# --- systems/*.yaml ---------------------------------------------------------------------------


class SystemConfig(Strict, frozen=True):
    """A named setting of an adapter, from ``systems/<name>.yaml``."""

    name: Name
    adapter: Annotated[str, msgspec.Meta(min_length=1)]
    display_name: str = ""
    params: dict[str, Any] = {}
    enabled: bool = True
    offline: bool | None = None
    description: str = ""


# --- caches -----------------------------------------------------------------------------------


class CacheIdentity(Strict, frozen=True):
    """The fields a result-cache key is made of."""

    system: str
    version: str
    config_hash: str
    article_sha256: str
    code_hash: str = ""


class ResultCacheEntry(Strict, frozen=True):
    """One cached (system, document) prediction, with the key it was stored under."""

    cache_format: Literal["2"]
    key: Sha256
    identity: CacheIdentity
    prediction: Annotation


class LLMRequest(Strict, frozen=True):
    """What an LLM call asked (never the API key)."""

    endpoint: str
    model: str
    temperature: float | None
    max_tokens: int | None
    prompt_version: Any
    response_format: str | None
    article_sha256: str


class LLMUsage(Strict, frozen=True):
    prompt_tokens: Whole | None = None
    completion_tokens: Whole | None = None


class LLMResponse(Strict, frozen=True):
    id: str | None
    model: str | None
    finish_reason: str | None
    content: str
    usage: LLMUsage = LLMUsage()


class LLMCacheEntry(Strict, frozen=True):
    """One recorded chat-completion answer."""

    cache_format: Literal[1]
    request: LLMRequest
    created: str
    response: LLMResponse


__all__ = [
    "BASELINE_FORMAT",
    "DETAILS_FILE",
    "LAYERS",
    "LLM_CACHE_FORMAT",
    "RESULTS_FORMAT",
    "RESULT_CACHE_FORMAT",
    "SAFE_NAME",
    "Baseline",
    "BootstrapSettings",
    "Breakdown",
    "CacheIdentity",
    "Confusion",
    "DocumentDetail",
    "EntityBreakdown",
    "Gate",
    "LLMCacheEntry",
    "LLMRequest",
    "LLMResponse",
    "LLMUsage",
    "Layer",
    "Macro",
    "MadeFrom",
    "MetricDetail",
    "MetricTotals",
    "Provenance",
    "ResultCacheEntry",
    "Results",
    "Scores",
    "Strict",
    "SystemConfig",
    "SystemProvenance",
]
