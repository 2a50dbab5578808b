"""Reproducible installs: constraints.txt pins every dependency and the scripts use it."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO_ROOT = Path(__file__).resolve().parents[2]


def pins() -> dict[str, str]:
    lines = (REPO_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    found = {}
    for line in lines:
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            found[canonicalize_name(name)] = version.strip()
    return found


def declared() -> list[Requirement]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    return [Requirement(r) for r in names]


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    pinned = pins()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is missing from constraints.txt: run bash scripts/update-constraints.sh"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (name, pinned[name])


def test_this_environment_has_the_pinned_versions() -> None:
    mismatched = {}
    for name, version in pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # platform-specific extras of another machine
        if canonicalize_name(installed) != canonicalize_name(version) and installed != version:
            mismatched[name] = (installed, version)
    assert not mismatched, f"installed != constraints.txt: {mismatched} (pip install -c constraints.txt -e '.[test]')"


def test_install_commands_use_the_constraints() -> None:
    for script in ("scripts/run.sh", "scripts/test.sh"):
        text = (REPO_ROOT / script).read_text(encoding="utf-8")
        installs = [line for line in text.splitlines() if re.search(r"pip install .*-e", line)]
        assert installs and all("-c constraints.txt" in line for line in installs), script
    assert "bash scripts/test.sh" in (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
