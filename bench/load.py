"""Load benchmark with real patrol traffic (Locust): guards on their rounds, managers browsing,
wall screens polling, stepped up until the answers get slow, on one SQLite host or on two app
hosts over PostgreSQL, S3 and Redis.

Run `.venv/bin/python bench/load.py [--setup sqlite|cluster|both] [--steps 100,200,300,500,
700,1000,1300] [--hold 60] [--ramp 30]` (sqlite, all steps: about 15 minutes on 2 cores; the
demo load is 2–4 of them; `--keep DIR` keeps the loaded SQLite instance for the next run).

It starts the servers itself, on loopback ports (tests/servers.py), and loads the demo hospital
plus, for the largest step, one bench place per guard (copies of the demo's places), the guard
and manager accounts, and the wall screens' display tokens:
- `sqlite`: one host, gunicorn with gunicorn.conf.py, SQLite and photos in the instance folder.
- `cluster`: PostgreSQL, Redis and SeaweedFS's S3 server with TWO app servers, each with its own
  instance folder, photos in the bucket (PHOTO_STORE=s3://…). Each simulated person is pinned
  to one of the two hosts, alternately, standing in for a load balancer with sticky sessions.
  `--cluster-photos shared` puts the photos in one local PHOTO_DIR both hosts share instead.

Locust runs as a library in this process (FastHttpUser, gevent), headless. Three kinds of people:
- Guard: logs in once through the form, as a phone does at the start of a shift (not measured),
  then every `--cycle` seconds (60): scans a place's label (`scan`: its checklist page), fills
  it in (FILL_SHARE of the cycle: 15–40 s), and the outbox sends it as sync.js does (session
  cookie and CSRF token, not a personal API token): `me` (GET /api/v1/me), for FAIL_SHARE of
  them a 2048-px JPEG (`photo`, POST /api/v1/photos) for one failed item, which opens a hazard
  card, then `submit` (POST /api/v1/inspections). About one checkpoint a minute each.
- Manager (`--managers-per-100` per hundred guards): `hazards list`, a hazard `card`, the
  `dashboard`, one every MANAGER_PAUSE seconds.
- Wall (`--walls`): GET /wall/<token>/data every 10 s with If-None-Match (`wall 200` when the
  data changed, `wall 304` when not).

Each step adds guards (and managers) at `--spawn-rate` a second, waits `--ramp` seconds and then
measures `--hold` seconds. Per step it prints the throughput (requests/s, submits/min), p50, p95
and p99 of each kind of request, the errors by kind (HTTP status and problem code, or
exception), the machine's load average and the CPU the app servers, this load generator and
everything else (databases, S3, Redis) used. It stops after the first step that misses the aim
(p99 of every kind ≤ 1 s and no errors; `--all-steps` goes on) and prints the largest number of
guards held within it. Afterwards it checks the data: every submit the server accepted is stored
exactly once, every photo it accepted and every photo of those inspections is in the photo
store, and `flask audit verify` passes.
"""

import argparse
import contextlib
import itertools
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.phones import all_clear_answers, load_demo, phone_upload_photo  # noqa: E402

FILL_SHARE = (0.25, 0.67)  # of a cycle, from opening the checklist to pressing submit
FAIL_SHARE = 0.2
MANAGER_PAUSE = (5, 15)
WALL_POLL_SECONDS = 10  # app/wall/views.py POLL_SECONDS
AIM_P99_SECONDS = 1.0
BENCH_PASSWORD = "bench-load-password"
# Bench accounts log in once each, outside the measured time; a cheap hash keeps 1,300 logins
# from costing minutes of CPU during the ramps (the demo's accounts keep the real one).
BENCH_HASH = "pbkdf2:sha256:1000"
KINDS = ("scan", "me", "photo", "submit", "hazards list", "card", "dashboard", "wall 200",
         "wall 304")
BUCKET = "saferound-load"


# --- What one step measured, and what it means (no Locust here: the tests import these) ---

