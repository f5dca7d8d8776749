"""Finance's choice columns for spreadsheet imports: cost category, funding channel, fund source.

A payroll or contract sheet (imports that come later) names a payment's cost category (劳务费 for
wages), a source's channel (以工代赈) or the fund source itself, by its code, its name, or its
channel when the county has one source of that channel. Each reader is a core.sheets.choices index
with the synonyms of core.sheets.synonyms and the values remembered for it (import_values), and each
kind is registered so that a value can be mapped by hand and remembered, like the planning sheet's.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Optional

from flask import Flask
from sqlalchemy import select

from core.i18n import _l
from core.sheets.choices import ChoiceIndex
from core.sheets.synonyms import SYNONYMS
from extensions import db
from funds.models import CHANNELS, COST_CATEGORIES, FundSource
from import_values.kinds import ValueKind, register

COST_CATEGORY, CHANNEL, SOURCE = "cost_category", "channel", "source"


def cost_category_index(remembered: Optional[Mapping[str, str]] = None) -> ChoiceIndex:
    """Reads a cost category: wages, materials, ... by code, label or synonym (人工费, 材料费)."""
    return ChoiceIndex.build(COST_CATEGORY, COST_CATEGORIES, what=_l("cost category"), remembered=remembered,
                             contains=True)


def channel_index(remembered: Optional[Mapping[str, str]] = None) -> ChoiceIndex:
    """Reads a funding channel (财政资金, 以工代赈, ...) by code, label or synonym."""
    return ChoiceIndex.build(CHANNEL, CHANNELS, what=_l("funding channel"), remembered=remembered)


def source_index(sources: Iterable[tuple[str, str, str]],
                 remembered: Optional[Mapping[str, str]] = None) -> ChoiceIndex:
    """Reads a fund source from (code, name, channel) rows: by its code or name, or by its channel's
    label or synonyms when it is the only source of that channel (else the cell must say which)."""
    rows = list(sources)
    by_channel: dict[str, list[str]] = {}
    for code, _name, channel in rows:
        by_channel.setdefault(channel, []).append(code)
    names: dict[str, list[object]] = {code: [name] for code, name, _channel in rows}
    for channel, codes in by_channel.items():
        if len(codes) == 1 and channel in CHANNELS:
            names[codes[0]] += [channel, CHANNELS[channel], *SYNONYMS[CHANNEL].get(channel, ())]
    return ChoiceIndex.build(SOURCE, {code: name for code, name, _channel in rows}, what=_l("fund source"),
                             names=names, remembered=remembered, synonyms={})


def source_rows() -> list[tuple[str, str, str]]:
    """(code, name, channel) of every fund source, by code."""
    query = select(FundSource.code, FundSource.name, FundSource.channel).order_by(FundSource.code)
    return [(code, name, channel) for code, name, channel in db.session.execute(query)]


def register_value_kinds(app: Flask) -> None:
    """Finance's choice columns whose values can be mapped by hand and remembered."""
    register(app, ValueKind(COST_CATEGORY, _l("Cost category"), lambda: COST_CATEGORIES))
    register(app, ValueKind(CHANNEL, _l("Funding channel"), lambda: CHANNELS))
    register(app, ValueKind(SOURCE, _l("Fund source"), lambda: {code: name for code, name, _ in source_rows()}))
