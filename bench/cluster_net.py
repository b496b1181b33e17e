"""The machines of ``bench.cluster``: one network namespace per host, each with a veth pair
whose other end hangs on a bridge in the root namespace, all on one private /24.

The root namespace holds the bridge's address (``.1``) and plays the operator's admin
host and the load generator. Names carry the benchmark's process id (namespaces
``rathaus-<pid>-<host>``, links ``rh<pid><host>``), so leftovers of a run that was killed
are recognised by their prefix and removed at the next start.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from dataclasses import dataclass, field

IP = "/usr/sbin/ip"
# Host name → last octet. Short names: a link name has at most 15 characters.
HOSTS = {"db": 10, "redis": 11, "web1": 21, "web2": 22, "work1": 31, "work2": 32, "net": 40}


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([IP, *args], check=check, capture_output=True, text=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers() -> list[str]:
    """Namespaces and links of earlier runs whose process is gone (a run killed with -9)."""
    removed = []
    for line in _ip("netns", "list").stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        found = re.fullmatch(r"rathaus-(\d+)-\w+", name)
        if found and not _alive(int(found.group(1))):
            _kill_namespace_processes(name)
            _ip("netns", "del", name, check=False)
            removed.append(name)
    for line in _ip("-o", "link", "show").stdout.splitlines():
        found = re.match(r"\d+: (rh(\d+)[a-z0-9]+)[@:]", line)
        if found and not _alive(int(found.group(2))):
            _ip("link", "del", found.group(1), check=False)
            removed.append(found.group(1))
    return removed


def _kill_namespace_processes(namespace: str) -> None:
    # A namespace is only freed when nothing runs in it any more.
    pids = _ip("netns", "pids", namespace, check=False).stdout.split()
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid), 9)


@dataclass
class Network:
    """The bridge, and per host a namespace with its address."""

    pid: int = field(default_factory=os.getpid)
    subnet: str = ""
    made: list[str] = field(default_factory=list)  # namespaces made, to remove
    links: list[str] = field(default_factory=list)  # root-side links made, to remove

    def __post_init__(self) -> None:
        # A third octet of our own, so two runs at once (two developers) do not collide.
        self.subnet = f"10.213.{self.pid % 200 + 20}"

    def namespace(self, host: str) -> str:
        return f"rathaus-{self.pid}-{host}"

    def address(self, host: str) -> str:
        return f"{self.subnet}.{HOSTS[host]}" if host != "admin" else f"{self.subnet}.1"

    def link(self, host: str) -> str:
        return f"rh{self.pid}{host}"[:15]

    def exec(self, host: str) -> list[str]:
        """The command prefix that runs a program on ``host`` (``ip netns exec`` execs it, so
        the process started is the program itself)."""
        return [IP, "netns", "exec", self.namespace(host)]

    def build(self) -> None:
        bridge = self.link("br")
        _ip("link", "add", bridge, "type", "bridge")
        self.links.append(bridge)
        _ip("addr", "add", f"{self.address('admin')}/24", "dev", bridge)
        _ip("link", "set", bridge, "up")
        for host in HOSTS:
            namespace, outer, inner = self.namespace(host), self.link(host), self.link(host + "i")
            _ip("netns", "add", namespace)
            self.made.append(namespace)
            _ip("link", "add", outer, "type", "veth", "peer", "name", inner)
            self.links.append(outer)
            _ip("link", "set", inner, "netns", namespace)
            _ip("link", "set", outer, "master", bridge)
            _ip("link", "set", outer, "up")
            inside = ["netns", "exec", namespace, IP]
            _ip(*inside, "addr", "add", f"{self.address(host)}/24", "dev", inner)
            _ip(*inside, "link", "set", inner, "up")
            _ip(*inside, "link", "set", "lo", "up")

    def cut(self, host: str) -> None:
        """The host's cable pulled: its link on the bridge is gone, nothing reaches it and
        nothing it sends arrives (its processes are killed separately)."""
        _ip("link", "del", self.link(host), check=False)

    def close(self) -> None:
        for namespace in self.made:
            _kill_namespace_processes(namespace)
            _ip("netns", "del", namespace, check=False)
        for link in self.links:  # the veth ends went with their namespaces; the bridge stays
            _ip("link", "del", link, check=False)
        self.made.clear()
        self.links.clear()
