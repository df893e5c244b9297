"""Benchmark of a guard's patrol on a phone: taps, time, and the time to the first tappable
control against a plain HTML page.

Run `.venv/bin/python bench/patrol.py [--runs 15] [--location CODE] [--lang zh|en]` (about two
minutes: the demo load is half of it). It loads the demo hospital into a throwaway instance
folder, serves it with gunicorn (gunicorn.conf.py) on a free loopback port, and drives Debian's
Chromium (headless, 390 × 844, touch, as an iPhone 13) logged in as guard1, with the service
worker installed as on a guard's phone. It prints:

1. The time to the first tappable control of the checklist page (the label's address, as the
   phone's camera opens it) and of a plain HTML page served by the same server in the same
   run (a heading and a few buttons: no style sheet, no script), alternating, `--runs` times
   each; medians and the ratio. "Tappable" is measured in the page from the start of the
   navigation: the first button, toggle or field inside <main> is laid out in the viewport
   and painted (the next animation frame), and DOMContentLoaded has fired (the page's own
   scripts have run, so a tap does what it says).
2. The all-clear patrol: open the label's address → "All remaining pass" → Submit in the
   summary → the stored inspection is shown. Taps counted, time from opening the label to
   the page that shows the stored inspection (median of `--runs`).
3. The one-failure patrol: open the label → "Fail" on the first pass/fail item → photo (two
   taps: the photo button and the camera's shutter; the file is given to the input) → a
   note (one tap and the words typed) → "All remaining pass" → Submit. Taps, keystrokes and
   time, as above.
Every patrol's inspection is checked in the database afterwards: stored once, with the right
outcomes and the failure's photo. The machine's load average is printed before and after.
"""

import argparse
import io
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
FLOOR_PATH = "/bench/floor.html"
NOTE = "Valve handle cracked"

FLOOR_PAGE = b"""<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Floor</title></head>
<body><main><h1>Oxygen store</h1><p>A plain page: no style sheet, no script.</p>
<form><button name="a" value="pass">Pass</button> <button name="a" value="fail">Fail</button>
<button name="a" value="submit">Submit</button></form></main></body></html>
"""

# In the page from the first script: when the first control inside <main> is laid out in the
# viewport and DOMContentLoaded has fired, wait one frame (it is painted) and note the time.
TAPPABLE = """
window.__tappable = new Promise((resolve) => {
  let loaded = false;
  document.addEventListener("DOMContentLoaded", () => { loaded = true; });
  const shown = () => {
    const control = document.querySelector(
      "main button, main label.tog, main input:not([type=hidden]), main select, main textarea");
    if (!control) return false;
    const box = control.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.top < innerHeight;
  };
  const frame = () => {
    if (loaded && shown()) requestAnimationFrame(() => resolve(performance.now()));
    else requestAnimationFrame(frame);
  };
  frame();
});
"""


def served():
    """gunicorn's application: the app, and the plain page at FLOOR_PATH beside it."""
    sys.path.insert(0, str(ROOT))
    from wsgi import app

    def application(environ, start_response):
        if environ.get("PATH_INFO") == FLOOR_PATH:
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                      ("Content-Length", str(len(FLOOR_PAGE))),
                                      ("Cache-Control", "no-cache")])
            return [FLOOR_PAGE]
        return app(environ, start_response)

    return application


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pick_location(db: Path, code: str | None) -> tuple[str, str]:
    """(code, label token) of the given place, or of the first active place whose checklist has
    pass/fail items only among its required ones (so that the all-clear is the whole patrol)."""
    con = sqlite3.connect(db)
    if code:
        row = con.execute("SELECT code, qr_token FROM locations WHERE code = ?", (code,)).fetchone()
        if row is None:
            sys.exit(f"no location {code}")
        return row
    for row in con.execute(
            "SELECT l.code, l.qr_token, MAX(v.id) FROM locations l"
            " JOIN checklist_templates t ON t.location_type_id = l.location_type_id"
            " JOIN checklist_versions v ON v.template_id = t.id"
            " WHERE l.is_active GROUP BY l.id ORDER BY l.id"):
        kinds = {k for (k,) in con.execute(
            "SELECT kind FROM checklist_items WHERE version_id = ? AND is_required", (row[2],))}
        if kinds == {"pass_fail"}:
            return row[0], row[1]
    sys.exit("no demo location whose checklist is pass/fail only")


