"""`lotse say`: exit codes and messages, with real espeak-ng."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import wave

import pytest

from accessibility.cli import main
from lotse_common.settings import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng not installed")


def test_writes_a_wav_file(tmp_path, capsys):
    out = tmp_path / "turn.wav"
    assert (
        main(["In 20 Metern links abbiegen.", "--lang", "de", "--rate", "160", "--wav", str(out)])
        == 0
    )
    with wave.open(str(out), "rb") as wav:
        assert wav.getframerate() == 22050 and wav.getnframes() > 22050
    assert str(out) in capsys.readouterr().out


def test_words_without_quotes_are_joined(tmp_path):
    out = tmp_path / "en.wav"
    assert main(["--lang", "en", "--wav", str(out), "Turn", "left"]) == 0
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--rate", "5", "Hallo"], "speech rate"),
        (["--lang", "fr", "Bonjour"], "invalid choice"),
        (["   "], "empty"),
        ([], "required"),
        (["Hallo", "--wav", "/nonexistent-folder/x.wav"], "does not exist"),
    ],
)
def test_bad_input_exits_2_with_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("lotse say: ")


def test_no_sound_device_exits_1_and_says_why(tmp_path, monkeypatch, capsys):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(shutil.which("espeak-ng"), bin_dir / "espeak-ng")
    monkeypatch.setenv("PATH", str(bin_dir))  # espeak-ng, but no aplay
    assert main(["Hallo"]) == 1
    err = capsys.readouterr().err
    assert "no voice" in err and "aplay" in err and "--wav" in err


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "--wav" in capsys.readouterr().out


def test_the_lotse_command_runs_say(tmp_path):
    out = tmp_path / "cmd.wav"
    done = subprocess.run(
        [sys.executable, "-m", "lotse", "say", "Ziel erreicht.", "--wav", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert out.exists()
    bad = subprocess.run(
        [sys.executable, "-m", "lotse", "say", "--rate", "abc", "x"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
