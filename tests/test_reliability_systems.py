"""A misbehaving system costs only its own results, always with a one-line reason.

Systems written into a temporary ``systems/`` folder raise exceptions that cannot be printed,
return values that cannot be pickled, raise ``KeyboardInterrupt``/``SystemExit``/other
``BaseException`` subclasses, exit or get interrupted at import, hang while being built or while
extracting, write to file descriptor 1, fork, close file descriptors, and have parameters their
adapter refuses. Each becomes that system's recorded error (or a skipped/error status with its
reason); every other system and document is still run and scored, no traceback is printed, and
only a real Ctrl-C stops a run (exit 130, finished results cached).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from benchmark._cli import cli
from benchmark._gold import load_gold
from benchmark._io import write_annotation
from benchmark._models import Annotation, Document, Entity
from benchmark._run._cache import ResultCache
from benchmark._run._files import load_details
from benchmark._run._runner import extract_all, plan_instance
from benchmark._systems import discover_systems
from benchmark._systems._registry import BUILTIN_ADAPTERS
from tests.factories import TINY_TEXT, tiny_annotation
from tests.run_helpers import DOC_IDS, make_corpus

PLUGIN = '''
"""Misbehaving systems: each fails on the documents whose id starts with "b" (unless its name
says it fails while being built), and finds "Ann Smith" everywhere else."""

import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from benchmark._models import Annotation, Entity
from benchmark._system import SystemUnavailable


def _good(document):
    start = document.text.find("Ann Smith")
    entity = Entity(start, start + 9, "Ann Smith", "PERSON")
    return Annotation(document.doc_id, document.sha256, entities=(entity,))


def _log(name, document):
    calls = os.environ.get("BENCH_TEST_CALLS")
    if calls:
        with Path(calls).open("a") as handle:
            handle.write(f"{name} {document.doc_id}\\n")


ADAPTERS = {}


def system(name, on_b=None, init=None, batch=None, **extra):
    """Register an adapter called ``name``: ``on_b(self, document)`` runs on "b" documents."""

    def __init__(self):
        self.config = {}
        if init is not None:
            init(self)

    def extract(self, document):
        _log(name, document)
        if on_b is not None and document.doc_id.startswith("b"):
            return on_b(self, document)
        return _good(document)

    body = {"name": name, "version": "1", "__init__": __init__, "extract": extract, **extra}
    if batch is not None:
        body["extract_batch"] = batch
    ADAPTERS[name] = type(name.title().replace("-", ""), (), body)


def raising(exc):
    def on_b(self, *document):
        raise exc

    return on_b


def _ann(document):
    return _good(document).entities


def returning(make):
    return lambda self, document: make(document)


system("good")

# --- 1. exceptions whose __str__ (or __repr__) raise --------------------------------------


class BadStr(Exception):
    def __str__(self):
        raise ValueError("no str")


class BadBoth(Exception):
    def __str__(self):
        raise ValueError("no str")

    def __repr__(self):
        raise TypeError("no repr")


class NotStr(Exception):
    def __str__(self):
        return 42


class _Lying(str):
    def split(self, *args, **kwargs):
        raise RuntimeError("lying split")


class LyingStr(Exception):
    def __str__(self):
        return _Lying("lying\\nmessage")


class ExitingStr(Exception):
    def __str__(self):
        raise SystemExit(4)


class BadUnavailable(SystemUnavailable):
    def __str__(self):
        raise ValueError("no str")


system("bad-str", raising(BadStr("boom")))
system("bad-both", raising(BadBoth("boom")))
system("not-str", raising(NotStr("boom")))
system("lying-str", raising(LyingStr()))
system("exiting-str", raising(ExitingStr()))
system("build-bad-both", init=raising(BadBoth()))
system("build-unavailable-bad-str", init=raising(BadUnavailable("gpu")))
system("unavailable-bad-str", raising(BadUnavailable("gpu")))

# --- 2. values that cannot be pickled ------------------------------------------------------


class Sneaky(Annotation, frozen=True):
    hook: Any = None


class Pickless(Annotation, frozen=True):
    def __reduce__(self):
        raise TypeError("no pickling")


class Unpicklable:
    def __reduce__(self):
        raise TypeError("cannot pickle me")


class ReduceExits:
    def __reduce__(self):
        raise SystemExit(5)


class Liar:
    @property
    def __class__(self):
        return Annotation


class ClassRaises:
    @property
    def __class__(self):
        raise RuntimeError("no class")


class _BadKey(str):
    def __reduce__(self):
        raise TypeError("no pickling")


class _BadList(list):
    def __len__(self):
        raise RuntimeError("no len")

    def __iter__(self):
        raise RuntimeError("no iter")


def _usage(self):
    return {_BadKey("calls"): self.calls, (lambda: 0): 1.0, "odd": Unpicklable()}


def _counting(self):
    self.calls = 0


def _count_and_return(self, document):
    self.calls += 1
    return _good(document)


system("lambda-inside", returning(lambda d: Sneaky(d.doc_id, d.sha256, hook=lambda: 1)))
system("generator", returning(lambda d: (x for x in ())))
system("reduce-raises", returning(lambda d: Unpicklable()))
system("reduce-exits", returning(lambda d: ReduceExits()))
system("lying-class", returning(lambda d: Liar()))
system("class-raises", returning(lambda d: ClassRaises()))
system("pickless-valid", returning(lambda d: Pickless(d.doc_id, d.sha256, entities=_ann(d))))
system("bad-usage", _count_and_return, init=_counting, usage=_usage)
system(
    "batch-lambda",
    batch=lambda self, docs: [
        Sneaky(d.doc_id, d.sha256, hook=lambda: 1) if d.doc_id.startswith("b") else _good(d)
        for d in docs
    ],
)
system("batch-bad-list", batch=lambda self, docs: _BadList(_good(d) for d in docs))
system("batch-generator", batch=lambda self, docs: (_good(d) for d in docs))

# --- 3. KeyboardInterrupt, SystemExit and other BaseExceptions -----------------------------


class Custom(BaseException):
    pass


def _exit(code=None):
    def on_b(self, document):
        if code is None:
            sys.exit()
        sys.exit(code)

    return on_b


def _kbd(self, *args):
    raise KeyboardInterrupt


system("kbd", _kbd)
system("exit-none", _exit())
system("exit-zero", _exit(0))
system("exit-three", _exit(3))
system("generator-exit", raising(GeneratorExit()))
system("custom-base", raising(Custom("why")))
system("batch-kbd", _kbd, batch=_kbd)
system("batch-exit", batch=lambda self, docs: sys.exit(1))
system("build-exit", init=lambda self: sys.exit(2))
system("build-kbd", init=_kbd)
system("build-custom", init=raising(Custom("at build")))

# --- 5. hangs ------------------------------------------------------------------------------


def _sleep(seconds):
    return lambda self, *args: time.sleep(seconds)


def _stubborn(self, *args):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(60)


def _spin(self, *args):
    while True:
        pass


system("build-hang", init=_sleep(60))
system("build-slow", init=_sleep(4))
system("build-stubborn", init=_stubborn)
system("hang", _sleep(60))
system("spin", _spin)
system("stubborn", _stubborn)
system("batch-hang", _sleep(60), batch=_sleep(60))

# --- 6. output, processes and file descriptors ---------------------------------------------


def _fd1(self, document):
    os.write(1, b"GARBAGE-FD1\\n")
    return _good(document)


def _py_stdout(self, document):
    sys.__stdout__.write("GARBAGE-PY\\n")
    sys.__stdout__.flush()
    return _good(document)


def _stderr(self, document):
    sys.stderr.write("a note from a system\\n")
    return _good(document)


def _close_stdout(self, document):
    sys.stdout.close()
    return _good(document)


def _close_fds(self, document):
    os.closerange(3, 65536)
    return _good(document)


def _close_std_fds(self, document):
    os.close(1)
    os.close(2)
    return _good(document)


def _fork(self, document):
    os.fork()  # parent and child both return
    return _good(document)


def _fork_linger(self, document):
    if os.fork() == 0:
        Path(os.environ["BENCH_TEST_PIDS"]).write_text(str(os.getpid()))
        time.sleep(30)
        os.write(1, b"LATE-FD1\\n")
        os.write(2, b"LATE-FD2\\n")
        os._exit(0)
    return _good(document)


def _thread_raises(self, document):
    def boom():
        raise RuntimeError("thread boom")

    thread = threading.Thread(target=boom)
    thread.start()
    thread.join()
    return _good(document)


def _del_raises(self):
    raise RuntimeError("del boom")


def _sigint_handler(self, document):
    signal.signal(signal.SIGINT, signal.default_int_handler)
    return _good(document)


system("fd1-writer", _fd1)
system("py-stdout-writer", _py_stdout)
system("stderr-writer", _stderr)
system("stdout-closer", _close_stdout)
system("fd-closer", _close_fds)
system("std-fd-closer", _close_std_fds)
system("forker", _fork)
system("fork-linger", _fork_linger)
system("thread-raiser", _thread_raises)
system("del-raiser", __del__=_del_raises)
system("sigint-handler", _sigint_handler)


class Slow:  # logs every call and sleeps, for the Ctrl-C test
    name, version, config = "slow", "1", {}

    def extract(self, document):
        time.sleep(0.3)
        _log(self.name, document)
        return _good(document)


ADAPTERS["slow"] = Slow
'''


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    systems = tmp_path / "systems"
    systems.mkdir()
    (systems / "misbehaving.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    paths = {
        "root": tmp_path,
        "gold": make_corpus(tmp_path / "gold"),
        "systems": systems,
        "cache": tmp_path / "cache",
        "calls": tmp_path / "calls.log",
        "pids": tmp_path / "pids",
    }
    monkeypatch.setenv("BENCH_CACHE_DIR", str(paths["cache"]))
    monkeypatch.setenv("BENCH_TEST_CALLS", str(paths["calls"]))
    monkeypatch.setenv("BENCH_TEST_PIDS", str(paths["pids"]))
    return paths


def bench_run(
    env: dict[str, Path], *systems: str, timeout: float = 10, jobs: int = 3, out: str = "run"
) -> Result:
    args = ["run", "--gold", str(env["gold"]), "--systems", str(env["systems"])]
    args += ["--out", str(env["root"] / out), "--jobs", str(jobs), "--timeout", str(timeout)]
    args += [arg for name in systems for arg in ("--system", name)]
    return CliRunner().invoke(cli, args)


def bench_process(env: dict[str, Path], *args: str, timeout: float = 60) -> Any:
    """``bench ARGS`` as a separate process (real file descriptors 1 and 2)."""
    command = [sys.executable, "-c", "from benchmark._cli import main; main()", *args]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=env["root"],
        env={**os.environ},
    )


def results_of(env: dict[str, Path], out: str = "run") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((env["root"] / out / "results.json").read_text())
    return data


def assert_clean(result: Result) -> None:
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def assert_intact(
    env: dict[str, Path], system: str, doc_ids: tuple[str, ...], out: str = "run"
) -> None:
    """``system`` found Ann Smith (one true positive) on each of ``doc_ids``."""
    details = load_details(env["root"] / out)[system]
    for doc_id in doc_ids:
        assert details[doc_id].metrics["entities"]["strict"].counts[0] == 1, (system, doc_id)
        assert (env["root"] / out / "predictions" / system / f"{doc_id}.json").is_file()


def run_and_check(
    env: dict[str, Path], expected: dict[str, dict[str, str]], **options: Any
) -> dict[str, Any]:
    """Run ``good`` and the systems of ``expected`` (system -> doc id -> error); check each."""
    result = bench_run(env, "good", *expected, **options)
    assert result.exit_code == 0, result.output
    assert_clean(result)
    data = results_of(env)
    assert "good" not in data["errors"] and "good" not in data["skipped"]
    assert_intact(env, "good", DOC_IDS)
    for system, errors in expected.items():
        assert data["errors"].get(system, {}) == errors, system
        for doc_id, reason in errors.items():
            assert f"bench: {system} on {doc_id}: {reason}\n" in result.stderr, (system, doc_id)
            assert "\n" not in reason
        assert_intact(env, system, tuple(d for d in DOC_IDS if d not in errors))
        failed = f", {len(errors)} failed" if errors else ""
        assert f"{system}: {3 - len(errors)}/3 documents ok{failed}\n" in result.stdout
    return data


# --- 1. exceptions that cannot be printed --------------------------------------------------


def test_exceptions_whose_str_or_repr_raise_are_one_line_errors(env: dict[str, Path]) -> None:
    built = "could not be built: BadBoth (its __str__ raised ValueError, its __repr__ raised "
    expected = {
        "bad-str": {"b2": "raised BadStr: BadStr('boom') (its __str__ raised ValueError)"},
        "bad-both": {
            "b2": "raised BadBoth (its __str__ raised ValueError, its __repr__ raised TypeError)"
        },
        "not-str": {"b2": "raised NotStr: NotStr('boom') (its __str__ raised TypeError)"},
        "lying-str": {"b2": "raised LyingStr: lying message"},
        "exiting-str": {"b2": "raised ExitingStr: ExitingStr() (its __str__ raised SystemExit)"},
        "build-bad-both": {doc_id: built + "TypeError)" for doc_id in DOC_IDS},
    }
    run_and_check(env, expected)


def test_unavailable_with_an_unprintable_reason_is_skipped_with_one(env: dict[str, Path]) -> None:
    result = bench_run(env, "good", "unavailable-bad-str", "build-unavailable-bad-str")
    assert result.exit_code == 0, result.output
    assert_clean(result)
    data = results_of(env)
    assert data["skipped"] == {
        "unavailable-bad-str": "BadUnavailable('gpu')",
        "build-unavailable-bad-str": "BadUnavailable('gpu')",
    }
    assert "unavailable-bad-str: skipped (BadUnavailable('gpu'))" in result.stdout
    assert_intact(env, "good", DOC_IDS)


# --- 2. values that cannot be pickled ------------------------------------------------------


def test_values_that_cannot_be_pickled_are_one_line_errors(env: dict[str, Path]) -> None:
    cannot = "returned an Annotation that cannot be serialised: TypeError: Encoding objects of "
    cannot += "type function is unsupported"
    expected = {
        "lambda-inside": {"b2": cannot},
        "generator": {"b2": "returned generator, not an Annotation"},
        "reduce-raises": {"b2": "returned Unpicklable, not an Annotation"},
        "reduce-exits": {"b2": "returned ReduceExits, not an Annotation"},
        "lying-class": {"b2": "returned Liar, not an Annotation"},
        "class-raises": {"b2": "returned ClassRaises, not an Annotation"},
        "batch-lambda": {"b2": cannot},
        # an Annotation that cannot be pickled but serialises is a fine prediction
        "pickless-valid": {},
        # usage() with keys and values that cannot be pickled: the bad entries are dropped
        "bad-usage": {},
        # a batch result that cannot be read: the documents are run one by one
        "batch-bad-list": {},
        "batch-generator": {},
    }
    data = run_and_check(env, expected)
    assert data["usage"]["bad-usage"] == {"calls": 1}  # counted on b2


# --- 3. KeyboardInterrupt, SystemExit, GeneratorExit and BaseException ---------------------


def test_base_exceptions_raised_by_a_system_are_its_failure(env: dict[str, Path]) -> None:
    expected = {
        "kbd": {"b2": "raised KeyboardInterrupt"},
        "exit-none": {"b2": "raised SystemExit"},
        "exit-zero": {"b2": "raised SystemExit: 0"},
        "exit-three": {"b2": "raised SystemExit: 3"},
        "generator-exit": {"b2": "raised GeneratorExit"},
        "custom-base": {"b2": "raised Custom: why"},
        "batch-kbd": {"b2": "raised KeyboardInterrupt"},  # the batch, then b2 alone, raise
        "batch-exit": {},  # the batch exits: its documents are run one by one, and pass
        "build-exit": dict.fromkeys(DOC_IDS, "could not be built: SystemExit: 2"),
        "build-kbd": dict.fromkeys(DOC_IDS, "could not be built: KeyboardInterrupt"),
        "build-custom": dict.fromkeys(DOC_IDS, "could not be built: Custom: at build"),
    }
    run_and_check(env, expected)


class _Raising:
    """A system object (run in this process) raising ``exc`` on the "b" documents."""

    version = "1"

    def __init__(self, name: str, exc: BaseException | None = None, press: bool = False) -> None:
        self.name, self.exc, self.press = name, exc, press
        self.config: dict[str, Any] = {}

    def extract(self, document: Document) -> Annotation:
        if document.doc_id.startswith("b"):
            if self.press:  # what the user's Ctrl-C does: SIGINT to this process
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(5)
            if self.exc is not None:
                raise self.exc
        start = document.text.find("Ann Smith")
        entity = Entity(start, start + 9, "Ann Smith", "PERSON")
        return Annotation(document.doc_id, document.sha256, entities=(entity,))


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (KeyboardInterrupt(), "raised KeyboardInterrupt"),
        (SystemExit(0), "raised SystemExit: 0"),
        (GeneratorExit(), "raised GeneratorExit"),
        (BaseException("base"), "raised BaseException: base"),
    ],
    ids=["KeyboardInterrupt", "SystemExit", "GeneratorExit", "BaseException"],
)
def test_inline_base_exceptions_are_the_systems_failure(
    env: dict[str, Path], exc: BaseException, reason: str
) -> None:
    corpus = load_gold(env["gold"])
    planned = [plan_instance(_Raising("raising", exc)), plan_instance(_Raising("fine"))]
    run = extract_all(corpus, planned, cache=ResultCache(None), inline=True, progress=False)
    assert run.errors == {"raising": {"b2": reason}, "fine": {}}
    assert sorted(run.predictions["raising"]) == ["a1", "c3"]
    assert sorted(run.predictions["fine"]) == list(DOC_IDS)


@pytest.mark.parametrize("swallow", [False, True], ids=["raised", "swallowed"])
def test_inline_a_real_ctrl_c_still_stops_the_run(env: dict[str, Path], swallow: bool) -> None:
    corpus = load_gold(env["gold"])
    cache = ResultCache(env["cache"])

    class Swallowing(_Raising):
        def extract(self, document: Document) -> Annotation:
            try:
                return super().extract(document)
            except KeyboardInterrupt:
                return super().extract(Document("a-doc", document.text))

    system = (Swallowing if swallow else _Raising)("pressing", press=True)
    handler = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        extract_all(corpus, [plan_instance(system)], cache=cache, inline=True, progress=False)
    assert signal.getsignal(signal.SIGINT) is handler
    cached = list((env["cache"] / "results").rglob("*.json"))
    assert len(cached) == 1  # a1, finished before the Ctrl-C


def _make_gold(root: Path, doc_ids: list[str]) -> Path:
    for doc_id in doc_ids:
        text = TINY_TEXT + f"\n\nItem {doc_id}."
        (root / "articles").mkdir(parents=True, exist_ok=True)
        (root / "articles" / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
        write_annotation(root / "annotations" / f"{doc_id}.json", tiny_annotation(text, doc_id))
    return root


def test_a_real_ctrl_c_stops_a_run_in_which_systems_raise_keyboard_interrupt(
    env: dict[str, Path],
) -> None:
    doc_ids = [f"{letter}{i}" for i in range(5) for letter in "ab"]
    gold = _make_gold(env["root"] / "gold10", doc_ids)
    out = env["root"] / "run"
    command = [sys.executable, "-c", "from benchmark._cli import main; main()", "run"]
    command += ["--gold", str(gold), "--systems", str(env["systems"]), "--out", str(out)]
    command += ["--jobs", "1", "--system", "kbd", "--system", "slow"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=env["root"],
        start_new_session=True,  # its own process group, as a shell job is
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if len(list((env["cache"] / "results").rglob("*.json"))) >= 3:  # kbd's never are
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal: the whole foreground group
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "bench: interrupted", stderr
    assert "Traceback" not in stderr
    assert not (out / "results.json").exists()
    cached = len(list((env["cache"] / "results").rglob("*.json")))
    assert 3 <= cached < 10

    resumed = bench_process(env, *command[3:])
    assert resumed.returncode == 0, resumed.stderr
    assert f"{cached} from the cache" in resumed.stdout
    data = json.loads((out / "results.json").read_text())
    b_docs = [d for d in doc_ids if d.startswith("b")]
    assert data["errors"] == {"kbd": dict.fromkeys(b_docs, "raised KeyboardInterrupt")}


# --- 4. systems/*.py modules that exit or are interrupted at import ------------------------

IMPORT_FAILURES = {
    "exit_none": ("import sys\nsys.exit()\n", "SystemExit"),
    "exit_zero": ("import sys\nsys.exit(0)\n", "SystemExit: 0"),
    "exit_three": ("import sys\nsys.exit(3)\n", "SystemExit: 3"),
    "exit_message": ("raise SystemExit('bye\\nnow')\n", "SystemExit: bye now"),
    "kbd_import": ("raise KeyboardInterrupt\n", "KeyboardInterrupt"),
    "generator_exit": ("raise GeneratorExit\n", "GeneratorExit"),
    "custom_base": ("class Custom(BaseException): pass\nraise Custom('why')\n", "Custom: why"),
    "bad_str": (
        "class BadStr(Exception):\n    def __str__(self):\n        raise ValueError\n"
        "raise BadStr('x')\n",
        "BadStr: BadStr('x') (its __str__ raised ValueError)",
    ),
    "bad_adapters": (
        "class Meta(type):\n    @property\n    def name(cls):\n        raise SystemExit(9)\n"
        "class A(metaclass=Meta):\n    version = '1'\n    def extract(self, d): ...\n",
        None,
    ),
}

NOISY_MODULE = """
import os, signal, sys
from benchmark._models import Annotation

