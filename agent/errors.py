"""Errors a user can act on. The CLI turns these into one clear line and an exit code, never a traceback."""


class ZongjieError(Exception):
    """Base of every error zongjie reports to the user."""

    exit_code = 1


class UserError(ZongjieError):
    """The input or the request is wrong (bad file, unknown section, missing store). Exit code 1."""

    exit_code = 1


class LoadError(UserError):
    """A document could not be read; the message is one Chinese-aware line naming the file and the cause."""


class ModelError(ZongjieError):
    """A model or embedding endpoint failed (unreachable, auth, 429 after retries). Exit code 3."""

    exit_code = 3
