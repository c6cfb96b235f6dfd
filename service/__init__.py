"""The HTTP service and the command line over a built index."""
