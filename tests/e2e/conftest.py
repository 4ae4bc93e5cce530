"""Fixtures for the end-to-end tests: real `frontdesk` servers on loopback ports.

Two servers run for the whole session, each with its own SQLite file:

* `server`: `FRONTDESK_RATE_SESSIONS_PER_MINUTE=1000`, used by almost every test;
* `limited_server`: the default limits (10 sessions a minute per IP), only for the
  rate-limit test, so nothing else spends its budget.

Both are started with `serve --demo`; the companies the tests use come from a second process,
`frontdesk demo --database <same file>`, which prints them as JSON, and their keys from
`frontdesk key create`. When a test fails, the
part of each server's log written during that test is attached to the report.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from helpers import create_session

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

READY_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 15.0
CLI_TIMEOUT_S = 60.0

BEYOND = "beyond-the-club"
ASKPRO = "askproai-demo"

# A second customer of Beyond The Club, imported by `second_beyond_customer`, so isolation can
# be tested between two *known* callers of the same business (the demo data has only Rafael).
SECOND_BEYOND_PHONE = "+5511977776666"
SECOND_BEYOND_MEMBER_ID = 22222
SECOND_BEYOND_TOML = f"""
[[customers]]
phone = "{SECOND_BEYOND_PHONE}"
name = "Ana Souza"
has_linked_account = true

[[customers.members]]
id = {SECOND_BEYOND_MEMBER_ID}
name = "Ana Souza"
level = "Intermediario2"
relationship = "self"
"""


# --------------------------------------------------------------------------------------------
# The binary
# --------------------------------------------------------------------------------------------


def frontdesk_bin() -> str:
    """`$FRONTDESK_BIN`, or the debug build in `$CARGO_TARGET_DIR` (default `target`)."""
    configured = os.environ.get("FRONTDESK_BIN")
    if configured:
        path = Path(configured)
    else:
        target = Path(os.environ.get("CARGO_TARGET_DIR", "target"))
        if not target.is_absolute():
            target = REPO / target
        path = target / "debug" / "frontdesk"
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(
            f"frontdesk binary not found at {path}: run tests/e2e/run.sh, or build it "
            "(`cargo build -p frontdesk`) and set FRONTDESK_BIN",
            pytrace=False,
        )
    return str(path.resolve())


def child_env(**settings: str) -> dict[str, str]:
    """The test process's environment without any `FRONTDESK_*` (hermetic), plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    env["FRONTDESK_LOG_FORMAT"] = "json"
    env.update(settings)
    return env


def run_cli(
    *args: str, cwd: Path, timeout: float = CLI_TIMEOUT_S, **settings: str
) -> subprocess.CompletedProcess[str]:
    """Runs `frontdesk <args>` (with `settings` as extra `FRONTDESK_*` variables) to completion;
    fails the test with its output on a non-zero exit."""
    proc = subprocess.run(
        [frontdesk_bin(), *args],
        cwd=cwd,
        env=child_env(**settings),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"`frontdesk {' '.join(args)}` exited {proc.returncode}\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}",
            pytrace=False,
        )
    return proc


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------
# A running server
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Company:
    id: int
    slug: str
    name: str
    mcp_api_key: str
    gateway_token: str


@dataclass
class FrontdeskServer:
    name: str
    workdir: Path
    base_url: str
    db_path: Path
    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path
    companies: dict[str, Company] = field(default_factory=dict)
    # The MCP keys `serve --demo` printed on its stdout, by slug.
    printed_mcp_keys: dict[str, str] = field(default_factory=dict)

    @property
    def binary(self) -> str:
        return frontdesk_bin()

    @property
    def database_url(self) -> str:
        return f"sqlite://{self.db_path}"

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def mcp_url(self) -> str:
        """The base of the integration guide's examples (`MCP_URL`)."""
        return self.url("/mcp")

    @property
    def beyond(self) -> Company:
        return self.companies[BEYOND]

    @property
    def askpro(self) -> Company:
        return self.companies[ASKPRO]

    def log_size(self) -> int:
        try:
            return self.stderr_path.stat().st_size
        except FileNotFoundError:
            return 0

    def log_since(self, offset: int, max_lines: int = 120) -> str:
        try:
            with self.stderr_path.open("rb") as f:
                f.seek(offset)
                text = f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return "(no log)"
        lines = text.splitlines()
        if len(lines) > max_lines:
            lines = [f"... ({len(lines) - max_lines} earlier lines omitted)"] + lines[-max_lines:]
        return "\n".join(lines)

    def logs(self) -> str:
        out = self.stdout_path.read_text("utf-8", "replace") if self.stdout_path.exists() else ""
        return f"--- stdout ---\n{out}\n--- stderr ---\n{self.log_since(0)}"


_RUNNING: list[FrontdeskServer] = []

_PRINTED_KEY = re.compile(
    r"\(slug (?P<slug>[a-z0-9-]+), company_id \d+\)\s*\n\s*MCP API key \(X-API-Key\):\s*(?P<key>fd_mcp_\S+)"
)


def _wait_ready(srv: FrontdeskServer) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_S
    with httpx.Client(timeout=1.0) as http:
        while time.monotonic() < deadline:
            if srv.process.poll() is not None:
                return False
            try:
                if http.get(srv.url("/readyz")).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    return False


