"""The ``reportqa`` command: build the index, serve it, or ask it a question locally.

Progress goes to stderr and results to stdout.  A user mistake prints one line
``Error: ...`` and exits 1, with no traceback.  Nothing heavy (torch,
sentence-transformers, faiss) is imported until a command needs it, so
``reportqa --help`` is fast.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from pydantic import ValidationError

from index.confidence import verdict
from index.errors import ReportQAError
from service.settings import Settings

if TYPE_CHECKING:
    from ingest.pipeline import BuildReport, Executor
    from service.schemas import AskResponse, PassageOut

TEXT_WIDTH = 88
INDENT = "   "


def fail(message: str, *, code: int = 1) -> NoReturn:
    """Print the one-line ``Error:`` a user sees for a mistake they can fix, and exit."""
    typer.echo(f"Error: {' '.join(message.split())}", err=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn domain and settings errors into ``Error: ...`` and exit 1; let real bugs show a traceback."""
    try:
        yield
    except ReportQAError as exc:
        fail(str(exc))
    except ValidationError as exc:
        from service.errors import describe_errors

        fail(describe_errors(exc.errors()))


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with the command-line options that were given on top."""
    return Settings(**{key: value for key, value in overrides.items() if value is not None})


cli = typer.Typer(
    name="reportqa",
    help="Answer questions about a report with cited passages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

IndexDirOption = Annotated[
    Path | None,
    typer.Option("--index-dir", help="Index directory (default: $REPORTQA_INDEX_DIR or data/index)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def prepare_serving(settings: Settings) -> None:
    """Export the model for the service's ONNX backend now, so ``serve`` never needs torch to start."""
    from service.build import prepare_model

    manifest = settings.index_dir / "current" / "manifest.json"
    if manifest.exists():
        prepare_model(settings, str(json.loads(manifest.read_text(encoding="utf-8")).get("model", "")))


def summary_line(report: BuildReport) -> str:
    s = report.summary
    return (
        f"added {s.added}, changed {s.changed}, unchanged {s.unchanged}, removed {s.removed}, "
        f"embedded {s.embedded}"
    )


def report_json(report: BuildReport) -> str:
    """The build as JSON: the summary counts at the top level, then what was built."""
    body = {**dataclasses.asdict(report.summary), **dataclasses.asdict(report)}
    del body["summary"]
    return json.dumps(body, default=str, indent=2)


def print_report(report: BuildReport, *, as_json: bool) -> None:
    if as_json:
        typer.echo(report_json(report))
    else:
        typer.echo(
            f"Built index {report.version}: {report.passage_count} passages, "
            f"{report.section_count} sections from {len(report.documents)} document(s) "
            f"in {report.seconds:.1f}s -> {report.path}"
        )
        typer.echo(summary_line(report))


@cli.command()
def ingest(
    sources: Annotated[
        list[Path] | None,
        typer.Argument(help="Report files or folders (default: the embedded report).", show_default=False),
    ] = None,
    index_dir: IndexDirOption = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Embedding model (default: $REPORTQA_MODEL).")
    ] = None,
    as_json: JsonOption = False,
    watch: Annotated[
        bool, typer.Option("--watch", help="Keep running and rebuild when a source changes.")
    ] = False,
    gate_file: Annotated[
        Path | None,
        typer.Option(
            "--gate",
            help="A JSONL question set: keep the current version if the new one's Hit@5 or MRR drops "
            "(default: $REPORTQA_GATE_QUESTIONS).",
        ),
    ] = None,
    margin: Annotated[
        float | None,
        typer.Option("--gate-margin", help="How far Hit@5 or MRR may drop (default: $REPORTQA_GATE_MARGIN)."),
    ] = None,
    tune: Annotated[
        bool,
        typer.Option(
            "--tune/--no-tune",
            help="Fine-tune the model on $REPORTQA_TUNE_QUESTIONS (default: corpus/tuning) first; "
            "done once, later builds reuse it.",
        ),
    ] = True,
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray",
            metavar="ADDRESS",
            help="Parse and embed as Ray Data tasks on the Ray cluster at ADDRESS: its head's HOST:PORT, "
            "auto (RAY_ADDRESS, or the cluster `ray start` began here) or local (start one in this "
            "process). Writes the same index as a local build. Needs reportqa[ray] (docs/operations.md).",
        ),
    ] = None,
) -> None:
    """Build a new index version from the sources and make it current; print what changed."""
    with user_errors():
        from ingest.sources import check_sources
        from ingest.tuning import question_files
        from service.build import build, gate_questions, make_embedder

        settings = load_settings(
            index_dir=index_dir,
            model=model,
            sources=sources or None,
            tune_questions=None if tune else [],
            gate_margin=margin,
        )
        check_sources(settings.sources)  # a mistyped path fails now, not after the model loads
        question_files(settings.tune_questions)
        gate = gate_questions(settings, gate_file)
        executor = ray_executor(ray_address, settings) if ray_address is not None else None
        typer.echo(f"Loading embedding model {settings.model} ...", err=True)
        embedder = make_embedder(settings)
        typer.echo(f"Indexing {len(settings.sources)} source(s) into {settings.index_dir} ...", err=True)

        def phase(name: str) -> None:
            typer.echo(f"phase: {name}", err=True)

        if not watch:
            report = build(settings, embedder, gate=gate, on_phase=phase, executor=executor)
        prepare_serving(settings)
    if not watch:
        print_report(report, as_json=as_json)
        return
    from ingest.watch import watch_sources

    def rebuild() -> None:
        try:
            with user_errors():
                report = build(settings, embedder, gate=gate, on_phase=phase, executor=executor)
                print_report(report, as_json=as_json)
        except typer.Exit:
            pass  # the error is printed; keep watching

    rebuild()
    typer.echo(f"Watching {', '.join(map(str, settings.sources))} for changes (Ctrl-C to stop) ...", err=True)
    watch_sources(settings.sources, rebuild)


