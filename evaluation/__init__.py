"""Answer-quality evaluation of the default question set over real tender documents.

Runs each tender through the same domain code the services use, in process and without Kafka or databases:
ingest's archive reading and extraction, the workspace's chunking and builtin index, and the questions
service's extractive provider. Like the `tenderflow` CLI, this harness lives outside the services because it
imports several of them.
"""
