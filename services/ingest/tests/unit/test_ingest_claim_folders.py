"""Each claim of a package spools it to a folder of its own: replicas may share a disk, and a holder paused past its
lease clears its folder when it wakes up, which must not pull the files from under the replica that claimed the
package after it."""

from pathlib import Path

from tenderflow_ingest.spool import claim_folder


def test_a_claim_spools_to_its_own_folder_and_clears_only_earlier_claims_folders(tmp_path: Path) -> None:
    for name in ("pkg.1", "pkg.3", "other.1"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "annex.pdf").write_bytes(b"%PDF-1.7")

    assert claim_folder(tmp_path, "pkg", 2) == tmp_path / "pkg.2"

    # The first claim's holder crashed or lost its claim; the third is a later holder's, another package's its own.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["other.1", "pkg.3"]
