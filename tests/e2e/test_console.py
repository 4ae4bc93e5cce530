"""The operator console (`/console`) in real headless Chromium, driven by Selenium WebDriver,
against a server of its own (`serve --demo`, its own SQLite file).

What an operator sees and can do, checked as they would see it:

* logging in (a wrong password is refused, the right one lands on Today) and out (the old
  cookie is refused afterwards);
* a booking the voice agent made over MCP (official SDK) shows on the agenda with its code;
  the operator moves it and cancels it, and the agent's `get_bookings` sees both; a move to
  a time without a session shows the engine's refusal (422) and changes nothing;
* isolation: another company's owner gets "nothing here" (404) for the booking's URL; a staff
  operator has no settings (no link, 403); a form with a wrong CSRF token is refused (403);
* settings: closing a day that has a booking lists the booking and asks again; once closed,
  the agent is offered no slot that day (the booking stays); an MCP key minted in the
  console opens caller sessions until it is revoked there;
* accessibility basics on every main page: labelled fields, the skip link then the navigation
  by keyboard, WCAG AA colour contrast (4.5:1) of text, links, buttons and the header;
* screenshots of the main pages at desktop and phone width, saved under docs/console/.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import subprocess
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from conftest import (
    ASKPRO,
    BEYOND,
    CLI_TIMEOUT_S,
    EXAMPLES,
    REPO,
    SECOND_BEYOND_MEMBER_ID,
    SECOND_BEYOND_PHONE,
    SECOND_BEYOND_TOML,
    FrontdeskServer,
    child_env,
    frontdesk_bin,
    run_cli,
    start_server,
    stop_server,
)
from console_browser import (
    DESKTOP,
    PHONE,
    click_and_wait,
    contrast,
    csrf_token,
    fill,
    h1,
    login,
    login_ok,
    logout,
    new_browser,
    notices,
    open_page,
    page_text,
    require_chromium,
    screenshot,
    session_cookie,
    set_viewport,
    tab,
    type_into,
    unlabelled_fields,
)
from helpers import LUCAS_MEMBER, RAFAEL_MEMBER, RAFAEL_PHONE, free_slots, ok, streamable_client, two_times_of_one_service

SCREENSHOTS = REPO / "docs" / "console"
NAV = ["/console", "/console/agenda", "/console/calls", "/console/customers", "/console/waitlist", "/console/messages"]
OWNER_NAV = NAV + ["/console/settings"]
# Days the demo business is closed anyway (examples/beyond-the-club.toml).
DEMO_CLOSED = {"12-25", "01-01"}
NOT_FOUND = "There is nothing here."
FORBIDDEN = "You may not open this page."

_BANNER_OPERATOR = re.compile(r"console \(http://[^)]+/console\): (?P<email>\S+)\s+password (?P<password>\S+)")


# --------------------------------------------------------------------------------------------
# The server, its operators and the agent's side (MCP)
# --------------------------------------------------------------------------------------------


@dataclass
class Site:
    srv: FrontdeskServer
    # email -> password of the owners `serve --demo` created and printed.
    passwords: dict[str, str]
    today: dt.date  # the business's local date

    def url(self, path: str) -> str:
        return self.srv.url(path)

    def owner(self, slug: str) -> tuple[str, str]:
        email = f"owner@{slug}.demo"
        assert email in self.passwords, f"serve --demo printed no console login for {email}: {self.passwords}"
        return email, self.passwords[email]

    def day(self, days_ahead: int, avoid: Collection[dt.date] = ()) -> dt.date:
        """The first day at least `days_ahead` days away that the demo business opens."""
        day = self.today + dt.timedelta(days=days_ahead)
        while day.strftime("%m-%d") in DEMO_CLOSED or day in avoid:
            day += dt.timedelta(days=1)
        return day


class Agent:
    """The voice agent's side: a caller session for one phone number at Beyond The Club,
    each tool call over Streamable HTTP with the official MCP SDK."""

    def __init__(self, srv: FrontdeskServer, caller: str = RAFAEL_PHONE) -> None:
        self.srv = srv
        opened = open_caller_session(srv, srv.beyond.mcp_api_key, caller)
        assert opened.status_code in (200, 201), f"POST /mcp/auth/session for {caller}: {opened.status_code} {opened.text}"
        self.token = opened.json()["session_token"]

    def call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        async def once() -> dict[str, Any]:
            with anyio.fail_after(30):
                async with streamable_client(self.srv.mcp_url, token=self.token) as client:
                    return ok(await client.call_tool(tool, arguments))

        return anyio.run(once)

    def booking(self, booking_id: int, member_id: int) -> dict[str, Any]:
        """The booking as `get_bookings` (every status) shows it."""
        listing = self.call("get_bookings", {"member_id": member_id, "status": "all"})["bookings"]
        found = [b for b in listing if b["booking_id"] == booking_id]
        assert found, f"get_bookings does not list booking {booking_id}: {listing}"
        return found[0]

    def slots_on(self, day: dt.date, **query: Any) -> list[dict[str, Any]]:
        availability = self.call("get_availability", {"date": day.isoformat(), **query})
        return [s for s in free_slots(availability) if s["date"] == day.isoformat()]

    def book_first_free(self, day: dt.date, member_id: int, level: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Books `member_id` into a free session of their `level` on `day`, of a service
        with another free time that day; returns (the booking, that other slot)."""
        pair = two_times_of_one_service(self.slots_on(day, member_id=member_id, level=level))
        assert pair, f"no {level} service with two free times on {day} for member {member_id}"
        first, other = pair
        booked = self.call(
            "book_session",
            {"member_id": member_id, "date": first["date"], "time": first["time"], "service": first["service_code"]},
        )["booking"]
        assert booked["status"] == "confirmed", booked
        return booked, other


