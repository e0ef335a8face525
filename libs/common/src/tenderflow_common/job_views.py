"""Job views in Redis: the jobs service publishes each committed change, the gateway reads them without a hop.

A view is a hash of `version`, `view` (the JobView's JSON) and `pending`. Before a change commits its version is
marked pending, so a crash between the commit and the write leaves no older view being served; after the commit
the view is put only if it is newer than the one stored, so writers racing each other never move it backwards."""

import json
from collections.abc import Iterable
from datetime import datetime

VIEW_TTL_SECONDS = 3600

# KEYS: views; ARGV: the version about to commit for each, then the TTL. One call marks a whole folded poll.
MARK_PENDING = """
local ttl = ARGV[#ARGV]
for i, key in ipairs(KEYS) do
  local pending = tonumber(redis.call('HGET', key, 'pending') or '0')
  if tonumber(ARGV[i]) > pending then redis.call('HSET', key, 'pending', ARGV[i]) end
  redis.call('EXPIRE', key, ttl)
end
return #KEYS
"""

# KEYS: views; ARGV: each one's committed version and its JSON, then the TTL. A pending mark a version covers is
# cleared. Returns how many were newer and put.
PUT_IF_NEWER = """
local ttl = ARGV[#ARGV]
local put = 0
for i, key in ipairs(KEYS) do
  local version = tonumber(ARGV[2 * i - 1])
  local stored = tonumber(redis.call('HGET', key, 'version') or '-1')
  if version > stored then
    redis.call('HSET', key, 'version', ARGV[2 * i - 1], 'view', ARGV[2 * i])
    local pending = redis.call('HGET', key, 'pending')
    if pending and tonumber(pending) <= version then redis.call('HDEL', key, 'pending') end
    redis.call('EXPIRE', key, ttl)
    put = put + 1
  end
end
return put
"""

FIELDS = ("version", "view", "pending")


def view_key(namespace: str, tenant_id: str, job_id: str) -> str:
    """One key per tenant and job, so another tenant's job id never finds a view (tenant ids hold no colon)."""
    return f"{namespace}tenderflow-jobs:view:{tenant_id}:{job_id}"


def views_pattern(namespace: str) -> str:
    """A SCAN pattern matching every tenant's job views in the namespace (its glob characters escaped)."""
    escaped = "".join("\\" + c if c in "*?[]\\" else c for c in namespace)
    return f"{escaped}tenderflow-jobs:view:*"


def served_view(fields: list[bytes | None]) -> bytes | None:
    """The stored view's JSON (as read with FIELDS), unless a newer version is pending and only the jobs
    database knows it yet."""
    version, view, pending = fields
    if view is None or version is None or (pending is not None and int(pending) > int(version)):
        return None
    return view


def remaining_seconds(percent: float, created_at: datetime, terminal: bool, now: datetime) -> float | None:
    """A job's ETA if the rate so far holds; None before there is a rate or after the end."""
    if terminal or percent <= 0:
        return None
    elapsed = max(0.0, (now - created_at).total_seconds())
    return round(elapsed * (100.0 - percent) / percent, 1)


# The internal read of a job names the view's version here, so a reader that had to ask the jobs service still
# knows where the view stands among the ones in Redis.
VERSION_HEADER = "X-Job-Version"


def changes_channel(namespace: str) -> str:
    """The pub/sub channel on which the jobs service announces each batch of views it put."""
    return f"{namespace}tenderflow-jobs:view-changes"


def change_notice(changes: Iterable[tuple[str, str, int]]) -> str:
    """One message for a whole batch of (tenant id, job id, version): a subscriber reads the views it follows."""
    return json.dumps([list(change) for change in changes], separators=(",", ":"))


def noticed_changes(message: bytes | str) -> list[tuple[str, str, int]]:
    """The (tenant id, job id, version) a notice announces; a malformed one announces nothing."""
    try:
        return [(str(tenant), str(job), int(version)) for tenant, job, version in json.loads(message)]
    except (ValueError, TypeError):
        return []
