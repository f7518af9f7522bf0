"""`signalscore events derive` and `events panel`: codings of a rubric from event data (DESIGN.md section 10)."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from signalscore.cli import FormatOpt, OutputOpt, PrecisionOpt, RubricsDir, app, emit, guard, output_format
from signalscore.errors import UsageError

events_app = typer.Typer(
    help="Code a rubric's features from event data (GDELT, ICEWS, POLECAT) with a mapping; derive cases and panels.",
    short_help="Code a rubric from event data (GDELT, ICEWS, POLECAT): a derived case, or a panel of dyads.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(events_app, name="events")


class EngineName(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


class Every(StrEnum):
    year = "year"
    month = "month"


class LayoutName(StrEnum):
    gdelt2 = "gdelt2"
    icews = "icews"
    polecat = "polecat"


EventsArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="EVENTS", help="Event files or folders: CSV, TSV or Parquet (.gz, .zip).", show_default=False
    ),
]
MappingOpt = Annotated[
    Path, typer.Option("--mapping", "-m", metavar="FILE", help="The mapping file.", show_default=False)
]
EngineOpt = Annotated[EngineName, typer.Option("--engine", metavar="ENGINE", help="duckdb (embedded) or spark.")]
MemoryOpt = Annotated[
    str | None,
    typer.Option(
        "--memory-limit", metavar="SIZE", help="DuckDB spills to disk beyond this, e.g. 1GB.", show_default=False
    ),
]
MasterOpt = Annotated[
    str,
    typer.Option(
        "--spark-master", metavar="URL", help="Spark master: local[*] or a cluster URL (spark://host:7077, yarn)."
    ),
]
LayoutOpt = Annotated[
    LayoutName | None,
    typer.Option(
        "--layout",
        metavar="LAYOUT",
        help="gdelt2, icews or polecat: read EVENTS in this layout (default: the mapping's format).",
        show_default=False,
    ),
]
PeriodOpt = Annotated[
    str | None,
    typer.Option("--period", metavar="START:END", help="START:END, ISO dates, both included.", show_default=False),
]


def _period(text: str | None) -> tuple[dt.date, dt.date] | None:
    if text is None:
        return None
    try:
        start, end = (dt.date.fromisoformat(part) for part in text.split(":"))
    except ValueError:
        raise UsageError(f"--period {text!r}: expected START:END as ISO dates, e.g. 2008-08-08:2009-08-07") from None
    if start > end:
        raise UsageError(f"--period {text!r}: start is after end")
    return start, end


def _dyads(text: str | None) -> list[tuple[str, str]] | None:
    if text is None:
        return None
    pairs = [tuple(part.strip().split(":")) for part in text.split(",") if part.strip()]
    if not pairs or any(len(p) != 2 or not all(p) for p in pairs):
        raise UsageError(f"--dyads {text!r}: expected SENDER:RECIPIENT pairs separated by commas, e.g. CHN:RUS,USA:UKR")
    return [(p[0], p[1]) for p in pairs]


def _engine(engine: EngineName, memory: str | None, master: str) -> Any:
    try:
        from signalscore.events.source import Engine
    except ImportError:  # installed without the engines
        raise UsageError("signalscore events needs DuckDB and Ibis: pip install 'signalscore[events]'") from None

    if memory is not None and not re.fullmatch(r"\d+(\.\d+)?\s*([KMGT]i?B|B)", memory, re.IGNORECASE):
        raise UsageError(f"--memory-limit {memory!r}: expected an amount such as 512MB, 1GB or 2GiB")
    if engine is EngineName.spark:
        try:
            import pyspark  # noqa: F401
        except ImportError:
            raise UsageError("--engine spark needs pyspark (pip install 'signalscore[events]')") from None
    return Engine(engine.value, memory, master)


@events_app.command()
def derive(
    events: EventsArg,
    mapping: MappingOpt,
    sender: Annotated[
        str | None, typer.Option("--sender", metavar="ACTOR", help="Default: the mapping's actors.sender.")
    ] = None,
    recipient: Annotated[
        str | None, typer.Option("--recipient", metavar="ACTOR", help="Default: the mapping's actors.recipient.")
    ] = None,
    period: PeriodOpt = None,
    output: OutputOpt = None,
    case_id: Annotated[
        str | None, typer.Option("--id", metavar="ID", help="The case id (default from dyad and period).")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="The case title.")] = None,
    sample: Annotated[
        int, typer.Option("--evidence", metavar="N", min=0, max=100, help="Events cited per feature.")
    ] = 5,
    rubrics_dir: RubricsDir = Path("rubrics"),
    layout: LayoutOpt = None,
    engine: EngineOpt = EngineName.duckdb,
    memory_limit: MemoryOpt = None,
    spark_master: MasterOpt = "local[*]",
) -> None:
    """Derive a case for one dyad and period from event files: coder events:<mapping id>, confidence low."""

    def body() -> None:
        window = _period(period)
        if window is None:
            raise UsageError("--period START:END is required")
        chosen = _engine(engine, memory_limit, spark_master)
        from signalscore.events.jobs import derive_text

        who = {"sender": sender, "recipient": recipient, "case_id": case_id, "title": title}
        text = derive_text(events, mapping, rubrics_dir, layout, chosen, window, sample=sample, **who)
        emit(text, output, [*events, mapping])

    guard(body)


@events_app.command()
def panel(
    events: EventsArg,
    mapping: MappingOpt,
    dyads: Annotated[
        str | None, typer.Option("--dyads", metavar="S:R,...", help="SENDER:RECIPIENT,... (default: every dyad).")
    ] = None,
    every: Annotated[Every, typer.Option("--every", metavar="WINDOW", help="The window: year or month.")] = Every.year,
    period: PeriodOpt = None,
    rubrics_dir: RubricsDir = Path("rubrics"),
    layout: LayoutOpt = None,
    engine: EngineOpt = EngineName.duckdb,
    memory_limit: MemoryOpt = None,
    spark_master: MasterOpt = "local[*]",
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    precision: PrecisionOpt = 1,
) -> None:
    """Code and score every dyad and window at once: one row per dyad and window."""

    def body() -> None:
        form = output_format(fmt, output)
        chosen = _engine(engine, memory_limit, spark_master)
        from signalscore.events.jobs import panel_text

        text = panel_text(
            events,
            mapping,
            rubrics_dir,
            layout,
            chosen,
            _period(period),
            _dyads(dyads),
            every.value,
            form,
            precision,
        )
        emit(text, output, [*events, mapping])

    guard(body)
