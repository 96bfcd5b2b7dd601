"""Posting huge bodies over a plain socket, reading an early answer while still sending."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from pathlib import Path

MB = 1024 * 1024
CHUNK = b"x" * (64 * 1024)


def rss() -> int:
    """This process's resident memory, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def post_huge(
    port: int, path: str, headers: dict[str, str], total: int, *, chunked: bool = False
) -> tuple[int, int, float]:
    """POST ``total`` bytes (declared, or chunked) over a plain socket; return the status,
    the bytes sent and the seconds to the answer (status 0: no answer came).

    One thread sends while this one reads, so an answer that comes early is read even
    when the server closes the connection on the rest of the body.
    """
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}")
    frame = f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n" if chunked else CHUNK
    connection = socket.create_connection(("127.0.0.1", port))
    started = time.monotonic()
    sent = 0

    def send() -> None:
        nonlocal sent
        with contextlib.suppress(OSError):
            connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
            while sent < total:
                connection.sendall(frame)
                sent += len(CHUNK)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    answer = b""
    connection.settimeout(30)
    with contextlib.suppress(OSError):
        while b"\r\n" not in answer:
            received = connection.recv(4096)
            if not received:
                break
            answer += received
    seconds = time.monotonic() - started
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    sender.join()
    connection.close()
    status = int(answer.split()[1]) if answer.startswith(b"HTTP/") else 0
    return status, sent, seconds


async def post_huge_async(
    port: int, path: str, headers: dict[str, str], total: int, *, chunked: bool = False
) -> tuple[int, int]:
    """``post_huge`` in a thread (the server shares this event loop); status and bytes sent."""
    status, sent, _ = await asyncio.to_thread(
        post_huge, port, path, headers, total, chunked=chunked
    )
    return status, sent
