"""The offline demo and the test doubles of evidencemine, shipped beside the library.

``evidencemine demo`` runs the real pipeline against a sample site and stand-ins for the
literature APIs, all served on 127.0.0.1 from this package's data. The library
(``evidencemine``) never imports this package, except the ``demo`` command, lazily.

- :mod:`evidencemine_demo.localserver`: a small threaded HTTP server on loopback.
- :mod:`evidencemine_demo.standin`: E-utilities, ID converter and Crossref stand-ins that
  answer from their own fixture files and their own code.
- :mod:`evidencemine_demo.sample_site`: the sample guidebook pages (``data/site``).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_dir() -> Path:
    """``evidencemine_demo/data``: the sample site (``site/``) and API answers (``api/``)."""
    return Path(str(files("evidencemine_demo") / "data"))
