"""The result cache's code fingerprint of a built-in system covers exactly the code it runs."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest

from benchmark._run import _cache
from benchmark._run._cache import code_fingerprint, system_sources
from benchmark._systems import BUILTIN_ADAPTERS
from benchmark.systems.llm import LLMSystem
from benchmark.systems.rules import RulesSystem
from benchmark.systems.sanity import EmptySystem

SYSTEMS = Path(importlib.import_module("benchmark.systems").__file__ or "").parent


def _names(module: str) -> set[str]:
    return {path.relative_to(SYSTEMS).as_posix() for path in system_sources(module)}


def test_every_builtin_adapter_lives_in_the_systems_package() -> None:
    for adapter in BUILTIN_ADAPTERS.values():
        assert adapter.target.startswith("benchmark.systems.")


def test_each_system_covers_its_subpackage_and_the_helpers_it_imports() -> None:
    rules = _names(RulesSystem.__module__)
    assert {"rules/_entities.py", "rules/_claims.py", "_shared/_text.py"} <= rules
    assert not any(name.startswith(("llm/", "spacy/", "peers/")) for name in rules)
    peers = _names("benchmark.systems.peers._system")
    assert {"peers/_system.py", "spacy/_extract.py", "_shared/_lexicon.py"} <= peers
    assert not any(name.startswith(("rules/", "llm/")) for name in peers)
    assert _names(LLMSystem.__module__) == {
        f"llm/{name}"
        for name in ("__init__.py", "_cache.py", "_client.py", "_repair.py", "_system.py")
    }
    assert _names(EmptySystem.__module__) == {"sanity.py"}


def test_every_system_module_is_fingerprinted_by_some_system() -> None:
    covered: set[str] = set()
    for adapter in BUILTIN_ADAPTERS.values():
        module = adapter.target.partition(":")[0]
        covered |= _names(module)
    every = {p.relative_to(SYSTEMS).as_posix() for p in SYSTEMS.rglob("*.py")}
    assert every - covered == {"__init__.py"}


def test_an_edited_helper_changes_only_the_systems_that_use_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "systems"
    shutil.copytree(SYSTEMS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(_cache, "_systems_root", lambda: copy)
    before = {cls: code_fingerprint(cls) for cls in (RulesSystem, LLMSystem, EmptySystem)}
    with (copy / "_shared" / "_text.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")
    after = {cls: code_fingerprint(cls) for cls in (RulesSystem, LLMSystem, EmptySystem)}
    assert after[RulesSystem] != before[RulesSystem]
    assert after[LLMSystem] == before[LLMSystem]
    assert after[EmptySystem] == before[EmptySystem]
    with (copy / "rules" / "_quotes.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")
    assert code_fingerprint(RulesSystem) != after[RulesSystem]
    assert code_fingerprint(LLMSystem) == before[LLMSystem]
