"""One router per resource: ask, sections, passages, health."""
