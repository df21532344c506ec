"""evidencemine: programme pages and the studies they cite → validated programme-evidence JSON.

The public API is small; everything else is internal::

    from evidencemine import load_settings, load_path, parse_document, ingest, read_output
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__", "ingest", "load_path", "load_settings", "parse_document", "read_output"]


def __getattr__(name: str) -> object:
    if name == "load_settings":
        from evidencemine.settings import load_settings

        return load_settings
    if name == "load_path":
        from evidencemine.documents import load_path

        return load_path
    if name == "parse_document":
        from evidencemine.sources import parse_document

        return parse_document
    if name == "ingest":
        from evidencemine.pipeline import ingest

        return ingest
    if name == "read_output":
        from evidencemine.reader import read_output

        return read_output
    raise AttributeError(name)
