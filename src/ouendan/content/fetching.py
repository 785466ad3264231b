"""Fetching a URL someone typed, without becoming an SSRF hole: pages (link previews), feeds
(sources) and images (Open Graph images) all come through ``guarded_fetch``.

A curator pastes a URL and the server fetches it, so the URL is attacker-controlled. The guard:

* Only ``http`` and ``https`` with a host; no user name or password in the URL; any port.
* The host is resolved once with ``socket.getaddrinfo`` and the fetch is refused if *any* of the
  addresses is private, loopback, link-local, multicast, reserved, unspecified, shared (100.64/10),
  a cloud metadata address, or an IPv6 address that embeds such an IPv4 address (mapped,
  compatible, 6to4, NAT64, Teredo). ``LINK_PREVIEW_ALLOW_LOOPBACK`` lets tests reach a local server;
  it allows loopback only, nothing else. ``FETCH_LOOPBACK_URL_PREFIXES`` allows loopback for URLs
  that start with one of its prefixes (the demo's own offline feed), nothing else.
* **We connect to the address we checked.** There is no second lookup a rebinding DNS server could
  answer differently. The HTTP client is the standard library's ``http.client`` given a socket
  we open ourselves to the vetted address; for https the socket is wrapped with a default
  (verifying) TLS context whose ``server_hostname`` is the URL's host, so SNI and the certificate
  check use the name while the TCP connection goes to the vetted address; the ``Host`` header is
  the URL's host. httpx and urllib3 can be bent into the same shape (a custom network backend, or
  a pool built on the IP with ``server_hostname``), but both resolve names themselves unless told
  otherwise and only offer per-operation timeouts; owning the socket makes "the checked address is
  the connected address" obvious from the code and lets one deadline bound the whole fetch.
* Redirects are followed by hand, at most ``MAX_REDIRECTS``, each hop checked like the first.
* One deadline covers every hop: each socket operation gets the time that is left, and a watchdog
  shuts the socket down when the deadline passes (so a server dribbling header bytes cannot hold
  us). Name resolution itself is bounded by the system resolver's own timeout.
* At most ``max_bytes`` are read, and no compression is asked for (no decompression bombs); only
  the content types of the kind asked for (``FetchKind``) are accepted.
"""

from __future__ import annotations

import contextlib
import enum
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ouendan.core.errors import DomainError

TIMEOUT_SECONDS = 5.0
MAX_REDIRECTS = 5
MAX_URL_LENGTH = 2048
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
USER_AGENT = "Mozilla/5.0 (compatible; Ouendan/1.0; +https://github.com/ouendan)"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class _KindRules:
    types: frozenset[str]
    accept: str
    max_bytes: int
    wrong_type: tuple[str, str | Promise]
    too_large: str | Promise


class FetchKind(enum.Enum):
    """What is being fetched: it decides the accepted types, the size cap and the messages."""

    PAGE = _KindRules(
        frozenset({"text/html", "application/xhtml+xml"}),
        "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        1024 * 1024,
        ("not_html", gettext_lazy("This address is not a web page.")),
        gettext_lazy("The page is too large to preview."),
    )
    FEED = _KindRules(
        frozenset(
            {
                "application/rss+xml",
                "application/atom+xml",
                "application/rdf+xml",
                "application/xml",
                "text/xml",
                "application/feed+json",
                "application/json",
                # Many servers label feeds as plain text or even HTML; the parser decides.
                "text/plain",
                "text/html",
                "application/octet-stream",
            }
        ),
        "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1",
        5 * 1024 * 1024,
        ("not_feed", gettext_lazy("This address is not an RSS or Atom feed.")),
        gettext_lazy("The feed is too large (more than 5 MB)."),
    )
    IMAGE = _KindRules(
        frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"}),
        "image/webp,image/png,image/jpeg,image/gif;q=0.9",
        5 * 1024 * 1024,
        ("not_image", gettext_lazy("This address is not a JPEG, PNG, WebP or GIF image.")),
        gettext_lazy("The image is too large (more than 5 MB)."),
    )


