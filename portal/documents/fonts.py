"""Which font serves each typographic role of GB/T 9704, and whether PDFs can be made fast.

Official fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体) are used when the server has
them: installed system-wide (fontconfig) or dropped into ``<instance>/fonts/``. Otherwise open
stand-ins that ``scripts/system-deps.sh`` installs: the Fandol fonts of Debian's
``texlive-lang-chinese`` and Noto CJK of ``fonts-noto-cjk``. Fandol lives in TeX's tree, which
fontconfig does not scan, so its files are handed to WeasyPrint's font configuration directly.

The speed of CJK PDFs hangs on one system library: WeasyPrint subsets embedded fonts with
HarfBuzz's ``libharfbuzz-subset.so.0`` when it can ``dlopen`` it, and otherwise falls back to
pure-Python fontTools, which is 20–30× slower on a CJK font (see docs/documents.md).
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

log = logging.getLogger("portal.documents")

# Directories fontconfig does not scan but where Debian packages put fonts we can use.
EXTRA_FONT_DIRS = (
    "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol",  # texlive-lang-chinese
    "/usr/share/fonts/opentype/fandol",
)
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
REFERENCE_IDEOGRAPHS = "国中永能"  # their ink centre locates a font's ideographic em box


@dataclass(frozen=True)
class Candidate:
    family: str
    bold: bool = False


@dataclass(frozen=True)
class FontRole:
    name: str
    label: str
    used_for: str
    official: tuple[Candidate, ...]
    standins: tuple[Candidate, ...]
    generic: str = "serif"


def _c(*families, bold=False):
    return tuple(Candidate(f, bold) for f in families)


ROLES = (
    FontRole("fangsong", "仿宋", "正文、发文字号、主送机关、署名、附件说明、版记",
             _c("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "华文仿宋", "STFangsong"),
             _c("FandolFang", "Noto Serif CJK SC", "AR PL UMing CN")),
    FontRole("xiaobiaosong", "小标宋", "发文机关标志、标题、附件标题",
             _c("方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "FZXiaoBiaoSong-B05", "方正小标宋"),
             _c("FandolSong", "Noto Serif CJK SC", bold=True)),
    FontRole("heiti", "黑体", "一级标题（一、）、附件标识、密级、紧急程度", _c("黑体", "SimHei", "华文黑体", "STHeiti"),
             _c("FandolHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei"), generic="sans-serif"),
    FontRole("kaiti", "楷体", "二级标题（（一））", _c("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "华文楷体", "STKaiti"),
             _c("FandolKai", "AR PL UKai CN", "AR PL KaitiM GB")),
    # GB/T 9704: page numbers in 4号半角宋体阿拉伯数字; the digits and Latin letters of the text
    # are set in the same face, the 仿宋 fonts' own being sans-looking.
    FontRole("songti", "宋体", "页码、正文中的阿拉伯数字和西文字母", _c("宋体", "SimSun", "华文宋体", "STSong"),
             _c("FandolSong", "Noto Serif CJK SC")),
)
ROLE_BY_NAME = {role.name: role for role in ROLES}
# Always listed after a role's font, so that a character it lacks is still drawn.
BROAD_FALLBACKS = ("Noto Serif CJK SC", "Noto Sans CJK SC", "FandolSong", "AR PL UMing CN", "WenQuanYi Zen Hei")


@dataclass(frozen=True)
class Face:
    """One installed font face: every family name it answers to, its weight, where it lives."""
    families: tuple[str, ...]
    bold: bool
    path: str
    index: int
    system: bool  # known to fontconfig; False: a file we hand to WeasyPrint ourselves
    italic: bool = False  # never chosen for a role while an upright face of the family exists


@dataclass(frozen=True)
class Metrics:
    ascent: float   # em units, as HarfBuzz (so Pango, so WeasyPrint) reads them
    descent: float  # positive
    ink_centre: float  # height of the ideographs' ink centre above the baseline, in em

    @property
    def raise_by(self) -> float:
        """How far (in em) WeasyPrint draws ideographs below the middle of their line box.

        WeasyPrint puts the baseline at ``top + L/2 + (ascent - descent)/2 * size`` in a line
        box of height L; the ideographs' em box is centred on their ink centre. Raising the text
        by this much centres the em box in the line box, whatever the font's metrics.
        """
        return (self.ascent - self.descent) / 2 - self.ink_centre


DEFAULT_METRICS = Metrics(0.88, 0.12, 0.38)


@dataclass(frozen=True)
class RoleFont:
    role: FontRole
    face: Face | None
    family: str = ""
    bold: bool = False
    official: bool = False
    metrics: Metrics = DEFAULT_METRICS

    @property
    def css_family(self) -> str:
        names = ([self.family] if self.family else []) + [f for f in BROAD_FALLBACKS if f != self.family]
        return ", ".join(f'"{n}"' for n in names) + f", {self.role.generic}"

    @property
    def status(self) -> str:
        if self.face is None:
            return "missing"
        return "official" if self.official else "standin"


@dataclass
class FontReport:
    """What the document service found at start-up: shown on /admin/fonts, logged when wrong."""
    fonts: dict[str, RoleFont]
    harfbuzz_subset: bool
    harfbuzz_version: str
    extra_files: tuple[str, ...]
    instance_dir: str
    problems: list[str] = field(default_factory=list)

    @property
    def signature(self) -> str:
        """Changes when a different font would be used: part of the PDF cache key."""
        parts = [f"{n}:{f.family}:{f.bold}:{f.face.path if f.face else ''}" for n, f in self.fonts.items()]
        return "|".join(parts)


# -- HarfBuzz ---------------------------------------------------------------------------------

def harfbuzz_subset_status() -> tuple[bool, str]:
    """(fast subsetting available, HarfBuzz version): WeasyPrint's own test, in pdf/fonts.py:
    ``harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0)``."""
    from weasyprint.text import ffi as wffi

    version = ""
    try:
        version = _hb_version_string()
    except Exception:  # pragma: no cover - only informative
        pass
    ok = bool(wffi.harfbuzz_subset) and bool(wffi.harfbuzz.hb_version_atleast(4, 1, 0))
    return ok, version


def _hb_version_string() -> str:
    import cffi

    ffi = cffi.FFI()
    ffi.cdef("const char * hb_version_string (void);")
    lib = ffi.dlopen("libharfbuzz.so.0")
    return ffi.string(lib.hb_version_string()).decode()


# -- discovery ----------------------------------------------------------------------------------

_FC = None
_FC_LOCK = threading.Lock()


def _fontconfig():
    global _FC
    with _FC_LOCK:
        if _FC is None:
            import cffi

            ffi = cffi.FFI()
            ffi.cdef("""
                typedef int FcBool; typedef unsigned char FcChar8; typedef struct _FcPattern FcPattern;
                typedef struct _FcConfig FcConfig;
                typedef struct _FcFontSet { int nfont; int sfont; FcPattern **fonts; } FcFontSet;
                typedef enum { FcSetSystem = 0, FcSetApplication = 1 } FcSetName;
                typedef enum { FcResultMatch, FcResultNoMatch, FcResultTypeMismatch, FcResultNoId,
                               FcResultOutOfMemory } FcResult;
                FcConfig * FcInitLoadConfigAndFonts (void);
                void FcConfigDestroy (FcConfig *config);
                FcFontSet * FcConfigGetFonts (FcConfig *config, FcSetName set);
                FcResult FcPatternGetString (const FcPattern *p, const char *object, int n, FcChar8 **s);
                FcResult FcPatternGetInteger (const FcPattern *p, const char *object, int n, int *i);
            """)
            _FC = (ffi, ffi.dlopen("libfontconfig.so.1"))
    return _FC


def system_faces() -> list[Face]:
    """Every face fontconfig knows, with all its family names (Chinese ones included)."""
    ffi, fc = _fontconfig()
    config = fc.FcInitLoadConfigAndFonts()
    faces = []
    try:
        fontset = fc.FcConfigGetFonts(config, 0)
        if fontset == ffi.NULL:
            return []
        string = ffi.new("FcChar8 **")
        integer = ffi.new("int *")
        for i in range(fontset.nfont):
            pattern = fontset.fonts[i]
            families = []
            n = 0
            while fc.FcPatternGetString(pattern, b"family", n, string) == 0:
                families.append(ffi.string(string[0]).decode("utf-8", "replace"))
                n += 1
            if fc.FcPatternGetString(pattern, b"file", 0, string) != 0:
                continue
            path = ffi.string(string[0]).decode("utf-8", "replace")
            index = integer[0] if fc.FcPatternGetInteger(pattern, b"index", 0, integer) == 0 else 0
            weight = integer[0] if fc.FcPatternGetInteger(pattern, b"weight", 0, integer) == 0 else 80
            slant = integer[0] if fc.FcPatternGetInteger(pattern, b"slant", 0, integer) == 0 else 0
            faces.append(Face(tuple(families), weight >= 180, path, index, True, slant > 0))
    finally:
        fc.FcConfigDestroy(config)
    return faces


def file_faces(directory: str | os.PathLike) -> list[Face]:
    """Faces of the font files in ``directory`` (not scanned by fontconfig), read with fontTools."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    faces = []
    root = Path(directory)
    if not root.is_dir():
        return faces
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in FONT_SUFFIXES or not path.is_file():
            continue
        try:
            if path.suffix.lower() in (".ttc", ".otc"):
                fonts = list(TTCollection(str(path), lazy=True).fonts)
            else:
                fonts = [TTFont(str(path), lazy=True)]
        except (TTLibError, OSError, AssertionError) as exc:
            log.warning("字体文件无法读取，已跳过：%s（%s）", path, exc)
            continue
        for index, font in enumerate(fonts):
            names = {rec.toUnicode().strip() for rec in font["name"].names if rec.nameID in (1, 16)
                     and _decodable(rec)}
            faces.append(Face(tuple(sorted(n for n in names if n)), _is_bold(font), str(path), index, False,
                              _is_italic(font)))
    return faces


