"""Fixtures for `factx serve`: a real server on 127.0.0.1, and headless Chromium driven by Selenium."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

REPORT = ROOT / "examples" / "report.txt"
REPORT_DATE = "2026-03-14"
# This machine has no network: Chromium must not try to reach one.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1280,1000"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(app) -> Iterator[httpx.Client]:
    """A client of `app` served by uvicorn in a thread of this process, on a port of 127.0.0.1 it picks."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(30)


@dataclass
class Server:
    """A `factx serve` process of this test run."""

    process: subprocess.Popen
    url: str
    log: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(tmp: Path, *options: str) -> Server:
    """`factx serve` on a free port of 127.0.0.1, once it answers /health."""
    for _ in range(3):  # a port found free may be taken before the server binds it
        port = free_port()
        log = tmp / f"serve-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen([sys.executable, "-m", "factx", "serve", "--port", str(port), "--no-access-log",
                                        *options], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        server = Server(process, f"http://127.0.0.1:{port}", log)
        deadline = time.monotonic() + 60
        while server.alive() and time.monotonic() < deadline:
            try:
                if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                    return server
            except httpx.TransportError:
                time.sleep(0.1)
        if server.alive():
            server.stop()
            break
        if "address already in use" not in log.read_text().lower():
            break
    pytest.fail(f"factx serve did not start: {log.read_text()}")


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """One server for the session, with a lower document limit than the default, to see the flag work."""
    tmp = Path(tempfile.mkdtemp(prefix="factx-serve-"))
    server = start_server(tmp, "--max-chars", "200000", "--timeout", "20")
    yield server
    server.stop()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's chromium and chromium-driver), with a profile of its own."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (binary and driver):
        pytest.fail("the browser tests need Chromium and its driver: apt-get install chromium chromium-driver")
    profile = tempfile.mkdtemp(prefix="factx-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    chrome = webdriver.Chrome(service=Service(driver), options=options)
    chrome.set_page_load_timeout(30)
    yield chrome
    chrome.quit()
    shutil.rmtree(profile, ignore_errors=True)


def extracted(*paths: Path, reference_date: str = REPORT_DATE) -> list[dict]:
    """The records `factx extract` writes for these files."""
    out = subprocess.run([sys.executable, "-m", "factx", "extract", *map(str, paths), "--format", "json",
                          "--reference-date", reference_date], check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout)
