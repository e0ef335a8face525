"""Answer-quality evaluation over real tender packages: the default question set and each tender's own questions.

Runs each tender (one document, or several zipped into one package) through the same domain code the services
use, in process and without Kafka or databases: ingest's archive reading and extraction (OCR included), the
workspace's chunking and builtin index, and the questions service's providers. Like the `tenderflow` CLI, this
harness lives outside the services because it imports several of them.
"""
