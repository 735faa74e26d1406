"""Real servers for the connector tests, started on loopback in a temporary folder: InfluxDB and
PostgreSQL from Debian's packages (`.ci/run` installs them). Each skips with the reason when its
binary is missing (a developer machine without the package), never silently passes."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Influx:
    def __init__(self, root: Path):
        if not shutil.which("influxd"):
            pytest.skip("influxd not installed (apt-get install influxdb; .ci/run does)")
        self.root, self.port = root, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        root.mkdir(parents=True, exist_ok=True)
        (root / "influxdb.conf").write_text(f"""
reporting-enabled = false
bind-address = "127.0.0.1:{free_port()}"
[meta]
  dir = "{root}/meta"
[data]
  dir = "{root}/data"
  wal-dir = "{root}/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:{self.port}"
  log-enabled = false
[monitor]
  store-enabled = false
[ifql]
  enabled = false
""")
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Influx":
        self.proc = subprocess.Popen(["influxd", "-config", str(self.root / "influxdb.conf")],
                                     stdout=subprocess.DEVNULL, stderr=(self.root / "influxd.log").open("ab"))
        for _ in range(200):
            try:
                if httpx.get(f"{self.url}/ping", timeout=1).status_code == 204:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError(f"influxd did not start: {(self.root / 'influxd.log').read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def query(self, q: str, db: str | None = None) -> dict:
        return httpx.post(f"{self.url}/query", params={"q": q, **({"db": db} if db else {})}).json()

    def write(self, db: str, line_protocol: bytes) -> None:
        resp = httpx.post(f"{self.url}/write", params={"db": db, "precision": "ns"}, content=line_protocol, timeout=60)
        assert resp.status_code == 204, resp.text


class Postgres:
    BIN = Path("/usr/lib/postgresql/15/bin")

    def __init__(self, root: Path):
        if not (self.BIN / "initdb").exists():
            pytest.skip("PostgreSQL 15 not installed (apt-get install postgresql; .ci/run does)")
        self.root, self.port = root, free_port()
        self.data, self.sock = root / "data", root / "sock"

    def _as_postgres(self, *args: str) -> subprocess.CompletedProcess:
        # initdb refuses to run as root (docs/architecture.md): run the server tools as the postgres user
        cmd = ["runuser", "-u", "postgres", "--", *args] if _is_root() else list(args)
        return subprocess.run(cmd, capture_output=True, text=True)

    def start(self) -> "Postgres":
        self.root.mkdir(parents=True, exist_ok=True)
        self.sock.mkdir(exist_ok=True)
        if _is_root():
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sock, "postgres")
        done = self._as_postgres(str(self.BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        assert done.returncode == 0, done.stderr
        done = self._as_postgres(str(self.BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "pg.log"), "-w", "start",
                                 "-o", f"-k {self.sock} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off")
        assert done.returncode == 0, done.stderr + (self.root / "pg.log").read_text()
        return self

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        self._as_postgres(str(self.BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")


def _is_root() -> bool:
    import os

    return os.geteuid() == 0


def wait_http(url: str, ok=lambda r: r.status_code == 200, timeout_s: float = 30.0) -> None:
    """Poll `url` until `ok(response)` (a server the test started is ready), or fail saying which."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if ok(httpx.get(url, timeout=2)):
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not come up within {timeout_s:.0f} s")


def chromium_driver(width: int = 1400, height: int = 1000):
    """Debian's headless Chromium through its WebDriver (no browser download), with the flags in docs/architecture.md."""
    if not shutil.which("chromedriver"):
        pytest.skip("chromium-driver not installed (scripts/test-servers.sh installs it)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        opts.add_argument(flag)
    opts.binary_location = shutil.which("chromium")
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)


SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


def screenshot(driver, name: str) -> Path:
    """Save what the browser shows as build/screenshots/<name>.png (kept after the run, for people to look at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000, f"{shot} is nearly empty: a blank page?"
    return shot


def foreign_fetches(driver, origin: str) -> list[str]:
    """What the page fetched, or tried to, from anywhere but `origin` (a CDN, a font host, telemetry) and the
    browser did not block by the page's Content-Security-Policy. Reads (and so empties) the browser's log."""
    fetched = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    log = [e["message"] for e in driver.get_log("browser")]
    tried = {n for n in fetched if not n.startswith((origin, "data:", "blob:"))}
    tried |= {m.split(" ")[0] for m in log if "ERR_NAME_NOT_RESOLVED" in m or "ERR_CONNECTION" in m}
    blocked = " ".join(m for m in log if "Content Security Policy" in m)
    return sorted(n for n in tried if not (n in blocked and "has been blocked" in blocked))


class LoopbackHTTP:
    """An http.server on a free loopback port, served from a daemon thread: the base of the wire-format
    doubles (weather providers, InfluxDB 2.x). `handler` is the request handler class."""

    def __init__(self, handler):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def send_json(handler, status: int, body: dict | bytes) -> None:
    """Answer an http.server request as the test doubles' APIs do: JSON (or raw bytes) with its length.
    A client that already gave up (a timeout under test) is not an error of the double."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


