"""An official document (公文) as the print template takes it, and the standard's small rules:
how a document number, a date and a secrecy mark are written (GB/T 9704-2012, 7.2–7.4)."""
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup

from portal.documents.text import body_html, escape_lines, one_line, shape_title

SECRECY = {"": "", "secret": "秘密", "confidential": "机密", "top_secret": "绝密"}
URGENCY = {"": "", "urgent": "加急", "extra_urgent": "特急"}


def document_number(prefix: str, year: int, seq: int) -> str:
    """发文字号: the year in full within 〔〕, the number without padding, no 第, then 号."""
    return f"{prefix}〔{year}〕{int(seq)}号"


def chinese_date(day: date | None) -> str:
    """成文日期 and 印发日期: Arabic numerals, the year in full, no padding: 2019年11月7日."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def secrecy_mark(level: str, term: str = "") -> str:
    """密级和保密期限: 机密★1年."""
    label = SECRECY.get(level, "")
    if not label:
        return ""
    return f"{label}★{term.strip()}" if term.strip() else label


@dataclass
class Attachment:
    """One attachment: a page headed "附件N", its title on the next line, then its text
    (or, for an uploaded file, a note that the file travels inside the PDF)."""
    title: str
    text: str = ""
    file_name: str = ""
    file_data: bytes = b""
    html: str = ""  # instead of text: tables and charts (Markup, from the portal's own templates)

    @property
    def name(self) -> str:
        return one_line(self.title)

    @property
    def title_html(self) -> Markup:
        return escape_lines(shape_title(self.title))

    @property
    def body(self) -> Markup:
        return body_html(self.text)


@dataclass
class Gongwen:
    mark: str                       # 发文机关标志: "某某市能源局文件"
    number: str                     # 发文字号 (empty before signing)
    title: str                      # lines as the drafter broke them
    recipients: str                 # 主送机关, without the final colon
    body: str                       # plain text, one paragraph a line
    signature: str                  # 发文机关署名
    date_of_writing: date | None    # 成文日期
    attachments: list = field(default_factory=list)
    note: str = ""                  # 附注
    copy_to: str = ""               # 抄送机关
    printed_by: str = ""            # 印发机关
    date_of_issue: date | None = None  # 印发日期
    secrecy: str = ""               # "机密★1年"
    urgency: str = ""               # "特急"
    copy_no: str = ""               # 份号
    draft_mark: str = ""            # "草稿": at the top of every page of an unsigned document
    seal: bytes = b""               # the 发文机关's seal (PNG): the 加盖印章 layout, only when issued

    @property
    def title_html(self) -> Markup:
        return escape_lines(shape_title(self.title))

    @property
    def plain_title(self) -> str:
        return one_line(self.title)

    @property
    def body_html(self) -> Markup:
        return body_html(self.body)

    @property
    def recipients_line(self) -> str:
        text = self.recipients.strip().rstrip("：:")
        return f"{text}：" if text else ""

    @property
    def copy_to_line(self) -> str:
        text = self.copy_to.strip().rstrip("。.，,")
        return f"{text}。" if text else ""

    @property
    def corner_lines(self) -> list[str]:
        """份号, 密级和保密期限, 紧急程度 on the top-left lines 1–3, in that order."""
        lines = {}
        if self.copy_no:
            lines[1] = self.copy_no
        if self.secrecy:
            lines[2] = self.secrecy
        if self.urgency:
            lines[3 if self.secrecy else (2 if self.copy_no else 1)] = self.urgency
        return sorted(lines.items())

    @property
    def file_attachments(self) -> list[tuple[str, bytes]]:
        return [(a.file_name, a.file_data) for a in self.attachments if a.file_data]

    @property
    def date_text(self) -> str:
        return chinese_date(self.date_of_writing)

    @property
    def issue_text(self) -> str:
        return f"{chinese_date(self.date_of_issue)}印发" if self.date_of_issue else ""

    # -- the 加盖印章 layout (GB/T 9704-2012, 7.3.5.1) ---------------------------------------------
    @property
    def seal_src(self) -> str:
        from portal.documents.seals import data_url

        return data_url(self.seal) if self.seal else ""

    def sealed_offsets(self, advance: float, diameter: float) -> dict:
        """Distances from the type area's right edge, in pt: the date ends four characters in
        (右空四字), the 署名 is centred on the date (never past the right edge), the seal is
        centred on them."""
        date_w = text_width(self.date_text) * advance
        sig_w = text_width(self.signature) * advance
        centre = 4 * advance + date_w / 2
        return {"date": 4 * advance, "signature": max(0.0, centre - sig_w / 2),
                "seal": centre - diameter / 2}


def text_width(text: str) -> float:
    """A line's width in characters: digits and Latin letters count half."""
    return sum(0.5 if ord(c) < 0x2E80 else 1 for c in text)
