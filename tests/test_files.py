"""Writing outputs safely: nothing but regular files replaced, no temporary files left behind,
errors that name the file, one job a folder, and a failed job's partial outputs removed."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import pytest

from skyshield.cli.main import main
from skyshield.errors import InputError
from skyshield.files import INCOMPLETE_NAME, LOCK_NAME, output_folder, write_atomic


def test_write_atomic_writes_and_leaves_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.txt"
    write_atomic(target, "one")
    write_atomic(target, b"two")
    assert target.read_text() == "two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.txt"]


def test_a_symlink_is_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("keep")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with pytest.raises(InputError, match="symbolic link"):
        write_atomic(link, "x")
    assert link.is_symlink() and real.read_text() == "keep"


def test_a_device_or_folder_is_not_replaced(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a regular file"):
        write_atomic(Path("/dev/null"), "x")
    (tmp_path / "d").mkdir()
    with pytest.raises(InputError, match="not a regular file"):
        write_atomic(tmp_path / "d", "x")
    assert Path("/dev/null").is_char_device()


@pytest.mark.slow
def test_cli_refuses_a_symlinked_output_unless_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real.png"
    real.write_bytes(b"old")
    link = tmp_path / "map.png"
    link.symlink_to(real)
    assert main(["forces", "small", "--map", str(link)]) == 2
    assert "symbolic link" in capsys.readouterr().err and link.is_symlink()
    assert main(["forces", "small", "--map", str(link), "--follow-symlinks"]) == 0
    assert link.is_symlink() and real.read_bytes()[:4] == b"\x89PNG"


def test_a_failed_write_leaves_no_temporary_file_and_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    target = tmp_path / "report.html"
    with pytest.raises(OSError, match="No space left") as exc:
        write_atomic(target, "x" * 1000)
    assert exc.value.filename == str(target) and exc.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_disk_full_message_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    out = tmp_path / "map.png"
    assert main(["forces", "small", "--map", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"error: {out}: No space left on device" in err and "Traceback" not in err


def test_one_job_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    with output_folder(folder):
        assert (folder / LOCK_NAME).exists()
        with pytest.raises(InputError, match="another skyshield job is writing this folder"):  # noqa: SIM117
            with output_folder(folder):
                pass
        errors: list[Exception] = []

        def other() -> None:
            try:
                with output_folder(folder):
                    pass
            except InputError as exc:
                errors.append(exc)

        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert len(errors) == 1
    assert not (folder / LOCK_NAME).exists()
    with output_folder(folder):  # free again
        pass


def test_a_failed_job_removes_what_it_added_and_notes_what_it_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "old.csv").write_text("old")
    (folder / "keep.txt").write_text("keep")

    def job() -> None:
        with output_folder(folder):
            write_atomic(folder / "new.png", b"new")
            os.utime(folder / "old.csv", ns=(1, 1))  # as if rewritten
            raise RuntimeError("the job failed")

    with pytest.raises(RuntimeError, match="the job failed"):
        job()
    assert sorted(p.name for p in folder.iterdir()) == [INCOMPLETE_NAME, "keep.txt", "old.csv"]
    assert "old.csv" in (folder / INCOMPLETE_NAME).read_text()
    with output_folder(folder):  # a job that succeeds clears the note
        pass
    assert not (folder / INCOMPLETE_NAME).exists()


def test_a_failed_job_in_a_new_folder_leaves_no_folder(tmp_path: Path) -> None:
    folder = tmp_path / "new"

    def job() -> None:
        with output_folder(folder):
            write_atomic(folder / "a.png", b"x")
            raise RuntimeError("the job failed")

    with pytest.raises(RuntimeError, match="the job failed"):
        job()
    assert not folder.exists()


def test_two_assessments_into_one_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    with output_folder(out):  # another job holds it
        args = [
            "assess",
            "small",
            "--runs",
            "1",
            "--no-sweep",
            "--no-record",
            "--no-uncertainty",
            "--out",
            str(out),
        ]
        assert main(args) == 2
    assert "another skyshield job is writing this folder" in capsys.readouterr().err


def test_a_raid_path_from_the_store_or_the_command_line_never_echoes_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A raid named by path (as ``--raid``, or in a stored run's raid column) that is not a raid
    file is refused without printing what the file holds."""
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the-secret-line\n", encoding="utf-8")
    assert main(["mc", "small", "--raid", str(secret), "--runs", "1"]) == 2
    err = capsys.readouterr().err
    assert "not a raid file" in err and "the-secret-line" not in err
