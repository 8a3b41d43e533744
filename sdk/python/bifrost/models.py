"""What the workflow API returns, as plain objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import BifrostError


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class OAuthToken:
    """A fresh OAuth access token; the server refreshes it before handing it out."""

    access_token: str = field(repr=False)
    token_type: str
    expires_at: datetime | None
    scopes: list[str]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "OAuthToken":
        return cls(
            access_token=data["access_token"],
            token_type=data.get("token_type", "Bearer"),
            expires_at=_parse_time(data.get("expires_at")),
            scopes=list(data.get("scopes") or []),
        )


@dataclass(frozen=True)
class Integration:
    """An integration in one organization's scope."""

    name: str
    entity_id: str
    entity_name: str
    config: dict[str, Any] = field(repr=False)
    oauth: OAuthToken | None
    organization_id: int | None = None
    organization_name: str | None = None
    mapped: bool = False
    missing_required: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Integration":
        try:
            return cls._parse(data)
        except (KeyError, TypeError, ValueError) as error:
            raise BifrostError(f"unexpected answer from the server: {error!r}") from error

    @classmethod
    def _parse(cls, data: dict[str, Any]) -> "Integration":
        organization = data.get("organization") or {}
        oauth = data.get("oauth")
        return cls(
            name=data["name"],
            entity_id=data.get("entity_id", ""),
            entity_name=data.get("entity_name", ""),
            config=dict(data.get("config") or {}),
            oauth=OAuthToken.from_json(oauth) if oauth else None,
            organization_id=organization.get("id"),
            organization_name=organization.get("name"),
            mapped=bool(data.get("mapped")),
            missing_required=list(data.get("missing_required") or []),
        )


@dataclass(frozen=True)
class Mapping:
    """One organization mapped in an integration."""

    organization_id: int
    organization_name: str
    entity_id: str
    entity_name: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Mapping":
        return cls(
            organization_id=data["organization_id"],
            organization_name=data["organization_name"],
            entity_id=data["entity_id"],
            entity_name=data.get("entity_name", ""),
        )
