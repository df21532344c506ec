"""The one module that touches the network.

INTERFACE (stable; resolvers, discovery and the pipeline use only this)::

    client = HttpClient(settings)                 # or HttpClient(settings, session=...)
    client.set_host_rate("eutils.ncbi.nlm.nih.gov", 3.0)
    result = client.get(url, params=..., headers=..., expire_after=..., accept=(...), crawl=False)
    result = client.post(url, data=..., params=..., headers=..., accept=(...))
    result.content / result.text() / result.json() / result.status / result.from_cache
    result.not_modified / result.content_sha256 / result.elapsed_s / result.redirects
    client.stats.network_requests, client.stats.cache_hits, client.stats.full_downloads, ...
    client.close()

What every request goes through, in order:

1. URL policy (:class:`UrlPolicy`): http/https only; ``allowed_hosts`` when given (crawls
   default to the allowed hosts of the configured source the URL belongs to); the host must
   resolve to public addresses unless ``http.allow_private_hosts``.
2. robots.txt when ``crawl=True`` (unless the source sets ``obey_robots = false``).
3. The HTTP cache (requests-cache, SQLite under ``http.cache_dir``). A fresh entry answers
   without touching the network; a stale entry with an ETag or Last-Modified is revalidated
   with a conditional request (a 304 counts as a cache hit and sets ``not_modified``).
4. Only for requests that go out (:class:`GuardedAdapter`): the per-host rate limit, a check
   that the connected peer is allowed, the content-type check and a size cap enforced while
   the body streams in. Bodies are read before they are cached, so nothing refused is stored.
5. Retries with exponential backoff and jitter on connection errors, timeouts, 429 and 5xx
   (honouring Retry-After up to ``http.retry_after_max_s``; a longer one fails at once).
6. Redirects are followed here, not by requests: each hop is checked by the policy (and by
   robots.txt for crawls), loops are detected, at most ``http.max_redirects`` hops.

Errors: :class:`~evidencemine.errors.FetchError` (with ``status``; other 4xx than 429 are
raised at once) and :class:`~evidencemine.errors.PolicyError` (refusals; also recorded in
``client.stats.refusals``).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import heapq
import ipaddress
import itertools
import logging
import os
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import select_proxy
from requests_cache import CachedSession
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, LocationParseError, NewConnectionError
from urllib3.util import connection as urllib3_connection
from urllib3.util import parse_url

from evidencemine.errors import ConfigError, FetchError, PolicyError
from evidencemine.robots import RobotsCache, RobotsRules
from evidencemine.settings import Settings, SourceSettings

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")
XML_TYPES: tuple[str, ...] = ("application/xml", "text/xml", "application/*+xml")
JSON_TYPES: tuple[str, ...] = ("application/json", "application/*+json")
ROBOTS_MAX_BYTES = 512_000
ROBOTS_EXPIRE_S = 86_400  # RFC 9309: do not use a cached robots.txt for more than 24 hours
CACHE_FILE_NAME = "http_cache.sqlite"

Resolver = Callable[[str], list[str]]
"""Host name to IP address strings (injectable for tests; default ``socket.getaddrinfo``)."""


@dataclass(slots=True)
class FetchResult:
    """One fetched (or cache-served) response with a 2xx or 304 status."""

    url: str
    status: int
    headers: dict[str, str]
    content: bytes
    media_type: str
    fetched_at: datetime
    from_cache: bool = False
    not_modified: bool = False  # the cached copy was revalidated by a 304
    elapsed_s: float = 0.0
    redirects: tuple[str, ...] = ()  # URLs that redirected, in order (final one is ``url``)
    attempts: int = 1
    content_sha256: str = ""

    def __post_init__(self) -> None:
        if not self.content_sha256:
            self.content_sha256 = hashlib.sha256(self.content).hexdigest()

    @property
    def revalidated(self) -> bool:
        """Alias of ``not_modified``."""
        return self.not_modified

    @property
    def charset(self) -> str:
        """The charset named by Content-Type, else ``utf-8``."""
        for param in self.headers.get("Content-Type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return "utf-8"

    def text(self) -> str:
        """The body decoded with the declared charset (UTF-8 by default), errors replaced."""
        try:
            return self.content.decode(self.charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON (FetchError when it is not JSON)."""
        from evidencemine import safejson
        from evidencemine.errors import ResolutionError

        try:
            return safejson.loads(self.content, source=self.url)
        except ResolutionError as err:
            raise FetchError(f"invalid JSON body: {err.reason}", source=self.url) from err


