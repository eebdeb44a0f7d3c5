"""The PDF document service every part of the portal prints through (docs/documents.md).

    from portal import documents
    pdf = documents.render_page(html)                 # any HTML page, on GB/T 9704 pages
    pdf = documents.render_gongwen(gongwen)           # an official document (公文)
    return documents.pdf_response(pdf, "通知.pdf")

Kinds of document declared with the ``portal_documents`` hook are printed at
``/documents/<kind>/<object_id>.pdf`` (``documents.views``).
"""
from __future__ import annotations

import hashlib
import io
import logging
from pathlib import Path

from flask import current_app
from markupsafe import Markup

from portal.downloads import send_download

from portal.documents import fonts as _fonts
from portal.documents.layout import GBT9704, full_page_css as _full_page_css, print_css as _print_css
from portal.documents import render as _render
from portal.documents.text import latin as _latin
from portal.documents.render import RenderError, cached_pdf as _cached_pdf, write_pdf

log = logging.getLogger("portal.documents")

__all__ = ["RenderError", "Style", "cached_page", "cached_pdf", "check_at_startup", "document_kinds", "embedded_fonts",
           "font_report", "gongwen_html",
           "pdf_response", "print_css", "render_gongwen", "render_page", "render_pdf", "render_template_pdf",
           "seal", "template_html", "with_print_css"]


def font_report(app=None, refresh=False) -> _fonts.FontReport:
    """The fonts serving each role and the state of the fast path, found once per app."""
    app = app or current_app._get_current_object()
    report = app.extensions.get("portal_fonts")
    if report is None or refresh:
        if refresh:
            _fonts.forget()
            _render.reset()
        report = _fonts.discover(app.instance_path)
        app.extensions["portal_fonts"] = report
        app.extensions.pop("portal_print_css", None)
        app.extensions.pop("portal_full_page_css", None)
        app.extensions.pop("portal_embedded_fonts", None)
    return report


def embedded_fonts(app=None) -> list[str]:
    """The fonts a sample official document (every role: mark, number, title, headings, body
    with digits and Latin letters, page numbers) actually embeds, by their PostScript names, as
    ``/admin/fonts`` shows them. Found once per font report."""
    from datetime import date

    from portal.documents.gongwen import Gongwen

    app = app or current_app._get_current_object()
    found = app.extensions.get("portal_embedded_fonts")
    if found is None:
        names = set()

        def collect(document, pdf):
            for obj in pdf.objects:
                if isinstance(obj, dict) and str(obj.get("Type", "")) == "/Font" and "BaseFont" in obj:
                    names.add(str(obj["BaseFont"]).lstrip("/").split("+", 1)[-1])

        sample = Gongwen(mark="某市能源局文件", number="某能局发〔2026〕1号", title="关于字体检测的通知",
                         recipients="各科室", body="一、总体要求\n（一）工作安排。事项编号YQ-2026-0009，共12件。",
                         signature="某市能源局", date_of_writing=date(2026, 1, 1))
        report = font_report(app)
        write_pdf(gongwen_html(sample, report), css=print_css(app), font_files=report.extra_files, finisher=collect)
        found = app.extensions["portal_embedded_fonts"] = sorted(names)
    return found


def check_at_startup(app):
    """Log, in Chinese, what stops PDFs from being fast or from showing real Chinese glyphs."""
    report = font_report(app, refresh=False)
    for problem in report.problems:
        if "替代字体" in problem:
            log.info(problem)
        else:
            log.warning(problem)
    return report


def print_css(app=None) -> str:
    app = app or current_app._get_current_object()
    css = app.extensions.get("portal_print_css")
    if css is None:
        css = app.extensions["portal_print_css"] = _print_css(font_report(app).fonts)
    return css


class Style:
    """What templates need beyond the stylesheet: sizes that depend on the text and the fonts."""

    def __init__(self, report):
        self.report = report

    def mark(self, text: str) -> Markup:
        """The inline style of an issuing-organ mark: its size, its line, its em box on the line."""
        size = GBT9704.mark_size(text)
        rise = self.report.fonts["xiaobiaosong"].metrics.raise_by * size
        return Markup(f"font-size: {size:.2f}pt; line-height: {size:.2f}pt; top: {-rise:.3f}pt; position: relative;")

    @staticmethod
    def latin(text: str) -> Markup:
        """Digits and Latin letters of a line in the 宋体 face."""
        return _latin(text)

    def draft(self, mark: str) -> Markup:
        """The page rule of an unsigned document: ``mark`` ("草稿") at the top right of every page."""
        heiti = self.report.fonts["heiti"]
        text = str(mark).replace("\\", "").replace('"', "")
        return Markup(f'@page {{ @top-right {{ content: "{text}"; font-family: {heiti.css_family}; '
                      f'font-size: {GBT9704.body_size}pt; color: #000; vertical-align: bottom; white-space: nowrap; '
                      f'padding-bottom: {GBT9704.pitch:.2f}pt; }} }}')

    @staticmethod
    def sealed(doc) -> dict:
        """The 加盖印章 layout's distances from the right edge, as CSS lengths."""
        from portal.documents.layout import mm

        found = doc.sealed_offsets(GBT9704.advance, mm(GBT9704.seal_diameter))
        return {k: Markup(f"{v:.3f}pt") for k, v in found.items()}

    def title(self, mark: str) -> Markup:
        """The title's distance from the red rule: two lines, on the page's grid."""
        return Markup(f"margin-top: {GBT9704.title_gap(mark):.3f}pt;")


