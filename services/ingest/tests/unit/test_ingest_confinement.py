"""An extraction child writes only in its document's folder: elsewhere, even through a program it runs, the
kernel refuses."""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from tenderflow_ingest.confinement import confine_writes


def _in_confined_child(scratch: Path, attempt) -> int:
    """Run `attempt` in a forked child after confining it; its exit status: 0 done, 13 refused, 1 anything else."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            if confine_writes(scratch):
                attempt()
                status = 0
        except PermissionError:
            status = 13
        finally:
            os._exit(status)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@pytest.fixture
def scratch(tmp_path) -> Path:
    folder = tmp_path / "package" / "files"
    folder.mkdir(parents=True)
    return folder


def test_writing_in_the_scratch_folder_and_its_temporary_files_works(scratch):
    def write_inside():
        Path("relative.txt").write_text("the working folder is the scratch folder")
        with tempfile.NamedTemporaryFile(delete=False) as handle:
            handle.write(b"ocr page")
        with open(os.devnull, "w") as null:
            null.write("discarded")

    assert _in_confined_child(scratch, write_inside) == 0
    assert (scratch / "relative.txt").is_file()
    assert len(list(scratch.glob("tmp*"))) == 1


@pytest.mark.parametrize("where", ["beside", "above", "tmp"])
def test_a_child_cannot_create_a_file_outside_its_scratch_folder(scratch, tmp_path, where):
    target = {"beside": tmp_path / "package" / "planted.txt", "above": tmp_path / "planted.txt",
              "tmp": Path(tempfile.gettempdir()) / f"planted-{os.getpid()}.txt"}[where]
    assert _in_confined_child(scratch, lambda: target.write_text("planted")) == 13
    assert not target.exists()


def test_nor_can_a_program_it_runs(scratch, tmp_path):
    target = tmp_path / "planted-by-shell.txt"

    def run_shell():
        if subprocess.run(["sh", "-c", f"echo planted > '{target}'"], capture_output=True).returncode != 0:
            raise PermissionError("the shell could not write")

    assert _in_confined_child(scratch, run_shell) == 13
    assert not target.exists()