def open_caller_session(srv: FrontdeskServer, api_key: str, caller: str = RAFAEL_PHONE) -> httpx.Response:
    """POST /mcp/auth/session as an agent opens a call."""
    return httpx.post(srv.url("/mcp/auth/session"), headers={"X-API-Key": api_key}, json={"caller_id": caller}, timeout=10)


def create_operator(srv: FrontdeskServer, slug: str, email: str, role: str, password: str) -> None:
    """`frontdesk operator create`, the password on standard input."""
    proc = subprocess.run(
        [frontdesk_bin(), "--database", srv.database_url, "operator", "create", "--company", slug,
         "--email", email, "--role", role, "--password-stdin"],
        cwd=srv.workdir, env=child_env(), input=password + "\n", capture_output=True, text=True, timeout=CLI_TIMEOUT_S,
    )
    assert proc.returncode == 0, f"operator create exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"


def desk_http(site: Site, driver: WebDriver) -> httpx.Client:
    """A plain HTTP client with the browser's console session cookie, following no redirect."""
    cookie = session_cookie(driver)
    assert cookie, "the browser has no console session"
    return httpx.Client(base_url=site.srv.base_url, cookies={"fd_console": cookie}, follow_redirects=False, timeout=10)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    require_chromium()
    srv = start_server("console_server", tmp_path_factory.mktemp("console"), FRONTDESK_RATE_SESSIONS_PER_MINUTE="1000")
    try:
        # `serve --demo` prints each owner it creates with their password, once.
        banner = srv.stdout_path.read_text("utf-8")
        passwords = {m["email"]: m["password"] for m in _BANNER_OPERATOR.finditer(banner)}
        today = dt.date.fromisoformat(Agent(srv).call("get_business_info", {})["now"]["date"])
        yield Site(srv=srv, passwords=passwords, today=today)
    finally:
        stop_server(srv)