@dataclass(slots=True)
class HttpStats:
    """Counters of one client (thread-safe updates through :meth:`add`)."""

    network_requests: int = 0  # requests that reached a server, conditional ones included
    cache_hits: int = 0  # answered from the cache, 304 revalidations included
    not_modified: int = 0  # 304 revalidations
    full_downloads: int = 0  # 2xx bodies downloaded from a server
    bytes_downloaded: int = 0
    retries: int = 0
    rate_limit_wait_s: float = 0.0
    by_host: dict[str, int] = field(default_factory=dict)  # network requests per host
    refusals: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, counter: str, amount: float = 1) -> None:
        """Add ``amount`` to the counter named ``counter``."""
        with self._lock:
            setattr(self, counter, getattr(self, counter) + amount)

    def count_request(self, host: str) -> None:
        """Count one request that went out to ``host``."""
        with self._lock:
            self.network_requests += 1
            self.by_host[host] = self.by_host.get(host, 0) + 1

    def refuse(self, url: str, reason: str) -> None:
        """Record a policy or robots.txt refusal."""
        with self._lock:
            self.refusals.append((url, reason))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready snapshot (for run reports)."""
        with self._lock:
            return {
                "network_requests": self.network_requests,
                "cache_hits": self.cache_hits,
                "not_modified": self.not_modified,
                "full_downloads": self.full_downloads,
                "bytes_downloaded": self.bytes_downloaded,
                "retries": self.retries,
                "rate_limit_wait_s": round(self.rate_limit_wait_s, 3),
                "by_host": dict(self.by_host),
                "refusals": [{"url": url, "reason": why} for url, why in self.refusals],
            }


class HostRateLimiter:
    """Spaces requests to each host at most ``rate`` per second (thread-safe)."""

    def __init__(self, default_rate: float, max_wait_s: float = 60.0) -> None:
        self._default_rate = default_rate
        self._min_rate = 1.0 / max(max_wait_s, 1e-3)  # no wait between requests beyond this
        self._rates: dict[str, float] = {}
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def set_rate(self, host: str, requests_per_second: float) -> None:
        """Set the rate of ``host`` (0 or less: unlimited)."""
        if requests_per_second > 0:
            requests_per_second = max(requests_per_second, self._min_rate)
        with self._lock:
            self._rates[host.lower()] = requests_per_second

    def rate(self, host: str) -> float:
        """The rate in force for ``host``."""
        with self._lock:
            return self._rates.get(host.lower(), self._default_rate)

    def limit_to(self, host: str, requests_per_second: float) -> None:
        """Lower the rate of ``host`` to ``requests_per_second`` if it is higher."""
        current = self.rate(host)
        if current <= 0 or requests_per_second < current:
            self.set_rate(host, requests_per_second)

    def defer(self, host: str, seconds: float) -> None:
        """No request to ``host`` before ``seconds`` from now (Retry-After)."""
        with self._lock:
            host = host.lower()
            not_before = time.monotonic() + min(seconds, 1.0 / self._min_rate)
            self._next_slot[host] = max(self._next_slot.get(host, 0.0), not_before)

    def acquire(self, host: str) -> float:
        """Wait for the next free slot of ``host``; return the seconds waited."""
        host = host.lower()
        with self._lock:
            rate = self._rates.get(host, self._default_rate)
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + (1.0 / rate if rate > 0 else 0.0)
        wait = slot - now
        if wait > 0:
            time.sleep(wait)
        return max(wait, 0.0)


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (not private, loopback, link-local...)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def host_matches(host: str, allowed_hosts: Sequence[str]) -> bool:
    """True when ``host`` is one of ``allowed_hosts`` or a subdomain of one."""
    host = host.lower().rstrip(".")
    for allowed in allowed_hosts:
        allowed = allowed.lower().rstrip(".")
        if host == allowed or host.endswith("." + allowed):
            return True
    return False


_AMBIGUOUS = re.compile(r"[\\\x00-\x20\x7f]")


def target_host(url: str) -> str:
    """The lower-case host ``url`` connects to, read the way requests prepares it (urllib3's
    ``parse_url`` on requests' ``prepare_url``), or PolicyError for URLs that parsers may read
    differently: backslashes, whitespace or control characters, user info (``user@``)."""
    if _AMBIGUOUS.search(url):
        raise PolicyError("ambiguous URL: backslash, space or control character", source=url)
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        raise PolicyError(f"scheme {scheme or '(none)'!r} not allowed", source=url)
    prepared = requests.PreparedRequest()
    try:
        prepared.prepare_url(url, None)
        parsed = parse_url(str(prepared.url))
    except (requests.RequestException, LocationParseError, ValueError) as err:
        raise PolicyError(f"invalid URL: {' '.join(str(err).split())[:120]}", source=url) from err
    if parsed.auth is not None or "@" in urlsplit(url).netloc:
        raise PolicyError("URL with user info (user@host) refused", source=url)
    host = (parsed.host or "").lower().strip("[]")
    if not host:
        raise PolicyError("URL has no host", source=url)
    if host.rstrip(".") != (urlsplit(url).hostname or "").lower().rstrip(".") and not (
        host.startswith("xn--") or ".xn--" in host
    ):
        raise PolicyError("ambiguous URL: parsers disagree on its host", source=url)
    return host


def _resolve_with_dns(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


class UrlPolicy:
    """Which URLs may be fetched: scheme, allowed hosts and public addresses."""

    def __init__(self, *, allow_private_hosts: bool, resolver: Resolver | None = None) -> None:
        self.allow_private_hosts = allow_private_hosts
        self._resolve = resolver or _resolve_with_dns
        self._addresses: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def check(self, url: str, *, allowed_hosts: Sequence[str] | None = None) -> str:
        """Return the host of ``url`` or raise PolicyError saying why it is refused.

        The URL is read by the same parser requests and urllib3 use to connect
        (:func:`target_host`), so the host checked is the host connected to."""
        host = target_host(url)
        if allowed_hosts is not None and not host_matches(host, allowed_hosts):
            raise PolicyError(f"host {host} is not in allowed_hosts", source=url)
        if not self.allow_private_hosts:
            for address in self.addresses(host, url):
                self.check_address(address, url)
        return host

    def check_address(self, address: str, url: str) -> None:
        """Raise PolicyError when ``address`` is not public and private hosts are not allowed."""
        if not self.allow_private_hosts and not is_public_address(address):
            raise PolicyError(
                f"address {address} is private, loopback or link-local "
                "(set http.allow_private_hosts to allow)",
                source=url,
            )

    def addresses(self, host: str, url: str) -> list[str]:
        """The addresses ``host`` resolves to (IP literals as they are; memoised)."""
        try:
            return [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            pass
        with self._lock:
            known = self._addresses.get(host)
        if known is not None:
            return known
        try:
            found = self._resolve(host)
        except OSError as err:
            raise FetchError(f"cannot resolve host {host}: {err}", source=url) from err
        if not found:
            raise FetchError(f"host {host} has no address", source=url)
        with self._lock:
            self._addresses[host] = found
        return found


@dataclass(frozen=True, slots=True)
class _Guard:
    """Per-request limits the adapter applies while the response comes in."""

    accept: tuple[str, ...] | None
    max_bytes: int
    read_deadline: float  # time.monotonic() after which the request is abandoned
    url: str
    pin: Callable[[str], str] | None = None  # host -> the address the policy approved
    connections: list[Any] = field(default_factory=list)  # to abort at the deadline
    expired: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)


_GUARD: contextvars.ContextVar[_Guard | None] = contextvars.ContextVar(
    "evidencemine_http_guard", default=None
)


def media_type_of(headers: Mapping[str, str]) -> str:
    """The lower-case media type of a Content-Type header, without parameters."""
    return str(headers.get("Content-Type", "")).split(";", 1)[0].strip().lower()


def media_type_allowed(media_type: str, accept: Sequence[str]) -> bool:
    """True when ``media_type`` matches one of ``accept`` (``*/*``, ``text/*``, ``*/*+xml``)."""
    kind, _, subtype = media_type.partition("/")
    for pattern in accept:
        want_kind, _, want_sub = pattern.lower().partition("/")
        kind_ok = want_kind in ("*", kind)
        sub_ok = want_sub in ("*", subtype) or (
            want_sub.startswith("*+") and subtype.endswith(want_sub[1:])
        )
        if kind_ok and sub_ok:
            return True
    return False


def _check_media_type(media_type: str, guard: _Guard, status: int) -> None:
    if guard.accept is None or not 200 <= status < 300:
        return
    if not media_type_allowed(media_type, guard.accept):
        served = media_type or "no Content-Type"
        raise FetchError(
            f"unexpected content type {served} (expected {', '.join(guard.accept)})",
            source=guard.url,
            status=status,
        )


def _too_large(size: int, guard: _Guard, status: int) -> FetchError:
    return FetchError(
        f"body exceeds the size cap of {guard.max_bytes} bytes (at least {size} bytes)",
        source=guard.url,
        status=status,
    )


def _read_capped_body(response: requests.Response, guard: _Guard) -> bytes:
    """Read the body, refusing as soon as it passes ``max_bytes`` or the read deadline."""
    declared = str(response.headers.get("Content-Length", "")).strip()
    if declared.isdigit() and int(declared) > guard.max_bytes:
        raise _too_large(int(declared), guard, response.status_code)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=65_536):
        size += len(chunk)
        if size > guard.max_bytes:
            raise _too_large(size, guard, response.status_code)
        if time.monotonic() > guard.read_deadline:
            raise FetchError("body read exceeded the total time limit", source=guard.url)
        chunks.append(chunk)
    return b"".join(chunks)


class _PinnedConnectionMixin:
    """Connects to the address the URL policy approved for the host (no second DNS lookup,
    so DNS rebinding cannot send the request elsewhere); TLS SNI, certificate checks and the
    Host header still use the host name."""

    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        guard = _GUARD.get()
        if guard is None or guard.pin is None:
            return super()._new_conn()  # type: ignore[misc, no-any-return]
        address = guard.pin(self.host)
        try:
            sock = urllib3_connection.create_connection(
                (address, self.port),
                self.timeout,
                source_address=self.source_address,
                socket_options=self.socket_options,
            )
        except TimeoutError as err:
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} ({address}) timed out"
            ) from err
        except OSError as err:
            raise NewConnectionError(
                self,  # type: ignore[arg-type]
                f"Failed to establish a new connection to {address}: {err}",
            ) from err
        return sock


class _PinnedHTTPConnection(_PinnedConnectionMixin, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnectionMixin, HTTPSConnection):
    pass


class _TrackedPoolMixin:
    """Hands every connection it gives out to the request's guard, so that the request's total
    deadline can abort a read that trickles (slowloris) by shutting the socket down."""

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        guard = _GUARD.get()
        if guard is not None:
            guard.connections.append(conn)
        return conn


class _PinnedHTTPPool(_TrackedPoolMixin, HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(_TrackedPoolMixin, HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _Watchdog:
    """One thread per process that aborts the requests whose total deadline has passed (a
    heap of deadlines: no thread per request)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Guard]] = []
        self._count = itertools.count()
        self._pid = 0

    def watch(self, guard: _Guard) -> None:
        with self._cond:
            if self._pid != os.getpid():  # first use, or a forked child: (re)start the thread
                self._pid = os.getpid()
                self._heap = []
                threading.Thread(
                    target=self._run, name="evidencemine-deadlines", daemon=True
                ).start()
            heapq.heappush(self._heap, (guard.read_deadline, next(self._count), guard))
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                deadline, _, guard = self._heap[0]
                if guard.finished.is_set():
                    heapq.heappop(self._heap)
                    continue
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
            _abort(guard)


