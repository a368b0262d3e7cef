"""A render process: what runs on the other side of `isolation`'s pipe.

Spawned render processes import this module before Django is set up, so it imports only the
standard library at the top; the engine is imported once Django is ready.
"""

import logging
import os
import resource
import sys
from multiprocessing.connection import Connection
from pathlib import Path

logger = logging.getLogger(__name__)

# The project's own packages come first on a render process's path, whatever the calling script put
# before them (a script's own folder may hold modules named like our apps).
PROJECT_ROOT = str(Path(__file__).resolve().parents[2])

# The engine functions a render process answers (names in templates_lib.rendering.engine).
CALLS = frozenset({"lay_out", "pdf_page_png", "pdf_page_count"})


def serve(connection: Connection, memory_bytes: int) -> None:
    """Set the memory limit, set Django up, then answer calls one at a time until told to stop.

    Answers are (status, payload): ("ok", result), ("render_error", message) for a render the
    engine refuses, ("no_such_page", page) for a page a PDF does not have, ("limit", "memory" |
    "nesting"), or ("error", description)."""
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if sys.path[:1] != [PROJECT_ROOT]:
        sys.path.insert(0, PROJECT_ROOT)
    import django

    django.setup()
    from . import engine
    from .errors import RenderError

    connection.send(("ready", os.getpid()))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        name, args, kwargs = message
        if name not in CALLS:
            connection.send(("error", f"not a render call: {name}"))
            continue
        try:
            result = getattr(engine, name)(*args, **kwargs)
        except MemoryError:
            connection.send(("limit", "memory"))
            return  # the heap may be in any state: let the pool replace this process
        except RecursionError:
            connection.send(("limit", "nesting"))
            continue
        except RenderError as exc:
            connection.send(("render_error", str(exc)))
            continue
        except IndexError as exc:  # a page that is not there: the caller answers 404
            connection.send(("no_such_page", str(exc)))
            continue
        except Exception as exc:
            logger.exception("Render call %s failed", name)
            connection.send(("error", f"{type(exc).__name__}: {exc}"[:500]))
            continue
        connection.send(("ok", result))
