"""`make run`'s three processes (web server, task worker, scheduler) under one supervisor.

``python -m soridam.lib.supervisor`` starts them and stops all of them on one SIGINT or SIGTERM, then exits 0.
The shell recipe it replaces needed two Ctrl-C: a non-interactive shell starts ``&`` jobs with SIGINT ignored,
so the first Ctrl-C reached only the task worker (which re-installs a handler), and the web server and the
scheduler kept serving. Each child here runs in a session of its own: a Ctrl-C at the terminal reaches only this
process, which then stops every child the same way (SIGTERM to its process group, granian's workers included)
and kills what is still running after ``STOP_SECONDS``. A child also gets SIGTERM if this process dies, so a
killed supervisor leaves nothing listening.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType

STOP_SECONDS = 8.0  # under the 10 s a stop may take; the worker finishes its current task within it or is killed
POLL_SECONDS = 0.2
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class Child:
    name: str
    process: subprocess.Popen[bytes]


class Stop(Exception):
    """Raised in the main loop by the SIGINT and SIGTERM handlers."""


def commands(python: str, granian: str, *, port: int, workers: int, threads: int) -> dict[str, list[str]]:
    web = [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    web += ["--blocking-threads", str(threads), "--static-path-route", "/static", "--static-path-mount", "var/static"]
    web += ["--log-level", "warning", "soridam.wsgi:application"]
    return {
        "task worker": [python, "manage.py", "db_worker", "--interval", "0.5"],
        "scheduler": [python, "manage.py", "scheduler"],
        "web server": web,
    }


def _die_with_parent() -> None:
    """Runs in the child before exec: SIGTERM when the supervisor dies, however it dies (Linux only)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start(name: str, argv: list[str]) -> Child:
    process = subprocess.Popen(argv, start_new_session=True, preexec_fn=_die_with_parent)  # noqa: S603, PLW1509 - our own commands
    return Child(name, process)


def _signal_group(child: Child, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.process.pid, signum)


def stop(children: Sequence[Child], *, timeout: float = STOP_SECONDS) -> None:
    """SIGTERM to every child's process group, then SIGKILL to the groups still there at the deadline."""
    for child in children:
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.process.wait(max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            print(f"{child.name} did not stop within {timeout:.0f} s: killed", file=sys.stderr)  # noqa: T201
    for child in children:
        _signal_group(child, signal.SIGKILL)  # stragglers in the group (granian's workers), if any
        child.process.wait()


def _on_signal(signum: int, frame: FrameType | None) -> None:
    raise Stop


def supervise(children: Sequence[Child]) -> int:
    """Wait until a stop signal (exit 0) or until a child exits on its own (its code: the demo is broken)."""
    try:
        while True:
            for child in children:
                code = child.process.poll()
                if code is not None:
                    print(f"{child.name} exited with {code}; stopping the others", file=sys.stderr)  # noqa: T201
                    stop(children)
                    return code or 1
            time.sleep(POLL_SECONDS)
    except Stop:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean stop short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop(children)
        return 0


def run(named: dict[str, list[str]]) -> int:
    """Start the commands and supervise them; the signal handlers are in place before the first child starts."""
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    children: list[Child] = []
    try:
        for name, argv in named.items():
            children.append(start(name, argv))
    except Stop:
        stop(children)
        return 0
    return supervise(children)


def main(argv: Sequence[str]) -> int:
    port, workers, threads = (int(value) for value in argv)
    bin_dir = os.path.dirname(sys.executable)
    return run(commands(sys.executable, os.path.join(bin_dir, "granian"), port=port, workers=workers, threads=threads))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
