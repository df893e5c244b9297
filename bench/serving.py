"""Benchmark of serving under load: 50 guards submitting with photos, before and after
gunicorn.conf.py, side by side in one run.

Run `.venv/bin/python bench/serving.py [--guards 50] [--seconds 30] [--mbps 2] [--lock 8]`. It
loads the demo hospital once into a throwaway instance folder (SAFEROUND_ENV=development),
gives every simulated guard a personal API token, and serves a fresh copy of that instance with
gunicorn twice on a free loopback port: BEFORE, as `make run` used to (`--workers 2`, sync
workers), and AFTER, with gunicorn.conf.py. Each time the guards loop as phones do, without
pause: two photos to POST /api/v1/photos (2048 px JPEGs, as the outbox shrinks them, sent at
`--mbps` megabits a second), then the inspection to POST /api/v1/inspections. Meanwhile one
prober fetches a static file and another a checklist page (/locations/<code>/inspect, logged in
as guard1), each five times a second whatever the answers take. In the middle of the measured
`--seconds`, another process holds the database (BEGIN EXCLUSIVE) for `--lock` seconds, as a
backup or a long write might. It prints the median and p99 of the static file, the checklist
page, the photo upload and the inspection submit, before and after with the ratio: while the
database is free, for requests begun while it was held, and over all; then the requests
finished per second, the servers' memory and what failed. `--after "ARGS"` adds gunicorn
options after `-c gunicorn.conf.py`, to try other settings.
The whole run takes about three minutes on 2 cores (the demo load is a third of it).
"""

import argparse
import json
import os
import random
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from urllib3 import encode_multipart_formdata

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.phones import all_clear_answers, load_demo, phone_upload_photo  # noqa: E402

BIN = Path(sys.executable).parent
STATIC = "/static/css/app.css"
BEFORE = ["--workers", "2"]  # make run before gunicorn.conf.py: two sync workers
AFTER = ["-c", "gunicorn.conf.py"]
PHOTOS_PER_INSPECTION = 2
RAMP_SECONDS = 3
PROBE_PAUSE = 0.2
CLIENT_TIMEOUT = 120


