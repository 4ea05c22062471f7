"""One-to-one maximum-weight bipartite matching, fast in the common case.

Every layer matches gold and predicted items through :func:`max_weight_matching`. It splits the
candidate pairs into connected components (:func:`lone_and_tangled`, :func:`components`): a
component with one pair is matched at once (the common case: each gold span overlaps one
predicted span); a star (one item against several) keeps its heaviest pair; any other component
is solved exactly by :func:`assign_max`, the shortest augmenting path algorithm of
``scipy.optimize.linear_sum_assignment`` (Crouse 2016), run in Python on small components (the
same steps, so the same choice among equal optima, without importing scipy) and by scipy itself
on large ones. The result never depends on the order of the inputs.

Candidate pairs of spans come from :func:`overlap_pairs` (:func:`sorted_overlaps` when the
caller keeps the :class:`SortedSpans`): binary searches when one side's spans are disjoint, a
sweep otherwise.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import count, repeat
from operator import itemgetter, le, lt, sub
from typing import Any, NamedTuple, TypeVar

Interval = tuple[int, int]
KeyOf = Callable[[int], Any]
"""A sortable description of an item by its index (e.g. its span), to order tied choices."""
PairT = TypeVar("PairT", bound=tuple[Any, ...])
"""A (gold index, predicted index, ...) tuple: a bare pair or an :class:`Edge`."""

_FIRST = itemgetter(0)
_SECOND = itemgetter(1)

SMALL_ASSIGNMENT = 256
"""Components with at most this many cells (rows x columns) are solved in Python."""


class Edge(NamedTuple):
    """A candidate pair: gold index, predicted index, the weight to maximise, and a tie-break.

    ``primary`` is what the metric counts (1 for a match, 0.5 for partial credit); ``secondary``
    in [0, 1] (e.g. the IoU) only chooses among assignments with the same primary total.
    The matchers take any tuple of these four (a plain tuple is cheaper to make).
    """

    gold: int
    pred: int
    primary: float
    secondary: float = 0.0


WeightedPair = tuple[int, int, float, float]
EdgeT = TypeVar("EdgeT", bound=WeightedPair)
"""An :class:`Edge`, or a plain ``(gold, pred, primary, secondary)`` tuple."""


class SortedSpans:
    """Spans sorted by (start, end), with what the overlap search needs to know about them.

    Example:
        >>> spans = SortedSpans([(4, 6), (0, 9), (4, 5)])
        >>> spans.order, spans.starts, spans.nonempty, spans.disjoint
        ([1, 2, 0], [0, 4, 4], True, False)
    """

    def __init__(self, spans: Sequence[Interval]) -> None:
        self.spans = spans
        self.order = sorted(range(len(spans)), key=spans.__getitem__)
        """The indices by (start, end), input order among equal spans."""
        ordered = list(map(spans.__getitem__, self.order))
        self.starts = list(map(_FIRST, ordered))
        self.ends = list(map(_SECOND, ordered))
        self.nonempty = all(map(lt, self.starts, self.ends))
        """No span is empty."""
        self.disjoint = self.nonempty and all(map(le, self.ends, self.starts[1:]))
        """No span is empty and none overlaps another."""

    def empty(self) -> list[int]:
        """The indices of the empty spans.

        Example:
            >>> SortedSpans([(3, 3), (0, 2), (5, 4)]).empty()
            [0, 2]
        """
        if self.nonempty:
            return []
        return [i for i, (start, end) in enumerate(self.spans) if end <= start]


def overlap_pairs(
    gold: Sequence[Interval], pred: Sequence[Interval], *, ordered: bool = True
) -> list[tuple[int, int]]:
    """Every (gold index, predicted index) whose half-open spans share at least one code point.

    Sort and sweep: O((n + m) log(n + m) + pairs), not O(n * m). The pairs come sorted unless
    ``ordered=False`` (then they are in no particular order).

    Example:
        >>> overlap_pairs([(0, 5), (10, 12)], [(4, 11), (20, 21), (0, 1)])
        [(0, 0), (0, 2), (1, 0)]
    """
    pairs = sorted_overlaps(SortedSpans(gold), SortedSpans(pred))
    if ordered:
        pairs.sort()
    return pairs


def sorted_overlaps(gold: SortedSpans, pred: SortedSpans) -> list[tuple[int, int]]:
    """:func:`overlap_pairs` (in no particular order) of two sides already sorted."""
    if pred.disjoint:
        return _overlaps_with_disjoint(gold, pred)
    if gold.disjoint:
        return [(g, p) for p, g in _overlaps_with_disjoint(pred, gold)]
    return _sweep(gold.spans, pred.spans, gold.order, pred.order)


def _overlaps_with_disjoint(side: SortedSpans, disjoint: SortedSpans) -> list[tuple[int, int]]:
    """Overlap pairs of one side's spans with spans that do not overlap each other.

    Those ascend in both starts and ends, so the ones overlapping ``[start, end)`` are one run
    of positions ``[low, high)`` found by two binary searches: those ending after ``start`` and
    starting before ``end``.
    """
    spans, order = side.spans, disjoint.order
    lows = list(map(bisect_right, repeat(disjoint.ends), map(_FIRST, spans)))
    highs = list(map(bisect_left, repeat(disjoint.starts), map(_SECOND, spans), lows))
    if not side.nonempty:  # an empty span overlaps nothing, even inside another one
        return [
            (index, order[k])
            for index, (start, end), low, high in zip(count(), spans, lows, highs)
            if end > start
            for k in range(low, high)
        ]
    pairs = [
        (index, order[low]) for index, low, high in zip(count(), lows, highs) if high == low + 1
    ]
    if max(map(sub, highs, lows), default=0) > 1:  # some span overlaps several
        for index, low, high in zip(count(), lows, highs):
            if high > low + 1:
                pairs.extend([(index, order[k]) for k in range(low, high)])
    return pairs


def _sweep(
    gold: Sequence[Interval],
    pred: Sequence[Interval],
    gold_order: Sequence[int],
    pred_order: Sequence[int],
) -> list[tuple[int, int]]:
    """Overlap pairs of two sides that both overlap within themselves: one sweep by start."""
    pairs: list[tuple[int, int]] = []
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
    if len(edges) <= 1 or _star_center(edges) is not None:
        return min(len(edges), 1)
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
    edges: Sequence[EdgeT], gold_key: KeyOf | None = None, pred_key: KeyOf | None = None
) -> list[EdgeT]:
    """The one-to-one set of edges with the largest total ``primary`` (ties: largest secondary).

    ``gold_key``/``pred_key`` (sortable descriptions of the items by index, e.g. their spans)
    make the choice among equivalent assignments independent of input order; they are only
    called for items of a tangled component.

    Example:
        >>> chosen = max_weight_matching([Edge(0, 0, 1), Edge(0, 1, 1), Edge(1, 0, 1)])
        >>> sorted((e.gold, e.pred) for e in chosen)
        [(0, 1), (1, 0)]
    """
    if len(edges) <= 1:
        return list(edges)
    center = _star_center(edges)
    if center is not None:  # one component: no need to split
        return [_best_of_star(edges, center, gold_key, pred_key)]
    chosen, tangled = lone_and_tangled(edges)
    for component in components(tangled):
        chosen.extend(_assign(component, gold_key, pred_key))
    return chosen


def _star_center(pairs: Sequence[tuple[Any, ...]]) -> int | None:
    """0 when every pair has the same gold item, 1 when every pair the same predicted item."""
    for side in (0, 1):
        first = pairs[0][side]
        if all(pair[side] == first for pair in pairs):
            return side
    return None


def _assign(component: list[EdgeT], gold_key: KeyOf | None, pred_key: KeyOf | None) -> list[EdgeT]:
    """The best edges of one component: rows and columns in key order, then :func:`assign_max`."""
    center = _star_center(component)
    if center is not None:
        return [_best_of_star(component, center, gold_key, pred_key)]
    rows = sorted({e[0] for e in component}, key=_sort_key(gold_key))
    cols = sorted({e[1] for e in component}, key=_sort_key(pred_key))
    return _assign_matrix(component, rows, cols)


def _best_of_star(
    star: Sequence[EdgeT], center: int, gold_key: KeyOf | None, pred_key: KeyOf | None
) -> EdgeT:
    """The heaviest edge of a component with one item on a side; ties go to the first leaf.

    That is :func:`assign_max`'s choice on the component's one-row matrix (epsilon 0.125): it
    keeps the last of the equally cheap columns it scans from the last one, i.e. the first.
    """
    weights = [edge[2] + 0.125 * edge[3] for edge in star]
    best = max(weights)
    tied = [edge for edge, weight in zip(star, weights, strict=True) if weight == best]
    if len(tied) == 1:
        return tied[0]
    if center == 0:  # one gold item: the leaves are predictions
        by_pred = _sort_key(pred_key)
        return min(tied, key=lambda edge: by_pred(edge[1]))
    by_gold = _sort_key(gold_key)
    return min(tied, key=lambda edge: by_gold(edge[0]))


def _assign_matrix(component: list[EdgeT], golds: list[int], preds: list[int]) -> list[EdgeT]:
    """:func:`assign_max` on the component's weights, rows and columns in the given orders."""
    row = {g: r for r, g in enumerate(golds)}
    col = {p: c for c, p in enumerate(preds)}
    # The tie-break can add at most min(rows, cols) * epsilon < 0.25 in total, less than any
    # difference between primary totals (multiples of 0.5), so it never overrides them.
    epsilon = 0.25 / (min(len(golds), len(preds)) + 1)
    weights = [[0.0] * len(preds) for _ in golds]
    by_cell: dict[tuple[int, int], EdgeT] = {}
    for edge in component:
        r, c = row[edge[0]], col[edge[1]]
        weight = edge[2] + epsilon * edge[3]
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