_WATCHDOG = _Watchdog()


def _abort(guard: _Guard) -> None:
    """The deadline passed: shut the request's sockets down (the blocked read returns)."""
    guard.expired.set()
    for conn in list(guard.connections):
        sock = getattr(conn, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class GuardedAdapter(HTTPAdapter):
    """Transport for requests that really go out: rate limit, a connection pinned to the
    approved address, a total deadline, peer check, type and size caps."""

    def __init__(self, client: HttpClient, pool_maxsize: int = 10) -> None:
        super().__init__(pool_maxsize=pool_maxsize)
        self._client = client

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """The pool manager, with pools whose connections are pinned and tracked (also when
        the adapter is rebuilt after pickling)."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PinnedHTTPPool,
            "https": _PinnedHTTPSPool,
        }

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send ``request`` under the client's limits and return it with its body read."""
        url = str(request.url)
        outer = _GUARD.get() or self._client.default_guard(url)
        guard = replace(outer, pin=self._client.pinned_address, connections=[])
        host = (urlsplit(url).hostname or "").lower()
        waited = self._client.limiter.acquire(host)
        self._client.stats.add("rate_limit_wait_s", waited)
        token = _GUARD.set(guard)
        _WATCHDOG.watch(guard)
        try:
            response = super().send(
                request, stream=True, timeout=timeout, verify=verify, cert=cert, proxies=proxies
            )
            self._client.stats.count_request(host)
            try:
                if not select_proxy(url, dict(proxies or {})):
                    self._check_peer(response, url)
                _check_media_type(media_type_of(response.headers), guard, response.status_code)
                is_head = request.method == "HEAD"
                response._content = b"" if is_head else _read_capped_body(response, guard)
            except BaseException:
                response.raw.close()
                raise
        except (requests.RequestException, OSError) as err:
            if guard.expired.is_set():
                raise FetchError(
                    f"no complete answer within {self._client.total_timeout_s:.0f} s "
                    "(http.total_timeout_s)",
                    source=url,
                ) from err
            raise
        finally:
            guard.finished.set()
            guard.connections.clear()  # the watchdog keeps the guard until its deadline
            _GUARD.reset(token)
        response.close()  # body consumed: hands the connection back to the pool
        self._count_download(response)
        return response

    def _check_peer(self, response: requests.Response, url: str) -> None:
        connection = getattr(response.raw, "connection", None)
        sock = getattr(connection, "sock", None)
        if sock is None:
            return
        try:
            peer = str(sock.getpeername()[0])
        except OSError as err:  # reset right after the headers: no peer left to check
            raise FetchError(
                f"connection closed before the answer could be checked ({err.strerror or err})",
                source=url,
            ) from err
        self._client.policy.check_address(peer, url)

    def _count_download(self, response: requests.Response) -> None:
        if 200 <= response.status_code < 300:
            self._client.stats.add("full_downloads")
            self._client.stats.add("bytes_downloaded", len(response.content))


@dataclass(frozen=True, slots=True)
class _Call:
    """What one hop of a request sends."""

    method: str
    params: Mapping[str, Any] | None
    data: Mapping[str, Any] | str | bytes | None
    headers: Mapping[str, str] | None
    expire_after: int | None
    revalidate: bool
    timeout_s: float
    crawl: bool
    allowed_hosts: Sequence[str] | None

    def after_redirect(self, status: int) -> _Call:
        """The call for the next hop: 303 (and 301/302 after POST) become a GET without body."""
        if status == 303 or (status in (301, 302) and self.method == "POST"):
            return replace(self, method="GET", data=None)
        return self


def _retry_after_s(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _describe(err: requests.RequestException) -> str:
    if isinstance(err, requests.Timeout):
        return f"timed out ({type(err).__name__})"
    if isinstance(err, requests.exceptions.ChunkedEncodingError):
        return "connection broken while reading the body (truncated response)"
    return f"{type(err).__name__}: {str(err)[:200]}"


def _user_agent_token(user_agent: str) -> str:
    """The product token robots.txt rules are matched against (``evidencemine``)."""
    return user_agent.split("/", 1)[0].split(" ", 1)[0] or "evidencemine"


def open_cached_session(settings: Settings) -> CachedSession:
    """A requests-cache session with its SQLite file in ``settings.cache_path`` (a relative
    ``http.cache_dir`` is inside the output folder)."""
    cache_dir = settings.cache_path
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        reason = f"cannot create the HTTP cache folder: {err.strerror or err}"
        raise ConfigError(f"{reason} (http.cache_dir)", source=str(cache_dir)) from err
    return CachedSession(
        cache_name=str(cache_dir / CACHE_FILE_NAME),
        backend="sqlite",
        expire_after=settings.http.cache_expire_s,
        allowable_methods=("GET", "HEAD", "POST"),
        allowable_codes=(200,),
        cache_control=False,  # our per-source expiry rules; ETag/Last-Modified still revalidate
        wal=True,
    )


class HttpClient:
    """The network client every other module uses (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        session: requests.Session | None = None,
        *,
        resolver: Resolver | None = None,
        total_timeout_s: float | None = None,
    ) -> None:
        self.settings = settings
        self.stats = HttpStats()
        self.policy = UrlPolicy(
            allow_private_hosts=settings.http.allow_private_hosts, resolver=resolver
        )
        self.limiter = HostRateLimiter(
            settings.http.default_requests_per_second, settings.http.server_wait_max_s
        )
        self.user_agent = settings.http.rendered_user_agent()
        self.total_timeout_s = total_timeout_s or settings.http.total_timeout_s
        self._sources: list[tuple[str, SourceSettings]] = []
        for name, source in settings.sources.items():
            self.register_source(name, source)
        self.session = session if session is not None else open_cached_session(settings)
        self._mount_guarded_adapter()
        # Proxies are configuration (http.proxy), never taken from the environment: the URL
        # policy applies to the target, checked here before the request goes to the proxy.
        self.session.trust_env = False
        if settings.http.proxy:
            self.session.proxies = {"http": settings.http.proxy, "https": settings.http.proxy}
        self.session.headers["User-Agent"] = self.user_agent
        if settings.http.contact:
            self.session.headers["From"] = settings.http.contact
        self._robots = RobotsCache(self._fetch_robots_txt)

    def _mount_guarded_adapter(self) -> None:
        for prefix in ("http://", "https://"):
            current = self.session.adapters.get(prefix)
            if current is None or type(current) is HTTPAdapter:
                self.session.mount(prefix, GuardedAdapter(self))
            else:
                log.info("keeping the session's own %s adapter: no guarded transport", prefix)

    # -- configuration -------------------------------------------------------------------

    def set_host_rate(self, host: str, requests_per_second: float) -> None:
        """Allow at most ``requests_per_second`` requests to ``host`` (0: unlimited)."""
        self.limiter.set_rate(host, requests_per_second)

    def register_source(self, name: str, source: SourceSettings) -> None:
        """Apply a source's rate limit and cache expiry to its hosts (done for configured ones)."""
        hosts = list(source.allowed_hosts)
        for url in (source.index_url, source.sitemap_url):
            host = urlsplit(url).hostname if url else None
            if host and not host_matches(host, hosts):
                hosts.append(host)
        for host in hosts:
            self.limiter.set_rate(host, source.requests_per_second)
            self._sources.append((host.lower(), source))
        log.debug("source %s: hosts %s at %s req/s", name, hosts, source.requests_per_second)

    def source_for(self, url: str) -> SourceSettings | None:
        """The configured source whose hosts include the host of ``url``, if any."""
        host = (urlsplit(url).hostname or "").lower()
        for source_host, source in self._sources:
            if host_matches(host, [source_host]):
                return source
        return None

    def pinned_address(self, host: str) -> str:
        """The address to connect to for ``host``: one the policy resolved and approved (the
        same memoised answer the policy checked), never a fresh lookup."""
        url = f"//{host}"
        addresses = self.policy.addresses(host, url)
        for address in addresses:
            if self.policy.allow_private_hosts or is_public_address(address):
                return address
        self._refuse(
            PolicyError(
                f"address {addresses[0]} of {host} is private, loopback or link-local "
                "(set http.allow_private_hosts to allow)",
                source=host,
            )
        )
        raise AssertionError("unreachable")  # _refuse raises

    def default_guard(self, url: str) -> _Guard:
        """Limits for a request sent without :meth:`request` (straight through the session)."""
        deadline = time.monotonic() + self.total_timeout_s
        return _Guard(None, self.settings.http.max_bytes, deadline, url)

    # -- robots.txt ----------------------------------------------------------------------

    def _fetch_robots_txt(self, url: str) -> str:
        expire = min(ROBOTS_EXPIRE_S, self.settings.http.cache_expire_s)
        result = self.get(url, max_bytes=ROBOTS_MAX_BYTES, expire_after=expire)
        return result.text()

    def robots_rules(self, url: str) -> RobotsRules:
        """The robots.txt rules for the site of ``url`` (fetched through this client once)."""
        rules = self._robots.rules_for(url)
        delay = rules.crawl_delay(_user_agent_token(self.user_agent))
        if delay and delay > 0:
            delay = min(delay, self.settings.http.server_wait_max_s)  # bounded: a server's ask
            self.limiter.limit_to(urlsplit(url).hostname or "", 1.0 / max(delay, 1e-3))
        return rules

    def robots_allows(self, url: str) -> bool:
        """True when robots.txt of the site of ``url`` lets this client's agent fetch it."""
        return self.robots_rules(url).can_fetch(url, _user_agent_token(self.user_agent))

    def _check_robots(self, url: str) -> None:
        source = self.source_for(url)
        if source is not None and not source.obey_robots:
            return
        if not self.robots_allows(url):
            self._refuse(PolicyError("disallowed by robots.txt", source=url))

    def _refuse(self, err: PolicyError) -> None:
        log.warning("refused %s", err)
        self.stats.refuse(err.source or "", err.reason)
        raise err

    def _check_policy(self, url: str, call: _Call) -> None:
        try:
            self.policy.check(url, allowed_hosts=call.allowed_hosts)
        except PolicyError as err:
            self._refuse(err)
        if call.crawl:
            self._check_robots(url)

    # -- requests ------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        accept: Sequence[str] | None = None,
        expire_after: int | None = None,
        crawl: bool = False,
        allowed_hosts: Sequence[str] | None = None,
        max_bytes: int | None = None,
        timeout_s: float | None = None,
        revalidate: bool = False,
    ) -> FetchResult:
        """GET ``url``; see :meth:`request`."""
        return self.request(
            "GET",
            url,
            params=params,
            headers=headers,
            accept=accept,
            expire_after=expire_after,
            crawl=crawl,
            allowed_hosts=allowed_hosts,
            max_bytes=max_bytes,
            timeout_s=timeout_s,
            revalidate=revalidate,
        )

    def post(
        self,
        url: str,
        *,
        data: Mapping[str, Any] | str | bytes | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        accept: Sequence[str] | None = None,
        expire_after: int | None = None,
        max_bytes: int | None = None,
        timeout_s: float | None = None,
        revalidate: bool = False,
    ) -> FetchResult:
        """POST ``data`` to ``url`` (cached too; the cache key includes the body)."""
        return self.request(
            "POST",
            url,
            data=data,
            params=params,
            headers=headers,
            accept=accept,
            expire_after=expire_after,
            max_bytes=max_bytes,
            timeout_s=timeout_s,
            revalidate=revalidate,
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        accept: Sequence[str] | None = None,
        expire_after: int | None = None,
        crawl: bool = False,
        allowed_hosts: Sequence[str] | None = None,
        max_bytes: int | None = None,
        timeout_s: float | None = None,
        revalidate: bool = False,
    ) -> FetchResult:
        """Fetch ``url`` under the policy, cache, rate limit, retries and caps.

        ``accept``: allowed media types (``None``: any). ``expire_after``: seconds a cached
        copy stays fresh (default: the source's ``cache_expire_s``, else ``http.cache_expire_s``;
        0 revalidates every time). ``crawl``: a crawled page, so robots.txt is obeyed and
        ``allowed_hosts`` defaults to the source's. ``revalidate``: ask the server even if the
        cached copy is fresh (a conditional request when the copy has an ETag or
        Last-Modified, else a full download); the copy is then kept with ``expire_after=0``.
        Raises FetchError / PolicyError.
        """
        started = time.monotonic()
        source = self.source_for(url)
        if allowed_hosts is None and crawl and source is not None:
            allowed_hosts = source.allowed_hosts
        if expire_after is None:
            expire_after = source.cache_expire_s if source else self.settings.http.cache_expire_s
        call = _Call(
            method.upper(),
            params,
            data,
            headers,
            expire_after,
            revalidate,
            timeout_s or self.settings.http.timeout_s,
            crawl,
            allowed_hosts,
        )
        limits = (tuple(accept) if accept is not None else None, max_bytes)
        response, hops, attempts = self._follow_redirects(url, call, limits)
        return self._to_result(response, hops, attempts, started, limits)

    def _follow_redirects(
        self, url: str, call: _Call, limits: tuple[tuple[str, ...] | None, int | None]
    ) -> tuple[requests.Response, list[str], int]:
        hops: list[str] = []
        seen = {(call.method, url)}
        attempts = 0
        while True:
            self._check_policy(url, call)
            response, used = self._send_with_retries(url, call, limits)
            attempts += used
            location = response.headers.get("Location")
            if response.status_code not in REDIRECT_STATUSES or not location:
                return response, hops, attempts
            target = urljoin(url, location)
            call = call.after_redirect(response.status_code)
            if len(hops) >= self.settings.http.max_redirects:
                raise FetchError(
                    f"more than {self.settings.http.max_redirects} redirects",
                    source=hops[0] if hops else url,
                    status=response.status_code,
                )
            if (call.method, target) in seen:
                raise FetchError(
                    f"redirect loop back to {target}", source=url, status=response.status_code
                )
            seen.add((call.method, target))
            hops.append(url)
            log.debug("redirect %s -> %s", url, target)
            url = target

    def _send_with_retries(
        self, url: str, call: _Call, limits: tuple[tuple[str, ...] | None, int | None]
    ) -> tuple[requests.Response, int]:
        retries = max(0, min(self.settings.http.retries, 10))
        attempt = 0
        waited = [0.0]  # seconds slept between the attempts of this request
        while True:
            attempt += 1
            try:
                response = self._send_once(url, call, limits)
            except requests.RequestException as err:
                if attempt > retries:
                    reason = f"{_describe(err)} after {attempt} attempts"
                    raise FetchError(reason, source=url) from err
                self._pause(url, attempt, None, _describe(err), waited)
                continue
            if response.status_code not in RETRY_STATUSES:
                return response, attempt
            wait = self._retry_wait(url, response, attempt, retries)
            self._pause(url, attempt, wait, f"HTTP {response.status_code}", waited)

    def _retry_wait(
        self, url: str, response: requests.Response, attempt: int, retries: int
    ) -> float | None:
        """The Retry-After to honour, or raise when retrying is over or pointless."""
        status = response.status_code
        wait = _retry_after_s(response.headers.get("Retry-After"))
        cap = self.settings.http.retry_after_max_s
        if wait is not None and wait > cap:
            reason = f"HTTP {status}: Retry-After {wait:.0f} s exceeds the cap of {cap:.0f} s"
            raise FetchError(reason, source=url, status=status)
        if attempt > retries:
            raise FetchError(f"HTTP {status} after {attempt} attempts", source=url, status=status)
        return wait

    def _pause(
        self,
        url: str,
        attempt: int,
        retry_after: float | None,
        reason: str,
        waited: list[float] | None = None,
    ) -> None:
        """Sleep before retry ``attempt + 1``: exponential backoff with jitter, >= Retry-After.
        All the waits of one request together stay within ``http.retry_after_max_s``."""
        http = self.settings.http
        backoff = min(http.backoff_max_s, http.backoff_s * 2 ** min(attempt - 1, 30))
        delay = backoff / 2 + random.uniform(0, backoff / 2)
        if retry_after is not None:
            delay = max(delay, retry_after)
        if waited is not None:
            if waited[0] + delay > http.retry_after_max_s and retry_after is not None:
                raise FetchError(
                    f"{reason}: retrying would wait over {http.retry_after_max_s:.0f} s in all "
                    "(http.retry_after_max_s)",
                    source=url,
                    status=int(reason[5:8]) if reason.startswith("HTTP ") else None,
                )
            waited[0] += delay
        if retry_after is not None:
            self.limiter.defer(urlsplit(url).hostname or "", retry_after)
        self.stats.add("retries")
        log.info("%s: %s; retry %d in %.2f s", url, reason, attempt, delay)
        time.sleep(delay)

    def _send_once(
        self, url: str, call: _Call, limits: tuple[tuple[str, ...] | None, int | None]
    ) -> requests.Response:
        accept, max_bytes = limits
        deadline = time.monotonic() + self.total_timeout_s
        guard = _Guard(accept, max_bytes or self.settings.http.max_bytes, deadline, url)
        extra: dict[str, Any] = {}
        if isinstance(self.session, CachedSession):
            # expire_after=0 (not requests-cache's ``refresh``, which keeps a fresh copy that
            # has no validator): conditional request when possible, else a full download.
            extra = {"expire_after": 0 if call.revalidate else call.expire_after}
        token = _GUARD.set(guard)
        try:
            return self.session.request(
                call.method,
                url,
                params=call.params,
                data=call.data,
                headers=call.headers,
                timeout=(call.timeout_s, call.timeout_s),
                allow_redirects=False,
                **extra,
            )
        finally:
            _GUARD.reset(token)

    def _to_result(
        self,
        response: requests.Response,
        hops: list[str],
        attempts: int,
        started: float,
        limits: tuple[tuple[str, ...] | None, int | None],
    ) -> FetchResult:
        url = str(response.url)
        status = response.status_code
        if status >= 400:
            raise FetchError(f"HTTP {status}", source=url, status=status)
        accept, max_bytes = limits
        guard = _Guard(accept, max_bytes or self.settings.http.max_bytes, float("inf"), url)
        media_type = media_type_of(response.headers)
        _check_media_type(media_type, guard, status)  # again: cached copies too
        if len(response.content) > guard.max_bytes:
            raise _too_large(len(response.content), guard, status)
        from_cache = bool(getattr(response, "from_cache", False))
        not_modified = bool(getattr(response, "revalidated", False)) or status == 304
        if from_cache:
            self.stats.add("cache_hits")
        if not_modified:
            self.stats.add("not_modified")
        return FetchResult(
            url=url,
            status=status,
            headers=dict(response.headers),
            content=response.content,
            media_type=media_type,
            fetched_at=datetime.now(UTC),
            from_cache=from_cache,
            not_modified=not_modified,
            elapsed_s=time.monotonic() - started,
            redirects=tuple(hops),
            attempts=attempts,
        )

    def close(self) -> None:
        """Close the session and its cache connection."""
        self.session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
