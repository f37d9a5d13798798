"""docs/cli.md is generated from --help; it must name every command and be up to date."""

from nhscuts.cli_reference import command_names, render
from tests.conftest import REPO


def test_cli_reference_is_up_to_date():
    current = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == render(), "docs/cli.md is stale: run `make docs`"


def test_every_command_is_documented():
    current = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in command_names():
        assert f"## nhscuts {name}\n" in current


def test_readme_names_the_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
