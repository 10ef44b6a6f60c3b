"""What the real-browser tests share: a Streamlit server on a free port, Debian's Chromium
driven by Playwright with no way out to the network, and waits on conditions (a text, the app
idle, a value), never fixed sleeps. The fixtures built on these live in conftest.py."""
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from support import ROOT

CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    # No route out: no host name resolves but the local ones.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
LOCAL = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ROW_HEIGHT = 35  # Streamlit's data grid: its header and every row are 35 px high


@dataclass
class Server:
    url: str
    db: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what}")


def start_server(db: str, **env) -> tuple[subprocess.Popen, str]:
    """A Streamlit server on a free port, once it answers its health check."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT,
                            env=dict(os.environ, DATABASE_URL=db, **env),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def healthy():
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).status == 200
        except OSError:
            return False
    try:
        wait_until(healthy, 90, "the Streamlit server")
    except TimeoutError:
        proc.terminate()
        raise
    return proc, f"http://127.0.0.1:{port}"


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@dataclass
class Offline:
    """Requests that tried to leave the machine (each was failed)."""
    blocked: list[str] = field(default_factory=list)


@contextlib.contextmanager
def offline_page(browser, offline: Offline, width=1400, height=1000):
    """A page in a fresh context (no cookies, no session), closed afterwards; every non-local
    request is failed and recorded in `offline`, and the caller fails if there was one."""
    context = browser.new_context(accept_downloads=True, viewport={"width": width, "height": height}, locale="zh-CN")

    def route(r):
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            offline.blocked.append(r.request.url)
            r.abort("internetdisconnected")
    context.route("**/*", route)
    try:
        yield context.new_page()
    finally:
        context.close()
    assert not offline.blocked, f"the page tried to reach the network: {sorted(set(offline.blocked))}"


FILTERS = '[data-testid="stSidebar"] [data-testid="stMultiSelect"]'


def loaded(page, heading):
    """The page's heading is shown, the sidebar's filters too (a new tab draws its figures
    first and everything else in a second run: dashboard/paint.py), and the app's script run
    has finished."""
    page.locator('[data-testid="stMain"] h1').filter(has_text=heading).first.wait_for(timeout=90_000)
    page.locator(FILTERS).first.wait_for(timeout=90_000)
    page.locator(IDLE).wait_for(timeout=90_000)


SETTLED = """() => !document.querySelector('[data-testid=stSkeleton], [data-testid=stSkeletonElement],'
  + ' [data-testid=stAppSkeleton]') && Array.from(document.querySelectorAll(
  '[data-testid=stDateInput] [data-placeholder=true]')).every(s => getComputedStyle(s).fontSize === '0px')"""


def settled(page):
    """Every element drawn (no placeholder left while the browser loads a component) and the
    app's style sheet applied: what a person sees once the page is there."""
    page.wait_for_function(SETTLED, timeout=60_000)


def grid_row(grid, row: int) -> list[str]:
    """The cells of a data grid's row (0 is the first under the header), from the accessible copy
    of its visible rows that the grid keeps beside its canvas."""
    return grid.locator(f'tr[aria-rowindex="{row + 2}"] td').all_text_contents()


def click_row(page, grid, row: int) -> None:
    """Tick a data grid's row, as a person does: the box at the row's start (the grid is a canvas)."""
    page.locator(IDLE).wait_for(timeout=60_000)  # laid out: the row is where it will be clicked
    grid.scroll_into_view_if_needed()
    box = stable_box(grid.locator("canvas").first)
    page.mouse.click(box["x"] + 17, box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2)


def stable_box(locator, timeout=30):
    """The element's box once two readings 0.2 s apart agree: a chart above it may still be
    drawing (and growing) after the script is done, which on a busy machine moved a grid
    between measuring and clicking."""
    boxes = []

    def still():
        boxes.append(locator.bounding_box())
        return boxes[-1] if len(boxes) > 1 and boxes[-1] == boxes[-2] else None
    return wait_for_value(still, bool, timeout, what="the element to stop moving")


def wait_for_value(read, condition, timeout=60, what="a value"):
    """Poll read() until condition(value) holds (the app reruns in its own time)."""
    deadline, value = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            value = read()
            if condition(value):
                return value
        except Exception:  # noqa: BLE001 - the element may be re-rendering: read again
            pass
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what} (last: {value!r})")


def url_params(page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
