"""Driving the operator console in real headless Chromium with Selenium WebDriver.

Small helpers for `test_console.py`: a browser, logging in and out, clicking through pages
that htmx swaps in place (`hx-boost`), filling date and time inputs, and the accessibility
checks (labels, keyboard order, colour contrast) run as JavaScript in the page.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SESSION_COOKIE = "fd_console"
WAIT_S = 15.0

DESKTOP = (1280, 900)
PHONE = (390, 844)
MAX_SCREENSHOT_HEIGHT = 2400


def require_chromium() -> None:
    """Skips the caller without Chromium and chromedriver; under CI=true fails instead, so
    the browser tests can never be skipped silently there (.ci/run installs them)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not (p.is_file() and os.access(p, os.X_OK))]
    if not missing:
        return
    message = f"{' and '.join(missing)} missing: apt-get install chromium chromium-driver"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def new_browser(size: tuple[int, int] = DESKTOP) -> WebDriver:
    """Headless Chromium through /usr/bin/chromedriver, at `size` (width, height)."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        f"--window-size={size[0]},{size[1]}",
        "--lang=en-US",
        "--hide-scrollbars",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    set_viewport(driver, size)
    return driver


def set_viewport(driver: WebDriver, size: tuple[int, int]) -> None:
    """Sets the page's viewport to exactly `size` (a phone's too: a window cannot be that
    narrow), as Chromium's device emulation does."""
    width, height = size
    driver.set_window_size(max(width, 500), height)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def wait(driver: WebDriver, condition, message: str, timeout: float = WAIT_S) -> Any:
    try:
        return WebDriverWait(driver, timeout).until(condition)
    except TimeoutException:
        pytest.fail(f"{message} (after {timeout:.0f} s at {driver.current_url})\n{page_text(driver)[:2000]}")


def page_text(driver: WebDriver) -> str:
    try:
        return driver.find_element(By.TAG_NAME, "body").text
    except Exception:  # a page between two states
        return ""


def settled(driver: WebDriver) -> bool:
    """The document is loaded and htmx has no request in flight (false while the browser is
    between two documents)."""
    try:
        return bool(driver.find_elements(By.TAG_NAME, "main")) and driver.execute_script(
            "return document.readyState === 'complete' && !document.querySelector('.htmx-request');"
        )
    except WebDriverException:
        return False


def gone(element: WebElement) -> Callable[[WebDriver], bool]:
    """A wait condition: `element` no longer belongs to the page. (Chromium answers a
    reference into a document being replaced with "does not belong to the document" rather
    than as a stale element; anything else is asked again.)"""

    def check(_: WebDriver) -> bool:
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as e:
            return "does not belong to the document" in str(e)

    return check


def open_page(driver: WebDriver, url: str) -> None:
    """A full page load of `url`."""
    driver.get(url)
    wait(driver, settled, f"{url} did not finish loading")


def click_and_wait(driver: WebDriver, element: WebElement) -> None:
    """Clicks a link or a submit button and waits for the next page: a full navigation or
    htmx's swap of the body (either way the old <main> is gone)."""
    old = driver.find_element(By.TAG_NAME, "main")
    element.click()
    wait(driver, gone(old), "the page did not change after the click")
    wait(driver, settled, "the next page did not load")


def fill(driver: WebDriver, element: WebElement, value: str) -> None:
    """Sets an input's value as a user's typing would end up (date and time inputs take
    typed keys in the browser's locale format, so the value is set directly), with the
    input and change events."""
    driver.execute_script(
        "const el = arguments[0]; el.value = arguments[1];"
        "el.dispatchEvent(new Event('input', {bubbles: true}));"
        "el.dispatchEvent(new Event('change', {bubbles: true}));",
        element,
        value,
    )
    assert element.get_attribute("value") == value, f"{element.get_attribute('id')} did not take {value!r}"


def type_into(element: WebElement, value: str) -> None:
    element.clear()
    element.send_keys(value)


def h1(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def notices(driver: WebDriver, role: str) -> list[str]:
    """The visible texts of `[role=status]` or `[role=alert]` elements."""
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, f"[role={role}]") if e.is_displayed()]


# --------------------------------------------------------------------------------------------
# Logging in and out
# --------------------------------------------------------------------------------------------


def login(driver: WebDriver, base_url: str, email: str, password: str) -> None:
    """Opens the login page and submits the form (without checking where it lands)."""
    open_page(driver, base_url + "/console/login")
    type_into(driver.find_element(By.ID, "email"), email)
    type_into(driver.find_element(By.ID, "password"), password)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def login_ok(driver: WebDriver, base_url: str, email: str, password: str) -> None:
    """Logs in, picks English as the console language (the demo businesses speak pt-BR and
    de-DE; the tests read English words) on the account page, and asserts the Today page."""
    login(driver, base_url, email, password)
    assert driver.current_url.rstrip("/") == base_url + "/console", driver.current_url
    open_page(driver, base_url + "/console/account")
    Select(driver.find_element(By.ID, "lang")).select_by_value("en-US")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "#language-form button[type=submit]"))
    open_page(driver, base_url + "/console")
    assert h1(driver).startswith("Today"), h1(driver)


