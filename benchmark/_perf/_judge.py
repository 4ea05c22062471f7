"""Verdicts on targets, judged on ratios of medians, with a noise rule.

A measured figure is an :class:`Estimate`: its value from medians, and the range the samples
allow. The range of one command's time is the middle half of its rounds (first to third
quartile). The range of a ratio of two commands comes from the ratios round by round (the
commands alternate, so the two runs of a round saw the same machine), again their middle half.
With fewer than :data:`QUARTILE_SAMPLES` samples the extremes stand in for the quartiles (the
extremes of both sides, least against most favourable, when the rounds do not pair). A target is
``met`` only when the whole range meets it, ``NOT MET`` only when the whole range misses it;
otherwise the spread is too large to decide with margin and the verdict is ``too noisy to
judge``. A figure from fewer than :data:`MIN_SAMPLES` samples has no known spread and is never
judged.

Quartiles rather than extremes: one round disturbed by other work on the machine moves an
extreme but not a quartile, so a verdict does not flip with a single busy moment, while a
figure whose typical rounds straddle the threshold still gets no verdict.
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

QUARTILE_SAMPLES = 4
"""Fewest samples whose range is their quartiles (fewer: their extremes)."""


def _middle(values: Sequence[float]) -> tuple[float, float]:
    """The first and third quartiles of ``values`` (their extremes when there are few).

    Example:
        >>> _middle([1.0, 2.0, 3.0, 4.0, 100.0])
        (2.0, 4.0)
        >>> _middle([1.0, 3.0])
        (1.0, 3.0)
    """
    if len(values) < QUARTILE_SAMPLES:
        return min(values), max(values)
    first, _, third = statistics.quantiles(values, n=4, method="inclusive")
    return first, third


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
    """The median of ``values`` and their range (quartiles, or extremes when few).

    Example:
        >>> estimate([3.0, 1.0, 2.0])
        Estimate(value=2.0, low=1.0, high=3.0, samples=3)
        >>> estimate([1.0, 1.1, 1.2, 1.3, 9.0])
        Estimate(value=1.2, low=1.1, high=1.3, samples=5)
    """
    low, high = _middle(values)
    return Estimate(statistics.median(values), low, high, len(values))


def ratio(numerator: Sequence[float], denominator: Sequence[float]) -> Estimate:
    """The ratio of medians, with the range of the round-by-round ratios (rounds pair up when
    both commands ran in every round); unpaired, the least and most favourable pairing of
    extremes.

    Example:
        >>> ratio([10.0, 12.0, 11.0], [1.0, 2.0, 1.0])
        Estimate(value=11.0, low=6.0, high=11.0, samples=3)
        >>> ratio([10.0, 12.0], [1.0, 2.0, 1.0])
        Estimate(value=11.0, low=5.0, high=12.0, samples=2)
    """
    value = statistics.median(numerator) / statistics.median(denominator)
    samples = min(len(numerator), len(denominator))
    if len(numerator) == len(denominator):
        low, high = _middle([n / d for n, d in zip(numerator, denominator, strict=True)])
    else:
        low, high = min(numerator) / max(denominator), max(numerator) / min(denominator)
    return Estimate(value, min(low, value), max(high, value), samples)


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
