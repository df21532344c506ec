"""JSON from outside (API answers) read under caps: size, nesting depth and number length.

``json.loads`` recurses per nesting level and Python refuses to read integers of more than
4,300 digits; both surface here as one :class:`~evidencemine.errors.ResolutionError` naming
the source, never as a RecursionError or ValueError from deep inside a resolver.
"""

from __future__ import annotations

import json
from typing import Any

from evidencemine.errors import ResolutionError

MAX_BYTES = 50_000_000  # limits.json_max_bytes
MAX_DEPTH = 100  # limits.json_max_depth
MAX_DIGITS = 100  # longer integers in an answer are not numbers anyone meant


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number of {len(text)} digits")
    return int(text)


def _depth(value: Any) -> int:
    """The nesting depth of decoded JSON (iterative)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in node)
    return deepest


def loads(
    data: bytes | str, *, source: str, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> Any:
    """Decode ``data`` or raise ResolutionError (too large, too deep, not JSON)."""
    if len(data) > max_bytes:
        raise ResolutionError(
            f"JSON answer is {len(data):,} bytes, over {max_bytes:,} (limits.json_max_bytes)",
            source=source,
        )
    try:
        value = json.loads(data, parse_int=_int)
    except RecursionError as err:
        raise ResolutionError(
            f"JSON answer nested too deeply (limits.json_max_depth {max_depth})", source=source
        ) from err
    except (ValueError, UnicodeDecodeError) as err:  # JSONDecodeError is a ValueError
        snippet = (data[:40] if isinstance(data, bytes) else data[:40].encode()).decode(
            "utf-8", "replace"
        )
        raise ResolutionError(
            f"invalid or truncated JSON ({snippet.strip()!r}...: "
            f"{' '.join(str(err).split())[:80]})",
            source=source,
        ) from err
    if _depth(value) > max_depth:
        raise ResolutionError(
            f"JSON answer nested over {max_depth} levels (limits.json_max_depth)", source=source
        )
    return value
