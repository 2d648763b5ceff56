"""The one error type the CLI turns into a readable message (never a traceback)."""


class SubsetError(Exception):
    """Bad input: an unreadable spec or selection, or a selection the spec cannot satisfy."""
