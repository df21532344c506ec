"""Helpers of the hostile-input suite (imported by name): every class of bad input or fault from issue #15, on 127.0.0.1.

Each case must end with one clear line on stderr, exit status 1 or 2, no traceback, within its
limits plus a few seconds, and leave an output folder that ``validate`` accepts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from evidencemine_demo.sample_site import render_programme_html, sample_programme


def good_page(index: int = 0) -> bytes:
    """A well-formed guidebook programme page (the demo's sample site renderer)."""
    return render_programme_html(sample_programme(index)).encode()


@dataclass
class Done:
    code: int
    out: str
    err: str

    def one_clean_line(self) -> str:
        """The single error line (asserting there is no traceback and nothing else)."""
        assert "Traceback" not in self.err, self.err
        lines = [line for line in self.err.splitlines() if line.strip()]
        assert len(lines) >= 1, "no error line"
        return "\n".join(lines)


def cli(*args: str, cwd: Path | None = None, timeout: float = 60, **env: str) -> Done:
    """Run the ``evidencemine`` command in a new interpreter (as a user would)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCEMINE_")}
    environ.update(env)
    done = subprocess.run(
        [sys.executable, "-m", "evidencemine.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=environ,
        check=False,
    )
    return Done(done.returncode, done.stdout, done.stderr)
