"""What ``bench check`` tells a CI system: a JUnit XML file and GitHub workflow commands.

Computing is separate from rendering: :func:`gate_outcomes` judges every gated metric of a
baseline against a run (one :class:`GateOutcome` each, with the same failure lines as ``bench
check``); :func:`render_junit`, :func:`render_junit_error`, :func:`github_lines` and
:func:`step_summary` only format what it found.

JUnit: one ``<testcase>`` per system x layer x gated metric, named ``system::layer::metric`` (as
the pytest gate names its items), in class ``bench-gate.<system>.<layer>``. A regression is a
``<failure>`` whose ``message`` is the ``bench check`` line and whose text gives the baseline, the
new value, the tolerance and the delta. A harness error (exit 2) is one ``<testcase>`` holding an
``<error>``, so the test report shows why the gate could not run.

Example:
    >>> from benchmark._run._check import GateMetric
    >>> gate = GateMetric("rules", "quotes", "attribution", 0.8, 0.02)
    >>> outcome = GateOutcome(gate, 0.7, gate.failure_line(0.7))
    >>> outcome.failure, round(outcome.delta or 0, 3)
    ('rules quotes/attribution f1 fell 0.100 (0.800 -> 0.700), tolerance 0.02', -0.1)
    >>> escape_property("a:b,c%")
    'a%3Ab%2Cc%25'
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from .._errors import BenchError
from .._formats import Results
from .._json import atomic_write_text
from ._check import CheckReport, GateMetric, LoadedBaseline

SUITE_NAME = "bench check"
"""The JUnit test suite's name (and the title of every GitHub annotation)."""
STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
OUTPUT_FORMATS = ("text", "github")
"""``bench check --format`` values: plain lines, or GitHub workflow commands."""


@dataclass(frozen=True)
class GateOutcome:
    """One gated metric judged against a run.

    Attributes:
        gate: the metric, its baseline F1 and its tolerance.
        current: the run's F1 (None when the system or the metric is missing, or F1 is null).
        failure: the ``bench check`` failure line, or None when the metric holds.
    """

    gate: GateMetric
    current: float | None
    failure: str | None

    @property
    def delta(self) -> float | None:
        """The run's F1 minus the baseline's (None without a run F1)."""
        return None if self.current is None else self.current - self.gate.baseline


def gate_outcomes(results: Results, baseline: LoadedBaseline) -> tuple[GateOutcome, ...]:
    """Every gated metric of ``baseline`` judged against ``results``, in the baseline's order.

    The failure lines are :meth:`~benchmark._run._check.GateMetric.failure`'s, so they match
    what ``bench check`` prints (one per metric, even when a whole system is missing).

    Example:
        >>> from benchmark._report._format import minimal_results
        >>> from benchmark._run._check import gated_metrics
        >>> from benchmark._formats import Baseline, Gate
        >>> model = Baseline("1.0", None, {"rules": {"speakers": {"set": Gate(0.9)}}})
        >>> loaded = LoadedBaseline(Path("b.json"), model, gated_metrics(model))
        >>> [o.failure for o in gate_outcomes(minimal_results(), loaded)]
        ['rules: missing from the run; baseline rules speakers/set f1 0.900']
    """
    return tuple(
        GateOutcome(gate, gate.current(results), gate.failure(results)) for gate in baseline.metrics
    )


# --- JUnit -------------------------------------------------------------------------------------


