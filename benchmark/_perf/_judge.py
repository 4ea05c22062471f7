"""Verdicts on targets, judged on ratios of medians, with a noise rule.

A measured figure is an :class:`Estimate`: its value from medians, and the range that the samples
allow (from the least to the most favourable pairing of the extremes). A target is ``met`` only
when the whole range meets it, ``NOT MET`` only when the whole range misses it; otherwise the
spread is too large to decide with margin and the verdict is ``too noisy to judge``. A figure
from fewer than :data:`MIN_SAMPLES` samples has no known spread and is never judged.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

MET = "met"
NOT_MET = "NOT MET"
NOISY = "too noisy to judge"
NOT_MEASURED = "not measured"

MIN_SAMPLES = 2
"""Fewest samples behind a timing for it to be judged."""


@dataclass(frozen=True)
class Estimate:
    """A measured figure: ``value`` from medians, ``low``..``high`` the range the samples allow."""

    value: float
    low: float
    high: float
    samples: int

    def times(self, factor: float) -> Estimate:
        """This figure multiplied by a positive constant.

        Example:
            >>> Estimate(2.0, 1.0, 3.0, 5).times(10)
            Estimate(value=20.0, low=10.0, high=30.0, samples=5)
        """
        return Estimate(self.value * factor, self.low * factor, self.high * factor, self.samples)

    def into(self, amount: float) -> Estimate:
        """``amount`` divided by this figure (a rate from a duration): the range turns over.

        Example:
            >>> Estimate(2.0, 1.0, 4.0, 5).into(60)
            Estimate(value=30.0, low=15.0, high=60.0, samples=5)
        """
        return Estimate(amount / self.value, amount / self.high, amount / self.low, self.samples)


def estimate(values: Sequence[float]) -> Estimate:
    """The median of ``values`` and their range.

    Example:
        >>> estimate([3.0, 1.0, 2.0])
        Estimate(value=2.0, low=1.0, high=3.0, samples=3)
    """
    return Estimate(statistics.median(values), min(values), max(values), len(values))


def ratio(numerator: Sequence[float], denominator: Sequence[float]) -> Estimate:
    """The ratio of medians, between the least and the most favourable pairing of extremes.

    Example:
        >>> ratio([10.0, 12.0, 11.0], [1.0, 2.0, 1.0])
        Estimate(value=11.0, low=5.0, high=12.0, samples=3)
    """
    return Estimate(
        statistics.median(numerator) / statistics.median(denominator),
        min(numerator) / max(denominator),
        max(numerator) / min(denominator),
        min(len(numerator), len(denominator)),
    )


def verdict(figure: Estimate, threshold: float, *, at_least: bool) -> str:
    """Judge ``figure >= threshold`` (``at_least``) or ``figure <= threshold`` by its range.

    Example:
        >>> verdict(Estimate(6.0, 5.5, 7.0, 5), 5.0, at_least=True)
        'met'
        >>> verdict(Estimate(6.0, 4.5, 7.0, 5), 5.0, at_least=True)
        'too noisy to judge'
        >>> verdict(Estimate(3.0, 2.5, 3.5, 5), 5.0, at_least=True)
        'NOT MET'
        >>> verdict(Estimate(3.0, 3.0, 3.0, 1), 5.0, at_least=True)
        'too noisy to judge'
    """
    if figure.samples < MIN_SAMPLES:
        return NOISY
    if at_least:
        return MET if figure.low >= threshold else NOT_MET if figure.high < threshold else NOISY
    return MET if figure.high <= threshold else NOT_MET if figure.low > threshold else NOISY
