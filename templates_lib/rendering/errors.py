"""What can go wrong in a render, as exceptions whose text is for the user."""


class RenderError(Exception):
    """A render that cannot produce a deliverable PDF (content overflowing, too many pages)."""


class RenderLimitError(RenderError):
    """A render broke a limit (time, memory, nesting) or crashed its render process."""


class RenderBusyError(RenderLimitError):
    """No render process became free in time."""


class RenderInTransactionError(RuntimeError):
    """A render was asked for inside a database transaction: a programming error, never the user's."""