def quantile(values: list[float], q: float) -> float:
    """The value below which a fraction q of them lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


@dataclass
class Step:
    """One held step: what was asked of the servers and how they answered."""

    guards: int
    managers: int
    walls: int
    seconds: float
    times: dict[str, list[float]] = field(default_factory=dict)  # kind -> seconds
    errors: dict[str, Counter] = field(default_factory=dict)  # kind -> Counter(label)
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)
    cpu: dict[str, float] = field(default_factory=dict)  # who -> share of one core
    failing_submits: int = 0

    def slow_kinds(self) -> dict[str, float]:
        """The kinds whose p99 is over the aim, with that p99."""
        return {kind: p99 for kind, values in self.times.items()
                if (p99 := quantile(values, 0.99)) > AIM_P99_SECONDS}

    def error_count(self) -> int:
        return sum(sum(c.values()) for c in self.errors.values())

    def within_aim(self) -> bool:
        return bool(self.times.get("submit")) and not self.slow_kinds() \
            and not self.error_count()

    def requests_per_second(self) -> float:
        return sum(len(v) for v in self.times.values()) / self.seconds

    def submits_per_minute(self) -> float:
        return len(self.times.get("submit", [])) * 60 / self.seconds


def largest_held(steps: list[Step]) -> int:
    """The most guards of a step within the aim, all smaller steps within it too (0: none)."""
    held = 0
    for step in sorted(steps, key=lambda s: s.guards):
        if not step.within_aim():
            break
        held = step.guards
    return held


def step_report(step: Step, number: int, hosts: int) -> str:
    """The printed table of one step."""
    cpu = ", ".join(f"{who} {share:.0%}" for who, share in step.cpu.items())
    lines = [
        f"Step {number}: {step.guards} guards, {step.managers} managers, {step.walls} walls on "
        f"{hosts} host{'s' if hosts > 1 else ''}; {step.seconds:.0f} s held",
        f"  load average {step.load[0]:.2f} {step.load[1]:.2f} {step.load[2]:.2f}; CPU (of one "
        f"core): {cpu or 'not measured'}",
        f"  throughput {step.requests_per_second():.1f} requests/s, "
        f"{step.submits_per_minute():.0f} submits/min ({step.failing_submits} with a failed item "
        "and its photo)",
        f"  {'request':<13} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'errors':>7}",
    ]
    kinds = [k for k in KINDS if k in step.times or k in step.errors]
    kinds += sorted((set(step.times) | set(step.errors)) - set(KINDS))
    for kind in kinds:
        values = step.times.get(kind, [])
        errors = sum(step.errors.get(kind, Counter()).values())
        if values:
            ms = [quantile(values, q) * 1000 for q in (0.5, 0.95, 0.99)] + [max(values) * 1000]
            figures = " ".join(f"{v:>8.0f}" for v in ms)
        else:
            figures = " ".join(f"{'-':>8}" for _ in range(4))
        lines.append(f"  {kind:<13} {len(values):>6} {figures} {errors:>7}")
    if step.errors:
        lines.append("  errors: " + "; ".join(
            f"{kind}: " + ", ".join(f"{label} ×{n}" for label, n in counts.most_common())
            for kind, counts in sorted(step.errors.items())))
    if step.within_aim():
        lines.append("  within the aim (p99 ≤ 1 s for every kind, no errors)")
    else:
        missed = [f"{kind} p99 {p99:.2f} s" for kind, p99 in step.slow_kinds().items()]
        if step.error_count():
            missed.append(f"{step.error_count()} errors")
        if not step.times.get("submit"):
            missed.append("no submit finished")
        lines.append("  MISSED the aim: " + ", ".join(missed))
    return "\n".join(lines)


# --- The instance: demo hospital, bench accounts, places and screens (in its own process) ---

def prepare(guards: int, managers: int, walls: int, places: int) -> dict:
    """In the instance's environment: bench guard and manager accounts, enough places, the
    walls' display tokens; what the simulated people need, as a dict."""
    from sqlalchemy import func, select
    from werkzeug.security import generate_password_hash

    from app import create_app
    from app.auth.models import User
    from app.common.errors import DomainError
    from app.extensions import db
    from app.hazards.models import Hazard
    from app.inspections.services import version_for
    from app.locations.models import Location
    from app.wall.services import create_display

    app = create_app()
    with app.app_context():
        guard1 = db.session.scalar(select(User).where(User.username == "guard1"))
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        cheap = generate_password_hash(BENCH_PASSWORD, method=BENCH_HASH)
        names = {"guards": [f"bench_g{i:04d}" for i in range(guards)],
                 "managers": [f"bench_m{i:03d}" for i in range(managers)]}
        known = set(db.session.scalars(select(User.username).where(
            User.username.like("bench_%"))))
        for role, usernames in (("inspector", names["guards"]), ("manager", names["managers"])):
            for username in usernames:
                if username not in known:
                    db.session.add(User(username=username, full_name=username, role=role,
                                        department_id=guard1.department_id,
                                        password_hash=cheap))
        demo = list(db.session.scalars(select(Location).where(
            Location.is_active, ~Location.code.like("LB%")).order_by(Location.id)))
        have = db.session.scalar(select(func.count()).select_from(Location).where(
            Location.is_active))
        for i in range(have, places):
            source = demo[i % len(demo)]
            db.session.add(Location(
                code=f"LB{i:05d}", name_zh=f"{source.name_zh} {i}",
                name_en=f"{source.name_en} {i}", building=source.building,
                floor=source.floor, location_type_id=source.location_type_id,
                department_id=source.department_id, risk_level=source.risk_level))
        screens = [create_display(admin, f"Bench wall {i + 1}").token for i in range(walls)]
        db.session.flush()
        found = []
        for location in db.session.scalars(select(Location).where(Location.is_active)):
            try:
                version = version_for(location)
            except DomainError:
                continue
            if any(item.is_required and (item.kind == "photo" or item.photo_required)
                   for item in version.items):
                continue  # its all-clear needs a photo: not the 20 % asked for
            fail_item = next((item.id for item in version.items if item.kind == "pass_fail"),
                             None)
            found.append({"code": location.code, "token": location.qr_token,
                          "version_id": version.id, "answers": all_clear_answers(version),
                          "fail_item": fail_item})
        numbers = list(db.session.scalars(select(Hazard.number).order_by(Hazard.id.desc())
                                          .limit(300)))
        db.session.commit()
    return {**names, "password": BENCH_PASSWORD, "walls": screens, "places": found,
            "hazards": numbers}