def _is_bold(font) -> bool:
    styles = {rec.toUnicode().casefold() for rec in font["name"].names if rec.nameID in (2, 17) and _decodable(rec)}
    weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
    return weight >= 600 or bool(font["head"].macStyle & 1) or any("bold" in s for s in styles)


@lru_cache(maxsize=128)
def bold_by_style(path: str) -> bool:
    """A bold face whose OS/2 weight says regular (fontconfig would take it for the regular one)."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(path, lazy=True, fontNumber=0)
        weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
        return _is_bold(font) and weight < 600
    except (TTLibError, OSError, AssertionError):
        return False


def _is_italic(font) -> bool:
    styles = {rec.toUnicode().casefold() for rec in font["name"].names if rec.nameID in (2, 17) and _decodable(rec)}
    return bool(font["head"].macStyle & 2) or any("italic" in s or "oblique" in s for s in styles)


def _decodable(record) -> bool:
    try:
        record.toUnicode()
        return True
    except Exception:
        return False


def choose(role: FontRole, faces: list[Face]) -> RoleFont:
    """The first of the role's official fonts, else of its stand-ins, that is installed."""
    for official, candidates in ((True, role.official), (False, role.standins)):
        for cand in candidates:
            wanted = cand.family.casefold()
            matching = [f for f in faces if wanted in (n.casefold() for n in f.families)]
            if not matching:
                continue
            # prefer the weight asked for, upright; then the order found (the instance's files first)
            matching.sort(key=lambda f: (f.bold != cand.bold, f.italic))
            face = matching[0]
            return RoleFont(role, face, cand.family, cand.bold, official, face_metrics(face.path, face.index))
    return RoleFont(role, None)


