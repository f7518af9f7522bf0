"""Parsing many files on every core: a process pool over chunks, results in the order of the files.

Each worker reads a chunk of files. A case file without any problem of its own is validated and linted
in the worker, which sends back its cache entry (signalscore.cache: the case's header and cells, its
JSON and its lint warnings; much smaller than a document), and for `validate` those warnings written out
as it prints them, so that the main process need not read them back; any other file comes back as its document
and problems, and the loader checks it in order as if it had parsed it itself, so the problems and their
order do not depend on how the files were read. While the workers start (each imports the loader, which takes a
few tenths of a second), this process reads the first files itself, at most HEAD_START of them.
SIGNALSCORE_JOBS=1 parses in this process; SIGNALSCORE_JOBS=N
(N >= 2) uses N processes whatever the number of files; unset, a pool is used for MIN_FILES files or
more when at least two CPUs are available to this process. The command line loads in parallel; the
Python API (`load(..., parallel=True)`) only when asked.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from signalscore.document import Document, parse_file
from signalscore.errors import Problem

ENV_JOBS = "SIGNALSCORE_JOBS"
MIN_FILES = 1000  # below this, starting the workers costs more than it saves
CHUNKS_PER_JOB = 8  # small enough chunks that a slow one does not leave the other cores idle
HEAD_START = 0.25  # the most of the files this process reads itself while the workers start

Parsed = tuple[Document, list[Problem]]
Entry = bytes  # a clean case file's cache entry (signalscore.cache.encode), made by a worker
# A clean case file as a worker sends it: its entry, whether the cache may keep it, and its warnings as
# `validate` prints them (when asked for: see parse_files).
Clean = tuple[Entry, bool, str | None]


def cpus() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - platforms without affinity


def jobs(n_files: int) -> int:
    """How many processes to parse n files with (1: in this process)."""
    forced = os.environ.get(ENV_JOBS, "").strip()
    if forced.isdigit() and int(forced) >= 1:
        return int(forced)
    return min(cpus(), 8) if n_files >= MIN_FILES and cpus() >= 2 else 1


def _read_chunk(paths: list[str], said: bool = False) -> list[Parsed | Clean]:
    from signalscore.loader import inspect_file

    gc.disable()  # as in the loader: parsing makes many objects and no garbage cycles
    return [inspect_file(path, said) for path in paths]


def parse_files(paths: Sequence[Path], n_jobs: int = 1, said: bool = False) -> Iterator[Parsed | Clean]:
    """Every file read, in order; in a pool of n_jobs processes if more than one, where a clean case file
    comes back as its entry, whether the cache may keep it and, if `said`, its warnings as text
    (signalscore.loader.inspect_file). Results come as the chunks are done (the caller checks the first
    files while the workers read the last). The first files (at most HEAD_START of them) are read in this
    process, as with one process, while the pool starts.

    The workers import the main module again, as `multiprocessing` does with forkserver and spawn:
    a script that loads in parallel must guard its body with `if __name__ == "__main__":`.
    """
    if n_jobs < 2 or not paths:
        yield from (parse_file(path) for path in paths)
        return
    import functools
    import multiprocessing  # only here: most commands on most workspaces never start a pool

    # forkserver (spawn where there is none): workers never inherit this process's threads or locks.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["signalscore.loader"])
    pools: list[Any] = []
    stop = threading.Event()  # set when this reading ends: a pool started after that stops itself
    starting = threading.Thread(
        target=_start, args=(context, n_jobs, pools, stop), name="signalscore-pool", daemon=True
    )
    starting.start()
    try:
        done, most = 0, int(len(paths) * HEAD_START)
        while starting.is_alive() and done < most:  # this process reads while the workers start
            yield parse_file(paths[done])
            done += 1
        starting.join()
        pool = pools[0]
        if isinstance(pool, BaseException):
            raise pool
        rest = paths[done:]
        size = max(1, -(-len(rest) // (n_jobs * CHUNKS_PER_JOB)))
        chunks = [[str(p) for p in rest[i : i + size]] for i in range(0, len(rest), size)]
        for chunk in pool.imap(functools.partial(_read_chunk, said=said), chunks):
            yield from chunk
    finally:
        stop.set()
        starting.join()  # (a caller that stops early, or Ctrl-C: the workers are stopped, never left behind)
        for pool in pools:
            if not isinstance(pool, BaseException):
                pool.terminate()


def _ignore_interrupts() -> None:
    """A worker leaves Ctrl-C to the main process, which stops the pool (else each worker says it was stopped)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start(context: Any, n_jobs: int, pools: list[Any], stop: threading.Event) -> None:
    """Start a pool of n_jobs workers into pools, or put there why it could not start; stop it at once if the
    reading has ended meanwhile (a second Ctrl-C can cut short the reader's wait for this thread)."""
    try:
        pool = context.Pool(n_jobs, initializer=_ignore_interrupts)
    except BaseException as exc:  # (raised where the pool is wanted, in the reading thread)
        pools.append(exc)
        return
    pools.append(pool)
    if stop.is_set():
        pool.terminate()
