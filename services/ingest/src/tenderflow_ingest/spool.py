"""Spool folders: each claim of a package spools it to a folder of its own, and a folder whose claim is no longer
in work is cleared, so a replica killed midway does not leave a package's files on its disk for good."""

import asyncio
import shutil
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenderflow_common.work import WorkQueue


def claim_folder(work_dir: Path, package_id: str, token: int) -> Path:
    """The folder this claim spools the package to: its own, since replicas may share a disk and a holder paused
    past its lease clears its folder when it wakes up. Earlier claims' folders, left by a holder that crashed or
    lost its claim, are cleared."""
    for earlier in work_dir.glob(f"{package_id}.*"):
        claim = _claim_of(earlier)
        if claim is not None and claim[0] == package_id and claim[1] < token:
            shutil.rmtree(earlier, ignore_errors=True)
    return work_dir / f"{package_id}.{token}"


async def clear_abandoned(work_dir: Path, sessions: async_sessionmaker[AsyncSession], queue: WorkQueue) -> int:
    """Remove every folder whose claim is not the package's current one in work (its holder crashed, lost the
    claim, or the package ended or went back to the queue since); how many were removed.

    The folders are listed before the claims are read: a folder exists only once its claim committed, so a claim
    that is current when read is never taken for an abandoned one."""
    folders = {folder: claim for folder in _listed(work_dir) if (claim := _claim_of(folder)) is not None}
    if not folders:
        return 0
    async with sessions() as session:
        in_work = await queue.tokens_in_work(session, {package_id for package_id, _ in folders.values()})
    abandoned = [folder for folder, (package_id, token) in folders.items() if in_work.get(package_id) != token]
    for folder in abandoned:
        await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)
    return len(abandoned)


def _listed(work_dir: Path) -> list[Path]:
    return list(work_dir.iterdir()) if work_dir.is_dir() else []


def _claim_of(folder: Path) -> tuple[str, int] | None:
    """The package id and claim token a spool folder is named after; None for anything else."""
    package_id, _, token = folder.name.rpartition(".")
    return (package_id, int(token)) if package_id and token.isdigit() else None