print("GARBAGE-PRINT-AT-IMPORT")
os.write(1, b"GARBAGE-FD1-AT-IMPORT\\n")
signal.signal(signal.SIGINT, signal.SIG_IGN)


class Noisy:
    name, version, config = "noisy", "1", {}

    @classmethod
    def availability(cls, params):
        print("GARBAGE-PRINT-IN-AVAILABILITY")
        os.write(1, b"GARBAGE-FD1-IN-AVAILABILITY\\n")
        return None

    def extract(self, document):
        return Annotation(document.doc_id, document.sha256)
"""

EXIT_IN_AVAILABILITY = """
import sys
from benchmark._models import Annotation


class Checker:
    name, version, config = "checker", "1", {}

    @classmethod
    def availability(cls, params):
        sys.exit(7)

    def extract(self, document):
        return Annotation(document.doc_id, document.sha256)
"""


@pytest.fixture
def broken_modules(env: dict[str, Path]) -> dict[str, Path]:
    folder = env["root"] / "broken-systems"
    folder.mkdir()
    (folder / "misbehaving.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    for name, (code, _) in IMPORT_FAILURES.items():
        (folder / f"{name}.py").write_text(code, encoding="utf-8")
    (folder / "noisy.py").write_text(NOISY_MODULE, encoding="utf-8")
    (folder / "checker.py").write_text(EXIT_IN_AVAILABILITY, encoding="utf-8")
    for builtin in set(BUILTIN_ADAPTERS) - {"empty"}:  # a default run: empty, good, noisy...
        (folder / f"{builtin}.yaml").write_text(f"adapter: {builtin}\nenabled: false\n")
    for info in discover_systems(folder):
        if info.source == "systems/misbehaving.py" and info.name != "good":
            (folder / f"{info.name}.yaml").write_text(f"adapter: {info.name}\nenabled: false\n")
    return {**env, "systems": folder}


def _import_status(name: str) -> str:
    reason = IMPORT_FAILURES[name][1]
    if reason is None:
        return f"error: systems/{name}.py: reading its adapters failed: SystemExit: 9"
    return f"error: systems/{name}.py: import failed: {reason}"


def test_list_shows_modules_that_exit_at_import_as_errors(
    broken_modules: dict[str, Path],
) -> None:
    handler = signal.getsignal(signal.SIGINT)
    result = CliRunner().invoke(cli, ["list", "--systems", str(broken_modules["systems"])])
    assert result.exit_code == 0, result.output
    assert_clean(result)
    assert signal.getsignal(signal.SIGINT) is handler  # the module's SIG_IGN did not stay
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    for name in IMPORT_FAILURES:
        assert re.search(re.escape(_import_status(name)) + r" +no$", rows[name]), rows[name]
    assert "checker  " in rows["checker"]
    assert "unavailable: availability check failed: SystemExit: 7" in rows["checker"]
    for name in ("good", "noisy", "empty"):
        assert " ready " in rows[name], rows[name]
    assert "GARBAGE" not in result.stdout


def test_list_and_run_stdout_stay_clean_of_import_output(
    broken_modules: dict[str, Path],
) -> None:
    listed = bench_process(broken_modules, "list", "--systems", str(broken_modules["systems"]))
    assert listed.returncode == 0, listed.stderr
    assert "GARBAGE" not in listed.stdout and "Traceback" not in listed.stderr
    assert "GARBAGE-FD1-AT-IMPORT" in listed.stderr  # sent to stderr, not lost
    header, *rows = listed.stdout.splitlines()
    assert header.startswith("name ") and all(row.split()[0] for row in rows)
    out = broken_modules["root"] / "run-clean"
    args = ["run", "--gold", str(broken_modules["gold"]), "--out", str(out)]
    args += ["--systems", str(broken_modules["systems"]), "--system", "good", "--system", "noisy"]
    ran = bench_process(broken_modules, *args)
    assert ran.returncode == 0, ran.stderr
    assert "GARBAGE" not in ran.stdout and "Traceback" not in ran.stderr
    assert ran.stdout.splitlines()[:2] == ["good: 3/3 documents ok", "noisy: 3/3 documents ok"]


def test_default_run_skips_modules_that_exit_at_import_and_runs_the_rest(
    broken_modules: dict[str, Path],
) -> None:
    env = broken_modules
    args = ["run", "--gold", str(env["gold"]), "--systems", str(env["systems"])]
    args += ["--out", str(env["root"] / "run"), "--jobs", "2"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert_clean(result)
    data = results_of(env)
    for name in IMPORT_FAILURES:
        assert data["skipped"][name] == _import_status(name)
        assert f"{name}: skipped ({_import_status(name)})\n" in result.stdout
    assert "checker" not in data["skipped"]  # unavailable, not broken: not run by default
    assert set(data["results"]) == {"empty", "good", "noisy"}
    assert data["errors"] == {}
    assert_intact(env, "good", DOC_IDS)


def test_running_one_system_is_unaffected_by_modules_that_exit(
    broken_modules: dict[str, Path],
) -> None:
    result = bench_run(broken_modules, "good", "kbd")
    assert result.exit_code == 0, result.output
    assert_clean(result)
    data = results_of(broken_modules)
    assert data["skipped"] == {} and data["errors"] == {"kbd": {"b2": "raised KeyboardInterrupt"}}


# --- 5. hangs: while being built, extracting, or extracting a batch -------------------------


def test_constructors_that_hang_time_out_once_per_system(env: dict[str, Path]) -> None:
    started = time.monotonic()
    built = "could not be built: timed out after 1.5 s"
    expected = {
        "build-hang": dict.fromkeys(DOC_IDS, built),
        "build-slow": dict.fromkeys(DOC_IDS, built),
        "build-stubborn": dict.fromkeys(DOC_IDS, built),
    }
    run_and_check(env, expected, timeout=1.5, jobs=2)
    # each system's construction is waited for once, not once per document
    assert time.monotonic() - started < 25


def test_extraction_that_hangs_times_out_per_document(env: dict[str, Path]) -> None:
    started = time.monotonic()
    timed_out = {"b2": "timed out after 1.5 s"}
    expected = {"hang": timed_out, "spin": timed_out, "stubborn": timed_out}
    expected["batch-hang"] = timed_out  # the batch times out, then only b2 alone does
    run_and_check(env, expected, timeout=1.5, jobs=3)
    assert time.monotonic() - started < 40


# --- 6. output, forks and file descriptors ---------------------------------------------------

OK_LINE = re.compile(r"^[a-z0-9-]+: 3/3 documents ok$")
LAST_LINE = re.compile(r"^\d+ extracted, \d+ from the cache in [\d.]+ s; run written to .+$")


def test_writes_to_stdout_forks_and_closed_std_fds_leave_bench_output_intact(
    env: dict[str, Path],
) -> None:
    systems = ["good", "fd1-writer", "py-stdout-writer", "stderr-writer", "stdout-closer"]
    systems += ["forker", "thread-raiser", "del-raiser", "sigint-handler", "std-fd-closer"]
    out = env["root"] / "run"
    args = ["run", "--gold", str(env["gold"]), "--systems", str(env["systems"]), "--out", str(out)]
    args += ["--jobs", "2", *[arg for name in systems for arg in ("--system", name)]]
    result = bench_process(env, *args)
    assert result.returncode == 0, result.stderr
    *ok_lines, last = result.stdout.splitlines()
    assert [line.split(":")[0] for line in ok_lines] == systems, result.stdout
    assert all(OK_LINE.match(line) for line in ok_lines), result.stdout
    assert LAST_LINE.match(last), last
    assert "GARBAGE-FD1" in result.stderr and "GARBAGE-PY" in result.stderr  # not lost either
    assert "Traceback" not in result.stderr
    assert "bench: worker: a system's thread ended with RuntimeError: thread boom" in (
        result.stderr
    )
    data = results_of(env)
    assert data["errors"] == {} and data["skipped"] == {}
    for system in systems:
        assert_intact(env, system, DOC_IDS)
    predictions = str(out / "predictions")
    scored = bench_process(
        env, "score", "--json", "--gold", str(env["gold"]), "--predictions", predictions
    )
    assert scored.returncode == 0, scored.stderr
    assert set(json.loads(scored.stdout)["results"]) == set(systems)


def test_a_system_closing_the_workers_file_descriptors_costs_one_document(
    env: dict[str, Path],
) -> None:
    reason = "cut its worker process off from the harness (closed its file descriptors?)"
    run_and_check(env, {"fd-closer": {"b2": reason}}, jobs=1)


def test_processes_a_system_leaves_behind_are_stopped_with_its_worker(
    env: dict[str, Path],
) -> None:
    out = env["root"] / "run"
    args = ["run", "--gold", str(env["gold"]), "--systems", str(env["systems"]), "--out", str(out)]
    args += ["--jobs", "1", "--system", "good", "--system", "fork-linger"]
    started = time.monotonic()
    result = bench_process(env, *args, timeout=25)  # the leftover would hold the pipes 30 s
    assert time.monotonic() - started < 25
    assert result.returncode == 0, result.stderr
    assert "LATE" not in result.stdout + result.stderr
    assert results_of(env)["errors"] == {}
    pid = int(env["pids"].read_text())
    deadline = time.monotonic() + 10
    while _running(pid):
        if time.monotonic() > deadline:
            pytest.fail(f"process {pid}, forked by a system, is still running")
        time.sleep(0.05)


def _running(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie no one reaps, as in some containers, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc here
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def test_inline_writes_to_file_descriptor_1_go_to_stderr(
    env: dict[str, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    class Writer(_Raising):
        def extract(self, document: Document) -> Annotation:
            os.write(1, b"GARBAGE-INLINE\n")
            return super().extract(document)

    corpus = load_gold(env["gold"])
    planned = [plan_instance(Writer("writer"))]
    run = extract_all(corpus, planned, cache=ResultCache(None), inline=True, progress=False)
    assert run.errors == {"writer": {}}
    captured = capfd.readouterr()
    assert "GARBAGE-INLINE" not in captured.out
    assert captured.err.count("GARBAGE-INLINE") == 3


# --- 7. configurations whose params the adapter refuses -------------------------------------

PARAMS_PLUGIN = """
from benchmark._models import Annotation