def logout(driver: WebDriver) -> None:
    """The header's log-out button."""
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "header form[action='/console/logout'] button"))


def session_cookie(driver: WebDriver) -> str | None:
    cookie = driver.get_cookie(SESSION_COOKIE)
    return cookie["value"] if cookie and cookie.get("value") else None


def csrf_token(driver: WebDriver) -> str:
    """The session's CSRF token, from the page's hidden form fields."""
    return driver.find_element(By.CSS_SELECTOR, "input[name=csrf]").get_attribute("value")


# --------------------------------------------------------------------------------------------
# Accessibility
# --------------------------------------------------------------------------------------------

_UNLABELLED_JS = """
const out = [];
for (const el of document.querySelectorAll('input, select, textarea')) {
  if ((el.getAttribute('type') || '').toLowerCase() === 'hidden') continue;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
  const text = n => (n && n.textContent || '').trim();
  let name = '';
  if (el.id) {
    for (const l of document.querySelectorAll('label')) if (l.htmlFor === el.id) name ||= text(l);
  }
  name ||= text(el.closest('label'));
  name ||= (el.getAttribute('aria-label') || '').trim();
  const by = el.getAttribute('aria-labelledby');
  if (!name && by) name = by.split(/\\s+/).map(id => text(document.getElementById(id))).join(' ').trim();
  if (!name) out.push(el.outerHTML.slice(0, 160));
}
return out;
"""


def unlabelled_fields(driver: WebDriver) -> list[str]:
    """Visible form fields (not hidden ones) without a label, a wrapping label, aria-label
    or aria-labelledby with text. Closed <details> are opened first so their forms count."""
    driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true);")
    return driver.execute_script(_UNLABELLED_JS)


def focused(driver: WebDriver) -> dict[str, Any]:
    return driver.execute_script(
        "const e = document.activeElement; const r = e.getBoundingClientRect();"
        "return {tag: e.tagName.toLowerCase(), href: e.getAttribute('href'), cls: e.className,"
        " text: (e.textContent || '').trim(), left: r.left, top: r.top, width: r.width, height: r.height};"
    )


def tab(driver: WebDriver) -> dict[str, Any]:
    """Presses TAB and returns what has the focus."""
    webdriver.ActionChains(driver).send_keys(Keys.TAB).perform()
    return focused(driver)


_CONTRAST_JS = """
const selectors = arguments[0];
const parse = c => {
  const m = c.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return [0, 0, 0, 0];
  const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const over = (top, below) => {  // top composited over an opaque colour
  const a = top[3];
  return [0, 1, 2].map(i => top[i] * a + below[i] * (1 - a)).concat([1]);
};
const background = el => {
  const layers = [];
  for (let n = el; n; n = n.parentElement) {
    const s = getComputedStyle(n);
    const c = parse(s.backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
  }
  let bg = [255, 255, 255, 1];  // the canvas
  for (const c of layers.reverse()) bg = over(c, bg);
  return bg;
};
const luminance = c => {
  const [r, g, b] = c.slice(0, 3).map(v => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const ratio = (a, b) => {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
};
const out = [];
for (const sel of selectors) {
  for (const el of document.querySelectorAll(sel)) {
    const box = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || s.visibility === 'hidden' || box.right < 0) continue;
    const text = (el.innerText || '').trim();
    if (!text) continue;
    const bg = background(el);
    const fg = over(parse(s.color), bg);
    out.push({selector: sel, text: text.slice(0, 60), color: s.color, background: 'rgb(' + bg.slice(0, 3).map(Math.round).join(', ') + ')',
              ratio: Math.round(ratio(fg, bg) * 100) / 100});
  }
}
return out;
"""

CONTRAST_SAMPLE = ("h1", "h2", "h3", "th", "td", "p", "li", "a", "button", "label", "summary", "code", ".muted", ".tag",
                   "header.top .brand", "header.top nav a", "header.top .who")


def contrast(driver: WebDriver, selectors: tuple[str, ...] = CONTRAST_SAMPLE) -> list[dict[str, Any]]:
    """For each visible element with text matching `selectors`: its colour, the effective
    background behind it (ancestors' backgrounds composited until an opaque one) and the
    WCAG 2 contrast ratio between them."""
    return driver.execute_script(_CONTRAST_JS, list(selectors))


# --------------------------------------------------------------------------------------------
# Screenshots
# --------------------------------------------------------------------------------------------


def screenshot(driver: WebDriver, url: str, path: Path, size: tuple[int, int]) -> None:
    """Loads `url` at `size` and saves a PNG as tall as the page (at most
    MAX_SCREENSHOT_HEIGHT pixels), so the content below the fold shows too."""
    set_viewport(driver, size)
    open_page(driver, url)
    height = driver.execute_script(
        "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);"
    )
    set_viewport(driver, (size[0], max(size[1], min(int(height), MAX_SCREENSHOT_HEIGHT))))
    wait(driver, settled, f"{url} did not settle")
    path.parent.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(path)), f"could not save {path}"
    set_viewport(driver, size)
