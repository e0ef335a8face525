"""A record as aiokafka returns it becomes the consumers' `Record`, whatever its headers and value hold."""

from aiokafka import ConsumerRecord

from tenderflow_common.broker import received


def _consumer_record(value: bytes | None, headers: list[tuple[str, bytes | None]]) -> ConsumerRecord:
    return ConsumerRecord(topic="t", partition=3, offset=7, timestamp=0, timestamp_type=0, key=b"job-1", value=value,
                          checksum=None, serialized_key_size=5, serialized_value_size=0, headers=headers)


def test_headers_become_text_and_a_null_header_an_empty_one() -> None:
    record = received(_consumer_record(b"{}", [("traceparent", b"00-abc"), ("x-null", None), ("x-bad", b"\xff")]))

    assert record.headers == {"traceparent": "00-abc", "x-null": "", "x-bad": "\ufffd"}
    assert (record.topic, record.partition, record.offset, record.key, record.value) == ("t", 3, 7, b"job-1", b"{}")


def test_a_tombstone_becomes_an_empty_value() -> None:
    assert received(_consumer_record(None, [])).value == b""
