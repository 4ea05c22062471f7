"""The built-in extraction systems, one subpackage (or module) each.

- :mod:`.sanity`: ``oracle`` (returns the gold) and ``empty`` (returns nothing),
- :mod:`.rules`: ``rules``, the regex-and-lexicon baseline,
- :mod:`.spacy`: ``spacy``, spaCy's small English pipeline (optional extra ``[spacy]``),
- :mod:`.llm`: ``llm``, any OpenAI-compatible chat endpoint,
- :mod:`.peers`: ``textacy`` and ``spacy-ner``, peers on the ``spacy`` pipeline,
- :mod:`._shared`: private text helpers and lexicons used by ``rules``, ``spacy`` and the peers.

They are found by the registry (:mod:`benchmark._systems`, ``BUILTIN_ADAPTERS``), which imports
a system only when it is asked for. None of this is public API (see ``benchmark.__all__``).
A built-in system's cached results are keyed by the source of its own subpackage and of every
``benchmark.systems`` module it imports (:func:`benchmark._run._cache.code_fingerprint`).
"""
