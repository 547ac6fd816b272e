"""Imported by the notebook workers' fork server (see :func:`site_tools.notebooks.prerendering`).

Importing this module renders one small page, unexecuted (:func:`site_tools.notebooks.warm_up`), in
the fork server, once: every worker forked from it then starts with that work done.
"""

from site_tools import notebooks

notebooks.warm_up()
