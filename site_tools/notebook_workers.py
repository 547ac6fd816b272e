"""Preloaded by the fork server of the notebook workers (:func:`site_tools.notebooks.prerendering`).

Importing it imports what the workers use and renders a small page once
(:func:`site_tools.notebooks.warm_up_rendering`), so that every worker forked afterwards starts with
nbconvert's templates compiled. Nothing else imports it.

The warm-up only saves time: should it fail, the fork server says so and goes on (Python's fork
server would otherwise die of it, and the build fail with a broken pipe instead of the cause); each
worker then compiles what it needs itself, and a real failure shows again, with its page, there.
"""

import sys
import traceback

from site_tools import notebooks

try:
    notebooks.warm_up_rendering()
except Exception:  # noqa: BLE001 (reported; the workers work without the warm-up)
    print("site_tools: the notebook workers' warm-up failed; they start cold:", file=sys.stderr)
    traceback.print_exc()