def check(accepted: dict, app=None) -> dict:
    """In the instance's environment (or `app`'s): is every accepted submit stored exactly once,
    every accepted photo and every photo of those inspections in the store? Counts and
    problems."""
    from sqlalchemy import func, select

    from app import create_app
    from app.auth.models import User
    from app.extensions import db
    from app.inspections.models import Inspection, ItemResult
    from app.photos.models import Photo
    from app.photos.store import photo_store

    app = app or create_app()
    problems, counts = [], Counter()
    submits, photos = accepted["submits"], accepted["photos"]
    with app.app_context():
        store = photo_store()
        uuids = list(submits)
        for chunk in (uuids[i:i + 500] for i in range(0, len(uuids), 500)):
            stored = dict(db.session.execute(
                select(Inspection.uuid, func.count()).where(Inspection.uuid.in_(chunk))
                .group_by(Inspection.uuid)).all())
            for key in chunk:
                n = stored.get(key, 0)
                counts["submits stored once" if n == 1 else "submits NOT stored once"] += 1
                if n != 1:
                    problems.append(f"submit {key} stored {n} times")
            for sha256, thumb in db.session.execute(
                    select(Photo.sha256, Photo.thumb_sha256)
                    .join(ItemResult, ItemResult.id == Photo.item_result_id)
                    .join(Inspection, Inspection.id == ItemResult.inspection_id)
                    .where(Inspection.uuid.in_(chunk))):
                counts["photos of those inspections"] += 1
                for key in (sha256, thumb):
                    if not store.exists(key):
                        problems.append(f"photo {key} of an accepted submit is not in the store")
        keys = list(photos)
        for chunk in (keys[i:i + 500] for i in range(0, len(keys), 500)):
            rows = {client_uuid: (sha256, thumb) for client_uuid, sha256, thumb in
                    db.session.execute(select(Photo.client_uuid, Photo.sha256, Photo.thumb_sha256)
                                       .where(Photo.client_uuid.in_(chunk)))}
            for key in chunk:
                if key not in rows:
                    problems.append(f"accepted photo {key} has no row")
                    continue
                present = all(store.exists(k) for k in rows[key])
                counts["accepted photos in the store" if present
                       else "accepted photos MISSING from the store"] += 1
                if not present:
                    problems.append(f"accepted photo {key} ({rows[key][0]}) not in the store")
        counts["inspections by bench guards in the database"] = db.session.scalar(
            select(func.count()).select_from(Inspection).where(Inspection.inspector_id.in_(
                select(User.id).where(User.username.like("bench_g%")))))
    return {"counts": dict(counts), "problems": problems}


