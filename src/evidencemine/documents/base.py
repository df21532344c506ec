"""The loader interface and the registry that picks a loader by content."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from evidencemine.documents.model import Document
from evidencemine.errors import EmptyDocumentError, InputError, UnsupportedTypeError

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


def load_path(
    path: Path | str, *, pdf_max_pages: int = 300, pdf_max_bytes: int = 50_000_000
) -> Document:
    """Read a local file and load it. Missing or unreadable files raise :class:`InputError`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise InputError("no such file", source=str(path)) from err
    except IsADirectoryError as err:
        raise InputError("is a directory, not a file", source=str(path)) from err
    except OSError as err:
        raise InputError(f"cannot read file: {err.strerror or err}", source=str(path)) from err
    context = LoadContext(path=str(path), pdf_max_pages=pdf_max_pages, pdf_max_bytes=pdf_max_bytes)
    return load_document(data, context)
