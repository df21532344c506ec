"""Fixtures of the hostile-input suite (helpers are in ``hostile_helpers``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_helpers import good_page


@pytest.fixture
def pages(tmp_path: Path) -> list[Path]:
    """Three good local pages."""
    made = []
    for index in range(3):
        path = tmp_path / f"page{index}.html"
        path.write_bytes(good_page(index))
        made.append(path)
    return made
