"""E-mail over SMTP, end to end: a local SMTP server (aiosmtpd) receives what the real binary's
delivery worker sends, and the booking's invitation is parsed by a real iCalendar parser
(`icalendar`).

A booking over MCP e-mails the customer (German, the business's language: a text part, an HTML
part and an `.ics` with `METHOD:REQUEST`) and notifies the business's own address; a move sends
the same `UID` with `SEQUENCE` raised; a cancellation sends `METHOD:CANCEL`.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import threading
import time
from zoneinfo import ZoneInfo

import icalendar
import pytest
from aiosmtpd.controller import Controller

from conftest import ASKPRO, FrontdeskServer, free_port, run_cli, start_server, stop_server
from helpers import direct_session, direct_tool, next_weekday

JOHN = "+491234567890"
JOHN_EMAIL = "john.doe@example.com"
FRONT_DESK = "empfang@askproai.example"
MAIL_WAIT_S = 20.0


class Inbox:
    """The messages the SMTP server accepted, as parsed e-mails."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, to: str) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + MAIL_WAIT_S
        while time.monotonic() < deadline:
            with self.lock:
                got = [m for rcpt, m in self.messages if to in rcpt]
            if len(got) >= count:
                return got
            time.sleep(0.1)
        pytest.fail(f"{count} e-mail(s) to {to} did not arrive within {MAIL_WAIT_S} s: {self.messages}")


@pytest.fixture(scope="module")
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def mail_server(smtp, tmp_path_factory) -> FrontdeskServer:
    _, port = smtp
    srv = start_server(
        "mail_server",
        tmp_path_factory.mktemp("mail"),
        FRONTDESK_RATE_SESSIONS_PER_MINUTE="1000",
        FRONTDESK_SMTP_URL=f"smtp://127.0.0.1:{port}",
        FRONTDESK_MAIL_FROM="termine@frontdesk.example",
    )
    # The practice wants to hear of every booking at its front desk's address.
    exported = run_cli("export", "--company", ASKPRO, "--database", srv.database_url, cwd=srv.workdir)
    business = srv.workdir / "askpro.toml"
    business.write_text(exported.stdout + f'\n[company.messaging]\nnotify_email = "{FRONT_DESK}"\n', "utf-8")
    run_cli("import", "--database", srv.database_url, str(business), cwd=srv.workdir)
    yield srv
    stop_server(srv)


def invitation(message: email.message.EmailMessage) -> tuple[str, icalendar.Calendar]:
    """The method parameter of the text/calendar part and the parsed calendar."""
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in message.walk()]
    part = parts[0]
    return part.get_param("method"), icalendar.Calendar.from_ical(part.get_content())


def the_event(calendar: icalendar.Calendar) -> icalendar.Event:
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1, calendar.to_ical()
    return events[0]


def test_booking_emails_the_customer_an_invitation_and_tells_the_front_desk(mail_server, smtp):
    inbox, _ = smtp
    token = direct_session(mail_server, mail_server.askpro.mcp_api_key, JOHN)
    day = next_weekday(3)

    booked = direct_tool(mail_server, token, "book_session", {"service": "Beratung", "date": day.isoformat(), "time": "10:00"})
    code = booked["booking"]["voucher_code"]
    booking_id = booked["booking"]["booking_id"]
    assert booked["confirmation_sent"] is True

    # The customer: German text and HTML parts, and the invitation.
    [confirmation] = inbox.wait_for(1, JOHN_EMAIL)
    assert "Termin bestätigt" in confirmation["subject"], confirmation["subject"]
    assert "AskProAI" in str(confirmation["from"])
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    html = confirmation.get_body(preferencelist=("html",)).get_content()
    assert code in text and code in html
    assert "Bestätigungscode" in text
    method, calendar = invitation(confirmation)
    assert method == "REQUEST"
    assert str(calendar["METHOD"]) == "REQUEST"
    event = the_event(calendar)
    uid = str(event["UID"])
    assert int(event.get("SEQUENCE", 0)) == 0
    start = event.decoded("DTSTART")
    assert start == dt.datetime.combine(day, dt.time(10, 0), tzinfo=ZoneInfo("Europe/Berlin")), start
    assert start.utcoffset() == ZoneInfo("Europe/Berlin").utcoffset(start.replace(tzinfo=None))
    assert str(event.get("STATUS", "CONFIRMED")) == "CONFIRMED"
    assert calendar.walk("VTIMEZONE"), "the invitation carries its time zone"

    # The front desk: a short notice, without an invitation, naming the caller.
    [notice] = inbox.wait_for(1, FRONT_DESK)
    assert "Neuer Termin" in notice["subject"], notice["subject"]
    assert JOHN in notice.get_body(preferencelist=("plain",)).get_content()
    assert not [p for p in notice.walk() if p.get_content_type() == "text/calendar"]

    # A move: the same UID, SEQUENCE raised, still a REQUEST, at the new time.
    direct_tool(mail_server, token, "reschedule_booking", {"booking_id": booking_id, "new_date": day.isoformat(), "new_time": "11:00"})
    moved = inbox.wait_for(2, JOHN_EMAIL)[1]
    assert "Termin verlegt" in moved["subject"], moved["subject"]
    method, calendar = invitation(moved)
    event = the_event(calendar)
    assert (method, str(event["UID"]), int(event["SEQUENCE"])) == ("REQUEST", uid, 1)
    assert event.decoded("DTSTART").hour == 11

    # A cancellation: METHOD:CANCEL, STATUS:CANCELLED, the same UID, SEQUENCE raised again.
    direct_tool(mail_server, token, "cancel_booking", {"booking_id": booking_id})
    cancelled = inbox.wait_for(3, JOHN_EMAIL)[2]
    assert "Termin storniert" in cancelled["subject"], cancelled["subject"]
    method, calendar = invitation(cancelled)
    event = the_event(calendar)
    assert method == "CANCEL" and str(calendar["METHOD"]) == "CANCEL"
    assert (str(event["UID"]), int(event["SEQUENCE"]), str(event["STATUS"])) == (uid, 2, "CANCELLED")
    assert len(inbox.wait_for(3, FRONT_DESK)) == 3

    # Every message is recorded sent, with its Message-ID.
    listed = run_cli("messages", "list", "--company", ASKPRO, "--json", "--database", mail_server.database_url,
                     cwd=mail_server.workdir)
    rows = [m for m in json.loads(listed.stdout) if m["channel"] == "email"]
    assert len(rows) == 6, rows
    assert all(m["status"] == "sent" and m["provider_id"].startswith("<frontdesk-message-") for m in rows), rows
