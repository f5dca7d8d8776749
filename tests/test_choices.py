"""Choice columns read what county sheets write: codes, both languages' labels, synonyms, robustly; an
unknown value is named with the values allowed; the synonyms are consistent data."""
from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import force_locale

from core.i18n import LANGUAGES
from core.sheets.cells import CellError
from core.sheets.choices import ChoiceIndex, UnknownChoice, choice_key
from core.sheets.synonyms import SYNONYMS
from extensions import babel
from funds.models import CHANNELS, COST_CATEGORIES
from projects.imports.values import AreaFinder, AreaRow
from projects.models import CATEGORIES, STATUSES

KINDS = {"category": CATEGORIES, "status": STATUSES, "cost_category": COST_CATEGORIES, "channel": CHANNELS}


@pytest.fixture(scope="module")
def babel_app():
    """A bare app with the catalogs, so labels render in Chinese and English (no database)."""
    import os

    from tests.conftest import TRANSLATIONS

    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.path.abspath(TRANSLATIONS)
    babel.init_app(app, locale_selector=lambda: "en")
    with app.app_context():
        yield app


@pytest.fixture(scope="module")
def categories(babel_app):
    """The project category reader, finding known words inside longer texts."""
    return ChoiceIndex.build("category", CATEGORIES, what="category", contains=True)


@pytest.fixture(scope="module")
def statuses(babel_app):
    """The project status reader."""
    return ChoiceIndex.build("status", STATUSES, what="status")


def test_every_synonym_names_one_known_code_of_its_kind(babel_app):
    """A synonym is under a code its kind has, and no folded word (synonym or label) means two codes."""
    for kind, words_by_code in SYNONYMS.items():
        labels = KINDS[kind]
        assert set(words_by_code) <= set(labels), kind
        meaning: dict[str, str] = {}
        for language in LANGUAGES:
            with force_locale(language):
                for code, label in labels.items():
                    for word in (code, str(label)):
                        assert meaning.setdefault(choice_key(word), code) == code, (kind, word)
        for code, words in words_by_code.items():
            for word in words:
                assert choice_key(word), (kind, word)
                assert meaning.setdefault(choice_key(word), code) == code, (kind, word, meaning[choice_key(word)])


@pytest.mark.parametrize("cell, code", [
    ("宽带", "telecom"), ("村级综合服务平台", "village_platform"), ("公路", "road"), ("道路", "road"),
    ("通村公路", "road"), ("村道", "road"), ("桥梁", "bridge"), ("通信", "telecom"), ("光纤", "telecom"),
    ("网络", "telecom"), ("社区服务用房", "community_building"), ("社区服务中心", "community_building"),
    ("村级服务平台", "village_platform"), ("便民服务中心", "village_platform"), ("网格化", "grid_management"),
    ("网格化管理", "grid_management"), ("信息化", "information_system"), ("信息系统", "information_system"),
    ("水利", "water"), ("饮水", "water"), ("供水", "water"),
])
def test_the_county_words_of_the_issue_are_categories(categories, cell, code):
    """Every word county sheets were found to write in 项目类别 reads as its category."""
    assert categories.read(cell) == code


@pytest.mark.parametrize("cell, code", [
    ("ROAD", "road"), ("ｒｏａｄ", "road"), (" 宽 带 ", "telecom"), ("宽带（光纤）", "telecom"), ("（宽带）", "telecom"),
    ("【桥梁】", "bridge"), ("宽带/通信", "telecom"), ("宽带、光纤", "telecom"), ("道路工程", "road"),
    ("通村公路硬化", "road"), ("村级综合服务平台建设", "village_platform"), ("饮水安全工程", "water"),
    ("Broadband / telecom", "telecom"), ("broadband", "telecom"), ("Community-Service building", "community_building"),
    ("宽带 / 通信", "telecom"), ("information_system", "information_system"),
])
def test_full_width_spaces_brackets_case_lists_and_suffixes_do_not_matter(categories, cell, code):
    """Full-width letters, spaces, bracketed notes, lists of words meaning the same, generic suffixes and
    case are undone; a known word inside a longer Chinese text is found."""
    assert categories.read(cell) == code


@pytest.mark.parametrize("cell", ["交通桥梁", "网格化管理信息系统", "火星基地", "roadbridge"])
def test_a_text_naming_two_kinds_or_none_is_unknown(categories, cell):
    """A text holding words of two categories, or of none, is not guessed."""
    with pytest.raises(UnknownChoice):
        categories.read(cell)


@pytest.mark.parametrize("cell, code", [
    ("在建", "in_progress"), ("在建项目", "in_progress"), ("In-Progress", "in_progress"), ("in progress", "in_progress"),
    ("施工中", "in_progress"), ("已完工（待验收）", "completed"), ("竣工验收", "accepted"), ("未开工", "proposed"),
    ("已立项", "approved"), ("停工", "suspended"), ("已取消", "cancelled"), ("canceled", "cancelled"),
])
def test_statuses_as_county_sheets_write_them(statuses, cell, code):
    """Statuses read by code, label and the words county sheets use; no guessing inside longer texts."""
    assert statuses.read(cell) == code


