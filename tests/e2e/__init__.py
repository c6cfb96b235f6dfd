"""End-to-end tests: the real report, the real model, the real CLI and a real server."""
