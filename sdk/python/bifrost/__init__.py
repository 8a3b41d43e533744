"""Bifrost Integrations for workflow code.

    from bifrost import workflow, integrations

    @workflow
    async def fetch_customers():
        integration = await integrations.get("HaloPSA")
        ...

Configuration comes from BIFROST_URL, BIFROST_API_KEY and BIFROST_ORG (see README.md).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, TypeVar

from .client import Client
from .errors import (
    AuthenticationError,
    BifrostError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    ProviderError,
    ReconnectRequiredError,
)
from .models import Integration, Mapping, OAuthToken

__all__ = [
    "AuthenticationError",
    "BifrostError",
    "Client",
    "ConfigurationError",
    "Integration",
    "Mapping",
    "NotFoundError",
    "OAuthToken",
    "PermissionDeniedError",
    "ProviderError",
    "ReconnectRequiredError",
    "integrations",
    "workflow",
]

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def workflow(function: F) -> F:
    """Marks an async function as a workflow that `python -m bifrost run` may execute."""
    setattr(function, "__bifrost_workflow__", True)
    return function


class _Integrations:
    """`integrations.get(...)` and `integrations.list_mappings(...)` with a client configured from
    the environment when first used (or set with `integrations.configure(client)`)."""

    def __init__(self) -> None:
        self._client: Client | None = None

    def configure(self, client: Client | None) -> None:
        """Use this client from now on; None goes back to the environment's settings."""
        self._client = client

    def _current(self) -> Client:
        if self._client is None:
            self._client = Client.from_env()
        return self._client

    async def get(self, name: str, scope: str | int | None = None) -> Integration | None:
        """The integration for the execution organization (BIFROST_ORG) or `scope`; None when
        no integration has that name."""
        return await self._current().get_integration(name, scope)

    async def list_mappings(self, name: str) -> list[Mapping]:
        """The organizations mapped in the integration, with their entity IDs."""
        return await self._current().list_mappings(name)


integrations = _Integrations()
