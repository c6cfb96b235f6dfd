"""The web page at ``/``: static files, no build step, no external resources."""
