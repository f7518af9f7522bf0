"""The workspace cache: never stale, the same results as without it, and safe in a hostile repository."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalscore import cache, loader
from signalscore.cache import CACHE_DIR
from signalscore.errors import InputError
from signalscore.lint import lint
from signalscore.loader import Corpus, load
from tests.conftest import DEMO, Run

Parses = list[str]


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo workspace as the current folder, the cache on, and files cacheable at once."""
    shutil.copytree(DEMO, tmp_path / "ws")
    monkeypatch.chdir(tmp_path / "ws")
    monkeypatch.delenv("SIGNALSCORE_NO_CACHE")
    monkeypatch.setattr(cache, "RACY_NS", 0)  # the tests change sizes or set times themselves
    return tmp_path / "ws"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[Parses]:
    """The files each run parses (the real parser, watched): what the cache did not answer."""
    seen: Parses = []
    real = loader.parse_files

    def watched(paths: Any, n_jobs: int = 1, said: bool = False) -> Any:
        seen.extend(str(p) for p in paths)
        return real(paths, n_jobs, said)

    monkeypatch.setattr(loader, "parse_files", watched)
    yield seen


def entries(root: Path) -> list[str]:
    """The file names the cache holds an entry for (one entries file holds them all)."""
    body = (root / CACHE_DIR / cache.ENTRIES).read_bytes().split(b"\n", 1)[1]
    return sorted(json.loads(line.split(b"\t")[0]) for line in body.splitlines())


def same_run(cli: Callable[..., Run], *args: str) -> Run:
    """Run a command with the cache, check it says exactly what it says without, return the cached run."""
    cached = cli(*args, cwd=Path.cwd())
    bare = cli(*args, "--no-cache", cwd=Path.cwd())
    assert (cached.code, cached.out, cached.err) == (bare.code, bare.out, bare.err)
    return cached


def test_a_second_run_reads_every_case_from_the_cache(workspace: Path, cli: Any, parses: Parses) -> None:
    first = same_run(cli, "validate")
    assert entries(workspace) == ["cases/alpha-2010.yaml", "cases/alpha-2014.yaml", "cases/alpha-2020.yaml"]
    assert sorted(os.listdir(workspace / CACHE_DIR)) == [".gitignore", "CACHEDIR.TAG", "cases", "entries"]
    parses.clear()
    second = cli("validate", cwd=workspace)
    assert (second.code, second.out, second.err) == (first.code, first.out, first.err)
    assert "warning" in second.err  # lint warnings come back from the cache, located
    assert parses == ["rubrics/demo.yaml"]  # rubrics are always read; the cases came from the cache


def test_a_value_cut_short_is_said_by_a_command_that_reads_its_case_from_the_cache(
    workspace: Path, cli: Any, parses: Parses
) -> None:
    case = workspace / "cases" / "alpha-2010.yaml"
    case.write_text(case.read_text().replace("title: Alpha", "title: Talks #2 of Alpha", 1))
    first = same_run(cli, "score")
    assert "(comment-after-value)" in first.err
    parses.clear()
    second = cli("score", cwd=workspace)
    assert parses == ["rubrics/demo.yaml"]  # the cases came from the cache, which keeps the warning
    assert (second.code, second.out, second.err) == (first.code, first.out, first.err)


