"""A small client for OpenAI-compatible chat endpoints (stdlib only): retries, bound, usage.

Retries on HTTP 429, 5xx and connection errors with exponential backoff, jitter and a cap,
honouring ``Retry-After``. A semaphore bounds the requests in flight across every thread using
one client. The API key lives only in the request header and is scrubbed from every message.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..._errors import BenchError

USER_AGENT = "fact-extraction-bench-llm/1"
_RETRY_STATUSES = frozenset({408, 409, 425, 429})


def redact_url(url: str) -> str:
    """The URL without user info, query or fragment (which may hold credentials).

    Example:
        >>> redact_url("https://user:pw@host:8000/v1/?key=x")
        'https://host:8000/v1'
    """
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def retry_delay(
    attempt: int, retry_after: float | None, base: float, cap: float, jitter: float
) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based).

    Exponential backoff ``base * 2**attempt`` scaled by ``jitter`` (in [0.5, 1]), at least the
    server's ``Retry-After``, and never more than ``cap``.

    Example:
        >>> retry_delay(3, None, 0.5, 30, 1.0), retry_delay(0, 7, 0.5, 30, 0.5)
        (4.0, 7.0)
        >>> retry_delay(9, 99, 1, 30, 1)
        30.0
    """
    backoff = float(min(cap, base * 2**attempt) * jitter)
    if retry_after is not None:
        backoff = max(backoff, float(retry_after))
    return float(min(cap, backoff))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), None if unusable.

    Example:
        >>> parse_retry_after("2"), parse_retry_after("soon")
        (2.0, None)
    """
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class HTTPStatusError(BenchError):
    """The endpoint answered with a non-2xx status that is not worth retrying (e.g. 400, 401)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class ClientSettings:
    """How to reach the endpoint and how hard to try."""

    base_url: str
    api_key: str | None
    timeout: float = 120.0
    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_concurrency: int = 4


class ChatClient:
    """POSTs chat-completion requests; thread-safe; counts the requests it sends."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = lambda: random.uniform(0.5, 1.0),
    ) -> None:
        self.settings = settings
        self.url = settings.base_url.rstrip("/") + "/chat/completions"
        self._sleep = sleep
        self._jitter = jitter
        self._slots = threading.BoundedSemaphore(max(1, settings.max_concurrency))
        self._lock = threading.Lock()
        self.requests = 0

    def _scrub(self, text: str) -> str:
        key = self.settings.api_key
        one_line = " ".join(text.split())
        return one_line.replace(key, "***") if key else one_line

    def _send(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if self.settings.api_key:
            headers["Authorization"] = f"Bearer {self.settings.api_key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        with self._lock:
            self.requests += 1
        with self._slots:
            try:
                with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
                    return response.status, dict(response.headers.items()), response.read()
            except urllib.error.HTTPError as exc:
                try:
                    data = exc.read()
                except (OSError, http.client.HTTPException):
                    data = b""
                finally:
                    exc.close()
                return exc.code, dict(exc.headers.items()) if exc.headers else {}, data

    def complete(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one request (retrying as configured) and return the parsed JSON body.

        Raises:
            HTTPStatusError: a status that retrying cannot fix (400, 401, 404, ...).
            BenchError: retries exhausted, or the body is not a JSON object.
        """
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        attempts = max(0, self.settings.max_retries) + 1
        last = ""
        for attempt in range(attempts):
            retry_after: float | None = None
            try:
                status, headers, data = self._send(body)
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                reason = getattr(exc, "reason", None) or exc
                last = f"connection failed ({type(exc).__name__}: {reason})"
            else:
                if 200 <= status < 300:
                    return self._parse(data)
                snippet = self._scrub(data.decode("utf-8", "replace"))[:200]
                last = f"HTTP {status}" + (f": {snippet}" if snippet else "")
                if status not in _RETRY_STATUSES and status < 500:
                    raise HTTPStatusError(f"llm endpoint answered {last}", status)
                lowered = {k.lower(): v for k, v in headers.items()}
                retry_after = parse_retry_after(lowered.get("retry-after"))
            if attempt + 1 < attempts:
                s = self.settings
                self._sleep(
                    retry_delay(attempt, retry_after, s.backoff_base, s.backoff_max, self._jitter())
                )
        raise BenchError(f"llm endpoint failed after {attempts} attempts: {self._scrub(last)}")

    def _parse(self, data: bytes) -> dict[str, Any]:
        try:
            parsed = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BenchError(f"llm endpoint answered something that is not JSON ({exc})") from None
        if not isinstance(parsed, dict):
            raise BenchError("llm endpoint answered JSON that is not an object")
        return parsed
