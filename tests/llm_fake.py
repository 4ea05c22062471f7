"""A local OpenAI-compatible chat server with a scripted fake model, for tests and measurements.

It speaks the real protocol (``POST /v1/chat/completions`` with a Bearer key, a
``chat.completion`` answer with ``usage``) on 127.0.0.1, answers from the article it is sent, and
can be told to fail first (429/500 with ``Retry-After``), to add latency, to reject json_schema
response formats, or to answer garbage. It counts the requests in flight. Nothing here is used by
a real run.

Example:
    >>> with FakeChatServer() as server:
    ...     server.base_url.startswith("http://127.0.0.1:")
    True
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from benchmark._models import Document
from benchmark.systems.llm._system import LLMSystem, article_from_messages

Responder = Callable[[str, dict[str, Any]], str]

_NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*\b")
_QUOTE = re.compile(r"[“\"]([^”\"]+)[”\"]")
_CUE = re.compile(r"\b(?:said|says|told|added|warned)\b")


def _sloppy(text: str) -> str:
    """What a model's copy of article text tends to look like: straight quotes, plain spaces."""
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})
    return text.translate(table)


def scripted_model(article: str, request: dict[str, Any]) -> str:
    """A deterministic fake model answering in the interchange format with sloppy offsets.

    Entities are capitalised word runs (offsets shifted by 3, text with straight quotes and plain
    spaces), plus one name that is not in the article; quotes are the text between quotation
    marks (offsets shifted, apostrophes straightened), attributed to the nearest name before
    them, with a cue; one claim per quote with evidence.
    """
    names = [(m.start(), m.group()) for m in _NAME.finditer(article)]
    entities: list[dict[str, Any]] = [
        {
            "start": start + 3,
            "end": start + 3 + len(text),
            "text": _sloppy(text),
            "type": "PERSON" if " " in text else "ORG",
            "entity_id": None,
        }
        for start, text in names
    ]
    entities.append({"start": 0, "end": 11, "text": "Qwxz Unfound", "type": "PERSON"})
    quotes: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    speakers: dict[str, dict[str, Any]] = {}
    for match in _QUOTE.finditer(article):
        start = match.start(1)
        before = [(s, t) for s, t in names if s < start and " " in t]
        speaker = before[-1] if before else None
        cue = _CUE.search(article, max(0, start - 60))
        quotes.append(
            {
                "start": max(0, start - 7),
                "end": max(0, start - 7) + len(match.group(1)),
                "text": _sloppy(match.group(1)),
                "kind": "direct",
                "speaker": speaker[1] if speaker else None,
                "speaker_span": (
                    {"start": speaker[0] + 1, "end": speaker[0] + 1, "text": speaker[1]}
                    if speaker
                    else None
                ),
                "cue_span": (
                    {"start": cue.start() + 2, "end": cue.end(), "text": cue.group()}
                    if cue
                    else None
                ),
            }
        )
        if speaker:
            speakers[speaker[1]] = {"name": speaker[1], "aliases": [], "role": None}
        claims.append(
            {
                "text": _sloppy(match.group(1)),
                "source": speaker[1] if speaker else "author",
                "kind": "statement",
                "paraphrases": [],
                "evidence": [{"start": 0, "end": 1, "text": _sloppy(match.group(1))}],
            }
        )
    answer = {
        "entities": entities,
        "speakers": list(speakers.values()),
        "quotes": quotes,
        "claims": claims,
    }
    return json.dumps(answer, ensure_ascii=False)


class FakeChatServer:
    """A threaded chat-completions server on 127.0.0.1 (port chosen by the OS).

    Args:
        api_key: when set, requests without ``Authorization: Bearer <api_key>`` get 401.
        responder: builds the assistant's content from (article, request body).
        latency: seconds each answer takes.
        failures: statuses to answer (in order) before answering normally, e.g. ``[429, 500]``.
        retry_after: the ``Retry-After`` header sent with those failures.
        reject_json_schema: answer 400 to ``response_format`` of type json_schema.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        responder: Responder = scripted_model,
        latency: float = 0.0,
        failures: list[int] | None = None,
        retry_after: str | None = None,
        reject_json_schema: bool = False,
    ) -> None:
        self.api_key = api_key
        self.responder = responder
        self.latency = latency
        self.failures = list(failures or [])
        self.retry_after = retry_after
        self.reject_json_schema = reject_json_schema
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeChatServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _next_failure(self) -> int | None:
        with self._lock:
            return self.failures.pop(0) if self.failures else None

    def answer(self, headers: dict[str, str], body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The status and JSON body for one request (the protocol, without the HTTP plumbing)."""
        with self._lock:
            self.requests.append({"headers": headers, "body": body})
        if self.api_key is not None and headers.get("authorization") != f"Bearer {self.api_key}":
            return 401, {"error": {"message": "invalid api key", "type": "auth"}}
        failure = self._next_failure()
        if failure is not None:
            return failure, {"error": {"message": f"scripted failure {failure}"}}
        fmt = body.get("response_format") or {}
        if self.reject_json_schema and fmt.get("type") == "json_schema":
            return 400, {"error": {"message": "response_format json_schema is not supported"}}
        messages = body.get("messages") or []
        content = self.responder(article_from_messages(messages), body)
        prompt_chars = sum(len(str(m.get("content", ""))) for m in messages)
        return 200, {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_chars // 4,
                "completion_tokens": len(content) // 4,
                "total_tokens": prompt_chars // 4 + len(content) // 4,
            },
        }


def _make_handler(server: FakeChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Silence the default stderr log."""

        def _reply(self, status: int, data: dict[str, Any]) -> None:
            raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            if status in (429, 503) and server.retry_after is not None:
                self.send_header("Retry-After", server.retry_after)
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            server._enter()
            try:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path != "/v1/chat/completions":
                    self._reply(404, {"error": {"message": f"no route {self.path}"}})
                    return
                try:
                    body = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    self._reply(400, {"error": {"message": "body is not JSON"}})
                    return
                if server.latency:
                    time.sleep(server.latency)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, data = server.answer(headers, body)
                self._reply(status, data)
            finally:
                server._leave()

    return Handler


def synthetic_documents(n: int) -> list[Document]:
    """``n`` distinct short news-like articles (names, a quotation, a cue)."""
    return [
        Document(
            f"synthetic-{i:05d}",
            f"Dana Okafor of Marlow Group said “sales rose {i} percent” on Tuesday.\n\n"
            f"The board in Eastfield will meet again, Okafor told reporters (item {i}).",
        )
        for i in range(n)
    ]


def measure_throughput(
    n_docs: int = 50, *, latency: float = 0.05, max_concurrency: int = 8
) -> dict[str, Any]:
    """Run ``n_docs`` articles through ``LLMSystem`` against a fake server with ``latency``.

    Returns documents, seconds, docs_per_second, requests, max_in_flight (never above
    ``max_concurrency``). The cache goes to a temporary folder, so every document is a request.
    """
    documents = synthetic_documents(n_docs)
    with tempfile.TemporaryDirectory() as cache_dir, FakeChatServer(latency=latency) as server:
        system = LLMSystem(
            model="fake-model",
            base_url=server.base_url,
            cache_dir=cache_dir,
            max_concurrency=max_concurrency,
        )
        started = time.perf_counter()
        system.extract_batch(documents)
        seconds = time.perf_counter() - started
        return {
            "documents": n_docs,
            "seconds": seconds,
            "docs_per_second": n_docs / seconds if seconds else None,
            "requests": system.usage()["requests"],
            "max_in_flight": server.max_in_flight,
            "max_concurrency": max_concurrency,
        }
