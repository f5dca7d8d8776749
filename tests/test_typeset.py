"""Printed documents (core/typeset.py): data printed as text, codes kept whole, failures reported, bounded."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.fonts import available_families, first_cjk_family
from core.typeset import TypesetError, print_document

HAS_CJK_FONT = first_cjk_family(available_families()) is not None
HOSTILE = [
    '#panic("boom")', "*not bold*", "_not emph_", "$x^2$", "<label>", "@ref", "= not a heading",
    "- not a list", "`raw`", '#read("/etc/passwd")', '#import "@preview/cetz:0.3.0"', "#sys.inputs",
    "\\u{41} \\ back\\slash", "] [ ) ( } {", "// not a comment", "/* nor this */", '"quoted" \'single\'',
]


def _column(label: str, width: float, align: str = "left") -> dict:
    return {"label": label, "width": width, "align": align}


def _section(heading: str, columns: list[dict], rows: list[list[str]], note: str = "") -> dict:
    return {"heading": heading, "columns": columns, "rows": rows, "empty": "", "note": note}


def _meeting(*sections: dict, title: str = "会议报告", header: str = "双牌县") -> dict:
    """Data for templates/print/meeting.typ with the given summary sections and nothing else."""
    return {"lang": "zh", "county": "双牌县", "title": title, "header": header, "subtitle": "截至 2026-12-03",
            "summary": list(sections), "chart_pages": [], "late": [], "checks": [], "ranking": []}


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_data_is_printed_literally_never_run_as_markup():
    """Typst markup and code typed into a name, heading, note, title or header print exactly as typed."""
    rows = [[text, "1.00"] for text in HOSTILE]
    data = _meeting(_section(HOSTILE[0], [_column("指标", 0.6), _column("万元", 0.2, "right")], rows,
                             note=HOSTILE[1]), title=HOSTILE[2], header=HOSTILE[3])
    text = _text(print_document("meeting.typ", data))
    for hostile in HOSTILE:
        assert hostile in text, hostile
    assert "root:" not in text  # nothing was read from the file system


@pytest.mark.skipif(not HAS_CJK_FONT, reason="no CJK font installed (scripts/test installs fonts-wqy-microhei)")
def test_codes_and_dates_are_never_split_at_their_hyphens():
    """A code or date that reaches the end of a line (or is wider than its column) moves whole to the
    next line: in the extracted text every one is found unbroken, as a reader searching for it would."""
    code, day = "G-WOR-2024-013", "2026-12-03"
    rows = [["某" * k + f" {code} 项目", "某" * k + f" {day} 拨付", code] for k in range(16)]
    data = _meeting(_section("节点", [_column("项目", 0.16), _column("日期", 0.16), _column("代码", 0.08)], rows))
    text = _text(print_document("meeting.typ", data))
    assert text.count(code) == 2 * len(rows) and text.count(day) == len(rows) + 1  # + the subtitle's


def test_the_same_data_prints_the_same_bytes():
    """No date or random id in the document: the report cache and anyone comparing copies can rely on it."""
    data = _meeting(_section("资金", [_column("指标", 0.5)], [["到位资金"]]))
    assert print_document("meeting.typ", data) == print_document("meeting.typ", data)


def test_a_failing_template_is_reported_with_its_file_and_line():
    """Data the template cannot use is a TypesetError naming what is missing, the template and the line."""
    with pytest.raises(TypesetError) as error:
        print_document("meeting.typ", {"lang": "zh"})
    message = str(error.value)
    assert 'does not contain key "title"' in message and "meeting.typ:" in message


def test_an_overlong_compile_is_stopped_and_reported(tmp_path: Path):
    """A compile still running at the timeout is killed and reported, instead of holding a worker."""
    (tmp_path / "slow.typ").write_text("#let n = 0\n#for i in range(6000) { for j in range(6000) { n += 1 } }\n#n\n")
    with pytest.raises(TypesetError, match=r"slow\.typ: no PDF after 1 s"):
        print_document("slow.typ", {}, folder=tmp_path, timeout=1)


def test_a_compile_beyond_the_memory_bound_is_reported(tmp_path: Path):
    """A document needing more memory than the child may map ends with a TypesetError saying so."""
    (tmp_path / "big.typ").write_text("#let n = 0\n#for i in range(20000000) { n += i }\n#n\n")
    with pytest.raises(TypesetError, match=r"big\.typ: the typesetter was stopped by SIGABRT \(it may map 300 MB"):
        print_document("big.typ", {}, folder=tmp_path, memory_bytes=300 * 2**20)


def test_only_templates_of_the_folder_can_be_printed(tmp_path: Path):
    """A template name is a file of the print folder: a path leading elsewhere or a missing file is refused."""
    for name in ("../base.html", "/etc/passwd", "missing.typ"):
        with pytest.raises(TypesetError, match="no print template"):
            print_document(name, {})
    with pytest.raises(ValueError):
        print_document("meeting.typ", {"ratio": float("nan")})  # not JSON: a programming error, said at once
