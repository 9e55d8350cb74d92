"""One SIGINT stops everything `make run` started (issue 11, item 8)."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import termios
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import free_port
from soridam.lib import supervisor

ROOT = Path(__file__).resolve().parents[3]

# A child like granian: it ignores SIGINT, listens on a port and has a process of its own (a worker).
SERVER = """
import signal, socket, subprocess, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print(worker.pid, flush=True)
listener = socket.create_server(("127.0.0.1", int(sys.argv[1])))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    time.sleep(0.1)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has stopped; only its parent's wait is missing
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def _supervisor_of(named: dict[str, list[str]], **popen: object) -> subprocess.Popen[str]:
    """The supervisor in a session of its own, as `make run` is in the terminal's foreground group."""
    code = f"import sys; from soridam.lib import jobs, supervisor; sys.exit(supervisor.run({json.dumps(named)}))"
    return subprocess.Popen(  # noqa: S603 - our interpreter, our snippet
        [sys.executable, "-c", code], cwd=ROOT, start_new_session=True, text=True, **popen
    )


def test_one_sigint_to_the_group_stops_every_child_and_their_workers_and_exits_0(tmp_path: Path) -> None:
    port = free_port()
    script = tmp_path / "server.py"
    script.write_text(textwrap.dedent(SERVER))
    out = tmp_path / "out.txt"
    named = {"web server": [sys.executable, str(script), str(port)], "scheduler": ["sleep", "600"]}
    with out.open("w") as stdout:
        process = _supervisor_of(named, stdout=stdout, stderr=subprocess.STDOUT)
        assert _wait_for(lambda: _listening(port), 10)
        worker_pid = int(out.read_text().split()[0])

        started = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does
        assert process.wait(10) == 0
    assert time.monotonic() - started < 10
    assert not _listening(port)
    assert not _alive(worker_pid)
    assert "Segmentation fault" not in out.read_text()


def test_a_child_that_ignores_sigterm_is_killed_at_the_deadline() -> None:
    stubborn = supervisor.start("stubborn", ["sh", "-c", "trap '' TERM; echo ready; sleep 600"])
    time.sleep(0.5)  # let the shell set its trap
    started = time.monotonic()
    supervisor.stop([stubborn], timeout=0.5)
    assert stubborn.process.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 5


def test_a_child_that_dies_on_its_own_stops_the_others_with_its_exit_code() -> None:
    process = _supervisor_of({"broken": ["sh", "-c", "exit 3"], "scheduler": ["sleep", "600"]})
    assert process.wait(15) == 3


@pytest.mark.slow
def test_make_runs_processes_stop_on_one_sigint_within_10_s_without_a_segfault(tmp_path: Path) -> None:
    """The real ones: the analyser, granian with two workers (a help search analysed by the analyser), the
    task workers, the first with the customer lane and the scheduler as threads. Only the analyser loads Kiwi."""
    env = {**os.environ, "SORIDAM_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    env["PYTHONFAULTHANDLER"] = "1"  # a native crash at exit would print its Python stack here
    env["SORIDAM_ANALYSER_SOCKET"] = socket_path = str(tmp_path / "analyser.sock")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    port, ws_port = free_port(), free_port()
    granian = str(Path(sys.executable).parent / "granian")
    named = supervisor.commands(
        sys.executable,
        granian,
        port=port,
        workers=2,
        threads=2,
        task_workers=3,
        ws_port=ws_port,
        analyser_socket=socket_path,
    )
    out = tmp_path / "out.txt"
    with out.open("w") as stdout:
        process = _supervisor_of(named, stdout=stdout, stderr=subprocess.STDOUT, env=env)
        assert _wait_for(lambda: _listening(port), 60)
        assert _wait_for(lambda: _listening(ws_port), 60)  # the chat's ASGI server
        assert _wait_for(lambda: _heartbeats(tmp_path) == 3, 60)  # the pool: three task workers, one with the lane
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/help/suggest?q=%ED%99%98%EB%B6%88", timeout=60) as r:  # noqa: S310
            assert r.status == 200
        # A web worker that dies is replaced; the web server and the stack keep running.
        web_main = next(pid for pid in _tree(process.pid)[1:] if "--interface wsgi" in _command(pid))
        killed = _tree(web_main)[1]
        os.kill(killed, signal.SIGKILL)
        assert _wait_for(lambda: len(_tree(web_main)) == 3 and killed not in _tree(web_main), 30)
        assert process.poll() is None
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60) as r:  # noqa: S310
            assert r.status == 200
        with_kiwi = [pid for pid in _tree(process.pid) if "kiwipiepy" in _maps(pid)]
        assert [_command(pid) for pid in with_kiwi] == [f"{sys.executable} -m soridam.lib.analyser {socket_path}"]
        started = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(10) == 0
    assert time.monotonic() - started < 10
    assert not _listening(port)
    assert not _listening(ws_port)
    assert _heartbeats(tmp_path) == 0  # each task worker stopped cleanly (a killed one leaves its row)
    log = out.read_text()
    assert "Segmentation fault" not in log
    assert "Fatal Python error" not in log


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [pid, *(descendant for child in children for descendant in _tree(int(child)))]


