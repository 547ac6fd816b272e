"""Kernels forked from the warm fork server behave like kernels started the usual way."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from nbclient.exceptions import CellExecutionError

from site_tools import kernels, notebooks

#: A notebook that prints what a kernel could differ in, and draws a figure.
PROBE = """# %%
import os
import sys
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt

print(matplotlib.get_backend())
print(Path(sys.argv[0]).name, Path.cwd() == Path(os.environ["PROBE_CWD"]))
print(os.environ.get("PYTHONBREAKPOINT"), os.environ.get("PROBE_VARIABLE"), "JPY_PARENT_PID" in os.environ)
print(sorted(m for m in ("snippets", "site_tools") if m in sys.modules))
plt.plot([0, 1, 4, 9])
plt.show()

# %%
{"a": 1}
"""


def render(notebook: Path) -> str:
    """The notebook's page body, as the site renders it (without jupytext's random cell ids)."""
    from mkdocs_jupyter.convert import nb2html

    from site_tools.mkdocs_hooks import _CELL_ID

    notebooks.configure_mkdocs_jupyter()
    html = nb2html(
        str(notebook), execute=True, allow_errors=False, include_requirejs=False, custom_mathjax_url=""
    )
    return _CELL_ID.sub("", html)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """One kernel fork server for this module's tests (it takes a second or two to start)."""
    with kernels.fork_server() as path:
        yield path


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "probe-folder"
    folder.mkdir()
    notebook = folder / "probe.py"
    notebook.write_text(PROBE, encoding="utf-8")
    monkeypatch.setenv("PROBE_VARIABLE", "seen")
    monkeypatch.setenv("PROBE_CWD", str(Path.cwd()))  # nbconvert runs kernels in the current folder
    monkeypatch.setenv("PYTHONBREAKPOINT", "0")
    monkeypatch.delenv(kernels.SOCKET, raising=False)
    return notebook


def test_a_forked_kernel_renders_the_same_page_as_a_usual_kernel(
    probe: Path, server: str, monkeypatch: pytest.MonkeyPatch
):
    usual = render(probe)
    monkeypatch.setenv(kernels.SOCKET, server)
    forked = render(probe)
    # The kernel was forked indeed: NumPy is imported before any cell imports it.
    witness = probe.with_name("witness.py")
    witness.write_text("# %%\nimport sys\nprint('numpy' in sys.modules)\n", encoding="utf-8")
    assert "<pre>True\n</pre>" in render(witness)
    assert forked == usual
    printed = BeautifulSoup(usual, "lxml").select(".jp-OutputArea-output pre")[0].get_text().splitlines()
    assert printed == [
        "module://matplotlib_inline.backend_inline",
        "ipykernel_launcher.py True",
        "0 seen True",
        "[]",  # the kernel cannot import the project's packages
    ]
    assert "data:image/png;base64," in usual, "the figure is shown inline"


def test_a_failing_cell_fails_the_page_with_its_error(
    tmp_path: Path, server: str, monkeypatch: pytest.MonkeyPatch
):
    notebook = tmp_path / "broken.py"
    notebook.write_text("# %%\nprint('before')\n\n# %%\n1 / 0\n", encoding="utf-8")
    monkeypatch.setenv(kernels.SOCKET, server)
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        render(notebook)


def test_without_a_server_kernels_start_the_usual_way(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(kernels.SOCKET, raising=False)
    manager = kernels.ForkedKernelManager(kernel_name="python3")
    manager.connection_file = os.devnull
    assert manager.format_kernel_cmd()[1:3] == ["-m", "ipykernel_launcher"]
    monkeypatch.setenv(kernels.SOCKET, "/tmp/socket")
    command = manager.format_kernel_cmd()
    assert command[3:5] == [str(kernels.SHIM), "/tmp/socket"]


@pytest.mark.skipif(os.name != "posix", reason="IPC (Unix sockets) is for Unix; elsewhere kernels use TCP")
def test_kernels_talk_over_ipc_at_paths_of_their_own():
    """No TCP ports: two kernels starting at once cannot race for one (and none is bound openly)."""
    first, second = kernels.ForkedKernelManager(), kernels.ForkedKernelManager()
    assert first.transport == second.transport == "ipc"
    assert Path(first.ip).is_absolute(), "the kernel runs in the notebook's folder, the client elsewhere"
    assert first.ip != second.ip


def test_the_sites_exporter_gives_nbconverts_page_without_its_tab_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The site's exporter copies the start of nbconvert's and skips its last pass (notebooks.py).

    So the page must be nbconvert's own, but for the Tab stops that pass adds: this fails when a new
    nbconvert changes the part that was copied.
    """
    import nbformat
    from mkdocs_jupyter import convert, nbconvert2
    from nbconvert.exporters.html import HTMLExporter
    from nbformat.v4 import new_output

    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    notebook = nbformat.v4.new_notebook(
        metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}},
        cells=[
            nbformat.v4.new_markdown_cell("# A title\n\nSome *prose* and $x^2$."),
            nbformat.v4.new_code_cell(
                "print('hello')\nplt.show()",
                metadata={"alt": "One pixel, drawn to test the figure markup", "caption": "A pixel"},
                outputs=[
                    new_output("stream", name="stdout", text="hello\n"),
                    new_output("display_data", data={"image/png": pixel, "text/plain": "<Figure>"}),
                    new_output("execute_result", data={"text/plain": "{'a': 1}"}, execution_count=1),
                ],
            ),
        ],
    )
    path = tmp_path / "made.ipynb"
    nbformat.write(notebook, path)
    notebooks.configure_mkdocs_jupyter()
    assert issubclass(nbconvert2.HTMLExporter, HTMLExporter)
    assert nbconvert2.HTMLExporter is not HTMLExporter

    def page() -> str:
        html = convert.nb2html(str(path), execute=False, include_requirejs=False, custom_mathjax_url="")
        soup = BeautifulSoup(html, "lxml")
        stops = soup.select("[tabindex]")
        for element in stops:
            del element["tabindex"]
        return " ".join(str(soup).split()), len(stops)

    ours, our_stops = page()
    monkeypatch.setattr(nbconvert2, "HTMLExporter", HTMLExporter)
    theirs, their_stops = page()
    assert ours == theirs
    assert (our_stops, their_stops) == (0, 4), "nbconvert's pass adds a Tab stop per input and output"
    assert "hello" in ours
    assert "One pixel, drawn to test the figure markup" in ours


def test_the_workers_warm_up_renders_a_page_as_the_site_does():
    """The notebook workers' fork server renders this page before forking them (notebook_workers.py)."""
    html = notebooks.warm_up_rendering()
    soup = BeautifulSoup(html, "lxml")
    assert soup.find("h1").get_text().startswith("Warm-up")
    assert soup.select(".highlight"), "the code cell, highlighted"
    assert soup.find("math"), "MathML kept as written"
