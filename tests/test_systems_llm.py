"""The `llm` system against a local OpenAI-compatible server (127.0.0.1 only, no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmark._errors import BenchError
from benchmark._models import Annotation, Document, Span
from benchmark._system import BatchSystem, System, SystemUnavailable
from benchmark._validate import check_annotation
from benchmark.systems.llm._client import parse_retry_after, redact_url, retry_delay
from benchmark.systems.llm._repair import Locator, build_annotation, normalise
from benchmark.systems.llm._system import LLMSystem, article_from_messages, response_schema
from tests.llm_fake import FakeChatServer, measure_throughput, scripted_model

KEY = "sk-test-Zq9-secret-value-7781"
TEXT = (
    "Dana Okafor of Marlow Group said \u201cwe\u2019re\u00a0ready to ship\u201d on Tuesday.\n\n"
    "Okafor later left Eastfield, where Lee Brandt said \u201csales will fall\u201d."
)
DOC = Document("doc-a", TEXT)
ENV_VARS = (
    "BENCH_LLM_BASE_URL",
    "BENCH_LLM_MODEL",
    "OPENAI_API_KEY",
    "BENCH_CACHE_DIR",
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def server() -> Any:
    with FakeChatServer(api_key=KEY) as fake:
        yield fake


def make_system(base_url: str | None, cache_dir: Path, **params: Any) -> LLMSystem:
    settings: dict[str, Any] = {"model": "fake-model", "cache_dir": str(cache_dir)}
    if base_url is not None:
        settings["base_url"] = base_url
    settings.setdefault("backoff_base", 0.001)
    return LLMSystem(**{**settings, **params})


def all_files_text(folder: Path) -> str:
    return "".join(p.read_text("utf-8") for p in sorted(folder.rglob("*")) if p.is_file())


# --- protocol ------------------------------------------------------------------------------


def test_request_has_model_messages_schema_and_bearer_key(
    server: FakeChatServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    system = make_system(server.base_url, tmp_path / "cache", max_tokens=1000)
    system.extract(DOC)
    (request,) = server.requests
    body = request["body"]
    assert request["headers"]["authorization"] == f"Bearer {KEY}"
    assert body["model"] == "fake-model"
    assert body["temperature"] == 0
    assert body["max_tokens"] == 1000
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert article_from_messages(body["messages"]) == TEXT
    assert "verbatim" in body["messages"][0]["content"]
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["schema"] == response_schema()
    assert set(fmt["json_schema"]["schema"]["properties"]) == {
        "entities",
        "speakers",
        "quotes",
        "claims",
    }


def test_system_satisfies_the_adapter_protocols(tmp_path: Path) -> None:
    system = make_system("http://127.0.0.1:9/v1", tmp_path)
    assert isinstance(system, System)
    assert isinstance(system, BatchSystem)
    assert system.name == "llm"
    json.dumps(system.config)  # JSON-ready


def test_wrong_key_is_a_one_line_error(server: FakeChatServer, tmp_path: Path) -> None:
    system = make_system(server.base_url, tmp_path / "cache")
    with pytest.raises(BenchError) as info:
        system.extract(DOC)
    assert "HTTP 401" in str(info.value)
    assert "\n" not in str(info.value)


# --- offset repair ---------------------------------------------------------------------------


def test_offsets_are_repaired_and_unfound_items_dropped(
    server: FakeChatServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    system = make_system(server.base_url, tmp_path / "cache")
    annotation = system.extract(DOC)
    assert check_annotation(annotation, DOC, "doc-a.json", gold=False) == []
    assert annotation.doc_id == "doc-a" and annotation.text_sha256 == DOC.sha256
    texts = [e.text for e in annotation.entities]
    assert "Qwxz Unfound" not in texts
    assert texts[:2] == ["Dana Okafor", "Marlow Group"]
    assert annotation.entities[0].start == 0  # the model said 3
    first = annotation.quotes[0]
    assert first.text == "we\u2019re\u00a0ready to ship"  # the model sent "we're ready to ship"
    assert TEXT[first.start : first.end] == first.text
    assert first.cue_span is not None and TEXT[first.cue_span.start : first.cue_span.end] == "said"
    assert first.speaker_span is not None
    assert TEXT[first.speaker_span.start : first.speaker_span.end] == "Marlow Group"
    claim = annotation.claims[0]
    assert claim.evidence == (first.span,)
    repairs = system.repairs()
    assert repairs["dropped"] == 1
    assert repairs["normalised"] >= 1
    assert repairs["moved"] >= 1


def test_locator_prefers_exact_nearest_then_normalised() -> None:
    text = "A \u201cgo\u201d. B said go\u00a0now. C: \u2018Go now\u2019."
    first, second = text.index("go"), text.index("go\u00a0now")
    third = text.index("Go now")
    loc = Locator(text)
    assert loc.locate("go", hint=30) == (Span(second, second + 2), "exact")
    assert loc.locate("go", hint=0) == (Span(first, first + 2), "exact")
    assert loc.locate("go now", hint=0) == (Span(second, second + 6), "normalised")
    taken = {Span(second, second + 6)}
    assert loc.locate("go now", hint=0, taken=taken) == (Span(third, third + 6), "normalised")
    assert loc.locate("\u201cGo now\u201d", hint=third) == (Span(third, third + 6), "normalised")
    assert loc.locate("absent words", hint=0) is None
    assert loc.locate("   ", hint=0) is None


def test_normalise_maps_back_to_original_offsets() -> None:
    text = "x\u2014y \u00a0 z\u2026"
    normal, origin = normalise(text)
    assert normal == "x-y z..."
    assert [text[i] for i in origin] == ["x", "\u2014", "y", " ", "z", "\u2026", "\u2026", "\u2026"]


def test_repair_drops_duplicates_coerces_types_and_nulls_bad_spans() -> None:
    doc = Document("d", "Ana Ruiz spoke. Ana Ruiz said \u201cno\u201d.")
    data = {
        "entities": [
            {"start": 0, "end": 8, "text": "Ana Ruiz", "type": "PERSON"},
            {"start": 0, "end": 8, "text": "Ana Ruiz", "type": "PERSON"},
            {"start": 0, "end": 8, "text": "Ana Ruiz", "type": "PERSON"},
            {"start": 5, "end": 9, "text": "Ruiz", "type": "ORGANIZATION"},
            "not an object",
        ],
        "quotes": [
            {
                "start": 99,
                "end": 101,
                "text": "no",
                "kind": "quoted",
                "speaker": None,
                "speaker_span": {"start": 500, "end": 600},
                "cue_span": {"start": 2, "end": 1},
            }
        ],
        "claims": [
            {"text": "Ana Ruiz said no", "source": "", "kind": "fact", "evidence": [{"x": 1}]}
        ],
    }
    annotation, stats = build_annotation(data, doc)
    assert [(e.start, e.type) for e in annotation.entities] == [
        (0, "PERSON"),
        (16, "PERSON"),
        (4, "ORG"),
    ]
    assert annotation.quotes[0].kind == "direct"
    assert annotation.quotes[0].speaker_span is None and annotation.quotes[0].cue_span is None
    assert annotation.claims[0].source == "author" and annotation.claims[0].evidence == ()
    assert stats.counts["duplicates"] == 1
    assert stats.counts["dropped"] == 1
    assert stats.counts["coerced"] == 2
    assert stats.counts["spans_nulled"] == 2
    assert check_annotation(annotation, doc, "d.json", gold=False) == []


# --- cache -----------------------------------------------------------------------------------


def test_cache_is_written_then_replayed_with_the_server_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    cache_dir = tmp_path / "cache"
    with FakeChatServer(api_key=KEY) as fake:
        base_url = fake.base_url
        first = make_system(base_url, cache_dir).extract(DOC)
        assert len(fake.requests) == 1
    files = sorted(cache_dir.rglob("*.json"))
    assert len(files) == 1
    assert files[0].parent.parent.name == "fake-model"
    entry = json.loads(files[0].read_text("utf-8"))
    assert entry["request"]["article_sha256"] == DOC.sha256
    assert entry["response"]["content"]
    # same endpoint configured but down: a cache hit, no network call
    same = make_system(base_url, cache_dir)
    assert same.extract(DOC) == first
    assert same.usage()["requests"] == 0 and same.usage()["cached"] == 1
    # no endpoint at all (CI replay)
    offline = make_system(None, cache_dir)
    assert offline.extract(DOC) == first
    assert offline.usage() == {
        "requests": 0,
        "cached": 1,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "cost_usd": 0.0,
    }
    assert not any(p.name.endswith(".tmp") for p in cache_dir.rglob("*"))


def test_cache_key_changes_with_the_article_and_the_model(
    server: FakeChatServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    cache_dir = tmp_path / "cache"
    system = make_system(server.base_url, cache_dir)
    system.extract(DOC)
    system.extract(Document("doc-a", TEXT + " More."))
    system.extract(DOC)
    make_system(server.base_url, cache_dir, model="other-model").extract(DOC)
    make_system(server.base_url, cache_dir, temperature=0.5).extract(DOC)
    assert len(server.requests) == 4
    assert system.usage()["cached"] == 1


def test_use_cache_false_always_asks(
    server: FakeChatServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    system = make_system(server.base_url, tmp_path / "cache", use_cache=False)
    system.extract(DOC)
    system.extract(DOC)
    assert len(server.requests) == 2
    assert not (tmp_path / "cache").exists()


def test_key_never_reaches_the_cache_the_config_or_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)

    class EchoingServer(FakeChatServer):
        def answer(self, headers: dict[str, str], body: dict[str, Any]) -> Any:
            if body.get("max_tokens") == 7:
                return 401, {"error": {"message": f"bad key {headers.get('authorization')}"}}
            return super().answer(headers, body)

    cache_dir = tmp_path / "cache"
    with EchoingServer(api_key=KEY) as fake:
        system = make_system(fake.base_url, cache_dir)
        system.extract(DOC)
        echoing = make_system(fake.base_url, cache_dir, max_tokens=7)
        with pytest.raises(BenchError) as info:
            echoing.extract(DOC)
    assert KEY not in str(info.value) and "***" in str(info.value)
    assert all_files_text(cache_dir)
    assert KEY not in all_files_text(cache_dir)
    assert KEY not in json.dumps(system.config)
    assert KEY not in json.dumps(system.usage())


def test_a_key_in_the_params_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="environment variable"):
        make_system("http://127.0.0.1:9/v1", tmp_path, api_key=KEY)


def test_credentials_in_the_base_url_are_not_kept() -> None:
    assert redact_url("https://u:pw@host/v1/?k=1") == "https://host/v1"
    system = LLMSystem(model="m", base_url="https://u:pw@host/v1?k=1")
    assert "pw" not in json.dumps(system.config)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"colour": "red"}, "'colour': unknown"),
        ({"max_concurrency": 0}, "at least 1"),
        ({"temperature": "hot"}, "'temperature': expected"),
        ({"use_cache": 1}, "'use_cache': expected bool"),
    ],
)
def test_bad_params_are_one_line_errors(params: dict[str, Any], message: str) -> None:
    with pytest.raises(BenchError, match=message):
        LLMSystem(model="m", **params)


def test_model_is_required() -> None:
    with pytest.raises(BenchError, match="BENCH_LLM_MODEL"):
        LLMSystem(base_url="http://127.0.0.1:9/v1")


# --- retries ---------------------------------------------------------------------------------


def test_retries_on_429_and_500_then_succeeds(tmp_path: Path) -> None:
    with FakeChatServer(failures=[429, 500], retry_after="0") as fake:
        system = make_system(fake.base_url, tmp_path / "cache", max_retries=3)
        annotation = system.extract(DOC)
        assert len(fake.requests) == 3
    assert annotation.entities
    assert system.usage()["requests"] == 3


def test_retry_cap_reached_is_a_one_line_error(tmp_path: Path) -> None:
    with FakeChatServer(failures=[500, 503, 500, 500]) as fake:
        system = make_system(fake.base_url, tmp_path / "cache", max_retries=2)
        with pytest.raises(BenchError) as info:
            system.extract(DOC)
        assert len(fake.requests) == 3
    message = str(info.value)
    assert message.startswith("doc-a: llm endpoint failed after 3 attempts: HTTP 500")
    assert "\n" not in message
    assert not (tmp_path / "cache").exists()


def test_connection_refused_is_retried_then_reported(tmp_path: Path) -> None:
    with FakeChatServer() as fake:
        base_url = fake.base_url
    system = make_system(base_url, tmp_path / "cache", max_retries=1)
    with pytest.raises(BenchError, match="failed after 2 attempts: connection failed"):
        system.extract(DOC)
    assert system.usage()["requests"] == 2


def test_backoff_grows_with_jitter_honours_retry_after_and_is_capped() -> None:
    assert retry_delay(0, None, 1.0, 30.0, 1.0) == 1.0
    assert retry_delay(2, None, 1.0, 30.0, 1.0) == 4.0
    assert retry_delay(2, None, 1.0, 30.0, 0.5) == 2.0
    assert retry_delay(10, None, 1.0, 30.0, 1.0) == 30.0
    assert retry_delay(0, 12.0, 1.0, 30.0, 0.5) == 12.0
    assert retry_delay(0, 500.0, 1.0, 30.0, 1.0) == 30.0
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("") is None and parse_retry_after("later") is None


def test_json_schema_rejected_falls_back_to_json_object(tmp_path: Path) -> None:
    with FakeChatServer(reject_json_schema=True) as fake:
        system = make_system(fake.base_url, tmp_path / "cache")
        system.extract(DOC)
        system.extract(Document("doc-b", "Mia Holt said \u201cyes\u201d."))
        formats = [(r["body"].get("response_format") or {}).get("type") for r in fake.requests]
    assert formats == ["json_schema", "json_object", "json_object"]


# --- concurrency -----------------------------------------------------------------------------


def test_batch_respects_the_concurrency_bound(tmp_path: Path) -> None:
    documents = [Document(f"d{i}", f"Kim Ode said \u201citem {i}\u201d today.") for i in range(8)]
    with FakeChatServer(latency=0.2) as fake:
        system = make_system(fake.base_url, tmp_path / "cache", max_concurrency=3)
        annotations = system.extract_batch(documents)
        assert 2 <= fake.max_in_flight <= 3
    assert [a.doc_id for a in annotations] == [d.doc_id for d in documents]
    assert system.usage()["requests"] == 8


def test_throughput_helper_runs_every_document_within_the_bound() -> None:
    result = measure_throughput(6, latency=0.0, max_concurrency=2)
    assert result["requests"] == 6
    assert 1 <= result["max_in_flight"] <= 2


# --- garbage ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Sure! Here are the entities: Dana", "llm answer for doc-a: not JSON (Expecting value"),
        ("[1, 2]", "llm answer for doc-a: wrong shape: expected a JSON object, got list"),
        ('{"entities": "none"}', "wrong shape: $.entities is a str, not a list"),
        ('{"answer": 42}', "wrong shape: none of entities, speakers, quotes, claims"),
    ],
)
def test_garbage_answers_are_one_line_errors(tmp_path: Path, content: str, message: str) -> None:
    with FakeChatServer(responder=lambda article, body: content) as fake:
        system = make_system(fake.base_url, tmp_path / "cache")
        with pytest.raises(BenchError) as info:
            system.extract(DOC)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_fenced_json_is_accepted(tmp_path: Path) -> None:
    def fenced(article: str, body: dict[str, Any]) -> str:
        return "```json\n" + scripted_model(article, body) + "\n```"

    with FakeChatServer(responder=fenced) as fake:
        annotation = make_system(fake.base_url, tmp_path / "cache").extract(DOC)
    assert annotation.entities


def test_one_bad_document_leaves_the_others_intact(tmp_path: Path) -> None:
    def picky(article: str, body: dict[str, Any]) -> str:
        return "oops" if "broken" in article else scripted_model(article, body)

    documents = [DOC, Document("doc-bad", "A broken one."), Document("doc-c", "Ola Nye left.")]
    with FakeChatServer(responder=picky) as fake:
        system = make_system(fake.base_url, tmp_path / "cache")
        results = system.extract_each(documents)
        assert isinstance(results[0], Annotation) and isinstance(results[2], Annotation)
        assert isinstance(results[1], BenchError) and "doc-bad" in str(results[1])
        with pytest.raises(BenchError, match="doc-bad"):
            system.extract_batch(documents)


# --- availability and accounting -------------------------------------------------------------


def test_availability_reason_when_nothing_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = {"model": "fake-model", "cache_dir": str(tmp_path / "cache")}
    reason = LLMSystem.availability(params)
    assert reason is not None and "BENCH_LLM_BASE_URL" in reason
    system = LLMSystem(**params)
    with pytest.raises(SystemUnavailable, match="no cached llm response for doc-a"):
        system.extract(DOC)
    monkeypatch.setenv("BENCH_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    assert LLMSystem.availability(params) is None


def test_availability_with_cached_responses_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    with FakeChatServer() as fake:
        make_system(fake.base_url, cache_dir).extract(DOC)
    params = {"model": "fake-model", "cache_dir": str(cache_dir)}
    assert LLMSystem.availability(params) is None
    assert LLMSystem.availability({**params, "model": "never-recorded"}) is not None
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert LLMSystem.availability({"model": "fake-model"}) is not None


def test_default_cache_dir_follows_bench_cache_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "shared"))
    with FakeChatServer() as fake:
        LLMSystem(model="fake-model", base_url=fake.base_url).extract(DOC)
    assert list((tmp_path / "shared" / "llm" / "fake-model").rglob("*.json"))


def test_tokens_and_cost_are_counted(tmp_path: Path) -> None:
    with FakeChatServer() as fake:
        system = make_system(
            fake.base_url,
            tmp_path / "cache",
            price_per_1k_prompt=2.0,
            price_per_1k_completion=10.0,
        )
        system.extract(DOC)
        system.extract(DOC)  # cached: free
        reported = [r for r in fake.requests]
    (request,) = reported
    prompt_chars = sum(len(m["content"]) for m in request["body"]["messages"])
    usage = system.usage()
    assert usage["requests"] == 1 and usage["cached"] == 1
    assert usage["prompt_tokens"] == prompt_chars // 4
    assert usage["completion_tokens"] > 0
    expected = (usage["prompt_tokens"] * 2.0 + usage["completion_tokens"] * 10.0) / 1000
    assert usage["cost_usd"] == pytest.approx(expected, abs=1e-6)


def test_systems_yaml_is_valid_and_keyless() -> None:
    path = Path(__file__).resolve().parent.parent / "systems" / "llm.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    assert data["name"] == "llm" and data["adapter"] == "llm" and data["display_name"]
    system = LLMSystem(**data["params"])
    assert system.config["api_key_env"] == "OPENAI_API_KEY"
    assert "api_key" not in data["params"]


def test_batch_with_some_uncached_documents_offline_is_not_all_unavailable(
    tmp_path: Path,
) -> None:
    cache_dir = tmp_path / "cache"
    with FakeChatServer() as fake:
        make_system(fake.base_url, cache_dir).extract(DOC)
    offline = make_system(None, cache_dir)
    new = Document("doc-new", "Uma Vale said \u201cno\u201d.")
    with pytest.raises(BenchError, match="1 of 2 documents: no cached llm response for doc-new"):
        offline.extract_batch([DOC, new])
    with pytest.raises(SystemUnavailable):
        offline.extract_batch([new])


def test_integer_and_float_temperatures_share_the_cache(
    server: FakeChatServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    make_system(server.base_url, tmp_path / "cache", temperature=0).extract(DOC)
    again = make_system(server.base_url, tmp_path / "cache", temperature=0.0)
    again.extract(DOC)
    assert len(server.requests) == 1 and again.usage()["cached"] == 1
