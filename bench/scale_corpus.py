"""Grown corpora for the growth benchmark (bench/scale.py): the report plus real documents of other kinds.

The extra documents are Debian documentation packages (HTML manuals), fetched with
``apt-get download`` and unpacked with ``dpkg-deb -x`` into a cache folder outside the
repository (``~/.cache/reportqa/bench-corpus``, or ``--corpus-cache``), never copies of
the report.  Which files make up a corpus of N passages is decided here, deterministically:
every candidate page is counted once with ``reportqa outline --json`` (no model loaded),
then pages are taken in the order of the sha256 of their name until the passages reach
the target.  The sha256 order spreads a subset over the whole of each manual (not its first
chapters) and across both manuals, and the same package versions always give the same
subset.  The sources and their licences: bench/README.md ("Growth").
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "corpus" / "high-level-dialogue-2006.txt"
CORPUS_CACHE_ENV = "REPORTQA_BENCH_CORPUS"


@dataclass(frozen=True)
class Source:
    """One Debian documentation package and the folder of HTML pages inside it."""

    name: str
    """Short prefix of its documents' ids (``python-library-json``)."""
    package: str
    html_dir: str
    """Where the HTML pages are inside the unpacked package."""
    licence: str
    skip: tuple[str, ...]
    """Regular expressions of page paths (relative to ``html_dir``) that are not prose: indexes, search."""


SOURCES: tuple[Source, ...] = (
    Source(
        name="python",
        package="python3.11-doc",
        html_dir="usr/share/doc/python3.11/html",
        licence="PSF License Agreement (Python documentation)",
        skip=(r"^_", r"^genindex", r"^py-modindex", r"^search\.html$", r"^contents\.html$", r"^index\.html$"),
    ),
    Source(
        name="postgres",
        package="postgresql-doc-15",
        html_dir="usr/share/doc/postgresql-doc-15/html",
        licence="PostgreSQL Licence (BSD-like)",
        skip=(r"^bookindex\.html$", r"^index\.html$", r"^search\.html$"),
    ),
)


@dataclass(frozen=True)
class Page:
    """One candidate document: a page of a source and how many passages the parser makes of it."""

    source: str
    path: str
    """Relative to the source's HTML folder, with ``/``."""
    passages: int

    @property
    def key(self) -> str:
        """The page's order key: the sha256 of its name, so a subset is spread over every source."""
        return hashlib.sha256(f"{self.source}/{self.path}".encode()).hexdigest()

    @property
    def flat_name(self) -> str:
        """A unique file name in one flat folder; its stem is the document id (``python-library-json``)."""
        return f"{self.source}-{self.path.replace('/', '-')}"


def select_pages(pages: Iterable[Page], target: int) -> list[Page]:
    """Pages in sha256 order until their passages reach ``target``; all of them if they fall short.

    Pages with no passage are left out.  Deterministic: the same pages give the same subset,
    whatever order they come in.
    """
    chosen: list[Page] = []
    total = 0
    for page in sorted((p for p in pages if p.passages > 0), key=lambda p: p.key):
        if total >= target:
            break
        chosen.append(page)
        total += page.passages
    return chosen


