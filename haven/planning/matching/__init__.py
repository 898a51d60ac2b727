"""Record matching: is this registration, request or death record a person we already know?

Fellegi–Sunter matching built for camp registries: names transliterated from any script and
folded to their variant group, blocking on several keys so true pairs meet, comparison into
levels, m and u estimated by EM without labels, and every pair explained in words.
See `engine` for the entry points.
"""

from __future__ import annotations

from haven.planning.matching.engine import Label, Registry, ScanResult, ScoredPair, label_for, link
from haven.planning.matching.explain import FieldEvidence, PairExplanation
from haven.planning.matching.model import MatchModel, prior_model
from haven.planning.matching.records import ExtraField, MatchSettings, PersonRecord

__all__ = [
    "ExtraField",
    "FieldEvidence",
    "Label",
    "MatchModel",
    "MatchSettings",
    "PairExplanation",
    "PersonRecord",
    "Registry",
    "ScanResult",
    "ScoredPair",
    "label_for",
    "link",
    "prior_model",
]