# --- The simulated people (Locust is imported only here: it patches the whole process) ---

class Recorder:
    """Every answer, per kind: times and errors of the step being held, and, for the whole
    run, the submits and photos the servers accepted (uuid -> id or sha256)."""

    def __init__(self):
        self.holding = False
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, Counter] = defaultdict(Counter)
        self.failing_submits = 0
        self.submits: dict[str, int] = {}
        self.photos: dict[str, str] = {}
        self.logins = Counter()

    def begin(self) -> None:
        self.times, self.errors = defaultdict(list), defaultdict(Counter)
        self.failing_submits = 0
        self.holding = True

    def end(self) -> tuple[dict, dict, int]:
        self.holding = False
        return dict(self.times), dict(self.errors), self.failing_submits

    def on_request(self, name, response_time, response=None, exception=None, **_kwargs):
        status = getattr(response, "status_code", 0) or 0
        if name == "login":
            self.logins[str(status) if status < 400 else f"error {status}"] += 1
            return
        kind = ("wall 304" if status == 304 else "wall 200") if name == "wall" else name
        if not self.holding:
            return
        if exception is not None or status >= 400 or not status:
            self.errors[kind][error_kind(status, response, exception)] += 1
        else:
            self.times[kind].append(response_time / 1000)


def error_kind(status: int, response, exception) -> str:
    """The status with the API problem's code ("503 server.busy", "503 storage.unavailable"),
    or the exception's name when there was no answer."""
    if not status:
        return type(exception).__name__
    try:
        code = json.loads(getattr(response, "text", None) or "null")["code"]
    except (ValueError, TypeError, KeyError):
        return str(status)
    return f"{status} {code}"


