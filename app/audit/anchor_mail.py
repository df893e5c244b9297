"""Mailing each audit anchor (AUDIT_ANCHOR_MAIL_TO): a copy of the line outside the server, so
that a dropped or rewritten anchor file shows against the mailbox."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.notices.channels import ChannelConfigError, SmtpChannel
from app.notices.messages import Message


class AnchorMail(SmtpChannel):
    """The notices' SMTP channel, with the anchor's line attached to each message."""

    attachment: tuple[str, str] | None = None  # (file name, the anchor's line)

    def build(self, to, message):
        email = super().build(to, message)
        if self.attachment:
            name, line = self.attachment
            email.add_attachment((line + "\n").encode(), maintype="application",
                                 subtype="jsonl", filename=name)
        return email


def mail_recipients() -> list[str]:
    value = current_app.config.get("AUDIT_ANCHOR_MAIL_TO") or ""
    return [address.strip() for address in value.split(",") if address.strip()]


def mail_channel() -> AnchorMail | None:
    """The channel anchors go out by; None when AUDIT_ANCHOR_MAIL_TO is unset. Settings that
    cannot work refuse before anything is anchored."""
    if not mail_recipients():
        return None
    channel = AnchorMail.from_config(current_app.config)
    if channel is None:
        raise ChannelConfigError("AUDIT_ANCHOR_MAIL_TO is set but SMTP_HOST is not: set both, "
                                 "or neither.")
    return channel


def anchor_message(anchor: dict, path) -> Message:
    """The email for one anchor, in the hospital's language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        audit = anchor["audit"]
        return Message(
            title=_("Audit anchor %(n)s", n=anchor["n"]),
            intro=_("SafeRound wrote today's audit anchor; it is attached. Keep this email: it "
                    "is the copy outside the server that shows whether the anchor file was cut "
                    "short or rewritten."),
            facts=(
                _("Anchored at: %(at)s UTC", at=anchor["at"][:19].replace("T", " ")),
                _("Hazard cards: %(changed)s changed, %(total)s in all",
                  changed=len(anchor["cards"]["changed"]), total=anchor["cards"]["total"]),
                _("Audit records: %(new)s new, %(count)s in all",
                  new=len(audit["records"]), count=audit["count"]),
                _("MAC: %(mac)s", mac=anchor["mac"]),
            ),
            link=str(path),
            link_label=_("Anchor file"),
            app_name=_("SafeRound"),
            footer=_("Sent automatically by SafeRound; replies to this message are not read."),
        )


def mail_anchor(channel: AnchorMail, anchor: dict, line: str, path) -> None:
    """Send the anchor to every address (ChannelError when one did not go out)."""
    channel.attachment = (f"audit-anchor-{anchor['n']:06d}.jsonl", line)
    message = anchor_message(anchor, path)
    try:
        for address in mail_recipients():
            channel.send(address, message)
    finally:
        channel.close()
