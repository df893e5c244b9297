"""The words of a notice: title, facts and link, in the reader's language."""

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from app.common.i18n import is_english
from app.common.time import to_local
from app.common.urls import public_url
from app.common.vocab import HAZARD_LEVELS, HAZARD_STATUSES
from app.hazards.escalation import STEP_LABELS
from app.notices.queries import DUE_SOON_DAYS, Due

# A user-written description is cut here: a chat message is a pointer to the card, not the card.
DESCRIPTION_CHARS = 200


@dataclass(frozen=True)
class Message:
    title: str  # e.g. "Major hazard reported: YH-2026-00042"
    intro: str  # one sentence saying why the reader gets this
    facts: tuple[str, ...]  # "Location: Oxygen station (O2-B1-01)", one a line
    link: str  # the live hazard card
    link_label: str
    app_name: str
    footer: str

    @property
    def subject(self) -> str:
        return f"[{self.app_name}] {self.title}"

    def text(self) -> str:
        """The plain-text body of an email."""
        return "\n".join([self.intro, "", *self.facts, "", f"{self.link_label}: {self.link}",
                          "", "-- ", self.footer]) + "\n"


def hazard_link(number: str) -> str:
    """The hazard card's address: the CLI has no request to build it from."""
    return public_url(f"/hazards/{number}")


def compose(due: Due, locale: str) -> Message:
    """The message for `due` in `locale` (zh_Hans or en)."""
    with force_locale(locale):
        if due.kind == "digest":
            return _digest(due)
        hazard = due.hazard
        title, intro = _headline(due)
        return Message(
            title=title,
            intro=intro,
            facts=tuple(_fact(label, value) for label, value in _facts(due) if value),
            link=hazard_link(hazard.number),
            link_label=_("Open the hazard card"),
            app_name=_("SafeRound"),
            footer=_("Sent automatically by SafeRound; replies to this message are not read."),
        )


def _headline(due: Due) -> tuple[str, str]:
    number = due.hazard.number
    if due.kind == "major_reported":
        return (_("Major hazard reported: %(number)s", number=number),
                _("A major hazard has been reported. It needs a safety manager's attention now."))
    if due.kind == "assigned":
        return (_("Hazard assigned for rectification: %(number)s", number=number),
                _("This hazard has been assigned to you or your department for rectification."))
    if due.kind == "rejected":
        return (_("Rectification not accepted: %(number)s", number=number),
                _("The verifier did not accept the rectification; the hazard is back in "
                  "rectification."))
    if due.kind == "reopened":
        return (_("Hazard reopened: %(number)s", number=number),
                _("A safety manager reopened this closed hazard; it is back in rectification "
                  "with a new deadline."))
    if due.kind == "reassigned_to":
        return (_("Hazard reassigned to you: %(number)s", number=number),
                _("A safety manager reassigned this hazard to you or your department for "
                  "rectification."))
    if due.kind == "reassigned_from":
        return (_("Hazard reassigned to others: %(number)s", number=number),
                _("A safety manager handed this hazard to another department or person; you "
                  "no longer rectify it."))
    deadline = due.hazard.deadline_on.isoformat()
    if due.kind == "due_soon":
        return (_("Rectification due on %(day)s: %(number)s", day=deadline, number=number),
                _("The rectification deadline is near."))
    if due.step >= 3:
        return (_("Supervised (督办), escalated to hospital leadership: %(number)s",
                  number=number),
                _("The rectification is long overdue. It is now supervised by the hospital "
                  "leadership until the card is closed."))
    if due.step == 2:
        return (_("Rectification overdue, escalated to the safety managers: %(number)s",
                  number=number),
                _("The rectification deadline has passed and the hazard is still open; the "
                  "safety managers are now told too."))
    return (_("Rectification overdue: %(number)s", number=number),
            _("The rectification deadline has passed and the hazard is still open."))


def _digest(due: Due) -> Message:
    """One manager's daily digest: every card overdue or due within two days, one a line."""
    overdue = sum(1 for _hazard, late in due.items if late is not None)
    soon = len(due.items) - overdue
    facts, supervised_label = [], _("Supervised (督办)")
    for hazard, late in due.items:
        when = (_("overdue by %(n)d days", n=late) if late is not None
                else _("due on %(day)s", day=hazard.deadline_on.isoformat()))
        supervised = f" · {supervised_label}" if hazard.is_supervised else ""
        facts.append(f"{hazard.number} · {hazard.location.name} · {hazard.department.name} · "
                     f"{when}{supervised}")
    return Message(
        title=_("Daily digest for %(day)s: %(overdue)d overdue, %(soon)d due soon",
                day=due.today.isoformat(), overdue=overdue, soon=soon),
        intro=_("Every hazard overdue or due within %(n)d days, as you asked on your account "
                "page instead of one message per card.", n=DUE_SOON_DAYS),
        facts=tuple(facts),
        link=public_url("/hazards/?status=open"),
        link_label=_("Open the hazard list"),
        app_name=_("SafeRound"),
        footer=_("Sent automatically by SafeRound; replies to this message are not read."),
    )


def _facts(due: Due) -> list[tuple[str, str]]:
    hazard = due.hazard
    location = f"{hazard.location.name} ({hazard.location.code})"
    deadline = hazard.deadline_on.isoformat() if hazard.deadline_on else ""
    if deadline and due.kind == "overdue":
        days = (due.today - hazard.deadline_on).days
        deadline = f"{deadline} · {_('Overdue by %(n)d days', n=days)}"
    elif deadline and due.kind == "due_soon":
        days = (hazard.deadline_on - due.today).days
        deadline = f"{deadline} · {_('Days left: %(n)d', n=days)}"
    description = " ".join(hazard.description.split())
    if len(description) > DESCRIPTION_CHARS:
        description = description[:DESCRIPTION_CHARS - 1] + "…"
    note = due.event.note if due.event is not None and due.kind in (
        "rejected", "reopened", "reassigned_to", "reassigned_from") else ""
    return [
        (_("Hazard card"), hazard.number),
        (_("Level"), str(HAZARD_LEVELS[hazard.level])),
        (_("Status"), str(HAZARD_STATUSES[hazard.status])),
        (_("Location"), location),
        (_("Department"), hazard.department.name),
        (_("Description"), description),
        (_("Found at"), to_local(hazard.found_at).strftime("%Y-%m-%d %H:%M")),
        (_("Deadline"), deadline),
        (_("Responsible person"), hazard.responsible.full_name if hazard.responsible else ""),
        (_("Escalation"), _("step %(step)d: %(who)s", step=due.step,
                            who=STEP_LABELS[due.step]) if due.step else ""),
        (_("Note"), " ".join(note.split())),
    ]


def _fact(label: str, value: str) -> str:
    return f"{label}: {value}" if is_english() else f"{label}：{value}"  # Chinese: full width
