"""Caller sessions as the integration guide and docs/API.md describe them: creation, the
documented error codes on every MCP endpoint, validate/logout/health, rate limits, and
isolation between callers and between companies."""

from __future__ import annotations

import re
import socket
import time

import anyio
import httpx
import pytest

from helpers import (
    JOHN_DOE_PHONE,
    RAFAEL_MEMBER,
    RAFAEL_PHONE,
    TEST_TIMEOUT_S,
    UNKNOWN_BEYOND_PHONE,
    bearer,
    cancel_quietly,
    create_session,
    find_two_slots,
    ok,
    streamable_client,
)

TOKEN = re.compile(r"^sess_[A-Za-z0-9]{48}$")
RAFAEL_USER = {"phone": RAFAEL_PHONE, "name": "Rafael Silva", "has_beyond_token": True, "member_ids": [12345, 12346]}
MCP_ACCEPT = {"Accept": "application/json, text/event-stream"}
TOOLS_LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


@pytest.fixture
def http(server):
    # One connection per request: a refused POST can leave a kept-alive connection unusable
    # (test_a_refused_post_leaves_the_connection_usable), which must not blur the other tests.
    no_reuse = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(base_url=server.base_url, timeout=10, limits=no_reuse) as client:
        yield client


def assert_error(r: httpx.Response, status: int, code: str) -> dict:
    """An error as the guide documents it: the status, and a JSON body with `error` and `code`."""
    assert r.status_code == status, f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text}"
    assert r.headers["content-type"].startswith("application/json"), r.headers
    body = r.json()
    assert body.get("code") == code, body
    assert isinstance(body.get("error"), str) and body["error"], body
    return body


def post_session(http: httpx.Client, key: str | None, body) -> httpx.Response:
    headers = {"X-API-Key": key} if key is not None else {}
    return http.post("/mcp/auth/session", headers=headers, json=body)


# The MCP endpoints that must refuse a request without a valid caller session.
def mcp_requests(http: httpx.Client, headers: dict[str, str]) -> dict[str, httpx.Response]:
    return {
        "GET /mcp/auth/validate": http.get("/mcp/auth/validate", headers=headers),
        "POST /mcp/messages/": http.post("/mcp/messages/", headers=headers, json=TOOLS_LIST),
        "POST /mcp": http.post("/mcp", headers=headers | MCP_ACCEPT, json=TOOLS_LIST),
        "GET /mcp/sse": http.get("/mcp/sse", headers=headers),
        "POST /mcp/auth/logout": http.post("/mcp/auth/logout", headers=headers),
    }


# --------------------------------------------------------------------------------------------
# Creating a session
# --------------------------------------------------------------------------------------------


def test_session_for_a_known_caller(server, http):
    r = post_session(http, server.beyond.mcp_api_key, {"caller_id": RAFAEL_PHONE})
    assert r.status_code == 200, r.text
    body = r.json()
    assert TOKEN.match(body["session_token"]), body["session_token"]
    assert body["expires_in"] == 600
    assert body["user"] == RAFAEL_USER
    assert r.headers.get("x-request-id")


def test_session_for_an_unknown_caller(server, http):
    r = post_session(http, server.beyond.mcp_api_key, {"caller_id": UNKNOWN_BEYOND_PHONE})
    assert r.status_code == 200, r.text
    assert r.json()["user"] == {
        "phone": UNKNOWN_BEYOND_PHONE,
        "name": None,
        "has_beyond_token": False,
        "member_ids": [],
    }


def test_key_printed_by_serve_demo_also_works(server, http):
    printed = server.printed_mcp_keys.get("beyond-the-club")
    assert printed, f"`serve --demo` printed no MCP key for Beyond The Club:\n{server.stdout_path.read_text()}"
    r = post_session(http, printed, {"caller_id": RAFAEL_PHONE})
    assert r.status_code == 200, r.text
    assert r.json()["user"]["name"] == "Rafael Silva"


@pytest.mark.parametrize("body", [{}, {"caller_id": ""}, {"caller_id": None}], ids=["absent", "empty", "null"])
def test_missing_caller_id(server, http, body):
    assert_error(post_session(http, server.beyond.mcp_api_key, body), 400, "MISSING_CALLER_ID")


def test_too_short_caller_id(server, http):
    assert_error(post_session(http, server.beyond.mcp_api_key, {"caller_id": "99999999"}), 400, "INVALID_CALLER_ID")


@pytest.mark.parametrize("which", ["missing", "unknown", "gateway-token"])
def test_invalid_api_key(server, http, which):
    key = {"missing": None, "unknown": "fd_mcp_" + "x" * 40, "gateway-token": server.beyond.gateway_token}[which]
    assert_error(post_session(http, key, {"caller_id": RAFAEL_PHONE}), 401, "INVALID_API_KEY")


# --------------------------------------------------------------------------------------------
# Using a session
# --------------------------------------------------------------------------------------------


def test_missing_token_on_every_mcp_endpoint(http):
    for what, r in mcp_requests(http, {}).items():
        assert r.status_code == 401, f"{what}: {r.status_code} {r.text}"
        assert r.json()["code"] == "MISSING_TOKEN", f"{what}: {r.text}"


