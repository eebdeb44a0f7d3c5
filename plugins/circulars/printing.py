"""A circular as the core's GB/T 9704 document, and its PDF."""
from portal.plugin_api import documents, Attachment, Gongwen, secrecy_mark

from plugins.circulars.models import SECRECY_LABELS, URGENCY_LABELS, Circular, CircularAttachment


def attachment_text(row: CircularAttachment) -> str:
    """The text of a portal document attached by reference, as it reads now."""
    kind = documents.document_kinds().get(row.doc_kind)
    if kind is None or kind.text is None:
        return "（该门户文档已不可用。）"
    try:
        return kind.text(row.doc_id)
    except LookupError:
        return "（该门户文档已被删除。）"


def to_gongwen(circular: Circular) -> Gongwen:
    attachments = []
    for row in circular.attachments.order_by(CircularAttachment.position):
        if row.kind == "file":
            attachments.append(Attachment(row.title, file_name=row.file_name, file_data=bytes(row.file_data or b"")))
        elif row.kind == "document":
            attachments.append(Attachment(row.title, text=attachment_text(row)))
        else:
            attachments.append(Attachment(row.title, text=row.text))
    return Gongwen(
        mark=circular.mark, number=circular.number or circular.number_or_placeholder, title=circular.title,
        recipients=circular.recipients, body=circular.body, signature=circular.signature,
        date_of_writing=circular.date_of_writing, attachments=attachments, note=circular.note,
        copy_to=circular.copy_to, printed_by=circular.printed_by, date_of_issue=circular.date_of_issue,
        secrecy=secrecy_mark(circular.secrecy, circular.secrecy_term) if SECRECY_LABELS.get(circular.secrecy) else "",
        urgency=URGENCY_LABELS.get(circular.urgency, "") if circular.urgency else "",
    )


def render(circular: Circular) -> bytes:
    return documents.render_gongwen(to_gongwen(circular))


def filename(circular: Circular) -> str:
    name = circular.number or f"文稿{circular.id}"
    return f"{name} {circular.plain_title}.pdf"[:150]
