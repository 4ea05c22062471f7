"""Peer systems on the ``spacy`` system's pipeline: ``textacy`` and ``spacy-ner``."""

from ._system import SpacyNerSystem, TextacySystem

__all__ = ["SpacyNerSystem", "TextacySystem"]