def test_invalid_session_on_every_mcp_endpoint(http):
    forged = bearer("sess_" + "A" * 48)
    for what, r in mcp_requests(http, forged).items():
        assert r.status_code == 401, f"{what}: {r.status_code} {r.text}"
        assert r.json()["code"] == "INVALID_SESSION", f"{what}: {r.text}"
    invalid = http.get("/mcp/auth/validate", headers=forged).json()
    assert invalid["valid"] is False
    assert invalid["error"] == "Invalid or expired session"


@pytest.mark.parametrize(
    "path, auth",
    [
        ("/mcp/messages/", "Authorization: Bearer sess_" + "A" * 48),
        ("/mcp", "Authorization: Bearer sess_" + "A" * 48),
        ("/mcp", None),
    ],
    ids=["messages-invalid-session", "mcp-invalid-session", "mcp-missing-token"],
)
def test_a_refused_post_leaves_the_connection_usable(server, path, auth):
    """HTTP/1.1 keep-alive after an early 401: the server answers before the request body has
    arrived (it has no use for it). Unless it announces `Connection: close`, the connection
    stays open, so the client sends the rest of the body and its next request on it.

    A client whose body goes out in its own TCP segment (a slow network, a large body, or just
    timing) otherwise sees the next request on that pooled connection fail ("Server
    disconnected without sending a response") or even loses the 401 to a reset.
    """
    body = b'{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
    host = server.base_url.removeprefix("http://")
    head = [f"POST {path} HTTP/1.1", f"Host: {host}", "Content-Type: application/json"]
    head += ["Accept: application/json, text/event-stream", f"Content-Length: {len(body)}"]
    head += [auth] if auth else []
    ip, port = host.split(":")
    with socket.create_connection((ip, int(port)), timeout=5) as conn:
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        time.sleep(0.3)  # the body follows in its own segment
        response = _read_response(conn)
        status, headers = response
        assert status == 401, response
        if headers.get("connection", "").lower() == "close":
            return  # announced: the client opens a new connection for its next request
        try:
            conn.sendall(body)
            conn.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            follow_up = _read_response(conn)
        except OSError as e:
            pytest.fail(
                f"POST {path} got 401 without `Connection: close`, then the server closed the "
                f"connection: the next request on it failed with {e!r}"
            )
        assert follow_up[0] == 200, follow_up


