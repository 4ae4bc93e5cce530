"""Streamable HTTP on `/mcp` with the official SDK's `Client`, in both protocol eras:

* handshake mode (`mode="legacy"`): `initialize`, a 2025-era version, `Mcp-Session-Id`;
* modern stateless mode (`mode="2026-07-28"`): no handshake, every request stands alone;
* `mode="auto"` (the SDK default): probes `server/discover` and must settle on 2026-07-28.

Authentication is the caller session's Bearer token, or the static headers a voice platform
can send (`X-API-Key` + `X-Caller-Id`).
"""

from __future__ import annotations

import uuid

import anyio
import httpx
import pytest

from helpers import (
    HANDSHAKE_VERSIONS,
    LUCAS_MEMBER,
    MODERN,
    RAFAEL_PHONE,
    TEST_TIMEOUT_S,
    VOUCHER,
    assert_tool_listing,
    bearer,
    cancel_quietly,
    find_two_slots,
    ok,
    streamable_client,
    upcoming_booking_ids,
)

ERAS = [pytest.param("legacy", id="handshake"), pytest.param(MODERN, id="modern-2026-07-28")]


def assert_era(client, mode: str) -> None:
    if mode == "legacy":
        assert client.protocol_version in HANDSHAKE_VERSIONS
        assert client.session.initialize_result is not None
        assert client.server_info is not None and client.server_info.name == "frontdesk"
    else:
        assert client.protocol_version == MODERN
        assert client.session.initialize_result is None


@pytest.mark.parametrize("mode", ERAS)
async def test_lists_tools_and_reads_business_and_availability(server, rafael_token, mode):
    with anyio.fail_after(TEST_TIMEOUT_S):
        async with streamable_client(server.mcp_url, token=rafael_token, mode=mode) as mcp:
            assert_era(mcp, mode)
            assert_tool_listing(await mcp.list_tools())

            info = ok(await mcp.call_tool("get_business_info", {}))
            assert info["name"] == "Beyond The Club"
            assert info["time_zone"] == "America/Sao_Paulo"
            assert info["policy"]["max_active_bookings_per_member"] == 1
            assert info["policy"]["min_notice_minutes"] == 20

            availability = ok(
                await mcp.call_tool("get_availability", {"date": "tomorrow", "level": "Intermediario2"})
            )
            assert availability["time_zone"] == "America/Sao_Paulo"
            assert availability["date_from"] == availability["date_to"]
            assert availability["date_from"] > info["now"]["date"]  # tomorrow, in São Paulo
            for slot in availability["slots"]:
                assert slot["attributes"]["level"] == "Intermediario2"
                assert slot["date"] == availability["date_from"]
                assert slot["time"] in {"08:00", "12:00", "18:00"}


async def test_auto_mode_negotiates_the_modern_revision(server, rafael_token):
    with anyio.fail_after(TEST_TIMEOUT_S):
        async with streamable_client(server.mcp_url, token=rafael_token, mode="auto") as mcp:
            assert mcp.protocol_version == MODERN
            assert mcp.session.discover_result is not None
            assert MODERN in mcp.session.discover_result.supported_versions
            ok(await mcp.call_tool("get_business_info", {}))


@pytest.mark.parametrize("mode", ERAS)
async def test_book_and_cancel_for_lucas(server, rafael_token, mode):
    """Rafael books a session for his son Lucas (Iniciante2) and cancels it by voucher code."""
    with anyio.fail_after(TEST_TIMEOUT_S):
        async with streamable_client(server.mcp_url, token=rafael_token, mode=mode) as mcp:
            slot, _ = await find_two_slots(mcp, {"date": "tomorrow", "service": "iniciante2-lado-direito"})
            booked = ok(
                await mcp.call_tool(
                    "book_session",
                    {
                        "member_id": LUCAS_MEMBER,
                        "date": slot["date"],
                        "time": slot["time"],
                        "service": slot["service_code"],
                        "idempotency_key": f"e2e-http-{mode}-{uuid.uuid4()}",
                    },
                )
            )["booking"]
            done = False
            try:
                assert booked["status"] == "confirmed"
                assert booked["member_id"] == LUCAS_MEMBER
                assert booked["member"] == "Lucas Silva"
                assert (booked["date"], booked["time"]) == (slot["date"], slot["time"])
                assert VOUCHER.match(booked["voucher_code"])
                assert booked["booking_id"] in await upcoming_booking_ids(mcp, LUCAS_MEMBER)

                # A caller reads the code aloud, in lower case and with a space.
                spoken = booked["voucher_code"].lower().replace("-", " ")
                cancelled = ok(await mcp.call_tool("cancel_booking", {"voucher_code": spoken}))["booking"]
                assert cancelled["booking_id"] == booked["booking_id"]
                assert cancelled["status"] == "cancelled"
                assert isinstance(cancelled["refund_applicable"], bool)
                assert booked["booking_id"] not in await upcoming_booking_ids(mcp, LUCAS_MEMBER)
                done = True
            finally:
                if not done:
                    await cancel_quietly(mcp, booked["booking_id"])


