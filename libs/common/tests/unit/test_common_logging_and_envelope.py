"""Secrets never reach the logs; envelopes carry the job's correlation forward."""

import json
import logging

from tenderflow_common.contracts.jobs import CancelJob
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.logging import TenderflowJsonFormatter, redact, redact_text


def test_urls_and_inline_secrets_are_redacted():
    text = redact_text("connect postgresql://tenderflow:hunter2@db/x with api_key=abc123 token: xyz")
    assert "hunter2" not in text and "abc123" not in text and "xyz" not in text


def test_secret_keys_are_redacted_recursively():
    assert redact({"headers": {"Authorization": "Bearer x", "accept": "json"}}) == {
        "headers": {"Authorization": "[REDACTED]", "accept": "json"}}


def test_log_lines_are_json_without_secrets():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "key is api_key=%s", ("s3cr3t",), None)
    record.password = "p"
    line = json.loads(TenderflowJsonFormatter("gateway").format(record))
    assert line["service"] == "gateway" and line["level"] == "INFO"
    assert "s3cr3t" not in json.dumps(line) and line["password"] == "[REDACTED]"


def test_follow_keeps_correlation_and_sets_causation():
    first = Envelope.wrap(CancelJob(), source="a", tenant_id="t", job_id="j")
    second = first.follow(CancelJob(), source="b")
    assert first.correlationid == first.id
    assert (second.correlationid, second.causationid, second.jobid) == (first.id, first.id, "j")
    assert Envelope.model_validate_json(second.to_bytes()) == second


def test_stable_ids_are_stable():
    assert stable_id("a", "b") == stable_id("a", "b") != stable_id("a", "c")
