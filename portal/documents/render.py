"""HTML to PDF with WeasyPrint: the fonts of every role, static files only, one render at a time.

A render never fetches anything from the network: the fetcher serves the portal's own static
files and refuses every other URL. Renders are serialised (Pango's font maps are not shared
safely between threads) and the result is cached on disk by the SHA-256 of everything that
goes into it, so a second click on "打印" for an unchanged document costs nothing.
"""
from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from portal.documents import pagination, tighten
from portal.documents.justify import justify
from portal.documents.layout import GBT9704, mm

log = logging.getLogger("portal.documents")

_RENDER_LOCK = threading.Lock()
CACHE_FILES = 200  # rendered PDFs kept in <instance>/documents/cache
# Kept across renders (used under _RENDER_LOCK only): a fresh Pango font map per render would
# recompute every font's fallback list, and parsing the print stylesheet each time costs more
# than laying out a page.
_FONT_CONFIGS: dict = {}
_STYLESHEETS: dict = {}


class RenderError(RuntimeError):
    """The document could not be printed; the message is for the user."""


def reset():
    """Forget the font configurations and stylesheets kept between renders (fonts changed)."""
    with _RENDER_LOCK:
        _FONT_CONFIGS.clear()
        _STYLESHEETS.clear()


def _kept_font_configuration(files):
    key = tuple(files)
    if key not in _FONT_CONFIGS:
        if len(_FONT_CONFIGS) > 4:
            _FONT_CONFIGS.clear()
        _FONT_CONFIGS[key] = _font_configuration(files)
    return _FONT_CONFIGS[key]


def _kept_stylesheet(css: str):
    import weasyprint

    key = hashlib.sha256(css.encode("utf-8")).hexdigest()
    if key not in _STYLESHEETS:
        if len(_STYLESHEETS) > 16:
            _STYLESHEETS.clear()
        _STYLESHEETS[key] = weasyprint.CSS(string=css)
    return _STYLESHEETS[key]


def _font_configuration(files):
    from weasyprint.text.ffi import ffi, fontconfig, pangoft2
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    rules = _weight_rules(files)
    if rules:
        fontconfig.FcConfigParseAndLoadFromMemory(config._config, rules, True)
    added = False
    for path in files:
        if fontconfig.FcConfigAppFontAddFile(config._config, os.fsencode(path)):
            added = True
        else:  # pragma: no cover - the file was readable when discovered
            log.warning("字体文件无法加载：%s", path)
    if added:
        pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", config.font_map))
    return config


def _weight_rules(files) -> bytes:
    """Fontconfig rules marking as bold the files that are bold but say weight 400 (FandolSong-Bold
    does): else fontconfig takes them for the regular face of their family, and 宋体 text (page
    numbers, digits) comes out bold."""
    from xml.sax.saxutils import escape as xml_escape

    from portal.documents.fonts import bold_by_style

    bold = [path for path in files if bold_by_style(path)]
    if not bold:
        return b""
    matches = "".join(
        f'<match target="scan"><test name="file" compare="eq"><string>{xml_escape(path)}</string></test>'
        f'<edit name="weight" mode="assign"><const>bold</const></edit></match>' for path in bold)
    return ('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
            f"<fontconfig>{matches}</fontconfig>").encode("utf-8")