@lru_cache(maxsize=64)
def face_metrics(path: str, index: int) -> Metrics:
    """Ascent and descent as HarfBuzz reads them (OS/2 typo metrics only with USE_TYPO_METRICS,
    else hhea), and the ink centre of a few common ideographs."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=index, lazy=True)
        upem = font["head"].unitsPerEm
        os2 = font["OS/2"] if "OS/2" in font else None
        if os2 is not None and os2.fsSelection & (1 << 7) and os2.sTypoAscender:
            ascent, descent = os2.sTypoAscender, os2.sTypoDescender
        else:
            ascent, descent = font["hhea"].ascent, font["hhea"].descent
        cmap = font.getBestCmap() or {}
        glyphs = font.getGlyphSet()
        centres = []
        for char in REFERENCE_IDEOGRAPHS:
            name = cmap.get(ord(char))
            if not name:
                continue
            pen = BoundsPen(glyphs)
            glyphs[name].draw(pen)
            if pen.bounds:
                centres.append((pen.bounds[1] + pen.bounds[3]) / 2 / upem)
        ink = sum(centres) / len(centres) if centres else 0.38
        return Metrics(abs(ascent) / upem, abs(descent) / upem, ink)
    except Exception as exc:  # a damaged font must not stop printing
        log.warning("无法读取字体度量：%s（%s）", path, exc)
        return DEFAULT_METRICS


@lru_cache(maxsize=1)
def installed_faces() -> tuple[Face, ...]:
    """The server's faces: fontconfig's and those of EXTRA_FONT_DIRS. Read once per process
    (``forget()`` after installing fonts, as the admin page's button does)."""
    try:
        faces = system_faces()
    except Exception as exc:  # pragma: no cover - fontconfig is a WeasyPrint dependency
        log.error("无法读取系统字体列表：%s", exc)
        faces = []
    system_paths = {f.path for f in faces}
    for directory in EXTRA_FONT_DIRS:
        faces.extend(f for f in file_faces(directory) if f.path not in system_paths)
    return tuple(faces)


def forget():
    installed_faces.cache_clear()
    face_metrics.cache_clear()


def discover(instance_path: str | os.PathLike) -> FontReport:
    """Look for every role's font and check the fast subsetting path. Never raises."""
    instance_dir = str(Path(instance_path) / "fonts")
    hb_ok, hb_version = harfbuzz_subset_status()
    faces = file_faces(instance_dir) + list(installed_faces())  # the instance's own files first
    fonts = {role.name: choose(role, faces) for role in ROLES}
    used_files = tuple(sorted({f.face.path for f in fonts.values() if f.face and not f.face.system}))
    report = FontReport(fonts, hb_ok, hb_version, used_files, instance_dir)
    report.problems = problems(report)
    return report


def problems(report: FontReport) -> list[str]:
    """What the administrator should know, in Chinese."""
    found = []
    if not report.harfbuzz_subset:
        found.append(
            "未找到 HarfBuzz 字体子集库（libharfbuzz-subset.so.0，Debian 软件包 libharfbuzz-subset0）："
            "WeasyPrint 将改用纯 Python 的 fontTools 嵌入中文字体，生成 PDF 会慢 20–30 倍。"
            "请以 root 运行 scripts/system-deps.sh（或 apt-get install libharfbuzz-subset0）后重启门户。")
    for f in report.fonts.values():
        if f.face is None:
            found.append(f"没有可用于“{f.role.label}”（{f.role.used_for}）的中文字体，PDF 中的文字可能显示为方框。"
                         "请以 root 运行 scripts/system-deps.sh 安装开源替代字体，或将正式字体文件放入 "
                         f"{report.instance_dir}。")
        elif not f.official:
            found.append(f"“{f.role.label}”未安装正式字体（{f.role.official[0].family}），"
                         f"现以替代字体 {f.family}{'（粗体）' if f.bold else ''} 排版。")
    return found