@pytest.fixture(scope="module")
def browsers() -> Iterator[Callable[..., WebDriver]]:
    """`browsers(size=DESKTOP)`: a new headless Chromium, quit at the end of the module."""
    opened: list[WebDriver] = []

    def make(size: tuple[int, int] = DESKTOP) -> WebDriver:
        require_chromium()
        driver = new_browser(size)
        opened.append(driver)
        return driver

    yield make
    for driver in opened:
        try:
            driver.quit()
        except Exception:
            pass


@pytest.fixture(scope="module")
def owner_browser(site: Site, browsers) -> WebDriver:
    """A browser logged in as Beyond The Club's owner (one login for the whole module:
    the console allows 10 login attempts a minute from one address)."""
    driver = browsers()
    login_ok(driver, site.srv.base_url, *site.owner(BEYOND))
    return driver


@pytest.fixture
def owner(owner_browser: WebDriver) -> WebDriver:
    """The owner's browser at desktop size."""
    set_viewport(owner_browser, DESKTOP)
    return owner_browser


@pytest.fixture(scope="module")
def agent(site: Site) -> Agent:
    """The agent on a call from Rafael Silva (Beyond The Club; members Rafael and Lucas)."""
    return Agent(site.srv)


@pytest.fixture(scope="module")
def booking_day(site: Site) -> dt.date:
    return site.day(3)


@pytest.fixture(scope="module")
def lucas_booking(agent: Agent, booking_day: dt.date) -> dict[str, Any]:
    """A booking of Lucas's made over MCP that stays confirmed (each member may hold one)."""
    booked, _ = agent.book_first_free(booking_day, LUCAS_MEMBER, "Iniciante2")
    return booked


@pytest.fixture(scope="module")
def ana(site: Site) -> Agent:
    """The agent on a call from Ana Souza, a second customer of Beyond The Club (imported
    here: the demo has only Rafael), whose booking a closed day will affect."""
    definition = site.srv.workdir / "beyond-plus-ana.toml"
    definition.write_text((EXAMPLES / "beyond-the-club.toml").read_text("utf-8") + SECOND_BEYOND_TOML, "utf-8")
    run_cli("import", "--database", site.srv.database_url, str(definition), cwd=site.srv.workdir)
    return Agent(site.srv, SECOND_BEYOND_PHONE)


# --------------------------------------------------------------------------------------------
# (a) Logging in and out
# --------------------------------------------------------------------------------------------


def test_login_refuses_a_wrong_password_and_logout_ends_the_session(site: Site, browsers) -> None:
    driver = browsers()
    email, password = site.owner(BEYOND)

    # Any console page sends a stranger to the login form.
    open_page(driver, site.url("/console"))
    assert driver.current_url == site.url("/console/login"), driver.current_url

    login(driver, site.srv.base_url, email, password + "x")
    alerts = notices(driver, "alert")
    assert alerts and "wrong" in alerts[0], f"no error after a wrong password: {page_text(driver)}"
    assert session_cookie(driver) is None, driver.get_cookies()
    assert driver.current_url.startswith(site.url("/console/login")), driver.current_url

    login_ok(driver, site.srv.base_url, email, password)
    cookie = session_cookie(driver)
    assert cookie

    logout(driver)
    assert driver.current_url == site.url("/console/login"), driver.current_url
    assert driver.find_elements(By.ID, "password"), page_text(driver)
    r = httpx.get(site.url("/console"), cookies={"fd_console": cookie}, follow_redirects=False, timeout=10)
    assert r.status_code == 303, f"a logged-out cookie got {r.status_code}"
    assert r.headers["location"] == "/console/login", r.headers


# --------------------------------------------------------------------------------------------
# (b, c) A booking made by the agent, on the agenda; moved and cancelled in the console
# --------------------------------------------------------------------------------------------


def booking_row(driver: WebDriver, voucher: str):
    rows = driver.find_elements(By.XPATH, f"//tr[td[normalize-space()='{voucher}']]")
    assert len(rows) == 1, f"{len(rows)} agenda rows with the code {voucher}:\n{page_text(driver)}"
    return rows[0]


