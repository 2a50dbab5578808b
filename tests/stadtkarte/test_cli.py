from __future__ import annotations

import pytest

from stadtkarte.cli import _parser, main


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "build" in err and "serve" in err


@pytest.mark.parametrize("command", ["build", "serve"])
def test_every_option_is_explained(capsys, command):
    sub = next(a for a in _parser()._actions if a.dest == "command").choices[command]
    options = [a for a in sub._actions if a.option_strings and a.dest != "help"]
    assert options
    for action in options:
        assert action.help and len(action.help) > 15, action.option_strings
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert all(a.option_strings[-1] in out for a in options)


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
