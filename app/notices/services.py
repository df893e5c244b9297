"""Send the notices that are due, each once however often `flask notify` runs.

Every message is one Notice row, unique by (key, channel, recipient). A run claims the row
first (inserts it as "claimed" and commits; the unique constraint lets only one of two
overlapping runs have it), then sends, then marks it "sent", or "failed" with the error.
`attempts` counts the tries made.

- A failed notice is tried again by a later run while the rules still call for it, after a
  growing wait (RETRY_WAITS: the next run, then 10, 30, 120 minutes), up to
  NOTIFY_MAX_ATTEMPTS tries in all; then it stays failed and the run says so.
- A row left "claimed" by a run that died between claiming and recording (killed, host
  restarted) is claimed again after CLAIM_TIMEOUT, and that counts as a try. We accept the
  rare duplicate this allows (the dead run may have sent it): for a safety notice a second
  copy is better than none. No live run holds a claim that long: each send is bounded by
  its channel's timeout (SMTP_TIMEOUT, 10 s for the webhook).
- `created_at` is when the row was last claimed, the clock both rules above read.

This service commits as it goes, unlike most: a claim must be visible to other runs before
its message leaves, and a sent message must stay recorded if a later one fails.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.common.errors import DomainError
from app.common.permissions import can
from app.common.time import local_today, utcnow
from app.extensions import db
from app.hazards import escalation
from app.notices.channels import ChannelError, SmtpChannel, WebhookChannel
from app.notices.messages import Message, compose
from app.notices.models import Notice
from app.notices.queries import Due, due_notices

CLAIM_TIMEOUT = timedelta(minutes=15)
# How long a failed notice waits before the next try, by the number of tries made so far.
RETRY_WAITS = (timedelta(minutes=1), timedelta(minutes=10), timedelta(minutes=30),
               timedelta(minutes=120))
WEBHOOK_RECIPIENT = "webhook"


@dataclass
class Outgoing:
    """One message to one recipient on one channel."""

    due: Due
    channel: str  # "email" or "webhook"
    recipient: str  # an email address, or "webhook"
    locale: str

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.due.key, self.channel, self.recipient)


@dataclass
class Summary:
    """What a run did, for `flask notify` to print."""

    email: str | None = None  # the SMTP server, None while email is off
    webhook: str | None = None  # the robot, None while it is off
    sent: int = 0
    failed: int = 0
    given_up: int = 0  # failed for the last allowed time in this run
    deferred: int = 0  # webhook messages over the per-run limit, left for the next run
    errors: list[str] = field(default_factory=list)
    # Recipients the rules named who have no email address (usernames).
    without_email: set[str] = field(default_factory=set)
    # Keys of notices with nobody to tell (no responsible person, no safety lead, no manager).
    unaddressed: list[str] = field(default_factory=list)
    # In a dry run: what would go out, as (kind or ladder step, key, channel, recipient,
    # subject).
    planned: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    # Each notice due, whatever the channels: (kind or ladder step, card, recipients' names).
    dues: list[tuple[str, str, list[str]]] = field(default_factory=list)
    # Cards marked supervised (督办) by this run (a dry run: that would be).
    supervised: list[str] = field(default_factory=list)


def send_due_notices(now: datetime | None = None, *, dry_run: bool = False) -> Summary:
    """Send every notice that is due at `now` (naive UTC) and not yet sent; record each.

    With `dry_run`, list what would go out instead, sending and recording nothing."""
    started = utcnow()
    now = now or started
    config = current_app.config
    email, webhook = SmtpChannel.from_config(config), WebhookChannel.from_config(config)
    summary = Summary(email=email.describe() if email else None,
                      webhook=webhook.describe() if webhook else None)
    # The ladder's top marks cards supervised (督办) before the notices are read.
    if dry_run:
        summary.supervised = [hazard.number for hazard, _late in
                              escalation.cards_to_supervise(local_today(now))]
    else:
        summary.supervised = [hazard.number for hazard in escalation.supervise_due(now)]
    dues = due_notices(now)
    summary.dues = [(what(due), due.number, [user.username for user in due.recipients])
                    for due in dues]
    outgoing = _plan(dues, email is not None, webhook is not None, summary)
    existing = _existing(outgoing)
    webhook_budget = config["NOTIFY_WEBHOOK_MAX_PER_RUN"]
    messages: dict[tuple[str, str], Message] = {}
    try:
        for item in outgoing:
            if not _is_ready(existing.get(item.identity), now):
                continue
            if item.channel == "webhook":
                if webhook_budget <= 0:
                    summary.deferred += 1
                    continue
                webhook_budget -= 1
            if (item.due.key, item.locale) not in messages:
                messages[item.due.key, item.locale] = compose(item.due, item.locale)
            message = messages[item.due.key, item.locale]
            if dry_run:
                summary.planned.append((what(item.due), item.due.key, item.channel,
                                        item.recipient, message.subject))
                continue
            # The clock moves on while a long run sends: stamp rows with the time they happen.
            notice = _claim(item, existing.get(item.identity), now + (utcnow() - started))
            if notice is None:  # another run has it
                continue
            try:
                if item.channel == "email":
                    email.send(item.recipient, message)
                else:
                    webhook.send(message)
            except ChannelError as e:
                _finish(notice, now + (utcnow() - started), error=str(e), summary=summary)
            except Exception as e:  # one odd message must not hold up the rest of the run
                _finish(notice, now + (utcnow() - started), summary=summary,
                        error=f"{type(e).__name__}: {e}"[:500])
            else:
                _finish(notice, now + (utcnow() - started), summary=summary)
    finally:
        if email is not None:
            email.close()
    return summary


def what(due: Due) -> str:
    """A notice's kind as `flask notify` names it: "overdue step 2 (the safety managers)"."""
    if due.kind == "overdue":
        return f"overdue step {due.step} ({escalation.STEP_NAMES[due.step]})"
    return due.kind