@pytest.mark.parametrize("mode", ERAS)
async def test_static_headers_without_a_token(server, mode):
    """Voice platforms that only send fixed headers: X-API-Key + X-Caller-Id, no Bearer.
    The first request opens a caller session for the number; later requests (of this client,
    and of any other with the same headers) reuse it until it expires."""
    headers = {"X-API-Key": server.beyond.mcp_api_key, "X-Caller-Id": RAFAEL_PHONE}
    async with httpx.AsyncClient(timeout=10) as http:
        before = (await http.get(server.url("/mcp/health"))).json()["active_sessions"]
        with anyio.fail_after(TEST_TIMEOUT_S):
            async with streamable_client(server.mcp_url, headers=headers, mode=mode) as mcp:
                assert_era(mcp, mode)
                members = ok(await mcp.call_tool("get_members", {}))
                assert members["known_caller"] is True
                assert {m["member_id"]: m["name"] for m in members["members"]} == {
                    12345: "Rafael Silva",
                    12346: "Lucas Silva",
                }
                again = ok(await mcp.call_tool("get_members", {}))
                assert again["members"] == members["members"]
        after = (await http.get(server.url("/mcp/health"))).json()["active_sessions"]
    # Not one session per request: at most one new (none when an earlier test opened it).
    assert before <= after <= before + 1, f"active sessions went from {before} to {after}"


async def test_static_headers_with_a_wrong_key_are_refused(server):
    async with httpx.AsyncClient(timeout=10) as http:
        r = await http.post(
            server.mcp_url,
            headers={
                "X-API-Key": "fd_mcp_not-a-real-key",
                "X-Caller-Id": RAFAEL_PHONE,
                "Accept": "application/json, text/event-stream",
            },
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        )
    assert r.status_code == 401, r.text
    assert r.json()["code"] == "INVALID_API_KEY"


async def test_delete_ends_a_handshake_session(server, rafael_token):
    """`DELETE /mcp` with the Mcp-Session-Id closes that MCP session; the id is unknown afterwards."""
    headers = bearer(rafael_token) | {"Accept": "application/json, text/event-stream"}
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}},
    }
    async with httpx.AsyncClient(timeout=10) as http:
        r = await http.post(server.mcp_url, headers=headers, json=initialize)
        assert r.status_code == 200, r.text
        session_id = r.headers["mcp-session-id"]
        headers |= {"Mcp-Session-Id": session_id, "Mcp-Protocol-Version": "2025-06-18"}

        r = await http.delete(server.mcp_url, headers=headers)
        assert 200 <= r.status_code < 300, r.text

        r = await http.post(server.mcp_url, headers=headers, json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
        assert r.status_code == 404, r.text


async def test_preferences_round_trip_and_rank_availability(server, rafael_token):
    """Saved preferences come back as saved and put the preferred slot first."""
    wanted = {"level": ["Iniciante2"], "wave_side": ["Lado_direito"], "target_hours": ["17:00"]}
    with anyio.fail_after(TEST_TIMEOUT_S):
        async with streamable_client(server.mcp_url, token=rafael_token) as mcp:
            try:
                saved = ok(await mcp.call_tool("set_member_preferences", {"member_id": LUCAS_MEMBER, **wanted}))
                assert saved["member_id"] == LUCAS_MEMBER
                assert saved["empty"] is False
                read = ok(await mcp.call_tool("get_member_preferences", {"member_id": LUCAS_MEMBER}))
                assert read["preferences"] == saved["preferences"]
                assert read["preferences"]["attributes"] == {"level": ["Iniciante2"], "wave_side": ["Lado_direito"]}
                assert read["preferences"]["target_hours"] == ["17:00"]

                ranked = ok(
                    await mcp.call_tool(
                        "get_availability", {"date": "tomorrow", "level": "Iniciante2", "member_id": LUCAS_MEMBER}
                    )
                )
                assert ranked["ranked"] is True
                if free := [s for s in ranked["slots"] if s["remaining"] > 0]:
                    best = free[0]
                    assert (best["time"], best["attributes"]["wave_side"]) == ("17:00", "Lado_direito"), free
            finally:
                with anyio.CancelScope(shield=True):
                    cleared = await mcp.call_tool(
                        "set_member_preferences",
                        {"member_id": LUCAS_MEMBER, "attributes": {"level": [], "wave_side": []}, "target_hours": []},
                    )
            assert ok(cleared)["empty"] is True, cleared.structured_content
