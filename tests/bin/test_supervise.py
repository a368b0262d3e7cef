"""bin/supervise, which keeps the demo's task worker running (bin/run-demo)."""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

from django.conf import settings

import pytest

SUPERVISE = Path(settings.BASE_DIR) / "bin" / "supervise"
FAST = {"SUPERVISE_MIN_DELAY": "0.05", "SUPERVISE_MAX_DELAY": "0.2", "SUPERVISE_STABLE_SECONDS": "30"}


def _wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


@pytest.fixture
def supervise(tmp_path):
    """Starts bin/supervise with a shell command; stops it (SIGTERM) at the end of the test."""
    started = []

    def start(script: str, **env: str) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603 (our own script, a fixed command)
            [str(SUPERVISE), "sh", "-c", script],
            cwd=tmp_path,
            env=os.environ | FAST | env,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_a_command_that_exits_is_started_again_waiting_longer_each_time(supervise, tmp_path):
    runs = tmp_path / "runs"
    process = supervise("echo run >> runs; exit 3")

    _wait_for(lambda: len(_lines(runs)) >= 5)
    process.send_signal(signal.SIGTERM)
    log = process.communicate(timeout=10)[1]

    assert "sh exited with status 3" in log
    assert re.findall(r"starting it again in ([0-9.]+) s", log)[:4] == ["0.05", "0.1", "0.2", "0.2"]


def test_stopping_the_supervisor_stops_the_command_with_sigterm(supervise, tmp_path):
    process = supervise("trap 'echo terminated > stopped; exit 0' TERM; echo $$ > pid; while :; do sleep 0.05; done")
    _wait_for(lambda: _lines(tmp_path / "pid"))
    command_pid = int(_lines(tmp_path / "pid")[0])

    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)

    assert process.returncode == 0
    assert _lines(tmp_path / "stopped") == ["terminated"]
    with pytest.raises(ProcessLookupError):
        os.kill(command_pid, 0)


def test_stopping_the_supervisor_while_it_waits_to_restart_is_immediate(supervise, tmp_path):
    process = supervise("echo run >> runs; exit 1", SUPERVISE_MIN_DELAY="30")
    _wait_for(lambda: _lines(tmp_path / "runs"))
    time.sleep(0.2)

    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)

    assert time.monotonic() - started < 5
    assert _lines(tmp_path / "runs") == ["run"]


def test_the_demo_runs_the_lastmile_worker_under_the_supervisor():
    run_demo = (Path(settings.BASE_DIR) / "bin" / "run-demo").read_text()

    worker_lines = [line for line in run_demo.splitlines() if "manage.py" in line and "worker" in line]
    assert len(worker_lines) == 1
    assert worker_lines[0].lstrip().startswith("bin/supervise ")
    assert "manage.py lastmile_worker" in worker_lines[0]
