"""What kind of document a file is: the OC4IDS documentType codelist, plus the county's own types.

OC4IDS (and OCDS, whose documentType codelist it extends) names the documents of a public works
project in camelCase codes; a Chinese county files documents it calls 立项批复, 施工合同, 中标通知书,
验收报告, 现场照片, 发票, 支付凭证 and 公示照片. The local types carry codes of their own (prefixed
`x_`, as the OCDS guidance asks of local extensions to an open codelist) and the OC4IDS code a
publication would map them to. A type is read by its code, its Chinese name or its English name
(`find_type`), so a script may say `--type 验收报告`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from core.i18n import _l


@dataclass(frozen=True)
class DocumentType:
    """A document type: its code, its name for people, the OC4IDS code it publishes as and whether
    it is a photograph (shown as a picture, not only listed)."""

    code: str
    label: Any
    oc4ids: str
    photo: bool = False
    local: bool = False


LOCAL = (
    DocumentType("x_projectApproval", _l("Project approval letter"), "projectPlan", local=True),
    DocumentType("x_constructionContract", _l("Construction contract"), "contractSigned", local=True),
    DocumentType("x_awardNotice", _l("Notice of award"), "awardNotice", local=True),
    DocumentType("x_acceptanceReport", _l("Acceptance report"), "completionCertificate", local=True),
    DocumentType("x_sitePhoto", _l("Site photo"), "illustration", photo=True, local=True),
    DocumentType("x_invoice", _l("Invoice"), "financialProgressReport", local=True),
    DocumentType("x_paymentVoucher", _l("Payment voucher"), "financialProgressReport", local=True),
    DocumentType("x_noticePhoto", _l("Photo of a posted notice"), "illustration", photo=True, local=True),
)
OC4IDS = (
    DocumentType("projectPlan", _l("Project plan"), "projectPlan"),
    DocumentType("feasibilityStudy", _l("Feasibility study"), "feasibilityStudy"),
    DocumentType("environmentalImpact", _l("Environmental impact"), "environmentalImpact"),
    DocumentType("needsAssessment", _l("Needs assessment"), "needsAssessment"),
    DocumentType("tenderNotice", _l("Tender notice"), "tenderNotice"),
    DocumentType("biddingDocuments", _l("Bidding documents"), "biddingDocuments"),
    DocumentType("technicalSpecifications", _l("Technical specifications"), "technicalSpecifications"),
    DocumentType("billOfQuantity", _l("Bill of quantities"), "billOfQuantity"),
    DocumentType("evaluationReports", _l("Evaluation report"), "evaluationReports"),
    DocumentType("awardNotice", _l("Award notice"), "awardNotice"),
    DocumentType("contractSigned", _l("Signed contract"), "contractSigned"),
    DocumentType("contractAnnexe", _l("Contract annex"), "contractAnnexe"),
    DocumentType("contractGuarantees", _l("Contract guarantees"), "contractGuarantees"),
    DocumentType("physicalProgressReport", _l("Physical progress report"), "physicalProgressReport"),
    DocumentType("financialProgressReport", _l("Financial progress report"), "financialProgressReport"),
    DocumentType("completionCertificate", _l("Completion certificate"), "completionCertificate"),
    DocumentType("finalAudit", _l("Final audit"), "finalAudit"),
    DocumentType("illustration", _l("Illustration"), "illustration", photo=True),
)
TYPES: dict[str, DocumentType] = {kind.code: kind for kind in LOCAL + OC4IDS}


def type_choices() -> list[tuple[str, Any]]:
    """(code, name) of every type, the county's own first: for a form's list."""
    return [(kind.code, kind.label) for kind in TYPES.values()]


def find_type(text: str) -> Optional[DocumentType]:
    """The type named by `text`: its code, or its name in Chinese or English (spaces and case aside)."""
    from flask_babel import force_locale

    wanted = "".join(text.split()).casefold()
    if not wanted:
        return None
    for kind in TYPES.values():
        if kind.code.casefold() == wanted:
            return kind
    for locale in ("zh_CN", "en"):
        with force_locale(locale):
            for kind in TYPES.values():
                if "".join(str(kind.label).split()).casefold() == wanted:
                    return kind
    return None