def test_an_agent_booking_is_on_the_agenda_and_is_moved_then_cancelled(site: Site, owner: WebDriver, agent: Agent,
                                                                     booking_day: dt.date) -> None:
    booked, other = agent.book_first_free(booking_day, RAFAEL_MEMBER, "Intermediario2")
    booking_id, voucher = booked["booking_id"], booked["voucher_code"]

    open_page(owner, site.url(f"/console/agenda?date={booking_day.isoformat()}"))
    row = booking_row(owner, voucher)
    session = row.find_element(By.XPATH, "ancestor::div[contains(@class, 'session')]")
    heading = session.find_element(By.TAG_NAME, "h3").text
    assert booked["time"] in heading and booked["service"] in heading, heading
    assert "Confirmed" in row.text, row.text

    click_and_wait(owner, row.find_element(By.CSS_SELECTOR, f"a[href='/console/bookings/{booking_id}']"))
    assert booked["time"] in h1(owner), h1(owner)
    assert voucher in page_text(owner)

    # Move it to the other free time of the same service.
    fill(owner, owner.find_element(By.ID, "mv-date"), other["date"])
    fill(owner, owner.find_element(By.ID, "mv-time"), other["time"])
    click_and_wait(owner, owner.find_element(By.CSS_SELECTOR, f"form[action='/console/bookings/{booking_id}/move'] button[type=submit]"))
    status = notices(owner, "status")
    assert status and status[0].startswith("Moved"), f"no 'Moved' notice: {page_text(owner)[:1500]}"
    assert other["time"] in h1(owner), h1(owner)
    seen = agent.booking(booking_id, RAFAEL_MEMBER)
    assert (seen["date"], seen["time"], seen["status"]) == (other["date"], other["time"], "confirmed"), seen

    # Cancel it.
    type_into(owner.find_element(By.ID, "cx-reason"), "e2e: cancelled at the front desk")
    click_and_wait(owner, owner.find_element(By.CSS_SELECTOR, f"form[action='/console/bookings/{booking_id}/cancel'] button[type=submit]"))
    status = notices(owner, "status")
    assert status and status[0].startswith("Cancelled"), f"no 'Cancelled' notice: {page_text(owner)[:1500]}"
    tag = owner.find_element(By.CSS_SELECTOR, "span.tag[class*='status-']")
    assert tag.text == "Cancelled", tag.text
    assert not owner.find_elements(By.ID, "mv-time"), "a cancelled booking still offers the move form"
    assert agent.booking(booking_id, RAFAEL_MEMBER)["status"] == "cancelled"


def test_a_move_to_a_time_without_a_session_is_refused(site: Site, owner: WebDriver, agent: Agent,
                                                       lucas_booking: dict[str, Any]) -> None:
    booking_id = lucas_booking["booking_id"]
    page = f"/console/bookings/{booking_id}"
    open_page(owner, site.url(page))
    fill(owner, owner.find_element(By.ID, "mv-time"), "07:15")
    click_and_wait(owner, owner.find_element(By.CSS_SELECTOR, f"form[action='{page}/move'] button[type=submit]"))
    alerts = notices(owner, "alert")
    assert alerts and alerts[0].strip(), f"no error alert after a refused move: {page_text(owner)[:1500]}"
    assert lucas_booking["time"] in h1(owner), h1(owner)
    assert not notices(owner, "status"), notices(owner, "status")

    # The same form over plain HTTP: the answer is a 422 page with the alert.
    with desk_http(site, owner) as http:
        r = http.post(page + "/move", data={"csrf": csrf_token(owner), "date": lucas_booking["date"], "time": "07:15"})
    assert r.status_code == 422, f"{r.status_code}: {r.text[:500]}"
    assert 'role="alert"' in r.text, r.text[:1500]

    seen = agent.booking(booking_id, LUCAS_MEMBER)
    assert (seen["date"], seen["time"], seen["status"]) == (lucas_booking["date"], lucas_booking["time"], "confirmed"), seen


