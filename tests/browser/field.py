"""A hospital in a real server process that a test can kill and start again.

The offline tests need what a phone meets in the field: a server that vanishes in the middle of
an upload (SIGKILL, not a polite shutdown) and comes back on the same address with the same
database and photos."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from app import create_app
from app.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from app.extensions import db
from tests.factories import make_location, make_schedule, make_user

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "field-pass-2026"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Hospital:
    folder: Path
    username: str
    code: str
    token: str

    @property
    def db_path(self) -> Path:
        return self.folder / "field.db"

    def rows(self, sql: str, *args) -> list[tuple]:
        """Read the server's database directly (the server may be down)."""
        with sqlite3.connect(self.db_path) as connection:
            return connection.execute(sql, args).fetchall()

    def count(self, table: str) -> int:
        return self.rows(f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608 - our table names


def build_hospital(folder: Path) -> Hospital:
    """One inspector, one boiler room on their patrol schedule, and its three-item checklist
    (the first item needs a photo when it fails)."""
    os.environ["SAFEROUND_INSTANCE"] = str(folder / "instance")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'field.db'}"})
    with app.app_context():
        db.create_all()
        guard = make_user("inspector", password=PASSWORD, full_name="王保安")
        location = make_location(name_zh="锅炉房", name_en="Boiler room")
        make_schedule(location, owner_role="inspector")
        version = ChecklistVersion(number=1)
        prompts = (("压力表指针在绿区", "Pressure gauge in the green"),
                   ("安全阀铅封完好", "Safety valve seal intact"),
                   ("地面无积水", "No standing water"))
        for position, (zh, en) in enumerate(prompts, start=1):
            version.items.append(ChecklistItem(position=position, kind="pass_fail",
                                               prompt_zh=zh, prompt_en=en,
                                               photo_required_on_fail=position == 1))
        db.session.add(ChecklistTemplate(location_type=location.location_type,
                                         name_zh="锅炉房检查表", name_en="Boiler room checklist",
                                         versions=[version]))
        db.session.commit()
        hospital = Hospital(folder, guard.username, location.code, location.qr_token)
        db.session.remove()
        db.engine.dispose()
    return hospital


class FieldServer:
    """gunicorn serving `hospital`, in its own process group so that `kill()` takes all of it."""

    def __init__(self, hospital: Hospital):
        self.hospital, self.port, self.process = hospital, free_port(), None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "SAFEROUND_ENV": "development",
               "SAFEROUND_INSTANCE": str(self.hospital.folder / "instance"),
               "DATABASE_URL": f"sqlite:///{self.hospital.db_path}"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--threads", "4", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/login", timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the field server did not start")

    def kill(self) -> None:
        """SIGKILL the whole server at once, mid-request if one is running."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.kill()
