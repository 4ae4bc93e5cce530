"""Outbound webhooks, end to end: a receiver verifies every delivery with the official
`standardwebhooks` library (the Standard Webhooks reference implementation).

A booking over MCP posts `booking.created` to the endpoint added with `frontdesk webhook add`;
a receiver that answers 500 gets the same event again (same `webhook-id`) until it answers 2xx;
`frontdesk webhook test` posts `webhook.test`; a removed endpoint receives nothing more; a
loopback URL is refused by `webhook add` unless private targets are allowed.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
import time

import pytest
from standardwebhooks.webhooks import Webhook

from conftest import (
    ASKPRO,
    FrontdeskServer,
    child_env,
    free_port,
    frontdesk_bin,
    run_cli,
    start_server,
    stop_server,
)
from helpers import direct_session, direct_tool, next_weekday

JOHN = "+491234567890"
WAIT_S = 20.0


class Receiver:
    """A local HTTP endpoint that records each delivery, answering `fail_first` with 500."""

    def __init__(self, fail_first: int = 0) -> None:
        self.port = free_port()
        self.received: list[tuple[dict[str, str], bytes, int]] = []
        self.fail_first = fail_first
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the stdlib's name)
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                status = 500 if len(receiver.received) < receiver.fail_first else 204
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body, status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/frontdesk"

    def wait_for(self, count: int) -> list[tuple[dict[str, str], bytes, int]]:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return list(self.received)
            time.sleep(0.1)
        pytest.fail(f"{count} deliveries did not arrive within {WAIT_S} s: {self.received}")

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def hook_server(tmp_path_factory) -> FrontdeskServer:
    srv = start_server(
        "hook_server",
        tmp_path_factory.mktemp("hooks"),
        FRONTDESK_RATE_SESSIONS_PER_MINUTE="1000",
        # The receiver listens on loopback, which webhooks refuse by default.
        FRONTDESK_ALLOW_PRIVATE_WEBHOOK_TARGETS="true",
        FRONTDESK_MESSAGE_RETRY_FIRST_SECS="1",
    )
    yield srv
    stop_server(srv)


def add_endpoint(srv: FrontdeskServer, url: str, events: str | None = None) -> tuple[int, str]:
    args = ["webhook", "add", "--company", ASKPRO, "--url", url, "--database", srv.database_url]
    if events:
        args += ["--events", events]
    # The receiver is on loopback: `webhook add` refuses inside addresses unless allowed.
    added = run_cli(*args, cwd=srv.workdir, FRONTDESK_ALLOW_PRIVATE_WEBHOOK_TARGETS="true")
    secret = added.stdout.strip()
    assert secret.startswith("whsec_"), added
    endpoint_id = int(added.stderr.split("webhook ", 1)[1].split(" ", 1)[0])
    return endpoint_id, secret


def verified(secret: str, delivery: tuple[dict[str, str], bytes, int]) -> dict:
    headers, body, _ = delivery
    # Raises unless the signature and the timestamp (within 5 minutes) are right.
    return Webhook(secret).verify(body, headers)


def test_booking_events_are_signed_retried_and_verifiable(hook_server):
    receiver = Receiver(fail_first=1)
    try:
        endpoint_id, secret = add_endpoint(hook_server, receiver.url, "booking.created,booking.cancelled,webhook.test")
        token = direct_session(hook_server, hook_server.askpro.mcp_api_key, JOHN)
        day = next_weekday(4)
        booked = direct_tool(hook_server, token, "book_session", {"service": "Beratung", "date": day.isoformat(), "time": "14:00"})
        code = booked["booking"]["voucher_code"]

        # The first delivery gets a 500; the retry carries the same id and a fresh signature.
        first, retried = receiver.wait_for(2)[:2]
        assert (first[2], retried[2]) == (500, 204)
        assert first[0]["webhook-id"] == retried[0]["webhook-id"]
        event = verified(secret, retried)
        assert event["type"] == "booking.created"
        assert event["data"]["confirmation_number"] == code
        assert event["data"]["booking_id"] == booked["booking"]["booking_id"]
        assert event["data"]["customer_phone"] == JOHN
        with pytest.raises(Exception):
            Webhook("whsec_" + "A" * 32).verify(retried[1], retried[0])

        # A move is not subscribed; the cancellation is.
        direct_tool(hook_server, token, "reschedule_booking", {"booking_id": booked["booking"]["booking_id"], "new_date": day.isoformat(), "new_time": "15:00"})
        direct_tool(hook_server, token, "cancel_booking", {"booking_id": booked["booking"]["booking_id"]})
        cancelled = receiver.wait_for(3)[2]
        assert verified(secret, cancelled)["type"] == "booking.cancelled"

        # The test ping.
        run_cli("webhook", "test", str(endpoint_id), "--database", hook_server.database_url, cwd=hook_server.workdir)
        ping = receiver.wait_for(4)[3]
        assert verified(secret, ping)["type"] == "webhook.test"

        # The delivery log, then a removed endpoint receives nothing more.
        listed = run_cli("webhook", "list", "--company", ASKPRO, "--database", hook_server.database_url, cwd=hook_server.workdir)
        assert "3 sent" in listed.stdout, listed.stdout
        run_cli("webhook", "remove", str(endpoint_id), "--database", hook_server.database_url, cwd=hook_server.workdir)
        again = direct_tool(hook_server, token, "book_session", {"service": "Beratung", "date": day.isoformat(), "time": "16:00"})
        time.sleep(2.5)
        assert len(receiver.received) == 4, receiver.received
        direct_tool(hook_server, token, "cancel_booking", {"booking_id": again["booking"]["booking_id"]})
        messages = json.loads(run_cli("messages", "list", "--json", "--database", hook_server.database_url, cwd=hook_server.workdir).stdout)
        hooks = [m for m in messages if m["channel"] == "webhook"]
        # Sent, or withdrawn when the endpoint was removed before its turn.
        assert {m["status"] for m in hooks} <= {"sent", "cancelled"}, hooks
        assert sum(m["status"] == "sent" for m in hooks) == 3, hooks
    finally:
        receiver.stop()


def test_an_inside_address_is_refused_unless_private_targets_are_allowed(hook_server):
    # Without the setting (the default), `webhook add` refuses a loopback URL and adds nothing.
    refused = subprocess.run(
        [
            frontdesk_bin(),
            "webhook",
            "add",
            "--company",
            ASKPRO,
            "--url",
            f"http://127.0.0.1:{free_port()}/hook",
            "--database",
            hook_server.database_url,
        ],
        cwd=hook_server.workdir,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0, refused
    assert "loopback" in refused.stderr, refused.stderr
    assert "whsec_" not in refused.stdout
