"""A circular as the core's GB/T 9704 document, and its PDF."""
from portal.plugin_api import documents, Attachment, Gongwen, secrecy_mark

from plugins.circulars.models import SECRECY_LABELS, URGENCY_LABELS, Circular, CircularAttachment


DRAFT_MARK = "草稿"  # on every page of a circular not yet signed (it has no number)


def attachment_text(row: CircularAttachment) -> str:
    """The text of a portal document attached by reference, as it reads now."""
    kind = documents.document_kinds().get(row.doc_kind)
    if kind is None or kind.text is None:
        return "（该门户文档已不可用。）"
    try:
        return kind.text(row.doc_id)
    except LookupError:
        return "（该门户文档已被删除。）"


def attachment_of_document(row: CircularAttachment) -> Attachment:
    """A portal document attached by reference: its tables and charts when the kind prints
    figures (the 舆情月报), else its text, as it reads now."""
    kind = documents.document_kinds().get(row.doc_kind)
    if kind is not None and kind.figures is not None:
        try:
            return Attachment(row.title, html=kind.figures(row.doc_id))
        except LookupError:
            pass
    return Attachment(row.title, text=attachment_text(row))


def to_gongwen(circular: Circular, seal: bytes = b"") -> Gongwen:
    """The circular as a 公文; ``seal`` (the organ's seal image) only when it is being issued in
    the 加盖印章 layout (``workflow.issue``)."""
    attachments = []
    for row in circular.attachments.order_by(CircularAttachment.position):
        if row.kind == "file":
            attachments.append(Attachment(row.title, file_name=row.file_name, file_data=bytes(row.file_data or b"")))
        elif row.kind == "document":
            attachments.append(attachment_of_document(row))
        else:
            attachments.append(Attachment(row.title, text=row.text))
    return Gongwen(
        mark=circular.mark, number=circular.number or "", draft_mark="" if circular.number else DRAFT_MARK,
        title=circular.title,
        recipients=circular.recipients, body=circular.body, signature=circular.signature,
        date_of_writing=circular.date_of_writing, attachments=attachments, note=circular.note,
        copy_to=circular.copy_to, printed_by=circular.printed_by, date_of_issue=circular.date_of_issue,
        secrecy=secrecy_mark(circular.secrecy, circular.secrecy_term) if SECRECY_LABELS.get(circular.secrecy) else "",
        urgency=URGENCY_LABELS.get(circular.urgency, "") if circular.urgency else "",
        seal=seal if circular.number else b"",
    )


def render(circular: Circular, seal: bytes = b"") -> bytes:
    return documents.render_gongwen(to_gongwen(circular, seal))


def cached(circular: Circular) -> bytes | None:
    """``render``'s PDF when it is in the cache (nothing changed since it was last printed)."""
    gongwen = to_gongwen(circular)
    return documents.cached_pdf(documents.gongwen_html(gongwen), css=documents.print_css(),
                                attachments=gongwen.file_attachments)


def filename(circular: Circular) -> str:
    name = circular.number or f"文稿{circular.id}"
    return f"{name} {circular.plain_title}.pdf"[:150]
