"""Calendar feeds end to end: a business in Europe/Berlin with bookings on both sides of the
zone's next daylight-saving change, a feed minted with `frontdesk ical create`, fetched over
HTTP and parsed by the `icalendar` package.

The change is computed from today (the next one in Europe/Berlin, whichever direction), and the
bookings are placed through the business file's `[[customers.appointments]]` with explicit
dates, so the test never depends on today's date.
"""

from __future__ import annotations

import subprocess
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest

from conftest import CLI_TIMEOUT_S, FrontdeskServer, child_env, frontdesk_bin, run_cli

ZONE = "Europe/Berlin"
SLUG = "e2e-ical-berlin"
BRANCH = "Mitte"
STAFF = "Dr. Sommer"


def next_change(zone: ZoneInfo, today: date) -> date:
    """The first local day after `today` whose noon has another UTC offset than the day before."""
    noon = lambda d: datetime.combine(d, time(12), zone).utcoffset()  # noqa: E731
    for n in range(1, 400):
        day = today + timedelta(days=n)
        if noon(day) != noon(day - timedelta(days=1)):
            return day
    pytest.fail(f"{zone} has no daylight-saving change in the next 400 days")


def business_file(appointments: list[tuple[str, date]]) -> str:
    customers = "".join(
        f"""
[[customers]]
phone = "+49151000000{i:02d}"
name = "{name}"

[[customers.members]]
name = "{name}"
relationship = "self"

[[customers.appointments]]
service = "beratung"
date = "{day.isoformat()}"
time = "10:00"
"""
        for i, (name, day) in enumerate(appointments)
    )
    return f"""
[company]
slug = "{SLUG}"
name = "Praxis Sommerzeit"
time_zone = "{ZONE}"
language = "de-DE"
phone_region = "DE"
address = "Unter den Linden 1, 10117 Berlin"

[company.policy]
min_notice_minutes = 0
booking_window_days = 400
free_cancellation_hours = 24
allow_unknown_callers = false

[[branches]]
name = "{BRANCH}"
address = "Unter den Linden 1, 10117 Berlin"

[[staff]]
name = "{STAFF}"
branch = "{BRANCH}"

[[services]]
code = "beratung"
name = "Beratung"
duration_minutes = 60
staff = ["{STAFF}"]
schedule = {{ kind = "open_hours", hours = {{ daily = ["08:00-18:00"] }}, interval_minutes = 60 }}
{customers}
"""


def ical(server: FrontdeskServer, *args: str) -> str:
    """`frontdesk ical …` against the server's database, with its public URL; its stdout."""
    proc = subprocess.run(
        [frontdesk_bin(), "ical", *args, "--database", server.database_url],
        cwd=server.workdir,
        env=child_env(FRONTDESK_PUBLIC_URL=server.base_url),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
    )
    assert proc.returncode == 0, f"frontdesk ical {args}: {proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def berlin(server: FrontdeskServer, tmp_path_factory: pytest.TempPathFactory):
    """The Berlin business with one booking the day before the change, one on its day and one
    the day after, each at 10:00 local time: `(change day, {customer: local start})`."""
    zone = ZoneInfo(ZONE)
    change = next_change(zone, datetime.now(zone).date())
    days = {
        "Anna Vorher": change - timedelta(days=1),
        "Bernd Umstellung": change,
        "Clara Nachher": change + timedelta(days=1),
    }
    definition = tmp_path_factory.mktemp("ical") / "berlin.toml"
    definition.write_text(business_file(list(days.items())), encoding="utf-8")
    imported = run_cli("import", "--database", server.database_url, str(definition), cwd=server.workdir)
    assert "3 new appointments" in imported.stdout, imported.stdout
    starts = {name: datetime.combine(day, time(10), zone) for name, day in days.items()}
    return change, starts


