"""Kafka clients get SASL and TLS from TENDERFLOW_KAFKA_*; an incomplete configuration is refused at start-up."""

import datetime
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from faststream.security import SASLScram256, SASLScram512
from pydantic import ValidationError

from tenderflow_common.broker import make_broker
from tenderflow_common.kafka_security import broker_security, client_options
from tenderflow_common.settings import KafkaSettings


@pytest.fixture
def certificate_files(tmp_path):
    """A self-signed certificate and its key, standing in for the CA and for a client certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kafka-test-ca")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "ca.pem", tmp_path / "client.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def test_plaintext_by_default_leaves_clients_unchanged(monkeypatch):
    for name in ("SECURITY_PROTOCOL", "SASL_USERNAME", "SASL_PASSWORD", "SSL_CAFILE", "SSL_CERTFILE", "SSL_KEYFILE"):
        monkeypatch.delenv(f"TENDERFLOW_KAFKA_{name}", raising=False)
    settings = KafkaSettings(bootstrap_servers="kafka-1:9092,kafka-2:9092")
    assert client_options(settings) == {"bootstrap_servers": "kafka-1:9092,kafka-2:9092",
                                        "security_protocol": "PLAINTEXT", "ssl_context": None}
    assert broker_security(settings) is None


def test_scram_credentials_reach_aiokafka_and_faststream(monkeypatch):
    monkeypatch.setenv("TENDERFLOW_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("TENDERFLOW_KAFKA_SASL_USERNAME", "tenderflow-ingest")
    monkeypatch.setenv("TENDERFLOW_KAFKA_SASL_PASSWORD", "s3cret-from-the-vault")
    settings = KafkaSettings()
    options = client_options(settings)
    assert options["security_protocol"] == "SASL_PLAINTEXT"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == ("tenderflow-ingest",
                                                                                "s3cret-from-the-vault")
    security = broker_security(settings)
    assert isinstance(security, SASLScram512) and not security.use_ssl
    assert "s3cret" not in repr(settings)


def test_the_broker_factory_configures_its_clients_with_the_credentials():
    settings = KafkaSettings(security_protocol="SASL_PLAINTEXT", sasl_username="u", sasl_password="p")
    broker = make_broker(settings, "tenderflow-test")
    connection = broker.config.broker_config.builder.keywords
    assert (connection["security_protocol"], connection["sasl_mechanism"]) == ("SASL_PLAINTEXT", "SCRAM-SHA-512")
    assert (connection["sasl_plain_username"], connection["sasl_plain_password"]) == ("u", "p")


def test_sasl_without_a_password_is_refused():
    with pytest.raises(ValidationError, match="SASL_PASSWORD"):
        KafkaSettings(security_protocol="SASL_SSL", sasl_username="tenderflow")


@pytest.mark.parametrize("files", [{"ssl_certfile": "client.pem"}, {"ssl_keyfile": "client.key"}])
def test_a_client_certificate_needs_its_key(files):
    with pytest.raises(ValidationError, match="go together"):
        KafkaSettings(security_protocol="SSL", **files)


def test_tls_files_without_tls_are_refused(tmp_path):
    with pytest.raises(ValidationError, match="neither SSL nor SASL_SSL"):
        KafkaSettings(ssl_cafile=tmp_path / "ca.pem")


def test_tls_verifies_the_broker_against_the_configured_ca_and_presents_the_client_certificate(certificate_files):
    cert_file, key_file = certificate_files
    settings = KafkaSettings(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-256", sasl_username="u",
                             sasl_password="p", ssl_cafile=cert_file, ssl_certfile=cert_file, ssl_keyfile=key_file)
    context = client_options(settings)["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert [ca["subject"] for ca in context.get_ca_certs()] == [((("commonName", "kafka-test-ca"),),)]
    security = broker_security(settings)
    assert isinstance(security, SASLScram256) and security.use_ssl and security.ssl_context is not None
