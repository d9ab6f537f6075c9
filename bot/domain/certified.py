"""Which registration an OCOP-certified product's next dossier is (Mẫu 01 item 4 "Lần đăng ký đánh giá"; the
dossier checklist kinds of documents.yaml), from its certificate and the producer's last self-assessment.

Nothing here is a new rule: the certificate's expiry and the re-evaluation window come from calendar.yaml
(`certificate`: 36 months, QĐ 26 Điều 4 khoản 3; filed 180 to 120 days before expiry, Điều 7 khoản 6 điểm a)
through the Calendar's own helpers. What this adds is the reading of them:

- inside the window the dossier is a re-evaluation ("danh-gia-lai"): known, not asked;
- otherwise, a self-assessment finished since the certificate that gives more stars than certified points to
  an upgrade ("nang-hang"): known, not asked;
- otherwise it is asked, the likely answer first: before the window opens only an upgrade can be filed,
  after it closes a re-evaluation is still what the product needs (Điều 12 khoản 3, see the reminders).
The producer may always change what was filled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.content.calendar import Calendar

FIRST, UPGRADE, RE_EVALUATION = "lan-dau", "nang-hang", "danh-gia-lai"
KINDS = (FIRST, UPGRADE, RE_EVALUATION)


@dataclass(frozen=True)
class KindChoice:
    kind: str
    """"nang-hang" or "danh-gia-lai"."""
    known: bool
    """True: fill it in (the producer can still change it); False: ask, with `kind` first."""
    reason: str
    """"window" (inside the re-evaluation window), "more_stars" (a later self-assessment gives more stars),
    "before_window" or "after_window" (asked)."""


@dataclass(frozen=True)
class CertificateDates:
    expiry: date
    opens: date
    closes: date
    """The re-evaluation window: the first and the last day a re-evaluation dossier may be filed."""


def certificate_dates(calendar: Calendar, certificate_date: date) -> CertificateDates:
    expiry = calendar.certificate_expiry(certificate_date)
    opens, closes = calendar.reevaluation_window(expiry)
    return CertificateDates(expiry, opens, closes)


def registration_kind(dates: CertificateDates, certified_stars: int, self_assessed_stars: int | None,
                      today: date) -> KindChoice:
    """The next dossier's kind for a product certified with `certified_stars` (see the module docstring);
    `self_assessed_stars`: the stars of the last self-assessment finished since the certificate, or None."""
    if dates.opens <= today <= dates.closes:
        return KindChoice(RE_EVALUATION, True, "window")
    if self_assessed_stars is not None and self_assessed_stars > certified_stars:
        return KindChoice(UPGRADE, True, "more_stars")
    if today < dates.opens:
        return KindChoice(UPGRADE, False, "before_window")
    return KindChoice(RE_EVALUATION, False, "after_window")


def likely_first(kinds: tuple[str, ...] | list[str], likely: str | None) -> list[str]:
    """`kinds` with the `likely` one first, the others in their order."""
    if likely is None or likely not in kinds:
        return list(kinds)
    return [likely, *(k for k in kinds if k != likely)]