def _plan(dues: list[Due], email_on: bool, webhook_on: bool, summary: Summary) -> list[Outgoing]:
    """Each notice as messages: an email to each recipient with an address, one to the robot."""
    config = current_app.config
    outgoing = []
    for due in dues:
        if due.is_unaddressed:
            summary.unaddressed.append(due.key)
        if email_on:
            addresses = set()
            for user in due.recipients:
                address = (user.email or "").strip()
                if not address:
                    summary.without_email.add(user.username)
                elif address.lower() not in addresses:
                    addresses.add(address.lower())
                    outgoing.append(Outgoing(due, "email", address,
                                             user.locale or config["BABEL_DEFAULT_LOCALE"]))
        if webhook_on and due.hazard is not None:  # a digest is one person's email
            outgoing.append(Outgoing(due, "webhook", WEBHOOK_RECIPIENT,
                                     config["NOTIFY_WEBHOOK_LOCALE"]))
    return outgoing


def _existing(outgoing: list[Outgoing]) -> dict[tuple[str, str, str], Notice]:
    keys = sorted({item.due.key for item in outgoing})
    found = {}
    for start in range(0, len(keys), 500):  # bounded IN lists
        chunk = keys[start:start + 500]
        for notice in db.session.scalars(select(Notice).where(Notice.key.in_(chunk))):
            found[notice.key, notice.channel, notice.recipient] = notice
    return found


def _is_ready(notice: Notice | None, now: datetime) -> bool:
    """Whether a message may be (re)sent now, given its row (None: never tried)."""
    if notice is None:
        return True
    if notice.state == "sent" or notice.attempts >= current_app.config["NOTIFY_MAX_ATTEMPTS"]:
        return False
    if notice.state == "claimed":
        return notice.created_at <= now - CLAIM_TIMEOUT
    wait = RETRY_WAITS[min(max(notice.attempts, 1), len(RETRY_WAITS)) - 1]
    return notice.created_at <= now - wait


def _claim(item: Outgoing, notice: Notice | None, at: datetime) -> Notice | None:
    """Take the row for this message, committed, or None if another run holds it."""
    if notice is None:
        notice = Notice(key=item.due.key, kind=item.due.kind, channel=item.channel,
                        recipient=item.recipient,
                        hazard_id=item.due.hazard.id if item.due.hazard else None,
                        state="claimed",
                        attempts=0, error="", created_at=at)
        db.session.add(notice)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return None
        return notice
    # Compare-and-set on what we read: of two runs re-claiming the same row, one wins.
    values = {"state": "claimed", "created_at": at}
    if notice.state == "claimed":  # left by a run that died: that run's try counts
        values["attempts"] = Notice.attempts + 1
        values["error"] = "A run stopped while sending this; sent again."
    result = db.session.execute(
        update(Notice)
        .where(Notice.id == notice.id, Notice.state == notice.state,
               Notice.created_at == notice.created_at, Notice.attempts == notice.attempts)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    return notice  # expired by the commit: reads the new values


def _finish(notice: Notice, at: datetime, *, summary: Summary, error: str | None = None) -> None:
    notice.attempts += 1
    if error is None:
        notice.state, notice.sent_at, notice.error = "sent", at, ""
        summary.sent += 1
    else:
        notice.state, notice.error = "failed", error
        summary.failed += 1
        summary.errors.append(f"{notice.key} → {notice.recipient}: {error}")
        if notice.attempts >= current_app.config["NOTIFY_MAX_ATTEMPTS"]:
            summary.given_up += 1
    db.session.commit()


def choose_daily_digest(user, on: bool) -> None:
    """A manager's choice: one daily digest email instead of a message per overdue or
    due-soon card. Only those who manage hazards may take it."""
    if on and not can(user, "hazards.manage"):
        raise DomainError(_("Only safety managers can choose the daily digest."), "daily_digest")
    user.daily_digest = on
    db.session.flush()
