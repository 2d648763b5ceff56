"""The one error type commands raise for the operator to read."""


class OpsError(Exception):
    """Something the operator can act on: printed as one line, exit status 1, no traceback."""
