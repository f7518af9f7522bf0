"""A warm workspace: case files read and validated on an earlier run, kept in `.signalscore-cache/`.

The cache lives in the folder signalscore runs from (the workspace, like mypy's `.mypy_cache`) and holds
an entry per case file below that folder (files outside it are always read afresh), in two files:
`entries`, read at once on the first look-up, and `cases`, read only by a command that needs more of a case
than scoring does. Both are written whole, once per run that adds to them. An entry keeps the file's located
lint warnings, the validated case's header and cells (what scoring reads: see signalscore.stored), and where
in `cases` the whole case is kept as JSON, with its digest (a file with any problem of its own is not
stored, and positions are read again from the file on the rare run that finds a problem in it). An entry
is used only while the file's device, inode, size, modification time and change time (in nanoseconds) are
those it was made from, and only by this build of signalscore (the tag: a digest of the version, size and
modification time of each of signalscore's modules, and the versions of Python, PyYAML and pydantic). A
file changed within the last RACY_NS of the run that read it is not stored (a change within the file
system's timestamp granularity could leave its times as they were). Rubrics are never cached: every run
reads them, so the checks of cases against their rubric always run.

A hostile repository may commit a `.signalscore-cache/`: entries are JSON (nothing in them can run), and
an entry cannot match after a checkout, because the change time of a file cannot be set by its owner and is
new in every checkout or extraction. Should one match all the same, it is checked on reading: an entries
file whose digest does not match its header, or whose cases file is not the size it says, is not used at
all; a header or cell of the wrong type makes the entry a miss; and a whole case that does not match its
digest or does not validate is an error when first read (signalscore.stored), never data. A cache folder
that is a symbolic link or belongs to another user is not used at all, its files are opened without
following links, and each is written to a new file, then renamed into place.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import secrets
import stat
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from signalscore.case import Case
from signalscore.document import Document, parse_file
from signalscore.errors import IN_ORDER, Issue, Problem
from signalscore.stored import StoredCase, head_json
from signalscore.syntax_hints import LOST_TEXT

CACHE_DIR = ".signalscore-cache"
ENV_OFF = "SIGNALSCORE_NO_CACHE"
RACY_NS = 2_000_000_000  # FAT's 2 s: the coarsest timestamps a workspace is likely to sit on
MAX_ENTRIES = 1 << 30  # bytes of the entries file
ENTRIES = "entries"
WHOLES = "cases"
FIELDS = 4  # after the file name: key, lints, head, and the whole case (in the entries file: where it is)
_LOST_TEXT = tuple(rule.encode() for rule in LOST_TEXT)  # lints every command prints
_GITIGNORE = b"# Automatically created by signalscore.\n*\n"
_CACHEDIR_TAG = b"Signature: 8a477f597d28d172789f06886806bc55\n# This is a signalscore cache folder.\n"

Key = tuple[int, int, int, int, int]  # device, inode, size, mtime_ns, ctime_ns


def wanted(flag: bool = True) -> bool:
    """Whether to use the cache: asked for, and not turned off by SIGNALSCORE_NO_CACHE (any value but 0)."""
    return flag and os.environ.get(ENV_OFF, "") in ("", "0")


def _tag() -> str:
    """What an entry was made by; an entry of any other build is a miss."""
    import pydantic
    import yaml

    digest = hashlib.blake2b(digest_size=16)
    from signalscore import __version__

    for part in (__version__, sys.version, yaml.__version__, pydantic.VERSION):
        digest.update(part.encode() + b"\0")
    here = Path(__file__).parent
    for path in sorted(here.rglob("*.py")):  # every module (whatever reads YAML may move), by its times and size
        st = path.stat()
        digest.update(f"{path.relative_to(here)}:{st.st_size}:{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def key_of(path: str) -> Key | None:
    """The identity of a regular file's current content, or None."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


