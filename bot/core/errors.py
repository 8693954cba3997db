"""Domain errors: raised in the engine, translated at the edge (CLI exit 2, a Slack reply).

Every message is one line a person can act on; the edges print ``str(error)`` as it is.
"""


class CheckdupesError(Exception):
    """A problem with what the user sent, explained in one line."""


class EmptyInput(CheckdupesError):
    """The text has nothing to analyze."""


class TooShort(CheckdupesError):
    """Too little text to look for repetition (a single paragraph)."""


class TooLong(CheckdupesError):
    """The text is over the size limit."""


class UnsupportedInput(CheckdupesError):
    """Binary data, an unsupported file type or encoding."""


class BadSetting(CheckdupesError):
    """A setting (environment variable) has a value that cannot be used."""


class FetchError(CheckdupesError):
    """A link could not be fetched or held no readable article."""


class BlockedAddress(FetchError):
    """A link (or one of its redirects) points at a private or otherwise refused address."""
