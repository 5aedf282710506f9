"""What puts a paper outside the watch although it names a gene beside resistance:
another tumour as the title's subject, animal patients, or only therapies outside the
four classes.

Curators reject such papers as ``not_breast_cancer`` and ``out_of_scope``; the
rule score (:mod:`~evidencewatch.matching.scoring`) weighs these signals against
the breast-cancer and therapy words found elsewhere in the record.
"""

from __future__ import annotations

import re

# A tumour other than breast named as a title's subject: an organ with a tumour word, or
# a tumour name that says its organ ("glioblastoma", "NSCLC").
_ORGAN_TUMOUR_RE = re.compile(
    r"(?i)\b(?:(?:ovarian|ovary|lung|gastric|stomach|colorectal|colon|rectal|prostate|"
    r"pancreatic|hepatocellular|liver|bladder|urothelial|renal|kidney|cervical|endometrial|"
    r"uterine|o?esophageal|gastro-?o?esophageal|nasopharyngeal|thyroid|head\s+and\s+neck|"
    r"oral|skin|brain|bone)\b(?:[\s-]+[\w-]+){0,3}?[\s-]+(?:cancers?|carcinomas?|"
    r"adenocarcinomas?|tumou?rs?|neoplasms?|malignanc\w*))"
    r"|\b(?:glioblastomas?|gliomas?|melanomas?|leuka?emias?|lymphomas?|myelomas?|"
    r"osteosarcomas?|sarcomas?|neuroblastomas?|medulloblastomas?|cholangiocarcinomas?|"
    r"mesotheliomas?|(?-i:NSCLC|SCLC|HCC|CRPC|HNSCC|ESCC|GBM|AML|CLL|ALL))\b"
)
_BREAST_RE = re.compile(r"(?i)\b(?:breast|mammary)\b")
# Therapies the watch leaves out (targeted classes other than anti-HER2, immunotherapy).
_OUT_OF_SCOPE_RE = re.compile(
    r"(?i)\b(?:CDK\s*4\s*/\s*6(?:\s+inhibit\w*)?|palbociclib|ribociclib|abemaciclib|"
    r"PARP(?:\s+inhibit\w*|i)|olaparib|talazoparib|niraparib|rucaparib|veliparib|"
    r"PI3K(?:α|alpha)?\s+inhibit\w*|alpelisib|buparlisib|inavolisib|taselisib|"
    r"AKT\s+inhibit\w*|capivasertib|ipatasertib|mTOR(?:C1)?\s+inhibit\w*|everolimus|"
    r"temsirolimus|immune[\s-]+checkpoint\w*|immunotherap\w*|pembrolizumab|atezolizumab|"
    r"nivolumab|durvalumab|avelumab|ipilimumab|anti-PD-L?1)"
)


_VETERINARY_RE = re.compile(
    r"(?i)\b(?:canine|feline|equine|bovine|veterinary|dogs?|cats?|bitches)\b"
)


def veterinary_subject(title: str) -> str | None:
    """The word that makes a title veterinary ("canine mammary carcinoma"), or None."""
    m = _VETERINARY_RE.search(title)
    return m.group(0) if m else None


def other_tumour_in_title(title: str) -> str | None:
    """The tumour other than breast a title is about, or None (also when it names breast)."""
    if _BREAST_RE.search(title):
        return None
    m = _ORGAN_TUMOUR_RE.search(title)
    return m.group(0) if m else None


def out_of_scope_therapy(text: str) -> str | None:
    """The first therapy outside the four classes named in ``text``, or None."""
    m = _OUT_OF_SCOPE_RE.search(text)
    return m.group(0) if m else None
