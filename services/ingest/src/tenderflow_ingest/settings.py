"""Ingest service settings, including every archive safety limit."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from tenderflow_common.settings import ServiceSettings
from tenderflow_ingest.limits import IngestLimits


class IngestSettings(ServiceSettings):
    """Port, work folder and limits (TENDERFLOW_INGEST_MAX_ENTRIES and so on)."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_INGEST_")

    port: int = 8001
    work_dir: str = ".run/ingest-work"
    max_entries: int = Field(default=IngestLimits.max_entries, gt=0)
    max_total_uncompressed: int = Field(default=IngestLimits.max_total_uncompressed, gt=0)
    max_file_uncompressed: int = Field(default=IngestLimits.max_file_uncompressed, gt=0)
    max_compression_ratio: float = Field(default=IngestLimits.max_compression_ratio, gt=1)
    max_json_depth: int = Field(default=IngestLimits.max_json_depth, gt=0)
    max_pdf_pages: int = Field(default=IngestLimits.max_pdf_pages, gt=0)
    max_pdf_seconds: float = Field(default=IngestLimits.max_pdf_seconds, gt=0)

    def limits(self) -> IngestLimits:
        """The configured limits as the domain's value object."""
        return IngestLimits(
            max_entries=self.max_entries, max_total_uncompressed=self.max_total_uncompressed,
            max_file_uncompressed=self.max_file_uncompressed, max_compression_ratio=self.max_compression_ratio,
            max_json_depth=self.max_json_depth, max_pdf_pages=self.max_pdf_pages,
            max_pdf_seconds=self.max_pdf_seconds,
        )