class FetchError(DomainError):
    """The URL could not be fetched; ``code`` says why."""

    code = "fetch_failed"


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 when a conditional request found nothing new
    content_type: str
    charset: str | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Named here as well as through the ipaddress properties, whose coverage has changed between
# Python releases: these must stay refused whatever the interpreter says.
REFUSED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, includes the metadata address 169.254.169.254
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "100::/64",
        "2001:db8::/32",
        "fc00::/7",  # unique local, includes the metadata address fd00:ec2::254
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address) for address in ("169.254.169.254", "fd00:ec2::254")
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_allowed(*, address: str | IPAddress, allow_loopback: bool = False) -> bool:
    """Whether a fetch may connect to ``address`` (a literal IPv4 or IPv6 address)."""
    if isinstance(address, str):
        try:
            ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])  # drop a zone id
        except ValueError:
            return False
    else:
        ip = address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.teredo is not None:
            server, client = ip.teredo
            return all(
                address_allowed(address=part, allow_loopback=False) for part in (server, client)
            )
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return address_allowed(address=embedded, allow_loopback=allow_loopback)
    if ip in METADATA_ADDRESSES:
        return False
    if allow_loopback and ip.is_loopback:
        return True
    if (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        return False
    return not any(ip in network for network in REFUSED_NETWORKS)


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # ASCII (IDNA), without brackets
    port: int
    host_header: str
    request_target: str


def _error(code: str, message: str | Promise) -> FetchError:
    return FetchError(message, code=code)


def _target(url: str) -> _Target:
    invalid = _error("url_invalid", _("Enter a valid web address."))
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH or any(ord(char) <= 0x20 for char in url):
        raise invalid
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise invalid from exc
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise _error("url_scheme", _("Only http and https addresses can be fetched."))
    if "@" in parts.netloc:
        raise _error("url_invalid", _("Addresses with a user name or password cannot be fetched."))
    hostname = parts.hostname
    if not hostname:
        raise invalid
    try:
        host = hostname.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise invalid from exc
    default_port = 443 if scheme == "https" else 80
    bracketed = f"[{host}]" if ":" in host else host
    host_header = bracketed if port in {None, default_port} else f"{bracketed}:{port}"
    # Pasted addresses are often Japanese (/wiki/日本): percent-encode them as UTF-8.
    path = quote(parts.path or "/", safe="/%;:@!$&'()*+,=")
    query = quote(parts.query, safe="/?%;:@!$&'()*+,=")
    request_target = f"{path}?{query}" if query else path
    return _Target(
        url=parts._replace(fragment="").geturl(),
        scheme=scheme,
        host=host,
        port=port if port is not None else default_port,
        host_header=host_header,
        request_target=request_target,
    )


def _vetted_addresses(target: _Target) -> list[tuple[int, str]]:
    """Every address the host resolves to, or a refusal if any of them is not allowed."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise _error("fetch_failed", _("The address could not be fetched.")) from exc
    allow_loopback = bool(settings.LINK_PREVIEW_ALLOW_LOOPBACK) or any(
        target.url.startswith(prefix) for prefix in settings.FETCH_LOOPBACK_URL_PREFIXES
    )
    addresses = [
        (int(family), str(sockaddr[0])) for family, _type, _proto, _name, sockaddr in infos
    ]
    if not addresses or not all(
        address_allowed(address=address, allow_loopback=allow_loopback)
        for _family, address in addresses
    ):
        raise _error(
            "address_refused",
            _("This address is on a private or reserved network and cannot be fetched."),
        )
    return addresses


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _error("timeout", _("The address took too long to answer."))
    return left


def _connect(target: _Target, addresses: list[tuple[int, str]], deadline: float) -> socket.socket:
    last_error: OSError | None = None
    for family, address in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(_remaining(deadline))
            sock.connect((address, target.port))
            if target.scheme == "https":
                context = ssl.create_default_context()
                return context.wrap_socket(sock, server_hostname=target.host)
            return sock
        except OSError as exc:
            sock.close()
            last_error = exc
        except BaseException:
            sock.close()
            raise
    if isinstance(last_error, TimeoutError):
        raise _error("timeout", _("The address took too long to answer.")) from last_error
    raise _error("fetch_failed", _("The address could not be fetched.")) from last_error


@dataclass(frozen=True)
class _Response:
    status: int
    location: str | None
    content_type: str
    charset: str | None
    body: bytes
    headers: dict[str, str]


def _exchange(
    target: _Target,
    *,
    kind: FetchKind,
    deadline: float,
    max_bytes: int,
    headers: dict[str, str],
) -> _Response:
    """One request to one vetted address; the body is read only for a final answer of the
    expected kind."""
    rules = kind.value
    sock = _connect(target, _vetted_addresses(target), deadline)
    watchdog = threading.Timer(max(deadline - time.monotonic(), 0), _shut, args=(sock,))
    watchdog.daemon = True
    watchdog.start()
    connection = http.client.HTTPConnection(target.host, target.port)
    connection.sock = sock  # http.client only connects when it has no socket
    try:
        connection.request(
            "GET",
            target.request_target,
            headers={
                "Host": target.host_header,
                "User-Agent": USER_AGENT,
                "Accept": rules.accept,
                "Accept-Language": "ja,en;q=0.8",
                "Accept-Encoding": "identity",
                "Connection": "close",
                **headers,
            },
        )
        response = connection.getresponse()
        status = response.status
        kept = {
            name: value
            for name in ("ETag", "Last-Modified")
            if (value := _header_text(response.getheader(name)))
        }
        if status in REDIRECT_STATUSES:
            location = _header_text(response.getheader("Location"))
            return _Response(status, location, "", None, b"", kept)
        if status == 304 and headers:
            return _Response(status, None, "", None, b"", kept)
        if status >= 400 or status == 304:
            raise _error(
                "fetch_failed",
                _("The address answered with an error (%(status)d).") % {"status": status},
            )
        content_type = response.headers.get_content_type()
        if response.getheader("Content-Type") is None or content_type not in rules.types:
            raise _error(*rules.wrong_type)
        too_large = _error("too_large", rules.too_large)
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        while not response.isclosed():  # closed once a Content-Length body is read
            sock.settimeout(_remaining(deadline))
            chunk = response.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise too_large
            chunks.append(chunk)
        charset = response.headers.get_content_charset()
        return _Response(status, None, content_type, charset, b"".join(chunks), kept)
    except (OSError, http.client.HTTPException) as exc:
        if isinstance(exc, TimeoutError) or time.monotonic() >= deadline:
            raise _error("timeout", _("The address took too long to answer.")) from exc
        raise _error("fetch_failed", _("The address could not be fetched.")) from exc
    finally:
        watchdog.cancel()
        connection.close()


def _header_text(value: str | None) -> str | None:
    # http.client decodes header bytes as Latin-1; servers that send raw UTF-8 meant UTF-8.
    if value is None:
        return None
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _shut(sock: socket.socket) -> None:
    # Unblocks a read that is waiting on the socket when the deadline passes.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def guarded_fetch(
    *,
    url: str,
    kind: FetchKind,
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int | None = None,
    headers: dict[str, str] | None = None,
) -> Fetched:
    """GET ``url`` through the guard, following redirects; ``FetchError`` when refused or failed.

    ``headers`` may carry ``If-None-Match`` / ``If-Modified-Since``; a 304 answer is then returned
    with an empty body.
    """
    deadline = time.monotonic() + timeout
    target = _target(url)
    for _hop in range(MAX_REDIRECTS + 1):
        response = _exchange(
            target,
            kind=kind,
            deadline=deadline,
            max_bytes=max_bytes or kind.value.max_bytes,
            headers=headers or {},
        )
        if response.status not in REDIRECT_STATUSES:
            return Fetched(
                url=target.url,
                status=response.status,
                content_type=response.content_type,
                charset=response.charset,
                body=response.body,
                headers=response.headers,
            )
        if not response.location:
            raise _error("fetch_failed", _("The address could not be fetched."))
        target = _target(urljoin(target.url, response.location))
    raise _error("too_many_redirects", _("The address redirected too many times."))
