"""Domain errors of the index store; the edges (CLI, HTTP) turn them into exit codes and statuses."""


class ReportQAError(Exception):
    """Base of every error a user can cause and fix; its message says how."""


class IndexNotFound(ReportQAError):
    """No index has been built at the configured location yet."""


class IncompatibleIndex(ReportQAError):
    """An index exists but was built by another format version or model."""


class CorruptIndex(ReportQAError):
    """An index file is missing, truncated or does not match its manifest."""


class SourceError(ReportQAError):
    """A source document cannot be read, is empty, or is of a format we do not read."""


class UnknownPassage(ReportQAError):
    """A passage id that the loaded index does not hold."""


class NoSuchDocument(ReportQAError):
    """A document id (in a URL path) that the loaded index does not hold."""


class SourceNotKept(ReportQAError):
    """The loaded index keeps no original file for a document: it was built before originals were kept."""


class BuildInProgress(ReportQAError):
    """Another build holds the lock on this index root."""


class IndexWriteError(ReportQAError):
    """The index root cannot be written (full disk, permissions); the previous version is untouched."""
