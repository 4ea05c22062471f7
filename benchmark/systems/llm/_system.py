"""The ``llm`` system: any OpenAI-compatible chat endpoint prompted for the interchange format.

The model gets the article and the JSON schema of the format (``response_format`` json_schema,
falling back to json_object and then to none when the server answers 400), and must copy every
span's ``text`` verbatim. Its offsets are untrusted: :mod:`._repair` re-anchors each span on
the article by its text and drops what it cannot find. Responses are cached on disk
(:mod:`._cache`) so that runs replay offline; with no endpoint and nothing cached the system
is unavailable (the harness reports it as skipped). The API key is read from the environment at
request time and never stored in the config, the cache, an error or a report.

Example:
    >>> system = LLMSystem(model="some-model", base_url="http://127.0.0.1:9/v1")
    >>> system.config["model"], "api_key" in system.config
    ('some-model', False)
"""

from __future__ import annotations

import copy
import json
import os
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

from ..._errors import BenchError
from ..._formats import LLM_CACHE_FORMAT, LLMCacheEntry, LLMRequest, LLMResponse, LLMUsage
from ..._models import Annotation, Document
from ..._system import SystemUnavailable
from ._cache import ResponseCache, canonical_sha256
from ._client import ChatClient, ClientSettings, HTTPStatusError, redact_url
from ._repair import build_annotation

PROMPT_VERSION = "1"
ARTICLE_HEADER = (
    "ARTICLE (offsets count Unicode code points from 0 at the first character after this line; "
    "end is exclusive):\n"
)
DEFAULTS: dict[str, Any] = {
    "base_url": None,
    "base_url_env": "BENCH_LLM_BASE_URL",
    "model": None,
    "model_env": "BENCH_LLM_MODEL",
    "temperature": 0.0,
    "api_key_env": "OPENAI_API_KEY",
    "max_tokens": 4096,
    "timeout": 120.0,
    "max_retries": 4,
    "backoff_base": 0.5,
    "backoff_max": 30.0,
    "max_concurrency": 4,
    "cache_dir": None,
    "use_cache": True,
    "price_per_1k_prompt": 0.0,
    "price_per_1k_completion": 0.0,
}
_TYPES: dict[str, tuple[type, ...]] = {
    "base_url": (str, type(None)),
    "base_url_env": (str,),
    "model": (str, type(None)),
    "model_env": (str,),
    "temperature": (int, float),
    "api_key_env": (str,),
    "max_tokens": (int, type(None)),
    "timeout": (int, float),
    "max_retries": (int,),
    "backoff_base": (int, float),
    "backoff_max": (int, float),
    "max_concurrency": (int,),
    "cache_dir": (str, type(None)),
    "use_cache": (bool,),
    "price_per_1k_prompt": (int, float),
    "price_per_1k_completion": (int, float),
}
_SECRET_PARAMS = ("api_key", "key", "token", "openai_api_key")
_FORMATS: tuple[str | None, ...] = ("json_schema", "json_object", None)

SYSTEM_PROMPT = """\
You extract facts from one news article for an evaluation benchmark. Answer with one JSON \
object with the keys "entities", "speakers", "quotes" and "claims" that follows this JSON \
schema:
{schema}
Rules:
- "start" and "end" are offsets into the article text exactly as given after the ARTICLE line: \
0-based Unicode code points, end exclusive.
- Every "text" of an entity, quote or span is copied verbatim from the article, character for \
character (same quotation marks, apostrophes, spaces and case). Never paraphrase a span's text.
- entities: every mention of a named entity, each occurrence separately; "type" is one of \
PERSON, ORG, GPE, LOC, NORP, DATE, EVENT, MISC; "entity_id" is a kebab-case id shared by all \
mentions of one real-world entity, or null.
- speakers: everyone quoted, directly or indirectly: "name" (fullest form in the article), \
"aliases" (other names and titles the article uses for them), "role" (or null), "entity_id".
- quotes: direct quotations (the words inside the quotation marks, marks excluded), indirect \
(reported speech) and mixed. "speaker" is the speaker's name; "speaker_span" is the mention of \
the speaker nearest the quote and "cue_span" the reporting verb or phrase (such as "said"), \
each as {{"start", "end", "text"}} or null. A cue that interrupts a quotation splits it in two.
- claims: checkable propositions the article states or reports. "text" is a short \
self-contained sentence; "source" is the speaker's name, or "author" for the article's own \
voice; "kind" is fact, statement, warning, plan or opinion; "evidence" lists the supporting \
article spans as {{"start", "end", "text"}}.
Answer with the JSON object only, no Markdown."""


