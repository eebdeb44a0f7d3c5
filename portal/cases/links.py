"""The same post behind different spellings of its link, for the duplicate check.

``link_key`` reduces a link to what names the page: the scheme (http and https serve the same
post), a leading "www.", the host's case, a default port, a trailing "/", an anchor and the
parameters that only say how the link was shared (``from=share``, ``utm_*``, ``spm`` …) are left
out; what remains is put in one spelling (percent-escapes decoded and re-encoded, parameters
sorted). A false match costs a warning the user reads; a missed one a case handled twice, so
the rule errs toward matching. Anchors that are a page's route (``#/detail/12``, ``#!/p/3``)
are kept: single-page sites name their posts there.
"""
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

# Parameters that record how a link travelled, never which post it is.
TRACKING = {
    "from", "spm", "scm", "fbclid", "gclid", "msclkid", "igshid", "si", "ref", "ref_src", "isappinstalled",
    "scene", "subscene", "clicktime", "enterid", "chksm", "sessionid", "ascene", "devicetype", "nettype",
    "pass_ticket", "wx_header", "version", "lang", "vd_source", "wfr", "tt_from", "timestamp", "ts", "unique_k",
    "bbid", "app_platform", "apptime", "xsec_source", "xsec_token", "wxshare_count", "mpshare",
}
TRACKING_PREFIXES = ("utm_", "share")  # share_source, sharer_shareid, shareId …
DEFAULT_PORTS = {"http": 80, "https": 443}
PATH_SAFE = "/:@!$&'()*+,;=-._~"


def tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING or name.startswith(TRACKING_PREFIXES)


def link_key(url: str) -> str:
    """The key two links of one post share; "" for no link or one that is not http(s)."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in DEFAULT_PORTS or not host:
        return ""
    if host.startswith("www."):
        host = host[4:]
    if port and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = quote(unquote(parts.path), safe=PATH_SAFE).rstrip("/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not tracking(k)))
    fragment = parts.fragment if parts.fragment.startswith(("/", "!/")) else ""
    return (host + path + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else ""))[:500]
