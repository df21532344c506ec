"""Settings: typed defaults, a partial TOML overlay, then ``EVIDENCEMINE_*`` environment variables.

The defaults below are the documented defaults in ``config/evidencemine.toml``; a test keeps
the two equal. ``load_settings(path)`` overlays only the keys a user's file sets, and then
environment variables of the form ``EVIDENCEMINE_<SECTION>__<KEY>`` (for example
``EVIDENCEMINE_HTTP__TIMEOUT_S=10``). Secrets come from the environment only:
``NCBI_API_KEY``.
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import re
import stat
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from evidencemine import __version__
from evidencemine.errors import ConfigError

log = logging.getLogger(__name__)

ENV_PREFIX = "EVIDENCEMINE_"
CONFIG_MAX_BYTES = 1_000_000  # a config file is small; larger ones are refused unread
CONFIG_MAX_DEPTH = 32  # nesting of tables and arrays in a config file

# Constrained number types: every rate, timeout and wait is finite; counts are bounded.
PositiveRate = Annotated[float, Field(gt=0, le=10_000, allow_inf_nan=False)]
Seconds = Annotated[float, Field(gt=0, le=86_400, allow_inf_nan=False)]
WaitSeconds = Annotated[float, Field(ge=0, le=86_400, allow_inf_nan=False)]
ExpirySeconds = Annotated[int, Field(ge=0, le=10 * 365 * 86_400)]
Bytes = Annotated[int, Field(gt=0, le=10_000_000_000)]


def bundled_patterns_dir() -> Path:
    """The extraction rules shipped in the package (``evidencemine/data/patterns``)."""
    return Path(str(files("evidencemine") / "data" / "patterns"))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OutputSettings(_Section):
    dir: Path = Path("output")


class HttpSettings(_Section):
    cache_dir: Path = Path(".cache/evidencemine")
    cache_expire_s: ExpirySeconds = 86_400
    timeout_s: Seconds = 30
    total_timeout_s: Seconds = 120
    retries: int = Field(default=3, ge=0, le=10)
    backoff_s: WaitSeconds = 0.5
    backoff_max_s: WaitSeconds = 30
    retry_after_max_s: WaitSeconds = 60
    server_wait_max_s: WaitSeconds = 60
    max_bytes: Bytes = 20_000_000
    max_redirects: int = Field(default=5, ge=0, le=20)
    allow_private_hosts: bool = False
    proxy: str = ""
    user_agent: str = (
        "evidencemine/{version} (+https://github.com/evidencemine/evidencemine; mailto:{contact})"
    )
    contact: str = ""
    default_requests_per_second: PositiveRate = 1

    @field_validator("user_agent")
    @classmethod
    def _user_agent_renders(cls, value: str) -> str:
        try:
            rendered = value.format(version=__version__, contact="x")
        except (KeyError, IndexError, ValueError, AttributeError) as err:
            raise ValueError(
                f"bad template ({type(err).__name__}: {err}); only {{version}} and {{contact}} "
                "may be used, and literal braces are doubled"
            ) from err
        if not rendered.strip() or any(ch in rendered for ch in "\r\n\0"):
            raise ValueError("must be one non-empty line")
        return value

    @field_validator("cache_dir")
    @classmethod
    def _cache_dir_stays_inside(cls, value: Path) -> Path:
        if not value.is_absolute() and ".." in value.parts:
            raise ValueError("a relative cache_dir must not climb out with '..'")
        return value

    def rendered_user_agent(self) -> str:
        return self.user_agent.format(version=__version__, contact=self.contact or "unset")


class SourceSettings(_Section):
    # the adapter preferred for this source's pages ("auto": detect); a page that plainly
    # belongs to another registered kind (an old EIF address redirected to Foundations) is
    # parsed by that kind's adapter
    kind: str = "eif-guidebook"
    index_url: str = ""
    sitemap_url: str = ""
    allowed_hosts: list[str] = Field(default_factory=list)
    requests_per_second: PositiveRate = 1
    cache_expire_s: ExpirySeconds = 86_400
    obey_robots: bool = True
    max_pages: int = Field(default=1000, ge=0, le=1_000_000)
    programme_path_pattern: str = "/programme/"

    @field_validator("programme_path_pattern")
    @classmethod
    def _pattern_compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as err:
            raise ValueError(f"not a regular expression: {err}") from err
        return value


def _default_sources() -> dict[str, SourceSettings]:
    return {
        "eif_guidebook": SourceSettings(
            kind="eif-guidebook",
            index_url="https://guidebook.eif.org.uk/programmes",
            sitemap_url="",
            allowed_hosts=["guidebook.eif.org.uk", "foundations.org.uk"],
            requests_per_second=1,
        ),
        "foundations_guidebook": SourceSettings(
            kind="foundations-guidebook",
            index_url="https://foundations.org.uk/toolkit/guidebook",
            sitemap_url="",
            allowed_hosts=["foundations.org.uk"],
            requests_per_second=1,
            programme_path_pattern="/toolkit/guidebook/",
        ),
    }


class PubmedSettings(_Section):
    base_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    idconv_url: str = "https://www.ncbi.nlm.nih.gov/pmc/utils/idconv/v1.0/"
    batch_size: int = Field(default=200, ge=1, le=10_000)
    tool: str = "evidencemine"
    email: str = ""
    requests_per_second: PositiveRate = 3
    requests_per_second_with_key: PositiveRate = 10
    cache_expire_s: ExpirySeconds = 2_592_000
    negative_cache_expire_s: ExpirySeconds = 604_800

    @property
    def api_key(self) -> str:
        """Read from the environment only (``NCBI_API_KEY``), never from a file."""
        return os.environ.get("NCBI_API_KEY", "")


class CrossrefSettings(_Section):
    base_url: str = "https://api.crossref.org/"
    mailto: str = ""
    requests_per_second: PositiveRate = 5
    rows: int = Field(default=5, ge=1, le=1000)
    title_similarity_min: float = Field(default=0.90, ge=0, le=1)
    year_tolerance: int = Field(default=1, ge=0, le=100)
    require_first_author: bool = True
    cache_expire_s: ExpirySeconds = 2_592_000
    negative_cache_expire_s: ExpirySeconds = 604_800


class NlpSettings(_Section):
    patterns_dir: Path | None = None  # None (or "" in a file): the rules shipped in the package
    batch_size: int = Field(default=64, ge=1, le=100_000)
    n_process: int = Field(default=1, ge=1, le=256)
    max_text_chars: int = Field(default=200_000, ge=1_000, le=1_000_000)

    @field_validator("patterns_dir", mode="before")
    @classmethod
    def _empty_is_bundled(cls, value: object) -> object:
        return None if value in ("", None) else value

    def rules_dir(self) -> Path:
        """The folder the rules are read from: ``patterns_dir`` (relative to the working
        directory), else the rules shipped in the package."""
        return self.patterns_dir or bundled_patterns_dir()


class PdfSettings(_Section):
    max_pages: int = Field(default=300, ge=1, le=100_000)
    max_bytes: Bytes = 50_000_000
    max_stream_bytes: Bytes = 20_000_000
    max_objects_per_page: int = Field(default=200_000, ge=1, le=100_000_000)
    page_time_s: Seconds = 20


class LimitSettings(_Section):
    """Caps on what is read before and while parsing (each refusal names its setting)."""

    file_max_bytes: Bytes = 60_000_000
    html_max_bytes: Bytes = 20_000_000
    html_max_depth: int = Field(default=200, ge=8, le=300)  # the walker recurses per level
    html_max_nodes: int = Field(default=1_000_000, ge=100, le=100_000_000)
    json_max_bytes: Bytes = 50_000_000
    json_max_depth: int = Field(default=100, ge=4, le=10_000)


class RunnerSettings(_Section):
    task_runner: Literal["threads", "dask"] = "threads"
    max_workers: int = Field(default=4, ge=1, le=256)
    chunk_size: int = Field(default=100, ge=1, le=100_000)
    dask_address: str = ""
    dask_workers: int = Field(default=2, ge=1, le=256)


class Settings(_Section):
    output: OutputSettings = Field(default_factory=OutputSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    sources: dict[str, SourceSettings] = Field(default_factory=_default_sources)
    pubmed: PubmedSettings = Field(default_factory=PubmedSettings)
    crossref: CrossrefSettings = Field(default_factory=CrossrefSettings)
    nlp: NlpSettings = Field(default_factory=NlpSettings)
    pdf: PdfSettings = Field(default_factory=PdfSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    runner: RunnerSettings = Field(default_factory=RunnerSettings)

    @property
    def contact(self) -> str:
        return self.http.contact

    @property
    def cache_path(self) -> Path:
        """Where the HTTP cache lives: ``http.cache_dir``, a relative one inside the output
        folder (so nothing is written outside the configured folders)."""
        cache = self.http.cache_dir
        return cache if cache.is_absolute() else Path(self.output.dir) / cache


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
    """Read a TOML config: only a regular file, at most ``CONFIG_MAX_BYTES``, UTF-8, nested at
    most ``CONFIG_MAX_DEPTH`` deep (``/dev/zero`` or a FIFO is refused at once)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError as err:
        raise ConfigError("config file not found", source=str(path)) from err
    except OSError as err:
        raise ConfigError(f"cannot read config: {err.strerror or err}", source=str(path)) from err
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError("config is not a regular file", source=str(path))
        if info.st_size > CONFIG_MAX_BYTES:
            raise ConfigError(
                f"config file is {info.st_size:,} bytes, over {CONFIG_MAX_BYTES:,}",
                source=str(path),
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(CONFIG_MAX_BYTES + 1)
    except OSError as err:
        raise ConfigError(f"cannot read config: {err.strerror or err}", source=str(path)) from err
    finally:
        os.close(fd)
    if len(raw) > CONFIG_MAX_BYTES:
        raise ConfigError(f"config file is over {CONFIG_MAX_BYTES:,} bytes", source=str(path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"config is not UTF-8 (byte {err.start}: {raw[err.start : err.start + 1]!r})",
            source=str(path),
        ) from err
    depth = _bracket_depth(text)
    if depth > CONFIG_MAX_DEPTH:
        raise ConfigError(
            f"config nests arrays or tables over {CONFIG_MAX_DEPTH} deep", source=str(path)
        )
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as err:
        raise ConfigError(f"cannot read config: {err}", source=str(path)) from err


def _bracket_depth(text: str) -> int:
    """An upper bound of the nesting of inline arrays/tables (brackets in strings counted too:
    a bound, checked before the recursive TOML parser sees the text)."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    return deepest


def _warn_unknown_keys(data: Any, model: type[BaseModel], where: str, origin: str) -> list[str]:
    """Warn (naming the key, with the nearest known key) about keys no setting has; return
    their dotted names (they are dropped before validation)."""
    unknown: list[str] = []
    if not isinstance(data, dict):
        return unknown
    fields = model.model_fields
    for key in list(data):
        name = f"{where}.{key}" if where else str(key)
        if key not in fields:
            guess = difflib.get_close_matches(str(key), list(fields), n=1)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            log.warning("%s: unknown setting %s ignored%s", origin, name, hint)
            unknown.append(name)
            continue
        annotation = fields[key].annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            unknown += _warn_unknown_keys(data[key], annotation, name, origin)
        elif key == "sources" and isinstance(data[key], dict):
            for source_name, table in data[key].items():
                unknown += _warn_unknown_keys(
                    table, SourceSettings, f"{name}.{source_name}", origin
                )
    return unknown


def _drop(data: dict[str, Any], dotted: str) -> None:
    node: Any = data
    *parents, last = dotted.split(".")
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(last, None)


def load_settings(
    path: Path | str | None = None, *, environ: dict[str, str] | None = None
) -> Settings:
    """Defaults, overlaid by the TOML file at ``path`` (may be partial), then the environment.

    Unknown keys are warned about (with a suggestion) and ignored; a bad value raises
    :class:`ConfigError` naming the key (CLI exit status 2)."""
    env = dict(os.environ if environ is None else environ)
    data = Settings().model_dump(mode="python")
    config_path = path or env.get(ENV_PREFIX + "CONFIG")
    origin = str(config_path or "environment")
    if config_path:
        overlay = read_toml(Path(config_path))
        for name in _warn_unknown_keys(overlay, Settings, "", str(config_path)):
            _drop(overlay, name)
        data = _deep_merge(data, overlay)
    env_overlay = _env_overlay(env)
    for name in _warn_unknown_keys(env_overlay, Settings, "", "environment"):
        _drop(env_overlay, name)
    data = _deep_merge(data, env_overlay)
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = " ".join(str(first["msg"]).split())
        raise ConfigError(f"invalid setting {where}: {message}", source=origin) from err
    except RecursionError as err:
        raise ConfigError("config nests too deeply", source=origin) from err
