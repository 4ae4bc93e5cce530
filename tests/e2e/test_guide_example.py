"""The integration guide's "Example Integration (Python)", copied as written (httpx, no MCP
SDK, `POST /mcp/messages/` without `initialize`), pointed at the test server."""

from __future__ import annotations

import anyio
import pytest

from helpers import RAFAEL_PHONE, TEST_TIMEOUT_S, TOOL_NAMES

# ---- begin: copied from beyond-mcp-integration-guide.md ------------------------------------
import httpx
import json

MCP_URL = "https://beyond.agentclub.io/mcp"
API_KEY = "your_mcp_api_key_here"

async def create_session(caller_id: str) -> dict:
    """Create a new MCP session for a caller."""
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{MCP_URL}/auth/session",
            headers={"X-API-Key": API_KEY},
            json={"caller_id": caller_id}
        )
        response.raise_for_status()
        return response.json()

async def list_tools(session_token: str) -> dict:
    """List available MCP tools."""
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{MCP_URL}/messages/",
            headers={"Authorization": f"Bearer {session_token}"},
            json={
                "jsonrpc": "2.0",
                "id": 1,
                "method": "tools/list"
            }
        )
        response.raise_for_status()
        return response.json()

async def call_tool(session_token: str, tool_name: str, arguments: dict) -> dict:
    """Call an MCP tool."""
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{MCP_URL}/messages/",
            headers={"Authorization": f"Bearer {session_token}"},
            json={
                "jsonrpc": "2.0",
                "id": 2,
                "method": "tools/call",
                "params": {
                    "name": tool_name,
                    "arguments": arguments
                }
            }
        )
        response.raise_for_status()
        return response.json()

# Usage example
async def handle_voice_call(caller_phone: str):
    # 1. Create session
    session = await create_session(caller_phone)
    token = session["session_token"]
    user = session["user"]

    print(f"Session created for {user['name']}")

    # 2. List available tools
    tools = await list_tools(token)
    print(f"Available tools: {tools}")

    # 3. Get member's bookings
    if user["member_ids"]:
        result = await call_tool(
            token,
            "get_bookings",
            {"member_id": user["member_ids"][0]}
        )
        print(f"Bookings: {result}")
# ---- end: copied from the guide -------------------------------------------------------------


@pytest.fixture
def guide(server, monkeypatch):
    """Points the example at the test server and records what each of its calls returned."""
    module = globals()
    monkeypatch.setitem(module, "MCP_URL", server.mcp_url)
    monkeypatch.setitem(module, "API_KEY", server.beyond.mcp_api_key)
    seen: dict[str, list] = {"create_session": [], "list_tools": [], "call_tool": []}
    for name in list(seen):
        original = module[name]

        def recording(*args, _original=original, _name=name):
            async def run():
                result = await _original(*args)
                seen[_name].append((args, result))
                return result

            return run()

        monkeypatch.setitem(module, name, recording)
    return seen


def assert_jsonrpc_result(answer: dict, request_id: int) -> dict:
    assert answer.get("jsonrpc") == "2.0", answer
    assert answer.get("id") == request_id, answer
    assert "error" not in answer, answer
    assert isinstance(answer.get("result"), dict), answer
    return answer["result"]


async def test_handle_voice_call_runs_as_written(guide, capsys):
    with anyio.fail_after(TEST_TIMEOUT_S):
        await handle_voice_call(RAFAEL_PHONE)

    (_, session), = guide["create_session"]
    assert session["expires_in"] == 600
    assert session["user"] == {
        "phone": RAFAEL_PHONE,
        "name": "Rafael Silva",
        "has_beyond_token": True,
        "member_ids": [12345, 12346],
    }
    assert capsys.readouterr().out.startswith("Session created for Rafael Silva\n")

    (_, tools), = guide["list_tools"]
    listing = assert_jsonrpc_result(tools, 1)
    assert {t["name"] for t in listing["tools"]} == TOOL_NAMES

    ((token, tool, arguments), bookings), = guide["call_tool"]
    assert (tool, arguments) == ("get_bookings", {"member_id": 12345})
    result = assert_jsonrpc_result(bookings, 2)
    assert result["isError"] is False
    assert [c["type"] for c in result["content"]] == ["text"]
    structured = result["structuredContent"]
    assert structured["member_id"] == 12345
    assert isinstance(structured["bookings"], list)
    assert structured["count"] == len(structured["bookings"])


async def test_guide_example_accepts_the_documented_phone_formats(guide):
    """The guide's table: without '+', and the local format, are auto-normalised."""
    with anyio.fail_after(TEST_TIMEOUT_S):
        for spelled in ("5511999999999", "(11) 99999-9999"):
            session = await create_session(spelled)
            assert session["user"]["phone"] == RAFAEL_PHONE
            assert session["user"]["name"] == "Rafael Silva"
            assert session["user"]["member_ids"] == [12345, 12346]
            answer = await call_tool(session["session_token"], "get_members", {})
            assert len(assert_jsonrpc_result(answer, 2)["structuredContent"]["members"]) == 2


async def test_guide_example_raises_on_a_bad_api_key(guide, monkeypatch):
    monkeypatch.setitem(globals(), "API_KEY", "fd_mcp_wrong")
    with anyio.fail_after(TEST_TIMEOUT_S):
        with pytest.raises(httpx.HTTPStatusError) as failure:
            await create_session(RAFAEL_PHONE)
    assert failure.value.response.status_code == 401
    assert failure.value.response.json() == {
        "error": failure.value.response.json()["error"],
        "code": "INVALID_API_KEY",
    }
