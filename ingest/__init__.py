"""Ingest: source -> canonical text -> sections -> passages -> vectors -> index."""
