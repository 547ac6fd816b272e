"""Jupyter kernels that start in milliseconds: forked from a process that did their imports once.

Executing the exercise notebooks is most of a cold build, and a third of each notebook's time is the
kernel starting: Python, IPython and ipykernel, then NumPy and Matplotlib at the first cell. With
:func:`fork_server` running, :class:`ForkedKernelManager` (the kernel manager the site's notebook
executor uses) launches ``kernel_shim.py`` instead of ``python -m ipykernel_launcher``; the shim has
``kernel_forkserver.py`` fork a kernel from its warm process. Each notebook still gets a kernel of its
own, in a process of its own, with the environment and working folder Jupyter gives it, and a test
checks that pages rendered both ways are identical. What differs is what a notebook would have to
look for: its kernel starts with NumPy, Matplotlib and IPython already imported (Matplotlib set to
the inline backend, as ipykernel sets it), and its parent process is the server. Linux only
(:func:`available`); elsewhere kernels start the usual way.

Without a fork server (``$SITE_TOOLS_KERNEL_FORKSERVER`` unset), kernels start the usual way.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import default

#: The environment variable naming the fork server's socket.
SOCKET = "SITE_TOOLS_KERNEL_FORKSERVER"
SERVER = Path(__file__).with_name("kernel_forkserver.py")
SHIM = Path(__file__).with_name("kernel_shim.py")


@contextmanager
def fork_server() -> Iterator[str]:
    """Run a kernel fork server while the block runs; yield its socket's path.

    Raises
    ------
    RuntimeError
        If the server does not start (its output is in the message).
    """
    with tempfile.TemporaryDirectory(prefix="kernels-", dir="/tmp") as folder:
        path = str(Path(folder) / "socket")
        server = subprocess.Popen(
            [sys.executable, str(SERVER), path],
            stdin=subprocess.PIPE,  # closed when the block ends, or when this process dies
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            if server.stdout.readline().strip() != "ready":
                server.wait()
                raise RuntimeError(f"the kernel fork server did not start (exit {server.returncode})")
            yield path
        finally:
            server.stdin.close()
            server.wait()
            server.stdout.close()


def available() -> bool:
    """Tell whether kernels can be forked here: on Linux only.

    macOS makes forking a process that used its system frameworks (NumPy's Accelerate) unsafe, and
    Windows has no fork: there, kernels start the usual way.
    """
    return sys.platform == "linux"


class ForkedKernelManager(AsyncKernelManager):
    """A kernel manager that asks the fork server for an IPython kernel, when one is running.

    On Unix its kernels talk over IPC (Unix sockets ``/tmp/kernel-<random>-ipc-N``) instead of TCP:
    with several kernels starting at once, a TCP port that Jupyter found free for one kernel could be
    taken by another before it bound it ("Address already in use"), and nothing is sent through the
    network stack unencrypted.
    """

    @default("transport")
    def _ipc_on_unix(self) -> str:
        return "ipc" if os.name == "posix" else "tcp"

    def _ip_default(self) -> str:
        """For IPC, a path of the kernel's own, absolute (client and kernel have different folders).

        In /tmp, like the fork server's socket: a socket's path has at most about 100 bytes, which
        macOS's per-user temporary folder nearly uses up by itself.
        """
        if self.transport != "ipc":
            return super()._ip_default()
        return f"/tmp/kernel-{uuid.uuid4()}-ipc"

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """Return the shim's command line in place of ``python -m ipykernel_launcher ARGS``."""
        command = super().format_kernel_cmd(extra_arguments)
        socket = os.environ.get(SOCKET)
        if not socket or command[:3] != [sys.executable, "-m", "ipykernel_launcher"]:
            return command
        launcher = importlib.util.find_spec("ipykernel_launcher").origin
        return [sys.executable, "-I", "-S", str(SHIM), socket, launcher, *command[3:]]