class StoredDocument(Document):
    """A cached file's document, without its positions until a problem needs them (then the file is
    parsed again: rare, as a cached file has no problem of its own, and cheaper than storing them all)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, built=True)
        self.located = False

    def problem(self, issue: Issue) -> Problem:
        if not self.located:
            doc, _ = parse_file(Path(self.path))
            self.values, self.keys, self.located = doc.values, doc.keys, True
        return super().problem(issue)


@dataclass
class Stored:
    """A case file as the cache gives it back: the case, its document and its lint warnings."""

    case: Case
    doc: Document
    lints: list[Problem] | None  # None: not read (see decode)


def _lints(rows: Any, path: str) -> list[Problem]:
    if not isinstance(rows, list):
        raise ValueError("bad lints")
    found = []
    for line, column, where, message in rows:
        if not (type(line) is int and type(column) is int and type(where) is str and type(message) is str):
            raise ValueError("bad lint")
        found.append(Problem(path, line, column, where, message, "warning"))
    return found


def key_text(key: Key) -> bytes:
    """A file key as an entry stores it."""
    return b"%d,%d,%d,%d,%d" % key


def encode(name: str, key: Key, case: Case, lints: Iterable[Problem]) -> bytes:
    """One entry, a line: the file's name, its key, its located lint warnings (in order), the case's header and cells
    (signalscore.stored) and the case's fields as given (unset ones left out, so that defaults stay
    defaults), separated by tabs (JSON escapes any in a value)."""
    rows = [[p.line, p.column, p.where, p.message] for p in sorted(lints, key=IN_ORDER)]
    parts = (json.dumps(name).encode("ascii"), key_text(key), json.dumps(rows).encode("ascii"), head_json(case))
    return b"\t".join((*parts, case.model_dump_json(exclude_unset=True).encode("utf-8"))) + b"\n"


def decode(
    entry: list[bytes],
    key: Key | None,
    path: str,
    *,
    lint: bool = True,
    wholes: Wholes | None = None,
    row: Any = None,
    lost: bool = True,
) -> Stored | None:
    """An entry (its fields after the name) checked against the file's key (unless None: an entry just made);
    None (a miss) if stale or malformed. Without `lint`, the lint warnings are read only if one of them is a
    value cut short by a comment (which every command reports; `lost` False: none in any entry). An entry of
    the entries file says where in `wholes` its whole case is; one just made holds it. `row`: its head as
    JSON already read (see Cache.get_many)."""
    stored_key, lints, head, whole = entry
    if key is not None and stored_key != key_text(key):
        return None
    try:
        wanted = lints == b"[]" or lint or (lost and any(rule in lints for rule in _LOST_TEXT))
        found = ([] if lints == b"[]" else _lints(json.loads(lints), path)) if wanted else None
        case = StoredCase.of(head if row is None else row, whole if wholes is None else wholes.reader(whole))
    except (ValueError, TypeError, RecursionError):
        return None
    return Stored(case, StoredDocument(path), found)


def unpack(raw: bytes | None, tag: str, wholes: Wholes) -> dict[str, list[bytes]]:
    """The entries of an entries file by file name; none at all if its header, build or digest is not right,
    or if the file of whole cases is not the size it says."""
    header, _, body = (raw or b"").partition(b"\n")
    try:
        head = json.loads(header)
        if not isinstance(head, dict) or head.get("tag") != tag or head.get("digest") != _digest(body):
            return {}
        if head.get(WHOLES) != wholes.size():
            return {}
        lines = [line.split(b"\t", FIELDS) for line in body.split(b"\n")[:-1]]
        names = json.loads(b"[" + b",".join(line[0] for line in lines) + b"]")  # (one call: quicker)
        if not all(len(line) == FIELDS + 1 for line in lines) or not all(type(n) is str for n in names):
            return {}
        entries = {name: line[1:] for name, line in zip(names, lines, strict=True)}
    except (ValueError, RecursionError):
        return {}
    return entries


def _rows(heads: list[bytes]) -> list[Any]:
    """Heads as JSON read in one call, or each left to be read alone (None) if any is not well formed."""
    try:
        rows = json.loads(b"[" + b",".join(heads) + b"]")
    except (ValueError, RecursionError):
        rows = None
    return rows if isinstance(rows, list) and len(rows) == len(heads) else [None] * len(heads)


def _digest(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def _short_digest(whole: bytes) -> bytes:
    return hashlib.blake2b(whole, digest_size=8).hexdigest().encode("ascii")


class Wholes:
    """The cases file: the whole case of every entry, one after another, each where its entry says (offset,
    length and digest). Scoring never reads it; a command that needs a case's sources or rationales reads it
    whole, once, and checks each case against its entry's digest (a mismatch is a ValueError: see
    signalscore.stored)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.data: bytes | None = None

    def size(self) -> int | None:
        """The size of the file (a regular file, not a link), or None."""
        try:
            st = os.lstat(self.path)
        except OSError:
            return None
        return st.st_size if stat.S_ISREG(st.st_mode) else None

    def reader(self, span: bytes) -> Callable[[], bytes]:
        """What reads the whole case at a span (`offset,length,digest`) when first asked."""
        return functools.partial(self.whole, span)

    def whole(self, span: bytes) -> bytes:
        """The whole case at a span, checked against its digest; ValueError if it is not there as written."""
        offset, length, digest = span.split(b",")
        if self.data is None:
            self.data = _read(self.path, MAX_ENTRIES + 1) or b""
        text = self.data[int(offset) : int(offset) + int(length)]
        if _short_digest(text) != digest:
            raise ValueError("damaged whole case")
        return text