def _fetcher(static_folder: str | None):
    """Serve /static/… from the portal's static folder; refuse everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = Path(static_folder).resolve() if static_folder else None

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            path = unquote(parts.path)
            if root is not None and path.startswith("/static/"):
                target = (root / path.removeprefix("/static/")).resolve()
                if target.is_relative_to(root) and target.is_file():
                    mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": mime})
            raise ValueError(f"打印时不取外部资源：{url}")

    return StaticOnly()


def cache_key(html: str, css: str, fonts_signature: str, attachments=()) -> str:
    import weasyprint

    digest = hashlib.sha256()
    for part in (weasyprint.__version__, fonts_signature, css, html):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    for name, data in attachments:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def cached_pdf(html: str, *, css: str = "", attachments=(), cache_dir=None, fonts_signature="") -> bytes | None:
    """The PDF ``write_pdf`` made earlier for exactly these inputs, if it is still in the cache."""
    if not cache_dir:
        return None
    cached = Path(cache_dir) / f"{cache_key(html, css, fonts_signature, attachments)}.pdf"
    try:
        data = cached.read_bytes()
    except OSError:
        return None
    try:
        os.utime(cached)  # recently used: pruned last
    except OSError:  # pruned by another worker since: what was read is whole
        pass
    return data


def write_pdf(html: str, *, css: str = "", font_files=(), base_url="http://portal.invalid/", static_folder=None,
              attachments=(), cache_dir: str | os.PathLike | None = None, fonts_signature="",
              finisher=None) -> bytes:
    """Lay ``html`` out with the stylesheet ``css`` (user origin: below the page's own styles)
    and return the PDF. ``font_files`` are font files fontconfig does not know; ``attachments``
    are ``(filename, bytes)`` embedded as PDF file attachments; ``finisher(document, pdf)`` sees
    the PDF's objects before they are written (WeasyPrint's hook)."""
    if (cached := cached_pdf(html, css=css, attachments=attachments, cache_dir=cache_dir,
                             fonts_signature=fonts_signature)) is not None:
        return cached
    key = cache_key(html, css, fonts_signature, attachments) if cache_dir else None
    import weasyprint

    started = time.perf_counter()
    with _RENDER_LOCK:
        pdf_attachments = [weasyprint.Attachment(string=data, name=name) for name, data in attachments] or None
        options = dict(font_config=_kept_font_configuration(font_files), attachments=pdf_attachments,
                       stylesheets=[_kept_stylesheet(css)] if css else None)
        try:
            document = _layout(html, base_url, static_folder, options)
            squeezed = tighten.plan(document, GBT9704.pitch)
            if squeezed is not None:  # the 署名 took body lines to the next page: tighten this one instead
                roomy = tighten.with_room(html, squeezed, mm(GBT9704.bottom))
                second = _layout(roomy, base_url, static_folder, options)
                if tighten.holds(second, squeezed):
                    html, document = roomy, second
                else:
                    squeezed = None
            again = pagination.arrange(document, html)
            if again is not None:  # the 版记 belongs on another page: lay out once more
                document = _layout(again, base_url, static_folder, options)
                pagination.arrange(document, again)
            if squeezed is not None:
                tighten.squeeze(document, squeezed)
            justify(document)
            pdf = document.write_pdf(attachments=pdf_attachments, finisher=finisher)
        except Exception as exc:
            log.exception("PDF 生成失败")
            raise RenderError("PDF 生成失败，请稍后重试或联系系统管理员。") from exc
    log.info("PDF rendered in %.2f s (%d KB)", time.perf_counter() - started, len(pdf) // 1024)
    if key:
        _store(Path(cache_dir), key, pdf)
    return pdf


def _layout(html, base_url, static_folder, options):
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=_fetcher(static_folder)).render(**options)


def _store(cache_dir: Path, key: str, pdf: bytes):
    """Put a PDF in the cache, beside other workers (threads and forked processes) doing the same:
    written under a name no other writer has (a thread id is not: forked workers share them), then
    renamed into place, so a reader sees the whole file or none."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(pdf)
            os.replace(tmp, cache_dir / f"{key}.pdf")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(cache_dir)
    except OSError as exc:  # a full disk must not stop printing
        log.warning("PDF 缓存写入失败：%s", exc)


def _prune(cache_dir: Path):
    """Keep the CACHE_FILES most recently used; another worker may be pruning the same files."""
    aged = []
    for path in cache_dir.glob("*.pdf"):
        try:
            aged.append((path.stat().st_mtime, path.name))
        except FileNotFoundError:
            continue
    aged.sort()
    for _, name in aged[:-CACHE_FILES]:
        (cache_dir / name).unlink(missing_ok=True)
