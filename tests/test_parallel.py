"""Parsing in a process pool: the same problems, in the same order, as parsing in one process."""

from __future__ import annotations

import shutil
import signal
import threading
from pathlib import Path
from typing import Any

import pytest

from signalscore import cache, parallel
from signalscore.case import Case
from tests.conftest import DEMO

BROKEN = {
    "syntax": "id: [unclosed\n",
    "unknown-key": "id: {i}\nrubric: demo\ntitle: T\nsender: A\nrecipient: B\ncolour: red\n",
    "bad-value": "id: {i}\nrubric: demo\ntitle: T\nsender: A\nrecipient: B\ncodings:\n  endorse: 7\n  nope: 1\n",
    "duplicate": "id: alpha-2010\nrubric: demo\ntitle: T\nsender: A\nrecipient: B\n",
    "empty": "# nothing\n",
    "not-utf8": b"id: \xff\n",
}


ALONE = ("syntax", "unknown-key", "empty", "not-utf8")  # problems a file has on its own


def many(root: Path, broken: bool) -> Path:
    """The demo workspace with 60 more cases; with broken, every third one has a problem of some kind."""
    shutil.copytree(DEMO, root)
    good = (DEMO / "cases" / "alpha-2014.yaml").read_text()
    kinds = list(BROKEN.items())
    for i in range(60):
        kind, text = kinds[i % len(kinds)] if broken and i % 3 == 0 else ("ok", "")
        name = root / "cases" / f"c{i:02d}-{kind}.yaml"
        if kind == "ok":
            name.write_text(good.replace("id: alpha-2014", f"id: c{i:02d}"))
        elif isinstance(text, bytes):
            name.write_bytes(text)
        else:
            name.write_text(text.format(i=f"c{i:02d}"))
    return root


@pytest.mark.parametrize(("broken", "command"), [(True, "validate"), (True, "score"), (False, "score")])
def test_a_pool_says_what_one_process_says(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch, broken: bool, command: str
) -> None:
    root = many(tmp_path / "ws", broken)
    runs = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("SIGNALSCORE_JOBS", jobs)
        run = cli(command, cwd=root)
        runs.append((run.code, run.out, run.err))
    assert runs[0] == runs[1]
    assert runs[0][0] == (1 if broken else 0)
    if broken:
        assert len(runs[0][2].splitlines()) > 20  # problems in many files, located, in one order


def test_how_many_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cpus", lambda: 4)
    monkeypatch.delenv("SIGNALSCORE_JOBS", raising=False)
    assert parallel.jobs(parallel.MIN_FILES - 1) == 1
    assert parallel.jobs(parallel.MIN_FILES) == 4
    monkeypatch.setattr(parallel, "cpus", lambda: 1)
    assert parallel.jobs(10**6) == 1
    monkeypatch.setenv("SIGNALSCORE_JOBS", "3")
    assert parallel.jobs(1) == 3
    monkeypatch.setenv("SIGNALSCORE_JOBS", "1")
    monkeypatch.setattr(parallel, "cpus", lambda: 8)
    assert parallel.jobs(10**6) == 1


def test_the_pool_returns_every_file_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = many(tmp_path / "ws", True)
    files = sorted((root / "cases").iterdir())
    serial = list(parallel.parse_files(files))
    pooled = list(parallel.parse_files(files, 2))
    said = list(parallel.parse_files(files, 2, said=True))
    assert len(pooled) == len(serial) == len(said) == len(files)
    head = [isinstance(got[0], bytes) for got in pooled].index(True)  # read here while the workers started
    clean = [not any(f"-{kind}" in f.name for kind in ALONE) for f in files]
    most = int(len(files) * parallel.HEAD_START)
    assert all(isinstance(got[0], bytes) for got, ok in zip(pooled[most:], clean[most:], strict=True) if ok)
    entries = 0
    for i, (path, (doc, problems), (got, more, *text), told) in enumerate(
        zip(files, serial, pooled, said, strict=True)
    ):
        if isinstance(got, bytes):  # a clean case file: validated in the worker, sent as its cache entry
            entries += 1
            assert not any(f"-{kind}" in path.name for kind in ALONE)
            stored = cache.decode(got.rstrip(b"\n").split(b"\t", cache.FIELDS)[1:], None, str(path))
            assert stored is not None and stored.doc.path == str(path) and stored.lints is not None
            assert stored.case == Case.model_validate(doc.data)
            assert isinstance(more, bool) and text == [None]  # its warnings as text only when asked
            assert told[2] == "".join(f"{p}\n" for p in stored.lints)  # (an entry keeps them in order)
        else:
            assert i < head or any(f"-{kind}" in path.name for kind in ALONE)
            assert (got.path, got.data, got.values, got.keys, more) == (
                str(path),
                doc.data,
                doc.values,
                doc.keys,
                problems,
            )
    assert entries == sum(clean[head:]) > 30
    assert sum(bool(told[2]) for told in said if isinstance(told[0], bytes)) > 30  # most have warnings


