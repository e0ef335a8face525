"""Safe reading of tender package archives."""

from tenderflow_ingest.archive.reading import read_package
from tenderflow_ingest.archive.verdicts import Cancelled, FileVerdict, PackageReading, SpooledFile

__all__ = ["Cancelled", "FileVerdict", "PackageReading", "SpooledFile", "read_package"]
