"""The index store: passages with citations, their vectors and a manifest, on disk and in memory."""
