"""The import contracts in pyproject.toml hold today, and each one fails when its rule is broken."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# One import per contract that the contract exists to forbid: (module, line added to it).
BREAKS = {
    "common": ("app/common/time.py", "import app.hazards.models"),
    "pipeline": ("app/photos/pipeline.py", "import flask"),
    "hazards": ("app/hazards/queries.py", "import app.wall.data"),
    "checklists": ("app/checklists/services.py", "import app.inspections.models"),
    "api": ("app/api/hazards.py", "import app.hazards.views"),
}


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True,
                          text=True, check=False)


def copy_of_the_project(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(ROOT / "pyproject.toml", tree)
    shutil.copytree(ROOT / "app", tree / "app",
                    ignore=shutil.ignore_patterns("__pycache__", "translations"))
    return tree


def test_the_import_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("rule", BREAKS)
def test_each_contract_fails_when_its_rule_is_broken(tmp_path, rule):
    tree = copy_of_the_project(tmp_path)
    module, line = BREAKS[rule]
    path = tree / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "1 broken" in result.stdout
