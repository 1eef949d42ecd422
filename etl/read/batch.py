"""The files of one load, read: tables by threads, LKE workbooks and PortalRB JSON by worker processes
where a load holds many of them, each file's result (a Source, or the Problem that refused it) in the
order given. Only reading happens here; `etl.load` checks and writes.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from etl.problems import FileRefused, Problem
from etl.read import read_source
from etl.read.source import Source
from zi.domain.bank import load_bank
from zi.domain.rules import Rules, load_rules

POOL_FROM = 100  # from this many LKE-sized files on, a load reads them in worker processes (start-up ~0.5 s each)
POOL_MAX_BYTES = 4 * 1024 * 1024
CHUNK = 32  # files a worker reads per task: enough to send their answers as one table, few enough to start soon


def read_all(files: list[tuple[Path, str]], rules: Rules) -> Iterator[tuple[str, Source | Problem]]:
    """Each file read, or the problem that refused it, in the order given. A few files are read at once:
    pyarrow parses a CSV without holding the GIL, so tables are read by threads; reading an LKE workbook or
    a PortalRB JSON is Python work, so where a load holds many of them they are read by processes."""
    workers = os.cpu_count() or 1
    pooled = [i for i, (path, _) in enumerate(files) if _small_document(path)]
    if len(pooled) < POOL_FROM or workers < 2:
        pooled = []
    with ThreadPoolExecutor(max_workers=min(4, workers)) as threads, contextlib.ExitStack() as stack:
        in_pool = set(pooled)  # a set: asked for each of 20,000 files
        by_thread = {
            i: threads.submit(_read_one, path, name, rules.path) for i, (path, name) in enumerate(files) if i not in in_pool
        }
        by_process: Iterator[tuple[str, Source | Problem]] = iter(())
        if pooled:  # "spawn": a forked worker would inherit the parent's threads mid-flight
            processes = stack.enter_context(ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")))
            chunks = [[files[i] for i in pooled[at : at + CHUNK]] for at in range(0, len(pooled), CHUNK)]
            by_process = (
                read for chunk in processes.map(_read_chunk, chunks, [rules.path] * len(chunks)) for read in chunk.unpack()
            )
        for i in range(len(files)):
            yield by_thread[i].result() if i in by_thread else next(by_process)


def _small_document(path: Path) -> bool:
    """A spreadsheet or JSON file of the size of one unit's LKE (rekap tables are read by threads)."""
    try:  # asked of every file before the first is read: a bare descriptor, not a buffered file object (7×)
        fd = os.open(path, os.O_RDONLY)
        try:
            if os.fstat(fd).st_size > POOL_MAX_BYTES:
                return False
            start = os.read(fd, 8)
        finally:
            os.close(fd)
    except OSError:
        return False
    return start.startswith(b"PK\x03\x04") or start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"["))


@dataclass
class _Chunk:
    """Files a worker read, sent back in one piece: their LKE answers and sub-area values as one table each.
    An Arrow table pickles with its schema and buffers; one per workbook cost more than reading its cells."""

    read: list[tuple[str, Source | Problem]]
    answers: pa.Table | None = None
    detail: pa.Table | None = None
    sizes: list[tuple[int, int]] = field(default_factory=list)  # per LKE read, in order: (answer rows, detail rows)

    @classmethod
    def pack(cls, read: list[tuple[str, Source | Problem]]) -> _Chunk:
        answers, detail = [], []
        for _, source in read:
            if isinstance(source, Source) and source.lke is not None:
                content = source.lke
                assert content.answers is not None and content.detail is not None  # compacted by _read_one
                answers.append(content.answers)
                detail.append(content.detail)
                content.answers = content.detail = None
        if not answers:
            return cls(read)
        sizes = [(a.num_rows, d.num_rows) for a, d in zip(answers, detail, strict=True)]
        return cls(read, pa.concat_tables(answers).combine_chunks(), pa.concat_tables(detail).combine_chunks(), sizes)

    def unpack(self) -> list[tuple[str, Source | Problem]]:
        """Each file as read, its LKE tables slices of the chunk's (no copy)."""
        at_answers = at_detail = 0
        sizes = iter(self.sizes)
        for _, source in self.read:
            if isinstance(source, Source) and source.lke is not None:
                assert self.answers is not None and self.detail is not None  # packed with it
                answers, detail = next(sizes)
                source.lke.answers = self.answers.slice(at_answers, answers)
                source.lke.detail = self.detail.slice(at_detail, detail)
                at_answers, at_detail = at_answers + answers, at_detail + detail
        return self.read


def _read_chunk(chunk: list[tuple[Path, str]], rules_path: Path) -> _Chunk:
    """A worker's share: a few files read one after the other (CHUNK)."""
    return _Chunk.pack([_read_one(path, name, rules_path) for path, name in chunk])


def _read_one(path: Path, name: str, rules_path: Path) -> tuple[str, Source | Problem]:
    """One file read (in this process or a worker), or the problem that refused it; an LKE keeps only what
    the load needs until it writes."""
    rules = load_rules(rules_path)
    try:
        source = read_source(path, rules, name)
    except FileRefused as refused:
        return name, refused.problem
    if source.lke is not None:
        source.lke.compact(load_bank(rules))
    return name, source