class Base:
    version = "1"

    def extract(self, document):
        return Annotation(document.doc_id, document.sha256)


class Needy(Base):
    name = "needy"

    def __init__(self, level: int) -> None:
        self.config = {"level": level}


class PositionalOnly(Base):
    name = "positional"

    def __init__(self, level=1, /):
        self.config = {}


class Anything(Base):
    name = "anything"

    def __init__(self, **params):
        self.config = dict(params)


class WithAnswers(Base):
    name = "with-answers"
    needs_answers = True

    def __init__(self, answers, level: int = 1) -> None:
        self.config = {"level": level}


class Heavy(Base):
    name = "heavy"

    def __init__(self, size: int = 1) -> None:
        raise AssertionError("bench list must not build a system")
"""

PARAMS_CONFIGS = {
    "bad-params": (
        "adapter: needy\nparams: {level: 1, colour: red}\n",
        "got an unexpected keyword argument 'colour'",
    ),
    "needy-ok": ("adapter: needy\nparams: {level: 2}\n", None),
    "positional-kw": (
        "adapter: positional\nparams: {level: 2}\n",
        "'level' parameter is positional only, but was passed as a keyword",
    ),
    "anything-ok": ("adapter: anything\nparams: {whatever: 1}\n", None),
    "answers-ok": ("adapter: with-answers\nparams: {level: 3}\n", None),
    "answers-bad": (
        "adapter: with-answers\nparams: {lvl: 3}\n",
        "got an unexpected keyword argument 'lvl'",
    ),
    "heavy-bad": (
        "adapter: heavy\nparams: {size: 1, extra: 2}\n",
        "got an unexpected keyword argument 'extra'",
    ),
}


@pytest.fixture
def params_env(env: dict[str, Path]) -> Iterator[dict[str, Path]]:
    folder = env["root"] / "params-systems"
    folder.mkdir()
    (folder / "adapters.py").write_text(PARAMS_PLUGIN, encoding="utf-8")
    (folder / "good.py").write_text(
        "from benchmark._models import Annotation\n\n\nclass Good:\n"
        "    name, version, config = 'good', '1', {}\n\n"
        "    def extract(self, document):\n"
        "        return Annotation(document.doc_id, document.sha256)\n",
        encoding="utf-8",
    )
    for name, (text, _) in PARAMS_CONFIGS.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    for builtin in (set(BUILTIN_ADAPTERS) - {"empty"}) | {"heavy"}:
        (folder / f"{builtin}.yaml").write_text(f"adapter: {builtin}\nenabled: false\n")
    (folder / "unreadable.yaml").write_text("adapter: [unclosed\n", encoding="utf-8")
    yield {**env, "systems": folder}


def _params_status(name: str) -> str:
    reason = PARAMS_CONFIGS[name][1]
    return "ready" if reason is None else f"error: systems/{name}.yaml: $.params: {reason}"


def test_list_checks_params_against_the_constructor(params_env: dict[str, Path]) -> None:
    infos = {info.name: info for info in discover_systems(params_env["systems"])}
    for name, (_, reason) in PARAMS_CONFIGS.items():
        if reason is None:
            assert infos[name].status == "ready", name
        else:
            assert infos[name].status == _params_status(name)
            assert not infos[name].runs_by_default
    needy = "error: systems/adapters.py: $.params: missing a required argument: 'level'"
    assert infos["needy"].status == needy  # its default system has no params
    result = CliRunner().invoke(cli, ["list", "--systems", str(params_env["systems"])])
    assert result.exit_code == 0, result.output
    assert_clean(result)
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert (
        "error: systems/bad-params.yaml: $.params: got an unexpected keyword argument "
        in (rows["bad-params"])
    )
    assert rows["needy-ok"].split()[-2:] == ["ready", "yes"]


def test_default_run_lists_broken_configs_as_skipped(params_env: dict[str, Path]) -> None:
    env = params_env
    args = ["run", "--gold", str(env["gold"]), "--systems", str(env["systems"])]
    args += ["--out", str(env["root"] / "run"), "--jobs", "2"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert_clean(result)
    data = results_of(env)
    ready = {"anything", "anything-ok", "answers-ok", "with-answers", "positional", "needy-ok"}
    assert set(data["results"]) == {*ready, "empty", "good"}
    assert data["errors"] == {}
    for name, (_, reason) in PARAMS_CONFIGS.items():
        if reason is not None:
            assert data["skipped"][name] == _params_status(name)
            assert f"{name}: skipped ({data['skipped'][name]})\n" in result.stdout
    assert data["skipped"]["unreadable"].startswith("error: systems/unreadable.yaml: ")
    assert "needy" in data["skipped"]
    strict = CliRunner().invoke(cli, [*args[:-4], "--out", str(env["root"] / "r2"), "--strict"])
    assert strict.exit_code == 1, strict.output


def test_running_a_broken_config_by_name_is_a_one_line_usage_error(
    params_env: dict[str, Path],
) -> None:
    result = bench_run(params_env, "good", "bad-params")
    assert result.exit_code == 2, result.output
    assert_clean(result)
    (line,) = result.stderr.splitlines()
    assert line == (
        "bench: error: system 'bad-params': error: systems/bad-params.yaml: $.params: "
        "got an unexpected keyword argument 'colour'"
    )
