"""Refusing guessable secrets in every environment, and giving each checkout its own random development secret."""

import math
import os
import secrets
import zlib
from collections import Counter
from pathlib import Path

MIN_LENGTH = 32
MIN_ENTROPY_BITS = 128.0
ZLIB_OVERHEAD = len(zlib.compress(b"", 9))


def estimated_entropy_bits(secret: str) -> float:
    """An upper bound on what a guesser faces: the lower of the characters' Shannon entropy (low for a short
    alphabet) and what zlib cannot squeeze out (low for a repeated phrase).

    Both only ever flatter a secret built from a pattern, so a minimum length goes with them."""
    counts = Counter(secret)
    per_character = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values()) if secret else 0.0
    incompressible_bits = 8 * max(0, len(zlib.compress(secret.encode(), 9)) - ZLIB_OVERHEAD)
    return min(per_character * len(secret), incompressible_bits)


def weakness(secret: str) -> str | None:
    """Why `secret` is too weak to sign with, or None when it is strong enough."""
    if len(secret) < MIN_LENGTH:
        return f"shorter than {MIN_LENGTH} characters"
    if estimated_entropy_bits(secret) < MIN_ENTROPY_BITS:
        return f"less than {MIN_ENTROPY_BITS:.0f} bits of estimated entropy"
    return None


def checkout_secret(path: Path) -> str:
    """The random secret kept at `path`, created on first use; every process of one checkout reads the same one."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
        file.write(secrets.token_urlsafe(48) + "\n")
    try:
        # A hard link appears whole or not at all: two services starting together share one secret, never a
        # half-written file.
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()