def ray_executor(address: str, settings: Settings) -> Executor:
    """Join the Ray cluster at ``address`` and parse and embed there (``ingest/ray_ingest.py``)."""
    from ingest.ray_cluster import connect

    connect(address)
    from ingest.ray_ingest import RayExecutor

    return RayExecutor(
        cache=settings.cache_dir, plugin=settings.embedder_plugin, batch_size=settings.batch_size
    )


@cli.command()
def tune(
    index_dir: IndexDirOption = None,
    background: Annotated[
        bool,
        typer.Option(
            "--background",
            help="Run as the service's tuner: lower CPU priority, and stop when the service stops.",
        ),
    ] = False,
) -> None:
    """Train the tuned model now (if not cached) and rebuild the index with it; a running service swaps it in.

    The service runs this by itself when it serves the base model (REPORTQA_BACKGROUND_TUNING);
    ``reportqa status`` shows how far it is.
    """
    with user_errors():
        from service.tuning_job import LOG_FILE, Job, watch_parent

        settings = load_settings(index_dir=index_dir)
        if background:
            os.nice(10)
            watch_parent()
        log = settings.index_dir / LOG_FILE if background else None
        status = Job(settings, progress=True, log=log).run()
    if status is None:
        typer.echo(f"another tuning of {settings.index_dir} is running; reportqa status shows it", err=True)
        return
    typer.echo(f"tuning {status.state}" + (f": {status.detail}" if status.detail else ""), err=True)
    if status.version:
        typer.echo(f"Built index {status.version} with {status.model}")
    if status.state == "failed":
        raise typer.Exit(1)


@cli.command()
def status(index_dir: IndexDirOption = None, as_json: JsonOption = False) -> None:
    """Which index version and model serve (base or tuned), and how far a background tuning is."""
    with user_errors():
        from service.status_report import status_json, status_lines, take_status

        settings = load_settings(index_dir=index_dir)
        report = take_status(settings)
    if as_json:
        typer.echo(json.dumps(status_json(report), indent=2))
    else:
        typer.echo("\n".join(status_lines(report)))


@cli.command()
def rollback(index_dir: IndexDirOption = None) -> None:
    """Make the version built before the current one current again."""
    with user_errors():
        from index.store import rollback as roll_back

        settings = load_settings(index_dir=index_dir)
        target = roll_back(settings.index_dir)
    typer.echo(f"Current index is now {target.name}")


