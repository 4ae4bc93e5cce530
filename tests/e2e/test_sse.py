"""The integration guide's transport: legacy HTTP+SSE (`GET /mcp/sse`, `POST /mcp/messages/`)
driven by the official SDK's `sse_client` and `ClientSession`, for a whole phone call."""

from __future__ import annotations

import json
import uuid

import anyio
import httpx
import pytest
from mcp_types import CONNECTION_CLOSED
from mcp.shared.exceptions import MCPError

from helpers import (
    HANDSHAKE_VERSIONS,
    RAFAEL_MEMBER,
    RAFAEL_PHONE,
    TEST_TIMEOUT_S,
    VOUCHER,
    assert_tool_listing,
    bearer,
    cancel_quietly,
    find_two_slots,
    ok,
    sse_session,
    upcoming_booking_ids,
)


async def test_whole_call_over_sse_then_logout_ends_the_stream(server, rafael_token):
    with anyio.fail_after(TEST_TIMEOUT_S):
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            async with sse_session(server.base_url, rafael_token) as mcp:
                assert mcp.protocol_version in HANDSHAKE_VERSIONS
                assert mcp.server_info is not None and mcp.server_info.name == "frontdesk"

                assert_tool_listing(await mcp.list_tools())

                members = ok(await mcp.call_tool("get_members", {}))
                assert members["known_caller"] is True
                by_id = {m["member_id"]: m for m in members["members"]}
                assert set(by_id) == {12345, 12346}
                assert by_id[12345]["name"] == "Rafael Silva"

                first, second = await find_two_slots(mcp, {"date": "tomorrow", "level": "Intermediario2"})
                for slot in (first, second):
                    assert slot["attributes"]["level"] == "Intermediario2"

                key = f"e2e-sse-{uuid.uuid4()}"
                booked = ok(
                    await mcp.call_tool(
                        "book_session",
                        {
                            "member_id": RAFAEL_MEMBER,
                            "date": first["date"],
                            "time": first["time"],
                            "level": first["attributes"]["level"],
                            "wave_side": first["attributes"]["wave_side"],
                            "idempotency_key": key,
                        },
                    )
                )
                booking = booked["booking"]
                booking_id = booking["booking_id"]
                try:
                    assert booked["replayed"] is False
                    assert booking["status"] == "confirmed"
                    assert booking["member_id"] == RAFAEL_MEMBER
                    assert (booking["date"], booking["time"]) == (first["date"], first["time"])
                    assert booking["service_code"] == first["service_code"]
                    assert booking["time_zone"] == "America/Sao_Paulo"
                    assert VOUCHER.match(booking["voucher_code"]), booking["voucher_code"]

                    # A retry with the same idempotency key returns the same booking.
                    retry = ok(
                        await mcp.call_tool(
                            "book_session",
                            {
                                "member_id": RAFAEL_MEMBER,
                                "date": first["date"],
                                "time": first["time"],
                                "level": first["attributes"]["level"],
                                "wave_side": first["attributes"]["wave_side"],
                                "idempotency_key": key,
                            },
                        )
                    )
                    assert retry["replayed"] is True
                    assert retry["booking"]["booking_id"] == booking_id

                    listed = ok(await mcp.call_tool("get_bookings", {"member_id": RAFAEL_MEMBER}))
                    assert booking_id in {b["booking_id"] for b in listed["bookings"]}

                    moved = ok(
                        await mcp.call_tool(
                            "reschedule_booking",
                            {"booking_id": booking_id, "date": second["date"], "time": second["time"]},
                        )
                    )
                    assert moved["before"]["time"] == first["time"]
                    assert (moved["after"]["date"], moved["after"]["time"]) == (second["date"], second["time"])
                    assert moved["after"]["status"] == "confirmed"
                    assert moved["after"]["service_code"] == first["service_code"]
                    booking_id = moved["after"]["booking_id"]
                    listed = ok(await mcp.call_tool("get_bookings", {"member_id": RAFAEL_MEMBER}))
                    times = {b["booking_id"]: b["time"] for b in listed["bookings"]}
                    assert times.get(booking_id) == second["time"], listed

                    cancelled = ok(
                        await mcp.call_tool(
                            "cancel_booking", {"booking_id": booking_id, "reason": "e2e: caller changed plans"}
                        )
                    )
                    assert cancelled["booking"]["status"] == "cancelled"
                    assert cancelled["booking"]["booking_id"] == booking_id
                    assert booking_id not in await upcoming_booking_ids(mcp, RAFAEL_MEMBER)
                    booking_id = None
                finally:
                    if booking_id is not None:  # leave no active booking behind for other tests
                        await cancel_quietly(mcp, booking_id)

                # The call ends: the agent logs out, and the stream of this session ends at once.
                r = await http.post("/mcp/auth/logout", headers=bearer(rafael_token))
                assert r.status_code == 200, r.text
                assert r.json() == {"success": True}

                with anyio.move_on_after(10) as waited:
                    with pytest.raises(MCPError) as failure:
                        await mcp.call_tool("get_members", {})
                assert not waited.cancelled_caught, "a tool call after logout neither failed nor ended within 10 s"
                assert failure.value.code == CONNECTION_CLOSED, failure.value

            r = await http.get("/mcp/auth/validate", headers=bearer(rafael_token))
            assert r.status_code == 401, r.text
            assert r.json()["valid"] is False
            assert r.json()["code"] == "INVALID_SESSION"