@cache
def response_schema() -> dict[str, Any]:
    """The JSON schema the model answers in: the annotation schema without the fields the harness
    fills in (doc_id, text_sha256, schema_version), spans carrying their verbatim ``text``.

    Example:
        >>> sorted(response_schema()["properties"])
        ['claims', 'entities', 'quotes', 'speakers']
    """
    from ..._schema import annotation_schema

    schema = copy.deepcopy(annotation_schema())
    for meta in ("$schema", "$id"):
        schema.pop(meta, None)
    for name in ("doc_id", "text_sha256", "schema_version"):
        schema["properties"].pop(name, None)
        if name in schema["required"]:
            schema["required"].remove(name)
    span = schema["$defs"]["Span"]
    span["properties"]["text"] = {"type": "string"}
    return schema


def build_messages(text: str) -> list[dict[str, str]]:
    """The chat messages for one article (the article text exactly as stored, unnormalised)."""
    schema = json.dumps(response_schema(), separators=(",", ":"), ensure_ascii=False)
    return [
        {"role": "system", "content": SYSTEM_PROMPT.format(schema=schema)},
        {"role": "user", "content": ARTICLE_HEADER + text},
    ]


def article_from_messages(messages: Sequence[Mapping[str, Any]]) -> str:
    """The article text in messages built by :func:`build_messages` (for test servers).

    Example:
        >>> article_from_messages(build_messages("Hi\\u00a0there."))
        'Hi\\xa0there.'
    """
    content = str(messages[-1].get("content", ""))
    return content.split(ARTICLE_HEADER, 1)[-1]


def _token_count(value: object) -> int | None:
    """A token count as an answer reports it: a non-negative int (not a bool), else None."""
    return value if type(value) is int and 0 <= value <= 2**53 else None


