"""The one exception tree of evidencemine.

Every error the library raises on purpose derives from :class:`EvidenceMineError`, carries the
input it is about (``source``: a path or URL) and a one-line ``reason``, and renders as
``"<source>: <reason>"`` so that a CLI or a report can print it as it is.
"""

from __future__ import annotations


class EvidenceMineError(Exception):
    """Base class: ``str(err)`` is a one-line message naming the input and the reason."""

    def __init__(self, reason: str, *, source: str | None = None) -> None:
        self.reason = reason
        self.source = source
        super().__init__(f"{source}: {reason}" if source else reason)


class ConfigError(EvidenceMineError):
    """Configuration is missing, unreadable or invalid (CLI exit status 2)."""


class InputError(EvidenceMineError):
    """An input could not be read: missing or unreadable file, unsupported type, empty page."""


class UnsupportedTypeError(InputError):
    """The bytes are of a type no loader reads."""


class EmptyDocumentError(InputError):
    """The input holds no text."""


class PdfError(InputError):
    """A PDF is encrypted, corrupt, image-only, or over a configured cap."""


class UnknownKindError(InputError):
    """No source adapter recognises the page; ``tried`` lists the kinds tried."""

    def __init__(self, reason: str, *, source: str | None = None, tried: tuple[str, ...] = ()):
        self.tried = tried
        super().__init__(reason, source=source)


class NotProgrammePageError(UnknownKindError):
    """The page is of a kind that is refused on purpose (a guidebook's help page, another
    clearinghouse's page): ``reason`` says which and why."""


class ParseError(EvidenceMineError):
    """A page of a known kind lacks what its kind requires (for example a programme name)."""


class ValidationFailure(EvidenceMineError):
    """A record does not validate against the published JSON Schema."""


class FetchError(EvidenceMineError):
    """A URL could not be fetched. ``status`` is the HTTP status when there was one."""

    def __init__(
        self, reason: str, *, source: str | None = None, status: int | None = None
    ) -> None:
        self.status = status
        super().__init__(reason, source=source)

    @property
    def transient(self) -> bool:
        """True when trying again later may succeed (connection problems, 429, 5xx)."""
        return self.status is None or self.status == 429 or self.status >= 500


class PolicyError(FetchError):
    """The URL policy refused a URL (scheme, host, private address, robots.txt)."""

    @property
    def transient(self) -> bool:
        return False


class OutputError(EvidenceMineError):
    """The output folder cannot be written (full disk, read-only, a file in the way, locked)."""


class ResolutionError(EvidenceMineError):
    """A reference could not be resolved (bad answer from PubMed or Crossref)."""


def is_transient(error: BaseException | None) -> bool:
    """Whether trying again later may succeed: connection errors, timeouts, 429 and 5xx
    (a :class:`FetchError` says so itself); never 4xx, policy, parse or input errors."""
    if isinstance(error, FetchError):
        return error.transient
    if isinstance(error, EvidenceMineError):
        return False
    return isinstance(error, ConnectionError | TimeoutError)