async def test_sse_rejects_a_second_stream_for_the_same_session(server, rafael_token):
    with anyio.fail_after(TEST_TIMEOUT_S):
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            async with http.stream("GET", "/mcp/sse", headers=bearer(rafael_token)) as first:
                assert first.status_code == 200
                assert first.headers["content-type"].startswith("text/event-stream")
                second = await http.get("/mcp/sse", headers=bearer(rafael_token))
                assert second.status_code == 429, second.text
                assert second.json()["code"] == "RATE_LIMITED"


async def _next_event(lines, wanted: str) -> str:
    """Reads SSE lines until an event named `wanted` and returns its data.

    `lines` is one `aiter_lines()` iterator kept for the whole stream: dropping an iterator
    closes the response, which would end the SSE session.
    """
    event = None
    async for line in lines:
        if line.startswith("event:"):
            event = line.partition(":")[2].strip()
        elif line.startswith("data:") and event == wanted:
            return line.partition(":")[2].strip()
    raise AssertionError(f"the SSE stream ended before an {wanted!r} event")


async def test_sse_session_id_is_usable_only_by_its_own_caller_session(server, session_for):
    rafael = session_for(RAFAEL_PHONE)
    other = session_for(RAFAEL_PHONE)  # even a second session of the same caller
    no_reuse = httpx.Limits(max_keepalive_connections=0)  # see test_a_refused_post_leaves_the_connection_usable
    with anyio.fail_after(TEST_TIMEOUT_S):
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10, limits=no_reuse) as http:
            async with http.stream("GET", "/mcp/sse", headers=bearer(rafael)) as stream:
                assert stream.status_code == 200
                assert stream.headers.get("x-accel-buffering") == "no"
                lines = stream.aiter_lines()
                endpoint = await _next_event(lines, "endpoint")
                assert endpoint.startswith("/mcp/messages/?session_id="), endpoint
                message = {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {
                        "protocolVersion": "2024-11-05",
                        "capabilities": {},
                        "clientInfo": {"name": "e2e", "version": "1"},
                    },
                }

                stolen = await http.post(endpoint, headers=bearer(other), json=message)
                assert stolen.status_code == 404, stolen.text
                assert stolen.json()["code"] == "INVALID_SESSION_ID"

                own = await http.post(endpoint, headers=bearer(rafael), json=message)
                assert own.status_code == 202, own.text
                # The answer arrives on the stream as an `event: message`.
                answer = json.loads(await _next_event(lines, "message"))
                assert answer["id"] == 1, answer
                assert answer["result"]["serverInfo"]["name"] == "frontdesk", answer
