"""Schemathesis hooks for frontdesk: the credentials each operation needs.

Loaded by run.sh through SCHEMATHESIS_HOOKS. The keys come from `frontdesk demo` through the
environment:

* `POST /mcp/auth/session`: `X-API-Key` (Beyond The Club's MCP key);
* `/mcp/auth/validate`, `/mcp/auth/logout`, `/mcp/messages/`: a fresh caller session for every
  test case (`Authorization: Bearer sess_…`), so a logout never spends another case's session;
* `/api/mcp/gateway`: AskProAI Demo's gateway token;
* `/api/mcp/retell/*`: `X-Retell-Signature` computed over the exact bytes sent, with AskProAI
  Demo's Retell API key, and `?company=askproai-demo` when the case names no company;
* `/api/vapi/tool-calls`: AskProAI Demo's Vapi secret.

Negative cases that drop a credential are left without it (schemathesis decides), and are
answered 401 as documented.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from urllib.parse import parse_qs, urlsplit

import requests
import schemathesis

BASE_URL = os.environ["FRONTDESK_ST_BASE_URL"]
MCP_KEY = os.environ["FRONTDESK_ST_MCP_KEY"]
GATEWAY_TOKEN = os.environ["FRONTDESK_ST_GATEWAY_TOKEN"]
RETELL_KEY = os.environ["FRONTDESK_ST_RETELL_KEY"]
VAPI_SECRET = os.environ["FRONTDESK_ST_VAPI_SECRET"]
RETELL_COMPANY = "askproai-demo"
CALLER = "+5511999999999"


def _set_header(case, name: str, value: str) -> None:
    if case.headers is None:
        case.headers = {}
    case.headers[name] = value


@schemathesis.auth(refresh_interval=None).apply_to(path="/mcp/auth/session")
class McpKey:
    def get(self, case, ctx):
        return MCP_KEY

    def set(self, case, data, ctx):
        _set_header(case, "X-API-Key", data)


@schemathesis.auth(refresh_interval=None).apply_to(
    path=["/mcp/auth/validate", "/mcp/auth/logout", "/mcp/messages/"]
)
class FreshSession:
    def get(self, case, ctx):
        response = requests.post(
            f"{BASE_URL}/mcp/auth/session",
            headers={"X-API-Key": MCP_KEY},
            json={"caller_id": CALLER},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["session_token"]

    def set(self, case, data, ctx):
        _set_header(case, "Authorization", f"Bearer {data}")


@schemathesis.auth(refresh_interval=None).apply_to(path="/api/mcp/gateway")
class GatewayToken:
    def get(self, case, ctx):
        return GATEWAY_TOKEN

    def set(self, case, data, ctx):
        _set_header(case, "Authorization", f"Bearer {data}")


@schemathesis.auth(refresh_interval=None).apply_to(path="/api/vapi/tool-calls")
class VapiSecret:
    def get(self, case, ctx):
        return VAPI_SECRET

    def set(self, case, data, ctx):
        _set_header(case, "X-Vapi-Secret", data)


class RetellSignature(requests.auth.AuthBase):
    """Signs the prepared request as Retell does: HMAC-SHA256 of the body followed by the
    timestamp in milliseconds."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if "company" not in parse_qs(urlsplit(request.url).query):
            request.prepare_url(request.url, {"company": RETELL_COMPANY})
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        timestamp = int(time.time() * 1000)
        digest = hmac.new(
            RETELL_KEY.encode(), body + str(timestamp).encode(), hashlib.sha256
        ).hexdigest()
        request.headers["X-Retell-Signature"] = f"v={timestamp},d={digest}"
        return request


schemathesis.auth.set_from_requests(RetellSignature()).apply_to(path_regex="^/api/mcp/retell/")


@schemathesis.hook("map_body").apply_to(path="/api/mcp/gateway")
def no_outside_webhook_targets(ctx, body):
    """`retell_config.testWebhook` posts to `webhook_url`: keep the run on this machine."""
    calls = body if isinstance(body, list) else [body]
    for call in calls:
        params = call.get("params") if isinstance(call, dict) else None
        if isinstance(params, dict):
            params.pop("webhook_url", None)
    return body
