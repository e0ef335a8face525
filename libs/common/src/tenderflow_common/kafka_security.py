"""How every Kafka client authenticates and encrypts: one place turns TENDERFLOW_KAFKA_* into client options."""

import ssl
from typing import Any

from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from tenderflow_common.settings import KafkaSettings

_FASTSTREAM_SASL = {"SCRAM-SHA-512": SASLScram512, "SCRAM-SHA-256": SASLScram256, "PLAIN": SASLPlaintext}


def ssl_context(settings: KafkaSettings) -> ssl.SSLContext | None:
    """A verifying TLS context (the CA file, else the system's trust store) with the client certificate, if any."""
    if not settings.uses_tls:
        return None
    context = ssl.create_default_context(cafile=str(settings.ssl_cafile) if settings.ssl_cafile else None)
    if settings.ssl_certfile is not None:
        context.load_cert_chain(str(settings.ssl_certfile), str(settings.ssl_keyfile))
    return context


def client_options(settings: KafkaSettings) -> dict[str, Any]:
    """Keyword arguments for any aiokafka producer, consumer or admin client."""
    options: dict[str, Any] = {"bootstrap_servers": settings.bootstrap_servers,
                               "security_protocol": settings.security_protocol,
                               "ssl_context": ssl_context(settings)}
    if settings.uses_sasl:
        assert settings.sasl_password is not None, "required by the settings' validator"
        options |= {"sasl_mechanism": settings.sasl_mechanism, "sasl_plain_username": settings.sasl_username,
                    "sasl_plain_password": settings.sasl_password.get_secret_value()}
    return options


def broker_security(settings: KafkaSettings) -> BaseSecurity | None:
    """The same settings as FastStream's security object, which its broker hands to aiokafka."""
    context = ssl_context(settings)
    if settings.uses_sasl:
        assert settings.sasl_username is not None and settings.sasl_password is not None, "validated"
        return _FASTSTREAM_SASL[settings.sasl_mechanism](
            settings.sasl_username, settings.sasl_password.get_secret_value(), ssl_context=context,
            use_ssl=settings.uses_tls)
    if context is not None:
        return BaseSecurity(ssl_context=context, use_ssl=True)
    return None
