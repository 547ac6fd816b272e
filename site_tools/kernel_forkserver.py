"""A process that starts Jupyter kernels by forking itself, with their imports already done.

Usage: ``python site_tools/kernel_forkserver.py SOCKET`` (run by :mod:`site_tools.kernels`).

A Python kernel spends seconds starting: Python itself, IPython, ipykernel, then NumPy and Matplotlib
when the notebook's first cell imports them. This server listens on the Unix socket ``SOCKET`` (and
says "ready" at once, so the build goes on with other work), does those imports once, then accepts
the connections that queued meanwhile and later ones. For each connection (from ``kernel_shim.py``,
the command Jupyter runs as "the kernel") it receives the kernel's arguments, working folder,
environment and standard streams, forks, and the child becomes the kernel exactly as
``python -m ipykernel_launcher ARGS`` would. The server tells the shim when its kernel exits (and
with which status), kills a kernel whose shim went away (Jupyter killed it), and stops, killing its
kernels, when its parent closes its standard input (the build ended, or died). Each kernel runs in a
session of its own, as Jupyter starts kernels.

The imports change nothing a notebook can see: ``MPLBACKEND`` is set to the inline backend before
Matplotlib is imported, as ipykernel sets it before any cell runs, and no figure is made here. This
file imports nothing from the project, so the kernels cannot either.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import socket
import struct
import sys
from collections.abc import Callable
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)


def _receive(connection: socket.socket) -> tuple[dict, list[int]]:
    """Read one request: a 4-byte length, that much JSON, and the three standard streams' descriptors."""
    header, fds, _, _ = socket.recv_fds(connection, 4, 3)
    (size,) = struct.unpack("!I", header)
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the shim went away mid-request")
        data += chunk
    return json.loads(data), fds


def _become_kernel(request: dict, fds: list[int], inherited: list[int]) -> None:
    """In the forked child: take the shim's streams, folder and environment, and run ipykernel.

    ``inherited`` are the server's own descriptors (socket, pipes, selector), closed here: a kernel
    holds nothing of the server's, so a shim sees its connection close when the server does.
    """
    signal.set_wakeup_fd(-1)
    for number in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)
    for fd in inherited:
        with contextlib.suppress(OSError):
            os.close(fd)
    os.setsid()  # a session of its own, as Jupyter starts kernels: Ctrl-C at the build is not for it
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # As `python -m ipykernel_launcher`: no script folder on the path (ipykernel adds the working one).
    if sys.path and sys.path[0] == HERE:
        del sys.path[0]
    sys.argv = [request["launcher"], *request["argv"]]
    status = 0
    try:
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=request["argv"])
    except SystemExit as done:
        status = done.code if isinstance(done.code, int) else 0 if done.code is None else 1
    except BaseException:  # noqa: BLE001 (reported on the kernel's stderr, like a crashed kernel)
        import traceback

        traceback.print_exc()
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(status)


def serve(path: str, warm_up: Callable[[], None] = lambda: None) -> None:
    """Accept shims on the Unix socket ``path`` until the parent closes this process's stdin.

    The socket listens, and the parent is told "ready", before ``warm_up`` runs: the parent goes on
    with its own work meanwhile, and a shim that connects early waits in the socket's queue until the
    imports are done. A connection that goes wrong (a shim that dies mid-request, a failed fork) is
    closed and reported on stderr; the server goes on serving the others.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, which then closes stdin
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen()
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(sys.stdin, selectors.EVENT_READ)
    kernels: dict[int, socket.socket] = {}  # kernel pid -> its shim's connection
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the selector through the wakeup fd
    selector.register(wake_read, selectors.EVENT_READ)
    print("ready", flush=True)
    warm_up()

    def start_kernel(connection: socket.socket) -> None:
        request, fds = _receive(connection)
        sys.stdout.flush()
        sys.stderr.flush()
        own = [listener.fileno(), wake_read, wake_write, selector.fileno(), connection.fileno()]
        pid = os.fork()
        if pid == 0:
            _become_kernel(request, fds, own + [c.fileno() for c in kernels.values()])
        for fd in fds:
            os.close(fd)
        connection.sendall(struct.pack("!i", pid))
        kernels[pid] = connection
        selector.register(connection, selectors.EVENT_READ, pid)

    while True:
        for key, _ in selector.select():
            if key.fileobj is listener:
                connection, _ = listener.accept()
                try:
                    start_kernel(connection)
                except (OSError, ValueError, struct.error) as error:
                    print(f"kernel fork server: could not start a kernel: {error!r}", file=sys.stderr)
                    connection.close()
            elif key.fileobj is sys.stdin:
                if not sys.stdin.buffer.read1(512):  # the build is over (or died): so are its kernels
                    for pid in kernels:
                        os.kill(pid, signal.SIGKILL)
                    return
            elif key.fileobj == wake_read:
                os.read(wake_read, 512)
            else:  # a shim closed its connection: Jupyter killed it, so kill its kernel
                selector.unregister(key.fileobj)
                if key.data in kernels:
                    os.kill(key.data, signal.SIGKILL)
        while kernels:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            connection = kernels.pop(pid, None)
            if connection is not None:
                if _registered(selector, connection):
                    selector.unregister(connection)
                code = os.waitstatus_to_exitcode(status)
                with contextlib.suppress(OSError):  # the shim may be gone already
                    connection.sendall(struct.pack("!i", code))
                connection.close()


def _registered(selector: selectors.BaseSelector, connection: socket.socket) -> bool:
    """Tell whether the selector still watches ``connection`` (it stops at the shim's end of file)."""
    try:
        selector.get_key(connection)
    except KeyError:
        return False
    return True


def _warm_up() -> None:
    """Import what every kernel imports, load Matplotlib's fonts and its mathtext parser, without pyplot."""
    preset = bool(os.environ.get("MPLBACKEND"))  # ipykernel, too, keeps a backend set by the user
    if not preset:
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    # Not imported here: ipykernel.kernelapp, whose settings read the environment when it is imported
    # (the kernel's own, in the child), and matplotlib_inline.backend_inline, which hooks itself into
    # the running IPython when it is imported (in the child, when a cell first draws).
    import IPython  # noqa: F401
    import matplotlib.pyplot  # noqa: F401 (the backend is chosen at first use, in the kernel)
    import numpy  # noqa: F401
    from ipykernel import iostream, ipkernel, zmqshell  # noqa: F401
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure()
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.5, "warm-up 0123456789")
    # Mathtext, as on a logarithmic axis's tick labels: its parser is built at the first formula a
    # process draws (0.3 CPU-s), so each kernel that drew one would build it again.
    figure.text(0.5, 0.2, r"$\mathdefault{10^{2}}$")
    figure.canvas.draw()
    if not preset:
        del os.environ["MPLBACKEND"]  # each kernel gets exactly the environment Jupyter gives it


if __name__ == "__main__":
    serve(sys.argv[1], warm_up=_warm_up)
