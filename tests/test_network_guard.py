"""The suite must fail any test that opens a non-loopback socket; loopback stays usable for local servers."""

from __future__ import annotations

import socket
import threading

import pytest

from tests.netguard import NetworkBlocked, is_loopback


def test_connecting_to_a_public_address_fails_before_any_packet_is_sent() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(NetworkBlocked):
            sock.connect(("93.184.216.34", 80))


def test_private_network_addresses_are_blocked_too() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(NetworkBlocked):
            sock.connect_ex(("10.0.0.1", 443))


def test_http_clients_cannot_reach_out_either() -> None:
    import urllib.request

    with pytest.raises(Exception) as raised:
        urllib.request.urlopen("http://192.0.2.1/", timeout=2)
    assert "must not reach the network" in str(raised.value)


def test_loopback_connections_still_work() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    accepted = threading.Thread(target=lambda: server.accept()[0].close())
    accepted.start()
    with socket.create_connection(server.getsockname(), timeout=5):
        pass
    accepted.join(timeout=5)
    server.close()
    assert is_loopback(("::1", 80)) and is_loopback(("localhost", 80)) and not is_loopback(("8.8.8.8", 53))
