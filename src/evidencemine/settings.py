"""Settings: typed defaults, a partial TOML overlay, then ``EVIDENCEMINE_*`` environment variables.

The defaults below are the documented defaults in ``config/evidencemine.toml``; a test keeps
the two equal. ``load_settings(path)`` overlays only the keys a user's file sets, and then
environment variables of the form ``EVIDENCEMINE_<SECTION>__<KEY>`` (for example
``EVIDENCEMINE_HTTP__TIMEOUT_S=10``). Secrets come from the environment only:
``NCBI_API_KEY``.
"""

from __future__ import annotations

import json
import os
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from evidencemine import __version__
from evidencemine.errors import ConfigError

ENV_PREFIX = "EVIDENCEMINE_"


def bundled_patterns_dir() -> Path:
    """The extraction rules shipped in the package (``evidencemine/data/patterns``)."""
    return Path(str(files("evidencemine") / "data" / "patterns"))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OutputSettings(_Section):
    dir: Path = Path("output")


class HttpSettings(_Section):
    cache_dir: Path = Path(".cache/evidencemine")
    cache_expire_s: int = 86_400
    timeout_s: float = 30
    retries: int = 3
    backoff_s: float = 0.5
    backoff_max_s: float = 30
    retry_after_max_s: float = 60
    max_bytes: int = 20_000_000
    max_redirects: int = 5
    allow_private_hosts: bool = False
    user_agent: str = (
        "evidencemine/{version} (+https://github.com/evidencemine/evidencemine; mailto:{contact})"
    )
    contact: str = ""
    default_requests_per_second: float = 1

    def rendered_user_agent(self) -> str:
        return self.user_agent.format(version=__version__, contact=self.contact or "unset")


class SourceSettings(_Section):
    kind: str = "eif-guidebook"
    index_url: str = ""
    sitemap_url: str = ""
    allowed_hosts: list[str] = Field(default_factory=list)
    requests_per_second: float = 1
    cache_expire_s: int = 86_400
    obey_robots: bool = True
    max_pages: int = 1000
    programme_path_pattern: str = "/programme/"


def _default_sources() -> dict[str, SourceSettings]:
    return {
        "eif_guidebook": SourceSettings(
            kind="eif-guidebook",
            index_url="https://guidebook.eif.org.uk/programmes",
            sitemap_url="",
            allowed_hosts=["guidebook.eif.org.uk", "foundations.org.uk"],
            requests_per_second=1,
        )
    }


class PubmedSettings(_Section):
    base_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    idconv_url: str = "https://www.ncbi.nlm.nih.gov/pmc/utils/idconv/v1.0/"
    batch_size: int = 200
    tool: str = "evidencemine"
    email: str = ""
    requests_per_second: float = 3
    requests_per_second_with_key: float = 10
    cache_expire_s: int = 2_592_000
    negative_cache_expire_s: int = 604_800

    @property
    def api_key(self) -> str:
        """Read from the environment only (``NCBI_API_KEY``), never from a file."""
        return os.environ.get("NCBI_API_KEY", "")


class CrossrefSettings(_Section):
    base_url: str = "https://api.crossref.org/"
    mailto: str = ""
    requests_per_second: float = 5
    rows: int = 5
    title_similarity_min: float = 0.90
    year_tolerance: int = 1
    require_first_author: bool = True
    cache_expire_s: int = 2_592_000
    negative_cache_expire_s: int = 604_800


class NlpSettings(_Section):
    patterns_dir: Path | None = None  # None (or "" in a file): the rules shipped in the package
    batch_size: int = 64
    n_process: int = 1

    @field_validator("patterns_dir", mode="before")
    @classmethod
    def _empty_is_bundled(cls, value: object) -> object:
        return None if value in ("", None) else value

    def rules_dir(self) -> Path:
        """The folder the rules are read from: ``patterns_dir`` (relative to the working
        directory), else the rules shipped in the package."""
        return self.patterns_dir or bundled_patterns_dir()


class PdfSettings(_Section):
    max_pages: int = 300
    max_bytes: int = 50_000_000


class RunnerSettings(_Section):
    task_runner: Literal["threads", "dask"] = "threads"
    max_workers: int = 4
    chunk_size: int = 25
    dask_address: str = ""
    dask_workers: int = 2


class Settings(_Section):
    output: OutputSettings = Field(default_factory=OutputSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    sources: dict[str, SourceSettings] = Field(default_factory=_default_sources)
    pubmed: PubmedSettings = Field(default_factory=PubmedSettings)
    crossref: CrossrefSettings = Field(default_factory=CrossrefSettings)
    nlp: NlpSettings = Field(default_factory=NlpSettings)
    pdf: PdfSettings = Field(default_factory=PdfSettings)
    runner: RunnerSettings = Field(default_factory=RunnerSettings)

    @property
    def contact(self) -> str:
        return self.http.contact


def _deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _env_overlay(environ: dict[str, str]) -> dict[str, Any]:
    overlay: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name == ENV_PREFIX + "CONFIG":
            continue
        path = name[len(ENV_PREFIX) :].lower().split("__")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        node = overlay
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return overlay


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as err:
        raise ConfigError("config file not found", source=str(path)) from err
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"cannot read config: {err}", source=str(path)) from err


def load_settings(
    path: Path | str | None = None, *, environ: dict[str, str] | None = None
) -> Settings:
    """Defaults, overlaid by the TOML file at ``path`` (may be partial), then the environment."""
    env = dict(os.environ if environ is None else environ)
    data = Settings().model_dump(mode="python")
    config_path = path or env.get(ENV_PREFIX + "CONFIG")
    if config_path:
        data = _deep_merge(data, read_toml(Path(config_path)))
    data = _deep_merge(data, _env_overlay(env))
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"invalid setting {where}: {first['msg']}", source=str(config_path or "environment")
        ) from err
