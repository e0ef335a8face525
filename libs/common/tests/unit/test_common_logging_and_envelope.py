"""Secrets never reach the logs; envelopes carry the job's correlation forward and decode in one pass."""

import json
import logging

import pytest
from pydantic import ValidationError

from tenderflow_common.contracts.ingest import DocumentExtracted
from tenderflow_common.contracts.jobs import CancelJob, PurgeJob
from tenderflow_common.envelope import Envelope, one_pass_decoder, stable_id
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


def test_one_pass_decoding_gives_the_payload_itself_and_refuses_what_the_two_passes_would():
    decode = one_pass_decoder([CancelJob, DocumentExtracted])
    cancel = Envelope.wrap(CancelJob(reason="not needed"), source="a", tenant_id="t", job_id="j")
    decoded = decode(cancel.to_bytes())
    assert isinstance(decoded, Envelope) and decoded.data == CancelJob(reason="not needed")
    assert (decoded.id, decoded.jobid, decoded.to_bytes()) == (cancel.id, "j", cancel.to_bytes())
    extracted = Envelope.wrap(DocumentExtracted(package_id="p", document_id="d", file="a.pdf", doc_type="pdf",
                                                pages=3, units=1, text_key="k"), source="a", tenant_id="t", job_id="j")
    assert decode(extracted.to_bytes()).data.pages == 3
    bad_payload = json.loads(extracted.to_bytes()) | {"data": {"package_id": "p"}}
    other_type = Envelope.wrap(PurgeJob(), source="a", tenant_id="t", job_id="j").to_bytes()
    for refused in (b"{not json", json.dumps(bad_payload).encode(), other_type):
        with pytest.raises(ValidationError):
            decode(refused)
