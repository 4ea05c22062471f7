"""The one YAML reader: ``yaml.safe_load`` semantics, bounded, duplicated keys refused.

Configurations are small, so a file is refused past :data:`MAX_YAML_BYTES`; aliases are counted
while the document is composed, and a document whose aliases would expand to more than
:data:`MAX_EXPANDED_NODES` values is refused before anything copies or walks it (a billion
laughs). A mapping that repeats a key is an error naming the key and its line (plain
``safe_load`` keeps the last value silently).

Example:
    >>> load_yaml("a: 1\\nb: [x, y]\\n", "c.yaml")
    {'a': 1, 'b': ['x', 'y']}
    >>> load_yaml("a: 1\\na: 2\\n", "c.yaml")
    Traceback (most recent call last):
    ...
    benchmark._errors.BenchError: c.yaml: line 2: duplicated key 'a'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._errors import BenchError, one_line
from ._json import read_bytes

MAX_YAML_BYTES = 1024 * 1024
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 100_000


def _loader_class() -> Any:
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        """SafeLoader that counts aliases and refuses duplicated keys."""

        aliases = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                    raise yaml.YAMLError(
                        f"line {mark.line + 1}: more than {MAX_ALIASES} aliases (refused: an "
                        "alias bomb would exhaust memory)"
                    )
            return super().compose_node(parent, index)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:
                    continue  # an unhashable key: safe_load reports it
                if duplicate:
                    raise yaml.YAMLError(
                        f"line {key_node.start_mark.line + 1}: duplicated key {key!r:.60}"
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return BoundedLoader


def load_yaml(text: str, file: str) -> Any:
    """Parse one YAML document.

    Raises:
        BenchError: ``<file>: <where>: <reason>`` in one line.
    """
    import yaml

    try:
        data = yaml.load(text, Loader=_loader_class())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}" if mark is not None else "$"
        problem = one_line(exc.problem or exc, 200)
        raise BenchError(f"{file}: {where}: not valid YAML ({problem})") from None
    except yaml.YAMLError as exc:
        message = one_line(exc, 300)
        if message.startswith("line "):
            where, _, reason = message.partition(": ")
            raise BenchError(f"{file}: {where}: {reason}") from None
        raise BenchError(f"{file}: not valid YAML ({message})") from None
    except RecursionError:
        raise BenchError(f"{file}: not valid YAML (nested too deeply)") from None
    if _expanded_size(data) > MAX_EXPANDED_NODES:
        raise BenchError(
            f"{file}: aliases expand to more than {MAX_EXPANDED_NODES} values (refused: an alias "
            "bomb would exhaust memory)"
        )
    return data


def _expanded_size(data: Any) -> int:
    """How many values ``data`` holds once every shared (aliased) node is copied out."""
    sizes: dict[int, int] = {}

    def size(node: Any, depth: int) -> int:
        if not isinstance(node, (dict, list)) or depth > 200:
            return 1
        known = sizes.get(id(node))
        if known is None:
            children = node.values() if isinstance(node, dict) else node
            known = sizes[id(node)] = 1 + sum(size(child, depth + 1) for child in children)
        return known

    return size(data, 0)


def read_yaml(path: Path) -> Any:
    """Read and parse a YAML file of at most :data:`MAX_YAML_BYTES` (see :func:`load_yaml`).

    Raises:
        BenchError: naming the file (and line) of the problem.
    """
    raw = read_bytes(path, limit=MAX_YAML_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BenchError(f"{path}: not UTF-8 (byte {exc.start})") from None
    return load_yaml(text, str(path))