def test_a_feed_is_correct_on_both_sides_of_a_daylight_saving_change(server: FrontdeskServer, berlin) -> None:
    # Arrange
    change, starts = berlin
    url = ical(server, "create", "--company", SLUG, "--branch", BRANCH).strip()
    assert url.startswith(f"{server.base_url}/ical/fd_ical_") and url.endswith(".ics"), url

    # Act
    response = httpx.get(url, timeout=10)

    # Assert: the response.
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "private, max-age=300"
    calendar = icalendar.Calendar.from_ical(response.content)

    # The zone: Europe/Berlin, with an observance on each side of the change.
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == ZONE
    observances = vtimezone.walk("STANDARD") + vtimezone.walk("DAYLIGHT")
    offsets = {o.decoded("TZOFFSETTO") for o in observances}
    zone = ZoneInfo(ZONE)
    before, after = (starts["Anna Vorher"].utcoffset(), starts["Clara Nachher"].utcoffset())
    assert before != after
    assert {before, after} <= offsets, offsets
    # The zone as the feed defines it (not looked up by name): what a client without an
    # IANA database of its own would use.
    feed_zone = vtimezone.to_tz(lookup_tzid=False)

    # The events: one per booking, local 10:00 with the zone's TZID, the right instant.
    events = calendar.walk("VEVENT")
    assert len(events) == 3, [str(e.get("SUMMARY")) for e in events]
    by_member = {str(e["SUMMARY"]).split(" – ")[1]: e for e in events}
    assert set(by_member) == set(starts)
    uids = set()
    for member, expected in starts.items():
        event = by_member[member]
        assert str(event["SUMMARY"]) == f"Beratung – {member}"
        assert event["DTSTART"].params["TZID"] == ZONE
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND")
        assert start.replace(tzinfo=None) == datetime.combine(expected.date(), time(10)), member
        assert start.astimezone(timezone.utc) == expected.astimezone(timezone.utc), member
        assert end - start == timedelta(hours=1)
        local = datetime.combine(expected.date(), time(10))
        assert local.replace(tzinfo=feed_zone).astimezone(timezone.utc) == expected.astimezone(timezone.utc), (
            f"{member}: the feed's VTIMEZONE puts 10:00 at the wrong instant"
        )
        assert str(event["STATUS"]) == "CONFIRMED"
        assert int(event["SEQUENCE"]) == 0
        uid = str(event["UID"])
        assert uid.startswith("booking-") and uid.endswith(f"@{SLUG}.frontdesk"), uid
        uids.add(uid)
        assert str(event["DESCRIPTION"]).startswith("Buchungscode: ")
        assert "+49151" not in response.text
    assert len(uids) == 3
    # 10:00 local is an hour apart in UTC on the two sides of the change.
    utc_hours = {starts[m].astimezone(timezone.utc).hour for m in ("Anna Vorher", "Clara Nachher")}
    assert len(utc_hours) == 2, f"change on {change}: {utc_hours}"


def test_an_unchanged_feed_is_304_and_a_revoked_one_404(server: FrontdeskServer, berlin) -> None:
    # Arrange
    url = ical(server, "create", "--company", SLUG, "--staff", STAFF).strip()
    first = httpx.get(url, timeout=10)
    assert first.status_code == 200
    etag = first.headers["etag"]

    # Act + Assert
    unchanged = httpx.get(url, headers={"If-None-Match": etag}, timeout=10)
    assert unchanged.status_code == 304
    assert unchanged.headers["etag"] == etag

    listing = ical(server, "list", "--company", SLUG)
    feed_id = next(
        line.split()[0] for line in listing.splitlines()[1:] if f"staff {STAFF}" in line and line.rstrip().endswith("-")
    )
    assert "revoked" in ical(server, "revoke", feed_id)
    gone = httpx.get(url, timeout=10)
    assert gone.status_code == 404
    assert gone.json()["code"] == "NOT_FOUND"
    assert "already revoked" in ical(server, "revoke", feed_id)
