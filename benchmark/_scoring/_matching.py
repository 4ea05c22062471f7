"""One-to-one maximum-weight bipartite matching, fast in the common case.

Every layer matches gold and predicted items through :func:`max_weight_matching`. It splits the
candidate pairs into connected components: a component with one pair is matched at once (the
common case: each gold span overlaps one predicted span); only larger components go to
``scipy.optimize.linear_sum_assignment``. The result never depends on the order of the inputs.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any, NamedTuple

Interval = tuple[int, int]


class Edge(NamedTuple):
    """A candidate pair: gold index, predicted index, the weight to maximise, and a tie-break.

    ``primary`` is what the metric counts (1 for a match, 0.5 for partial credit); ``secondary``
    in [0, 1] (e.g. the IoU) only chooses among assignments with the same primary total.
    """

    gold: int
    pred: int
    primary: float
    secondary: float = 0.0


def overlap_pairs(
    gold: Sequence[Interval], pred: Sequence[Interval], *, ordered: bool = True
) -> list[tuple[int, int]]:
    """Every (gold index, predicted index) whose half-open spans share at least one code point.

    Sort and sweep: O((n + m) log(n + m) + pairs), not O(n * m). The pairs come sorted unless
    ``ordered=False`` (for callers that only count).

    Example:
        >>> overlap_pairs([(0, 5), (10, 12)], [(4, 11), (20, 21), (0, 1)])
        [(0, 0), (0, 2), (1, 0)]
    """
    pred_order = sorted(range(len(pred)), key=pred.__getitem__)
    if _disjoint(pred, pred_order):
        pairs = _overlaps_with_disjoint(gold, pred, pred_order)
        if ordered:
            pairs.sort()
        return pairs
    gold_order = sorted(range(len(gold)), key=gold.__getitem__)
    if _disjoint(gold, gold_order):
        swapped = _overlaps_with_disjoint(pred, gold, gold_order)
        pairs = [(g, p) for p, g in swapped]
        if ordered:
            pairs.sort()
        return pairs
    pairs = []
    open_gold: list[int] = []  # gold spans started so far that may still overlap what starts next
    open_pred: list[int] = []
    i = j = 0
    n_gold, n_pred = len(gold_order), len(pred_order)
    while i < n_gold or j < n_pred:
        # Take the span that starts first (gold on ties: either order finds the same pairs).
        if j == n_pred or (i < n_gold and gold[gold_order[i]][0] <= pred[pred_order[j]][0]):
            g = gold_order[i]
            i += 1
            start, end = gold[g]
            if end <= start:
                continue
            if open_pred:
                open_pred = [p for p in open_pred if pred[p][1] > start]
                pairs.extend([(g, p) for p in open_pred])
            open_gold.append(g)
        else:
            p = pred_order[j]
            j += 1
            start, end = pred[p]
            if end <= start:
                continue
            if open_gold:
                open_gold = [g for g in open_gold if gold[g][1] > start]
                pairs.extend([(g, p) for g in open_gold])
            open_pred.append(p)
    if ordered:
        pairs.sort()
    return pairs


def _disjoint(spans: Sequence[Interval], order: Sequence[int]) -> bool:
    """True when the spans (``order`` sorts them) are non-empty and none overlaps another."""
    previous_end = -(2**63)
    for index in order:
        start, end = spans[index]
        if start < previous_end or end <= start:
            return False
        previous_end = end
    return True


def _overlaps_with_disjoint(
    spans: Sequence[Interval], disjoint: Sequence[Interval], order: Sequence[int]
) -> list[tuple[int, int]]:
    """Overlap pairs when ``disjoint`` (sorted by ``order``) has no overlap within itself.

    Its starts and ends then both ascend, so the spans overlapping ``[start, end)`` are one run
    found by two binary searches: those ending after ``start`` and starting before ``end``.
    """
    starts = [disjoint[i][0] for i in order]
    ends = [disjoint[i][1] for i in order]
    pairs: list[tuple[int, int]] = []
    for index, (start, end) in enumerate(spans):
        if end <= start:
            continue
        low = bisect_right(ends, start)
        high = bisect_left(starts, end, low)
        if high - low == 1:
            pairs.append((index, order[low]))
        elif high > low:
            pairs.extend([(index, order[k]) for k in range(low, high)])
    return pairs


def matching_size(edges: Sequence[tuple[int, int]]) -> int:
    """The size of a maximum-cardinality one-to-one matching of (gold, pred) pairs.

    It equals the primary total of :func:`max_weight_matching` when every edge weighs 1 (and
    half of it when every edge weighs 0.5), without building :class:`Edge` objects: an edge
    whose two ends have no other edge counts at once; the rest go to an augmenting-path search.

    Example:
        >>> matching_size([(0, 0), (0, 1), (1, 0), (5, 5)])
        3
        >>> matching_size([(0, 0), (1, 0), (2, 0)])
        1
    """
    if not edges:
        return 0
    gold_degree: dict[int, int] = {}
    pred_degree: dict[int, int] = {}
    for g, p in edges:
        gold_degree[g] = gold_degree.get(g, 0) + 1
        pred_degree[p] = pred_degree.get(p, 0) + 1
    alone = 0
    adjacency: dict[int, list[int]] = {}
    for g, p in edges:
        if gold_degree[g] == 1 and pred_degree[p] == 1:
            alone += 1
        else:
            adjacency.setdefault(g, []).append(p)
    return alone + (_augmenting_matching_size(adjacency) if adjacency else 0)


def _augmenting_matching_size(adjacency: dict[int, list[int]]) -> int:
    """Maximum matching size of a bipartite graph given as gold -> [pred]: Kuhn's algorithm.

    Greedy start, then phases of iterative depth-first searches for augmenting paths sharing one
    visited set; phases repeat until one finds none (then, by Berge's theorem, it is maximum).
    """
    owner: dict[int, int] = {}  # pred -> its gold
    partner: dict[int, int] = {}  # gold -> its pred
    for g, preds in adjacency.items():
        for p in preds:
            if p not in owner:
                owner[p], partner[g] = g, p
                break
    augmented = True
    while augmented:
        augmented = False
        visited: set[int] = set()
        for root in adjacency:
            if root in partner:
                continue
            golds = [root]
            iterators = [iter(adjacency[root])]
            path: list[int] = []  # path[i]: the pred taken from golds[i]
            while iterators:
                for p in iterators[-1]:
                    if p in visited:
                        continue
                    visited.add(p)
                    path.append(p)
                    if p in owner:  # go deeper through p's current gold
                        golds.append(owner[p])
                        iterators.append(iter(adjacency[owner[p]]))
                        break
                    for g, q in zip(golds, path, strict=True):  # free pred: flip the path
                        owner[q], partner[g] = g, q
                    augmented = True
                    iterators.clear()
                    break
                else:
                    iterators.pop()
                    golds.pop()
                    if path:
                        path.pop()
    return len(partner)


def max_weight_matching(
    edges: Sequence[Edge],
    gold_keys: Sequence[Any] | None = None,
    pred_keys: Sequence[Any] | None = None,
) -> list[Edge]:
    """The one-to-one set of edges with the largest total ``primary`` (ties: largest secondary).

    ``gold_keys``/``pred_keys`` (sortable descriptions of the items, e.g. their spans) make the
    choice among equivalent assignments independent of input order.

    Example:
        >>> chosen = max_weight_matching([Edge(0, 0, 1), Edge(0, 1, 1), Edge(1, 0, 1)])
        >>> sorted((e.gold, e.pred) for e in chosen)
        [(0, 1), (1, 0)]
    """
    if not edges:
        return []
    gold_degree: dict[int, int] = {}
    pred_degree: dict[int, int] = {}
    for edge in edges:
        gold_degree[edge.gold] = gold_degree.get(edge.gold, 0) + 1
        pred_degree[edge.pred] = pred_degree.get(edge.pred, 0) + 1
    chosen: list[Edge] = []
    tangled: list[Edge] = []
    for edge in edges:
        if gold_degree[edge.gold] == 1 and pred_degree[edge.pred] == 1:
            chosen.append(edge)  # a component of one edge: the common case
        else:
            tangled.append(edge)
    if not tangled:
        return chosen
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(node: tuple[int, int]) -> tuple[int, int]:
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while node != root:
            parent[node], node = root, parent[node]
        return root

    for edge in tangled:
        a, b = find((0, edge.gold)), find((1, edge.pred))
        if a != b:
            parent[a] = b
    components: dict[tuple[int, int], list[Edge]] = {}
    for edge in tangled:
        components.setdefault(find((0, edge.gold)), []).append(edge)
    for component in components.values():
        chosen.extend(_assign(component, gold_keys, pred_keys))
    return chosen


def _assign(
    component: list[Edge], gold_keys: Sequence[Any] | None, pred_keys: Sequence[Any] | None
) -> list[Edge]:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    golds = sorted({e.gold for e in component}, key=lambda i: _key(gold_keys, i))
    preds = sorted({e.pred for e in component}, key=lambda j: _key(pred_keys, j))
    row = {g: r for r, g in enumerate(golds)}
    col = {p: c for c, p in enumerate(preds)}
    # The tie-break can add at most min(rows, cols) * epsilon < 0.25 in total, less than any
    # difference between primary totals (multiples of 0.5), so it never overrides them.
    epsilon = 0.25 / (min(len(golds), len(preds)) + 1)
    weights = np.zeros((len(golds), len(preds)))
    by_cell: dict[tuple[int, int], Edge] = {}
    for edge in component:
        cell = (row[edge.gold], col[edge.pred])
        weight = edge.primary + epsilon * edge.secondary
        if weight > weights[cell]:
            weights[cell] = weight
            by_cell[cell] = edge
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return [
        by_cell[(r, c)]
        for r, c in zip(rows.tolist(), cols.tolist(), strict=False)
        if (r, c) in by_cell
    ]


def _key(keys: Sequence[Any] | None, index: int) -> Any:
    return (keys[index], index) if keys is not None else (index,)
