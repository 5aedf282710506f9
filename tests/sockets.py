"""Misbehaving HTTP servers on 127.0.0.1, as raw sockets: ones that never answer, or dawdle."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class RawServer:
    base_url: str
    connections: list[socket.socket] = field(default_factory=list)


@contextmanager
def _serve(handle) -> Iterator[RawServer]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.05)
    port = listener.getsockname()[1]
    server = RawServer(f"http://127.0.0.1:{port}/eutils/")
    stop = threading.Event()
    workers: list[threading.Thread] = []

    def accept_loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            server.connections.append(conn)
            worker = threading.Thread(target=handle, args=(conn, stop), daemon=True)
            worker.start()
            workers.append(worker)

    thread = threading.Thread(target=accept_loop, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join(5)
        for worker in workers:
            worker.join(5)
        for conn in server.connections:
            conn.close()
        listener.close()


@contextmanager
def silent_server() -> Iterator[RawServer]:
    """Accepts every connection, reads nothing back, and never sends a byte."""

    def hold(_conn: socket.socket, stop: threading.Event) -> None:
        stop.wait()

    with _serve(hold) as server:
        yield server


@contextmanager
def trickling_server(every: float = 0.05) -> Iterator[RawServer]:
    """Sends a 200 and its headers at once, then the promised body one byte every ``every`` s."""

    def trickle(conn: socket.socket, stop: threading.Event) -> None:
        conn.settimeout(2)
        try:
            conn.recv(65536)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n"
            )
            while not stop.is_set():
                conn.sendall(b" ")
                time.sleep(every)
        except OSError:
            return  # the client hung up, as it should

    with _serve(trickle) as server:
        yield server