def _split(entries: dict[str, bytes]) -> tuple[bytes, bytes]:
    """Entries as made (the whole case in each) written out as the entries file's body and the cases file."""
    lines, wholes, offset = [], [], 0
    for line in entries.values():
        head, _, whole = line.rstrip(b"\n").rpartition(b"\t")
        lines.append(b"%s\t%d,%d,%s\n" % (head, offset, len(whole), _short_digest(whole)))
        wholes.append(whole)
        offset += len(whole)
    return b"".join(lines), b"".join(wholes)


def _usable(folder: Path) -> bool:
    """A real folder of the current user (not a link, not another user's), or one not made yet."""
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    owner = getattr(os, "getuid", lambda: st.st_uid)()
    return stat.S_ISDIR(st.st_mode) and st.st_uid == owner


def _write_new(path: Path, data: bytes) -> None:
    """Write a file that is not there yet; never through a link."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _read(path: str, limit: int) -> bytes | None:
    """The first `limit` bytes of a regular file, never through a link."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        return _read_fd(fd, min(limit, st.st_size + 1))  # one byte more tells a file that grew meanwhile
    except OSError:
        return None
    finally:
        os.close(fd)


def _read_fd(fd: int, size: int) -> bytes:
    chunks = []
    while size > 0 and (chunk := os.read(fd, size)):
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