def start_server(name: str, workdir: Path, **settings: str) -> FrontdeskServer:
    """Starts `frontdesk serve --demo` on a free loopback port and waits for `/readyz`."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "e2e.db"
    for attempt in range(3):  # a free port can be taken between probing and binding
        port = free_port()
        stdout_path = workdir / f"stdout-{attempt}.log"
        stderr_path = workdir / f"stderr-{attempt}.log"
        with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
            process = subprocess.Popen(
                [
                    frontdesk_bin(),
                    "serve",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--database",
                    f"sqlite://{db_path}",
                    "--demo",
                ],
                cwd=workdir,
                env=child_env(**settings),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )
        srv = FrontdeskServer(
            name=name,
            workdir=workdir,
            base_url=f"http://127.0.0.1:{port}",
            db_path=db_path,
            process=process,
            stdout_path=stdout_path,
            stderr_path=stderr_path,
        )
        if _wait_ready(srv):
            break
        if process.poll() is None:
            process.kill()
            process.wait(5)
            pytest.fail(
                f"{name}: GET /readyz did not answer 200 within {READY_TIMEOUT_S:.0f} s\n{srv.logs()}",
                pytrace=False,
            )
        if "in use" not in srv.logs().lower() or attempt == 2:
            pytest.fail(f"{name}: the server exited during start-up ({process.returncode})\n{srv.logs()}", pytrace=False)

    # The keys printed by `serve --demo` (a human-readable block on stdout).
    srv.printed_mcp_keys = {m["slug"]: m["key"] for m in _PRINTED_KEY.finditer(srv.stdout_path.read_text())}

    # The companies as JSON from a second process on the same SQLite file (it mints no keys:
    # `serve --demo` did), then keys of their own from `frontdesk key create`.
    demo = run_cli("demo", "--database", srv.database_url, cwd=workdir)
    try:
        companies = json.loads(demo.stdout)["companies"]
    except (ValueError, KeyError) as e:
        pytest.fail(f"`frontdesk demo` did not print the documented JSON ({e}):\n{demo.stdout}", pytrace=False)

    def mint(slug: str, kind: str) -> str:
        created = run_cli("key", "create", "--company", slug, "--kind", kind, "--name", "e2e",
                          "--database", srv.database_url, cwd=workdir)
        return created.stdout.strip()

    srv.companies = {
        c["slug"]: Company(
            id=c["id"],
            slug=c["slug"],
            name=c["name"],
            mcp_api_key=mint(c["slug"], "mcp"),
            gateway_token=mint(c["slug"], "gateway"),
        )
        for c in companies
    }
    assert {BEYOND, ASKPRO} <= srv.companies.keys(), f"demo companies: {sorted(srv.companies)}"
    _RUNNING.append(srv)
    return srv


def stop_server(srv: FrontdeskServer) -> None:
    """SIGTERM, then the server must exit (code 0) within STOP_TIMEOUT_S."""
    if srv in _RUNNING:
        _RUNNING.remove(srv)
    if srv.process.poll() is not None:
        pytest.fail(f"{srv.name} had already exited with {srv.process.returncode}\n{srv.logs()}", pytrace=False)
    srv.process.send_signal(signal.SIGTERM)
    try:
        code = srv.process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        srv.process.kill()
        srv.process.wait(5)
        pytest.fail(f"{srv.name} did not exit within {STOP_TIMEOUT_S:.0f} s of SIGTERM\n{srv.logs()}", pytrace=False)
    assert code == 0, f"{srv.name} exited with {code} after SIGTERM\n{srv.logs()}"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FrontdeskServer]:
    """The main server: demo data, session rate limit raised to 1000/minute."""
    srv = start_server("server", tmp_path_factory.mktemp("server"), FRONTDESK_RATE_SESSIONS_PER_MINUTE="1000")
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FrontdeskServer]:
    """A server with the default limits (10 caller sessions a minute per IP)."""
    srv = start_server("limited_server", tmp_path_factory.mktemp("limited"))
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def second_beyond_customer(server: FrontdeskServer) -> tuple[str, int]:
    """Imports a second known customer of Beyond The Club (Ana Souza, member 22222).

    `frontdesk import` creates what is missing and updates the rest, so the definition is the
    example file itself plus one customer. Returns (phone, member_id).
    """
    definition = server.workdir / "beyond-plus-ana.toml"
    definition.write_text((EXAMPLES / "beyond-the-club.toml").read_text("utf-8") + SECOND_BEYOND_TOML, "utf-8")
    run_cli("import", "--database", server.database_url, str(definition), cwd=server.workdir)
    return SECOND_BEYOND_PHONE, SECOND_BEYOND_MEMBER_ID


# --------------------------------------------------------------------------------------------
# Caller sessions
# --------------------------------------------------------------------------------------------


@pytest.fixture
def session_for(server: FrontdeskServer):
    """`session_for(caller_id, api_key=None) -> token`: opens a caller session on `server`."""

    def make(caller_id: str, api_key: str | None = None) -> str:
        return create_session(server, caller_id, api_key)["session_token"]

    return make


@pytest.fixture
def rafael_token(session_for) -> str:
    """A fresh caller session for Rafael Silva (+5511999999999) at Beyond The Club."""
    return session_for("+5511999999999")


# --------------------------------------------------------------------------------------------
# Server logs in failure reports
# --------------------------------------------------------------------------------------------


_LOG_OFFSETS = pytest.StashKey[dict]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_LOG_OFFSETS] = {id(s): s.log_size() for s in _RUNNING}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    offsets = item.stash.get(_LOG_OFFSETS, {})
    for srv in list(_RUNNING):
        log = srv.log_since(offsets.get(id(srv), 0))
        if log.strip():
            report.sections.append((f"frontdesk {srv.name} log during this test", log))


def pytest_report_header(config: pytest.Config) -> str:
    configured = os.environ.get("FRONTDESK_BIN") or "(unset: target/debug/frontdesk)"
    return f"frontdesk binary: {configured}"
