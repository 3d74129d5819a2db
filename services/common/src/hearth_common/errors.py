"""Cross-cutting: the error categories every domain error belongs to; entrypoints map a category to a status."""
from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; the message is meant for a person to act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidArgument(DomainError):
    """The request itself is malformed or out of range."""


class NotFound(DomainError):
    """What the request names does not exist."""


class AlreadyExists(DomainError):
    """What the request would create exists already."""


class Unauthenticated(DomainError):
    """The caller did not prove who they are."""


class PermissionDenied(DomainError):
    """The caller is known but may not do this."""


class FailedPrecondition(DomainError):
    """The request is valid but the current state does not allow it."""


class ResourceExhausted(DomainError):
    """A limit was reached; retry later."""

    def __init__(self, message: str, retry_after_seconds: float | None = None):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


CATEGORIES: tuple[type[DomainError], ...] = (
    InvalidArgument,
    NotFound,
    AlreadyExists,
    Unauthenticated,
    PermissionDenied,
    FailedPrecondition,
    ResourceExhausted,
)


def category_of(error: DomainError) -> type[DomainError]:
    """The category class a domain error derives from (FailedPrecondition when it names none)."""
    for cls in type(error).__mro__:
        if cls in CATEGORIES:
            return cls
    return FailedPrecondition


def refused_by_driver(exc: BaseException) -> InvalidArgument | None:
    """The refusal for text with a NUL character, which PostgreSQL cannot store: psycopg2 rejects it in a
    text parameter (ValueError), PostgreSQL in JSON (SQLSTATE 22P05, as SQLAlchemy's DataError). Nothing was
    written. None for any other error."""
    in_text = isinstance(exc, ValueError) and "NUL (0x00)" in str(exc)
    in_json = getattr(getattr(exc, "orig", None), "pgcode", None) == "22P05"
    return InvalidArgument("text must not contain NUL (0x00) characters") if in_text or in_json else None



_CATEGORIES_BY_NAME = {cls.__name__: cls for cls in CATEGORIES}


def from_remote(exc_type: str | None, value: object) -> DomainError | None:
    """The category error a remote service raised, from the type name its RPC reply carries (entrypoints raise
    the category itself: nameko_deps.rpc_errors); None when that name is no category (a bug over there)."""
    category = _CATEGORIES_BY_NAME.get(exc_type or "")
    return category(str(value if value is not None else "")) if category is not None else None
