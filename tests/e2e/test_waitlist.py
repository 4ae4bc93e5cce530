"""The waitlist end to end with the official MCP Python SDK (Streamable HTTP): a full slot, a
caller joins its waitlist, another caller cancels, and the first caller's `get_bookings` shows
the new booking while a Twilio stand-in (a local HTTP server answering as Twilio's Messages API
is documented to: Basic auth, a form body, `201` with the message's `sid`) receives the text
that tells them, in the business's language, with the booking's code.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import anyio
import pytest

from conftest import FrontdeskServer, free_port, run_cli, start_server
from helpers import TEST_TIMEOUT_S, create_session, next_weekday, ok, refused, streamable_client

ACCOUNT_SID = "AC00000000000000000000000000000e2e"
AUTH_TOKEN = "e2e-stand-in-token"
SLUG = "wait-surf"
FIRST, SECOND = "+5511955550001", "+5511955550002"
SMS_WAIT_S = 20.0

BUSINESS = f"""
[company]
slug = "{SLUG}"
name = "Onda Surf"
time_zone = "America/Sao_Paulo"
language = "pt-BR"
phone_region = "BR"

[company.policy]
min_notice_minutes = 0
booking_window_days = 30
free_cancellation_hours = 24

[[branches]]
name = "Praia"

[[services]]
code = "aula"
name = "Aula de surf"
duration_minutes = 60
capacity = 1
schedule = {{ kind = "fixed_times", times = {{ daily = ["10:00"] }} }}

[[customers]]
phone = "{FIRST}"
name = "Ana Lima"

[[customers.members]]
name = "Ana Lima"
relationship = "self"

[[customers]]
phone = "{SECOND}"
name = "Bruno Costa"

[[customers.members]]
name = "Bruno Costa"
relationship = "self"
"""


class TwilioStandIn:
    """`POST /2010-04-01/Accounts/{sid}/Messages.json` as Twilio answers it."""

    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _authorised(self) -> bool:
                expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
                return self.headers.get("Authorization") == f"Basic {expected}"

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                if not self._authorised():
                    return self._answer(401, {"code": 20003, "message": "Authenticate"})
                if self.path != f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
                    return self._answer(404, {"code": 20404, "message": "Not found"})
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if not form.get("To") or not form.get("Body") or not form.get("From"):
                    return self._answer(400, {"code": 21604, "message": "A 'To' phone number is required."})
                with stand_in.lock:
                    stand_in.received.append(form)
                    sid = f"SM{len(stand_in.received):032x}"
                self._answer(201, {"sid": sid, "status": "queued", "to": form["To"], "body": form["Body"]})

            def do_GET(self) -> None:  # noqa: N802 (the look-up before a resend)
                if not self._authorised():
                    return self._answer(401, {"code": 20003, "message": "Authenticate"})
                self._answer(200, {"messages": [], "next_page_uri": None})

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def wait_for(self, to: str, containing: str) -> dict[str, str]:
        deadline = time.monotonic() + SMS_WAIT_S
        while time.monotonic() < deadline:
            with self.lock:
                for sms in self.received:
                    if sms["To"] == to and containing in sms["Body"]:
                        return sms
            time.sleep(0.1)
        pytest.fail(f"no text to {to} containing {containing!r} within {SMS_WAIT_S} s: {self.received}")

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def twilio():
    stand_in = TwilioStandIn()
    yield stand_in
    stand_in.stop()


@pytest.fixture(scope="module")
def wait_server(twilio, tmp_path_factory) -> FrontdeskServer:
    srv = start_server(
        "wait_server",
        tmp_path_factory.mktemp("waitlist"),
        FRONTDESK_RATE_SESSIONS_PER_MINUTE="1000",
        FRONTDESK_TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        FRONTDESK_TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        FRONTDESK_TWILIO_FROM="+15005550006",
        FRONTDESK_TWILIO_API_BASE=twilio.base,
    )
    business = srv.workdir / "wait-surf.toml"
    business.write_text(BUSINESS, "utf-8")
    run_cli("import", "--database", srv.database_url, str(business), cwd=srv.workdir)
    key = run_cli("key", "create", "--company", SLUG, "--kind", "mcp", "--database", srv.database_url,
                  cwd=srv.workdir).stdout.strip()
    srv.wait_key = key
    yield srv


async def test_a_caller_waiting_for_a_full_slot_gets_the_place_another_frees(wait_server, twilio):
    day = next_weekday(3).isoformat()
    slot = {"service": "aula", "date": day, "time": "10:00"}
    first = create_session(wait_server, FIRST, wait_server.wait_key)["session_token"]
    second = create_session(wait_server, SECOND, wait_server.wait_key)["session_token"]
    with anyio.fail_after(TEST_TIMEOUT_S):
        async with (
            streamable_client(wait_server.mcp_url, token=first) as ana,
            streamable_client(wait_server.mcp_url, token=second) as bruno,
        ):
            # Ana takes the only place; Bruno is refused and joins the waitlist.
            booked = ok(await ana.call_tool("book_session", slot))["booking"]
            full = refused(await bruno.call_tool("book_session", slot))
            assert full["code"] == "SLOT_FULL", full
            joined = ok(
                await bruno.call_tool(
                    "join_waitlist",
                    {"service": "aula", "date": day, "time_from": "10:00", "time_to": "10:00"},
                )
            )
            assert joined["entry"]["status"] == "waiting", joined
            assert joined["entry"]["position"] == 1, joined
            assert joined["entry"]["auto_book"] is True, joined
            waiting = ok(await bruno.call_tool("get_waitlist", {}))
            assert [e["entry_id"] for e in waiting["entries"]] == [joined["entry"]["entry_id"]], waiting

            # Ana cancels: the place is Bruno's, in the cancellation's own transaction.
            ok(await ana.call_tool("cancel_booking", {"booking_id": booked["booking_id"]}))
            bookings = ok(await bruno.call_tool("get_bookings", {}))["bookings"]
            assert len(bookings) == 1, bookings
            mine = bookings[0]
            assert (mine["date"], mine["time"], mine["status"]) == (day, "10:00", "confirmed"), mine
            assert mine["booking_id"] != booked["booking_id"]
            assert ok(await bruno.call_tool("get_waitlist", {}))["count"] == 0

    # Bruno is texted, in Portuguese, with the new booking's code.
    sms = twilio.wait_for(SECOND, mine["voucher_code"])
    assert "abriu uma vaga" in sms["Body"], sms
    assert sms["From"] == "+15005550006", sms
