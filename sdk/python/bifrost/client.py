"""The HTTP client of the workflow API, configured from the environment."""

from __future__ import annotations

import os
from typing import Any

import httpx

from .errors import BifrostError, ConfigurationError, error_for
from .models import Integration, Mapping

DEFAULT_TIMEOUT = 30.0


class Client:
    """Talks to one Bifrost server with one API key, acting for one organization by default."""

    def __init__(
        self,
        url: str,
        api_key: str,
        organization: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not url:
            raise ConfigurationError("BIFROST_URL is not set: the Bifrost server's address")
        if not api_key:
            raise ConfigurationError("BIFROST_API_KEY is not set: an API key from Settings > API Keys")
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.organization = organization or None
        self.timeout = timeout
        self.transport = transport

    @classmethod
    def from_env(cls, *, transport: httpx.AsyncBaseTransport | None = None) -> "Client":
        """From BIFROST_URL, BIFROST_API_KEY and BIFROST_ORG."""
        return cls(
            os.environ.get("BIFROST_URL", "").strip(),
            os.environ.get("BIFROST_API_KEY", "").strip(),
            os.environ.get("BIFROST_ORG", "").strip() or None,
            transport=transport,
        )

    def __repr__(self) -> str:
        return f"Client(url={self.url!r}, organization={self.organization!r})"

    async def _get(self, path: str, params: dict[str, Any]) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        try:
            async with httpx.AsyncClient(
                base_url=self.url, timeout=self.timeout, transport=self.transport
            ) as http:
                return await http.get(path, params=params, headers=headers)
        except httpx.HTTPError as error:
            raise BifrostError(f"cannot reach the Bifrost server at {self.url}: {error}") from error

    @staticmethod
    def _raise_for(response: httpx.Response) -> None:
        if response.is_success:
            return
        body = _json_object(response)
        if body is None:
            code, message = None, response.text[:200] or response.reason_phrase
        else:
            code, message = body.get("error"), body.get("message") or response.reason_phrase
        raise error_for(response.status_code, code, f"{message} (HTTP {response.status_code})")

    async def get_integration(self, name: str, scope: str | int | None = None) -> Integration | None:
        """The integration in `scope` (an organization id or name, or "global"); the client's
        organization when None. None when no integration has that name, or when the
        organization is not mapped to it (a customer key gets nothing configured)."""
        scope = scope if scope is not None else self.organization
        params = {} if scope is None else {"scope": str(scope)}
        response = await self._get(f"/api/v1/integrations/{_segment(name)}", params)
        if response.status_code == 404 and _code(response) in ("integration_not_found", "integration_not_configured"):
            return None
        self._raise_for(response)
        return Integration.from_json(_answer(response))

    async def list_mappings(self, name: str) -> list[Mapping]:
        """Every organization mapped in the integration (the key's own only, for a customer key)."""
        mappings: list[Mapping] = []
        page = 1
        while True:
            response = await self._get(f"/api/v1/integrations/{_segment(name)}/mappings", {"page": page})
            self._raise_for(response)
            body = _answer(response)
            mappings.extend(Mapping.from_json(item) for item in body["items"])
            if not body["items"] or len(mappings) >= body["total"]:
                return mappings
            page += 1


def _segment(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _answer(response: httpx.Response) -> dict[str, Any]:
    """A successful answer's JSON object; anything else (a proxy's page) is a BifrostError."""
    body = _json_object(response)
    if body is None:
        raise BifrostError(
            f"the server at {response.request.url} did not answer with the workflow API's JSON",
            status=response.status_code,
        )
    return body


def _code(response: httpx.Response) -> str | None:
    body = _json_object(response)
    return body.get("error") if body else None
