"""The layout's rules, read from the source: dependencies point one way, the engine knows no Flask or
database, and only the commit hook and commands commit (docs/architecture.md)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ("campaigns", "segments", "previews", "exports", "contacts")
SHELL = "journeymail"
ENGINE = "emails"
ACCOUNTS = "accounts"  # who is asking and in which workspace: beneath the features, beside the shell
JOBS = "jobs"  # background jobs: beneath the features (they start jobs), beside accounts
PACKAGES = (SHELL, ENGINE, ACCOUNTS, JOBS, *FEATURES)


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported_packages(path: Path) -> set[str]:
    """The top-level names a module imports, anywhere in it (imports inside functions count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_every_package_of_the_layout_exists() -> None:
    for package in PACKAGES:
        assert (ROOT / package / "__init__.py").is_file(), package


@pytest.mark.parametrize("path", modules(ENGINE), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_email_engine_imports_neither_flask_nor_the_database_nor_a_feature(path: Path) -> None:
    forbidden = {"flask", "flask_sqlalchemy", "flask_wtf", "sqlalchemy", "werkzeug", SHELL, *FEATURES}
    assert imported_packages(path) & forbidden == set()


@pytest.mark.parametrize(
    "path",
    [p for p in modules(SHELL) if p.name not in ("__init__.py", "cli.py")],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_the_shell_imports_no_feature_but_in_the_factory_and_the_commands(path: Path) -> None:
    assert imported_packages(path) & set(FEATURES) == set()


def test_no_two_features_import_each_other() -> None:
    uses: dict[str, set[str]] = defaultdict(set)
    for feature in FEATURES:
        for path in modules(feature):
            uses[feature] |= imported_packages(path) & set(FEATURES) - {feature}
    both_ways = {tuple(sorted((a, b))) for a in FEATURES for b in uses[a] if a in uses[b]}
    assert both_ways == set(), dict(uses)


@pytest.mark.parametrize("path", modules(ACCOUNTS), ids=lambda p: str(p.relative_to(ROOT)))
def test_accounts_import_no_feature(path: Path) -> None:
    """Every feature asks accounts for the workspace and the role; accounts knows none of them (the audit
    log reads what changed from the session, by each model's table, not by importing the models)."""
    assert imported_packages(path) & set(FEATURES) == set()


@pytest.mark.parametrize("path", modules(JOBS), ids=lambda p: str(p.relative_to(ROOT)))
def test_jobs_import_no_feature(path: Path) -> None:
    """Features start jobs and register their functions; the queue, the worker and the job pages know none of
    them (a job's campaign is a plain ID, its link built by endpoint name)."""
    assert imported_packages(path) & set(FEATURES) == set()


def test_segments_import_no_other_feature() -> None:
    for path in modules("segments"):
        assert imported_packages(path) & set(FEATURES) - {"segments"} == set(), path


def _calls_commit_or_rollback(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("commit", "rollback"):
            if isinstance(node.value, ast.Attribute) and node.value.attr == "session":
                lines.append(node.lineno)
    return lines


def test_only_the_commit_hook_and_commands_commit_or_roll_back() -> None:
    # The worker commits too: it runs outside any request, and a job's progress must be seen while it runs.
    # The contacts import command commits its import. A background push commits each ID the ESP gave at
    # once, so a worker that stops keeps them and the next push resumes there.
    allowed = {ROOT / SHELL / "http.py", ROOT / SHELL / "cli.py", ROOT / "exports" / "cli.py", ROOT / ACCOUNTS / "cli.py",
               ROOT / JOBS / "worker.py", ROOT / "contacts" / "cli.py", ROOT / "exports" / "push_job.py"}
    offenders = {
        str(path.relative_to(ROOT)): lines
        for package in PACKAGES
        for path in modules(package)
        if path not in allowed and (lines := _calls_commit_or_rollback(path))
    }
    assert offenders == {}


def test_every_blueprint_has_one_url_table() -> None:
    for feature in (*FEATURES, ACCOUNTS, JOBS):
        table = (ROOT / feature / "blueprint.py").read_text(encoding="utf-8")
        assert "add_url_rule(" in table, feature
        for path in modules(feature):
            if path.name != "blueprint.py":
                source = path.read_text(encoding="utf-8")
                assert ".route(" not in source and "add_url_rule(" not in source, path
