"""The checker of the user's session files, in a process of its own: ``python -m hinge_timer.check_child``.

Checking a hostile file can keep the interpreter busy in one long C call (pydantic-core building
15,000 "unknown key" errors holds the GIL for up to 85 ms at a time), and a thread of the window's
own process then holds the window back, however the work is split.  So Home's listing asks this
process instead (``hinge_timer.session.checker``): one JSON line per file on stdin,
``{"path": "..."}``, and one JSON line back on stdout for each, ``{"ok": true}`` or
``{"problems": [[file, line, field, message], ...], "count": N}``.  The session editor asks about a draft
(``{"draft": ...}``, session/draft.py ``check_request``): the text Save would write made from its data, checked,
and its plan, so that the 100 ms of a large file's writing and checking never share the window's
interpreter (``draft_reply``).  Before the first request, once it has
loaded what checking needs, ``{"ready": true}``.  It ends when its stdin closes
(the app closed it, or the app is gone); nothing else is written to stdout.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path


def answer(path: str) -> dict[str, object]:
    """What checking the file at ``path`` found, as the wire carries it."""
    from .session.catalogue import load_entry

    entry = load_entry(path, Path(path), False)
    if entry.error is None:
        return {"ok": True}
    problems = [[p.file, p.line, p.field, p.message] for p in entry.error.problems]
    return {"problems": problems, "count": entry.error.count}


def main() -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from . import i18n

    code = i18n.normalise_code(os.environ.get(i18n.LANGUAGE_ENV))  # the window's language, for the problems
    if code is not None:
        i18n.set_language(code)
    from .session import catalogue, load  # noqa: F401  (pydantic and the model: before saying ready)

    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        if "draft" in request:
            from .session.draft import draft_reply

            reply = draft_reply(request["draft"])
        else:
            path = request["path"]
            if not isinstance(path, str):
                return 2
            reply = answer(path)
        # ensure_ascii: every answer is one line of ASCII, whatever a file name or a message holds.
        out.write(json.dumps(reply, ensure_ascii=True) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
