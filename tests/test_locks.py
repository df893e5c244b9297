"""The lock files pin, with hashes, everything requirements*.txt name (`make lock` made them)."""

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
LOCKS = [("requirements.txt", "requirements.lock"),
         ("requirements-dev.txt", "requirements-dev.lock")]


def listed(name: str) -> list[Requirement]:
    """The requirements a human list names, following its `-r` includes."""
    found = []
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            found += listed(line[3:].strip())
        elif line:
            found.append(Requirement(line))
    return found


def pins(name: str) -> dict[str, tuple[str, int]]:
    """Each pinned package of a lock file: its version and how many hashes it carries."""
    found, current = {}, None
    for line in (ROOT / name).read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            found[current] = (match[2], 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = found[current]
            found[current] = (version, hashes + 1)
    return found


@pytest.mark.parametrize(("listing", "lock"), LOCKS)
def test_every_listed_requirement_is_pinned_within_its_range(listing, lock):
    pinned = pins(lock)
    for requirement in listed(listing):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not in {lock}: run make lock"
        assert requirement.specifier.contains(pinned[name][0], prereleases=True), \
            f"{lock} pins {name} {pinned[name][0]}, outside {requirement}: run make lock"


@pytest.mark.parametrize("lock", [lock for _listing, lock in LOCKS])
def test_every_pin_carries_a_hash(lock):
    assert [name for name, (_version, hashes) in pins(lock).items() if not hashes] == []


def test_the_test_tools_run_on_the_runtimes_own_versions():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime
