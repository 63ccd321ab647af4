"""Every OMH test runs with the network blocked: schema resolution must never fetch."""

import ipaddress
import socket

import pytest


def _is_local(address) -> bool:
    if isinstance(address, tuple):
        address = address[0]
    if not isinstance(address, str):
        return True  # AF_UNIX paths
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address == "localhost"


@pytest.fixture(autouse=True)
def network_blocked(monkeypatch):
    """Refuse (and record) any connection or name lookup beyond this machine; the local
    PostgreSQL a run may use stays reachable."""
    attempts = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(sock, address):
        if not _is_local(address):
            attempts.append(address)
            raise OSError(f"network access blocked in tests: {address!r}")
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if not _is_local(host if isinstance(host, str) else str(host)):
            attempts.append(host)
            raise socket.gaierror(f"network access blocked in tests: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    assert attempts == [], f"a test tried to reach the network: {attempts}"
