"""Write docs/cli.md from the commands' own --help, so the reference cannot drift.

Run `make docs` (or `python -m nhscuts.cli_reference > docs/cli.md`) after changing a command.
"""

import click
from click.testing import CliRunner

from nhscuts.cli import cli

HEADER = """# Command-line reference

Generated from `nhscuts COMMAND --help` by `make docs`; `tests/test_docs.py` fails when it is
stale. Every command takes `-h`/`--help`.
"""


def command_names() -> list[str]:
    return sorted(cli.commands)


def render() -> str:
    runner = CliRunner()
    sections = [HEADER]
    for name in [None, *command_names()]:
        args = ["--help"] if name is None else [name, "--help"]
        result = runner.invoke(cli, args, terminal_width=100, prog_name="nhscuts")
        title = "nhscuts" if name is None else f"nhscuts {name}"
        sections.append(f"## {title}\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(sections)


if __name__ == "__main__":
    click.echo(render(), nl=False)
