"""PDF speed, side by side in one run: each document with its Chinese fonts against the same
layout set in a Latin-only font (``make bench-pdf``).

    .venv/bin/python benchmarks/pdf_bench.py [--repeat 5] [--without-harfbuzz-subset]

Documents: a two-page circular (a one-page notice and its colophon page) and the twenty-page
demo notice 鄂能局发〔2019〕280号 with its four attachments. The Latin twin replaces every
Chinese character by a Latin letter and every font by DejaVu Sans Mono spaced to one em, so it
breaks into the same lines and pages. Target: each ratio ≤ 1.5; the two-page PDF < 300 KB.
``--without-harfbuzz-subset`` also times WeasyPrint's fallback (fontTools), the slow path a
machine without libharfbuzz-subset.so.0 takes.
"""
import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from portal import create_app, documents  # noqa: E402
from portal.documents import fonts as font_roles  # noqa: E402
from portal.documents.gongwen import Attachment, Gongwen  # noqa: E402
from portal.documents.layout import print_css  # noqa: E402
from portal.documents.render import write_pdf  # noqa: E402

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’—…·《》]")
PUNCT = {"，": ",", "。": ".", "、": ",", "：": ":", "；": ";", "（": "(", "）": ")", "《": "<", "》": ">",
         "〔": "[", "〕": "]", "“": '"', "”": '"', "！": "!", "？": "?", "—": "-"}


def latin(text: str) -> str:
    """The same text with a Latin letter for every Chinese character."""
    return CJK.sub(lambda m: PUNCT.get(m.group(0), chr(ord("a") + ord(m.group(0)) % 26)), text)


def two_page_circular() -> Gongwen:
    return Gongwen(
        mark="鄂尔多斯市能源局文件", number="鄂能局发〔2026〕12号",
        title="关于开展网络舆情应对演练的通知", recipients="各科室、局属各二级单位",
        body=("为检验网络舆情预警机制及应对预案的可操作性，提高各单位发现、研判和处置网络舆情的能力，经研究，"
              "决定于下月第二周开展一次网络舆情应对演练，各科室、局属各二级单位网络舆情联络员和网络评论员参加。"
              "请认真做好准备，演练结束后3个工作日内将演练情况报信息中心。"),
        signature="鄂尔多斯市能源局", date_of_writing=date(2026, 3, 2), copy_to="市委网信办",
        printed_by="鄂尔多斯市能源局办公室", date_of_issue=date(2026, 3, 2))


def twenty_page_notice() -> Gongwen:
    from plugins.circulars import demo_texts as seed

    return Gongwen(
        mark="鄂尔多斯市能源局文件", number="鄂能局发〔2019〕280号", title=seed.TITLE, recipients=seed.RECIPIENTS,
        body=seed.BODY, signature=seed.SIGNATURE, date_of_writing=date(2019, 11, 7),
        attachments=[Attachment(t, b) for t, b in seed.ATTACHMENTS], printed_by=seed.PRINTED_BY,
        date_of_issue=date(2019, 11, 7))


def latin_twin(doc: Gongwen) -> Gongwen:
    fields = {k: latin(v) for k, v in vars(doc).items() if isinstance(v, str)}
    attachments = [Attachment(latin(a.title), latin(a.text)) for a in doc.attachments]
    return replace(doc, attachments=attachments, **fields)


# The Latin twin's faces, one per role as in the Chinese document (fonts-dejavu-core has them all).
LATIN_ROLES = {"fangsong": ("DejaVu Sans Mono", False), "xiaobiaosong": ("DejaVu Sans Mono", True),
               "heiti": ("DejaVu Sans", False), "kaiti": ("DejaVu Serif", False), "songti": ("DejaVu Serif", True)}


def latin_fonts(fonts: dict, single: bool = False) -> dict:
    """The roles served by Latin faces: one per role (as many faces as the Chinese document
    embeds), or DejaVu Sans Mono for all."""
    result = {}
    for name, f in fonts.items():
        family, bold = ("DejaVu Sans Mono", False) if single else LATIN_ROLES[name]
        face = font_roles.Face((family,), bold, "", 0, True)
        result[name] = replace(f, face=face, family=family, bold=bold, metrics=font_roles.DEFAULT_METRICS)
    return result


# Glyphs spaced to about one em, breaking anywhere as Chinese does: the same lines and pages.
LATIN_CSS = """* { letter-spacing: 0.36em !important; word-break: break-all; }"""


def parts(app, doc: Gongwen, fonts: dict, extra_css="") -> tuple[str, str]:
    """The document's HTML and stylesheet, as the document service makes them, with ``fonts``
    serving the roles."""
    report = replace(documents.font_report(app), fonts=fonts)
    return documents.gongwen_html(doc, report), print_css(fonts) + extra_css