def test_punctuation_alone_reads_as_empty(statuses):
    """A cell of "/" or "—" (county sheets' "none") reads as an empty cell."""
    assert statuses.read("/") is None and statuses.read("—") is None and statuses.read(None) is None


def test_unknown_value_is_named_with_every_allowed_value(categories):
    """The message says the value and lists the allowed ones with their codes; the error carries what a
    remembered mapping is stored under."""
    with pytest.raises(UnknownChoice) as unknown:
        categories.read("火星基地")
    message = str(unknown.value.message)
    assert "火星基地" in message
    for code, label in CATEGORIES.items():
        assert f"{label} ({code})" in message
    assert (unknown.value.kind, unknown.value.key, unknown.value.text) == ("category", "火星基地", "火星基地")
    with force_locale("zh_CN"):
        assert "道路 (road)" in str(unknown.value.message) and "火星基地" in str(unknown.value.message)


def test_remembered_values_are_read_and_come_after_known_words(babel_app):
    """A value mapped by hand reads as its code, written any way that folds alike; a known word keeps
    its meaning; a mapping to a code the kind lacks is ignored."""
    index = ChoiceIndex.build("category", CATEGORIES, what="category",
                              remembered={"智慧乡村": "information_system", "道路": "water", "火星": "nope"})
    assert index.read("智慧 乡村") == "information_system" and index.read("（智慧乡村）") == "information_system"
    assert index.read("道路") == "road"
    with pytest.raises(CellError):
        index.read("火星")


def test_areas_without_suffix_or_with_another_and_remembered():
    """泷泊 is 泷泊镇, 上梧江乡 is 上梧江瑶族乡, 阳明社区居委会 is 阳明社区 (inside its town), full-width and
    spaces do not matter; a remembered village is found inside its township only; unknown names list the
    areas allowed there."""
    rows = [AreaRow(1, "LB", "泷泊镇", "Longbo Town", None), AreaRow(2, "LB-YM", "阳明社区", "Yangming Community", 1),
            AreaRow(3, "SWJ", "上梧江瑶族乡", "Shangwujiang Yao Township", None),
            AreaRow(4, "JC", "江村镇", "Jiangcun Town", None), AreaRow(5, "JC-YM", "阳明村", "Yangming Village", 4)]
    finder = AreaFinder(rows, remembered={"LB/阳明居委": "LB-YM"})
    assert finder.find("泷泊", "") == 1 and finder.find("上梧江乡", None) == 3 and finder.find("longbo", "") == 1
    assert finder.find("泷泊镇", "阳明社区居委会") == 2 and finder.find("江村镇", "阳明") == 5
    assert finder.find("泷 泊 镇", "ＹＡＮＧＭＩＮＧ　ｃｏｍｍｕｎｉｔｙ") == 2
    assert finder.find("泷泊镇", "阳明居委") == 2
    with pytest.raises(CellError):
        finder.find("江村镇", "阳明居委")
    with pytest.raises(CellError):
        finder.find("", "阳明")  # two of them: the township must say which


def test_unknown_area_names_the_areas_allowed_there(babel_app):
    """An unknown township lists the townships; an unknown village lists its township's villages."""
    rows = [AreaRow(1, "LB", "泷泊镇", "Longbo Town", None), AreaRow(2, "LB-YM", "阳明社区", "Yangming Community", 1),
            AreaRow(3, "JC", "江村镇", "Jiangcun Town", None), AreaRow(4, "JC-DT", "大塘村", "Datang Village", 3)]
    finder = AreaFinder(rows)
    with pytest.raises(CellError) as town:
        finder.find("火星镇", "")
    assert str(town.value.message) == "Unknown area: 火星镇. Townships: Longbo Town (LB), Jiangcun Town (JC)."
    with pytest.raises(CellError) as village:
        finder.find("泷泊镇", "大塘村")
    assert "Yangming Community (LB-YM)" in str(village.value.message)
    assert "Datang" not in str(village.value.message)
    assert (village.value.scope, village.value.key) == ("LB", "大塘村")  # pyright: ignore[reportAttributeAccessIssue]


def test_finance_columns_read_cost_categories_channels_and_sources(babel_app):
    """The readers later imports (payroll, contracts) use: cost categories and channels by label or synonym, a
    fund source by code, name, or its channel when it is the only source of that channel."""
    from funds.ledger.choices import channel_index, cost_category_index, source_index

    costs = cost_category_index()
    assert [costs.read(cell) for cell in ("人工费", "劳务报酬", "材料费", "机械台班", "项目管理费", "Wages")] == [
        "wages", "wages", "materials", "equipment", "management_fee", "wages"]
    assert channel_index().read("以工代赈资金") == "work_for_relief" and channel_index().read("衔接资金") == "poverty_relief"
    sources = source_index([("WFR-2026", "2026年以工代赈资金", "work_for_relief"), ("FIS-1", "县财政预算", "fiscal"),
                            ("FIS-2", "市财政补助", "fiscal")])
    assert sources.read("wfr-2026") == "WFR-2026" and sources.read("以工代赈") == "WFR-2026"
    assert sources.read("县财政预算") == "FIS-1"
    with pytest.raises(UnknownChoice) as unknown:
        sources.read("财政资金")  # two fiscal sources: the cell must say which
    assert "县财政预算 (FIS-1)" in str(unknown.value.message)
