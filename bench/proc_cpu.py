"""CPU time of the processes a benchmark started, read from /proc (Linux): on a shared machine the wall clock
measures the crowd, the CPU each process spent does not.

``Meter(root, database)`` reads the processes descended from ``root`` (each of `make run`'s children runs in a
session of its own): the web workers, by their command line, and the rest (task workers, analyser, chat
sockets), and the PostgreSQL backends serving ``database`` (their process title names it). ``take()`` before
and after a stretch of work; ``since(earlier)`` is the CPU spent between.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Reading:
    by_pid: dict[int, tuple[str, float]]  # pid: (part, CPU seconds so far)

    def since(self, earlier: Reading) -> dict[str, float]:
        """CPU seconds per part between the two readings (a process started in between counts from zero)."""
        spent: dict[str, float] = {"web": 0.0, "tasks": 0.0, "postgres": 0.0}
        for pid, (part, seconds) in self.by_pid.items():
            before = earlier.by_pid.get(pid)
            spent[part] += seconds - (before[1] if before is not None else 0.0)
        return spent


class Meter:
    def __init__(self, root: int, database: str) -> None:
        self.root = root
        self.backend_title = f" postgres {database} ".encode()  # after "postgres: " and a cluster name, if any

    def take(self) -> Reading:
        processes: dict[int, tuple[int, bytes, float]] = {}  # pid: (parent, command line, CPU seconds)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:  # the process ended meanwhile
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            processes[int(entry.name)] = (int(fields[1]), command, (int(fields[11]) + int(fields[12])) / TICKS)
        by_pid: dict[int, tuple[str, float]] = {}
        for pid, (_parent, command, seconds) in processes.items():
            part = self._part(pid, command, processes)
            if part:
                by_pid[pid] = (part, seconds)
        return Reading(by_pid)

    def _part(self, pid: int, command: bytes, processes: dict[int, tuple[int, bytes, float]]) -> str:
        if command.startswith(b"postgres: ") and self.backend_title in command.split(b"(", 1)[0]:
            return "postgres"
        ancestor = pid
        while ancestor > 1 and ancestor != self.root:
            ancestor = processes[ancestor][0] if ancestor in processes else 1
        if ancestor != self.root:
            return ""
        return "web" if b"granian" in command and b"asginl" not in command else "tasks"
