"""Event files as one Ibis table in canonical columns, on DuckDB (embedded, out of core) or on Spark."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from signalscore.events.files import ALIASES, Form, discover, form_of, unpack
from signalscore.events.layouts import Layout
from signalscore.events.query import canonical


@dataclass(frozen=True)
class Engine:
    """Where the aggregation runs."""

    name: str = "duckdb"  # duckdb | spark
    memory_limit: str | None = None  # DuckDB: spill to disk beyond this (e.g. 1GB)
    spark_master: str = "local[*]"
    threads: int | None = None


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _duckdb(engine: Engine, scratch: Path) -> Any:
    config: dict[str, Any] = {"temp_directory": str(scratch), "preserve_insertion_order": False}
    if engine.memory_limit:
        config["memory_limit"] = engine.memory_limit
    if engine.threads:
        config["threads"] = engine.threads
    return ibis.duckdb.connect(**config)


def _duckdb_read(con: Any, name: str, files: Sequence[Path], form: Form, layout: Layout) -> ir.Table:
    listed = "[" + ", ".join(_quoted(str(f)) for f in files) + "]"
    if form.kind == "parquet":
        source = f"read_parquet({listed}, union_by_name = true)"
    else:
        # Tab-separated exports quote nothing: a stray '"' in a name or URL is text, not the start of a field.
        quote = "quote = '', escape = ''" if form.delimiter == "\t" else "quote = '\"'"
        names = ", ".join(f"{_quoted(c)}: 'VARCHAR'" for c in layout.columns)
        shape = "header = true, union_by_name = true" if form.header else f"header = false, columns = {{{names}}}"
        source = f"read_csv({listed}, delim = {_quoted(form.delimiter)}, {quote}, all_varchar = true, {shape})"
    con.raw_sql(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {source}")
    return con.table(name)


def _spark(engine: Engine) -> Any:
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(engine.spark_master).appName("signalscore")
    for key, value in {"spark.ui.enabled": "false", "spark.sql.session.timeZone": "UTC"}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return ibis.pyspark.connect(session)


def _spark_read(con: Any, name: str, files: Sequence[Path], form: Form, layout: Layout) -> ir.Table:
    reader = con._session.read
    if form.kind == "parquet":
        frame = reader.parquet(*[str(f) for f in files])
    else:
        schema = None if form.header else ", ".join(f"`{c}` STRING" for c in layout.columns)
        quote = "" if form.delimiter == "\t" else '"'
        frame = reader.csv([str(f) for f in files], sep=form.delimiter, header=form.header, schema=schema, quote=quote)
    frame.createOrReplaceTempView(name)
    return con.table(name)


def _renamed(table: ir.Table, layout: Layout) -> ir.Table:
    aliases = {
        new: old
        for old, new in ALIASES.items()
        if new == layout.weight and old in table.columns and new not in table.columns
    }
    return table.rename(aliases) if aliases else table


@contextmanager
def events(paths: Sequence[Path], layout: Layout, engine: Engine) -> Iterator[ir.Table]:
    """The events under the paths, in canonical columns, on the engine (closed when the block ends)."""
    files = discover(paths)
    with tempfile.TemporaryDirectory(prefix="signalscore-events-") as scratch:
        groups: dict[Form, list[Path]] = {}
        for original, readable in unpack(files, Path(scratch)):
            groups.setdefault(form_of(readable, layout, str(original)), []).append(readable)
        con = _duckdb(engine, Path(scratch)) if engine.name == "duckdb" else _spark(engine)
        read = _duckdb_read if engine.name == "duckdb" else _spark_read
        try:
            parts = [
                canonical(_renamed(read(con, f"events_{i}", group, form, layout), layout), layout)
                for i, (form, group) in enumerate(groups.items())
            ]
            yield parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
        finally:
            con.disconnect()
