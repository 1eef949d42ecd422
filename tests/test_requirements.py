"""The locks agree with the ranges: every requirement is pinned, inside its range, with hashes, and
the runtime lock holds the same versions as the test lock (one set of versions is tested)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
RANGES = {"requirements.lock": ["requirements.txt"], "tests/requirements.lock": ["requirements.txt", "tests/requirements.txt"]}
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")


def requirements(name: str) -> list[Requirement]:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [Requirement(line.split("#", 1)[0].strip()) for line in lines if line.split("#", 1)[0].strip()]


def pins(lock: str) -> dict[str, list[tuple[str, str, int]]]:
    """name -> [(version, environment marker, number of hashes)]: a package may be pinned once per marker."""
    found: dict[str, list[tuple[str, str, int]]] = {}
    lines = (ROOT / lock).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        match = PIN.match(line)
        if match:
            hashes = 0
            for following in lines[number + 1 :]:
                if not following.strip().startswith("--hash=sha256:"):
                    break
                hashes += 1
            found.setdefault(canonicalize_name(match[1]), []).append((match[2], (match[3] or "").strip(), hashes))
    return found


@pytest.mark.parametrize("lock", sorted(RANGES))
def test_every_requirement_is_pinned_inside_its_range_with_hashes(lock):
    pinned = pins(lock)
    assert pinned, f"{lock}: no pins found"
    for source in RANGES[lock]:
        for requirement in requirements(source):
            versions = pinned.get(canonicalize_name(requirement.name))
            assert versions, f"{lock} does not pin {requirement.name} ({source}): run `make lock`"
            for version, _marker, _hashes in versions:
                assert requirement.specifier.contains(version, prereleases=True), (
                    f"{lock}: {requirement.name}=={version} is outside {requirement.specifier} ({source}): run `make lock`"
                )
    assert all(hashes > 0 for versions in pinned.values() for _, _, hashes in versions), f"{lock}: a pin without hashes"


def test_the_runtime_lock_has_the_versions_the_tests_run():
    runtime, tested = pins("requirements.lock"), pins("tests/requirements.lock")
    assert set(runtime) <= set(tested)
    for name, versions in runtime.items():
        assert [(v, m) for v, m, _ in versions] == [(v, m) for v, m, _ in tested[name]], name