def photo_bytes() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1200), (90, 120, 140))
    ImageDraw.Draw(image).rectangle((500, 400, 1100, 800), fill=(200, 60, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


class Patrols:
    """Drives the phone and counts what a person would do."""

    def __init__(self, page, base: str, token: str):
        self.page, self.base, self.token = page, base, token
        self.taps = self.keys = 0

    def tap(self, selector: str) -> None:
        self.page.locator(selector).first.tap()
        self.taps += 1

    def on_checklist(self) -> bool:
        return self.page.url.split("?")[0].endswith("/inspect")

    def open_label(self) -> None:
        self.page.goto(f"{self.base}/q/{self.token}")
        self.page.wait_for_selector("form#checklist")

    def all_clear_and_submit(self) -> None:
        stored = "**/inspections/**"
        self.tap("button[value=all_pass]")
        summary = self.page.locator("#allclear-summary button[value=submit]")
        # Before issue 15 the all-clear stored the inspection itself: measured as it is.
        deadline = time.monotonic() + 60
        while not summary.is_visible() and self.on_checklist():
            if time.monotonic() > deadline:
                sys.exit("neither the all-clear summary nor the stored inspection came in 60 s")
            self.page.wait_for_timeout(20)
        if summary.is_visible():
            summary.tap()
            self.taps += 1
        self.page.wait_for_url(stored, timeout=60_000)
        self.page.wait_for_load_state()

    def fail_first_with_photo(self, photo: bytes) -> None:
        first = self.page.locator(".q[data-kind=pass_fail]").first
        first.locator("label.tog-fail").tap()
        self.taps += 1
        # The photo button opens the camera, whose shutter is the second tap.
        first.locator("input[type=file]").set_input_files(
            {"name": "shot.jpg", "mimeType": "image/jpeg", "buffer": photo})
        self.taps += 2
        first.locator(".shot img, .thumbs img").first.wait_for(state="visible")
        note = first.locator(".note")
        note.tap()
        self.taps += 1
        note.type(NOTE)
        self.keys += len(NOTE)


CACHED = """caches.keys().then((names) => Promise.all(
  names.map((name) => caches.open(name).then((c) => c.keys()))).then((all) => all.flat().length))"""


def settle(page, quiet: float = 3, most: float = 180) -> None:
    """Wait until the worker has filled its cache (its count unchanged for `quiet` seconds)."""
    deadline = time.monotonic() + most
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = page.evaluate(CACHED)
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
        page.wait_for_timeout(500)
    print(f"The service worker keeps {last} responses")


def tappable_ms(page, url: str) -> tuple[float, float]:
    """(first tappable, first byte of the page) in ms from the start of the navigation."""
    page.goto(url, wait_until="domcontentloaded")
    return page.evaluate("window.__tappable.then((t) => [t, "
                         "performance.getEntriesByType('navigation')[0].responseStart])")


def median(values: list[float]) -> float:
    return statistics.median(values)


def run(base: str, db: Path, args) -> None:
    from playwright.sync_api import sync_playwright

    code, token = pick_location(db, args.location)
    before = sqlite3.connect(db).execute(
        "SELECT COALESCE(MAX(id), 0) FROM inspections").fetchone()[0]
    photo = photo_bytes()
    locale = "en-US" if args.lang == "en" else "zh-CN"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        phone = dict(p.devices["iPhone 13"])
        phone.pop("default_browser_type", None)
        context = browser.new_context(**phone, locale=locale)
        context.add_init_script(TAPPABLE)
        page = context.new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "guard1")
        page.fill("input[name=password]", args.password)
        page.click("button.primary")
        page.wait_for_load_state()
        # As on a guard's phone: the worker installed and the checklist opened once before.
        page.goto(f"{base}/q/{token}")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.goto(f"{base}{FLOOR_PATH}")
        settle(page)

        floor, checklist = [], []
        for _ in range(args.runs):
            floor.append(tappable_ms(page, f"{base}{FLOOR_PATH}"))
            checklist.append(tappable_ms(page, f"{base}/q/{token}"))

        patrols = {"all-clear": [], "one failure": []}
        taps = {}
        for _ in range(args.runs):
            for name in patrols:
                guard = Patrols(page, base, token)
                started = time.perf_counter()
                guard.open_label()
                if name == "one failure":
                    guard.fail_first_with_photo(photo)
                guard.all_clear_and_submit()
                patrols[name].append(time.perf_counter() - started)
                taps[name] = (guard.taps, guard.keys)
        browser.close()

    print(f"\nTime to the first tappable control, median of {args.runs} (warm, worker installed)")
    floor_ms = median([t for t, _ in floor])
    checklist_ms = median([t for t, _ in checklist])
    print(f"  plain HTML page      {floor_ms:7.0f} ms   (first byte "
          f"{median([b for _, b in floor]):.0f} ms)")
    print(f"  checklist ({code})  {checklist_ms:7.0f} ms   (first byte "
          f"{median([b for _, b in checklist]):.0f} ms)   "
          f"{checklist_ms / floor_ms:.2f}x the plain page (aim <= 2x)")
    print(f"\nPatrols from opening the label to the stored inspection, median of {args.runs}")
    for name, seconds in patrols.items():
        tap_count, keys = taps[name]
        typed = f", {keys} keystrokes" if keys else ""
        print(f"  {name:<12} {tap_count} taps after the scan{typed}   {median(seconds):.2f} s "
              f"(min {min(seconds):.2f}, max {max(seconds):.2f})")
    check(db, code, args.runs, before)


def check(db: Path, code: str, runs: int, before: int) -> None:
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT i.id, (SELECT COUNT(*) FROM item_results r WHERE r.inspection_id = i.id"
        "              AND r.outcome = 'fail'),"
        "       (SELECT COUNT(*) FROM item_results r WHERE r.inspection_id = i.id"
        "              AND r.outcome IS NULL AND r.number_value IS NULL"
        "              AND r.text_value IS NULL)"
        " FROM inspections i JOIN locations l ON l.id = i.location_id"
        " JOIN users u ON u.id = i.inspector_id"
        " WHERE l.code = ? AND u.username = 'guard1' AND i.id > ?", (code, before)).fetchall()
    failures = sum(1 for _, fails, _ in rows if fails == 1)
    clear = sum(1 for _, fails, _ in rows if fails == 0)
    photos = con.execute("SELECT COUNT(*) FROM photos p JOIN item_results r"
                         " ON r.id = p.item_result_id WHERE r.inspection_id > ?",
                         (before,)).fetchone()[0]
    print(f"\nStored: {len(rows)} inspections by guard1 at {code} ({clear} all-clear, "
          f"{failures} with one failure; {2 * runs} patrols run), with {photos} photos")
    if clear != runs or failures != runs or photos != runs:
        print("  MISMATCH: some patrol was not stored exactly once, or a photo is missing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each measure (15)")
    parser.add_argument("--location", help="a location code (default: the first whose "
                        "required items are all pass/fail)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from app.demo.loader import DEMO_PASSWORD

    args.password = DEMO_PASSWORD
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the run")
    with tempfile.TemporaryDirectory(prefix="saferound-patrol-") as folder:
        instance = Path(folder) / "instance"
        instance.mkdir()
        env = {**os.environ, "SAFEROUND_ENV": "development", "SAFEROUND_INSTANCE": str(instance),
               "FLASK_APP": "wsgi.py", "PYTHONPATH": str(ROOT)}
        env.pop("DATABASE_URL", None)
        env.pop("PHOTO_DIR", None)
        started = time.monotonic()
        for command in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True,
                           capture_output=True)
        print(f"Demo hospital loaded in {time.monotonic() - started:.0f} s")
        port = free_port()
        log = Path(folder) / "gunicorn.log"
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "--error-logfile", str(log), "bench.patrol:served()"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base, server, log)
            run(base, instance / "saferound.db", args)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"Load average {os.getloadavg()[0]:.1f} after the run")


def wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    import requests

    for _ in range(300):
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped:\n{log.read_text()[-2000:]}")
        try:
            if requests.get(f"{base}{FLOOR_PATH}", timeout=5).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    shutil.copy(log, "/tmp/patrol-gunicorn.log")
    sys.exit("gunicorn did not answer within a minute; its log is in /tmp/patrol-gunicorn.log")


if __name__ == "__main__":
    main()
