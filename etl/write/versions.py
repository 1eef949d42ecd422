"""Kept warehouse versions: the files a publish replaced, so a load can be rolled back.

When a load (or a rollback) publishes a new warehouse, the outgoing file is kept as
`<db dir>/versions/<db stem>-<load_id>.duckdb`, where `load_id` is the last load that file holds: the
version is "the warehouse as it was after load #load_id". A hard link costs no space or time (the
live name then moves to the new inode and the link keeps the old one); where the file system refuses
one, the file is copied. Only the newest `keep` versions stay (`[limits] keep_versions`).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

DIRECTORY = "versions"


@dataclass(frozen=True)
class Version:
    load_id: int
    path: Path
    size: int
    modified: float  # when that file was written, i.e. when load #load_id was published


def directory(db: Path) -> Path:
    return db.parent / DIRECTORY


def path_of(db: Path, load_id: int) -> Path:
    return directory(db) / f"{db.stem}-{int(load_id)}.duckdb"


def available(db: Path) -> list[Version]:
    """Kept versions of `db`, newest first."""
    folder = directory(db)
    if not folder.is_dir():
        return []
    # The stem is escaped: it comes from the warehouse path, and may hold regex characters.
    pattern = re.compile(re.escape(db.stem) + r"-(\d+)\.duckdb")
    found = []
    for child in folder.iterdir():
        match = pattern.fullmatch(child.name)
        if match and child.is_file():
            stat = child.stat()
            found.append(Version(int(match.group(1)), child, stat.st_size, stat.st_mtime))
    return sorted(found, key=lambda v: v.load_id, reverse=True)


def keep(db: Path, load_id: int) -> Path:
    """Keep the live file `db` (holding loads up to `load_id`) before it is replaced."""
    target = path_of(db, load_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)  # a leftover of a publish that crashed after keeping
    try:
        os.link(db, target)
    except OSError:  # another file system, or links not allowed: a copy does the same job
        shutil.copyfile(db, target)
    return target


def prune(db: Path, keep_last: int) -> list[Path]:
    """Remove all but the newest `keep_last` versions; return what was removed."""
    removed = []
    for version in available(db)[max(int(keep_last), 0) :]:
        version.path.unlink(missing_ok=True)
        removed.append(version.path)
    return removed
