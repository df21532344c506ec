"""The loader interface and the registry that picks a loader by content."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from evidencemine.documents.model import Document
from evidencemine.errors import EmptyDocumentError, InputError, UnsupportedTypeError

if TYPE_CHECKING:
    from evidencemine.settings import Settings

LoadFn = Callable[[bytes, "LoadContext"], Document]
SniffFn = Callable[[bytes, "LoadContext"], bool]


@dataclass(frozen=True, slots=True)
class LoadContext:
    """What a loader knows besides the bytes."""

    url: str | None = None
    path: str | None = None
    media_type: str | None = None  # as declared by a server, if any
    fetched_at: datetime | None = None
    pdf_max_pages: int = 300
    pdf_max_bytes: int = 50_000_000
    pdf_max_stream_bytes: int = 20_000_000
    pdf_max_objects_per_page: int = 200_000
    pdf_page_time_s: float = 20.0
    html_max_bytes: int = 20_000_000
    html_max_depth: int = 200
    html_max_nodes: int = 1_000_000

    @classmethod
    def from_settings(cls, settings: Settings, **fields: Any) -> LoadContext:
        """A context carrying the configured caps (``pdf.*`` and ``limits.*``)."""
        pdf, limits = settings.pdf, settings.limits
        return cls(
            pdf_max_pages=pdf.max_pages,
            pdf_max_bytes=pdf.max_bytes,
            pdf_max_stream_bytes=pdf.max_stream_bytes,
            pdf_max_objects_per_page=pdf.max_objects_per_page,
            pdf_page_time_s=pdf.page_time_s,
            html_max_bytes=limits.html_max_bytes,
            html_max_depth=limits.html_max_depth,
            html_max_nodes=limits.html_max_nodes,
            **fields,
        )

    @property
    def origin(self) -> str:
        return self.url or self.path or "<bytes>"

    @property
    def suffix(self) -> str:
        name = self.path or (self.url or "").split("?")[0]
        return Path(name).suffix.lower()


@dataclass(frozen=True, slots=True)
class Loader:
    """A named loader: ``sniff`` says whether it reads these bytes; ``load`` reads them."""

    name: str
    media_type: str
    sniff: SniffFn
    load: LoadFn


_LOADERS: list[Loader] = []


def register_loader(loader: Loader) -> None:
    """Add a loader; loaders are tried in registration order (most specific first)."""
    if all(existing.name != loader.name for existing in _LOADERS):
        _LOADERS.append(loader)


def registered_loaders() -> tuple[Loader, ...]:
    from evidencemine.documents import _register_builtin_loaders

    _register_builtin_loaders()
    return tuple(_LOADERS)


def load_document(data: bytes, context: LoadContext | None = None) -> Document:
    """Turn bytes into a :class:`Document`, choosing the loader by content (not file name)."""
    context = context or LoadContext()
    data = _utf16_to_utf8(data)
    if not data.strip():
        raise EmptyDocumentError("empty input (no bytes)", source=context.origin)
    for loader in registered_loaders():
        if loader.sniff(data, context):
            document = loader.load(data, context)
            if not any(block.text.strip() or block.label for block in document.blocks):
                raise EmptyDocumentError("page has no text", source=context.origin)
            return document
    raise UnsupportedTypeError(
        "unsupported type: not HTML, PDF or a UTF-8 text export", source=context.origin
    )


_UTF16_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _utf16_to_utf8(data: bytes) -> bytes:
    """A UTF-16/32 page (with its BOM, markup first) as UTF-8 with a UTF-8 BOM, which every
    loader reads and which outranks the page's own charset declaration."""
    for bom, codec in _UTF16_BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return data
            if not text.lstrip("\ufeff \t\r\n").startswith("<"):
                return data  # a BOM-like start of binary bytes, not a UTF-16 page
            return b"\xef\xbb\xbf" + text.lstrip("\ufeff").encode("utf-8")
    return data


def read_input_file(path: Path | str, max_bytes: int = 60_000_000) -> bytes:
    """The bytes of a local file, refused at once unless it is a regular file of at most
    ``max_bytes`` (``limits.file_max_bytes``): a FIFO, a device (``/dev/zero``) or a socket is
    never read, so nothing hangs or fills memory."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError as err:
        raise InputError("no such file", source=str(path)) from err
    except IsADirectoryError as err:
        raise InputError("is a directory, not a file", source=str(path)) from err
    except OSError as err:
        raise InputError(f"cannot read file: {err.strerror or err}", source=str(path)) from err
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory, not a file", source=str(path))
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                "not a regular file (a FIFO, device or socket is not read)", source=str(path)
            )
        if info.st_size > max_bytes:
            raise InputError(
                f"file is {info.st_size:,} bytes, over the cap of {max_bytes:,} bytes "
                "(limits.file_max_bytes)",
                source=str(path),
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return read_stream(handle, max_bytes, str(path))
    except OSError as err:
        raise InputError(f"cannot read file: {err.strerror or err}", source=str(path)) from err
    finally:
        os.close(fd)


def read_stream(handle: IO[bytes], max_bytes: int, origin: str) -> bytes:
    """At most ``max_bytes`` from ``handle``; more is an :class:`InputError`."""
    data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(
            f"input is over the cap of {max_bytes:,} bytes (limits.file_max_bytes)", source=origin
        )
    return data


def load_path(
    path: Path | str,
    *,
    pdf_max_pages: int = 300,
    pdf_max_bytes: int = 50_000_000,
    context: LoadContext | None = None,
    max_bytes: int = 60_000_000,
) -> Document:
    """Read a local file (a regular file under ``max_bytes``) and load it. Missing or
    unreadable files raise :class:`InputError`."""
    data = read_input_file(path, max_bytes)
    if context is None:
        context = LoadContext(pdf_max_pages=pdf_max_pages, pdf_max_bytes=pdf_max_bytes)
    context = replace(context, path=str(path))
    return load_document(data, context)