def with_print_css(html: str, app=None) -> str:
    """Put the page stylesheet into a whole HTML page's head, after its own styles, so that the
    page's text gets the role fonts and its pages the GB/T 9704 margins and page numbers."""
    app = app or current_app._get_current_object()
    css = app.extensions.get("portal_full_page_css")
    if css is None:
        css = app.extensions["portal_full_page_css"] = _full_page_css(font_report(app).fonts)
    style = f"<style>{css}</style>"
    lower = html.lower()
    at = lower.find("</head>")
    if at < 0:
        return style + html
    return html[:at] + style + html[at:]


def _cache_dir(app) -> Path:
    return Path(app.instance_path) / "documents" / "cache"


def render_pdf(html: str, *, css: str = "", attachments=(), cache=True) -> bytes:
    """Lay out an HTML string with the stylesheet ``css`` (for a template of
    ``documents/print.html``: ``print_css()``)."""
    app = current_app._get_current_object()
    report = font_report(app)
    return write_pdf(html, css=css, font_files=report.extra_files, static_folder=app.static_folder,
                     attachments=attachments, cache_dir=_cache_dir(app) if cache else None,
                     fonts_signature=report.signature)


def cached_pdf(html: str, *, css: str = "", attachments=()) -> bytes | None:
    """What ``render_pdf`` would return, when it is in the cache: a request serves it at once and
    sends only a miss to the queue (``portal.jobs``)."""
    app = current_app._get_current_object()
    return _cached_pdf(html, css=css, attachments=attachments, cache_dir=_cache_dir(app),
                       fonts_signature=font_report(app).signature)


def cached_page(html: str) -> bytes | None:
    """``render_page``'s PDF if it is in the cache."""
    return cached_pdf(with_print_css(html))


def render_page(html: str, **kwargs) -> bytes:
    """Any whole HTML page (a dossier, a list) on GB/T 9704 pages."""
    return render_pdf(with_print_css(html), **kwargs)


def template_html(template: str, *, report=None, **context) -> str:
    """Render a template that extends ``documents/print.html``. It gets its context only (no
    request, no context processors), so it prints the same from a command; ``gw`` gives it the
    sizes that depend on the text and the fonts."""
    app = current_app._get_current_object()
    return app.jinja_env.get_or_select_template(template).render(gw=Style(report or font_report(app)), **context)


def render_template_pdf(template: str, **context) -> bytes:
    """A template extending ``documents/print.html``, laid out with the print stylesheet."""
    return render_pdf(template_html(template, **context), css=print_css(),
                      attachments=context.get("pdf_attachments", ()))


def gongwen_html(gongwen, report=None) -> str:
    return template_html("documents/gongwen.html", report=report, doc=gongwen)


def render_gongwen(gongwen) -> bytes:
    """An official document (``portal.documents.gongwen.Gongwen``) laid out by GB/T 9704."""
    return render_pdf(gongwen_html(gongwen), css=print_css(), attachments=gongwen.file_attachments)


def seal(organ: str):
    """``(Seal, png bytes)`` of the seal the administrator uploaded for ``organ`` (a 发文机关), or
    None when there is none (or its file is missing or was changed outside the portal). Put the
    bytes in ``Gongwen.seal`` for the 加盖印章 layout, at issue only, and audit the use."""
    from portal.documents import seals

    found = seals.seal_for(organ)
    data = seals.image(found) if found else None
    return (found, data) if data else None


def pdf_response(pdf: bytes, filename: str, *, download=False, sha256: str | None = None):
    """The PDF as a response: shown in the browser (or downloaded), never cached by proxies,
    with its checksum in ``X-Checksum-SHA256``."""
    response = send_download(io.BytesIO(pdf), content_type="application/pdf", filename=filename, attachment=download)
    response.headers["X-Checksum-SHA256"] = sha256 or hashlib.sha256(pdf).hexdigest()
    return response


def document_kinds(app=None) -> dict:
    app = app or current_app._get_current_object()
    return app.extensions.get("portal_document_kinds", {})
