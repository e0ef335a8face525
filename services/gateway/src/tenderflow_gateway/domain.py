"""Pure rules of the gateway: API key format, hashing and scopes, request parsing."""

import hashlib
import json
import re
import secrets

from pydantic import TypeAdapter, ValidationError

from tenderflow_common.contracts.shared import QuestionSpec

KEY_PATTERN = re.compile(r"^tf_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$")
TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
QUESTIONS = TypeAdapter(list[QuestionSpec])
SCOPES = ("read", "write", "admin")
DEFAULT_KEY_SCOPES = frozenset({"read", "write"})


def new_api_key() -> tuple[str, str]:
    """A fresh key and its public prefix; the key is shown once and only its hash is kept."""
    prefix = secrets.token_hex(4)
    return f"tf_{prefix}_{secrets.token_urlsafe(32)}", prefix


def hash_api_key(key: str) -> str:
    """Keys carry 256 random bits, so a plain SHA-256 cannot be brute-forced and needs no salt."""
    return hashlib.sha256(key.encode()).hexdigest()


def looks_like_api_key(key: str) -> bool:
    """Cheap shape check before touching the database."""
    return bool(KEY_PATTERN.match(key))


def known_scopes(words) -> frozenset[str]:
    """The scopes among `words` that mean something here; anything else is ignored, never trusted."""
    return frozenset(word for word in words if word in SCOPES)


def scopes_text(scopes: frozenset[str]) -> str:
    """Scopes as stored and as sent in a token: space-separated, in a fixed order."""
    return " ".join(scope for scope in SCOPES if scope in scopes)


def required_scope(method: str) -> str:
    """Reading needs `read`; anything that changes state needs `write`."""
    return "read" if method in ("GET", "HEAD", "OPTIONS") else "write"


class InvalidQuestions(ValueError):
    """The `questions` form field is not a JSON array of questions."""


def parse_questions(raw: str) -> list[QuestionSpec]:
    """Parse the `questions` form field, refusing duplicates and anything that is not the contract."""
    try:
        questions = QUESTIONS.validate_python(json.loads(raw))
    except (json.JSONDecodeError, RecursionError) as error:
        raise InvalidQuestions(f"questions is not valid JSON: {error}") from error
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidQuestions(f"questions[{where}]: {first['msg']}") from error
    if not questions:
        raise InvalidQuestions("questions is empty")
    ids = [question.id for question in questions]
    if len(set(ids)) != len(ids):
        raise InvalidQuestions("question ids must be unique")
    return questions
