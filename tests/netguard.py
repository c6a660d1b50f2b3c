"""Tests never reach the network: any socket connection to a non-loopback address fails loudly."""

from __future__ import annotations

import ipaddress
import socket

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkBlocked(RuntimeError):
    """A test tried to open a connection to a non-loopback address."""


def is_loopback(address: object) -> bool:
    """Whether a socket address is on this machine (loopback IP, localhost, or a Unix socket path)."""
    if isinstance(address, (str, bytes)):  # AF_UNIX
        return True
    host = str(address[0]) if isinstance(address, tuple) and address else ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not is_loopback(address):
        raise NetworkBlocked(f"tests must not reach the network: connect to {address!r} refused")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not is_loopback(address):
        raise NetworkBlocked(f"tests must not reach the network: connect to {address!r} refused")
    return _real_connect_ex(self, address)


def install() -> None:
    """Guard every socket in this process."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
