"""One-to-one maximum-weight bipartite matching, fast in the common case.

Every layer matches gold and predicted items through :func:`max_weight_matching`. It splits the
candidate pairs into connected components: a component with one pair is matched at once (the
common case: each gold span overlaps one predicted span); only larger components go to
``scipy.optimize.linear_sum_assignment``. The result never depends on the order of the inputs.
"""

from __future__ import annotations

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


def overlap_pairs(gold: Sequence[Interval], pred: Sequence[Interval]) -> list[tuple[int, int]]:
    """Every (gold index, predicted index) whose half-open spans share at least one code point.

    Sort and sweep: O((n + m) log(n + m) + pairs), not O(n * m).

    Example:
        >>> overlap_pairs([(0, 5), (10, 12)], [(4, 11), (20, 21), (0, 1)])
        [(0, 0), (0, 2), (1, 0)]
    """
    events = sorted(
        [(s, e, 0, i) for i, (s, e) in enumerate(gold) if e > s]
        + [(s, e, 1, j) for j, (s, e) in enumerate(pred) if e > s]
    )
    active: tuple[list[tuple[int, int]], list[tuple[int, int]]] = ([], [])
    pairs: list[tuple[int, int]] = []
    for start, end, side, index in events:
        other = active[1 - side]
        if other:
            alive = [item for item in other if item[0] > start]
            if len(alive) != len(other):
                other[:] = alive
            for _, other_index in other:
                pairs.append((index, other_index) if side == 0 else (other_index, index))
        active[side].append((end, index))
    pairs.sort()
    return pairs


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
