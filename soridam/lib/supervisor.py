"""`make run`'s processes (analyser, web server, chat socket server, and a pool of task workers, the first with the
customer-mail lane and the scheduler as threads) under one supervisor.

``python -m soridam.lib.supervisor`` starts them and stops all of them on one SIGINT or SIGTERM, then exits 0.
The shell recipe it replaces needed two Ctrl-C: a non-interactive shell starts ``&`` jobs with SIGINT ignored,
so the first Ctrl-C reached only the task worker (which re-installs a handler), and the web server and the
scheduler kept serving. Each child here runs in a session of its own: a Ctrl-C at the terminal reaches only this
process, which then stops every child the same way (SIGTERM to its process group, granian's workers included)
and kills what is still running after ``STOP_SECONDS``. A child also gets SIGTERM if this process dies, so a
killed supervisor leaves nothing listening.

The first child is the Korean analyser (``lib.analyser``): the stack's only Kiwi (about 300 MiB), which the
others ask over a Unix socket named in ``SORIDAM_ANALYSER_SOCKET``, so the stack fits in 1 GB RSS
(bench/stack_memory.py). It stops after the others, which may still analyse while they finish a task.
``SORIDAM_ANALYSER=false`` starts none: each process then builds its own Kiwi (the benchmark's baseline).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

STOP_SECONDS = 8.0  # under the 10 s a stop may take; the worker finishes its current task within it or is killed
POLL_SECONDS = 0.2
PR_SET_PDEATHSIG = 1  # linux/prctl.h
MAKE_STOP_SIGNALS = (signal.SIGINT, signal.SIGHUP, signal.SIGQUIT)  # those GNU make waits out instead of passing on


@dataclass(frozen=True)
class Child:
    name: str
    process: subprocess.Popen[bytes]


class Stop(Exception):
    """Raised in the main loop by the SIGINT and SIGTERM handlers."""


MAX_TASK_WORKERS = 4  # beyond this the workers only queue for the cores and the database (bench/README.md)
ANALYSER = "analyser"
ANALYSER_STOP_SECONDS = 2.0  # it exits at once on SIGTERM


def task_worker_count(setting: str = "", cpus: int | None = None) -> int:
    """``WORKERS`` (a number) or, when it is empty or ``auto``, one task worker per core, at most four."""
    if setting.strip() and setting.strip() != "auto":
        count = int(setting)
        if count < 1:
            raise ValueError("WORKERS must be at least 1")
        return count
    return max(1, min(cpus or os.cpu_count() or 1, MAX_TASK_WORKERS))


def commands(
    python: str,
    granian: str,
    *,
    port: int,
    workers: int,
    threads: int,
    task_workers: int = 1,
    ws_port: int | None = None,
    analyser_socket: str | None = None,
) -> dict[str, list[str]]:
    """The children by name, in start order; the analyser (when `analyser_socket` is given) first."""
    analyser = {ANALYSER: [python, "-m", "soridam.lib.analyser", analyser_socket]} if analyser_socket else {}
    web = [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    static = os.path.join(os.environ.get("SORIDAM_VAR_DIR", "").strip() or "var", "static")  # settings.STATIC_ROOT
    web += ["--blocking-threads", str(threads), "--static-path-route", "/static", "--static-path-mount", static]
    # A web worker that dies (killed, out of memory) is replaced instead of taking the web server down with it.
    web += ["--respawn-failed-workers", "--respawn-interval", "1"]
    web += ["--log-level", "warning", "soridam.wsgi:application"]
    worker = [python, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"]
    # The first worker also serves customer mail and chat from a thread of its own (``--customer-lane``), so an
    # acknowledgement never waits for a batch of triage or indexing to end, and runs the scheduler as another
    # thread (``--scheduler``): neither is worth a process of its own (about 110 MiB each, bench/README.md).
    first = [*worker, "--customer-lane", "--scheduler"]
    if task_workers == 1:
        pool = {"task worker": first}
    else:
        pool = {f"task worker {n}": first if n == 1 else worker for n in range(1, task_workers + 1)}
    named = {**analyser, **pool, "web server": web}
    if ws_port is not None:
        named["chat socket server"] = chat_socket_server(granian, ws_port)
    return named


def chat_socket_server(granian: str, port: int) -> list[str]:
    """The live chat's WebSockets (Django Channels): ASGI on a port of its own, since HTTP is faster on WSGI
    (stack notes). One worker: a socket costs little, and the in-memory channel layer spans one process.
    ``asginl``: ASGI without the lifespan protocol, which Channels' router does not speak (granian warns)."""
    argv = [granian, "--interface", "asginl", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    return [*argv, "--log-level", "warning", "soridam.asgi:application"]


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
    """The analyser after the others (a worker finishing its task may still ask it), each group as ``_stop``."""
    _stop([child for child in children if child.name != ANALYSER], timeout)
    _stop([child for child in children if child.name == ANALYSER], min(timeout, ANALYSER_STOP_SECONDS))


def _stop(children: Sequence[Child], timeout: float) -> None:
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


def take_the_terminal() -> Callable[[], None]:
    """Make this process's own group the terminal's foreground group; returns what gives it back.

    GNU make re-raises a SIGINT it receives once its recipe has ended, so a Ctrl-C that also reached make left
    `make run` with exit 130 after a clean stop. In the foreground group of our own, Ctrl-C reaches only this
    process; make then sees its recipe exit 0 and exits 0 itself. Without a terminal, or when not in the
    foreground (a job started with ``&``), nothing changes.
    """
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return lambda: None
    try:
        foreground = os.tcgetpgrp(tty)
        if foreground != os.getpgrp():
            raise OSError("not the terminal's foreground group")
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # a background group may then set the foreground group
        os.setpgid(0, 0)
        os.tcsetpgrp(tty, os.getpgrp())
    except OSError:
        os.close(tty)
        return lambda: None

    def give_back() -> None:
        with contextlib.suppress(OSError):
            os.tcsetpgrp(tty, foreground)
        os.close(tty)

    return give_back


def parent_is_stopping(parent: int) -> bool:
    """True while GNU make, our parent, is inside its handler for a SIGINT sent to make alone.

    make then waits for its recipe to end without passing the signal on, so `kill -INT <make>` would wait
    forever. A signal being handled is blocked, which /proc shows in ``SigBlk``.
    """
    try:
        status = Path(f"/proc/{parent}/status").read_text()
    except OSError:
        return False
    blocked = next((int(line.split()[1], 16) for line in status.splitlines() if line.startswith("SigBlk:")), 0)
    return any(blocked & (1 << (signum - 1)) for signum in MAKE_STOP_SIGNALS)


def supervise(children: Sequence[Child]) -> int:
    """Wait until a stop signal (exit 0) or until a child exits on its own (its code: the demo is broken)."""
    parent = os.getppid()
    try:
        while True:
            if parent_is_stopping(parent):
                raise Stop
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
    give_back: Callable[[], None] = lambda: None  # noqa: E731
    children: list[Child] = []
    try:
        give_back = take_the_terminal()
        for name, argv in named.items():
            children.append(start(name, argv))
        return supervise(children)
    except Stop:  # before supervise() took over
        stop(children)
        return 0
    finally:
        give_back()


def main(argv: Sequence[str]) -> int:
    """``PORT WEB_WORKERS WEB_THREADS [TASK_WORKERS]`` (the last: a number, or ``auto`` / empty for the cores).
    The chat socket server listens on ``CHAT_WS_PORT``, by default the port after PORT."""
    port, workers, threads = (int(value) for value in argv[:3])
    task_workers = task_worker_count(argv[3] if len(argv) > 3 else "")
    ws_port = int(os.environ.get("CHAT_WS_PORT", "").strip() or port + 1)
    granian = os.path.join(os.path.dirname(sys.executable), "granian")
    with _analyser_socket() as socket_path:
        named = commands(
            sys.executable,
            granian,
            port=port,
            workers=workers,
            threads=threads,
            task_workers=task_workers,
            ws_port=ws_port,
            analyser_socket=socket_path,
        )
        return run(named)


@contextlib.contextmanager
def _analyser_socket() -> Iterator[str | None]:
    """A socket path in a directory of our own (mode 0700), given to every child; None with SORIDAM_ANALYSER=false."""
    if os.environ.get("SORIDAM_ANALYSER", "").strip().lower() in ("false", "0", "no", "off"):
        yield None
        return
    directory = tempfile.mkdtemp(prefix="soridam-")
    path = os.path.join(directory, "analyser.sock")
    os.environ["SORIDAM_ANALYSER_SOCKET"] = path  # the children inherit it
    try:
        yield path
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
