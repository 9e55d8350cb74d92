"""A small but real IMAP4rev1 server for the tests: it speaks the protocol over a TCP socket.

Enough of RFC 3501 for imaplib and our fetcher: CAPABILITY, (STARTTLS refusal), LOGIN, SELECT,
UID SEARCH, UID FETCH BODY.PEEK[], UID STORE +FLAGS, UID COPY, EXPUNGE, NOOP, LOGOUT, and IDLE
(RFC 2177: ``* n EXISTS`` as soon as ``MailStore.deliver`` adds a mail, until the client says DONE).
Run it in a thread inside the test process, or on its own with ``python imapserver.py PORT MAILDIR``.
"""

from __future__ import annotations

import re
import select
import socketserver
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class StoredMail:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


@dataclass
class Folder:
    uidvalidity: int = 1
    next_uid: int = 1
    mails: list[StoredMail] = field(default_factory=list)

    def add(self, raw: bytes) -> int:
        self.mails.append(StoredMail(self.next_uid, raw))
        self.next_uid += 1
        return self.next_uid - 1


@dataclass
class MailStore:
    user: str = "support"
    password: str = "s3cret pw"
    starttls: str = "none"  # "none": not offered; "broken": offered but fails
    idle: bool = True  # offer IDLE
    folders: dict[str, Folder] = field(default_factory=lambda: {"INBOX": Folder(), "Done": Folder()})
    commands: list[str] = field(default_factory=list)  # every command verb received, for assertions
    lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, raw: bytes, folder: str = "INBOX") -> int:
        """A mail arrives while clients may be connected (and idling)."""
        with self.lock:
            return self.folders[folder].add(raw)

    def seen(self, folder: str = "INBOX") -> int:
        with self.lock:
            return sum("\\Seen" in m.flags for m in self.folders[folder].mails)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server
    wbufsize = 1 << 16  # one write per response: no Nagle/delayed-ACK stalls between its lines
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.folder: Folder | None = None
        self.authenticated = False

    def send(self, line: str | bytes) -> None:
        self.wfile.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    def handle(self) -> None:
        self.send("* OK [CAPABILITY IMAP4rev1] Soridam test IMAP ready")
        self.wfile.flush()
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            tag, _sp, rest = line.decode("utf-8", "replace").rstrip("\r\n").partition(" ")
            verb, _sp, args = rest.partition(" ")
            if verb.upper() == "IDLE" and self.folder is not None and self.server.store.idle:
                if not self.idle(tag):
                    return
                continue
            with self.server.store.lock:
                self.server.store.commands.append(verb.upper())
                done = self.dispatch(tag, verb.upper(), args)
            self.wfile.flush()
            if done:
                return

    def dispatch(self, tag: str, verb: str, args: str) -> bool:
        if verb == "CAPABILITY":
            extra = " STARTTLS" if self.server.store.starttls != "none" else ""
            extra += " IDLE" if self.server.store.idle else ""
            self.send(f"* CAPABILITY IMAP4rev1 UIDPLUS{extra}")
        elif verb == "STARTTLS":
            self.send(f"{tag} BAD STARTTLS is broken on this server")
            return False
        elif verb == "LOGIN":
            return self.login(tag, args)
        elif verb == "LOGOUT":
            self.send("* BYE logging out")
            self.send(f"{tag} OK LOGOUT completed")
            return True
        elif verb == "NOOP":
            pass
        elif not self.authenticated:
            self.send(f"{tag} NO authenticate first")
            return False
        elif verb == "SELECT":
            return self.select(tag, args)
        elif verb == "UID" and self.folder is not None:
            return self.uid(tag, args)
        elif verb == "EXPUNGE" and self.folder is not None:
            self.expunge()
        else:
            self.send(f"{tag} BAD unsupported command")
            return False
        self.send(f"{tag} OK {verb} completed")
        return False

    def idle(self, tag: str) -> bool:
        """Announce new mail until the client sends DONE; False when the client went away."""
        assert self.folder is not None
        with self.server.store.lock:
            self.server.store.commands.append("IDLE")
            known = len(self.folder.mails)
        self.send("+ idling")
        self.wfile.flush()
        while True:
            with self.server.store.lock:
                count = len(self.folder.mails)
            if count > known:
                known = count
                self.send(f"* {count} EXISTS")
                self.wfile.flush()
            readable, _w, _x = select.select([self.connection], [], [], 0.05)
            if readable:
                line = self.rfile.readline(65536)
                if not line:
                    return False
                self.send(
                    f"{tag} OK IDLE terminated" if line.strip().upper() == b"DONE" else f"{tag} BAD expected DONE"
                )
                self.wfile.flush()
                return True

    def login(self, tag: str, args: str) -> bool:
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', args)
        values = [quoted.replace('\\"', '"').replace("\\\\", "\\") or atom for quoted, atom in parts]
        store = self.server.store
        if values == [store.user, store.password]:
            self.authenticated = True
            self.send(f"{tag} OK LOGIN completed")
        else:
            self.send(f"{tag} NO [AUTHENTICATIONFAILED] invalid credentials")
        return False

    def select(self, tag: str, args: str) -> bool:
        name = args.strip().strip('"')
        folder = self.server.store.folders.get(name)
        if folder is None:
            self.send(f"{tag} NO no such mailbox")
            return False
        self.folder = folder
        self.send(f"* {len(folder.mails)} EXISTS")
        self.send("* 0 RECENT")
        self.send(f"* OK [UIDVALIDITY {folder.uidvalidity}] UIDs valid")
        self.send(f"* OK [UIDNEXT {folder.next_uid}] next UID")
        self.send(r"* FLAGS (\Seen \Deleted \Flagged)")
        self.send(f"{tag} OK [READ-WRITE] SELECT completed")
        return False

    def uid(self, tag: str, args: str) -> bool:
        assert self.folder is not None
        command, _sp, rest = args.partition(" ")
        command = command.upper()
        if command == "SEARCH":
            match = re.search(r"UID (\d+):(\*|\d+)", rest, re.IGNORECASE)
            uids = [m.uid for m in self.folder.mails]
            if match:
                low = int(match.group(1))
                high = max(uids, default=0) if match.group(2) == "*" else int(match.group(2))
                uids = [u for u in uids if min(low, high) <= u <= max(low, high)] or uids[-1:]
            self.send("* SEARCH" + "".join(f" {u}" for u in uids))
        elif command in ("FETCH", "STORE", "COPY"):
            uid_text, _sp, spec = rest.partition(" ")
            for index, mail in self._matching(uid_text):
                self._one(command, index, mail, spec)
        else:
            self.send(f"{tag} BAD unsupported UID command")
            return False
        self.send(f"{tag} OK UID {command} completed")
        return False

    def _matching(self, uid_text: str) -> list[tuple[int, StoredMail]]:
        assert self.folder is not None
        wanted = {int(u) for u in uid_text.split(",") if u.isdigit()}
        return [(i + 1, m) for i, m in enumerate(self.folder.mails) if m.uid in wanted]

    def _one(self, command: str, index: int, mail: StoredMail, spec: str) -> None:
        if command == "FETCH":
            self.wfile.write(f"* {index} FETCH (UID {mail.uid} BODY[] {{{len(mail.raw)}}}\r\n".encode())
            self.wfile.write(mail.raw + b")\r\n")
        elif command == "STORE":
            mail.flags |= set(re.findall(r"\\\w+", spec))
            self.send(f"* {index} FETCH (UID {mail.uid} FLAGS ({' '.join(sorted(mail.flags))}))")
        else:
            self.server.store.folders[spec.strip().strip('"')].add(mail.raw)

    def expunge(self) -> None:
        assert self.folder is not None
        for index in range(len(self.folder.mails), 0, -1):
            if "\\Deleted" in self.folder.mails[index - 1].flags:
                del self.folder.mails[index - 1]
                self.send(f"* {index} EXPUNGE")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, store: MailStore) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.store = store


class ImapServer:
    """Start with ``with ImapServer(store) as server:``; ``server.port`` is the bound port."""

    def __init__(self, store: MailStore) -> None:
        self.store = store
        self._server = _Server(store)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> ImapServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


if __name__ == "__main__":  # pragma: no cover - manual use
    store = MailStore()
    for path in sorted(Path(sys.argv[2]).rglob("*.eml")):
        store.folders["INBOX"].add(path.read_bytes())
    with ImapServer(store) as server:
        sys.stdout.write(f"{server.port}\n")
        sys.stdout.flush()
        threading.Event().wait()