# --------------------------------------------------------------------------------------------
# (d, e, g) Who may do what
# --------------------------------------------------------------------------------------------


def test_another_companys_owner_cannot_open_the_booking(site: Site, browsers, lucas_booking: dict[str, Any]) -> None:
    driver = browsers()
    login_ok(driver, site.srv.base_url, *site.owner(ASKPRO))
    page = f"/console/bookings/{lucas_booking['booking_id']}"
    with desk_http(site, driver) as http:
        r = http.get(page)
    assert r.status_code == 404, f"{r.status_code}: {r.text[:500]}"
    assert NOT_FOUND in r.text
    assert lucas_booking["voucher_code"] not in r.text

    open_page(driver, site.url(page))
    assert NOT_FOUND in page_text(driver), page_text(driver)
    assert lucas_booking["voucher_code"] not in page_text(driver)


def test_a_staff_operator_has_no_settings(site: Site, browsers) -> None:
    email, password = f"staff-{secrets.token_hex(3)}@beyond-the-club.test", "staff-" + secrets.token_urlsafe(12)
    create_operator(site.srv, BEYOND, email, "staff", password)
    driver = browsers()
    login_ok(driver, site.srv.base_url, email, password)
    nav = [a.get_attribute("href").removeprefix(site.srv.base_url) for a in driver.find_elements(By.CSS_SELECTOR, "header nav a")]
    assert nav == NAV, f"staff navigation: {nav}"

    with desk_http(site, driver) as http:
        r = http.get("/console/settings")
    assert r.status_code == 403, f"GET /console/settings as staff: {r.status_code}: {r.text[:500]}"
    open_page(driver, site.url("/console/settings"))
    assert FORBIDDEN in page_text(driver), page_text(driver)


def test_a_form_with_a_wrong_csrf_token_is_refused(site: Site, owner: WebDriver, agent: Agent,
                                                   lucas_booking: dict[str, Any]) -> None:
    page = f"/console/bookings/{lucas_booking['booking_id']}"
    open_page(owner, site.url(page))
    with desk_http(site, owner) as http:
        assert http.get(page).status_code == 200  # the cookie itself is good
        wrong = http.post(page + "/cancel", data={"csrf": "0" * len(csrf_token(owner)), "reason": "csrf"})
        missing = http.post(page + "/cancel", data={"reason": "csrf"})
    assert wrong.status_code == 403, f"wrong token: {wrong.status_code}: {wrong.text[:300]}"
    assert missing.status_code == 403, f"no token: {missing.status_code}: {missing.text[:300]}"
    assert agent.booking(lucas_booking["booking_id"], LUCAS_MEMBER)["status"] == "confirmed"
    open_page(owner, site.url(page))
    assert owner.find_element(By.CSS_SELECTOR, "span.tag[class*='status-']").text == "Confirmed"


# --------------------------------------------------------------------------------------------
# (f) Settings: closed days and API keys
# --------------------------------------------------------------------------------------------


def open_settings(site: Site, driver: WebDriver) -> None:
    with desk_http(site, driver) as http:
        r = http.get("/console/settings")
    assert r.status_code == 200, f"GET /console/settings as owner: {r.status_code}: {r.text[:300]}"
    open_page(driver, site.url("/console/settings"))


def submit(driver: WebDriver, form_css: str) -> None:
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, f"{form_css} button[type=submit], {form_css} button:not([type])"))