def test_the_cache_folder_ignores_itself(workspace: Path, cli: Any) -> None:
    cli("score", cwd=workspace)
    assert (workspace / CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (
        (workspace / CACHE_DIR / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )


def test_an_edited_case_is_read_again(workspace: Path, cli: Any) -> None:
    before = same_run(cli, "score")
    path = workspace / "cases" / "alpha-2010.yaml"
    path.write_text(path.read_text().replace("  meetings: 3\n", "  meetings: 0\n  # fewer meetings\n"))
    after = same_run(cli, "score")
    assert after.out != before.out


def test_a_touched_case_is_read_again(workspace: Path, cli: Any, parses: Parses) -> None:
    same_run(cli, "score")
    path = workspace / "cases" / "alpha-2014.yaml"
    os.utime(path, ns=(1_600_000_000_123_456_789, 1_600_000_000_123_456_789))
    parses.clear()
    cli("score", cwd=workspace)
    assert parses == ["cases/alpha-2014.yaml", "rubrics/demo.yaml"]


def test_a_renamed_case_is_reported_under_its_new_name(workspace: Path, cli: Any) -> None:
    same_run(cli, "validate")
    (workspace / "cases" / "alpha-2014.yaml").rename(workspace / "cases" / "beta-2014.yaml")
    run = same_run(cli, "validate")
    assert "cases/beta-2014.yaml" in run.err and "cases/alpha-2014.yaml" not in run.err


def test_a_deleted_case_is_gone(workspace: Path, cli: Any) -> None:
    same_run(cli, "score")
    (workspace / "cases" / "alpha-2014.yaml").unlink()
    run = same_run(cli, "score")
    assert "alpha-2014" not in run.out and "alpha-2010" in run.out


def test_a_changed_rubric_checks_cached_cases_again_at_their_lines(workspace: Path, cli: Any) -> None:
    same_run(cli, "score")
    rubric = workspace / "rubrics" / "demo.yaml"
    rubric.write_text(rubric.read_text().replace("  - id: meetings\n", "  - id: meeting\n"))
    run = same_run(cli, "score")  # the same lines and columns as a run that parses every file
    assert run.code == 1
    assert "cases/alpha-2010.yaml:21:3: codings.meetings: rubric 'demo' has no feature 'meetings'" in run.err


def test_a_duplicate_id_in_a_cached_case_is_located(workspace: Path, cli: Any) -> None:
    same_run(cli, "score")
    shutil.copy(workspace / "cases" / "alpha-2014.yaml", workspace / "cases" / "aa-first.yaml")
    run = same_run(cli, "score")
    assert "cases/alpha-2014.yaml:1:5: id: duplicate case id 'alpha-2014' (first in cases/aa-first.yaml)" in run.err


def test_a_file_changed_just_now_is_not_stored(workspace: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Within the timestamp granularity an edit of the same size could keep every time: such files wait."""
    monkeypatch.setattr(cache, "RACY_NS", 10**18)
    first = same_run(cli, "score")
    assert not (workspace / CACHE_DIR).exists()
    path = workspace / "cases" / "alpha-2010.yaml"
    stat = path.stat()
    path.write_text(path.read_text().replace("meetings: 3", "meetings: 0"))  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert same_run(cli, "score").out != first.out


@pytest.mark.parametrize("off", [("--no-cache",), ()])
def test_no_cache_writes_nothing(workspace: Path, cli: Any, monkeypatch: pytest.MonkeyPatch, off: tuple[str]) -> None:
    if not off:
        monkeypatch.setenv("SIGNALSCORE_NO_CACHE", "1")
    for command in ("score", "validate", "compare", "explain", "sensitivity"):
        args = ("explain", "alpha-2010") if command == "explain" else (command,)
        assert cli(*args, *off, cwd=workspace).code == 0, command
    assert not (workspace / CACHE_DIR).exists()


def test_a_cache_folder_that_is_a_link_is_not_used(workspace: Path, tmp_path: Path, cli: Any) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (workspace / CACHE_DIR).symlink_to(elsewhere)
    same_run(cli, "score")
    assert list(elsewhere.iterdir()) == []


def test_an_entry_that_is_a_link_is_replaced_not_written_through(workspace: Path, tmp_path: Path, cli: Any) -> None:
    same_run(cli, "score")
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (workspace / CACHE_DIR / cache.ENTRIES).unlink()
    (workspace / CACHE_DIR / cache.ENTRIES).symlink_to(victim)
    for path in (workspace / "cases").iterdir():  # new times: every entry is written again
        path.write_text(path.read_text() + "\n")
    same_run(cli, "score")
    assert victim.read_text() == "precious\n"
    assert not (workspace / CACHE_DIR / cache.ENTRIES).is_symlink()
    assert len(entries(workspace)) == 3


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a folder away")
def test_a_cache_folder_of_another_user_is_not_used(workspace: Path, cli: Any, parses: Parses) -> None:
    same_run(cli, "score")
    os.chown(workspace / CACHE_DIR, 12345, 12345)
    parses.clear()
    cli("score", cwd=workspace)
    assert len(parses) == 4  # the rubric and the three cases, all parsed


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"",
        lambda raw: raw[: len(raw) // 2],
        lambda raw: b"\x80\x81 not json\n\n",
        lambda raw: raw.replace(b"\t[", b"\t[[1,2,3,4],", 1),
        lambda raw: raw.replace(b'"tag": "', b'"tag": "0', 1),  # another build of signalscore
        lambda raw: raw + b"[]\n",
        lambda raw: raw.split(b"\n", 1)[0] + b"\n",  # the header of another file's entries
    ],
)
def test_a_damaged_or_foreign_entry_is_a_miss(
    workspace: Path, cli: Any, parses: Parses, damage: Callable[[bytes], bytes]
) -> None:
    first = same_run(cli, "validate")
    path = workspace / CACHE_DIR / cache.ENTRIES
    path.write_bytes(damage(path.read_bytes()))
    parses.clear()
    again = cli("validate", cwd=workspace)
    assert (again.code, again.out, again.err) == (first.code, first.out, first.err)
    assert len(parses) == 4


# ---- a cached run is an uncached run ---------------------------------------------------------------------------

FEATURES = {"endorse": [0, 1, 2, 3, 4], "meetings": [0, 3, -1], "aid": [True, False, 1], "trade_growth": [1.5, 1e400]}
dates = st.one_of(st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)), st.datetimes(dt.datetime(1990, 1, 1)))
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)


@st.composite
def coding(draw: st.DrawFn, fid: str) -> Any:
    value = draw(st.sampled_from([*FEATURES[fid], "n/a", "unknown"]))
    if draw(st.booleans()):
        return value  # a bare value: its confidence is unset, which lint tells apart from medium
    extra = draw(st.fixed_dictionaries({}, optional={"confidence": st.sampled_from(["high", "low", "medium"])}))
    evidence = draw(st.lists(st.fixed_dictionaries({"source": st.just("s1"), "quote": texts}), max_size=2))
    return {"value": value, **extra, **({"evidence": evidence} if evidence else {})}


@st.composite
def case_data(draw: st.DrawFn, i: int) -> dict[str, Any]:
    data: dict[str, Any] = {"id": f"c-{i}", "rubric": "demo", "title": draw(texts), "sender": "A", "recipient": "B"}
    start = draw(dates)
    data |= draw(st.fixed_dictionaries({}, optional={"summary": st.none() | texts, "coder": texts}))
    if draw(st.booleans()):
        data["period"] = {"start": start, "end": start + dt.timedelta(days=draw(st.integers(0, 400)))}
    data["sources"] = [{"id": "s1", "title": "S", "date": draw(st.none() | dates)}]
    data["codings"] = {fid: draw(coding(fid)) for fid in draw(st.sets(st.sampled_from(sorted(FEATURES))))}
    return data


def loaded(use_cache: bool) -> tuple[Any, ...]:
    """Everything a command reads from a load, or its located problems."""
    try:
        corpus: Corpus = load([Path("cases")], cache=use_cache, lint=True)
    except InputError as exc:
        return ("error", [str(p) for p in exc.problems])
    dumps = [c.model_dump(exclude_unset=True) for c in corpus.cases]
    return corpus.cases, dumps, corpus.rubric_of, corpus.files, corpus.warnings, lint(corpus)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=4, unique=True).flatmap(
        lambda ids: st.tuples(*(case_data(i) for i in ids))
    )
)
def test_a_cached_load_is_an_uncached_load(workspace: Path, cases: tuple[dict[str, Any], ...]) -> None:
    shutil.rmtree(workspace / CACHE_DIR, ignore_errors=True)
    shutil.rmtree(workspace / "cases")
    (workspace / "cases").mkdir()
    for data in cases:
        (workspace / "cases" / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    bare = loaded(False)
    assert loaded(True) == bare  # the run that fills the cache
    assert loaded(True) == bare  # the run that reads it


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.unlink(),
        lambda path: path.write_bytes(path.read_bytes() + b"{}"),  # not the size the entries file says
        lambda path: path.write_bytes(path.read_bytes()[:-1]),
        lambda path: (path.unlink(), path.symlink_to(path.with_name("entries"))),
    ],
)
def test_a_cases_file_not_as_the_entries_say_makes_every_entry_a_miss(
    workspace: Path, cli: Any, parses: Parses, damage: Callable[[Path], object]
) -> None:
    first = same_run(cli, "explain", "alpha-2010")
    damage(workspace / CACHE_DIR / cache.WHOLES)
    parses.clear()
    again = cli("explain", "alpha-2010", cwd=workspace)
    assert (again.code, again.out, again.err) == (first.code, first.out, first.err)
    assert len(parses) == 4
    assert not (workspace / CACHE_DIR / cache.WHOLES).is_symlink()  # written anew


def test_a_whole_case_changed_in_place_is_a_clear_error_when_first_read(workspace: Path, cli: Any) -> None:
    first = same_run(cli, "score")
    path = workspace / CACHE_DIR / cache.WHOLES
    path.write_bytes(path.read_bytes().replace(b'"title":"', b'"titlf":"'))  # the same size; not the digest
    assert cli("score", cwd=workspace).out == first.out  # scoring never reads the whole case
    explained = cli("explain", "alpha-2010", cwd=workspace)
    assert explained.code == 2
    assert "an entry for case 'alpha-2010' is damaged; delete it" in explained.err
    assert "Traceback" not in explained.err


def forge_whole(workspace: Path, old: bytes, new: bytes) -> None:
    """Edit the whole cases in the cases file and give every entry, and the file, digests that match."""
    folder = workspace / CACHE_DIR
    header, body = (folder / cache.ENTRIES).read_bytes().split(b"\n", 1)
    wholes = (folder / cache.WHOLES).read_bytes()
    made = {}
    for line in body.splitlines():
        first, span = line.rsplit(b"\t", 1)
        offset, length, _ = span.split(b",")
        made[line] = first + b"\t" + wholes[int(offset) : int(offset) + int(length)].replace(old, new) + b"\n"
    body, wholes = cache._split(made)
    head = json.loads(header) | {"digest": hashlib.blake2b(body, digest_size=16).hexdigest(), "cases": len(wholes)}
    (folder / cache.ENTRIES).write_bytes(json.dumps(head).encode() + b"\n" + body)
    (folder / cache.WHOLES).write_bytes(wholes)


def forge(workspace: Path, old: bytes, new: bytes) -> None:
    """Edit the entries file and give it a digest that matches (as a hostile repository could commit)."""
    path = workspace / CACHE_DIR / cache.ENTRIES
    header, body = path.read_bytes().split(b"\n", 1)
    assert old in body
    body = body.replace(old, new)
    head = json.loads(header) | {"digest": hashlib.blake2b(body, digest_size=16).hexdigest()}
    path.write_bytes(json.dumps(head).encode() + b"\n" + body)


@pytest.mark.parametrize(
    ("old", "new", "parsed"),
    [
        # The header and cells a command scores from are checked as they are read: a wrong type is a miss.
        (b'["alpha-2010", "demo", "', b'["alpha-2010", "demo", 7, "', 2),
        # The names are read in one call: a name forged to read as two must not shift them (none is used).
        (b'"cases/alpha-2010.yaml"\t', b'"cases/alpha-2014.yaml", "cases/alpha-2010.yaml"\t', 4),
        # So are the heads: one that is not JSON, or reads as two, is a miss; the others are read alone.
        (b'["alpha-2010", "demo", "', b'["alpha-2010", "demo", {"', 2),
        (b'["alpha-2010", "demo", "', b'[1], ["alpha-2010", "demo", "', 2),
    ],
)
def test_an_entry_forged_under_a_right_digest_is_a_miss(
    workspace: Path, cli: Any, parses: Parses, old: bytes, new: bytes, parsed: int
) -> None:
    first = same_run(cli, "score")
    forge(workspace, old, new)
    parses.clear()
    again = cli("score", cwd=workspace)
    assert (again.code, again.out, again.err) == (first.code, first.out, first.err)
    assert len(parses) == parsed and "rubrics/demo.yaml" in parses


def test_a_forged_whole_case_is_a_clear_error_when_first_read(workspace: Path, cli: Any) -> None:
    # An entry is used only while the file's device, inode and change time are those it was made from,
    # which a checked-out repository cannot arrange; should an entry be forged all the same, the case's
    # fields that scoring does not read fail when first read, with a message and no traceback.
    same_run(cli, "score")
    forge_whole(workspace, b'"title":"', b'"title":7,"x":"')
    explained = cli("explain", "alpha-2010", cwd=workspace)
    assert explained.code == 2
    assert "an entry for case 'alpha-2010' is damaged" in explained.err
    assert "Traceback" not in explained.err


def test_a_run_that_reads_every_case_from_the_cache_writes_nothing(workspace: Path, cli: Any) -> None:
    same_run(cli, "score")
    path = workspace / CACHE_DIR / cache.ENTRIES
    before = path.stat()
    cli("score", cwd=workspace)
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    (workspace / "cases" / "alpha-2014.yaml").unlink()  # a file gone: its entry stays until it is stale
    cli("score", cwd=workspace)
    assert len(entries(workspace)) == 3
