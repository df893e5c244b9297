"""Where notices go: email over SMTP, and a WeCom or DingTalk group-chat robot (webhook).

Standard library only (smtplib, urllib). A channel raises ChannelError when a message did not
go out; the caller records it and tries again on a later run.
"""

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from app.notices.messages import Message

WEBHOOK_FORMATS = ("wecom", "dingtalk")
WEBHOOK_TIMEOUT_SECONDS = 10
# WeCom takes 4096 bytes of markdown; stay well inside it.
WEBHOOK_MAX_BYTES = 3800


class ChannelError(Exception):
    """A message that did not go out; the text is stored on the notice."""


class ChannelConfigError(Exception):
    """Settings that cannot work; `flask notify` stops and says which."""


class SmtpChannel:
    """Email through the hospital's SMTP server; one connection per run, reopened after an
    error."""

    name = "email"

    def __init__(self, host, port=25, *, username=None, password=None, starttls=False,
                 ssl=False, mail_from="saferound@localhost", timeout=30):
        if starttls and ssl:
            raise ChannelConfigError("Set SMTP_STARTTLS or SMTP_SSL, not both.")
        self.host, self.port, self.timeout = host, port, timeout
        self.username, self.password = username, password
        self.starttls, self.ssl = starttls, ssl
        self.mail_from = mail_from
        self._smtp = None

    @classmethod
    def from_config(cls, config) -> "SmtpChannel | None":
        """The channel the settings describe, or None while SMTP_HOST is unset."""
        if not config.get("SMTP_HOST"):
            return None
        return cls(config["SMTP_HOST"], config["SMTP_PORT"], username=config["SMTP_USERNAME"],
                   password=config["SMTP_PASSWORD"], starttls=config["SMTP_STARTTLS"],
                   ssl=config["SMTP_SSL"], mail_from=config["MAIL_FROM"],
                   timeout=config["SMTP_TIMEOUT"])

    def describe(self) -> str:
        security = " (SSL)" if self.ssl else " (STARTTLS)" if self.starttls else ""
        return f"{self.host}:{self.port}{security}"

    def build(self, to: str, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.mail_from
        email["To"] = to
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        domain = parseaddr(self.mail_from)[1].rpartition("@")[2] or None
        email["Message-ID"] = make_msgid(domain=domain)
        email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
        email.set_content(message.text())
        return email

    def send(self, to: str, message: Message) -> None:
        try:
            self._connection().send_message(self.build(to, message))
        except (smtplib.SMTPException, OSError) as e:
            self.close()  # the next message starts from a fresh connection
            raise ChannelError(f"SMTP {self.describe()}: {_describe(e)}") from e

    def _connection(self):
        if self._smtp is None:
            # Certificates are checked against the system's CAs (an internal CA: SSL_CERT_FILE).
            context = ssl.create_default_context()
            if self.ssl:
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                        context=context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                if self.starttls:
                    smtp.starttls(context=context)
                if self.username:
                    smtp.login(self.username, self.password or "")
            except BaseException:
                smtp.close()
                raise
            self._smtp = smtp
        return self._smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


class WebhookChannel:
    """A group-chat robot: WeCom 群机器人 or DingTalk 自定义机器人, markdown messages.

    Both answer HTTP 200 with JSON {"errcode": 0, "errmsg": "ok"} on success; any other
    errcode (a wrong key, a missing keyword, too many messages a minute) is a failure."""

    name = "webhook"

    def __init__(self, url, fmt="wecom", *, secret=None, timeout=WEBHOOK_TIMEOUT_SECONDS):
        if fmt not in WEBHOOK_FORMATS:
            raise ChannelConfigError(
                f"NOTIFY_WEBHOOK_FORMAT must be wecom or dingtalk, not {fmt!r}.")
        self.url, self.format, self.secret, self.timeout = url, fmt, secret, timeout
        # Built once: honours http_proxy/no_proxy from the environment, as a server expects.
        self._opener = urllib.request.build_opener()

    @classmethod
    def from_config(cls, config) -> "WebhookChannel | None":
        """The channel the settings describe, or None while NOTIFY_WEBHOOK_URL is unset."""
        if not config.get("NOTIFY_WEBHOOK_URL"):
            return None
        return cls(config["NOTIFY_WEBHOOK_URL"], config["NOTIFY_WEBHOOK_FORMAT"],
                   secret=config["NOTIFY_WEBHOOK_SECRET"])

    def describe(self) -> str:
        parts = urllib.parse.urlsplit(self.url)
        signed = ", signed" if self.format == "dingtalk" and self.secret else ""
        return f"{self.format} robot at {parts.scheme}://{parts.netloc}{parts.path}{signed}"

    def payload(self, message: Message) -> dict:
        """The JSON body the robot expects: a markdown message."""
        facts = [_markdown_line(fact) for fact in message.facts]
        link = f"[{message.link_label}]({message.link})"
        if self.format == "wecom":
            content = "\n".join([f"**{message.title}**", *(f"> {fact}" for fact in facts), link])
            return {"msgtype": "markdown", "markdown": {"content": _fit(content)}}
        # DingTalk's markdown needs a blank line between lines; `title` shows in the chat list.
        text = "\n\n".join([f"#### {message.title}", *(f"- {fact}" for fact in facts), link])
        return {"msgtype": "markdown", "markdown": {"title": message.title, "text": _fit(text)}}

    def signed_url(self, timestamp_ms: int | None = None) -> str:
        """DingTalk 加签: timestamp (ms) and sign = base64(HMAC-SHA256(secret, "ts\\nsecret"))
        added to the query string. WeCom robots have no signing: the key in the URL is all."""
        if self.format != "dingtalk" or not self.secret:
            return self.url
        timestamp = str(timestamp_ms if timestamp_ms is not None else round(time.time() * 1000))
        digest = hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(),
                          hashlib.sha256).digest()
        query = urllib.parse.urlencode({"timestamp": timestamp,
                                        "sign": base64.b64encode(digest).decode()})
        return f"{self.url}{'&' if '?' in self.url else '?'}{query}"

    def send(self, message: Message) -> None:
        body = json.dumps(self.payload(message), ensure_ascii=False).encode()
        request = urllib.request.Request(
            self.signed_url(), data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                answer = json.loads(response.read().decode("utf-8") or "{}")
        except urllib.error.HTTPError as e:
            raise ChannelError(f"Webhook: HTTP {e.code} {e.reason}") from e
        except (urllib.error.URLError, OSError, ValueError) as e:
            raise ChannelError(f"Webhook: {_describe(e)}") from e
        if not isinstance(answer, dict) or answer.get("errcode") != 0:
            errcode = answer.get("errcode") if isinstance(answer, dict) else None
            errmsg = answer.get("errmsg", "") if isinstance(answer, dict) else answer
            raise ChannelError(f"Webhook: errcode {errcode}: {errmsg}")


# What people wrote must not turn into links, emphasis or coloured tags in the chat; the
# robots know no escapes, so the characters become their full-width twins.
_MARKDOWN_SAFE = str.maketrans({"[": "［", "]": "］", "*": "＊", "`": "＇", "<": "＜", ">": "＞"})


def _markdown_line(text: str) -> str:
    return text.translate(_MARKDOWN_SAFE)


def _fit(text: str) -> str:
    data = text.encode()
    if len(data) <= WEBHOOK_MAX_BYTES:
        return text
    return data[:WEBHOOK_MAX_BYTES].decode(errors="ignore") + "…"


def _describe(error: Exception) -> str:
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        error = error.reason if isinstance(error.reason, Exception) else error
    return f"{type(error).__name__}: {error}"[:500]
