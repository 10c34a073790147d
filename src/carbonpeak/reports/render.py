"""A ``Document`` as HTML, PDF (WeasyPrint, from the same HTML) and DOCX (python-docx).

Layout after GB/T 9704 as far as it applies to a report: A4, margins 37/35/28/26 mm, the title
centred in a Song face, the issuing body and date below it, headings 一、（一）1.（1） (level 1 in a
Hei face), tables numbered with their unit in the header, page numbers ``— 1 —`` at the foot, and
示例数据 on every page of a document that holds demo data. Fonts are Debian's Noto CJK (Song: Noto
Serif CJK SC, Hei: Noto Sans CJK SC). Everything is escaped; nothing is fetched (images are inline).
The same document always gives the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import logging
import threading

from carbonpeak.errors import InvalidInputError
from carbonpeak.reports.document import Document, Figure, Heading, Paragraph, TableBlock, shown

log = logging.getLogger(__name__)

DOCUMENT_FORMATS = ("html", "pdf", "docx")
MEDIA = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
SONG = "Noto Serif CJK SC"
HEI = "Noto Sans CJK SC"
DEMO = {"zh-CN": "示例数据", "en": "示例数据 (illustrative data)"}
FIXED_TIME = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)

CSS = f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center {{ content: "— " counter(page) " —"; font-family: "{SONG}"; font-size: 10.5pt; }} }}
body {{ font-family: "{SONG}", serif; font-size: 12pt; line-height: 1.6; color: #000; }}
.banner {{ font-family: "{HEI}", sans-serif; color: #b23a48; text-align: center; }}
h1.title {{ font-family: "{SONG}", serif; font-weight: bold; font-size: 20pt; text-align: center;
  margin: 0 0 6pt; }}
p.subtitle {{ text-align: center; margin: 0; }}
p.issuer {{ text-align: center; margin: 12pt 0 0; }}
p.date {{ text-align: center; margin: 0 0 18pt; }}
h2 {{ font-family: "{HEI}", sans-serif; font-size: 14pt; font-weight: normal; margin: 14pt 0 4pt; }}
h3 {{ font-family: "{SONG}", serif; font-size: 12pt; font-weight: bold; margin: 10pt 0 4pt; }}
h4, h5 {{ font-size: 12pt; font-weight: bold; margin: 8pt 0 2pt; }}
p {{ text-indent: 2em; margin: 0 0 4pt; text-align: left; }}
@media print {{ .banner {{ display: none; }} }}
p.caption {{ text-indent: 0; text-align: center; font-family: "{HEI}", sans-serif; font-size: 10.5pt;
  margin: 8pt 0 2pt; }}
table {{ border-collapse: collapse; width: 100%; font-size: 9pt; margin-bottom: 8pt; }}
th, td {{ border: 0.5pt solid #000; padding: 2pt 4pt; vertical-align: top; }}
th {{ font-family: "{HEI}", sans-serif; font-weight: normal; background: #eeeeee; }}
td.n {{ text-align: right; white-space: nowrap; }}
figure {{ margin: 6pt 0; text-align: center; }}
figure img {{ width: 100%; }}
"""
DEMO_CSS = f"""
@page {{ @top-center {{ content: "示例数据"; font-family: "{HEI}"; color: #b23a48; font-size: 10.5pt; }} }}
"""


def _cell_class(kind: str) -> str:
    return ' class="n"' if kind in ("number", "integer", "percent", "auto") else ""


def html_text(doc: Document) -> str:
    """The document as one self-contained HTML page (fonts from the system, images inline)."""
    e = html.escape
    lang = doc.lang
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
        f"<title>{e(doc.title)}</title>",
        f"<style>{CSS}{DEMO_CSS if doc.illustrative else ''}</style></head>",
        f'<body class="{"demo" if doc.illustrative else ""}">',
    ]
    if doc.illustrative:
        out.append(f'<p class="banner">{e(DEMO[lang])}</p>')
    out.append(f'<h1 class="title">{e(doc.title)}</h1>')
    if doc.subtitle:
        out.append(f'<p class="subtitle">{e(doc.subtitle)}</p>')
    out.append(f'<p class="issuer">{e(doc.issuer)}</p>')
    out.append(f'<p class="date">{e(doc.date_text())}</p>')
    for block in doc.blocks:
        if isinstance(block, Heading):
            level = min(block.level + 1, 5)
            out.append(f"<h{level}>{e(block.number)}{e(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{e(block.text)}</p>")
        elif isinstance(block, TableBlock):
            t = block.table
            out.append(f'<p class="caption">{e(doc.table_caption(block))}</p>')
            out.append("<table><thead><tr>")
            out += [f"<th>{e(c.heading(lang))}</th>" for c in t.columns]
            out.append("</tr></thead><tbody>")
            for row in t.rows:
                cells = [
                    f"<td{_cell_class(c.kind)}>{e(shown(v, c, lang))}</td>"
                    for v, c in zip(row, t.columns, strict=False)
                ]
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</tbody></table>")
        elif isinstance(block, Figure):
            data = base64.b64encode(block.png).decode("ascii")
            out.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{e(block.caption)}">'
                f'<p class="caption">{e(doc.figure_caption(block))}</p></figure>'
            )
    out.append("</body></html>")
    return "\n".join(out) + "\n"


