"""What Jupyter runs as "the kernel" when kernels come from the fork server.

Usage: ``python -I -S site_tools/kernel_shim.py SOCKET LAUNCHER ARGS...`` (``LAUNCHER`` is the path
of ``ipykernel_launcher.py``, ``ARGS`` its arguments).

It starts in milliseconds (standard library only, no ``site``): it hands its arguments, working
folder, environment and standard streams to the fork server (``kernel_forkserver.py``), which forks
the kernel, then it stands in for the kernel's process: it forwards the signals Jupyter sends (an
interrupt), and exits with the kernel's exit status. If Jupyter kills it, the server kills the kernel.
"""

import json
import os
import signal
import socket
import struct
import sys


def main(path: str, launcher: str, arguments: list[str]) -> int:
    """Have the server at ``path`` fork a kernel with ``arguments``; return the kernel's exit status.

    ``launcher`` is the path of ``ipykernel_launcher.py``, which the kernel sees as ``sys.argv[0]``.
    """
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(path)
    request = json.dumps(
        {
            "launcher": launcher,
            "argv": arguments,
            "cwd": os.getcwd(),  # noqa: PTH109 (no pathlib: start fast)
            "env": dict(os.environ),
        }
    ).encode()
    socket.send_fds(connection, [struct.pack("!I", len(request))], [0, 1, 2])
    connection.sendall(request)

    def receive_int() -> int:
        data = b""
        while len(data) < 4:
            chunk = connection.recv(4 - len(data))
            if not chunk:
                raise ConnectionError("the kernel fork server went away")
            data += chunk
        return struct.unpack("!i", data)[0]

    # A handle on the kernel process itself (Linux): once the kernel has exited, a signal sent through
    # it fails, rather than reaching another process that was given the same number.
    kernel = os.pidfd_open(receive_int())

    def forward(received: int, _frame: object) -> None:
        try:
            signal.pidfd_send_signal(kernel, received)
        except ProcessLookupError:
            return  # the kernel has just exited; its exit status is on its way from the server

    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(number, forward)
    return receive_int()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