_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold (controls, lone surrogates) as ``?``.

    Example:
        >>> xml_safe("a\\x00b\\x1bc\\n")
        'a?b?c\\n'
    """
    return _NOT_XML.sub("?", text)


def _fmt(value: float | None) -> str:
    return "none" if value is None else f"{value:.4f}"


def _suite(tests: int, failures: int, errors: int) -> tuple[ET.Element, ET.Element]:
    root = ET.Element("testsuites", name=SUITE_NAME)
    counts = {"tests": str(tests), "failures": str(failures), "errors": str(errors)}
    root.attrib.update(counts)
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME, **counts, "skipped": "0"})
    return root, suite


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def render_junit(outcomes: Sequence[GateOutcome], *, baseline: Path) -> str:
    """A JUnit XML report: one test case per gated metric, a failure per regression.

    Example:
        >>> from benchmark._run._check import GateMetric
        >>> gate = GateMetric("rules", "speakers", "set", 0.9, 0.02)
        >>> outcome = GateOutcome(gate, 0.5, gate.failure_line(0.5))
        >>> xml = render_junit([outcome], baseline=Path("b.json"))
        >>> '<testsuite name="bench check" tests="1" failures="1" errors="0"' in xml
        True
        >>> 'message="rules speakers/set f1 fell 0.400 (0.900 -&gt; 0.500), tolerance 0.02"' in xml
        True
    """
    failed = sum(1 for o in outcomes if o.failure is not None)
    root, suite = _suite(len(outcomes), failed, 0)
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="baseline", value=xml_safe(str(baseline)))
    for outcome in outcomes:
        gate = outcome.gate
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"bench-gate.{gate.system}.{gate.layer}",
            name=gate.name,
            time="0",
        )
        facts = (
            f"baseline: {_fmt(gate.baseline)}\nvalue: {_fmt(outcome.current)}\n"
            f"tolerance: {gate.tolerance:g}\ndelta: "
            + ("none" if outcome.delta is None else f"{outcome.delta:+.4f}")
            + f"\nbaseline file: {baseline}\n"
        )
        if outcome.failure is not None:
            line = xml_safe(outcome.failure)
            failure = ET.SubElement(case, "failure", message=line, type="regression")
            failure.text = f"{line}\n{xml_safe(facts)}"
        else:
            ET.SubElement(case, "system-out").text = xml_safe(facts)
    return _xml(root)


def render_junit_error(message: str) -> str:
    """A JUnit XML report for a harness error: one test case holding an ``<error>``.

    Example:
        >>> xml = render_junit_error("b.json: no such baseline file")
        >>> 'errors="1"' in xml, '<error message="b.json: no such baseline file"' in xml
        (True, True)
    """
    root, suite = _suite(1, 0, 1)
    case = ET.SubElement(suite, "testcase", classname="bench-gate", name="harness", time="0")
    message = xml_safe(message)
    ET.SubElement(case, "error", message=message, type="harness-error").text = message
    return _xml(root)


def write_junit(path: Path, xml: str) -> None:
    """Write a JUnit report atomically.

    Raises:
        BenchError: (exit code 2) when it cannot be written.
    """
    try:
        atomic_write_text(Path(path), xml)
    except (OSError, BenchError) as exc:
        raise BenchError(f"--junit {path}: cannot write: {exc}", exit_code=2) from None


# --- GitHub ------------------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """Escape a workflow command's message (``%``, ``\\r``, ``\\n``), as GitHub's toolkit does.

    Example:
        >>> escape_data("50%\\nnext")
        '50%25%0Anext'
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value: as :func:`escape_data`, and ``:`` and ``,``.

    Example:
        >>> escape_property("rules, quotes: 1")
        'rules%2C quotes%3A 1'
    """
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, **properties: str) -> str:
    """One GitHub workflow command line, e.g. ``::error title=T::message``.

    Example:
        >>> workflow_command("notice", "a\\nb", title="x,y")
        '::notice title=x%2Cy::a%0Ab'
    """
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{command}{' ' + props if props else ''}::{escape_data(message)}"


def github_lines(report: CheckReport, *, baseline: Path) -> list[str]:
    """Workflow commands for a check: an ``::error::`` per regression, a ``::notice::`` per note,
    and a closing plain line.

    Example:
        >>> report = CheckReport(("rules quotes/attribution f1 fell 0.1",), (), 3)
        >>> github_lines(report, baseline=Path("b.json"))
        ['::error title=bench check::rules quotes/attribution f1 fell 0.1', '1 regression(s) against b.json']
    """  # noqa: E501
    lines = [workflow_command("error", line, title=SUITE_NAME) for line in report.failures]
    lines += [workflow_command("notice", note, title=SUITE_NAME) for note in report.notes]
    if report.ok:
        lines.append(f"ok: {report.checked} gated metrics within tolerance of {baseline}")
    else:
        lines.append(f"{len(report.failures)} regression(s) against {baseline}")
    return lines


def step_summary(report: CheckReport, summary_md: str, *, baseline: Path) -> str:
    """The Markdown appended to ``$GITHUB_STEP_SUMMARY``: the verdict, then the run's summary.md.

    Example:
        >>> print(step_summary(CheckReport((), (), 2), "# Run\\n", baseline=Path("b.json")))
        ### bench check: ok
        <BLANKLINE>
        2 gated metrics within tolerance of `b.json`.
        <BLANKLINE>
        # Run
        <BLANKLINE>
    """
    if report.ok:
        head = [
            "### bench check: ok",
            "",
            f"{report.checked} gated metrics within tolerance of `{baseline}`.",
        ]
    else:
        head = [
            f"### bench check: {len(report.failures)} regression(s)",
            "",
            f"Against `{baseline}`:",
            "",
            *(f"- {line}" for line in report.failures),
        ]
    if report.notes:
        head += ["", *(f"- note: {note}" for note in report.notes)]
    return "\n".join([*head, "", summary_md.rstrip("\n"), ""])


def run_summary_md(run: Path, results: Results) -> str:
    """The run's ``summary.md`` when it has one (``bench score --out`` writes none), else the same
    summary rendered from its results.json.

    Example:
        >>> from benchmark._report._format import minimal_results
        >>> "### Leaderboard" in run_summary_md(Path("no/such/run"), minimal_results())
        True
    """
    from .._json import read_bytes
    from .._report import SUMMARY_FILE, render_summary_md
    from ._files import results_path

    path = results_path(run).parent / SUMMARY_FILE
    if path.is_file():
        try:
            return read_bytes(path).decode("utf-8", errors="replace")
        except BenchError:
            pass
    return render_summary_md(results)


def append_step_summary(text: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """Append ``text`` to the file ``$GITHUB_STEP_SUMMARY`` names; None when it is not set.

    Raises:
        BenchError: (exit code 2) when the file cannot be written.

    Example:
        >>> append_step_summary("# ok", environ={}) is None
        True
    """
    target = (os.environ if environ is None else environ).get(STEP_SUMMARY_ENV)
    if not target:
        return None
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise BenchError(
            f"${STEP_SUMMARY_ENV} {target}: cannot append: {exc.strerror or exc}", exit_code=2
        ) from None
    return Path(target)
