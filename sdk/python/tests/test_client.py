"""The package against a stand-in server (httpx.MockTransport): requests, answers, errors."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
import pytest

import bifrost
from bifrost import Client, integrations
from bifrost.__main__ import main

RESOLVED = {
    "name": "HaloPSA",
    "entity_id": "tenant-a",
    "entity_name": "Contoso Ltd",
    "organization": {"id": 7, "name": "Contoso"},
    "mapped": True,
    "config": {"base_url": "https://halo.example.com", "timeout": 45},
    "oauth": {
        "access_token": "token-value",
        "token_type": "Bearer",
        "expires_at": "2026-11-26T01:02:03Z",
        "scopes": ["api.read"],
    },
    "missing_required": [],
}


def stand_in(requests: list[httpx.Request], answers: dict[str, httpx.Response]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return answers.get(request.url.path, httpx.Response(404, json={"error": "integration_not_found", "message": "no"}))

    return httpx.MockTransport(handle)


@pytest.fixture(autouse=True)
def fresh_integrations():
    integrations.configure(None)
    yield
    integrations.configure(None)


async def test_get_sends_the_key_and_the_execution_organization():
    requests: list[httpx.Request] = []
    transport = stand_in(requests, {"/api/v1/integrations/HaloPSA": httpx.Response(200, json=RESOLVED)})
    integrations.configure(Client("http://bifrost.test/", "bfk_key", "Contoso", transport=transport))

    integration = await integrations.get("HaloPSA")

    assert integration is not None
    assert integration.entity_id == "tenant-a"
    assert integration.config.get("base_url") == "https://halo.example.com"
    assert integration.oauth is not None and integration.oauth.access_token == "token-value"
    assert integration.oauth.expires_at == datetime(2026, 11, 26, 1, 2, 3, tzinfo=timezone.utc)
    assert integration.organization_name == "Contoso"
    assert requests[0].headers["authorization"] == "Bearer bfk_key"
    assert requests[0].url.params["scope"] == "Contoso"
    assert "token-value" not in repr(integration), "the token stays out of reprs and logs"


async def test_an_explicit_scope_wins_and_no_scope_sends_none():
    requests: list[httpx.Request] = []
    transport = stand_in(requests, {"/api/v1/integrations/HaloPSA": httpx.Response(200, json=RESOLVED)})
    client = Client("http://bifrost.test", "bfk_key", transport=transport)
    await client.get_integration("HaloPSA")
    await client.get_integration("HaloPSA", scope=12)
    assert "scope" not in requests[0].url.params
    assert requests[1].url.params["scope"] == "12"


async def test_an_unknown_integration_is_none():
    transport = stand_in([], {})
    integrations.configure(Client("http://bifrost.test", "bfk_key", transport=transport))
    assert await integrations.get("Nothing") is None


async def test_an_integration_not_configured_for_the_organization_is_none():
    not_configured = httpx.Response(404, json={"error": "integration_not_configured", "message": "no"})
    transport = stand_in([], {"/api/v1/integrations/HaloPSA": not_configured})
    integrations.configure(Client("http://bifrost.test", "bfk_key", transport=transport))
    assert await integrations.get("HaloPSA") is None


@pytest.mark.parametrize(
    ("status", "code", "exception"),
    [
        (401, "unauthorized", bifrost.AuthenticationError),
        (403, "forbidden", bifrost.PermissionDeniedError),
        (404, "organization_not_found", bifrost.NotFoundError),
        (409, "oauth_needs_reconnect", bifrost.ReconnectRequiredError),
        (502, "oauth_provider_error", bifrost.ProviderError),
        (500, "internal", bifrost.BifrostError),
    ],
)
async def test_error_answers_raise_clear_exceptions(status, code, exception):
    answer = httpx.Response(status, json={"error": code, "message": f"the {code} message"})
    transport = stand_in([], {"/api/v1/integrations/HaloPSA": answer})
    client = Client("http://bifrost.test", "bfk_key", transport=transport)
    with pytest.raises(exception) as raised:
        await client.get_integration("HaloPSA")
    assert raised.value.status == status
    assert raised.value.code == code
    assert f"the {code} message" in str(raised.value)


async def test_list_mappings_follows_the_pages():
    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        page = int(request.url.params["page"])
        items = [{"organization_id": page, "organization_name": f"Org {page}", "entity_id": f"t-{page}", "entity_name": ""}]
        return httpx.Response(200, json={"items": items, "page": page, "per_page": 1, "total": 2})

    client = Client("http://bifrost.test", "bfk_key", transport=httpx.MockTransport(handle))
    integrations.configure(client)
    mappings = await integrations.list_mappings("HaloPSA")
    assert [m.entity_id for m in mappings] == ["t-1", "t-2"]
    assert len(requests) == 2


def test_missing_settings_are_named(monkeypatch):
    monkeypatch.delenv("BIFROST_URL", raising=False)
    monkeypatch.setenv("BIFROST_API_KEY", "bfk_key")
    with pytest.raises(bifrost.ConfigurationError, match="BIFROST_URL"):
        Client.from_env()


def test_workflow_marks_the_function():
    @bifrost.workflow
    async def sample():
        return 1

    assert getattr(sample, "__bifrost_workflow__") is True


def test_the_runner_prints_the_result_as_json(tmp_path, monkeypatch, capsys):
    (tmp_path / "sample_flow.py").write_text(
        "from bifrost import workflow\n\n@workflow\nasync def hello():\n    return {'hello': 'world'}\n"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["run", "sample_flow:hello"]) == 0
    assert json.loads(capsys.readouterr().out) == {"hello": "world"}


def test_the_runner_reports_api_errors_without_a_traceback(tmp_path, monkeypatch, capsys):
    (tmp_path / "failing_flow.py").write_text(
        "from bifrost import BifrostError\n\nasync def go():\n    raise BifrostError('nope', status=401)\n"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["run", "failing_flow:go"]) == 1
    assert "BifrostError: nope" in capsys.readouterr().err


async def test_names_are_encoded_into_one_path_segment():
    requests: list[httpx.Request] = []
    transport = stand_in(requests, {})
    await Client("http://bifrost.test", "bfk_key", transport=transport).get_integration("a/b c?")
    assert requests[0].url.raw_path.startswith(b"/api/v1/integrations/a%2Fb%20c%3F")


async def test_answers_that_are_not_the_api_s_json_raise_bifrost_errors():
    for answer in [httpx.Response(200, text="<html>proxy login</html>"), httpx.Response(200, json=["a list"])]:
        transport = stand_in([], {"/api/v1/integrations/HaloPSA": answer})
        with pytest.raises(bifrost.BifrostError):
            await Client("http://bifrost.test", "bfk_key", transport=transport).get_integration("HaloPSA")
    error_page = httpx.Response(502, text="Bad gateway from a proxy")
    transport = stand_in([], {"/api/v1/integrations/HaloPSA": error_page})
    with pytest.raises(bifrost.ProviderError, match="Bad gateway"):
        await Client("http://bifrost.test", "bfk_key", transport=transport).get_integration("HaloPSA")


async def test_an_unreachable_server_is_a_bifrost_error():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = Client("http://bifrost.test", "bfk_key", transport=httpx.MockTransport(refuse))
    with pytest.raises(bifrost.BifrostError, match="cannot reach"):
        await client.get_integration("HaloPSA")


def test_environment_values_are_trimmed_and_an_empty_org_is_none(monkeypatch):
    monkeypatch.setenv("BIFROST_URL", " http://bifrost.test/ \n")
    monkeypatch.setenv("BIFROST_API_KEY", "bfk_key\n")
    monkeypatch.setenv("BIFROST_ORG", "  ")
    client = Client.from_env()
    assert (client.url, client.api_key, client.organization) == ("http://bifrost.test", "bfk_key", None)
