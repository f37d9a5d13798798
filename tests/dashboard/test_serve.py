"""`nhscuts serve`: the Streamlit command it becomes."""

import sys

from click.testing import CliRunner

from nhscuts.cli import cli


def test_serve_runs_streamlit_headless_on_loopback_with_the_corpus(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr("os.execve", lambda *args: calls.append(args))
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "c.db"), "--port", "8600"])
    assert result.exit_code == 0, result.output
    executable, argv, env = calls[0]
    assert executable == sys.executable
    assert argv[1:4] == ["-m", "streamlit", "run"] and argv[4].endswith("dashboard/app.py")
    options = dict(zip(argv[5::2], argv[6::2], strict=True))
    assert options["--server.address"] == "127.0.0.1"
    assert options["--server.port"] == "8600"
    assert options["--server.headless"] == "true"
    assert options["--browser.gatherUsageStats"] == "false"
    assert env["NHSCUTS_DB"] == str((tmp_path / "c.db").resolve())
    assert "no corpus at" in result.output


def test_serve_port_zero_picks_a_free_port(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr("os.execve", lambda *args: calls.append(args))
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "c.db"), "--port", "0"])
    assert result.exit_code == 0, result.output
    argv = calls[0][1]
    assert int(argv[argv.index("--server.port") + 1]) > 0
