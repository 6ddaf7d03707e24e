"""A TCP forwarder on 127.0.0.1 in front of the PostgreSQL server, for lost-connection tests.

``drop(seconds)`` cuts every open connection and closes the listening socket, so new connections
are refused (「connection refused」, as when the server restarts) until it listens again on the
same port.  ``cut_after_commit()`` arms a one-shot fault: the next client chunk that carries a
``COMMIT`` is forwarded to the server, and the client's side is cut before the reply comes back
(the server commits; the desk cannot know) — the commit-outcome-unknown case.

Threads only (one accept thread, two pumps per connection); nothing here touches the server.
"""

from __future__ import annotations

import socket
import threading
import time


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self._closed = False
        self._cut_commit = threading.Event()
        self.commit_cut = threading.Event()  # set when the armed COMMIT went through and the reply was dropped
        self.drops = 0
        self.connections = 0

    # ---- life ---------------------------------------------------------------------------------
    def start(self) -> "TcpProxy":
        self._listen()
        return self

    def url_for(self, url: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def close(self) -> None:
        self._closed = True
        self._stop_listening()
        self._cut_all()

    # ---- faults ---------------------------------------------------------------------------------
    def drop(self, seconds: float) -> None:
        """Cut every connection and refuse new ones for *seconds* (blocks that long)."""
        self.go_down()
        time.sleep(seconds)
        self.come_up()

    def go_down(self) -> None:
        self.drops += 1
        self._stop_listening()
        self._cut_all()

    def come_up(self) -> None:
        if not self._closed and self._listener is None:
            self._listen()

    def cut_after_commit(self) -> None:
        self.commit_cut.clear()
        self._cut_commit.set()

    # ---- inside ---------------------------------------------------------------------------------
    def _listen(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for _try in range(50):
            try:
                sock.bind(("127.0.0.1", self.port))
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the proxy could not listen on its port again")
        sock.listen(64)
        self.port = sock.getsockname()[1]
        self._listener = sock
        self._accepting = threading.Thread(target=self._accept, args=(sock,), daemon=True)
        self._accepting.start()

    def _stop_listening(self) -> None:
        sock, self._listener = self._listener, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        if self._accepting is not None:
            self._accepting.join(5)

    def _cut_all(self) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for s in (a, b):
                _close(s)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _addr = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=10)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            for s in (client, server):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._pairs.append((client, server))
                self.connections += 1
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, to_server: bool) -> None:
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            try:
                dst.sendall(data)
            except OSError:
                break
            if to_server and self._cut_commit.is_set() and b"COMMIT" in data:
                self._cut_commit.clear()
                self._cut_reply(client=src, server=dst)
                return
        _close(src)
        _close(dst)

    def _cut_reply(self, *, client: socket.socket, server: socket.socket) -> None:
        """The COMMIT went to the server: cut the client at once, give the server time to read it
        (closing a socket with unread data would reset the connection and might lose the COMMIT)."""
        with self._lock:
            self._pairs = [p for p in self._pairs if p[0] is not client]
        _close(client)
        time.sleep(1.0)
        _close(server)
        self.commit_cut.set()


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass
