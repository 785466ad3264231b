"""The detectors of the compliance scanner, one per rule, in the order findings are reported."""

from ouendan.governance.compliance.rules.base import Hit, Rule
from ouendan.governance.compliance.rules.claims import UnsubstantiatedClaimRule
from ouendan.governance.compliance.rules.links import LengthRule, LinkDomainRule
from ouendan.governance.compliance.rules.personal import (
    CardRule,
    EmailRule,
    MyNumberRule,
    PhoneRule,
)
from ouendan.governance.compliance.rules.terms import (
    BlockedTermRule,
    ConfidentialTermRule,
    DisclosureRule,
)
from ouendan.governance.compliance.rules.topics import SensitiveTopicRule

RULES: tuple[Rule, ...] = (
    EmailRule(),
    PhoneRule(),
    MyNumberRule(),
    CardRule(),
    ConfidentialTermRule(),
    BlockedTermRule(),
    SensitiveTopicRule(),
    UnsubstantiatedClaimRule(),
    DisclosureRule(),
    LinkDomainRule(),
    LengthRule(),
)
CODES: tuple[str, ...] = tuple(rule.code for rule in RULES)
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}

__all__ = ["CODES", "RULES", "RULES_BY_CODE", "Hit", "Rule"]
