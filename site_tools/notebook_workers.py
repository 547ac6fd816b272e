"""Preloaded by the fork server of the notebook workers (:func:`site_tools.notebooks.prerendering`).

Importing it imports what the workers use and renders a small page once
(:func:`site_tools.notebooks.warm_up_rendering`), so that every worker forked afterwards starts with
nbconvert's templates compiled. Nothing else imports it.
"""

from site_tools import notebooks

notebooks.warm_up_rendering()
