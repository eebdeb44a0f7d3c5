"""Files exported by monitoring services (舆情监测服务), read into rows: CSV in UTF-8 or GBK
(charset-normalizer decides) and Excel (.xlsx/.xls, python-calamine). Pure functions: no database.

A file-level problem (unreadable, an encoding that is not text, no recognisable header) raises
``FileProblem`` with its reason; a row-level one (a bad date, a missing link) is that row's.
"""
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from charset_normalizer import from_bytes
from python_calamine import CalamineWorkbook

MAX_ROWS = 20_000
HEADER_SEARCH = 10  # rows from the top in which the header is looked for

# field -> (中文名, the headers services use for it, normalised)
FIELDS = {
    "title": ("标题", ("标题", "文章标题", "帖子标题", "信息标题", "主题")),
    "url": ("链接", ("链接", "原文链接", "网址", "url", "地址", "原文地址", "链接地址")),
    "site": ("来源/站点", ("来源", "站点", "媒体", "来源网站", "网站", "平台", "媒体名称", "来源/站点", "站点名称")),
    "posted_at": ("发布时间", ("发布时间", "发帖时间", "时间", "日期", "发表时间", "发布日期")),
    "author": ("作者", ("作者", "发布者", "用户", "博主", "账号", "发布人")),
    "text": ("正文", ("正文", "内容", "摘要", "全文", "正文内容")),
    "clicks": ("点击/阅读数", ("点击", "点击数", "阅读", "阅读数", "浏览", "浏览量", "点击/阅读数", "点击量", "阅读量")),
    "comments": ("评论数", ("评论", "评论数", "跟帖", "跟帖数", "回复数")),
    "reposts": ("转发数", ("转发", "转发数", "转载", "转载数")),
}
REQUIRED = ("title", "url", "posted_at")


class FileProblem(Exception):
    """The whole file cannot be read; the message says why, in Chinese."""


def norm(header) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(header or ""))).lower()


def known(header) -> str | None:
    h = norm(header)
    for name, (_label, words) in FIELDS.items():
        if h in words:
            return name
    return None


def cells(filename: str, data: bytes) -> list[list]:
    """The first sheet's (or the CSV's) cells, row by row."""
    if not data:
        raise FileProblem("文件是空的。")
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xls", ".xlsm")):
        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
            return sheet.to_python(skip_empty_area=False)
        except Exception:
            raise FileProblem("无法读取这个Excel文件：文件已损坏、加密或不是Excel格式。") from None
    if name.endswith((".csv", ".txt")):
        if b"\x00" in data[:4096]:
            raise FileProblem("这不是文本格式的CSV文件（可能是Excel文件改了扩展名，请另存为CSV或直接上传Excel）。")
        best = from_bytes(data).best()
        if best is None:
            raise FileProblem("无法识别文件的编码：请另存为UTF-8或GBK编码的CSV文件。")
        text = str(best).lstrip("\ufeff")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    raise FileProblem("只能导入CSV（.csv）或Excel（.xlsx、.xls）文件。")


@dataclass
class Table:
    headers: list[str]
    rows: list[list]  # the data rows, each as long as headers
    first_row: int  # the file's line/row number of rows[0] (1-based), for the reasons
    guess: dict = field(default_factory=dict)  # field -> header, as recognised


def table(filename: str, data: bytes) -> Table:
    """The header and the data rows. Two header lines (a merged group cell above, 点击/评论/转发
    under it) become one: the lower line's name wins where it has one."""
    grid = [[("" if v is None else v) for v in row] for row in cells(filename, data)]
    top = grid[:HEADER_SEARCH]
    scores = [sum(1 for v in row if known(v)) for row in top]
    if not scores or max(scores) < 2:
        raise FileProblem("找不到表头：前10行中没有一行含有“标题”“链接”“发布时间”等列名。")
    h = scores.index(max(scores))
    width = max(len(r) for r in grid)
    headers = [str(v).strip() for v in grid[h]] + [""] * (width - len(grid[h]))
    start = h + 1
    if start < len(grid):
        below = [str(v).strip() for v in grid[start]] + [""] * (width - len(grid[start]))
        if any(known(v) for v in below) and all(not b or not known(a) for a, b in zip(headers, below)):
            group = ""
            merged = []
            for a, b in zip(headers, below):
                group = a or group
                merged.append(b or a or group)
            headers, start = merged, start + 1
    rows = [r + [""] * (width - len(r)) for r in grid[start:]]
    rows = [r for r in rows if any(str(v).strip() for v in r)]
    if len(rows) > MAX_ROWS:
        raise FileProblem(f"文件有{len(rows)}行数据，一次最多导入{MAX_ROWS}行，请分成几个文件。")
    guess = {}
    for header in headers:
        name = known(header)
        if name and name not in guess:
            guess[name] = header
    return Table(headers, rows, start + 1, guess)


# -- one row ---------------------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d",
                "%Y/%m/%d", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M", "%Y年%m月%d日",
                "%Y.%m.%d %H:%M", "%Y.%m.%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


def parse_time(value) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_count(value) -> int | None:
    """0 for an empty cell; "1,200", "1.2万" and 1200.0 as sites and spreadsheets show them."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value >= 0 and float(value).is_integer() else None
    text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
    scale = 1
    if text.endswith(("万", "w", "W")):
        text, scale = text[:-1], 10_000
    try:
        number = float(text) * scale if re.fullmatch(r"\d+(\.\d+)?", text) else -1
    except ValueError:
        return None
    return int(round(number)) if number >= 0 and number < 10**12 else None


def text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", str(value)).strip()


def read_row(row: list, columns: dict, at: datetime) -> tuple[dict, list[str]]:
    """One data row through the mapping (field -> column index): (values, problems)."""
    get = {f: row[i] if i is not None and i < len(row) else "" for f, i in columns.items()}
    values = {f: text_of(get.get(f)) for f in ("title", "url", "site", "author", "text")}
    problems = []
    if not values["title"] and not values["text"]:
        problems.append("缺少标题")
    values["title"] = (values["title"] or values["text"])[:120]
    if not values["url"]:
        problems.append("缺少链接")
    elif not values["url"].startswith(("http://", "https://")) or len(values["url"]) > 500:
        problems.append(f"链接不是网址：{values['url'][:40]}")
    raw = get.get("posted_at")
    posted = parse_time(raw) if text_of(raw) else None
    if not text_of(raw):
        problems.append("缺少发布时间")
    elif posted is None:
        problems.append(f"发布时间无法识别：{text_of(raw)[:30]}")
    elif posted > at:
        problems.append(f"发布时间晚于现在：{posted:%Y-%m-%d %H:%M}")
    values["posted_at"] = posted
    for f in ("clicks", "comments", "reposts"):
        count = parse_count(get.get(f))
        if count is None:
            problems.append(f"{FIELDS[f][0]}不是整数：{text_of(get.get(f))[:20]}")
        values[f] = count or 0
    values["site"], values["author"] = values["site"][:60], values["author"][:80]
    values["text"] = values["text"][:20000]
    return values, problems
