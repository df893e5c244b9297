"""bench/load.py's pieces that decide what its runs say: percentiles, the aim, the step table,
what an answer counts as, and the integrity check after a run. (The run itself needs minutes
of demo data; these keep the script from rotting between runs.)"""

import subprocess
import sys
from collections import Counter
from types import SimpleNamespace

from app.extensions import db
from app.photos.store import photo_store
from bench import load
from tests.factories import make_inspection, make_photo, make_user


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
    record.on_request("photo", 60000, SimpleNamespace(status_code=0), TimeoutError())
    times, errors, _ = record.end()
    assert times == {"wall 304": [0.012], "wall 200": [0.08]}
    assert errors == {"submit": Counter({"503": 1}), "photo": Counter({"TimeoutError": 1})}


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
