"""The printed notice (公示): an A4 page in Chinese, large type for a notice board, set by Typst
(templates/print/notice.typ through core.typeset) from the notice's frozen snapshot, with a QR code
that opens the project's public page.

The QR code is drawn here by segno as SVG and placed by Typst as an image (Typst's QR packages would
be downloaded at compile time; the server has no network). It links to the public page's absolute
address: `PUBLIC_BASE_URL` (the address the public reaches Liandong at) when the county set it, else
the address of the request that printed it.
"""
from __future__ import annotations

import io
from typing import Any, Optional

import segno
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from core.i18n import _l
from core.money import format_yuan
from core.typeset import print_document
from disclosure.models import PLACES, Notice
from projects.models import NATURES
from projects.targets.models import TIERS

# The heading printed on the board for each kind of notice.
PRINT_TITLES = {"pre_approval": _l("Project plan notice"), "completion": _l("Project completion notice"),
                "fund_use": _l("Fund-use notice")}
NOTICE_LOCALE = "zh_CN"  # a board in a Chinese village: always Chinese, whatever the printing user reads
INK = "#1d2733"  # the house style's ink (templates/print/liandong.typ)


def public_url(code: str) -> str:
    """The absolute address of the project's public page: under `PUBLIC_BASE_URL` when set, else the
    address this request came to."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base:
        path = current_app.url_map.bind("localhost").build("public.project", {"code": code})
        return base + path
    if not has_request_context():
        raise RuntimeError("set PUBLIC_BASE_URL (LIANDONG_PUBLIC_BASE_URL) to print a notice outside a request")
    return url_for("public.project", code=code, _external=True)


def qr_svg(url: str) -> str:
    """`url` as a QR code in SVG: medium error correction (a board gets dirty), the 4-module quiet zone
    readers need, no size (Typst scales it)."""
    stream = io.BytesIO()
    segno.make(url, error="m", micro=False).save(stream, kind="svg", xmldecl=False, svgns=True, border=4,
                                                 omitsize=True, dark=INK)
    return stream.getvalue().decode()


def notice_pdf(notice: Notice, url: Optional[str] = None) -> bytes:
    """The notice as printed for its board (A4 PDF bytes)."""
    return print_document("notice.typ", notice_data(notice, url or public_url(notice.snapshot["code"])))


def notice_data(notice: Notice, url: str) -> dict[str, Any]:
    """The words and facts of the printed notice, in Chinese, from its frozen snapshot."""
    with force_locale(NOTICE_LOCALE):
        return _data(notice, notice.snapshot, url)


def _data(notice: Notice, disclosed: dict[str, Any], url: str) -> dict[str, Any]:
    phone = disclosed.get("supervision_phone") or ""
    return {
        "lang": "zh",
        "title": str(PRINT_TITLES[notice.kind]),
        "project": f"{disclosed.get('code', '')} {disclosed.get('name', '')}".strip(),
        "facts": [[label, value] for label, value in _facts(notice, disclosed) if value],
        "targets_heading": _("Performance targets"),
        "targets_columns": [_("Tier"), _("Indicator"), _("Target")],
        "targets": [[str(TIERS.get(t.get("tier"), t.get("tier") or "")), t.get("name") or "",
                     f"{t.get('comparison') or ''} {t.get('target') or ''} {t.get('unit') or ''}".strip()]
                    for t in disclosed.get("targets") or []],
        "body": [_("This notice runs from %(start)s to %(end)s (%(n)d days).", start=notice.start_date.isoformat(),
                   end=notice.end_date.isoformat(), n=notice.days()),
                 _("Anyone who objects to what is disclosed may say so during the notice period by calling "
                   "the supervision phone.")],
        "contact": _("Supervision phone: %(phone)s", phone=phone) if phone else "",
        "qr_svg": qr_svg(url), "qr_caption": _("Scan to see the project's progress and money"), "url": url,
    }


def _facts(notice: Notice, disclosed: dict[str, Any]) -> list[tuple[str, str]]:
    place = " ".join(part for part in (disclosed.get("township"), disclosed.get("village")) if part)
    scale = disclosed.get("scale") or ""
    content = f"{disclosed.get('content') or ''}{f'（{scale}）' if scale else ''}"
    funding = "；".join(f"{line['source']} {format_yuan(line['amount_fen'])} {_('yuan')}"
                       for line in disclosed.get("funding") or [])
    budget = disclosed.get("budget_fen")
    start, end = disclosed.get("planned_start"), disclosed.get("planned_end")
    return [
        (_("Project code"), disclosed.get("code") or ""),
        (_("Project name"), disclosed.get("name") or ""),
        (_("Nature of construction"), str(NATURES.get(disclosed.get("nature") or "", ""))),
        (_("Location"), place),
        (_("Construction content and scale"), content),
        (_("Budget"), f"{format_yuan(budget)} {_('yuan')}" if budget is not None else ""),
        (_("Funding by source"), funding),
        (_("Planned dates"), f"{start or '—'} – {end or '—'}" if start or end else ""),
        (_("Responsible unit"), disclosed.get("responsible_unit") or ""),
        (_("Contractor"), disclosed.get("contractor") or ""),
        (_("Beneficiaries"), _beneficiaries(disclosed)),
        (_("Benefit-linkage mechanism"), disclosed.get("benefit_linkage") or ""),
        (_("Posted at"), str(PLACES.get(notice.place, ""))),
        (_("Notice period"), f"{notice.start_date.isoformat()} – {notice.end_date.isoformat()}"),
        (_("Supervision phone"), disclosed.get("supervision_phone") or ""),
    ]


def _beneficiaries(disclosed: dict[str, Any]) -> str:
    text = disclosed.get("beneficiaries") or ""
    counts = []
    if disclosed.get("beneficiary_count") is not None:
        counts.append(_("%(n)s people", n=disclosed["beneficiary_count"]))
    if disclosed.get("beneficiary_poverty_count") is not None:
        counts.append(f"{_('of whom poverty-alleviated')} {disclosed['beneficiary_poverty_count']}")
    if disclosed.get("beneficiary_monitored_count") is not None:
        counts.append(f"{_('monitored')} {disclosed['beneficiary_monitored_count']}")
    return f"{text}（{'，'.join(counts)}）" if counts else text
