"""The learners' section of the changes feed: the full derived progress and totals of every
learner whose records changed since the cursor (the phone replaces that learner's rows).

It owns the cursor's progress slot: ``c`` (every change up to it sent), ``n`` and ``l`` (a
pass in progress and the last learner it sent) and ``r`` (the releases mark).
"""

from __future__ import annotations

from ..core.hooks import FeedSection
from . import service as learners


def progress_section(device, cursor, nxt, page_rows: int) -> FeedSection:
    """Return one page of changed learners' progress, advancing ``nxt``'s progress slot."""
    mark = learners.releases_mark()
    if nxt.r != mark or (nxt.c or 0) > device.change_seq:
        # Packs were published (credits may differ for every learner), or the county was
        # restored from an older backup: derive everything again.
        nxt.c = nxt.n = nxt.l = None
        nxt.r = mark
    upto = nxt.n if nxt.n is not None else device.change_seq
    changed = learners.changed_learners(device.id, nxt.c, upto, nxt.l)
    progress, totals = [], []
    rules = learners.credit_rules() if changed else {}
    for index, learner in enumerate(changed):
        derived = learners.learner_progress(learner, rules)
        progress.extend(learners.progress_rows(derived))
        totals.append(learners.totals_row(derived))
        if len(progress) >= page_rows and index + 1 < len(changed):
            nxt.n, nxt.l = upto, learner
            return FeedSection({"progress": progress, "totals": totals}, more=True)
    nxt.c, nxt.n, nxt.l = upto, None, None
    return FeedSection({"progress": progress, "totals": totals}, more=device.change_seq > upto)