class _SparkProcesses:
    """Processes started from the installed pyspark's scripts, each in its own session, logged under `root`;
    stopped together (SIGTERM to each group, then SIGKILL after `grace_s`)."""

    grace_s = 20

    def __init__(self, root: Path, **env: str):
        import os
        import sys

        import pyspark

        self.home = Path(pyspark.__file__).parent
        self.root = root
        self.env = {**os.environ, "SPARK_HOME": str(self.home), "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable, **env}
        self.procs: list[subprocess.Popen] = []

    def _start(self, name: str, script: str, *args: str) -> subprocess.Popen:
        self.root.mkdir(parents=True, exist_ok=True)
        log = open(self.root / f"{name}.log", "w")
        proc = subprocess.Popen([str(self.home / "bin" / script), *args], env=self.env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def __exit__(self, *exc) -> None:
        import os
        import signal

        for p in reversed(self.procs):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in self.procs:
            try:
                p.wait(self.grace_s)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


class SparkStandalone(_SparkProcesses):
    """A Spark standalone cluster on loopback, started from the installed pyspark: one master and `workers`
    workers (`spark-class org.apache.spark.deploy.master.Master` / `...worker.Worker`), each worker
    offering `cores` cores; `url` is the master (spark://127.0.0.1:<port>)."""

    def __init__(self, root: Path, workers: int = 2, cores: int = 1, memory: str = "2g"):
        super().__init__(root, SPARK_LOCAL_DIRS=str(root / "work"), SPARK_WORKER_DIR=str(root / "work"))
        self.workers, self.cores, self.memory = workers, cores, memory
        self.port, self.ui_port = free_port(), free_port()
        self.url = f"spark://127.0.0.1:{self.port}"

    def alive_workers(self) -> int:
        try:
            state = httpx.get(f"http://127.0.0.1:{self.ui_port}/json/", timeout=2).json()
        except (httpx.TransportError, ValueError):
            return 0
        return sum(1 for w in state.get("workers", []) if w.get("state") == "ALIVE")

    def __enter__(self) -> "SparkStandalone":
        (self.root / "work").mkdir(parents=True, exist_ok=True)
        self._start("master", "spark-class", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(self.port),
                    "--webui-port", str(self.ui_port))
        wait_http(f"http://127.0.0.1:{self.ui_port}/json/", timeout_s=60)
        for i in range(self.workers):
            self._start(f"worker{i}", "spark-class", "org.apache.spark.deploy.worker.Worker", self.url, "--host", "127.0.0.1",
                        "--cores", str(self.cores), "--memory", self.memory, "--webui-port", str(free_port()))
        deadline = time.monotonic() + 60
        while self.alive_workers() < self.workers:
            if time.monotonic() > deadline:
                logs = {p.name: p.read_text()[-800:] for p in self.root.glob("*.log")}
                raise AssertionError(f"{self.alive_workers()} of {self.workers} Spark workers registered: {logs}")
            time.sleep(0.5)
        return self


class SparkConnectServer(_SparkProcesses):
    """Spark Connect's server started from the installed pyspark (spark-submit of SparkConnectServer, whose
    jar pyspark ships), local mode, with the platform's Spark settings (Delta's jars and catalog); `url` is
    what HASIRU_SPARK_REMOTE takes (sc://127.0.0.1:<port>)."""

    grace_s = 30

    def __init__(self, root: Path, conf: dict[str, str]):
        super().__init__(root)
        self.conf, self.port = conf, free_port()
        self.url = f"sc://127.0.0.1:{self.port}"

    def __enter__(self) -> "SparkConnectServer":
        import socket as _socket

        conf = dict(self.conf)
        master = conf.pop("spark.master")
        args = ["--master", master, "--class", "org.apache.spark.sql.connect.service.SparkConnectServer"]
        for key, value in {**conf, "spark.connect.grpc.binding.address": "127.0.0.1",
                           "spark.connect.grpc.binding.port": str(self.port)}.items():
            args += ["--conf", f"{key}={value}"]
        self.proc = self._start("connect", "spark-submit", *args, "spark-internal")
        deadline = time.monotonic() + 120
        while True:
            try:
                with _socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"Spark Connect did not start: {(self.root / 'connect.log').read_text()[-2000:]}") from None
                time.sleep(0.5)
