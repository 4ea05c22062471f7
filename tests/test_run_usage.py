"""Token and cost accounting of API systems reaches results.json and the summary."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmark._cli import cli
from tests.llm_fake import FakeChatServer


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_llm_usage_is_counted_per_run(
    make_gold_dir: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    jobs: str,
) -> None:
    gold = make_gold_dir()
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-usage")
    with FakeChatServer(api_key="sk-test-usage") as server:
        monkeypatch.setenv("BENCH_LLM_BASE_URL", server.base_url)
        args = ["run", "--system", "llm", "--gold", str(gold), "--jobs", jobs]
        first = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "a")])
        assert first.exit_code == 0, first.output
        usage = json.loads((tmp_path / "a" / "results.json").read_text())["usage"]["llm"]
        assert usage["requests"] == 1 and usage["cached"] == 0
        assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
        assert usage["cost_usd"] > 0
        assert "### Usage" in (tmp_path / "a" / "summary.md").read_text()

        # Re-running with the result cache emptied replays the response cache: no request.
        second = CliRunner().invoke(cli, [*args, "--no-cache", "--out", str(tmp_path / "b")])
        assert second.exit_code == 0, second.output
        replay = json.loads((tmp_path / "b" / "results.json").read_text())["usage"]["llm"]
        assert replay["requests"] == 0 and replay["cached"] == 1
        assert replay["cost_usd"] == 0
        assert len(server.requests) == 1
