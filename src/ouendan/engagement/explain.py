"""Each ledger entry explained in the reader's language, from its reason code and parameters
("3 people clicked your LinkedIn share of 新卒採用説明会"), at display time."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from ouendan.engagement.models import PointEntry
from ouendan.networks import RULES, Network
from ouendan.tracking.models import BUILT_IN_TYPES

Reason = PointEntry.Reason


def network_label(key: str) -> str:
    try:
        return str(RULES[Network(key)].label)
    except ValueError:
        return key


def _conversion_label(params: dict[str, Any]) -> str:
    key = str(params.get("type", ""))
    if params.get("type_label"):
        return str(params["type_label"])
    return str(BUILT_IN_TYPES.get(key, key))


def explanation(reason: str, params: dict[str, Any]) -> str:
    """One sentence saying what earned (or took away) the points."""
    title = str(params.get("title", ""))
    network = network_label(str(params.get("network", "")))
    values = {"title": title, "network": network}
    if reason == Reason.SHARE:
        return _("You shared “%(title)s” on %(network)s") % values
    if reason == Reason.CLICKS:
        count = int(params.get("clicks", 0))
        return ngettext(
            "%(count)d person clicked your %(network)s share of “%(title)s”",
            "%(count)d people clicked your %(network)s share of “%(title)s”",
            count,
        ) % {**values, "count": count}
    if reason == Reason.CONVERSION:
        return _("%(what)s from your %(network)s share of “%(title)s”") % {
            **values,
            "what": _conversion_label(params),
        }
    if reason == Reason.SUGGESTION:
        return _("Your suggestion “%(title)s” was added to the library") % values
    if reason == Reason.TRAINING:
        return _("You finished the training “%(title)s”") % values
    if reason == Reason.STREAK:
        return _("A streak: you shared in %(weeks)d of %(size)d weeks in a row") % {
            "weeks": int(params.get("weeks", 0)),
            "size": int(params.get("size", 0)),
        }
    if reason == Reason.ADJUSTMENT:
        return _("Correction by the program: %(note)s") % {"note": params.get("note", "")}
    if reason == Reason.CONTEST:
        return _("You won the contest “%(title)s”") % values
    if reason == Reason.REDEMPTION:
        return _("Exchanged for the reward “%(reward)s”") % {"reward": params.get("reward", "")}
    if reason == Reason.REVERSAL:
        original = explanation(str(params.get("reason", "")), params.get("original") or {})
        return _("Reversed (%(note)s): %(original)s") % {
            "note": params.get("note", ""),
            "original": original,
        }
    return pgettext("points reason", "Points")


def entry_explanation(entry: PointEntry) -> str:
    return explanation(entry.reason, entry.params or {})


def flag_label(flag: str) -> str:
    return str(dict(PointEntry.Flag.choices).get(flag, flag))


def status_label(entry: PointEntry) -> str:
    """Pending entries say why they wait: a short hold, or a person's review."""
    if entry.status == PointEntry.Status.PENDING:
        if entry.flag:
            return pgettext("points status", "Under review")
        return pgettext("points status", "Pending")
    return str(entry.get_status_display())