def test_a_closed_day_takes_the_agents_slots_away(site: Site, owner: WebDriver, agent: Agent, ana: Agent,
                                                 booking_day: dt.date) -> None:
    closed = site.day(6, avoid={booking_day})
    assert agent.slots_on(closed), f"the demo has no free slots on {closed} to begin with"
    anas, _ = ana.book_first_free(closed, SECOND_BEYOND_MEMBER_ID, "Intermediario2")
    reason = "e2e: pool maintenance"

    open_settings(site, owner)
    form = owner.find_element(By.CSS_SELECTOR, "form#closure-form")
    branches = form.find_elements(By.CSS_SELECTOR, "select[name=branch_id] option")
    assert branches, "no branch to choose"
    branches[0].click()
    fill(owner, form.find_element(By.ID, "cl-date"), closed.isoformat())
    type_into(form.find_element(By.ID, "cl-reason"), reason)

    # The same form over plain HTTP first: a day with a confirmed booking is not closed at
    # once; the answer (200) lists the booking and asks again.
    with desk_http(site, owner) as http:
        asked = http.post("/console/settings/closures", data={
            "csrf": csrf_token(owner), "branch_id": branches[0].get_attribute("value"),
            "date": closed.isoformat(), "reason": reason})
    assert asked.status_code == 200, f"{asked.status_code}: {asked.text[:500]}"
    assert 'id="affected"' in asked.text and anas["voucher_code"] in asked.text, asked.text[:3000]
    assert agent.slots_on(closed), f"{closed} was closed without the confirmation"

    submit(owner, "form#closure-form")
    affected = owner.find_elements(By.CSS_SELECTOR, "section#affected")
    assert affected, f"no section#affected for a day with a booking: {page_text(owner)[:1500]}"
    assert anas["voucher_code"] in affected[0].text, affected[0].text
    submit(owner, "form#confirm-closure")
    assert notices(owner, "status"), f"no notice after closing {closed}: {page_text(owner)[:1500]}"
    closures = owner.find_element(By.CSS_SELECTOR, "table#closures").text
    assert reason in closures, closures

    assert agent.slots_on(closed) == [], f"the agent is still offered {closed}"
    assert agent.slots_on(booking_day), f"closing {closed} took {booking_day}'s slots too"
    # The booking stays until the desk moves or cancels it, as the page says.
    assert ana.booking(anas["booking_id"], SECOND_BEYOND_MEMBER_ID)["status"] == "confirmed"


def test_an_mcp_key_minted_in_the_console_works_until_revoked(site: Site, owner: WebDriver) -> None:
    name = f"e2e console key {secrets.token_hex(3)}"
    open_settings(site, owner)
    form = owner.find_element(By.CSS_SELECTOR, "form#key-form")
    form.find_element(By.CSS_SELECTOR, "select[name=kind] option[value=mcp]").click()
    type_into(form.find_element(By.CSS_SELECTOR, "input[name=name]"), name)
    submit(owner, "form#key-form")
    shown = owner.find_elements(By.CSS_SELECTOR, "code#new-secret")
    assert shown, f"no code#new-secret after minting a key: {page_text(owner)[:1500]}"
    secret = shown[0].text.strip()
    assert secret.startswith("fd_mcp_"), secret

    opened = open_caller_session(site.srv, secret)
    assert opened.status_code in (200, 201), f"the new key: {opened.status_code} {opened.text}"
    assert opened.json()["session_token"].startswith("sess_"), opened.text

    open_settings(site, owner)
    assert secret not in page_text(owner), "the secret is shown again"
    rows = owner.find_elements(By.XPATH, f"//table[@id='keys']//tr[td[contains(normalize-space(), '{name}')]]")
    assert len(rows) == 1, f"{len(rows)} rows for {name} in table#keys"
    revoke = [b for b in rows[0].find_elements(By.CSS_SELECTOR, "button") if b.text.strip() == "Revoke"]
    assert revoke, f"no Revoke button in the key's row: {rows[0].text}"
    click_and_wait(owner, revoke[0])
    assert notices(owner, "status"), f"no notice after revoking: {page_text(owner)[:1500]}"

    refused = open_caller_session(site.srv, secret)
    assert refused.status_code == 401, f"a revoked key: {refused.status_code} {refused.text}"


