"""Scaffold a new exercise: ``uv run new-exercise "Title of the exercise"``.

Creates ``docs/exercises/exNN_slug.py`` (the next free number; the slug comes from the title) from a
small working example, and adds it to the navigation in ``mkdocs.yml``, just above the line
``# `uv run new-exercise "Title"` adds new exercises above this line.``. Right after it, ``uv run
pytest`` and ``uv run mkdocs build --strict`` pass and the page is on the site; then edit the file.

Bad input (an empty title, a title that exists already, a title with no letters or with characters
that cannot be part of a file name) gets a one-line error, exit status 2, and creates nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

from site_tools import notebooks

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("templates") / "exercise.py.tmpl"
NAV_MARKER = '# `uv run new-exercise "Title"` adds new exercises above this line.'
#: Characters no file name (or no title worth keeping) should contain.
FORBIDDEN = re.compile(r'[/\\<>:"|?*]|[\x00-\x1f\x7f]')


class ScaffoldError(ValueError):
    """The title cannot become a new exercise; nothing was created."""


def slugify(title: str) -> str:
    """Turn a title into the ``slug`` of ``exNN_slug.py``: ASCII, lower case, words joined by ``_``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = "_".join(words)
    return slug[:40].rstrip("_")


def create(title: str, root: Path = ROOT) -> list[str]:
    """Create the exercise ``title`` in the project at ``root``; return what was done, line by line.

    Raises
    ------
    ScaffoldError
        If the title is empty, already taken, or cannot make a file name. Nothing is written then.
    """
    title = " ".join(title.split())
    if not title:
        raise ScaffoldError('the title is empty; give one, e.g. new-exercise "Momentum by hand"')
    if FORBIDDEN.search(title):
        raise ScaffoldError(
            f'the title {title!r} has characters that cannot be in a file name: / \\ < > : " | ? *'
        )
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(f"the title {title!r} has no ASCII letters or digits to make a file name from")

    folder = root / "docs" / "exercises"
    existing = notebooks.discover(folder)
    for exercise in existing:
        if (
            exercise.stem.split("_", 1)[1] == slug
            or exercise.title.split(" · ", 1)[-1].casefold() == title.casefold()
        ):
            raise ScaffoldError(
                f"an exercise with this title exists already: {exercise.path.relative_to(root)}"
            )
    number = max((exercise.number for exercise in existing), default=0) + 1
    if number > 99:
        raise ScaffoldError("there are 99 exercises already; renumber them before adding another")

    config = root / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    markers = [i for i, line in enumerate(lines) if line.strip() == NAV_MARKER]
    if len(markers) != 1:
        raise ScaffoldError(f"mkdocs.yml must have exactly one line '{NAV_MARKER}' to add the page above")
    path = folder / f"ex{number:02d}_{slug}.py"
    indent = lines[markers[0]][: len(lines[markers[0]]) - len(lines[markers[0]].lstrip())]
    lines.insert(markers[0], f"{indent}- exercises/{path.name}\n")

    source = TEMPLATE.read_text(encoding="utf-8").format(number=number, title=title)
    path.write_text(source, encoding="utf-8")
    config.write_text("".join(lines), encoding="utf-8")
    return [
        f"created {path.relative_to(root).as_posix()} (Exercise {number} · {title}), a working example",
        f"added exercises/{path.name} to the navigation in mkdocs.yml",
        "next: edit the exercise, then run `uv run pytest` and `uv run mkdocs serve` (see CONTRIBUTING.md)",
    ]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point of ``new-exercise``."""
    parser = argparse.ArgumentParser(prog="new-exercise", description=__doc__.splitlines()[0])
    parser.add_argument("title", help='the exercise\'s title, e.g. "Momentum by hand"')
    parser.add_argument("--root", type=Path, default=ROOT, help="the project folder (default: this checkout)")
    arguments = parser.parse_args(argv)
    try:
        done = create(arguments.title, arguments.root)
    except ScaffoldError as error:
        print(f"new-exercise: error: {error}", file=sys.stderr)
        return 2
    print("\n".join(done))
    return 0


if __name__ == "__main__":
    sys.exit(main())
