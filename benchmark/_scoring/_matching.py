"""One-to-one maximum-weight bipartite matching, fast in the common case.

Every layer matches gold and predicted items through :func:`max_weight_matching`. It splits the
candidate pairs into connected components (:func:`lone_and_tangled`, :func:`components`): a
component with one pair is matched at once (the common case: each gold span overlaps one
predicted span); a larger one is solved exactly by :func:`assign_max`, the shortest augmenting
path algorithm of ``scipy.optimize.linear_sum_assignment`` (Crouse 2016), run in Python on small
components (the same steps, so the same choice among equal optima, without importing scipy) and
by scipy itself on large ones. The result never depends on the order of the inputs.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

Interval = tuple[int, int]
KeyOf = Callable[[int], Any]
"""A sortable description of an item by its index (e.g. its span), to order tied choices."""
PairT = TypeVar("PairT", bound=tuple[Any, ...])
"""A (gold index, predicted index, ...) tuple: a bare pair or an :class:`Edge`."""

SMALL_ASSIGNMENT = 256
"""Components with at most this many cells (rows x columns) are solved in Python."""


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


def lone_and_tangled(pairs: Sequence[PairT]) -> tuple[list[PairT], list[PairT]]:
    """The pairs that are a connected component on their own, and all the others.

    A lone pair's gold and predicted items have no other pair: it belongs to every maximum
    matching. The others (a tangle) need a real matching. Both lists keep the input order.

    Example:
        >>> lone_and_tangled([(0, 0), (1, 1), (1, 2), (3, 3)])
        ([(0, 0), (3, 3)], [(1, 1), (1, 2)])
    """
    if not pairs:
        return [], []
    gold_degree = Counter(map(itemgetter(0), pairs))
    pred_degree = Counter(map(itemgetter(1), pairs))
    if len(gold_degree) == len(pred_degree) == len(pairs):
        return list(pairs), []
    lone: list[PairT] = []
    tangled: list[PairT] = []
    for pair in pairs:
        if gold_degree[pair[0]] == 1 and pred_degree[pair[1]] == 1:
            lone.append(pair)
        else:
            tangled.append(pair)
    return lone, tangled


def components(pairs: Sequence[PairT]) -> list[list[PairT]]:
    """The pairs grouped by connected component (union-find), in order of first appearance.

    Example:
        >>> components([(0, 0), (1, 1), (0, 1), (2, 2)])
        [[(0, 0), (1, 1), (0, 1)], [(2, 2)]]
    """
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(node: tuple[int, int]) -> tuple[int, int]:
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while node != root:
            parent[node], node = root, parent[node]
        return root

    for pair in pairs:
        a, b = find((0, pair[0])), find((1, pair[1]))
        if a != b:
            parent[a] = b
    grouped: dict[tuple[int, int], list[PairT]] = {}
    for pair in pairs:
        grouped.setdefault(find((0, pair[0])), []).append(pair)
    return list(grouped.values())


def matching_size(edges: Sequence[tuple[int, int]]) -> int:
    """The size of a maximum-cardinality one-to-one matching of (gold, pred) pairs.

    It equals the primary total of :func:`max_weight_matching` when every edge weighs 1 (and
    half of it when every edge weighs 0.5), without building :class:`Edge` objects: a lone edge
    counts at once; the tangled rest goes to an augmenting-path search.

    Example:
        >>> matching_size([(0, 0), (0, 1), (1, 0), (5, 5)])
        3
        >>> matching_size([(0, 0), (1, 0), (2, 0)])
        1
    """
    lone, tangled = lone_and_tangled(edges)
    adjacency: dict[int, list[int]] = {}
    for g, p in tangled:
        adjacency.setdefault(g, []).append(p)
    return len(lone) + (_augmenting_matching_size(adjacency) if adjacency else 0)


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
    edges: Sequence[Edge], gold_key: KeyOf | None = None, pred_key: KeyOf | None = None
) -> list[Edge]:
    """The one-to-one set of edges with the largest total ``primary`` (ties: largest secondary).

    ``gold_key``/``pred_key`` (sortable descriptions of the items by index, e.g. their spans)
    make the choice among equivalent assignments independent of input order; they are only
    called for items of a tangled component.

    Example:
        >>> chosen = max_weight_matching([Edge(0, 0, 1), Edge(0, 1, 1), Edge(1, 0, 1)])
        >>> sorted((e.gold, e.pred) for e in chosen)
        [(0, 1), (1, 0)]
    """
    chosen, tangled = lone_and_tangled(edges)
    for component in components(tangled):
        chosen.extend(_assign(component, gold_key, pred_key))
    return chosen


def _assign(component: list[Edge], gold_key: KeyOf | None, pred_key: KeyOf | None) -> list[Edge]:
    """The best edges of one component: rows and columns in key order, then :func:`assign_max`."""
    golds = sorted({e.gold for e in component}, key=_sort_key(gold_key))
    preds = sorted({e.pred for e in component}, key=_sort_key(pred_key))
    row = {g: r for r, g in enumerate(golds)}
    col = {p: c for c, p in enumerate(preds)}
    # The tie-break can add at most min(rows, cols) * epsilon < 0.25 in total, less than any
    # difference between primary totals (multiples of 0.5), so it never overrides them.
    epsilon = 0.25 / (min(len(golds), len(preds)) + 1)
    weights = [[0.0] * len(preds) for _ in golds]
    by_cell: dict[tuple[int, int], Edge] = {}
    for edge in component:
        r, c = row[edge.gold], col[edge.pred]
        weight = edge.primary + epsilon * edge.secondary
        if weight > weights[r][c]:
            weights[r][c] = weight
            by_cell[(r, c)] = edge
    return [by_cell[cell] for cell in assign_max(weights) if cell in by_cell]


def _sort_key(key: KeyOf | None) -> Callable[[int], tuple[Any, ...]]:
    if key is None:
        return lambda index: (index,)
    return lambda index: (key(index), index)


def assign_max(weights: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """``linear_sum_assignment(weights, maximize=True)`` as (row, column) pairs, rows ascending.

    Small matrices (up to :data:`SMALL_ASSIGNMENT` cells) run :func:`_shortest_augmenting_path`,
    scipy's algorithm step for step, so ties go the same way (tested against scipy); larger ones
    call scipy.

    Example:
        >>> assign_max([[1.0, 0.5], [1.0, 0.0]])
        [(0, 1), (1, 0)]
        >>> assign_max([[0.5], [0.5]])
        [(0, 0)]
    """
    n_rows, n_cols = len(weights), len(weights[0]) if weights else 0
    if n_rows == 0 or n_cols == 0:
        return []
    if n_rows * n_cols > SMALL_ASSIGNMENT:
        import numpy as np
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(np.array(weights, dtype=float), maximize=True)
        return list(zip(rows.tolist(), cols.tolist(), strict=True))
    if n_cols >= n_rows:
        costs = [[-w for w in line] for line in weights]
        return list(enumerate(_shortest_augmenting_path(costs)))
    # scipy solves a tall matrix transposed, then lists the pairs by row.
    costs = [[-line[c] for line in weights] for c in range(n_cols)]
    return sorted((r, c) for c, r in enumerate(_shortest_augmenting_path(costs)))


def _shortest_augmenting_path(cost: list[list[float]]) -> list[int]:
    """The column of each row in a minimum-cost assignment of a wide matrix (rows <= columns).

    scipy's ``rectangular_lsap.cpp`` in Python, with its order of operations and tie rules:
    columns are scanned from the last one, and among equally short paths a free column wins.
    """
    n_rows, n_cols = len(cost), len(cost[0])
    u = [0.0] * n_rows
    v = [0.0] * n_cols
    path = [-1] * n_cols
    col4row = [-1] * n_rows
    row4col = [-1] * n_cols
    for current in range(n_rows):
        shortest = [math.inf] * n_cols
        seen_rows: list[int] = []
        seen_cols: list[int] = []
        remaining = list(range(n_cols - 1, -1, -1))
        min_val = 0.0
        i = current
        sink = -1
        while sink == -1:
            seen_rows.append(i)
            index, lowest = -1, math.inf
            line, u_i = cost[i], u[i]
            for it, j in enumerate(remaining):
                reduced = min_val + line[j] - u_i - v[j]
                if reduced < shortest[j]:
                    path[j] = i
                    shortest[j] = reduced
                if shortest[j] < lowest or (shortest[j] == lowest and row4col[j] == -1):
                    lowest = shortest[j]
                    index = it
            min_val = lowest
            j = remaining[index]
            if row4col[j] == -1:
                sink = j
            else:
                i = row4col[j]
            seen_cols.append(j)
            remaining[index] = remaining[-1]
            remaining.pop()
        u[current] += min_val
        for i in seen_rows:
            if i != current:
                u[i] += min_val - shortest[col4row[i]]
        for j in seen_cols:
            v[j] -= min_val - shortest[j]
        j = sink
        while True:
            i = path[j]
            row4col[j] = i
            col4row[i], j = j, col4row[i]
            if i == current:
                break
    return col4row