def pages(pdf: bytes) -> int:
    import pypdf
    import io

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def measure(runs: dict, repeat: int) -> dict:
    """Render each (html, css, font_files) of ``runs`` ``repeat`` times, interleaved; the median
    CPU and wall time of each, and its PDF."""
    cpu = {k: [] for k in runs}
    wall = {k: [] for k in runs}
    pdfs = {}
    for _ in range(repeat):
        for key, (html, css, files) in runs.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            pdfs[key] = write_pdf(html, css=css, font_files=files)
            cpu[key].append(time.process_time() - started_cpu)
            wall[key].append(time.perf_counter() - started)
    return {k: (statistics.median(cpu[k]), statistics.median(wall[k]), pdfs[k]) for k in runs}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--without-harfbuzz-subset", action="store_true")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)

    app = create_app({"INSTANCE_PATH": tempfile.mkdtemp(prefix="pdf-bench-"), "TESTING": True})
    rows = []
    with app.app_context():
        report = documents.font_report(app)
        fonts = report.fonts
        for label, doc in (("two-page circular", two_page_circular()), ("twenty-page notice", twenty_page_notice())):
            cjk_html, cjk_css = parts(app, doc, fonts)
            twin = latin_twin(doc)
            latin_html, latin_css = parts(app, twin, latin_fonts(fonts), LATIN_CSS)
            mono_html, mono_css = parts(app, twin, latin_fonts(fonts, single=True), LATIN_CSS)
            runs = {"cjk": (cjk_html, cjk_css, report.extra_files), "latin": (latin(latin_html), latin_css, ()),
                    "mono": (latin(mono_html), mono_css, ())}
            measure(runs, 1)  # warm up: imports, font files, font maps, stylesheets
            result = measure(runs, args.repeat)
            (c_cpu, c_wall, c_pdf), (l_cpu, l_wall, l_pdf), (m_cpu, _, _) = (
                result["cjk"], result["latin"], result["mono"])
            row = {"document": label, "pages": pages(c_pdf), "latin_pages": pages(l_pdf),
                   "cjk_cpu_s": round(c_cpu, 3), "latin_cpu_s": round(l_cpu, 3), "ratio": round(c_cpu / l_cpu, 2),
                   "cjk_wall_s": round(c_wall, 3), "latin_wall_s": round(l_wall, 3),
                   "wall_ratio": round(c_wall / l_wall, 2), "single_font_cpu_s": round(m_cpu, 3),
                   "single_font_ratio": round(c_cpu / m_cpu, 2),
                   "cjk_kb": round(len(c_pdf) / 1024, 1), "latin_kb": round(len(l_pdf) / 1024, 1)}
            if args.without_harfbuzz_subset:
                import weasyprint.pdf.fonts as wfonts

                saved, wfonts.harfbuzz_subset = wfonts.harfbuzz_subset, None
                try:
                    row["fonttools_cpu_s"] = round(measure({"cjk": runs["cjk"]}, 1)["cjk"][0], 3)
                finally:
                    wfonts.harfbuzz_subset = saved
            rows.append(row)

    print(f"HarfBuzz subset library: {'loaded' if report.harfbuzz_subset else 'MISSING'} "
          f"(HarfBuzz {report.harfbuzz_version}); fonts: "
          + ", ".join(f"{n}={f.family or '-'}{' bold' if f.bold else ''}" for n, f in fonts.items()))
    print(f"Median of {args.repeat} interleaved renders each, one process. Ratio: CPU seconds of the Chinese "
          "document over its Latin twin (one Latin face per role); wall seconds beside it.\n")
    extra = " fontTools path CPU s |" if args.without_harfbuzz_subset else ""
    print("| document | pages (CJK/Latin) | CJK CPU s | Latin CPU s | ratio | wall ratio | ratio to one Latin font |"
          " CJK KB |" + extra)
    print("|---|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if extra else ""))
    for r in rows:
        line = (f"| {r['document']} | {r['pages']}/{r['latin_pages']} | {r['cjk_cpu_s']} | {r['latin_cpu_s']} | "
                f"{r['ratio']} | {r['wall_ratio']} | {r['single_font_ratio']} | {r['cjk_kb']} |")
        if extra:
            line += f" {r['fonttools_cpu_s']} |"
        print(line)
    ok = all(r["ratio"] <= 1.5 for r in rows) and rows[0]["cjk_kb"] < 300
    print(f"\ntarget (ratio ≤ 1.5, two-page PDF < 300 KB): {'met' if ok else 'NOT MET'}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