@cli.command()
def verify(
    sources: Annotated[
        list[Path] | None,
        typer.Argument(help="Also check that the index holds exactly these sources.", show_default=False),
    ] = None,
    index_dir: IndexDirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check the current index against its files' hashes, its counts, its spans and its sources."""
    with user_errors():
        from index.store import current_path
        from ingest.verify import verify_index

        settings = load_settings(index_dir=index_dir)
        problems = verify_index(settings.index_dir, sources=sources or None)
        version = current_path(settings.index_dir).name
    if as_json:
        typer.echo(json.dumps({"version": version, "ok": not problems, "problems": problems}, indent=2))
    else:
        for problem in problems:
            typer.echo(problem)
        typer.echo(f"index {version}: " + ("ok" if not problems else f"{len(problems)} problem(s)"), err=True)
    if problems:
        raise typer.Exit(1)


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default: $REPORTQA_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: $REPORTQA_PORT).")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes over the same index (default: $REPORTQA_WORKERS, 1).")
    ] = None,
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray",
            metavar="ADDRESS",
            help="Serve as a Ray Serve deployment on the Ray cluster at ADDRESS (HOST:PORT, auto or "
            "local), its HTTP proxy on --host/--port; needs reportqa[ray] (docs/operations.md).",
        ),
    ] = None,
    replicas: Annotated[
        int | None,
        typer.Option("--replicas", min=1, help="Ray Serve replicas, each loading the index (with --ray; 1)."),
    ] = None,
) -> None:
    """Run the HTTP API (docs at /docs); it starts even without an index and says how to build one."""
    if ray_address is None and replicas is not None:
        fail(
            "--replicas needs --ray ADDRESS (replicas run on a Ray cluster); on one machine use --workers",
            code=2,
        )
    if ray_address is not None and workers is not None:
        fail("--workers is for serving without Ray; with --ray, give --replicas", code=2)
    with user_errors():
        settings = load_settings(host=host, port=port, workers=workers)
        if ray_address is not None:
            from ingest.ray_cluster import connect

            connect(ray_address)
            from service.ray_serve import serve_on_ray

            serve_on_ray(settings, replicas=replicas or 1)
            return
    import functools

    import uvicorn

    from service.logs import log_config

    logging_config = log_config(fmt=settings.log_format, level=settings.log_level)
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_config": logging_config,
        "access_log": False,  # the service writes its own access line, with the request id
    }
    if settings.workers == 1:
        from service.app import create_app

        uvicorn.run(functools.partial(create_app, settings), factory=True, **options)
        return
    # Each worker process builds its own app from the environment, so pass every setting through it.
    os.environ.update(settings.to_env())
    uvicorn.run("service.app:create_app_from_env", factory=True, workers=settings.workers, **options)


@cli.command()
def mcp(index_dir: IndexDirOption = None) -> None:
    """Serve the report to a desktop chat client as an MCP server over stdio (see docs/clients.md)."""
    with user_errors():
        from service.app import serving_embedder_factory
        from service.mcp_server import build_mcp_server
        from service.state import load_retriever

        settings = load_settings(index_dir=index_dir)
        typer.echo(f"Loading the index at {settings.index_dir} ...", err=True)
        retriever = load_retriever(settings.index_dir, embedder_factory=serving_embedder_factory(settings))
    typer.echo(f"Serving index {retriever.index.version} over MCP stdio", err=True)
    build_mcp_server(lambda: retriever, public_url=settings.public_url).run("stdio")


@cli.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.", show_default=False)],
    top_k: Annotated[int, typer.Option("--top-k", "-k", help="How many passages (1-20).")] = 5,
    section: Annotated[
        str | None, typer.Option("--section", "-s", help="Only this section, e.g. B.4, or a part, e.g. B.")
    ] = None,
    index_dir: IndexDirOption = None,
    as_json: JsonOption = False,
    document: Annotated[
        str | None,
        typer.Option(
            "--document", "-d", help="Only this document, by its id; --section then applies within it."
        ),
    ] = None,
) -> None:
    """Answer a question from the local index, without a server."""
    with user_errors():
        from service.answers import respond
        from service.app import serving_embedder_factory
        from service.links import Links, base_url
        from service.schemas import AskRequest
        from service.state import load_retriever

        request = AskRequest(question=question, top_k=top_k, section=section, document=document)
        settings = load_settings(index_dir=index_dir)
        retriever = load_retriever(settings.index_dir, embedder_factory=serving_embedder_factory(settings))
        # Links only from REPORTQA_PUBLIC_URL: without a server there is no request origin.
        base = base_url(settings.public_url, None)
        response = respond(
            retriever,
            request.question,
            top_k=request.top_k,
            section=request.section,
            document=request.document,
            links=Links(base=base, index=retriever.index) if base is not None else None,
        )
    if as_json:
        typer.echo(response.model_dump_json(indent=2))
    else:
        typer.echo(render_answer(response))


