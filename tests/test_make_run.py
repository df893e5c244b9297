"""`make run`: the demo listens on this machine only, and never starts on a failed upgrade."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _make(*args, **env):
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=300)


def test_the_demo_listens_on_localhost_unless_told():
    assert "--bind 127.0.0.1:5000" in _make("-n", "run").stdout
    assert "--bind 0.0.0.0:5000" in _make("-n", "run", "HOST=0.0.0.0").stdout


def test_the_demo_is_served_with_the_repositorys_gunicorn_settings():
    [serve] = [line for line in _make("-n", "run").stdout.splitlines() if "gunicorn" in line]
    assert " -c gunicorn.conf.py " in serve


def test_a_failed_database_upgrade_stops_make_run(tmp_path):
    result = _make("run", SAFEROUND_INSTANCE=str(tmp_path),
                   DATABASE_URL=f"sqlite:///{tmp_path}/no/such/folder/saferound.db")
    assert result.returncode != 0
    assert "The database upgrade failed" in result.stdout
    assert "SafeRound on http" not in result.stdout
