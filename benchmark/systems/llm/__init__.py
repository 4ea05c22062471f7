"""The ``llm`` system: any OpenAI-compatible chat endpoint (see :mod:`._system`)."""

from ._system import LLMSystem

__all__ = ["LLMSystem"]
