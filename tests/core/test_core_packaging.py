"""The package works without its checkout, and the library stays free of Prefect and the demo.

The wheel check builds the wheel from this checkout, installs it into a new virtual
environment outside the checkout (the third-party dependencies are borrowed from the project
environment through a path entry, so nothing is downloaded, and the project's editable
install is not visible there), and runs the commands from a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"


def test_library_imports_neither_prefect_nor_the_demo(fresh_python: Callable[..., str]) -> None:
    """Every module of ``evidencemine`` (the library) imports without loading Prefect or
    ``evidencemine_demo``; importing ``evidencemine_flows`` (a package of its own) loads
    no Prefect and changes no environment variable."""
    code = """
import os, pkgutil, importlib, sys, json
before = dict(os.environ)
import evidencemine, evidencemine_flows
names = [m.name for m in pkgutil.walk_packages(evidencemine.__path__, "evidencemine.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": names, "loaded": sorted(m for m in sys.modules
      if m.split(".")[0] in ("prefect", "prefect_dask", "evidencemine_demo")),
      "env_changed": dict(os.environ) != before}))
"""
    result = json.loads(fresh_python(code, cwd=REPO))
    assert (
        "evidencemine.cli" in result["modules"] and "evidencemine.nlp.pipeline" in result["modules"]
    )
    assert len(result["modules"]) > 40
    assert result["loaded"] == []
    assert result["env_changed"] is False


def test_nothing_in_the_package_looks_for_the_checkout() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{n}"
        for path in sorted(SRC.rglob("*.py"))
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if re.search(r"parents\[\d\]|sys\.path\.(insert|append)", line)
    ]
    assert offenders == []


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.mark.integration
def test_wheel_installed_outside_the_checkout_runs_every_command(tmp_path: Path) -> None:
    started = time.monotonic()
    wheels = tmp_path / "wheels"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCEMINE_", "PYTHON"))}
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--no-index", "-w", str(wheels), str(REPO)],
        cwd=tmp_path, env=env,
    )  # fmt: skip
    (wheel,) = wheels.glob("evidencemine-*.whl")

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path, env=env)
    python = venv / "bin" / "python"
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--no-index", str(wheel)],
        cwd=tmp_path, env=env,
    )  # fmt: skip
    # The dependencies, borrowed: a plain path line does not run the .pth files there, so the
    # project's editable install (a .pth naming src/) stays out of the new environment.
    site = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
             cwd=tmp_path, env=env).strip()
    )  # fmt: skip
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    tool = venv / "bin" / "evidencemine"

    work = tmp_path / "work"
    work.mkdir()
    where = _run(
        [str(python), "-c",
         "import evidencemine, evidencemine_demo, evidencemine_flows.pipeline as p; "
         "print(evidencemine.__file__); print(evidencemine_demo.__file__); print(p.__file__)"],
        cwd=work, env=env,
    )  # fmt: skip
    for line in where.split():
        assert Path(line).is_relative_to(venv), where
        assert not Path(line).is_relative_to(REPO), where

    from evidencemine_demo import data_dir

    page = work / "page.html"
    shutil.copy(data_dir() / "site" / "programme" / "child-parent-attachment-programme.html", page)
    parsed = json.loads(_run([str(tool), "parse", str(page)], cwd=work, env=env))
    assert parsed["programme"]["name"] and parsed["studies"]

    abstract = "A randomised controlled trial of 120 families in Norway found improved sleep."
    done = subprocess.run(
        [str(tool), "extract", "-"], input=abstract, cwd=work, env=env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    extracted = json.loads(done.stdout)
    assert extracted["design"]["value"] == "rct"
    assert extracted["sample_size"]["total"] == 120
    assert [c["code"] for c in extracted["countries"]] == ["NO"]

    _run([str(tool), "ingest", "--offline", "--quiet", str(page)], cwd=work, env=env)
    assert list((work / "output" / "programmes").rglob("*.json"))
    assert "valid" in _run([str(tool), "validate", "output"], cwd=work, env=env)

    demo = _run([str(tool), "demo", "--quiet", "--output", "demo-out"], cwd=work, env=env)
    assert "counts:" in demo
    assert "valid" in _run([str(tool), "validate", "demo-out"], cwd=work, env=env)
    assert len(list((work / "demo-out" / "programmes").rglob("*.json"))) >= 8
    # the report's templates and assets, and the exports, come with the wheel
    assert (work / "demo-out" / "report" / "static" / "report.js").is_file()
    assert "Programme evidence" in (work / "demo-out" / "report" / "index.html").read_text()
    _run([str(tool), "export", "demo-out", "--format", "csv", "--quiet"], cwd=work, env=env)
    assert (work / "demo-out" / "export" / "csv" / "programmes.csv").is_file()

    help_text = _run([str(tool), "serve", "--help"], cwd=work, env=env)
    assert "--deployments" in help_text
    elapsed = time.monotonic() - started
    print(f"wheel check: {elapsed:.1f} s")
