"""Every code block the site publishes runs, after snippet expansion, exactly as a reader sees it.

The pages hold ``--8<--`` directives, not code; the blocks are extracted with pytest-codeblocks'
extraction API from the Markdown *after* pymdownx.snippets has expanded it with the site's own
options. pytest-codeblocks itself only runs fences whose info string is exactly ``python``, ``sh`` or
``bash``; here the language is the first word of the info string, so fences with a title run too, and
a count proves no fence was passed over. A block is skipped only by a
``<!--pytest.mark.skip(reason="...")-->`` comment on the line above its fence, with a reason.

A Python block that is a whole listing, as the page includes it (``--8<-- "snippets/NAME.py"``, which
leaves out the ``# --8<--`` section markers, comments that change nothing), is not run a second time
here: ``test_copy_paste`` runs that listing as a script, in its own process and an empty folder, which
is how a reader runs what they copied. A test checks that each such block is exactly that listing.
Likewise a shell block that is exactly ``python NAME.py``, for a listing ``NAME.py``: it is that run.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from conftest import DOCS, SNIPPETS, expand_snippets
from pytest_codeblocks import extract_from_buffer
from pytest_codeblocks.main import CodeBlock

from site_tools.listings import discover

#: Languages whose blocks are executed. Anything else must be one of DISPLAY_ONLY.
RUNNABLE = {"python", "sh", "bash"}
#: Languages that are shown, never run: output, configuration, and plain text.
DISPLAY_ONLY = {"text", "toml", "yaml", "json", "ini"}
FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*(?P<info>[^`\s][^`]*)?$")
#: A shell block that runs one listing, as the pages ask the reader to: ``python step06_plot_sine.py``.
RUNS_ONE_FILE = re.compile(r"python (?P<name>\w+\.py)")


@dataclass(frozen=True)
class PublishedBlock:
    page: str
    block: CodeBlock

    @property
    def language(self) -> str:
        return (self.block.syntax or "").split(" ", 1)[0]

    def __str__(self) -> str:
        return f"{self.page}:{self.block.lineno}"


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def published_blocks() -> list[PublishedBlock]:
    blocks = []
    for page in pages():
        expanded = expand_snippets(page.read_text(encoding="utf-8"))
        for block in extract_from_buffer(io.StringIO(expanded)):
            blocks.append(PublishedBlock(page.relative_to(DOCS).as_posix(), block))
    return blocks


def opening_fences(text: str) -> list[str]:
    """The info strings of the opening fences in ``text`` (counted independently of pytest-codeblocks)."""
    infos, inside = [], None
    for line in text.splitlines():
        m = FENCE.match(line)
        if m and inside is None:
            inside = m.group(1)
            infos.append((m.group("info") or "").strip())
        elif inside is not None and line.strip().startswith(inside) and not line.strip().strip(inside[0]):
            inside = None
    return infos


BLOCKS = published_blocks()


def test_every_fence_was_extracted_and_has_a_known_language():
    for page in pages():
        infos = opening_fences(expand_snippets(page.read_text(encoding="utf-8")))
        extracted = [b for b in BLOCKS if b.page == page.relative_to(DOCS).as_posix()]
        assert len(infos) == len(extracted), f"{page.name}: some fences were not extracted"
        for info in infos:
            if info.startswith("{"):  # an attribute list: its first class is the language
                first_class = re.match(r"\{\s*\.([\w+-]+)", info)
                assert first_class, f"{page.name}: {info!r} names no language (its first class)"
                language = first_class.group(1)
                # pytest-codeblocks reads only a plain info string: such a block would never run.
                assert language not in RUNNABLE, f"{page.name}: {info!r} must start with its language"
            else:
                language = info.split(" ", 1)[0]
            assert language in RUNNABLE | DISPLAY_ONLY, f"{page.name}: fence language {info!r}"


def test_some_blocks_run_and_every_skip_has_a_reason():
    runnable = [b for b in BLOCKS if b.language in RUNNABLE]
    assert len([b for b in runnable if not b.block.marks]) >= 5
    for b in runnable:
        for mark in b.block.marks:
            assert re.fullmatch(r'pytest\.mark\.skip\(reason="[^"]{10,}"\)', mark), f"{b}: {mark}"


def whole_listings() -> dict[str, Path]:
    """Each listing's text as a page shows it when it includes the whole file, and the listing."""
    return {expand_snippets(f'--8<-- "snippets/{p.name}"').strip("\n"): p for p in discover(SNIPPETS)}


WHOLE_LISTINGS = whole_listings()


def listing_of(published: PublishedBlock) -> Path | None:
    """The listing a block is (a whole listing) or runs (``python NAME.py``); None for any other block."""
    if published.language == "python":
        return WHOLE_LISTINGS.get(published.block.code.strip("\n"))
    command = RUNS_ONE_FILE.fullmatch(published.block.code.strip())
    if published.language in {"sh", "bash"} and command and (SNIPPETS / command["name"]).is_file():
        return SNIPPETS / command["name"]
    return None


def test_whole_listings_are_run_by_the_copy_paste_tests():
    """Every block left to test_copy_paste is exactly a listing it runs (minus section markers, which
    are comments), and every listing appears on some page."""
    whole = [(b, listing_of(b)) for b in BLOCKS if listing_of(b)]
    assert len(whole) >= 10
    assert len([b for b, _ in whole if b.language == "sh"]) >= 3, "the pages' `python NAME.py` commands"
    for published, listing in whole:
        if published.language != "python":
            continue  # `python NAME.py` runs the listing's file, whatever it holds
        source = listing.read_text(encoding="utf-8")
        markers = [line for line in source.splitlines() if line.lstrip().startswith("# --8<-- [")]
        kept = [line for line in source.splitlines() if line not in markers]
        assert published.block.code.strip("\n") == "\n".join(kept).strip("\n"), published
    shown = {listing_of(b) for b in BLOCKS} | {
        SNIPPETS / m for b in BLOCKS for m in re.findall(r"\b(\w+\.py)\b", b.block.code)
    }
    assert set(discover(SNIPPETS)) <= shown, "every listing is published on some page"


def params() -> list:
    found = []
    for b in BLOCKS:
        if b.language in RUNNABLE and not listing_of(b):
            marks = [eval(mark, {"pytest": pytest}) for mark in b.block.marks]
            found.append(pytest.param(b, id=str(b), marks=marks))
    return found


@pytest.mark.parametrize("published", params())
def test_published_block_runs(published: PublishedBlock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    code = published.block.code
    if published.language == "python":
        # As at build time, an animation's frames are drawn without the pauses between them (the
        # copy-paste tests run the listings with their pauses, as a reader would).
        monkeypatch.setattr(plt, "pause", lambda interval: None)
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, str(published), "exec"), {"__name__": "__main__"})
        plt.close("all")
    else:
        # The reader has saved the listings in their project folder, as the pages ask.
        for listing in discover(SNIPPETS):
            shutil.copy(listing, tmp_path)
        # `python` in a shell block is this environment's Python, as in the reader's activated venv.
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        env = {**os.environ, "MPLBACKEND": "Agg", "PATH": path}
        done = subprocess.run(code, shell=True, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
