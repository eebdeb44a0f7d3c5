"""印章: one seal image per 发文机关, uploaded by the administrator, pressed on an issued document
whose office chose the 加盖印章 layout (GB/T 9704-2012, 7.3.5.1).

The images live under ``<instance>/seals/``: ``index.json`` maps each organ's name to its file
(named by a digest of the name, never by what the user typed). An image is checked before it is
kept: a PNG whose background is transparent (the seal is printed over the 署名 and the date),
within the size limits below. Uploads, removals and every use are in the audit log.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

MAX_BYTES = 1024 * 1024
MIN_PIXELS, MAX_PIXELS = 300, 3000   # a 42 mm seal at 180–1800 dpi
MAX_ORGAN = 60


class SealError(ValueError):
    """An image refused; the message is for the user."""


@dataclass(frozen=True)
class Seal:
    organ: str
    file: str
    sha256: str
    width: int
    height: int
    uploaded_at: str
    uploaded_by: str


def _folder() -> Path:
    return Path(current_app.instance_path) / "seals"


def _index() -> dict:
    try:
        return json.loads((_folder() / "index.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _write_index(index: dict):
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".index.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(index, ensure_ascii=False, indent=1), "utf-8")
    tmp.replace(folder / "index.json")


def check(data: bytes) -> tuple[int, int]:
    """The image's (width, height) in pixels, or SealError saying what is wrong with it."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise SealError("请选择印章图片文件。")
    if len(data) > MAX_BYTES:
        raise SealError(f"印章图片不能超过{MAX_BYTES // 1024}KB。")
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise SealError("印章图片只能是 PNG 格式（背景透明）。")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise SealError("无法读取该 PNG 图片，文件可能已损坏。") from None
    w, h = image.size
    if min(w, h) < MIN_PIXELS or max(w, h) > MAX_PIXELS:
        raise SealError(f"印章图片的长宽须在 {MIN_PIXELS}–{MAX_PIXELS} 像素之间（现为 {w}×{h}）。")
    if not 0.6 <= w / h <= 1.7:
        raise SealError("印章图片应为圆形或椭圆形印章，长宽比不能超过 1.7。")
    if "A" not in image.getbands() and "transparency" not in image.info:
        raise SealError("印章图片的背景必须透明（PNG 透明通道），否则会遮住署名和成文日期。")
    alpha = image.convert("RGBA").getchannel("A")
    low, high = alpha.getextrema()
    if low == 255:
        raise SealError("印章图片没有透明部分：请上传背景透明的 PNG。")
    if high == 0:
        raise SealError("印章图片完全透明，看不到印章。")
    return w, h


def all_seals() -> list[Seal]:
    return [Seal(organ=organ, **entry) for organ, entry in sorted(_index().items())]


def seal_for(organ: str) -> Seal | None:
    entry = _index().get((organ or "").strip())
    return Seal(organ=organ.strip(), **entry) if entry else None


def image(seal: Seal) -> bytes | None:
    try:
        data = (_folder() / seal.file).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == seal.sha256 else None


def save(organ: str, data: bytes, user) -> Seal:
    """Keep ``data`` as ``organ``'s seal (replacing an earlier one), audited."""
    from portal import audit
    from portal.db import database, now

    organ = (organ or "").strip()
    if not organ:
        raise SealError("请填写印章所属的发文机关。")
    if len(organ) > MAX_ORGAN or any(not ch.isprintable() for ch in organ):
        raise SealError(f"发文机关名称不能超过{MAX_ORGAN}个字，且不能含控制字符。")
    w, h = check(data)
    digest = hashlib.sha256(data).hexdigest()
    name = hashlib.sha256(organ.encode("utf-8")).hexdigest()[:24] + ".png"
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    tmp.write_bytes(data)
    tmp.replace(folder / name)
    index = _index()
    replaced = organ in index
    index[organ] = dict(file=name, sha256=digest, width=w, height=h,
                        uploaded_at=now().strftime("%Y-%m-%d %H:%M"), uploaded_by=user.name)
    with database.atomic():
        audit.record("seal.uploaded", f"{'更换' if replaced else '上传'}印章：{organ}", actor=user,
                     object_type="seal", sha256=digest, width=w, height=h)
        _write_index(index)
    return Seal(organ=organ, **index[organ])


def remove(organ: str, user) -> bool:
    from portal import audit
    from portal.db import database

    index = _index()
    entry = index.pop((organ or "").strip(), None)
    if entry is None:
        return False
    with database.atomic():
        audit.record("seal.removed", f"删除印章：{organ}", actor=user, object_type="seal", sha256=entry["sha256"])
        _write_index(index)
    (_folder() / entry["file"]).unlink(missing_ok=True)
    return True


def data_url(data: bytes) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def drawn_seal(size: int = 600) -> bytes:
    """An invented seal, for the demo and the tests: a red ring and a star, no name, on a
    transparent background."""
    import math

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    red, ring = (230, 0, 18, 235), size // 28
    draw.ellipse((ring, ring, size - ring, size - ring), outline=red, width=ring)
    centre, radius = size / 2, size * 0.16
    draw.polygon([(centre + (radius if k % 2 == 0 else radius * 0.38) * math.cos(-math.pi / 2 + k * math.pi / 5),
                   centre * 0.95 + (radius if k % 2 == 0 else radius * 0.38) * math.sin(-math.pi / 2 + k * math.pi / 5))
                  for k in range(10)], fill=red)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
