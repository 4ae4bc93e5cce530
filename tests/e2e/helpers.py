"""Shared pieces of the end-to-end tests: MCP clients from the official SDK, and checks on
tool results as an agent reads them (`structuredContent` plus one text to read aloud)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
import httpx2
import mcp_types as types
from mcp import ClientSession
from mcp.client import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

RAFAEL_PHONE = "+5511999999999"
RAFAEL_MEMBER = 12345  # Rafael Silva himself, Intermediario2
LUCAS_MEMBER = 12346  # his son Lucas, Iniciante2
JOHN_DOE_PHONE = "+491234567890"  # AskProAI Demo's known customer
UNKNOWN_BEYOND_PHONE = "+5511988887777"

TOOL_NAMES = {
    "get_members",
    "get_member_preferences",
    "set_member_preferences",
    "get_availability",
    "book_session",
    "cancel_booking",
    "get_bookings",
    "reschedule_booking",
    "get_business_info",
    "join_waitlist",
    "get_waitlist",
    "leave_waitlist",
}
# The arguments the tests (and voice agents following the docs) send, per tool.
DOCUMENTED_ARGUMENTS = {
    "get_members": set(),
    "get_member_preferences": {"member_id"},
    "set_member_preferences": {"member_id", "level", "wave_side", "target_hours", "notes", "auto_book"},
    "get_availability": {"date", "level", "wave_side", "service", "member_id"},
    "book_session": {"member_id", "date", "time", "service", "level", "wave_side", "idempotency_key"},
    "cancel_booking": {"booking_id", "voucher_code", "reason"},
    "get_bookings": {"member_id"},
    "reschedule_booking": {"booking_id", "voucher_code", "date", "time"},
    "get_business_info": set(),
    "join_waitlist": {"member_id", "service", "level", "wave_side", "date", "date_from", "date_to", "time_from", "time_to", "auto_book"},
    "get_waitlist": {"member_id"},
    "leave_waitlist": {"entry_id"},
}
# Names other MCP servers use for the same tools; frontdesk must not expose them.
ALIASES = {"check_availability", "list_bookings"}

MODERN = "2026-07-28"
HANDSHAKE_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")

TEST_TIMEOUT_S = 60  # every async test runs inside anyio.fail_after(TEST_TIMEOUT_S)
CALL_TIMEOUT_S = 20.0  # one MCP request
VOUCHER = re.compile(r"^[A-Z]{3}-\d{3}$")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def create_session(server: Any, caller_id: str, api_key: str | None = None) -> dict[str, Any]:
    """POST /mcp/auth/session with Beyond's key (or `api_key`); asserts 200 and returns the body."""
    key = api_key if api_key is not None else server.beyond.mcp_api_key
    r = httpx.post(
        server.url("/mcp/auth/session"),
        headers={"X-API-Key": key},
        json={"caller_id": caller_id},
        timeout=10,
    )
    assert r.status_code == 200, f"POST /mcp/auth/session for {caller_id}: {r.status_code} {r.text}"
    body = r.json()
    assert body["session_token"].startswith("sess_"), body
    return body


# --------------------------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------------------------


@asynccontextmanager
async def streamable_client(
    mcp_url: str,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    mode: str = MODERN,
) -> AsyncIterator[Client]:
    """An SDK `Client` on Streamable HTTP (`mcp_url` is base + "/mcp").

    `mode` is how mcp 2.3.0 picks the protocol era: "legacy" runs the `initialize` handshake
    (2025-11-25 and earlier, with `Mcp-Session-Id`), a modern version string ("2026-07-28")
    adopts that stateless revision directly, and "auto" probes `server/discover` first.
    """
    all_headers = dict(headers or {})
    if token is not None:
        all_headers.update(bearer(token))
    async with httpx2.AsyncClient(headers=all_headers, timeout=httpx2.Timeout(CALL_TIMEOUT_S)) as http:
        transport = streamable_http_client(mcp_url, http_client=http)
        async with Client(transport, mode=mode, read_timeout_seconds=CALL_TIMEOUT_S) as client:
            yield client


@asynccontextmanager
async def sse_session(base_url: str, token: str) -> AsyncIterator[ClientSession]:
    """An initialized SDK `ClientSession` on the legacy HTTP+SSE transport (`GET /mcp/sse`)."""
    async with sse_client(
        url=base_url + "/mcp/sse",
        headers=bearer(token),
        timeout=CALL_TIMEOUT_S,
        sse_read_timeout=60,
    ) as (read, write):
        async with ClientSession(read, write, read_timeout_seconds=CALL_TIMEOUT_S) as session:
            await session.initialize()
            yield session


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def text_of(result: types.CallToolResult) -> str:
    """The single text content every frontdesk tool result carries."""
    assert len(result.content) == 1, f"expected one content item, got {result.content!r}"
    item = result.content[0]
    assert isinstance(item, types.TextContent), f"expected text content, got {item!r}"
    assert item.text.strip(), "the text to read aloud is empty"
    return item.text


