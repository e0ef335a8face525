"""Which failures leave a claimed step to its lease (a server away) and which end it (anything about its input)."""

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from tenderflow_common.internal_client import ServiceUnavailable
from tenderflow_common.work import interrupted


class PostgresSaid(Exception):
    """A driver error as asyncpg's adapter raises it, carrying the server's SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize("error", [
    ConnectionRefusedError(), ConnectionResetError(), TimeoutError(), ServiceUnavailable("workspace"),
    OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly")),
    DBAPIError("SELECT 1", {}, PostgresSaid("57P03")),  # the database system is starting up
    DBAPIError("SELECT 1", {}, PostgresSaid("57P01")),  # terminating connection due to administrator command
    DBAPIError("SELECT 1", {}, PostgresSaid("40P01")),  # deadlock detected: the server aborted one of two
])
def test_a_server_away_interrupts_the_step(error: BaseException) -> None:
    assert interrupted(error)


@pytest.mark.parametrize("error", [
    ValueError("bad input"), RuntimeError("model unavailable"), PermissionError("outside the tenant"),
    IntegrityError("INSERT", {}, Exception("duplicate key")),
    DBAPIError("SELECT 1", {}, PostgresSaid("22P02")),  # invalid text representation
])
def test_a_failure_of_the_step_itself_ends_it(error: BaseException) -> None:
    assert not interrupted(error)
