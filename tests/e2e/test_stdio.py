"""`frontdesk mcp-stdio` for desktop MCP clients, driven by the SDK's `stdio_client`, on the
running server's SQLite file (so it sees the same business, callers and bookings)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client import Client

from helpers import (
    CALL_TIMEOUT_S,
    HANDSHAKE_VERSIONS,
    LUCAS_MEMBER,
    RAFAEL_PHONE,
    TEST_TIMEOUT_S,
    assert_tool_listing,
    cancel_quietly,
    find_two_slots,
    ok,
    streamable_client,
    upcoming_booking_ids,
)


def stdio_params(server, caller: str = RAFAEL_PHONE, company: str = "beyond-the-club") -> StdioServerParameters:
    return StdioServerParameters(
        command=server.binary,
        args=["mcp-stdio", "--company", company, "--caller", caller, "--database", server.database_url],
        env={"FRONTDESK_LOG_FORMAT": "json"},
        cwd=str(server.workdir),
    )


@asynccontextmanager
async def stdio_session(server, errlog: Path, **kwargs):
    with errlog.open("w") as err:
        async with stdio_client(stdio_params(server, **kwargs), errlog=err) as (read, write):
            async with ClientSession(read, write, read_timeout_seconds=CALL_TIMEOUT_S) as session:
                yield session


async def test_stdio_lists_tools_and_gets_rafaels_members(server, tmp_path):
    errlog = tmp_path / "mcp-stdio.stderr"
    try:
        with anyio.fail_after(TEST_TIMEOUT_S):
            async with stdio_session(server, errlog) as mcp:
                init = await mcp.initialize()
                assert init.protocol_version in HANDSHAKE_VERSIONS
                assert init.server_info.name == "frontdesk"

                assert_tool_listing(await mcp.list_tools())

                members = ok(await mcp.call_tool("get_members", {}))
                assert members["known_caller"] is True
                assert {m["member_id"]: m["name"] for m in members["members"]} == {
                    12345: "Rafael Silva",
                    12346: "Lucas Silva",
                }
    except BaseException:
        print(f"mcp-stdio stderr:\n{errlog.read_text() if errlog.exists() else '(none)'}")
        raise


async def test_stdio_with_the_sdk_default_client(server):
    """`Client(StdioServerParameters)` in its default mode (auto: discover, else initialize)."""
    with anyio.fail_after(TEST_TIMEOUT_S):
        async with Client(stdio_params(server, caller=RAFAEL_PHONE), read_timeout_seconds=CALL_TIMEOUT_S) as mcp:
            info = ok(await mcp.call_tool("get_business_info", {}))
            assert info["name"] == "Beyond The Club"
            prefs = ok(await mcp.call_tool("get_member_preferences", {"member_id": 12345}))
            assert prefs["member_id"] == 12345


async def test_stdio_sees_bookings_made_over_http(server, rafael_token, tmp_path):
    """Both front doors share one database: a booking made by the voice agent over HTTP is
    listed by the desktop client on stdio, and cancelling it there frees it for HTTP too."""
    with anyio.fail_after(TEST_TIMEOUT_S):
        async with streamable_client(server.mcp_url, token=rafael_token) as http_mcp:
            slot, _ = await find_two_slots(http_mcp, {"date": "tomorrow", "service": "iniciante2-lado-esquerdo"})
            booking = ok(
                await http_mcp.call_tool(
                    "book_session",
                    {"member_id": LUCAS_MEMBER, "date": slot["date"], "time": slot["time"], "service": slot["service_code"]},
                )
            )["booking"]
            done = False
            try:
                async with stdio_session(server, tmp_path / "mcp-stdio.stderr") as stdio_mcp:
                    await stdio_mcp.initialize()
                    assert booking["booking_id"] in await upcoming_booking_ids(stdio_mcp, LUCAS_MEMBER)
                    cancelled = ok(await stdio_mcp.call_tool("cancel_booking", {"booking_id": booking["booking_id"]}))
                    assert cancelled["booking"]["status"] == "cancelled"
                assert booking["booking_id"] not in await upcoming_booking_ids(http_mcp, LUCAS_MEMBER)
                done = True
            finally:
                if not done:
                    await cancel_quietly(http_mcp, booking["booking_id"])
