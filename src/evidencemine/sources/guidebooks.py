"""The guidebook family adapters added after the first release (registered in
:mod:`evidencemine.sources`): the Foundations guidebook (2025) and mirrors of the EIF
assessment (What Works Ireland hub)."""

from __future__ import annotations

from evidencemine.sources import Adapter, foundations, mirror

ADAPTERS: tuple[Adapter, ...] = (
    Adapter(foundations.KIND, foundations.detect, foundations.parse_foundations_page),
    Adapter(mirror.KIND, mirror.detect, mirror.parse_mirror_page),
)