@cli.command("eval")
def eval_command(
    questions_files: Annotated[
        list[Path],
        typer.Argument(
            help="JSONL question sets (id, question, evidence, section, kind, document), scored as one."
        ),
    ],
    index_dir: IndexDirOption = None,
    as_json: JsonOption = False,
    peers: Annotated[
        bool,
        typer.Option(
            "--peers",
            help="Also score the peers' recipes over the same documents: BM25, dense (the untuned "
            "base model) and their reciprocal rank fusion, over paragraphs.",
        ),
    ] = False,
) -> None:
    """Score retrieval on a question set: Hit@k, MRR, AUROC, abstention, answer and citation accuracy.

    Questions are embedded as the service embeds them (``REPORTQA_EMBED_BACKEND``), so what is
    measured is what is served.  When the questions name several documents, a row per document
    follows.
    """
    with user_errors():
        from index.eval_run import format_comparison, format_table, report_json, run_eval, run_peers
        from index.evaluation import Report, load_questions
        from service.app import serving_embedder_factory
        from service.state import load_retriever

        questions = [q for path in questions_files for q in load_questions(path)]
        settings = load_settings(index_dir=index_dir)
        retriever = load_retriever(settings.index_dir, embedder_factory=serving_embedder_factory(settings))
        report = run_eval(retriever, questions)
        peer_reports: dict[str, Report] = {}
        if peers:
            from index.embedder import DEFAULT_MODEL, SentenceTransformerEmbedder

            typer.echo(f"Scoring the peers' recipes with the base model {DEFAULT_MODEL} ...", err=True)
            base = SentenceTransformerEmbedder(DEFAULT_MODEL, batch_size=settings.batch_size)
            peer_reports = run_peers(retriever.index, questions, base)
    if as_json:
        typer.echo(json.dumps(report_json(report, peer_reports), indent=2))
    else:
        typer.echo(f"{', '.join(map(str, questions_files))} on index {retriever.index.version}\n")
        typer.echo(format_table(report))
        comparison = format_comparison(report, peer_reports)
        if comparison is not None:
            typer.echo(f"\n{comparison}")


@cli.command()
def outline(
    files: Annotated[
        list[Path], typer.Argument(help="Report files or folders to parse.", show_default=False)
    ],
    as_json: JsonOption = False,
) -> None:
    """Show what the parser finds in each file, before anything is indexed: sections, pages, passages.

    Warns of what would make citations poor: no headings, headings without a label of their
    own (positional ids), sections with no passage.  No model is loaded.
    """
    from ingest.pipeline import read_document
    from ingest.sources import check_sources
    from service.outline_summary import DocumentSummary, outline_json, outline_text, summarise

    with user_errors():
        paths = check_sources(files)
    summaries: list[DocumentSummary] = []
    failed = 0
    for path in paths:
        try:
            with user_errors():
                source, doc, passages = read_document(path)
                summary = summarise(str(path), source.format, doc, passages)
        except typer.Exit:
            failed += 1  # the error, naming the file, is printed; go on with the others
            continue
        summaries.append(summary)
        if not as_json:
            typer.echo(("\n" if len(summaries) > 1 else "") + outline_text(summary))
    if as_json:
        typer.echo(json.dumps(outline_json(summaries), ensure_ascii=False, indent=2))
    if failed:
        raise typer.Exit(1)


def pages(first: int | None, last: int | None) -> str:
    """``p. 6``, ``pp. 6-7``, or ``""`` for a format without pages."""
    from index.citing import pages_text

    return pages_text(first, last, one="p.", many="pp.")


def render_passage(passage: PassageOut, *, width: int = TEXT_WIDTH) -> str:
    """A ranked passage for people: rank, score, section, title, pages, then the wrapped text."""
    citation = passage.citation
    where = ", ".join(part for part in (citation.document, pages(citation.page, citation.page_end)) if part)
    if citation.footnote is not None:
        where += f", footnote {citation.footnote}"
    header = f"{passage.rank}. [{passage.score:.3f}] {citation.section} {citation.title} ({where})"
    body = textwrap.fill(
        " ".join(passage.text.split()), width=width, initial_indent=INDENT, subsequent_indent=INDENT
    )
    return f"{header}\n{INDENT}id {passage.id}, chars {citation.start}-{citation.end}\n{body}"


def render_answer(response: AskResponse) -> str:
    """The verdict and answer sentence first, then every ranked passage."""
    if not response.passages:
        return "No passages found."
    if response.answerable and response.answer is not None:
        c = response.answer.citation
        quote = " ".join(response.answer.text.split())
        where = ", ".join(part for part in (f"{c.section} {c.title}", pages(c.page, c.page_end)) if part)
        lead = f"Answer: “{quote}”\n({where})"
    else:
        said = response.verdict or verdict()
        lead = f"{said} {response.reason or ''}".strip()
    lead += f"\nconfidence {response.confidence:.2f}"
    return "\n\n".join([lead, *(render_passage(passage) for passage in response.passages)])


def main() -> None:
    """Console-script entry point (``reportqa``)."""
    from ingest.progress import quiet_library_bars

    quiet_library_bars()  # no carriage-return bars in a redirected log
    try:
        cli()
    except KeyboardInterrupt:
        typer.echo("Error: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