def people(plan: dict, hosts: list[str], record: Recorder, cycle: float = 60, seed: int = 17):
    """The Locust user classes for this run: Guard (a checkpoint every `cycle` seconds),
    Manager and Wall, each person pinned to one of `hosts` in turn."""
    import gevent
    from locust import FastHttpUser, between, constant_pacing, task
    from locust.exception import StopUser
    from urllib3 import encode_multipart_formdata

    rnd = random.Random(seed)
    photos = [phone_upload_photo(s) for s in range(3)]
    failable = [p for p in plan["places"] if p["fail_item"]]
    pins = defaultdict(itertools.count)
    # A person who stopped is replaced under the same account, as a phone logging in again.
    names = {"Guard": itertools.cycle(plan["guards"]),
             "Manager": itertools.cycle(plan["managers"])}
    walls = itertools.cycle(plan["walls"])
    stopping = []  # set when the run ends: no new cycle starts

    class Person(FastHttpUser):
        abstract = True
        network_timeout = connection_timeout = 60.0
        concurrency = 2

        def __init__(self, environment):
            kind = type(self).__name__
            self.host = hosts[next(pins[kind]) % len(hosts)]
            super().__init__(environment)
            self.rnd = random.Random(rnd.random())

        def log_in(self) -> None:
            """Through the form, as a person does once (name `login`, kept out of the steps),
            trying again every 10 s while the server cannot answer."""
            username = next(names[type(self).__name__])
            while True:
                page = self.client.get("/login", name="login")
                found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                  page.text or "")
                if found:
                    answer = self.client.post(
                        "/login", name="login", allow_redirects=False, data=(
                            f"csrf_token={found.group(1)}&username={username}&"
                            f"password={plan['password']}&next="),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
                    if answer.status_code == 302:
                        return
                self.pause(10)

        def pause(self, seconds: float) -> None:
            gevent.sleep(seconds)
            if stopping:
                raise StopUser()

    class Guard(Person):
        def wait_time(self):
            return 0  # paced in patrol()

        def on_start(self):
            self.log_in()
            self.next_at = time.monotonic() + self.rnd.uniform(0, cycle)

        @task
        def patrol(self):
            self.pause(max(0.0, self.next_at - time.monotonic()))
            self.next_at += cycle
            failing = self.rnd.random() < FAIL_SHARE and bool(failable)
            place = self.rnd.choice(failable if failing else plan["places"])
            self.client.get(f"/locations/{place['code']}/inspect", name="scan")
            self.pause(cycle * self.rnd.uniform(*FILL_SHARE))
            self.send(place, failing)

        def send(self, place: dict, failing: bool) -> None:
            """As sync.js: who am I (and the CSRF token), the photo, then the inspection."""
            me = self.client.get("/api/v1/me", name="me")
            if me.status_code != 200:
                return
            headers = {"X-CSRFToken": me.json()["csrf_token"]}
            answers = [dict(a) for a in place["answers"]]
            if failing:
                photo_id = str(uuid.uuid4())
                body, content_type = encode_multipart_formdata({
                    "uuid": photo_id, "location_token": place["token"],
                    "file": ("photo.jpg", self.rnd.choice(photos), "image/jpeg")})
                answer = self.client.post("/api/v1/photos", name="photo", data=body,
                                          headers={**headers, "Content-Type": content_type})
                if answer.status_code not in (200, 201):
                    return  # the outbox keeps the entry and tries again later
                record.photos[photo_id] = answer.json()["sha256"]
                answers = [a for a in answers if a["item_id"] != place["fail_item"]]
                answers.append({"item_id": place["fail_item"], "outcome": "fail",
                                "note": "Bench: valve handle cracked", "photos": [photo_id]})
            submit_id = str(uuid.uuid4())
            answer = self.client.post("/api/v1/inspections", name="submit", headers=headers, json={
                "uuid": submit_id, "location_token": place["token"],
                "version_id": place["version_id"], "kind": "patrol", "answers": answers})
            if answer.status_code in (200, 201):
                record.submits[submit_id] = answer.json()["id"]
                if failing and record.holding:
                    record.failing_submits += 1

    class Manager(Person):
        wait_time = between(*MANAGER_PAUSE)

        def on_start(self):
            self.log_in()
            # Not pause(): Locust prints a StopUser raised in on_start as a crash.
            gevent.sleep(self.rnd.uniform(0, MANAGER_PAUSE[1]))

        @task(3)
        def hazards_list(self):
            self.client.get("/hazards/", name="hazards list")

        @task(3)
        def card(self):
            self.client.get(f"/hazards/{self.rnd.choice(plan['hazards'])}", name="card")

        @task(1)
        def dashboard(self):
            self.client.get("/dashboard", name="dashboard")

    class Wall(Person):
        wait_time = constant_pacing(WALL_POLL_SECONDS)

        def on_start(self):
            self.token, self.etag = next(walls), None
            self.pause(self.rnd.uniform(0, WALL_POLL_SECONDS))

        @task
        def poll(self):
            headers = {"If-None-Match": self.etag} if self.etag else {}
            answer = self.client.get(f"/wall/{self.token}/data", name="wall", headers=headers)
            if answer.status_code == 200:
                self.etag = answer.headers.get("ETag")

    return [Guard, Manager, Wall], stopping


class Cpu:
    """CPU used between two readings, in shares of one core: by the app servers (each gunicorn
    master with its workers), by this process, and by everything else on the machine (the
    database, S3 and Redis servers, and whatever else runs here)."""

    def __init__(self, server_pids: list[int]):
        import psutil

        self.psutil = psutil
        self.servers = [psutil.Process(pid) for pid in server_pids]
        self.me = psutil.Process()
        self.last = self._read()

    def _read(self) -> tuple[float, float, float, float]:
        total = 0.0
        for master in self.servers:
            # Workers gunicorn replaced (max_requests) count in the master's children_* times.
            with contextlib.suppress(Exception):
                times = master.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
            for process in master.children(recursive=True):
                with contextlib.suppress(Exception):
                    times = process.cpu_times()
                    total += times.user + times.system
        mine = self.me.cpu_times()
        machine = self.psutil.cpu_times()
        # Not guest (already in user), steal (another machine's) nor waiting for the disk.
        busy = sum(getattr(machine, part, 0.0)
                   for part in ("user", "nice", "system", "irq", "softirq"))
        return time.monotonic(), total, mine.user + mine.system, busy

    def shares(self) -> dict[str, float]:
        now = self._read()
        wall = now[0] - self.last[0]
        servers, mine = now[1] - self.last[1], now[2] - self.last[2]
        shares = {"app servers": servers / wall, "load generator": mine / wall,
                  "everything else": max(0.0, now[3] - self.last[3] - servers - mine) / wall}
        self.last = now
        return shares


def warm_up(plan: dict, urls: list[str], record: Recorder, rounds: int = 4) -> None:
    """Each host's workers once through every kind of request (templates compiled, Pillow
    loaded), as a server that has run a while has; the submits are checked with the rest."""
    import requests

    place = next(p for p in plan["places"] if p["fail_item"])
    photo = phone_upload_photo(99)
    for url in urls:
        for username in (plan["guards"][-1], plan["managers"][-1]):
            session = requests.Session()
            page = session.get(f"{url}/login", timeout=60).text
            csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            session.post(f"{url}/login", timeout=60, data={
                "csrf_token": csrf, "username": username, "password": plan["password"],
                "next": ""}).raise_for_status()
            for _ in range(rounds):
                if username in plan["managers"]:
                    for path in ("/hazards/", f"/hazards/{plan['hazards'][0]}", "/dashboard",
                                 f"/wall/{plan['walls'][0]}/data"):
                        session.get(url + path, timeout=60).raise_for_status()
                    continue
                session.get(f"{url}/locations/{place['code']}/inspect", timeout=60)
                token = session.get(f"{url}/api/v1/me", timeout=60).json()["csrf_token"]
                photo_id, submit_id = str(uuid.uuid4()), str(uuid.uuid4())
                answer = session.post(f"{url}/api/v1/photos", timeout=60, data={
                    "uuid": photo_id, "location_token": place["token"]},
                    files={"file": ("photo.jpg", photo, "image/jpeg")},
                    headers={"X-CSRFToken": token})
                answer.raise_for_status()
                record.photos[photo_id] = answer.json()["sha256"]
                answers = [a for a in place["answers"] if a["item_id"] != place["fail_item"]]
                answers.append({"item_id": place["fail_item"], "outcome": "fail",
                                "note": "Bench: warm-up", "photos": [photo_id]})
                answer = session.post(f"{url}/api/v1/inspections", timeout=60, json={
                    "uuid": submit_id, "location_token": place["token"],
                    "version_id": place["version_id"], "kind": "patrol", "answers": answers},
                    headers={"X-CSRFToken": token})
                if answer.status_code not in (200, 201):
                    sys.exit(f"warm-up submit refused: {answer.status_code} {answer.text}")
                record.submits[submit_id] = answer.json()["id"]


def run_steps(plan: dict, setup: "Setup", args) -> tuple[list[Step], Recorder]:
    """Step the guards up on this set-up's hosts; each step's figures, printed as they come."""
    import gevent
    from locust.env import Environment

    record = Recorder()
    classes, stopping = people(plan, setup.urls, record, args.cycle)
    environment = Environment(user_classes=classes)
    environment.events.request.add_listener(record.on_request)
    runner = environment.create_local_runner()
    cpu = Cpu(setup.pids)
    started = time.monotonic()
    warm_up(plan, setup.urls, record)
    print(f"Warmed up in {time.monotonic() - started:.0f} s", flush=True)
    steps = []
    try:
        for number, guards in enumerate(args.steps, 1):
            managers = math.ceil(guards * args.managers_per_100 / 100)
            target = {"Guard": guards, "Manager": managers, "Wall": args.walls}
            started = time.monotonic()
            while True:  # spawn at the rate asked, whatever the users' own start-up takes
                running = runner.user_classes_count
                missing = {k: v - running.get(k, 0) for k, v in target.items()
                           if v > running.get(k, 0)}
                if not missing:
                    break
                batch, budget = {}, max(1, int(args.spawn_rate))
                for kind, n in missing.items():
                    batch[kind] = min(n, budget)
                    budget -= batch[kind]
                    if budget <= 0:
                        break
                runner.spawn_users({k: v for k, v in batch.items() if v})
                gevent.sleep(1)
            gevent.sleep(max(0.0, started + args.ramp - time.monotonic()))
            cpu.shares()
            record.begin()
            held_from = time.monotonic()
            gevent.sleep(args.hold)
            times, errors, failing = record.end()
            step = Step(guards, managers, args.walls, time.monotonic() - held_from, times,
                        errors, os.getloadavg(), cpu.shares(), failing)
            steps.append(step)
            print(step_report(step, number, len(setup.urls)), flush=True)
            if not step.within_aim() and not args.all_steps:
                print("  (stopping here: the aim was missed; --all-steps goes on)", flush=True)
                break
    finally:
        stopping.append(True)
        gevent.sleep(args.drain)  # requests under way finish and are counted as accepted
        runner.quit()
    logins = ", ".join(f"{k} ×{v}" for k, v in sorted(record.logins.items()))
    print(f"Logins through the form (not measured): {logins}", flush=True)
    return steps, record


# --- Set-ups: the servers, started and stopped here ---

@dataclass
class Setup:
    name: str
    label: str
    urls: list[str]
    pids: list[int]
    env: dict  # the instance's settings, for the preparation, the check and the CLI


def base_env(instance: Path) -> dict:
    env = {**os.environ, "SAFEROUND_ENV": "development", "SAFEROUND_INSTANCE": str(instance),
           "FLASK_APP": "wsgi.py", "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"}
    for name in ("DATABASE_URL", "PHOTO_DIR", "PHOTO_STORE", "REDIS_URL", "S3_ENDPOINT_URL",
                 "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_REGION"):
        env.pop(name, None)
    return env


def run_in_instance(env: dict, *args: str) -> dict:
    """This script in the instance's environment (--prepare or --check); its JSON answer."""
    done = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"bench/load.py {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare_args(args) -> list[str]:
    largest = max(args.steps)
    return ["--prepare", json.dumps({
        "guards": largest, "managers": math.ceil(largest * args.managers_per_100 / 100),
        "walls": args.walls, "places": max(largest, args.places)})]


@contextlib.contextmanager
def sqlite_setup(folder: Path, args):
    """One host: gunicorn (gunicorn.conf.py), SQLite and photos in its instance folder."""
    from tests.servers import running_app_server

    keep = Path(args.keep) if args.keep else folder
    base, plan_file = keep / "sqlite-prepared", keep / "sqlite-plan.json"
    if not plan_file.exists():
        shutil.rmtree(base, ignore_errors=True)
        started = time.monotonic()
        load_demo(base_env(base))
        plan_file.write_text(json.dumps(run_in_instance(base_env(base), *prepare_args(args))))
        print(f"Demo hospital and bench accounts ready in {time.monotonic() - started:.0f} s")
    plan = json.loads(plan_file.read_text())
    if len(plan["guards"]) < max(args.steps):
        sys.exit(f"{plan_file} has accounts for {len(plan['guards'])} guards; remove it (or "
                 "the --keep folder) to prepare more")
    instance = folder / "sqlite-run"
    shutil.rmtree(instance, ignore_errors=True)
    shutil.copytree(base, instance)  # each run starts from the prepared copy
    env = base_env(instance)
    with running_app_server(instance, env, workers=args.workers) as server:
        yield Setup("sqlite", "SQLite, photos in the instance folder, one app host "
                    "(gunicorn.conf.py)", [server.url], [server.process.pid], env), plan


@contextlib.contextmanager
def cluster_setup(folder: Path, args):
    """PostgreSQL, Redis and S3 (SeaweedFS) or a shared photo folder, and two app hosts."""
    from tests.servers import running_app_server, running_postgres, running_redis, running_s3

    settings = ("max_connections=400", "shared_buffers=128MB")
    with running_postgres(settings) as database, running_redis() as redis, \
            (running_s3() if args.cluster_photos == "s3" else contextlib.nullcontext()) as s3:
        shared = {"DATABASE_URL": database, "REDIS_URL": redis}
        if s3 is not None:
            s3.create_bucket(BUCKET)
            shared.update(PHOTO_STORE=f"s3://{BUCKET}/photos", S3_ENDPOINT_URL=s3.endpoint,
                          S3_ACCESS_KEY_ID=s3.access_key, S3_SECRET_ACCESS_KEY=s3.secret_key,
                          S3_REGION=s3.region)
            photos = f"S3 (SeaweedFS, PHOTO_STORE=s3://{BUCKET}/photos)"
        else:
            shared["PHOTO_DIR"] = str(folder / "shared-photos")
            photos = "ONE SHARED LOCAL PHOTO_DIR (not S3)"
        envs = [{**base_env(folder / f"host-{name}"), **shared} for name in "ab"]
        started = time.monotonic()
        load_demo(envs[0])
        plan = run_in_instance(envs[0], *prepare_args(args))
        print(f"Demo hospital and bench accounts ready in {time.monotonic() - started:.0f} s")
        with running_app_server(folder / "host-a", envs[0], workers=args.workers) as a, \
                running_app_server(folder / "host-b", envs[1], workers=args.workers) as b:
            yield Setup("cluster", f"PostgreSQL, Redis, photos in {photos}, two app hosts "
                        "(gunicorn.conf.py each; each person pinned to one, alternately)",
                        [a.url, b.url], [a.process.pid, b.process.pid], envs[0]), plan


def integrity(setup: Setup, record: Recorder) -> bool:
    """Every accepted submit stored once, every photo in the store, the audit chain intact."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as out:
        json.dump({"submits": record.submits, "photos": record.photos}, out)
    try:
        found = run_in_instance(setup.env, "--check", out.name)
    finally:
        os.unlink(out.name)
    print(f"Integrity: {len(record.submits)} submits and {len(record.photos)} photos accepted")
    for what, n in sorted(found["counts"].items()):
        print(f"  {what}: {n}")
    for problem in found["problems"][:20]:
        print(f"  PROBLEM: {problem}")
    audit = subprocess.run([str(Path(sys.executable).parent / "flask"), "audit", "verify"],
                           cwd=ROOT, env=setup.env, capture_output=True, text=True)
    print(f"  flask audit verify: {(audit.stdout + audit.stderr).strip()}")
    ok = not found["problems"] and audit.returncode == 0
    print(f"  integrity {'OK' if ok else 'FAILED'}", flush=True)
    return ok


AIMS = {"sqlite": 300, "cluster": 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", choices=("sqlite", "cluster", "both"), default="sqlite")
    parser.add_argument("--steps", default="100,200,300,500,700,1000,1300",
                        help="guards at each step (100,200,300,500,700,1000,1300)")
    parser.add_argument("--hold", type=float, default=60, help="measured seconds a step (60)")
    parser.add_argument("--ramp", type=float, default=30,
                        help="seconds from a step's start to its measurement (30)")
    parser.add_argument("--cycle", type=float, default=60,
                        help="seconds between a guard's checkpoints (60)")
    parser.add_argument("--drain", type=float, default=10,
                        help="seconds the last requests get to finish at the end (10)")
    parser.add_argument("--spawn-rate", type=float, default=25,
                        help="people started a second (25)")
    parser.add_argument("--managers-per-100", type=float, default=2,
                        help="managers per hundred guards (2)")
    parser.add_argument("--walls", type=int, default=5, help="wall screens (5)")
    parser.add_argument("--places", type=int, default=0,
                        help="places at least (default: one per guard of the largest step)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="gunicorn workers per host (the CPU count, as gunicorn.conf.py)")
    parser.add_argument("--cluster-photos", choices=("s3", "shared"), default="s3",
                        help="the cluster's photos: S3 (default) or one shared PHOTO_DIR")
    parser.add_argument("--all-steps", action="store_true",
                        help="go on after a step that missed the aim")
    parser.add_argument("--keep", metavar="DIR", help="keep the prepared SQLite instance here "
                        "and reuse it next time (the demo load takes minutes)")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--check", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(**json.loads(args.prepare))))
        return
    if args.check:
        print(json.dumps(check(json.loads(Path(args.check).read_text()))))
        return
    import locust  # noqa: F401  (gevent patches the process: best before any server starts)

    args.steps = sorted(int(n) for n in args.steps.split(","))
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)

    setups = ["sqlite", "cluster"] if args.setup == "both" else [args.setup]
    results = {}
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} before the run; "
          f"steps {args.steps} guards, each held {args.hold:g} s after a {args.ramp:g} s ramp; "
          f"{args.managers_per_100:g} managers per 100 guards, {args.walls} walls", flush=True)
    with tempfile.TemporaryDirectory(prefix="saferound-load-") as temporary:
        for name in setups:
            folder = Path(temporary) / name
            folder.mkdir()
            starter = sqlite_setup if name == "sqlite" else cluster_setup
            with starter(folder, args) as (setup, plan):
                print(f"\n== {setup.label}: {', '.join(setup.urls)}; {len(plan['places'])} "
                      f"places, {len(plan['hazards'])} hazard cards to browse", flush=True)
                steps, record = run_steps(plan, setup, args)
                intact = integrity(setup, record)
            results[name] = (setup.label, largest_held(steps), intact)
    print("\nLargest number of guards held with p99 ≤ 1 s for every kind and no errors:")
    for name, (label, held, intact) in results.items():
        verdict = "met" if held >= AIMS[name] else "NOT met"
        print(f"  {label}: {held} guards (aim ≥ {AIMS[name]}: {verdict}); integrity "
              f"{'OK' if intact else 'FAILED'}")
    print(f"Load average {os.getloadavg()[0]:.2f} after the run")


if __name__ == "__main__":
    main()