def _maps(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return ""


def _command(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ").strip()


def _heartbeats(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        return int(db.execute("SELECT count(*) FROM workers_workerheartbeat").fetchone()[0])


def test_the_task_worker_pool_is_sized_to_the_machine_or_to_workers() -> None:
    assert supervisor.task_worker_count("auto", cpus=2) == 2
    assert supervisor.task_worker_count("", cpus=1) == 1
    assert supervisor.task_worker_count("auto", cpus=16) == supervisor.MAX_TASK_WORKERS
    assert supervisor.task_worker_count("6", cpus=2) == 6
    with pytest.raises(ValueError, match="at least 1"):
        supervisor.task_worker_count("0")
    named = supervisor.commands("py", "granian", port=8000, workers=2, threads=2, task_workers=3)
    workers = [argv for name, argv in named.items() if name.startswith("task worker")]
    assert len(workers) == 3
    assert all(argv[2:4] == ["db_worker", "--no-reload"] for argv in workers)
    assert list(supervisor.commands("py", "granian", port=8000, workers=2, threads=2)) == ["task worker", "web server"]
    # customer mail and chat, and the periodic jobs: threads of the first worker, not processes of their own
    assert "--customer-lane" in workers[0]
    assert "--scheduler" in workers[0]
    assert all("--customer-lane" not in argv and "--scheduler" not in argv for argv in workers[1:])
    with_analyser = supervisor.commands("py", "granian", port=8000, workers=2, threads=2, analyser_socket="/s")
    assert list(with_analyser)[0] == supervisor.ANALYSER  # first: the others wait for it to listen
    assert with_analyser[supervisor.ANALYSER] == ["py", "-m", "soridam.lib.analyser", "/s"]


def test_the_web_server_serves_static_files_from_the_var_dir_the_settings_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SORIDAM_VAR_DIR", "/srv/soridam")
    web = supervisor.commands("py", "granian", port=8000, workers=2, threads=2)["web server"]
    assert web[web.index("--static-path-mount") + 1] == "/srv/soridam/static"
    monkeypatch.delenv("SORIDAM_VAR_DIR")
    web = supervisor.commands("py", "granian", port=8000, workers=2, threads=2)["web server"]
    assert web[web.index("--static-path-mount") + 1] == "var/static"


def test_the_chat_socket_server_is_asgi_on_its_own_port() -> None:
    named = supervisor.commands("py", "granian", port=8000, workers=2, threads=2, ws_port=8001)
    chat = named["chat socket server"]
    assert chat[chat.index("--interface") + 1] == "asginl"  # ASGI without lifespan
    assert chat[chat.index("--port") + 1] == "8001"
    assert chat[-1] == "soridam.asgi:application"
    assert named["web server"][named["web server"].index("--interface") + 1] == "wsgi"


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _make_running(tmp_path: Path, port: int) -> Path:
    """A Makefile whose `run` recipe execs the supervisor, as the project's Makefile does (make is then its parent)."""
    script = tmp_path / "server.py"
    script.write_text(textwrap.dedent(SERVER))
    named = {"web server": [sys.executable, str(script), str(port)], "scheduler": ["sleep", "600"]}
    code = f"import sys; from soridam.lib import jobs, supervisor; sys.exit(supervisor.run({json.dumps(named)}))"
    makefile = tmp_path / "Makefile"
    makefile.write_text(f"run:\n\t@PYTHONPATH={ROOT} exec {sys.executable} -c '{code}'\n")
    return makefile


def test_ctrl_c_at_a_terminal_stops_make_run_with_exit_0(tmp_path: Path) -> None:
    """Ctrl-C reaches only the supervisor, so GNU make sees its recipe succeed instead of re-raising SIGINT."""
    port = free_port()
    makefile = _make_running(tmp_path, port)
    primary, secondary = os.openpty()

    def controlling_terminal() -> None:  # what a terminal emulator does for its shell
        os.setsid()
        fcntl.ioctl(secondary, termios.TIOCSCTTY, 0)

    make = subprocess.Popen(  # noqa: S603
        ["make", "-s", "-f", str(makefile), "run"],  # noqa: S607
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        preexec_fn=controlling_terminal,
        cwd=tmp_path,
    )
    os.close(secondary)
    try:
        assert _wait_for(lambda: _listening(port), 20)
        os.write(primary, b"\x03")  # Ctrl-C: SIGINT to the terminal's foreground group
        assert make.wait(10) == 0
    finally:
        make.kill()
        os.close(primary)
    assert not _listening(port)


def test_sigint_to_make_alone_still_stops_everything(tmp_path: Path) -> None:
    """make waits out a SIGINT sent only to it; the supervisor notices and stops, so nothing keeps serving."""
    port = free_port()
    makefile = _make_running(tmp_path, port)
    make = subprocess.Popen(  # noqa: S603
        ["make", "-s", "-f", str(makefile), "run"],  # noqa: S607
        cwd=tmp_path,
        start_new_session=True,
        # As from a terminal: a suite started in the background by a non-interactive shell inherits SIGINT
        # ignored, and a make started with SIGINT ignored never stops on it.
        preexec_fn=_default_sigint,  # noqa: PLW1509
    )
    assert _wait_for(lambda: _listening(port), 20)
    make.send_signal(signal.SIGINT)
    make.wait(10)  # GNU make itself then dies of the SIGINT it re-raises
    assert not _listening(port)
