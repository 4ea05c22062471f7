"""Build hook: the wheel carries the repository's data folders as package data.

The built-in gold (``gold/``), the held-out news gold (``tests/data/heldout/dev`` and ``test``)
and the shipped system configurations (``systems/*.yaml``) stay where they are in the repository,
the one source. At build time ``build_py`` copies them into the build tree under
``benchmark/_data/``, following ``PACKAGED`` in ``benchmark/_resources.py`` (loaded by path, so
building imports neither the package nor its dependencies). ``MANIFEST.in`` puts the same folders
in the sdist, so a wheel built from the sdist (``python -m build``) carries them too.

An editable install copies nothing: the package then reads the checkout's folders.
Everything else about the build is in ``pyproject.toml``.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


@functools.cache
def _resources() -> ModuleType:
    """``benchmark/_resources.py``, loaded by path (it imports only the standard library)."""
    path = ROOT / "benchmark" / "_resources.py"
    spec = importlib.util.spec_from_file_location("_bench_build_resources", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class BuildPyWithData(build_py):  # type: ignore[misc,unused-ignore]  # setuptools is untyped
    """``build_py`` that also copies the repository's data folders into ``benchmark/_data/``."""

    def _data_mapping(self) -> dict[str, str]:
        """Each data file's path in the build tree -> its source file in the repository."""
        files: list[tuple[Path, str]] = _resources().data_files(ROOT)
        return {os.path.join(self.build_lib, *inside.split("/")): str(src) for src, inside in files}

    def run(self) -> None:
        """Build the package, then copy the data afresh (no stale file from an earlier build)."""
        super().run()
        if self.editable_mode:
            return
        data_root = os.path.join(self.build_lib, "benchmark", "_data")
        shutil.rmtree(data_root, ignore_errors=True)
        for target, source in sorted(self._data_mapping().items()):
            self.mkpath(os.path.dirname(target))
            self.copy_file(source, target, preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        """The package's files and the data files (editable: the keys of the output mapping)."""
        outputs = super().get_outputs(include_bytecode)
        return outputs if self.editable_mode else [*outputs, *self._data_mapping()]

    def get_output_mapping(self) -> dict[str, str]:
        """Build-tree path -> source path, data files included (used by editable installs)."""
        return {**super().get_output_mapping(), **self._data_mapping()}


setup(cmdclass={"build_py": BuildPyWithData})