_FONTS = threading.local()  # one WeasyPrint font configuration per thread, reused from PDF to PDF


def pdf_bytes(doc: Document) -> bytes:
    """The HTML printed by WeasyPrint (Pango lays out the CJK text with the Noto fonts). The font
    configuration (fontconfig's font list, loaded faces) is made once per thread and reused, so a
    batch of notices does not load the CJK fonts once per file; it is not shared between threads."""
    import weasyprint  # imported here: it loads Pango, which only the PDF needs
    from weasyprint.text.fonts import FontConfiguration

    fonts = getattr(_FONTS, "config", None)
    if fonts is None:
        fonts = _FONTS.config = FontConfiguration()
    page = weasyprint.HTML(string=html_text(doc), base_url=None)
    data: bytes = page.write_pdf(
        custom_metadata=False, pdf_identifier=b"carbonpeak" + doc.title.encode(), font_config=fonts
    )
    return data


def _docx_page_number(paragraph: object) -> None:
    """A PAGE field in a footer paragraph: ``— 1 —``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run("— ")  # type: ignore[attr-defined]
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    paragraph.add_run(" —")  # type: ignore[attr-defined]


def _set_font(run: object, name: str, size: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run.font  # type: ignore[attr-defined]
    font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)  # type: ignore[attr-defined]
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold


def docx_bytes(doc: Document) -> bytes:
    """The document as a Word file (python-docx): same blocks, same numbering, page numbers in the
    footer, 示例数据 in the header of every page when it holds demo data."""
    from docx import Document as Word
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    word = Word()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    style = word.styles["Normal"]
    style.font.name = SONG
    style.font.size = Pt(12)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", SONG
    )
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_page_number(footer)
    if doc.illustrative:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(header.add_run(DEMO[doc.lang]), HEI, 10.5)

    def centred(text: str, font: str, size: float, bold: bool = False) -> None:
        p = word.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(p.add_run(text), font, size, bold)

    centred(doc.title, SONG, 20, True)
    if doc.subtitle:
        centred(doc.subtitle, SONG, 12)
    centred(doc.issuer, SONG, 12)
    centred(doc.date_text(), SONG, 12)
    for block in doc.blocks:
        if isinstance(block, Heading):
            p = word.add_paragraph()
            font, size = (HEI, 14) if block.level == 1 else (SONG, 12)
            _set_font(p.add_run(block.number + block.text), font, size, block.level > 1)
        elif isinstance(block, Paragraph):
            p = word.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(24)
            _set_font(p.add_run(block.text), SONG, 12)
        elif isinstance(block, TableBlock):
            t = block.table
            centred(doc.table_caption(block), HEI, 10.5)
            grid = word.add_table(rows=1, cols=len(t.columns))
            grid.style = "Table Grid"
            for cell, col in zip(grid.rows[0].cells, t.columns, strict=True):
                cell.text = ""
                _set_font(cell.paragraphs[0].add_run(col.heading(doc.lang)), HEI, 9)
            for row in t.rows:
                cells = grid.add_row().cells
                for cell, value, col in zip(cells, row, t.columns, strict=False):
                    para = cell.paragraphs[0]
                    if col.kind in ("number", "integer", "percent", "auto"):
                        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    _set_font(para.add_run(shown(value, col, doc.lang)), SONG, 9)
        elif isinstance(block, Figure):
            word.add_picture(io.BytesIO(block.png), width=Mm(150))
            word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            centred(doc.figure_caption(block), HEI, 10.5)
    props = word.core_properties
    props.title = doc.title
    props.author = doc.issuer
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    props.last_modified_by = "carbonpeak"
    props.revision = 1
    out = io.BytesIO()
    word.save(out)
    return _fixed_zip(out.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same ZIP with every entry stamped with one fixed time (python-docx stamps the clock)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def document_bytes(doc: Document, fmt: str) -> bytes:
    """``doc`` as html, pdf or docx."""
    if fmt == "html":
        return html_text(doc).encode("utf-8")
    if fmt == "pdf":
        return pdf_bytes(doc)
    if fmt == "docx":
        return docx_bytes(doc)
    raise InvalidInputError(
        f"文档格式 {fmt!r}：应为 .pdf、.docx 或 .html",
        message_en=f"document format {fmt!r}: expected .pdf, .docx or .html",
    )
