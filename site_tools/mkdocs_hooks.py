"""MkDocs hooks: a thin adapter from MkDocs to :mod:`site_tools.listings`.

- ``on_config`` runs the listings (cached by content) before mkdocs-macros reads ``extra``, so every
  page can quote ``{{ listings.NAME.stdout }}`` and ``{{ listings.NAME.values.VAR }}``.
- ``on_files`` publishes each figure as ``figures/NAME-N-light.png`` / ``-dark.png`` straight from the
  cache: nothing is written into ``docs/``, so ``mkdocs serve`` does not rebuild in a loop.

A failing listing raises, which fails the build with the listing's traceback: a page is never built
with a stale or missing figure.
"""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from site_tools import listings

log = logging.getLogger("mkdocs.hooks.listings")


@event_priority(100)  # before mkdocs-macros (priority 0) copies `extra` into its variables
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Run the listings and expose their results as the ``listings`` variable."""
    report = listings.build()
    cached = len(report.runs) - len(report.executed)
    log.info("listings: %d ran, %d from the cache", len(report.executed), cached)
    config.extra["listings"] = report.runs
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every listing's figures to the site."""
    for run in config.extra["listings"].values():
        for figure in run.figures:
            for palette in listings.PALETTES:
                source = getattr(figure, palette)
                uri = figure.site_path(run.name, palette)
                files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files