def ok(result: types.CallToolResult) -> dict[str, Any]:
    """Asserts a successful tool result and returns its structuredContent."""
    text = text_of(result)
    assert not result.is_error, f"tool error: {text} / {result.structured_content}"
    assert isinstance(result.structured_content, dict), f"no structuredContent: {result!r}"
    return result.structured_content


def refused(result: types.CallToolResult) -> dict[str, Any]:
    """Asserts a tool error (isError true, with a text and a stable code) and returns its structuredContent."""
    text = text_of(result)
    assert result.is_error, f"expected isError true, got a success: {text} / {result.structured_content}"
    sc = result.structured_content
    assert isinstance(sc, dict) and isinstance(sc.get("code"), str), f"tool error without a code: {result!r}"
    return sc


def tool_names(listing: types.ListToolsResult) -> set[str]:
    return {t.name for t in listing.tools}


def assert_tool_listing(listing: types.ListToolsResult) -> None:
    names = tool_names(listing)
    assert names == TOOL_NAMES, f"tools: extra {sorted(names - TOOL_NAMES)}, missing {sorted(TOOL_NAMES - names)}"
    assert not names & ALIASES
    for tool in listing.tools:
        assert tool.description, f"{tool.name} has no description"
        assert tool.input_schema.get("type") == "object", f"{tool.name}: {tool.input_schema}"
        properties = set(tool.input_schema.get("properties", {}))
        missing = DOCUMENTED_ARGUMENTS[tool.name] - properties
        assert not missing, f"{tool.name} lacks the arguments {sorted(missing)} (has {sorted(properties)})"
        assert set(tool.input_schema.get("required", [])) <= properties, tool.input_schema


# --------------------------------------------------------------------------------------------
# Finding slots
# --------------------------------------------------------------------------------------------


def free_slots(availability: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in availability["slots"] if s["remaining"] > 0]


def two_times_of_one_service(slots: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Two free slots of the same service on the same day at different times, or None."""
    for a in slots:
        for b in slots:
            if a["service_code"] == b["service_code"] and a["date"] == b["date"] and a["time"] != b["time"]:
                return a, b
    return None


async def find_two_slots(client: Client | ClientSession, first_query: dict[str, Any]) -> tuple[dict, dict]:
    """Two free slots of one service on one day: from `first_query` (e.g. tomorrow), or, when
    that day has none (a holiday, a full day), from the next week of the same query."""
    found = two_times_of_one_service(free_slots(ok(await client.call_tool("get_availability", first_query))))
    if found:
        return found
    today = dt.date.fromisoformat(ok(await client.call_tool("get_business_info", {}))["now"]["date"])
    query = {k: v for k, v in first_query.items() if k != "date"}
    query |= {"date_from": (today + dt.timedelta(days=2)).isoformat(), "date_to": (today + dt.timedelta(days=9)).isoformat()}
    found = two_times_of_one_service(free_slots(ok(await client.call_tool("get_availability", query))))
    assert found, f"no day with two free slots of one service for {first_query} within ten days"
    return found


async def upcoming_booking_ids(client: Client | ClientSession, member_id: int) -> set[int]:
    listing = ok(await client.call_tool("get_bookings", {"member_id": member_id}))
    return {b["booking_id"] for b in listing["bookings"]}


async def cancel_quietly(client: Client | ClientSession, booking_id: int) -> None:
    """Clean-up after a failed test: cancel a booking (each Beyond member may hold only one),
    even while the test is being cancelled by its timeout."""
    with anyio.CancelScope(shield=True), anyio.move_on_after(10):
        try:
            await client.call_tool("cancel_booking", {"booking_id": booking_id, "reason": "e2e clean-up"})
        except Exception:
            pass


# --------------------------------------------------------------------------------------------
# Direct mode over plain HTTP (the message tests)
# --------------------------------------------------------------------------------------------


def next_weekday(days_ahead: int) -> dt.date:
    """The first Monday-to-Friday day at least `days_ahead` days from today."""
    day = dt.date.today() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def direct_session(server: Any, api_key: str, caller_id: str) -> str:
    return create_session(server, caller_id, api_key)["session_token"]


def direct_tool(server: Any, token: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """A `tools/call` in the guide's direct mode; asserts success and returns the structured result."""
    r = httpx.post(
        server.url("/mcp/messages/"),
        headers=bearer(token),
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}},
        timeout=20,
    )
    assert r.status_code == 200, r.text
    result = r.json()["result"]
    assert result["isError"] is False, result
    return result["structuredContent"]
