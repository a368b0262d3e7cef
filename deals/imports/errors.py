class MalformedFileError(Exception):
    """The file cannot be read as a deals CSV at all; `line` names where, when it is known."""

    def __init__(self, message: str, *, line: int | None = None):
        self.line = line
        super().__init__(f"Line {line}: {message}" if line else message)