class Cache:
    """The entries of one workspace: read at the first look-up, written together by `flush`."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR
        self.tag = _tag()
        self.started = time.time_ns()  # before any file of this run is read
        self.keys: dict[str, Key] = {}
        self.pending: dict[str, bytes] = {}
        self.entries: dict[str, list[bytes]] | None = None
        self.lost = True  # whether any entry may hold a warning of text cut short (see decode)
        self.stale: set[str] = set()
        self.wholes = Wholes(os.path.join(self.folder, WHOLES))

    @classmethod
    def open(cls, root: Path | None = None) -> Cache | None:
        """The cache of the workspace (default: the current folder), or None if its folder is not ours."""
        root = Path.cwd() if root is None else root
        return cls(root) if _usable(root / CACHE_DIR) else None

    def get(self, name: str, *, lint: bool = True) -> Stored | None:
        """The stored case of a file below the workspace, if its entry matches the file as it is now (its
        lint warnings read if `lint`, see decode)."""
        return self.get_many([name], lint=lint)[0]

    def get_many(self, names: Sequence[str], *, lint: bool = True) -> list[Stored | None]:
        """The stored case of each file (see get), the headers of those whose entry matches read as one JSON
        text (one call rather than thousands)."""
        keys = [None if os.path.isabs(name) else key_of(name) for name in names]
        self.keys.update((name, key) for name, key in zip(names, keys, strict=True) if key is not None)
        if self.entries is None:
            raw = _read(os.path.join(self.folder, ENTRIES), MAX_ENTRIES + 1)
            self.entries = unpack(raw, self.tag, self.wholes)
            self.lost = any(rule in (raw or b"") for rule in _LOST_TEXT)  # (one search, not one per entry)
        found = [
            (i, entry)
            for i, (name, key) in enumerate(zip(names, keys, strict=True))
            if key is not None and (entry := self.entries.get(name)) is not None and entry[0] == key_text(key)
        ]
        rows = _rows([entry[2] for _, entry in found])
        stored: list[Stored | None] = [None] * len(names)
        for (i, entry), row in zip(found, rows, strict=True):
            stored[i] = decode(entry, None, names[i], lint=lint, wholes=self.wholes, row=row, lost=self.lost)
        self.stale.update(
            name
            for name, key, got in zip(names, keys, stored, strict=True)
            if key is not None and got is None and name in self.entries
        )
        return stored

    def put(self, case: Case, doc: Document, lints: list[Problem]) -> None:
        """Keep a clean case for `flush`, if its file is as it was before it was read and not racy."""
        key = self.keys.get(doc.path)
        if key is None or key_of(doc.path) != key or max(key[3], key[4]) > self.started - RACY_NS:
            return
        with contextlib.suppress(ValueError):  # text JSON cannot hold (a lone surrogate): read afresh next time
            self.pending[doc.path] = encode(doc.path, key, case, lints)

    def adopt(self, name: str, entry: bytes) -> None:
        """Keep an entry made elsewhere (by a parsing worker, which checked the file was not changed)."""
        if not os.path.isabs(name):
            self.pending[name] = entry

    def flush(self) -> None:
        """Write the entries and cases files anew (each a new file renamed into place, the cases file first)
        if this run changed any entry: the entries read, less the stale ones, with the new ones; give up
        quietly on any error."""
        if not (self.pending or self.stale) or not _usable(self.folder):
            return
        made = {  # less the stale ones, those of files gone and those whose whole case cannot be read back
            name: b"\t".join([json.dumps(name).encode("ascii"), *entry[:3], whole]) + b"\n"
            for name, entry in (self.entries or {}).items()
            if name not in self.stale and name not in self.pending and (name in self.keys or os.path.lexists(name))
            if (whole := self._kept_whole(entry[3])) is not None
        }
        body, wholes = _split(made | self.pending)
        header = json.dumps({"tag": self.tag, "digest": _digest(body), WHOLES: len(wholes)}).encode("ascii")
        try:
            self._prepare()
            self._replace(WHOLES, wholes)  # (a run reading the old entries meanwhile finds the size changed)
            self._replace(ENTRIES, header + b"\n" + body)
        except OSError:
            pass
        self.pending.clear()
        self.stale.clear()

    def _kept_whole(self, span: bytes) -> bytes | None:
        try:
            return self.wholes.whole(span)
        except ValueError:
            return None

    def _replace(self, name: str, data: bytes) -> None:
        """A file of the cache folder written anew: a new file renamed into place (replacing a link itself,
        never what it points to)."""
        target = self.folder / name
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            _write_new(tmp, data)
            os.replace(tmp, target)
        except OSError:
            tmp.unlink(missing_ok=True)
            raise

    def _prepare(self) -> None:
        self.folder.mkdir(mode=0o755, exist_ok=True)
        if not _usable(self.folder):  # made by someone else between the two looks
            raise PermissionError(self.folder)
        for name, data in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
            if not os.path.lexists(self.folder / name):
                _write_new(self.folder / name, data)
