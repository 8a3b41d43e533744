"""Exceptions for the Bifrost workflow API's error answers."""

from __future__ import annotations


class BifrostError(Exception):
    """An error answer from the Bifrost server, or a server that could not be reached."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class ConfigurationError(BifrostError):
    """BIFROST_URL or BIFROST_API_KEY is missing."""


class AuthenticationError(BifrostError):
    """401: no API key, or an unknown, revoked or expired one."""


class PermissionDeniedError(BifrostError):
    """403: a customer organization's key asked for another organization."""


class NotFoundError(BifrostError):
    """404 for something other than the integration itself (an unknown organization)."""


class ReconnectRequiredError(BifrostError):
    """409: the integration's OAuth token needs an administrator to connect it again."""


class ProviderError(BifrostError):
    """502: the OAuth provider failed to refresh the token; try again later."""


_BY_STATUS = {
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ReconnectRequiredError,
    502: ProviderError,
}


def error_for(status: int, code: str | None, message: str) -> BifrostError:
    """The exception for an error answer."""
    return _BY_STATUS.get(status, BifrostError)(message, status=status, code=code)
