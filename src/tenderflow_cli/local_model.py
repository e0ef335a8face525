"""Embedded mode finds the local model server of `make llm-up` through the file that command writes.

`.run/llm.env`, in the current folder, holds the server's URL, a dummy key, the JSON mode the server needs and the
model's name; nothing secret. Its `TENDERFLOW_OPENAI_*` lines configure the `openai` provider only when no
`TENDERFLOW_OPENAI_*` variable is set in the environment: the environment configures that provider as a whole, and
the file never fills in part of it (the local server's URL beside a real OpenAI key, say).
"""

import os
from collections.abc import MutableMapping
from pathlib import Path

LOCAL_MODEL_ENV = Path(".run") / "llm.env"
PROVIDER_PREFIX = "TENDERFLOW_OPENAI_"
MODEL_VARIABLE = "TENDERFLOW_LOCAL_LLM_MODEL"


def read_env_file(path: Path) -> dict[str, str]:
    """`NAME=value` lines; blank lines and `#` comments are skipped."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def apply_local_model_env(path: Path = LOCAL_MODEL_ENV,
                          environ: MutableMapping[str, str] | None = None) -> dict[str, str] | None:
    """Set the file's `TENDERFLOW_OPENAI_*` variables in `environ` (the process environment by default) unless one
    is set there already; returns everything the file holds when it was used, else None."""
    environ = os.environ if environ is None else environ
    if not path.is_file() or any(name.startswith(PROVIDER_PREFIX) for name in environ):
        return None
    values = read_env_file(path)
    environ.update({name: value for name, value in values.items() if name.startswith(PROVIDER_PREFIX)})
    return values


def describe(values: dict[str, str], path: Path = LOCAL_MODEL_ENV) -> str:
    """One line saying which server the `openai` provider now talks to, and how to name its model."""
    model = values.get(MODEL_VARIABLE)
    name = f"--model openai:{model}" if model else "--model openai:<model>"
    return f"openai provider: the local model server of {path} at {values.get(PROVIDER_PREFIX + 'BASE_URL')} ({name})"


def answered_by_openai(model: str | None) -> bool:
    """Whether `provider:model` puts questions to the `openai` provider (directly or as `hybrid:openai:...`)."""
    return model is not None and model.removeprefix("hybrid:").startswith("openai:")
