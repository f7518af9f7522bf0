"""`signalscore events panel` on synthetic GDELT events: against hand-written DuckDB SQL and a pandas groupby.

N synthetic events in the GDELT 2.0 layout (all 61 columns; the ones the aggregation reads filled, the
rest null) are written as Parquet. Then, on the same file, every dyad and year is aggregated by:
  * `signalscore events panel` as a user runs it (its own process: load, aggregate, code, score, write);
  * the same Ibis aggregation in-process (the engine's share of that);
  * a hand-written DuckDB SQL query of the same aggregation (target: the panel within 1.5x of it);
  * a pandas groupby of the same aggregation (the ratio is reported).
And the peak memory (max RSS) of `events panel --memory-limit 1GB` on that table, with its in-memory
(Arrow) size. Run by hand, not in CI; the machine is shared, so 1M events while developing:

python benchmarks/bench_events.py --events 1m
python benchmarks/bench_events.py                 # 10 million events
python benchmarks/bench_events.py --events 100k --write gdelt.parquet   # only the synthetic file
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from bench import sizes, workdir

from signalscore.events.layouts import GDELT2_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "mappings" / "cameo-support.yaml"
COUNTRIES = [f"C{i:02d}" for i in range(28)] + ["CHN", "RUS"]
# Codes the mapping counts, and others it does not; about 40% of events hit some rule.
CODES = ["042", "043", "044", "051", "052", "057", "061", "071", "062", "072", "074", "111", "112", "1121", "120"]
CODES += ["163", "010", "020", "036", "040", "046", "090", "100", "130", "190", "193"] * 2
TYPES = ["GOV", "GOV", "MED", "BUS", ""]
CHUNK = 1_000_000
GNU_TIME = "/usr/bin/time"  # Debian package `time`


def _chunk(rng: np.random.Generator, start: int, n: int) -> pa.Table:
    days = rng.integers(0, 3652, n)  # 2010-01-01 .. 2019-12-31
    dates = (np.datetime64("2010-01-01") + days.astype("timedelta64[D]")).astype("datetime64[D]").astype(str)
    sqldate = np.char.replace(dates, "-", "").astype(np.int64)
    ids = np.arange(start, start + n, dtype=np.int64)
    filled: dict[str, Any] = {
        "GLOBALEVENTID": ids,
        "SQLDATE": sqldate,
        "Year": sqldate // 10000,
        "Actor1CountryCode": np.array(COUNTRIES)[rng.integers(0, len(COUNTRIES), n)],
        "Actor2CountryCode": np.array(COUNTRIES)[rng.integers(0, len(COUNTRIES), n)],
        "Actor1Type1Code": np.array(TYPES)[rng.integers(0, len(TYPES), n)],
        "EventCode": np.array(CODES)[rng.integers(0, len(CODES), n)],
        "GoldsteinScale": np.round(rng.uniform(-10, 10, n), 1),
        "SOURCEURL": np.char.add("https://news.example/story/", ids.astype(str)),
    }
    columns = {c: pa.array(filled[c]) if c in filled else pa.nulls(n, pa.string()) for c in GDELT2_COLUMNS}
    return pa.table(columns)


def write_events(path: Path, n: int, seed: int = 1) -> None:
    """N events as Parquet, written a chunk at a time (bounded memory)."""
    rng = np.random.default_rng(seed)
    writer = None
    for start in range(0, n, CHUNK):
        table = _chunk(rng, start, min(CHUNK, n - start))
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()


HITS = {
    "leader_meetings": "EventCode IN ('042', '043', '044') AND Actor1Type1Code = 'GOV'",
    "explicit_endorsement": "EventCode IN ('051', '052')",
    "formal_commitment": "EventCode = '057'",
    "economic_support": "EventCode IN ('061', '071')",
    "military_cooperation": "EventCode IN ('062', '072', '074')",
    "distancing": "(EventCode LIKE '11%' OR EventCode LIKE '12%')",
    "sanction_compliance": "EventCode = '163'",
}
WHERE = "Actor1CountryCode <> '' AND Actor2CountryCode <> '' AND Actor1CountryCode <> Actor2CountryCode"


def hand_sql(path: Path) -> str:
    """The aggregation the mapping asks for, written by hand the plain way: a DISTINCT count per feature."""
    hits = HITS
    parts = [
        f"count(*) FILTER (WHERE {h}) AS n_{f}, count(DISTINCT SQLDATE) FILTER (WHERE {h}) AS v_{f}"
        for f, h in hits.items()
    ]
    return (
        f"SELECT Actor1CountryCode, Actor2CountryCode, SQLDATE // 10000 AS year, {', '.join(parts)} "
        f"FROM read_parquet('{path}') WHERE {WHERE} GROUP BY ALL"
    )


def hand_sql_daily(path: Path) -> str:
    """The same aggregation by hand, the fast way: per dyad and day first, then per year (no DISTINCT)."""
    daily = ", ".join(f"count(*) FILTER (WHERE {h}) AS n_{f}" for f, h in HITS.items())
    yearly = ", ".join(f"sum(n_{f}) AS n_{f}, count(*) FILTER (WHERE n_{f} > 0) AS v_{f}" for f in HITS)
    return (
        f"WITH days AS (SELECT Actor1CountryCode AS s, Actor2CountryCode AS r, SQLDATE, {daily} "
        f"FROM read_parquet('{path}') WHERE {WHERE} GROUP BY ALL) "
        f"SELECT s, r, SQLDATE // 10000 AS year, {yearly} FROM days GROUP BY ALL"
    )


def with_pandas(path: Path) -> Any:
    """The same aggregation as a pandas groupby."""
    import pandas as pd

    columns = ["SQLDATE", "Actor1CountryCode", "Actor2CountryCode", "Actor1Type1Code", "EventCode"]
    df = pd.read_parquet(path, columns=columns)
    df = df[(df.Actor1CountryCode != df.Actor2CountryCode)]
    df = df.assign(year=df.SQLDATE // 10000)
    code = df.EventCode
    hits = {
        "leader_meetings": code.isin(["042", "043", "044"]) & (df.Actor1Type1Code == "GOV"),
        "explicit_endorsement": code.isin(["051", "052"]),
        "formal_commitment": code == "057",
        "economic_support": code.isin(["061", "071"]),
        "military_cooperation": code.isin(["062", "072", "074"]),
        "distancing": code.str.startswith("11") | code.str.startswith("12"),
        "sanction_compliance": code == "163",
    }
    keys = ["Actor1CountryCode", "Actor2CountryCode", "year"]
    frames = [df.groupby(keys).size().rename("events")]
    for fid, hit in hits.items():
        group = df[hit].groupby(keys)
        frames += [group.size().rename(f"n_{fid}"), group.SQLDATE.nunique().rename(f"v_{fid}")]
    return pd.concat(frames, axis=1).fillna(0)


def timed(action: Callable[[], Any], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def run_panel(path: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of `signalscore events panel` in its own process.

    The peak is GNU time's (%M): a forked child's own ru_maxrss starts at its parent's size, which
    after the in-process runs here is far more than the command ever uses.
    """
    command = [sys.executable, "-m", "signalscore", "events", "panel", str(path), "-m", str(MAPPING)]
    command += ["--rubrics-dir", str(ROOT / "rubrics"), "-f", "csv", "-o", str(out), *extra]
    start = time.perf_counter()
    done = subprocess.run([GNU_TIME, "-f", "%M", *command], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", default="10m", help="number of synthetic events (1m, 10m, ...)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep the Parquet file here (reused when present)")
    parser.add_argument("--write", type=Path, help="only write the synthetic events to this Parquet file")
    args = parser.parse_args()
    n = sizes(args.events.replace("m", "000k"))[0]
    if args.write:
        write_events(args.write, n)
        return
    import duckdb

    from signalscore.events.jobs import load_mapping
    from signalscore.events.layouts import LAYOUTS
    from signalscore.events.query import Scope, aggregate
    from signalscore.events.run import execute
    from signalscore.events.source import Engine, events

    with workdir(args.workdir) as folder:
        path = folder / f"gdelt-{n}.parquet"
        start = time.perf_counter()
        if not path.exists():
            write_events(path, n)
        meta = pq.read_metadata(path)
        decoded = sum(pq.ParquetFile(path).read_row_group(i).nbytes for i in range(meta.num_row_groups))
        print(
            f"{n:,} events in {path.name}: {path.stat().st_size / 2**20:.0f} MiB Parquet, {decoded / 2**30:.2f} GiB "
            f"as a table in memory (Arrow), ready in {time.perf_counter() - start:.1f}s"
        )
        sql = hand_sql(path)
        t_plain = timed(lambda: duckdb.connect().execute(sql).fetchall(), args.repeats)
        daily_sql = hand_sql_daily(path)
        t_sql = timed(lambda: duckdb.connect().execute(daily_sql).fetchall(), args.repeats)
        mapping, _ = load_mapping(MAPPING, ROOT / "rubrics")
        layout = LAYOUTS["gdelt2"]

        def ibis_only() -> Any:
            with events([path], layout, Engine()) as table:
                return execute(aggregate(table, mapping, layout, Scope(every="year")), [path])

        t_ibis = timed(ibis_only, args.repeats)
        t_panel, rss = run_panel(path, folder / "panel.csv")
        t_limited, rss_limited = run_panel(path, folder / "panel-1gb.csv", "--memory-limit", "1GB")
        t_pandas = timed(lambda: with_pandas(path), 1)
        rows = sum(1 for _ in (folder / "panel.csv").open()) - 1
        print(f"hand-written DuckDB SQL, per day  {t_sql:7.2f}s   (the reference below)")
        print(f"hand-written SQL, DISTINCT counts {t_plain:7.2f}s   {t_plain / t_sql:.2f}x")
        print(f"Ibis aggregation (in-process)     {t_ibis:7.2f}s   {t_ibis / t_sql:.2f}x the SQL")
        print(
            f"events panel (command, {rows:,} rows) {t_panel:7.2f}s   {t_panel / t_sql:.2f}x the SQL   peak RSS {rss:,.0f} MiB"
        )
        print(
            f"events panel --memory-limit 1GB   {t_limited:7.2f}s   {t_limited / t_sql:.2f}x the SQL   peak RSS {rss_limited:,.0f} MiB"
        )
        print(
            f"pandas groupby                    {t_pandas:7.2f}s   {t_pandas / t_sql:.2f}x the SQL; the panel is {t_pandas / t_panel:.2f}x faster"
        )


if __name__ == "__main__":
    main()
