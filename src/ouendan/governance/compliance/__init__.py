"""The compliance scanner: every text that leaves the company is checked against its rules.

``compliance_scan(request)`` runs each detector of ``rules.RULES`` on the text and answers the
findings (code, severity, offsets in the original text, a message in the reader's language) and
the verdict: ``block`` if any finding blocks, else ``warn`` if any warns, else ``pass``. It knows
nothing of organizations or the database: ``Policy`` carries the organization's lists and
severities (``governance.selectors.compliance_policy`` builds it).
"""

from __future__ import annotations

from ouendan.governance.compliance.findings import Finding, ScanResult, Severity, Verdict
from ouendan.governance.compliance.policy import Policy, ScanRequest
from ouendan.governance.compliance.rules import CODES, RULES, RULES_BY_CODE
from ouendan.governance.compliance.rules.terms import disclosure_needed
from ouendan.governance.compliance.text import ScanText


def compliance_scan(request: ScanRequest) -> ScanResult:
    text = ScanText(request.text)
    findings: list[Finding] = []
    for rule in RULES:
        severity = request.policy.severities.get(rule.code, rule.default)
        for hit in rule.find(text, request):
            findings.append(
                Finding(
                    code=rule.code,
                    severity=severity,
                    start=hit.start,
                    end=hit.end,
                    message=hit.message,
                    excerpt=request.text[hit.start : hit.end]
                    if hit.end - hit.start < len(request.text) or len(request.text) < 60
                    else "",
                )
            )
    findings.sort(key=lambda f: (f.start, f.end, CODES.index(f.code)))
    return ScanResult(tuple(findings))


__all__ = [
    "CODES",
    "RULES_BY_CODE",
    "Finding",
    "Policy",
    "ScanRequest",
    "ScanResult",
    "Severity",
    "Verdict",
    "compliance_scan",
    "disclosure_needed",
]