def _check_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults filled in and types checked.

    Raises:
        BenchError: naming the param that is unknown, secret or of the wrong type.
    """
    for name in params:
        if name.lower() in _SECRET_PARAMS:
            raise BenchError(
                f"llm param {name!r}: never put a key in a config; set the environment variable "
                f"named by api_key_env (default {DEFAULTS['api_key_env']}) instead"
            )
        if name not in DEFAULTS:
            raise BenchError(f"llm param {name!r}: unknown (known: {', '.join(DEFAULTS)})")
    merged = {**DEFAULTS, **params}
    for name, value in merged.items():
        allowed = _TYPES[name]
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            expected = " or ".join("null" if t is type(None) else t.__name__ for t in allowed)
            raise BenchError(f"llm param {name!r}: expected {expected}, got {value!r:.60}")
    if merged["max_concurrency"] < 1:
        raise BenchError("llm param 'max_concurrency': must be at least 1")
    if merged["max_retries"] < 0:
        raise BenchError("llm param 'max_retries': must be 0 or more")
    for name, allowed in _TYPES.items():  # 0 and 0.0 must make the same cache key
        if allowed == (int, float):
            merged[name] = float(merged[name])
    if merged["base_url"] is not None:
        merged["base_url"] = redact_url(merged["base_url"]) or None
    return merged


def _endpoint(params: Mapping[str, Any]) -> str | None:
    url = params["base_url"] or os.environ.get(params["base_url_env"], "").strip()
    return url or None


def _model(params: Mapping[str, Any]) -> str | None:
    model = params["model"] or os.environ.get(params["model_env"], "").strip()
    return model or None


def _cache_root(params: Mapping[str, Any]) -> Path:
    if params["cache_dir"]:
        return Path(params["cache_dir"])
    env = os.environ.get("BENCH_CACHE_DIR", "").strip()
    return Path(env) / "llm" if env else Path.cwd() / ".bench-cache" / "llm"


class LLMSystem:
    """Extraction by an OpenAI-compatible chat model, with offset repair and a response cache.

    Params (all optional; see ``DEFAULTS``): ``base_url`` (else the env var named by
    ``base_url_env``), ``model`` (else env ``model_env``), ``temperature``, ``api_key_env``,
    ``max_tokens``, ``timeout``, ``max_retries``, ``backoff_base``, ``backoff_max``,
    ``max_concurrency``, ``cache_dir``, ``use_cache``, ``price_per_1k_prompt``,
    ``price_per_1k_completion``.
    """

    name = "llm"
    version = "1"

    def __init__(self, **params: Any) -> None:
        settings = _check_params(params)
        self.model = _model(settings)
        if self.model is None:
            raise BenchError(
                f"llm param 'model': not set (give it in systems/llm.yaml or set "
                f"{settings['model_env']})"
            )
        self.config: dict[str, Any] = {**settings, "model": self.model}
        self.config["prompt_version"] = PROMPT_VERSION
        self._settings = settings
        self._endpoint = _endpoint(settings)
        self._cache = ResponseCache(_cache_root(settings), self.model)
        self._lock = threading.Lock()
        self._format_index = 0
        self._usage: Counter[str] = Counter()
        self._cost = 0.0
        self._repairs: Counter[str] = Counter()
        self._client: ChatClient | None = None
        if self._endpoint is not None:
            api_key = os.environ.get(settings["api_key_env"]) or None
            self._client = ChatClient(
                ClientSettings(
                    base_url=self._endpoint,
                    api_key=api_key,
                    timeout=settings["timeout"],
                    max_retries=settings["max_retries"],
                    backoff_base=settings["backoff_base"],
                    backoff_max=settings["backoff_max"],
                    max_concurrency=settings["max_concurrency"],
                )
            )

    # --- availability --------------------------------------------------------------------

    @classmethod
    def availability(cls, params: Mapping[str, Any]) -> str | None:
        """Why the system cannot run here, or None when it can (an endpoint, or recorded answers).

        Raises:
            BenchError: when the params themselves are wrong.
        """
        settings = _check_params(params)
        if _endpoint(settings) is not None:
            return None if _model(settings) else f"no model: set {settings['model_env']}"
        model = _model(settings)
        if model and settings["use_cache"]:
            cache_obj = ResponseCache(_cache_root(settings), model)
            if cache_obj.has_any():
                return None
        where = _cache_root(settings) / (model or "<model>")
        return (
            f"no endpoint (set {settings['base_url_env']} or base_url) and no cached responses "
            f"in {where}"
        )

    # --- extraction ----------------------------------------------------------------------

    def extract(self, document: Document) -> Annotation:
        """Predictions for one article.

        Raises:
            SystemUnavailable: no cached response for this article and no endpoint.
            BenchError: the endpoint failed or answered garbage (one line, for this document).
        """
        messages = build_messages(document.text)
        request_key = self._request_key(messages)
        endpoint_key = canonical_sha256(redact_url(self._endpoint)) if self._endpoint else None
        use_cache = self._settings["use_cache"]
        entry = self._cache.lookup(request_key, endpoint_key) if use_cache else None
        if entry is not None:
            self._count(cached=1)
        else:
            entry = self._ask(document, messages)
            if use_cache and endpoint_key is not None:
                self._cache.store(request_key, endpoint_key, entry)
        response = entry.response
        data = self._parse_content(document, response.content, response.finish_reason)
        try:
            annotation, stats = build_annotation(data, document)
        except BenchError as exc:
            raise BenchError(f"llm answer for {document.doc_id}: {exc}") from None
        with self._lock:
            self._repairs.update(stats.counts)
        return annotation

    def extract_each(self, documents: Sequence[Document]) -> list[Annotation | Exception]:
        """Predictions or the error of each document, requests running concurrently (bounded by
        ``max_concurrency``), in the order given."""

        def one(document: Document) -> Annotation | Exception:
            try:
                return self.extract(document)
            except (BenchError, SystemUnavailable) as exc:
                return exc

        workers = max(1, min(self._settings["max_concurrency"], len(documents)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="llm") as pool:
            return list(pool.map(one, documents))

    def extract_batch(self, documents: Sequence[Document]) -> list[Annotation]:
        """Predictions for many articles, concurrently (bounded by ``max_concurrency``).

        When a document fails, every request still finishes (answers stay cached, so running the
        documents one by one afterwards costs nothing) and then the batch raises:
        ``SystemUnavailable`` only when no document could run at all, else the first
        ``BenchError`` (a runner then retries the documents singly for per-document errors).
        """
        results = self.extract_each(documents)
        errors = [r for r in results if isinstance(r, Exception)]
        if not errors:
            return [r for r in results if isinstance(r, Annotation)]
        if all(isinstance(r, SystemUnavailable) for r in results):
            raise errors[0]
        first = next((e for e in errors if isinstance(e, BenchError)), None)
        raise first or BenchError(f"{len(errors)} of {len(results)} documents: {errors[0]}")

    # --- accounting ----------------------------------------------------------------------

    def usage(self) -> dict[str, Any]:
        """Requests sent, answers replayed from the cache, tokens and cost of the requests sent.

        Example:
            >>> LLMSystem(model="m", base_url="http://127.0.0.1:9/v1").usage()["requests"]
            0
        """
        with self._lock:
            return {
                "requests": self._client.requests if self._client else 0,
                "cached": self._usage["cached"],
                "prompt_tokens": self._usage["prompt_tokens"],
                "completion_tokens": self._usage["completion_tokens"],
                "cost_usd": round(self._cost, 6),
            }

    def repairs(self) -> dict[str, int]:
        """What offset repair did so far (see :class:`._repair.RepairStats`)."""
        with self._lock:
            return dict(sorted(self._repairs.items()))

    def _count(self, *, cached: int = 0, prompt: int = 0, completion: int = 0) -> None:
        s = self._settings
        with self._lock:
            self._usage["cached"] += cached
            self._usage["prompt_tokens"] += prompt
            self._usage["completion_tokens"] += completion
            self._cost += (
                prompt * s["price_per_1k_prompt"] + completion * s["price_per_1k_completion"]
            ) / 1000

    # --- internals -----------------------------------------------------------------------

    def _request_key(self, messages: list[dict[str, str]]) -> str:
        return canonical_sha256(
            {
                "model": self.model,
                "temperature": self._settings["temperature"],
                "max_tokens": self._settings["max_tokens"],
                "prompt_version": PROMPT_VERSION,
                "messages": messages,
            }
        )

    def _payload(self, messages: list[dict[str, str]], mode: str | None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self._settings["temperature"],
        }
        if self._settings["max_tokens"] is not None:
            payload["max_tokens"] = self._settings["max_tokens"]
        if mode == "json_schema":
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "annotation", "schema": response_schema(), "strict": False},
            }
        elif mode == "json_object":
            payload["response_format"] = {"type": "json_object"}
        return payload

    def _ask(self, document: Document, messages: list[dict[str, str]]) -> LLMCacheEntry:
        """Call the endpoint; return a cache entry. Falls back on response formats after a 400."""
        if self._client is None:
            raise SystemUnavailable(
                f"no cached llm response for {document.doc_id} and no endpoint "
                f"(set {self._settings['base_url_env']} or base_url)"
            )
        start = self._format_index
        for index in range(start, len(_FORMATS)):
            try:
                body = self._client.complete(self._payload(messages, _FORMATS[index]))
            except HTTPStatusError as exc:
                if exc.status == 400 and index + 1 < len(_FORMATS):
                    continue
                raise BenchError(f"{document.doc_id}: {exc}") from None
            except BenchError as exc:
                raise BenchError(f"{document.doc_id}: {exc}") from None
            if index != start:
                with self._lock:
                    self._format_index = max(self._format_index, index)
            return self._entry(document, body, _FORMATS[index])
        raise AssertionError("unreachable")  # pragma: no cover

    def _entry(
        self, document: Document, body: Mapping[str, Any], mode: str | None
    ) -> LLMCacheEntry:
        choices = body.get("choices")
        first = choices[0] if isinstance(choices, list) and choices else None
        message = first.get("message") if isinstance(first, dict) else None
        content = message.get("content") if isinstance(message, dict) else None
        finish = first.get("finish_reason") if isinstance(first, dict) else None
        raw_usage = body.get("usage")
        usage = raw_usage if isinstance(raw_usage, dict) else {}
        prompt = _token_count(usage.get("prompt_tokens"))
        completion = _token_count(usage.get("completion_tokens"))
        self._count(prompt=prompt or 0, completion=completion or 0)
        if not isinstance(content, str):
            raise BenchError(
                f"llm answer for {document.doc_id}: no message content "
                f"(finish_reason={finish!r:.40})"
            )
        return LLMCacheEntry(
            cache_format=LLM_CACHE_FORMAT,
            request=LLMRequest(
                endpoint=redact_url(self._endpoint or ""),
                model=str(self.model),
                temperature=self._settings["temperature"],
                max_tokens=self._settings["max_tokens"],
                prompt_version=PROMPT_VERSION,
                response_format=mode,
                article_sha256=document.sha256,
            ),
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            response=LLMResponse(
                id=body.get("id") if isinstance(body.get("id"), str) else None,
                model=body.get("model") if isinstance(body.get("model"), str) else None,
                finish_reason=finish if isinstance(finish, str) else None,
                content=content,
                usage=LLMUsage(prompt_tokens=prompt, completion_tokens=completion),
            ),
        )

    def _parse_content(self, document: Document, content: str, finish: Any) -> Any:
        text = content.strip()
        if text.startswith("```"):
            text = text.split("\n", 1)[1] if "\n" in text else ""
            text = text.rsplit("```", 1)[0]
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            hint = "; cut at max_tokens (finish_reason=length)" if finish == "length" else ""
            raise BenchError(
                f"llm answer for {document.doc_id}: not JSON ({exc.msg} at char {exc.pos}){hint}"
            ) from None
        except RecursionError:
            raise BenchError(
                f"llm answer for {document.doc_id}: not JSON (nested too deeply)"
            ) from None
