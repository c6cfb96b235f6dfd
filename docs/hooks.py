"""MkDocs hooks: README.md is the site's home page, and the pages' links work on GitHub and on the site.

The pages are written to be read on GitHub: README.md links to ``docs/api.md``, a page under
docs/ links to ``../README.md`` and to repository files outside docs/ (``../bench/README.md``).
README.md lies outside ``docs_dir``, so it is added here as the home page, and links are
rewritten for the site: ``docs/x.md`` becomes ``x.md``, ``../README.md`` the home page, and a
link to a file outside docs/ points at it on ``repo_url`` when mkdocs.yml sets one, else becomes
its path in code font (the site holds no copy of it).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

LINK = re.compile(r"(!?\[[^\]]*\])\(([^)\s]+)\)")
FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def on_files(files: Files, config: Any) -> Files:
    """Add the repository's README.md as the home page (``README.md`` is served as ``index.html``)."""
    readme = Path(config.config_file_path).parent / "README.md"
    files.append(File.generated(config, "README.md", abs_src_path=str(readme)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Rewrite the page's relative links, outside fenced code, from GitHub's layout to the site's."""
    root = Path(config.config_file_path).parent.resolve()
    docs = Path(config.docs_dir).resolve()
    src_uri = page.file.src_uri
    real = root / "README.md" if src_uri == "README.md" else docs / src_uri
    repo_url = (config.repo_url or "").rstrip("/")

    def rewrite(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        if SCHEME.match(target) or target.startswith(("#", "/")):
            return match.group(0)
        path, hash_, fragment = target.partition("#")
        resolved = (real.parent / path).resolve()
        if resolved == root / "README.md":
            inside = "README.md"
        elif resolved.is_relative_to(docs):
            inside = resolved.relative_to(docs).as_posix()
        else:
            outside = resolved.relative_to(root).as_posix()
            if repo_url:
                return f"{label}({repo_url}/blob/HEAD/{outside}{hash_}{fragment})"
            text = label.strip("[]")
            if text.strip("`") == outside or text.startswith("`"):
                return f"`{outside}`"
            return f"{text} (`{outside}`)"
        relative = posixpath.relpath(inside, posixpath.dirname(src_uri) or ".")
        return f"{label}({relative}{hash_}{fragment})"

    pieces, last = [], 0
    for fence in FENCE.finditer(markdown):
        pieces.append(LINK.sub(rewrite, markdown[last : fence.start()]))
        pieces.append(fence.group(0))
        last = fence.end()
    pieces.append(LINK.sub(rewrite, markdown[last:]))
    return "".join(pieces)
