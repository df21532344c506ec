"""Loaders from bytes to the block model (:mod:`evidencemine.documents.model`)."""

from __future__ import annotations

import threading

from evidencemine.documents.base import (
    LoadContext,
    Loader,
    load_document,
    load_path,
    register_loader,
    registered_loaders,
)
from evidencemine.documents.model import Block, BlockKind, Document, Link

__all__ = [
    "Block",
    "BlockKind",
    "Document",
    "Link",
    "LoadContext",
    "Loader",
    "load_document",
    "load_path",
    "register_loader",
    "registered_loaders",
]

_BUILTINS_REGISTERED = False
_REGISTER_LOCK = threading.RLock()


def _register_builtin_loaders() -> None:
    """Register PDF, HTML and text loaders, in that order (most specific content first).

    Safe to call from several threads at once: the first caller registers under a lock and
    the flag is set only when all loaders are in, so no thread sees a partial registry.
    """
    global _BUILTINS_REGISTERED
    if _BUILTINS_REGISTERED:
        return
    with _REGISTER_LOCK:
        if _BUILTINS_REGISTERED:
            return
        import importlib

        for module in ("pdf", "html", "text"):
            try:
                mod = importlib.import_module(f"evidencemine.documents.{module}")
            except ModuleNotFoundError as err:
                if err.name != f"evidencemine.documents.{module}":
                    raise
                continue
            register_loader(mod.LOADER)
        _BUILTINS_REGISTERED = True
