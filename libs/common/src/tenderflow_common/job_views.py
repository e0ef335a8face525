"""Job views in Redis: the jobs service publishes each committed change, the gateway reads them without a hop.

A view is a hash of `version`, `view` (the JobView's JSON) and `pending`. Before a change commits its version is
marked pending, so a crash between the commit and the write leaves no older view being served; after the commit
the view is put only if it is newer than the one stored, so writers racing each other never move it backwards."""

from datetime import datetime

VIEW_TTL_SECONDS = 3600

# KEYS[1] the view; ARGV: the version about to commit, the TTL.
MARK_PENDING = """
local pending = tonumber(redis.call('HGET', KEYS[1], 'pending') or '0')
if tonumber(ARGV[1]) > pending then redis.call('HSET', KEYS[1], 'pending', ARGV[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""

# KEYS[1] the view; ARGV: the committed version, its JSON, the TTL. A pending mark this version covers is cleared.
PUT_IF_NEWER = """
local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
local version = tonumber(ARGV[1])
if version <= stored then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'view', ARGV[2])
local pending = redis.call('HGET', KEYS[1], 'pending')
if pending and tonumber(pending) <= version then redis.call('HDEL', KEYS[1], 'pending') end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""

FIELDS = ("version", "view", "pending")


def view_key(namespace: str, tenant_id: str, job_id: str) -> str:
    """One key per tenant and job, so another tenant's job id never finds a view (tenant ids hold no colon)."""
    return f"{namespace}tenderflow-jobs:view:{tenant_id}:{job_id}"


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