def _read_response(conn: socket.socket) -> tuple[int, dict[str, str]]:
    """Status and headers of one HTTP/1.1 response (its body is read and dropped)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionResetError("connection closed before a response")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return int(lines[0].split()[1]), headers


def test_validate_logout_and_health(server, http, rafael_token):
    health = http.get("/mcp/health")
    assert health.status_code == 200, health.text
    assert health.json()["status"] == "healthy"
    assert health.json()["service"] == "mcp-server"
    active = health.json()["active_sessions"]
    assert isinstance(active, int) and active >= 1  # rafael_token at least

    r = http.get("/mcp/auth/validate", headers=bearer(rafael_token))
    assert r.status_code == 200, r.text
    assert r.json() == {"valid": True, "user": RAFAEL_USER}

    r = http.post("/mcp/auth/logout", headers=bearer(rafael_token))
    assert r.status_code == 200, r.text
    assert r.json() == {"success": True}
    assert http.get("/mcp/health").json()["active_sessions"] == active - 1

    # Refused everywhere from then on; a second logout too.
    for what, r in mcp_requests(http, bearer(rafael_token)).items():
        assert r.status_code == 401, f"{what} after logout: {r.status_code} {r.text}"
        assert r.json()["code"] == "INVALID_SESSION", f"{what} after logout: {r.text}"


def _count_until_refused(send, cap: int) -> tuple[int, httpx.Response, float]:
    """Sends until the first non-200; returns (how many succeeded, the refusal, seconds taken)."""
    started = time.monotonic()
    for n in range(cap):
        r = send()
        if r.status_code != 200:
            return n, r, time.monotonic() - started
    pytest.fail(f"no refusal after {cap} requests")


def test_messages_are_rate_limited_per_session(server, http, session_for):
    """60 messages a minute per session: a burst of 60, then refilled one a second."""
    token = session_for(RAFAEL_PHONE)
    sent, refusal, took = _count_until_refused(
        lambda: http.post("/mcp/messages/", headers=bearer(token), json=TOOLS_LIST), cap=200
    )
    assert_error(refusal, 429, "RATE_LIMITED")
    assert 60 <= sent <= 60 + int(took) + 1, f"{sent} messages passed in {took:.1f} s"
    # Another session of the same caller has its own budget.
    r = http.post("/mcp/messages/", headers=bearer(session_for(RAFAEL_PHONE)), json=TOOLS_LIST)
    assert r.status_code == 200, r.text


def test_the_eleventh_session_in_a_minute_is_rate_limited(limited_server):
    """10 sessions a minute per IP (on a server with the default limits): the 11th gets 429."""
    no_reuse = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(base_url=limited_server.base_url, timeout=10, limits=no_reuse) as http:
        sent, refusal, took = _count_until_refused(
            lambda: post_session(http, limited_server.beyond.mcp_api_key, {"caller_id": RAFAEL_PHONE}), cap=40
        )
    assert_error(refusal, 429, "RATE_LIMITED")
    # One more is allowed every 6 s; a run this fast sees exactly 10 before the refusal.
    assert 10 <= sent <= 10 + int(took / 6), f"{sent} sessions were opened in {took:.1f} s"
    retry_after = refusal.headers.get("retry-after")
    assert retry_after is not None and retry_after.isdigit(), refusal.headers
    assert 1 <= int(retry_after) <= 60, retry_after


# --------------------------------------------------------------------------------------------
# Isolation
# --------------------------------------------------------------------------------------------


@pytest.fixture(params=["unknown-beyond-caller", "second-beyond-customer", "askproai-customer"])
def intruder(request, server) -> tuple[str, str]:
    """(token, kind) of a caller who is not Rafael: another number at Beyond (not a customer),
    another Beyond customer (imported), or a customer of the other company (its own key)."""
    if request.param == "unknown-beyond-caller":
        return create_session(server, UNKNOWN_BEYOND_PHONE)["session_token"], request.param
    if request.param == "second-beyond-customer":
        phone, _ = request.getfixturevalue("second_beyond_customer")
        body = create_session(server, phone)
        assert body["user"]["name"] == "Ana Souza", body
        return body["session_token"], request.param
    body = create_session(server, JOHN_DOE_PHONE, server.askpro.mcp_api_key)
    assert body["user"]["name"] == "John Doe", body
    return body["session_token"], request.param


async def test_other_callers_cannot_see_or_touch_rafaels_members_and_bookings(server, rafael_token, intruder):
    token, kind = intruder
    # A caller who is not a customer may also be told exactly that (UNKNOWN_CALLER).
    acceptable = {"NOT_FOUND", "UNKNOWN_CALLER"} if kind == "unknown-beyond-caller" else {"NOT_FOUND"}
    failures: list[str] = []
    with anyio.fail_after(TEST_TIMEOUT_S):
        async with streamable_client(server.mcp_url, token=rafael_token) as rafael:
            slot, other = await find_two_slots(rafael, {"date": "tomorrow", "service": "intermediario2-lado-direito"})
            booking = ok(
                await rafael.call_tool(
                    "book_session",
                    {"member_id": RAFAEL_MEMBER, "date": slot["date"], "time": slot["time"], "service": slot["service_code"]},
                )
            )["booking"]
            try:
                prefs_before = ok(await rafael.call_tool("get_member_preferences", {"member_id": RAFAEL_MEMBER}))
                attempts = {
                    "get_member_preferences": {"member_id": RAFAEL_MEMBER},
                    "set_member_preferences": {"member_id": RAFAEL_MEMBER, "notes": "hijacked", "target_hours": ["18:00"]},
                    "get_bookings": {"member_id": RAFAEL_MEMBER},
                    "get_availability": {"date": slot["date"], "member_id": RAFAEL_MEMBER},
                    "book_session": {
                        "member_id": RAFAEL_MEMBER,
                        "date": other["date"],
                        "time": other["time"],
                        "service": other["service_code"],
                    },
                    "cancel_booking": {"booking_id": booking["booking_id"]},
                    "cancel_booking (voucher)": {"voucher_code": booking["voucher_code"]},
                    "reschedule_booking": {"booking_id": booking["booking_id"], "date": other["date"], "time": other["time"]},
                    "reschedule_booking (voucher)": {
                        "voucher_code": booking["voucher_code"],
                        "date": other["date"],
                        "time": other["time"],
                    },
                }
                async with streamable_client(server.mcp_url, token=token) as them:
                    for label, arguments in attempts.items():
                        result = await them.call_tool(label.split(" ")[0], arguments)
                        text = result.content[0].text if result.content else ""
                        code = (result.structured_content or {}).get("code")
                        if not result.is_error or code not in acceptable:
                            failures.append(
                                f"{label} {arguments}: isError={result.is_error} code={code} "
                                f"structuredContent={result.structured_content} text={text!r}"
                            )
                        elif "Rafael" in text or booking["voucher_code"] in text:
                            failures.append(f"{label}: the refusal leaks Rafael's data: {text!r}")

                # Nothing changed for Rafael.
                mine = ok(await rafael.call_tool("get_bookings", {"member_id": RAFAEL_MEMBER}))["bookings"]
                prefs_after = ok(await rafael.call_tool("get_member_preferences", {"member_id": RAFAEL_MEMBER}))
            finally:
                await cancel_quietly(rafael, booking["booking_id"])

    assert not failures, f"{kind}: not refused with isError true and code in {sorted(acceptable)}:\n" + "\n".join(failures)
    same = [b for b in mine if b["booking_id"] == booking["booking_id"]]
    assert same and same[0]["status"] == "confirmed", mine
    assert (same[0]["date"], same[0]["time"]) == (slot["date"], slot["time"])
    assert prefs_after == prefs_before
