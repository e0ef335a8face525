"""What a tenant is told when something fails: a stable code and a short sentence of ours, never the exception.

Exception texts carry SQL, URLs and host names; they go to the logs under the correlation id, which the tenant gets
instead, so support can find them."""

EXTRACTION_FAILED = "extraction_failed"
INDEXING_FAILED = "indexing_failed"
ANSWERING_FAILED = "answering_failed"
PACKAGE_REJECTED = "package_rejected"
PACKAGE_REFUSED = "package_refused"
RUN_REFUSED = "run_refused"
CANCELLED = "cancelled"
STALLED = "stalled"
INTERNAL_ERROR = "internal_error"

MESSAGES = {
    EXTRACTION_FAILED: "The package could not be read because of an error on our side.",
    ANSWERING_FAILED: "The questions could not be answered because of an error on our side.",
    CANCELLED: "The job was cancelled.",
    INTERNAL_ERROR: "Something went wrong on our side.",
}
