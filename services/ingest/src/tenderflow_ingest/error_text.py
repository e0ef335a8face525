"""A parser's complaint about a tenant's file, fit for the tenant: its own words, without this machine's paths."""

import re

# An absolute path not glued to a word, so an archive member such as `word/document.xml` is kept.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.~-])/(?:[^\s'\"/]+/)*[^\s'\"/,;)]*")


def described(error: BaseException) -> str:
    """What went wrong with the file, as the library said it, with any server path (an OSError's file name, the
    spooled copy a library names) cut to `…`."""
    return _ABSOLUTE_PATH.sub("…", str(error))
