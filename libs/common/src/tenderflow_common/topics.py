"""Topic names: one commands and one events topic per owning service, plus the public upload topic."""

OWNERS = ("gateway", "ingest", "workspace", "questions", "jobs")

UPLOADS = "tenderflow.uploads"


def commands(owner: str) -> str:
    """Topic that carries commands for `owner`."""
    return f"tenderflow.{owner}.commands"


def events(owner: str) -> str:
    """Topic that carries the events `owner` emits."""
    return f"tenderflow.{owner}.events"


def dead_letters(topic: str) -> str:
    """Where messages from `topic` go when they cannot be handled."""
    return f"{topic}.dlq"


INGEST_COMMANDS = commands("ingest")
INGEST_EVENTS = events("ingest")
WORKSPACE_COMMANDS = commands("workspace")
WORKSPACE_EVENTS = events("workspace")
QUESTIONS_COMMANDS = commands("questions")
QUESTIONS_EVENTS = events("questions")
JOBS_COMMANDS = commands("jobs")
JOBS_EVENTS = events("jobs")

PIPELINE_TOPICS = (
    INGEST_COMMANDS,
    INGEST_EVENTS,
    WORKSPACE_COMMANDS,
    WORKSPACE_EVENTS,
    QUESTIONS_COMMANDS,
    QUESTIONS_EVENTS,
    JOBS_COMMANDS,
    JOBS_EVENTS,
    UPLOADS,
)

ALL_TOPICS = PIPELINE_TOPICS + tuple(dead_letters(t) for t in PIPELINE_TOPICS)
