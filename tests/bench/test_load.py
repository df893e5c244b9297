"""bench/load.py: the pieces that decide what its runs say (percentiles, the aim, the step
table, what an answer counts as, the integrity check after a run), and one short run end to end
on a tiny hospital, so that the script does not rot between the runs that take minutes."""

import os
import re
import subprocess
import sys
from collections import Counter
from types import SimpleNamespace

from app.extensions import db
from app.photos.store import photo_store
from bench import load
from tests.conftest import running_app
from tests.factories import (
    make_hazard,
    make_inspection,
    make_location,
    make_photo,
    make_template,
    make_user,
)


def step(times=None, errors=None, guards=100) -> load.Step:
    times = {"scan": [0.05] * 99 + [0.2], "submit": [0.1] * 100} if times is None else times
    return load.Step(guards, 2, 5, 60.0, times, errors or {})


def test_quantile_is_the_nearest_rank():
    values = [i / 100 for i in range(1, 101)]  # 0.01 … 1.00
    assert load.quantile(values, 0.99) == 0.99
    assert load.quantile(values, 0.5) == 0.5
    assert load.quantile([3.0], 0.99) == 3.0


def test_a_step_with_fast_answers_and_no_errors_is_within_the_aim():
    assert step().within_aim()


def test_one_kind_slow_at_p99_misses_the_aim():
    slow = step({"scan": [0.05] * 100, "submit": [0.1] * 98 + [1.5, 1.6]})
    assert not slow.within_aim()
    assert set(slow.slow_kinds()) == {"submit"}


def test_a_single_error_misses_the_aim():
    assert not step(errors={"photo": Counter({"503": 1})}).within_aim()


def test_a_step_where_no_submit_finished_misses_the_aim():
    assert not step({"scan": [0.05] * 100}).within_aim()


def test_guards_held_is_the_last_step_before_the_first_miss():
    slow = {"scan": [2.0] * 10, "submit": [0.1] * 10}
    steps = [step(guards=100), step(guards=200), step(slow, guards=300), step(guards=500)]
    assert load.largest_held(steps) == 200
    assert load.largest_held([step(slow, guards=100), step(guards=200)]) == 0


def test_step_report_gives_each_kind_its_percentiles_and_the_errors_by_kind():
    report = load.step_report(step(
        {"submit": [0.1] * 100, "wall 304": [0.004] * 50},
        {"submit": Counter({"503": 2, "ConnectionResetError": 1})}), 3, 2)
    assert "Step 3: 100 guards, 2 managers, 5 walls on 2 hosts" in report
    assert "wall 304" in report and "submit" in report
    assert "submit: 503 ×2, ConnectionResetError ×1" in report
    assert "MISSED the aim: 3 errors" in report


def test_recorder_names_wall_answers_by_status_and_errors_by_status_or_exception():
    record = load.Recorder()
    record.begin()
    record.on_request("wall", 12, SimpleNamespace(status_code=304))
    record.on_request("wall", 80, SimpleNamespace(status_code=200))
    record.on_request("submit", 900, SimpleNamespace(status_code=503), Exception())
    record.on_request("submit", 900, SimpleNamespace(
        status_code=503, text='{"code": "storage.unavailable", "status": 503}'), Exception())
    record.on_request("photo", 60000, SimpleNamespace(status_code=0), TimeoutError())
    times, errors, _ = record.end()
    assert times == {"wall 304": [0.012], "wall 200": [0.08]}
    assert errors == {"submit": Counter({"503": 1, "503 storage.unavailable": 1}),
                      "photo": Counter({"TimeoutError": 1})}


def test_answers_outside_a_held_step_are_not_counted():
    record = load.Recorder()
    record.on_request("scan", 50, SimpleNamespace(status_code=200))
    record.begin()
    assert record.end()[0] == {}


def test_importing_the_bench_leaves_locust_and_its_gevent_patches_out():
    found = subprocess.run(
        [sys.executable, "-c", "import sys, bench.load; print('locust' in sys.modules, "
         "'gevent' in sys.modules)"], capture_output=True, text=True, check=True)
    assert found.stdout.split() == ["False", "False"]


def test_check_finds_an_accepted_submit_that_was_never_stored(app):
    stored = make_inspection()
    db.session.commit()
    found = load.check({"submits": {stored.uuid: stored.id, "0" * 36: 99}, "photos": {}}, app)
    assert found["problems"] == [f"submit {'0' * 36} stored 0 times"]
    assert found["counts"]["submits stored once"] == 1


def test_check_finds_an_accepted_photo_missing_from_the_store(app):
    kept = photo_store().save(b"kept photo")
    thumb = photo_store().save(b"kept thumbnail")
    db.session.add_all([
        make_photo(make_user(), sha256=kept, thumb_sha256=thumb, client_uuid="a" * 36),
        make_photo(make_user(), sha256="f" * 64, thumb_sha256=thumb, client_uuid="b" * 36)])
    db.session.commit()
    found = load.check({"submits": {}, "photos": {"a" * 36: kept, "b" * 36: "f" * 64}}, app)
    assert found["problems"] == [f"accepted photo {'b' * 36} ({'f' * 64}) not in the store"]
    assert found["counts"]["accepted photos in the store"] == 1


def test_a_short_run_on_one_host_submits_through_locust_and_checks_out(tmp_path, monkeypatch):
    """The whole script end to end with its minutes made seconds: a tiny hospital instead of
    the demo, 3 guards checking a place every 2 s for a 4 s step on one gunicorn host, then the
    integrity check and `flask audit verify`. 20–30 s: the one test that shows the simulated
    phones still speak the app's API (login form, CSRF, photos, submits, wall, pages)."""
    keep = tmp_path / "keep"
    base = keep / "sqlite-prepared"
    base.mkdir(parents=True)
    with running_app(tmp_path, monkeypatch,
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{base / 'saferound.db'}"):
        location = make_location()
        make_template(location.location_type, items=3)
        make_user("inspector", username="guard1", department=location.department)
        make_user("admin", username="admin")
        make_hazard(location=location)
        db.session.commit()
    env = {**os.environ, "SAFEROUND_ENV": "development", "SAFEROUND_INSTANCE": str(base),
           "PYTHONPATH": str(load.ROOT)}
    for name in ("DATABASE_URL", "PHOTO_DIR", "PHOTO_STORE", "REDIS_URL"):
        env.pop(name, None)
    prepared = subprocess.run(
        [sys.executable, "bench/load.py", "--prepare",
         '{"guards": 3, "managers": 1, "walls": 1, "places": 0}'],
        cwd=load.ROOT, env=env, capture_output=True, text=True, check=True)
    (keep / "sqlite-plan.json").write_text(prepared.stdout.strip().splitlines()[-1])

    run = subprocess.run(
        [sys.executable, "bench/load.py", "--setup", "sqlite", "--steps", "3", "--hold", "4",
         "--ramp", "1", "--cycle", "2", "--drain", "2", "--walls", "1", "--workers", "1",
         "--managers-per-100", "0", "--keep", str(keep)],
        cwd=load.ROOT, env={**env, "SAFEROUND_INSTANCE": ""}, capture_output=True, text=True,
        timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Step 1: 3 guards, 0 managers, 1 walls on 1 host" in run.stdout
    assert "integrity OK" in run.stdout
    accepted = int(re.search(r"Integrity: (\d+) submits", run.stdout).group(1))
    assert accepted > 4, run.stdout  # the warm-up's 4, and the guards' own