def test_this_process_reads_the_first_files_while_the_workers_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow start of the pool leaves this process reading, at most HEAD_START of the files, in order; a caller
    that stops early leaves no worker behind."""
    import multiprocessing

    root = many(tmp_path / "ws", True)
    files = sorted((root / "cases").iterdir())
    slow, started = threading.Event(), []
    real = parallel._start
    monkeypatch.setattr(parallel, "_start", lambda *args: (slow.wait(10), real(*args), started.append(args[2])))
    results = parallel.parse_files(files, 2)
    most = int(len(files) * parallel.HEAD_START)
    first = [next(results) for _ in range(most)]  # (one more would wait for the pool: set free below)
    assert [doc.path for doc, _ in first] == [str(f) for f in files[:most]]  # read here: documents, not entries
    slow.set()
    rest = list(results)
    assert len(first) + len(rest) == len(files)
    clean = [not any(f"-{kind}" in f.name for kind in ALONE) for f in files]
    assert [isinstance(got[0], bytes) for got in rest] == clean[most:]  # the rest from the workers
    stopped = parallel.parse_files(files, 2)
    next(stopped)
    stopped.close()  # as a loader that raises part way does
    assert len(started) == 2 and multiprocessing.active_children() == []  # (the pools kept here: not collected)


@pytest.mark.parametrize("strict", [False, True])
def test_validate_warns_alike_from_a_pool_one_process_and_the_cache(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch, strict: bool
) -> None:
    """The workers write each clean file's warnings out as validate prints them; the same text, in the same
    order, as one process or the cache gives, with the loader's own warnings (a value cut short, said by every
    command) merged in their places once, and file names escaped."""
    root = many(tmp_path / "ws", False)
    cut = root / "cases" / "c01-ok.yaml"
    cut.write_text(cut.read_text().replace("title: Alpha backs Beta, 2014", "title: Talks #2 in Beta"))
    (root / "cases" / "c02-ok.yaml").rename(root / "cases" / "c02\x1b[31m.yaml")
    monkeypatch.setattr(cache, "RACY_NS", 0)  # files written just now are kept, so the third run reads the cache
    runs = []
    for jobs, flags in (("1", ["--no-cache"]), ("2", ["--no-cache"]), ("2", []), ("2", [])):
        monkeypatch.setenv("SIGNALSCORE_JOBS", jobs)
        shutil.rmtree(root / cache.CACHE_DIR / "validate", ignore_errors=True)  # no verdict replayed
        run = cli("validate", *flags, *["--strict"] * strict, cwd=root)
        runs.append((run.code, run.out, run.err))
    assert runs[1:] == [runs[0]] * 3
    lines = runs[0][2].splitlines()
    if strict:
        assert runs[0][0] == 1 and not any(": warning: " in line for line in lines)
    else:
        assert runs[0][0] == 0 and lines[-2].startswith("ok: 1 rubric(s) and 63 case(s)")
        warnings = lines[:-2]
        assert lines[-1] == f"{len(warnings)} warning(s); --strict makes them errors" and len(warnings) > 60
        assert sum("(comment-after-value)" in line for line in warnings) == 1  # once, though two say it
        assert any(line.startswith("cases/c02\\x1b[31m.yaml:") for line in warnings)
        assert not any("\x1b" in line for line in lines)
        order = [(w.split(":")[0], int(w.split(":")[1]), int(w.split(":")[2])) for w in warnings]
        assert order == sorted(order)


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads a process's signal mask from /proc")
def test_workers_leave_ctrl_c_to_this_process(tmp_path: Path) -> None:
    """Ctrl-C reaches every process of the terminal's group: the workers ignore it, and this process stops them
    (before, each worker printed `Process ForkServerPoolWorker-N:` under the command's own last line)."""
    import multiprocessing

    files = sorted((many(tmp_path / "ws", True) / "cases").iterdir())
    results = parallel.parse_files(files, 2)
    while not isinstance(next(results)[0], bytes):  # the workers are reading
        pass
    workers = multiprocessing.active_children()
    assert len(workers) == 2
    for worker in workers:
        status = Path(f"/proc/{worker.pid}/status").read_text()
        ignored = int(next(line for line in status.splitlines() if line.startswith("SigIgn:")).split()[1], 16)
        assert ignored & (1 << (signal.SIGINT - 1))
    assert len(list(results)) > 0
    results.close()
    assert multiprocessing.active_children() == []