def default_cache() -> Path:
    """``$REPORTQA_BENCH_CORPUS``, else ``<reportqa cache>/bench-corpus`` (never inside the repository)."""
    configured = os.environ.get(CORPUS_CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("REPORTQA_CACHE_DIR") or str(
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reportqa"
    )
    return Path(base).expanduser() / "bench-corpus"


def _require(tool: str, package: str) -> str:
    found = shutil.which(tool)
    if not found:
        raise SystemExit(
            f"bench-scale: {tool} is missing; it fetches the extra documents (Debian packages). "
            f"Install it (apt-get install {package}) or run on Debian/Ubuntu."
        )
    return found


def fetch(source: Source, cache: Path) -> tuple[Path, str]:
    """The source's HTML folder, downloading and unpacking its package once; and the .deb's name.

    An unpacked package in the cache is reused, so later runs need no network.
    """
    debs = cache / "debs"
    found = sorted(debs.glob(f"{source.package}_*.deb"))
    if not found:
        apt = _require("apt-get", "apt")
        debs.mkdir(parents=True, exist_ok=True)
        print(f"bench-scale: apt-get download {source.package} ...", file=sys.stderr, flush=True)
        done = subprocess.run([apt, "download", source.package], cwd=debs, capture_output=True, text=True)
        found = sorted(debs.glob(f"{source.package}_*.deb"))
        if done.returncode or not found:
            raise SystemExit(
                f"bench-scale: apt-get download {source.package} failed:\n{done.stderr.strip()}\n"
                "Run `apt-get update` first (as root), or put the .deb in " + str(debs)
            )
    deb = found[-1]
    unpacked = cache / "x" / deb.stem
    html = unpacked / source.html_dir
    if not html.is_dir():
        dpkg = _require("dpkg-deb", "dpkg")
        partial = unpacked.with_name(unpacked.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.parent.mkdir(parents=True, exist_ok=True)  # dpkg-deb makes the folder, not its parents
        subprocess.run([dpkg, "-x", str(deb), str(partial)], check=True)
        shutil.rmtree(unpacked, ignore_errors=True)
        partial.rename(unpacked)
    if not html.is_dir():
        raise SystemExit(f"bench-scale: {deb.name} has no {source.html_dir}")
    return html, deb.name


def _parser_digest() -> str:
    """A digest of the parser's code: passage counts are recounted when ingest/ changes."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "ingest").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def candidate_files(source: Source, html: Path) -> list[str]:
    """The source's HTML pages (relative paths), sorted, without the skipped ones."""
    patterns = [re.compile(p) for p in source.skip]
    paths = sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html"))
    return [p for p in paths if not any(rx.search(p) for rx in patterns)]


def count_pages(source: Source, html: Path, deb: str, cache: Path, env: dict[str, str]) -> list[Page]:
    """Every candidate page with its passage count, from ``reportqa outline --json``.

    Counted once per package and version of the parser (ingest/), then read from the cache.
    """
    counts_file = cache / "counts" / f"{deb}-{_parser_digest()}.json"
    if counts_file.is_file():
        counted: dict[str, int] = json.loads(counts_file.read_text())
    else:
        print(
            f"bench-scale: counting the passages of {deb} (reportqa outline) ...", file=sys.stderr, flush=True
        )
        files = candidate_files(source, html)
        done = subprocess.run(
            [sys.executable, "-m", "service.cli", "outline", "--json", *files],
            cwd=html,
            env=env | {"PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"bench-scale: reportqa outline failed on {deb}:\n{done.stderr[-3000:]}")
        counted = {
            str(doc["path"]): sum(int(s["passages"]) for s in doc["sections"])
            for doc in json.loads(done.stdout)["documents"]
        }
        counts_file.parent.mkdir(parents=True, exist_ok=True)
        counts_file.write_text(json.dumps(counted, indent=0, sort_keys=True))
    return [Page(source.name, path, passages) for path, passages in sorted(counted.items())]


@dataclass(frozen=True)
class Corpus:
    """The sources of one size: the report and, beyond 1x, a folder of extra pages."""

    size: int
    target: int
    sources: list[Path]
    pages: int
    expected_passages: int
    packages: list[str]


def build_corpus(size: int, report_passages: int, cache: Path, env: dict[str, str]) -> Corpus:
    """The report plus pages that make about ``size`` times its passages, as a flat folder in the cache."""
    target = size * report_passages
    if size <= 1:
        return Corpus(size, target, [REPORT], 0, report_passages, [])
    every: list[Page] = []
    roots: dict[str, Path] = {}
    debs: list[str] = []
    for source in SOURCES:
        html, deb = fetch(source, cache)
        roots[source.name] = html
        debs.append(deb)
        every += count_pages(source, html, deb, cache, env)
    chosen = select_pages(every, target - report_passages)
    folder = materialise(chosen, roots, cache / "corpora" / f"{size}x-{_selection_digest(chosen)}")
    passages = report_passages + sum(p.passages for p in chosen)
    if passages < target * 0.95:
        print(
            f"bench-scale: only {passages} passages available for {size}x ({target} wanted)", file=sys.stderr
        )
    return Corpus(size, target, [REPORT, folder], len(chosen), passages, debs)


def _selection_digest(pages: Sequence[Page]) -> str:
    return hashlib.sha256("\n".join(f"{p.source}/{p.path}" for p in pages).encode()).hexdigest()[:12]


def materialise(pages: Sequence[Page], roots: dict[str, Path], folder: Path) -> Path:
    """Copy the chosen pages into ``folder`` under unique flat names, once (its name is their digest)."""
    if folder.is_dir():
        return folder
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for page in pages:
        shutil.copyfile(roots[page.source] / page.path, partial / page.flat_name)
    partial.rename(folder)
    return folder