# --------------------------------------------------------------------------------------------
# (h) Accessibility basics
# --------------------------------------------------------------------------------------------

MAIN_PAGES = ["/console", "/console/agenda", "BOOKING", "/console/calls", "/console/customers", "/console/waitlist",
              "/console/messages", "/console/settings"]


def page_path(path: str, booking: dict[str, Any]) -> str:
    return f"/console/bookings/{booking['booking_id']}" if path == "BOOKING" else path


@pytest.mark.parametrize("path", MAIN_PAGES, ids=lambda p: p.strip("/").replace("/", "-").lower() or "root")
def test_accessibility_basics(site: Site, owner: WebDriver, lucas_booking: dict[str, Any], path: str) -> None:
    path = page_path(path, lucas_booking)
    open_page(owner, site.url(path))
    assert owner.find_elements(By.CSS_SELECTOR, "header.top nav"), f"{path} is not a console page: {page_text(owner)[:500]}"

    assert unlabelled_fields(owner) == [], f"{path}: fields without a label"

    # From the top of a freshly loaded page: the skip link, then the navigation in order.
    open_page(owner, site.url(path))
    first = tab(owner)
    assert (first["tag"], first["href"]) == ("a", "#main"), f"{path}: the first TAB focuses {first}"
    assert first["left"] >= 0 and first["top"] >= 0 and first["width"] > 0, f"{path}: the focused skip link is off screen: {first}"
    for expected in OWNER_NAV:
        now = tab(owner)
        assert (now["tag"], now["href"]) == ("a", expected), f"{path}: TAB reached {now}, expected the link to {expected}"

    low = [c for c in contrast(owner) if c["ratio"] < 4.5]
    assert low == [], f"{path}: contrast below 4.5:1: {low}"


# --------------------------------------------------------------------------------------------
# (i) Screenshots for the docs
# --------------------------------------------------------------------------------------------

SHOTS = [
    ("today", "/console", (DESKTOP, PHONE)),
    ("agenda", "AGENDA", (DESKTOP, PHONE)),
    ("booking", "BOOKING", (DESKTOP, PHONE)),
    ("calls", "/console/calls", (DESKTOP,)),
    ("customers", "/console/customers", (DESKTOP,)),
    ("waitlist", "/console/waitlist", (DESKTOP,)),
    ("messages", "/console/messages", (DESKTOP,)),
    ("settings", "/console/settings", (DESKTOP, PHONE)),
]


@pytest.mark.parametrize("name,path,sizes", SHOTS, ids=[s[0] for s in SHOTS])
def test_screenshots(site: Site, owner: WebDriver, lucas_booking: dict[str, Any], name: str, path: str, sizes) -> None:
    if path == "AGENDA":
        path = f"/console/agenda?date={lucas_booking['date']}"
    path = page_path(path, lucas_booking)
    for size in sizes:
        target = SCREENSHOTS / f"{name}-{'phone' if size == PHONE else 'desktop'}.png"
        screenshot(owner, site.url(path), target, size)
        assert owner.find_elements(By.CSS_SELECTOR, "header.top nav"), f"{path} is not a console page: {page_text(owner)[:500]}"
        if name in ("agenda", "booking"):
            assert lucas_booking["voucher_code"] in page_text(owner), f"{path} does not show the booking"
        assert target.stat().st_size > 5_000, f"{target} is nearly empty"
    set_viewport(owner, DESKTOP)


def test_login_screenshots(site: Site, browsers) -> None:
    driver = browsers(PHONE)
    for size, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
        target = SCREENSHOTS / f"login-{label}.png"
        screenshot(driver, site.url("/console/login"), target, size)
        assert driver.find_elements(By.ID, "password")
        assert target.stat().st_size > 3_000