def prepare(guards: int) -> None:
    """In the instance's environment: a token per guard (alternating between the demo's two
    patrol inspectors) and, per active place, its label token, code and a valid set of answers.
    Prints them as JSON."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import select

    from app import create_app
    from app.auth.models import User
    from app.auth.tokens import create_api_token
    from app.extensions import db
    from app.inspections.services import version_for
    from app.locations.models import Location

    app = create_app()
    with app.app_context():
        inspectors = [db.session.scalar(select(User).where(User.username == name))
                      for name in ("guard1", "guard2")]
        tokens = [create_api_token(inspectors[i % 2], f"bench {i}")[1] for i in range(guards)]
        places = []
        for location in db.session.scalars(select(Location).where(Location.is_active)):
            version = version_for(location)
            places.append({"code": location.code, "token": location.qr_token,
                           "version_id": version.id, "answers": all_clear_answers(version)})
        db.session.commit()
    print(json.dumps({"tokens": tokens, "places": places}))


class PhoneLink:
    """A request body sent as a phone on a weak link sends it: a block, then a pause, at
    `mbps` megabits a second (http.client reads it block by block)."""

    BLOCK = 16 * 1024

    def __init__(self, data: bytes, mbps: float):
        self.data, self.position, self.pause = data, 0, self.BLOCK * 8 / (mbps * 1e6)

    def __len__(self):
        return len(self.data) - self.position

    def read(self, size: int = -1) -> bytes:
        if self.position and self.position < len(self.data):
            time.sleep(self.pause)
        block = self.data[self.position:self.position + self.BLOCK]
        self.position += len(block)
        return block


def lock_database(path: Path, after: float, seconds: float, window: list) -> None:
    """Another process's long write: BEGIN EXCLUSIVE on the SQLite file for `seconds`."""
    time.sleep(after)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN EXCLUSIVE")
    window.append(time.perf_counter())
    time.sleep(seconds)
    connection.execute("ROLLBACK")
    window.append(time.perf_counter())
    connection.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """Times per kind of request, and failures (status or exception) per kind."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[tuple[float, float]]] = {}  # (started, seconds)
        self.failures: dict[str, list[str]] = {}
        self.recording = False

    def timed(self, kind: str, send, *args, **kwargs):
        started = time.perf_counter()
        try:
            response = send(*args, timeout=CLIENT_TIMEOUT, **kwargs)
            failure = None if response.status_code < 400 else str(response.status_code)
        except requests.RequestException as e:
            response, failure = None, type(e).__name__
        seconds = time.perf_counter() - started
        with self.lock:
            if self.recording:
                self.times.setdefault(kind, []).append((started, seconds))
                if failure:
                    self.failures.setdefault(kind, []).append(failure)
        return response


def guard(base: str, secret: str, places: list[dict], photos: list[bytes], rec: Recorder,
          stop: threading.Event, seed: int, mbps: float) -> None:
    rnd = random.Random(seed)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {secret}"
    while not stop.is_set():
        place = rnd.choice(places)
        photo_ids = []
        for _ in range(PHOTOS_PER_INSPECTION):
            photo_id = str(uuid.uuid4())
            body, content_type = encode_multipart_formdata({
                "uuid": photo_id, "location_token": place["token"],
                "file": ("photo.jpg", rnd.choice(photos), "image/jpeg")})
            response = rec.timed("photo upload", session.post, f"{base}/api/v1/photos",
                                 data=PhoneLink(body, mbps),
                                 headers={"Content-Type": content_type})
            if response is not None and response.status_code in (200, 201):
                photo_ids.append(photo_id)
            if stop.is_set():
                return
        answers = [dict(a) for a in place["answers"]]
        if answers:
            answers[0]["photos"] = photo_ids
        body = {"uuid": str(uuid.uuid4()), "location_token": place["token"],
                "version_id": place["version_id"], "kind": "patrol", "answers": answers}
        rec.timed("inspection submit", session.post, f"{base}/api/v1/inspections", json=body)


def prober(kind: str, url: str, cookies, rec: Recorder, stop: threading.Event) -> None:
    """One request every PROBE_PAUSE seconds, each on its own connection and thread, as a
    person's browser would ask whatever the others wait for: a slow answer is one slow
    sample, not fewer samples."""
    started = []
    while not stop.wait(PROBE_PAUSE):
        thread = threading.Thread(target=rec.timed, args=(kind, requests.get, url),
                                  kwargs={"cookies": cookies})
        thread.start()
        started.append(thread)
    for thread in started:
        thread.join()


def logged_in(base: str) -> requests.Session:
    """A browser session of guard1, through the login form."""
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30).text
    marker = 'name="csrf_token" type="hidden" value="'
    start = page.index(marker) + len(marker)
    csrf = page[start:page.index('"', start)]
    response = session.post(f"{base}/login", timeout=30, data={
        "csrf_token": csrf, "username": "guard1", "password": "saferound", "next": ""})
    response.raise_for_status()
    return session


def serve(label: str, args: list[str], instance: Path, env: dict, data: dict,
          photos: list[bytes], guards: int, seconds: float, mbps: float, lock: float,
          log: Path) -> dict:
    """Serve a copy of the instance with these gunicorn options under the guards' load."""
    folder = instance.parent / f"instance-{label}"
    shutil.copytree(instance, folder)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), *args, "--bind", f"127.0.0.1:{port}", "--error-logfile",
         str(log), "wsgi:app"], cwd=ROOT, env={**env, "SAFEROUND_INSTANCE": str(folder)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/login", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn ({label}) did not start; see {log}")
            time.sleep(0.2)
        page_url = f"{base}/locations/{data['places'][0]['code']}/inspect"
        browser = logged_in(base)
        browser.get(page_url, timeout=30).raise_for_status()  # warm: compiled templates
        rec, stop = Recorder(), threading.Event()
        threads = [threading.Thread(target=guard, args=(
            base, data["tokens"][i], data["places"], photos, rec, stop, i, mbps))
            for i in range(guards)]
        threads += [threading.Thread(target=prober, args=(
            "static file", base + STATIC, None, rec, stop)),
            threading.Thread(target=prober, args=(
                "checklist page", page_url, browser.cookies, rec, stop))]
        for thread in threads:
            thread.start()
        time.sleep(RAMP_SECONDS)
        rec.recording = True
        started = time.monotonic()
        window = []
        if lock:
            locker = threading.Thread(target=lock_database, args=(
                folder / "saferound.db", (seconds - lock) / 2, lock, window))
            locker.start()
        time.sleep(seconds)
        if lock:
            locker.join()
        stop.set()
        for thread in threads:  # requests under way finish, and are counted
            thread.join()
        elapsed = time.monotonic() - started
        rec.recording = False
        rss = workers_rss_mb(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    return {"times": rec.times, "failures": rec.failures, "elapsed": elapsed, "rss_mb": rss,
            "lock": window}


def workers_rss_mb(master: int) -> float:
    """The memory of the master and its workers together (resident, MB)."""
    total = 0
    pids = [master] + [int(p) for p in subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()]
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def quantile(values: list[float], q: float) -> float:
    """The value below which a fraction q of them lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guards", type=int, default=50, help="simulated guards (50)")
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds (30)")
    parser.add_argument("--mbps", type=float, default=2,
                        help="each phone's upload speed, megabits a second (2)")
    parser.add_argument("--lock", type=float, default=8,
                        help="seconds another process holds the database in the middle (8)")
    parser.add_argument("--after", default="", help="more gunicorn options for AFTER")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--reuse", metavar="DIR", help=argparse.SUPPRESS)  # keep the demo
    parser.add_argument("--before", default=" ".join(BEFORE), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        prepare(args.prepare)
        return

    after = AFTER + shlex.split(args.after)
    with tempfile.TemporaryDirectory(prefix="saferound-serving-") as folder:
        if args.reuse:
            folder = args.reuse
            for old in Path(folder).glob("instance-*"):
                shutil.rmtree(old)
        instance = Path(folder) / "instance"
        fresh = not instance.exists()
        instance.mkdir(exist_ok=True)
        env = {**os.environ, "SAFEROUND_ENV": "development", "SAFEROUND_INSTANCE": str(instance),
               "FLASK_APP": "wsgi.py", "PYTHONPATH": str(ROOT)}
        env.pop("DATABASE_URL", None)
        env.pop("PHOTO_DIR", None)
        started = time.monotonic()
        prepared = Path(folder) / "prepared.json"
        if fresh or not prepared.exists():
            load_demo(env)
            prepared.write_text(subprocess.run(
                [sys.executable, __file__, "--prepare", str(args.guards)], cwd=ROOT, env=env,
                check=True, capture_output=True, text=True).stdout)
        data = json.loads(prepared.read_text())
        photos = [phone_upload_photo(seed) for seed in range(4)]
        print(f"Demo hospital loaded and {args.guards} guards' tokens made in "
              f"{time.monotonic() - started:.0f} s; {len(data['places'])} places; photos "
              f"2048x1536 JPEG, {statistics.mean(map(len, photos)) / 1024:.0f} KB on average; "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the runs")
        results = {}
        for label, options in (("before", shlex.split(args.before)), ("after", after)):
            results[label] = serve(label, options, instance, env, data, photos, args.guards,
                                   args.seconds, args.mbps, args.lock,
                                   Path(folder) / f"{label}.log")
        report(results, args, after)


KINDS = ("static file", "checklist page", "photo upload", "inspection submit")


def table(before: dict[str, list[float]], after: dict[str, list[float]]) -> None:
    print(f"{'request':<18} {'count':>11} {'median s':>15} {'p99 s':>15}   p99 after/before")
    for kind in KINDS:
        b, a = before.get(kind, []), after.get(kind, [])
        if not b or not a:
            print(f"{kind:<18} {len(b):>5} {len(a):>5}   (none finished)")
            continue
        medians = statistics.median(b), statistics.median(a)
        p99s = quantile(b, 0.99), quantile(a, 0.99)
        print(f"{kind:<18} {len(b):>5} {len(a):>5} {medians[0]:>7.3f} {medians[1]:>7.3f} "
              f"{p99s[0]:>7.3f} {p99s[1]:>7.3f}   {p99s[1] / max(p99s[0], 1e-6):.2f}")


def seconds_of(run: dict, during_lock: bool | None = None) -> dict[str, list[float]]:
    """Each kind's request times; only those begun while the database was held (True), or
    only the others (False)."""
    held = run["lock"]
    found = {}
    for kind, entries in run["times"].items():
        found[kind] = [seconds for started, seconds in entries if during_lock is None
                       or (len(held) == 2 and held[0] <= started <= held[1]) == during_lock]
    return found


def report(results: dict, args, after: list[str]) -> None:
    before, after_run = results["before"], results["after"]
    print(f"\n{args.guards} guards, each uploading {PHOTOS_PER_INSPECTION} photos at "
          f"{args.mbps:g} Mbit/s then submitting, without pause; {args.seconds:.0f} s measured "
          f"after a {RAMP_SECONDS} s ramp")
    print(f"BEFORE: gunicorn {args.before}    AFTER: gunicorn {' '.join(after)}")
    if args.lock:
        print(f"\nWhile nothing else holds the database ({args.seconds - args.lock:.0f} s):")
        table(seconds_of(before, False), seconds_of(after_run, False))
        print(f"\nRequests begun while another process held the database for {args.lock:g} s "
              "(BEGIN EXCLUSIVE):")
        table(seconds_of(before, True), seconds_of(after_run, True))
    print("\nAll of it:")
    table(seconds_of(before), seconds_of(after_run))
    print()
    for label, run in (("before", before), ("after", after_run)):
        per_second = {k: len(v) / run["elapsed"] for k, v in run["times"].items()}
        failed = {k: f"{len(v)} ({', '.join(sorted(set(v)))})"
                  for k, v in run["failures"].items()}
        print(f"{label}: {per_second.get('photo upload', 0):.1f} photos/s, "
              f"{per_second.get('inspection submit', 0):.1f} inspections/s, server memory "
              f"{run['rss_mb']:.0f} MB; failed: {failed or 'none'}")


if __name__ == "__main__":
    main()
