"""Structured JSON logs carrying correlation ids, with secrets redacted before they are written."""

import logging
import re
import sys
from typing import Any

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from tenderflow_common import context

SECRET_KEY_PATTERN = re.compile(r"(pass(word)?|secret|token|api[_-]?key|authorization|credential)", re.I)
URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]+):[^@\s]+@", re.I)
INLINE_SECRET = re.compile(
    r"(?P<key>(password|secret|token|api[_-]?key|authorization)[\"']?\s*[:=]\s*[\"']?)(?:bearer\s+)?[^\s\"',;]+",
    re.I,
)
REDACTED = "[REDACTED]"


def redact_text(text: str) -> str:
    """Hide passwords in URLs and `key=value` secrets inside free text."""
    text = URL_PASSWORD.sub(lambda m: f"{m['scheme']}:{REDACTED}@", text)
    return INLINE_SECRET.sub(lambda m: f"{m['key']}{REDACTED}", text)


def redact(value: Any, key: str = "") -> Any:
    """Recursively hide values whose key names a secret."""
    if key and SECRET_KEY_PATTERN.search(key):
        return REDACTED
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


class TenderflowJsonFormatter(JsonFormatter):
    """JSON lines with service, correlation, tenant and job ids and the active trace and span ids; secrets never
    reach the output."""

    def __init__(self, service: str) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", rename_fields={"levelname": "level"})
        self.service = service

    def add_fields(self, log_record: dict[str, Any], record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record["service"] = self.service
        for name, var in (("correlation_id", context.correlation_id), ("tenant_id", context.tenant_id),
                          ("job_id", context.job_id)):
            value = var.get()
            if value is not None:
                log_record.setdefault(name, value)
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            log_record.setdefault("trace_id", format(span.trace_id, "032x"))
            log_record.setdefault("span_id", format(span.span_id, "016x"))
        for field, value in list(log_record.items()):
            log_record[field] = redact(value, field)


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every logger's records to stdout as JSON."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(TenderflowJsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "kafka", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
