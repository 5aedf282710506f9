"""Mailing a stored digest: one multipart/alternative message (Markdown as text, and the HTML)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from evidencewatch.config import Settings
from evidencewatch.core.errors import EvidenceWatchError
from evidencewatch.reporting.digest import EN_DASH
from evidencewatch.storage.models import Digest


class MailError(EvidenceWatchError):
    """The SMTP server refused or could not be reached; the digest itself is stored."""

    exit_code = 1


def mail_configured(settings: Settings) -> bool:
    return bool(settings.smtp_host and settings.mail_recipients)


def digest_subject(digest: Digest) -> str:
    new = int((digest.summary or {}).get("new_papers", 0))
    return f"evidencewatch digest {digest.period_from} {EN_DASH} {digest.period_to}: {new} new"


def build_message(settings: Settings, digest: Digest) -> EmailMessage:
    """The mail for ``digest``: text/plain (the Markdown) and text/html alternatives."""
    message = EmailMessage()
    message["Subject"] = digest_subject(digest)
    message["From"] = settings.mail_from
    message["To"] = ", ".join(settings.mail_recipients)
    message["Date"] = formatdate(localtime=False)
    domain = settings.mail_from.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(digest.markdown, subtype="plain", charset="utf-8")
    message.add_alternative(digest.html, subtype="html", charset="utf-8")
    return message


def send_digest(settings: Settings, digest: Digest, *, timeout: float = 30.0) -> list[str]:
    """Send ``digest`` to ``settings.mail_recipients``; records them on ``digest.mailed_to``.

    STARTTLS when ``smtp_starttls`` (refusing to go on in clear text if the
    server does not offer it); login when ``smtp_user`` is set. The caller
    commits the row.
    """
    recipients = settings.mail_recipients
    if not settings.smtp_host:
        raise MailError("cannot mail the digest: smtp_host is not set")
    if not recipients:
        raise MailError("cannot mail the digest: mail_to names no recipients")
    message = build_message(settings, digest)
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout) as smtp:
            smtp.ehlo()
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            refused = smtp.send_message(message, from_addr=settings.mail_from, to_addrs=recipients)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"mailing the digest through {where} failed: {exc}") from exc
    delivered = [r for r in recipients if r not in refused]
    digest.mailed_to = delivered
    return delivered
