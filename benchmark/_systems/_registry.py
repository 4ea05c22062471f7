"""Finding systems: built-in adapters, entry points, a ``systems/`` folder and YAML configurations.

Vocabulary:

- an **adapter** is a class implementing :class:`benchmark._system.System`. It is built as
  ``Adapter(**params)``. Optional class-level hooks the registry uses:

  - ``version: str`` (part of the config hash; read without instantiating),
  - ``availability(params) -> str | None`` classmethod: a reason why the adapter cannot run here
    (missing optional dependency, no endpoint and nothing cached), or ``None`` when it can,
  - ``offline: bool`` (default ``True``): whether ``bench run`` runs it by default,
  - ``needs_answers: bool`` (default ``False``): the constructor takes ``answers=`` (a mapping
    doc id -> gold :class:`~benchmark._models.Annotation`). Only the oracle does this: the runner
    hands it the loaded corpus; no system reads ``gold/`` itself.

- a **system** is a named setting of an adapter: ``name``, ``display_name``, ``adapter``,
  ``params``. Every adapter gives one default system named after it; ``systems/*.yaml`` files add
  more (or replace a default of the same name), so one adapter can be benchmarked several ways.

Where adapters come from, later sources overriding earlier ones by adapter name:

1. built in (``oracle``, ``empty``, ``rules``, ``spacy``, ``llm``, and the peers ``spacy-ner``
   and ``textacy``; heavy ones are registered by import path and only imported when asked),
2. the entry point group ``benchmark.systems`` (``name = "package.module:Class"``),
3. ``systems/*.py`` modules, imported by file path (datasette-style plugins): a module-level
   ``ADAPTERS = {"name": Class}``, or else every class defined in the module with ``name``,
   ``version`` and ``extract``.

Nothing heavy is imported here; optional dependencies are checked with
:func:`importlib.util.find_spec`, so ``bench list`` works without spaCy installed.

Example:
    >>> infos = {info.name: info for info in discover_systems()}
    >>> infos["rules"].status, infos["rules"].source
    ('ready', 'systems/rules.yaml')
    >>> infos["empty"].source
    'built-in'
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.metadata
import importlib.util
import inspect
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from .. import _resources
from .._errors import BenchError, one_line
from .._guard import describe, safe_text, stdout_to_stderr, watch_sigint
from .._models import Annotation
from .._resources import SYSTEMS_ENV as SYSTEMS_ENV
from .._system import System, SystemUnavailable

ENTRY_POINT_GROUP = "benchmark.systems"
READY = "ready"

SAFE_NAME_RULE = (
    "letters, digits, '.', '_' or '-', starting with a letter or digit, no '..', at most 200"
)


def check_system_name(name: str) -> str | None:
    """Why ``name`` cannot be a system name (it becomes a folder name), or None when it can.

    Example:
        >>> check_system_name("rules-v2") is None, check_system_name("../x") is None
        (True, False)
    """
    from .._io import DOC_ID_PATTERN

    if DOC_ID_PATTERN.fullmatch(name) and ".." not in name:
        return None
    return f"{name!r:.80} is not a safe system name ({SAFE_NAME_RULE})"


@dataclass(frozen=True)
class BuiltinAdapter:
    """A built-in adapter registered by import path, with the modules it needs to be importable."""

    target: str
    requires: tuple[str, ...] = ()
    install_hint: str = ""


BUILTIN_ADAPTERS: dict[str, BuiltinAdapter] = {
    "oracle": BuiltinAdapter("benchmark.systems.sanity:OracleSystem"),
    "empty": BuiltinAdapter("benchmark.systems.sanity:EmptySystem"),
    "rules": BuiltinAdapter("benchmark.systems.rules:RulesSystem"),
    "spacy": BuiltinAdapter(
        "benchmark.systems.spacy:SpacySystem",
        requires=("spacy",),
        install_hint="pip install 'fact-extraction-bench[spacy]'",
    ),
    "llm": BuiltinAdapter("benchmark.systems.llm:LLMSystem"),
    "spacy-ner": BuiltinAdapter(
        "benchmark.systems.peers:SpacyNerSystem",
        requires=("spacy",),
        install_hint="pip install 'fact-extraction-bench[spacy]'",
    ),
    "textacy": BuiltinAdapter(
        "benchmark.systems.peers:TextacySystem",
        requires=("spacy",),
        install_hint="pip install 'fact-extraction-bench[textacy]'",
    ),
}


@dataclass(frozen=True)
class SystemInfo:
    """One discovered system and whether it can run here.

    ``status`` is ``"ready"``, ``"unavailable: <reason>"`` or ``"error: <file>: <field>: <reason>"``
    (a malformed configuration). ``offline`` says whether ``bench run`` runs it by default.
    """

    name: str
    display_name: str
    adapter: str
    source: str
    params: Mapping[str, Any]
    config_hash: str
    status: str
    offline: bool
    version: str | None = None
    enabled: bool = True
    description: str = ""
    adapter_class: type[Any] | None = field(default=None, repr=False, compare=False)

    @property
    def ready(self) -> bool:
        """True when the system can run here."""
        return self.status == READY

    @property
    def runs_by_default(self) -> bool:
        """True when ``bench run`` without ``--system`` runs it."""
        return self.ready and self.enabled and self.offline

    def provenance(self) -> dict[str, Any]:
        """The ``provenance.systems[name]`` entry of results.json."""
        return {
            "adapter": self.adapter,
            "version": self.version,
            "config": dict(self.params),
            "config_hash": self.config_hash,
            "source": self.source,
            "display_name": self.display_name,
        }


def config_hash(adapter: str, params: Mapping[str, Any], version: str | None) -> str:
    """The sha256 of the canonical JSON of adapter, params and version.

    Example:
        >>> one = config_hash("r", {"b": 1, "a": 2}, "1")
        >>> one == config_hash("r", {"a": 2, "b": 1}, "1")
        True
    """
    from .._json import canonical_sha256

    return canonical_sha256({"adapter": adapter, "params": dict(params), "version": version})


def default_systems_dir() -> Path:
    """``$BENCH_SYSTEMS``, else the checkout's ``systems/``, else the package's copy."""
    return _resources.default_systems_dir()


# --- adapters ----------------------------------------------------------------------------------


@dataclass
class _AdapterSource:
    """Where an adapter comes from, loaded on demand."""

    name: str
    source: str
    target: str | None = None  # "module:Class"
    cls: type[Any] | None = None
    requires: tuple[str, ...] = ()
    install_hint: str = ""
    entry_point: Any = None
    error: str | None = None

    def missing_requirement(self) -> str | None:
        for module in self.requires:
            if importlib.util.find_spec(module) is None:
                hint = f" ({self.install_hint})" if self.install_hint else ""
                return f"missing optional dependency {module}{hint}"
        return None

    def load(self) -> type[Any]:
        """The adapter class (imports its module); raises SystemUnavailable on failure.

        Whatever the import does (``sys.exit()``, ``KeyboardInterrupt``, printing) makes the
        adapter unavailable with that reason; only the user's Ctrl-C propagates.
        """
        if self.cls is not None:
            return self.cls
        if self.error:
            raise SystemUnavailable(self.error)
        missing = self.missing_requirement()
        if missing:
            raise SystemUnavailable(missing)
        failure: str | None = None
        loaded: Any = None
        with watch_sigint() as watch, stdout_to_stderr():
            try:
                if self.entry_point is not None:
                    loaded = self.entry_point.load()
                else:
                    assert self.target is not None
                    module_name, _, attr = self.target.partition(":")
                    loaded = getattr(importlib.import_module(module_name), attr)
            except ImportError as exc:
                failure = f"cannot import {self.target}: {safe_text(exc)}"
            except BaseException as exc:  # sys.exit() or KeyboardInterrupt at import, too
                failure = f"loading {self.target} failed: {describe(exc)}"
        watch.check()
        if failure is not None:
            raise SystemUnavailable(failure)
        if not inspect.isclass(loaded):
            raise SystemUnavailable(f"{self.target} is not a class")
        self.cls = loaded
        return loaded


def _builtin_adapters() -> dict[str, _AdapterSource]:
    return {
        name: _AdapterSource(
            name, "built-in", target=b.target, requires=b.requires, install_hint=b.install_hint
        )
        for name, b in BUILTIN_ADAPTERS.items()
    }


def _entry_point_adapters() -> dict[str, _AdapterSource]:
    found: dict[str, _AdapterSource] = {}
    try:
        points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    except Exception:  # a broken installed distribution must not break discovery
        return found
    for point in points:
        dist = getattr(point, "dist", None)
        dist_name = getattr(dist, "name", None) or getattr(point, "module", "") or point.value
        found[point.name] = _AdapterSource(
            point.name, f"entry point {dist_name}", target=point.value, entry_point=point
        )
    return found


def _is_adapter_class(obj: Any, module: ModuleType) -> bool:
    return (
        inspect.isclass(obj)
        and obj.__module__ == module.__name__
        and isinstance(getattr(obj, "name", None), str)
        and isinstance(getattr(obj, "version", None), str)
        and callable(getattr(obj, "extract", None))
    )


def _import_by_path(path: Path) -> ModuleType:
    module_name = (
        f"benchmark_systems_dir.{path.stem}_{hashlib.sha1(str(path).encode()).hexdigest()[:8]}"
    )
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def _folder_adapters(systems_dir: Path) -> tuple[dict[str, _AdapterSource], list[SystemInfo]]:
    found: dict[str, _AdapterSource] = {}
    broken: list[SystemInfo] = []
    if not systems_dir.is_dir():
        return found, broken
    for path in sorted(systems_dir.glob("*.py")):
        if path.name.startswith("_"):
            continue
        # A module may print, sys.exit(), raise KeyboardInterrupt or BaseException at import:
        # that module is broken, nothing else (only the user's own Ctrl-C stops bench).
        with watch_sigint() as watch, stdout_to_stderr():
            _read_folder_module(path, found, broken)
        watch.check()
    return found, broken


def _read_folder_module(
    path: Path, found: dict[str, _AdapterSource], broken: list[SystemInfo]
) -> None:
    """Import one ``systems/*.py`` module and add its adapters, or a broken entry saying why."""
    source = f"systems/{path.name}"
    try:
        module = _import_by_path(path)
    except BaseException as exc:
        reason = f"error: {source}: import failed: {describe(exc)}"
        broken.append(_broken_info(path.stem, source, reason))
        return
    adapters_here: dict[str, _AdapterSource] = {}
    broken_here: list[SystemInfo] = []
    try:
        adapters = getattr(module, "ADAPTERS", None)
        if adapters is None:
            adapters = {
                obj.name: obj for obj in vars(module).values() if _is_adapter_class(obj, module)
            }
        if not isinstance(adapters, Mapping):
            reason = f"error: {source}: ADAPTERS: expected a mapping name -> class"
            broken.append(_broken_info(path.stem, source, reason))
            return
        for key, cls in adapters.items():
            name = safe_text(key)
            if inspect.isclass(cls):
                target = f"{source}:{safe_text(getattr(cls, '__name__', cls))}"
                adapters_here[name] = _AdapterSource(name, source, target=target, cls=cls)
            else:
                reason = f"error: {source}: ADAPTERS[{name!r}]: not a class"
                broken_here.append(_broken_info(name, source, reason))
    except BaseException as exc:  # a module attribute or class that raises when looked at
        reason = f"error: {source}: reading its adapters failed: {describe(exc)}"
        broken.append(_broken_info(path.stem, source, reason))
        return
    found.update(adapters_here)
    broken.extend(broken_here)


def _broken_info(name: str, source: str, status: str) -> SystemInfo:
    return SystemInfo(
        name=name,
        display_name=name,
        adapter="?",
        source=source,
        params={},
        config_hash="",
        status=status,
        offline=False,
        enabled=False,
    )


# --- system configurations ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Config:
    name: str
    adapter: str
    source: str
    display_name: str
    params: Mapping[str, Any]
    enabled: bool = True
    offline: bool | None = None
    description: str = ""


def _read_yaml_config(path: Path) -> _Config | SystemInfo:
    """A configuration from one YAML file, or a broken SystemInfo naming the file and field."""
    from .._formats import SystemConfig
    from .._json import LONE_SURROGATE, convert, surrogate_path
    from .._yaml import read_yaml

    source = f"systems/{path.name}"

    def broken(reason: str) -> SystemInfo:
        return _broken_info(path.stem, source, f"error: {reason}")

    try:
        data = read_yaml(path)
    except BenchError as exc:
        return broken(str(exc).replace(str(path), source, 1))
    if not isinstance(data, dict):
        return broken(f"{source}: $: expected a mapping, got {type(data).__name__}")
    data.setdefault("name", path.stem)
    if data.get("params") is None:
        data["params"] = {}
    config, problems = convert(data, SystemConfig, source)
    surrogate = surrogate_path(data)
    if config is not None and surrogate is not None:
        return broken(f"{source}: {surrogate}: {LONE_SURROGATE}")
    if config is None:
        problem = problems[0]
        if problem.reason.startswith("unknown field"):
            allowed = ", ".join(SystemConfig.__struct_fields__)
            return broken(f"{problem} (allowed: {allowed})")
        if problem.path == "$.name":
            return broken(f"{problem} (a system name becomes a folder name: {SAFE_NAME_RULE})")
        return broken(str(problem))
    try:
        json.dumps(config.params, allow_nan=False)
    except (TypeError, ValueError):
        return broken(f"{source}: $.params: values must be plain JSON data (no .nan or .inf)")
    except RecursionError:
        return broken(f"{source}: $.params: nested too deeply")
    return _Config(
        config.name,
        config.adapter,
        source,
        config.display_name or config.name,
        config.params,
        config.enabled,
        config.offline,
        config.description,
    )


def _class_attribute(cls: type[Any], name: str, default: Any) -> Any:
    """``getattr(cls, name, default)``, or ``default`` when looking raises (a metaclass's)."""
    with watch_sigint() as watch:
        try:
            value = getattr(cls, name, default)
        except BaseException:
            value = default
    watch.check()
    return value


def _flag(cls: type[Any], name: str, default: bool) -> bool:
    """A class-level boolean hook (``offline``, ``needs_answers``), read safely."""
    with watch_sigint() as watch:
        try:
            value = bool(getattr(cls, name, default))
        except BaseException:
            value = default
    watch.check()
    return value


def _params_problem(cls: type[Any], params: Mapping[str, Any]) -> str | None:
    """Why ``cls(**params)`` would be refused by the constructor's signature, or None.

    Nothing is instantiated. An adapter with ``needs_answers`` is also given ``answers``; a
    constructor whose signature cannot be read (or that takes ``**params``) is not checked.
    """
    with watch_sigint() as watch:
        try:
            signature: inspect.Signature | None = inspect.signature(cls)
        except BaseException:  # no signature to read (a builtin, or a __signature__ that raises)
            signature = None
    watch.check()
    if signature is None:
        return None
    kwargs: dict[Any, Any] = dict(params)
    if _flag(cls, "needs_answers", False):
        kwargs.setdefault("answers", {})
    try:
        signature.bind(**kwargs)
    except TypeError as exc:
        return safe_text(exc)
    return None


def _info(config: _Config, adapters: Mapping[str, _AdapterSource]) -> SystemInfo:
    adapter = adapters.get(config.adapter)
    version: str | None = None
    offline = bool(config.offline) if config.offline is not None else True
    cls: type[Any] | None = None
    if adapter is None:
        known = ", ".join(sorted(adapters))
        status = f"error: {config.source}: $.adapter: unknown adapter {config.adapter!r} ({known})"
        offline = False
    else:
        reason = adapter.missing_requirement()
        problem: str | None = None
        if reason is None:
            try:
                cls = adapter.load()
                problem = _params_problem(cls, config.params)
                if problem is None:
                    reason = _availability(cls, config.params)
            except SystemUnavailable as exc:
                reason = safe_text(exc)
        if cls is not None:
            version = _class_attribute(cls, "version", None)
            version = version if isinstance(version, str) else None
            if config.offline is None:
                offline = _flag(cls, "offline", True)
        if problem is not None:
            status = f"error: {config.source}: $.params: {problem}"
            reason = problem
        else:
            status = READY if reason is None else f"unavailable: {reason}"
        offline = offline and reason is None
    return SystemInfo(
        name=config.name,
        display_name=config.display_name,
        adapter=config.adapter,
        source=config.source,
        params=dict(config.params),
        config_hash=config_hash(config.adapter, config.params, version),
        status=status,
        offline=offline,
        version=version,
        enabled=config.enabled,
        description=config.description,
        adapter_class=cls,
    )


def _availability(cls: type[Any], params: Mapping[str, Any]) -> str | None:
    """The adapter's own ``availability(params)`` reason; whatever the check does is contained."""
    check = _class_attribute(cls, "availability", None)
    if check is None:
        return None
    with watch_sigint() as watch, stdout_to_stderr():
        try:
            found = check(dict(params))
            reason = None if found is None else safe_text(found)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt included
            reason = f"availability check failed: {describe(exc)}"
    watch.check()
    return reason


def discover_systems(systems_dir: Path | None = None) -> list[SystemInfo]:
    """Every system found, sorted by name, each with its status (never raises on a bad config).

    Args:
        systems_dir: the folder of ``*.py`` adapters and ``*.yaml`` configurations
            (default: :func:`default_systems_dir`). A missing folder is not an error.
    """
    folder = Path(systems_dir) if systems_dir is not None else default_systems_dir()
    adapters = _builtin_adapters()
    adapters.update(_entry_point_adapters())
    from_folder, infos = _folder_adapters(folder)
    adapters.update(from_folder)
    configs: dict[str, _Config] = {
        name: _Config(name, name, adapter.source, name, {}) for name, adapter in adapters.items()
    }
    yaml_names: dict[str, str] = {}
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []
    for path in paths:
        read = _read_yaml_config(path)
        if isinstance(read, SystemInfo):
            infos.append(read)
            continue
        if read.name in yaml_names:
            status = (
                f"error: {read.source}: name: {read.name!r} is already defined by "
                f"{yaml_names[read.name]}"
            )
            infos.append(_broken_info(read.name, read.source, status))
            continue
        yaml_names[read.name] = read.source
        configs[read.name] = read
    for config in configs.values():
        unsafe = check_system_name(config.name)  # from a .py class, an entry point or a YAML file
        if unsafe is None:
            infos.append(_info(config, adapters))
        else:
            status = f"error: {config.source}: name: {unsafe}; a system name becomes a folder name"
            infos.append(_broken_info(config.name, config.source, status))
    return sorted(infos, key=lambda info: (info.name, info.source))


def find_system(name: str, systems_dir: Path | None = None) -> SystemInfo:
    """The discovered system called ``name``.

    Raises:
        BenchError: when no system has that name.
    """
    infos = discover_systems(systems_dir)
    for info in infos:
        if info.name == name and not info.status.startswith("error"):
            return info
    for info in infos:
        if info.name == name:
            raise BenchError(f"system {name!r}: {info.status}")
    known = ", ".join(sorted({info.name for info in infos}))
    raise BenchError(f"unknown system {name!r} (known: {known}; see `bench list`)")


def load_system(
    name_or_info: str | SystemInfo,
    *,
    systems_dir: Path | None = None,
    answers: Mapping[str, Annotation] | None = None,
) -> System:
    """Instantiate a system: ``Adapter(**params)``, named after the system configuration.

    Args:
        name_or_info: a system name (looked up with :func:`discover_systems`) or a SystemInfo.
        systems_dir: where to look up a name (default: :func:`default_systems_dir`).
        answers: doc id -> gold annotation, for adapters with ``needs_answers = True`` (the oracle).

    Raises:
        SystemUnavailable: the system cannot run here (the harness reports it as skipped).
        BenchError: unknown name, malformed configuration, or a constructor that rejects its params.

    Example:
        >>> system = load_system("empty")
        >>> system.name, system.extract.__name__
        ('empty', 'extract')
    """
    info = (
        name_or_info
        if isinstance(name_or_info, SystemInfo)
        else find_system(name_or_info, systems_dir)
    )
    if info.status.startswith("error"):
        raise BenchError(f"system {info.name!r}: {info.status}")
    if info.status != READY or info.adapter_class is None:
        raise SystemUnavailable(info.status.removeprefix("unavailable: "))
    cls = info.adapter_class
    kwargs: dict[str, Any] = dict(info.params)
    if getattr(cls, "needs_answers", False):
        if answers is None:
            raise BenchError(f"system {info.name!r} needs the gold answers (answers=...)")
        kwargs["answers"] = answers
    try:
        system = cls(**kwargs)
    except (TypeError, ValueError, KeyError) as exc:
        raise BenchError(f"{info.source}: params: {safe_text(exc)}") from None
    if getattr(system, "name", None) != info.name:
        with contextlib.suppress(AttributeError):
            system.name = info.name
    return system  # type: ignore[no-any-return]


def format_system_table(infos: list[SystemInfo]) -> str:
    """The ``bench list`` table: name, display name, adapter, source, status, offline.

    Example:
        >>> print(format_system_table([]).splitlines()[0].split())
        ['name', 'display', 'name', 'adapter', 'source', 'status', 'offline']
    """
    header = ("name", "display name", "adapter", "source", "status", "offline")
    rows = [
        tuple(  # a name or reason holding a newline must not break the table
            one_line(cell, fold=False)
            for cell in (
                info.name,
                info.display_name,
                info.adapter,
                info.source,
                info.status,
                "yes" if info.runs_by_default else "no",
            )
        )
        for info in infos
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)
