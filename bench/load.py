"""A bounded load test: gunicorn (2 workers) on loopback, wrk with signed-in sessions, peak memory.

Sessions are real: each is signed in through the login form (with its CSRF token) before the load
starts, and wrk sends their cookies round-robin while walking the main pages. Only 127.0.0.1 is
ever used, and wrk stops after `seconds`. Peak memory is each worker's VmHWM (peak resident set)
read from /proc after the load.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.http_session import HttpSession  # noqa: E402  (the tests' cookie+CSRF client)

LUA = """
paths = {%(paths)s}
cookies = {%(cookies)s}
counter = 0
request = function()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  local cookie = cookies[(counter %% #cookies) + 1]
  return wrk.format("GET", path, {["Cookie"] = cookie})
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/login", timeout=5).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not come up")


def _sessions(base: str, username: str, password: str, count: int) -> list[str]:
    cookies = []
    for _ in range(count):
        visitor = HttpSession(base)
        status, _body = visitor.post("/login", {"username": username, "password": password})
        jar = visitor.opener.handlers
        cookie = next(handler.cookiejar for handler in jar if hasattr(handler, "cookiejar"))
        cookies.append("; ".join(f"{c.name}={c.value}" for c in cookie))
        if status != 200 or not cookies[-1]:
            raise RuntimeError(f"sign-in failed ({status})")
    return cookies


def _peak_memory_mb(master_pid: int) -> dict[str, float]:
    peaks = {}
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    for pid in [str(master_pid)] + children:
        status = Path(f"/proc/{pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        peaks["master" if pid == str(master_pid) else f"worker {pid}"] = round(int(match.group(1)) / 1024, 1)
    return peaks


def parse_wrk(output: str) -> dict:
    """Requests per second, p99 latency (ms) and errors out of wrk --latency output."""
    def ms(text: str) -> float:
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = ms(re.search(r"50%\s+(\S+)", output).group(1))
    p99 = ms(re.search(r"99%\s+(\S+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    return {"requests": total, "rps": rps, "p50_ms": round(p50, 1), "p99_ms": round(p99, 1), "errors": errors}


def run_load(database_url: str, paths: list[str], username: str, password: str, seconds: int,
             connections: int = 8, sessions: int = 4) -> dict:
    """Serve the app with gunicorn -w 2, warm each worker, run wrk for `seconds`; figures and peak memory."""
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (apt-get install -y wrk)"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-" + "x" * 40}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen([gunicorn, "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "120", "app:create_app()"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    try:
        _wait_until_up(base)
        cookies = _sessions(base, username, password, sessions)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA % {"paths": ", ".join(f'"{p}"' for p in paths),
                                "cookies": ", ".join(f'"{c}"' for c in cookies)})
        for _ in range(2):  # each worker renders its charts once before the clock starts
            subprocess.run(["wrk", "-t1", "-c2", "-d5s", "-s", script.name, base], capture_output=True, timeout=60)
        done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
                               "-s", script.name, base], capture_output=True, text=True, timeout=seconds + 60)
        figures = parse_wrk(done.stdout)
        figures.update(seconds=seconds, connections=connections, sessions=sessions,
                       peak_memory_mb=_peak_memory_mb(server.pid))
        os.unlink(script.name)
        return figures
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
