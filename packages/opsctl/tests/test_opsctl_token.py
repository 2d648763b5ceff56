"""`opsctl token` against a local HTTP server replaying recorded Cognito token-endpoint responses.

moto has no OAuth token endpoint, so this checks the HTTP exchange only: what opsctl sends
(POST, form-encoded client_credentials grant, HTTP Basic client auth) and how it reads Cognito's
answer. The responses in fixtures/ keep the status, headers and body shape of Cognito's
``/oauth2/token`` (the body of the success case is an inert, unsigned sample token).
"""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from opsctl.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "s3cr3t-client-secret"  # a throwaway value the test checks never leaks


@dataclass
class Replay:
    """A token endpoint on 127.0.0.1 that answers with one recorded response and keeps requests."""

    url: str
    recorded: dict[str, Any]
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def token_endpoint(request: pytest.FixtureRequest) -> Iterator[Replay]:
    recorded = json.loads((FIXTURES / request.param).read_text())
    seen: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            seen.append({"path": self.path, "headers": dict(self.headers), "body": body.decode()})
            payload = json.dumps(recorded["body"]).encode()
            self.send_response(recorded["status"])
            for name, value in recorded["headers"].items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield Replay(f"http://{host}:{port}/oauth2/token", recorded, seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _token(url: str, *extra: str) -> list[str]:
    return ["token", "--token-endpoint", url, "--client-id", "7sdokbgvop148mutf6trubr0ad", *extra]


@pytest.mark.parametrize("token_endpoint", ["cognito_token_ok.json"], indirect=True)
def test_token_recorded_response_prints_only_the_access_token(
    token_endpoint: Replay, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("M2M_SECRET", SECRET)

    code = main(
        _token(token_endpoint.url, "--client-secret-env", "M2M_SECRET", "--scope", "mcp/invoke")
    )

    out, err = capsys.readouterr()
    assert code == 0
    assert out == token_endpoint.recorded["body"]["access_token"] + "\n"
    assert SECRET not in out + err
    (sent,) = token_endpoint.requests
    assert sent["path"] == "/oauth2/token"
    assert sent["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(sent["body"]) == {"grant_type": ["client_credentials"], "scope": ["mcp/invoke"]}
    scheme, _, credentials = sent["headers"]["Authorization"].partition(" ")
    assert scheme == "Basic"
    assert base64.b64decode(credentials).decode() == f"7sdokbgvop148mutf6trubr0ad:{SECRET}"
    assert SECRET not in sent["body"]


@pytest.mark.parametrize("token_endpoint", ["cognito_token_ok.json"], indirect=True)
def test_token_recorded_response_secret_from_stdin_and_no_scope(
    token_endpoint: Replay, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    code = main(
        _token(token_endpoint.url, "--client-secret-stdin"), stdin=io.StringIO(SECRET + "\n")
    )

    assert code == 0
    assert capsys.readouterr().out.startswith("eyJ")
    (sent,) = token_endpoint.requests
    # Without --scope Cognito grants every scope the client is allowed.
    assert parse_qs(sent["body"]) == {"grant_type": ["client_credentials"]}


@pytest.mark.parametrize("token_endpoint", ["cognito_token_invalid_scope.json"], indirect=True)
def test_token_recorded_response_invalid_scope_is_explained(
    token_endpoint: Replay, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("M2M_SECRET", SECRET)

    code = main(_token(token_endpoint.url, "--client-secret-env", "M2M_SECRET", "--scope", "x/y"))

    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert "invalid_scope" in err
    assert "not allowed that scope" in err
    assert SECRET not in err


def test_token_missing_secret_names_the_variable_only(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.delenv("M2M_SECRET", raising=False)

    code = main(_token("http://127.0.0.1:9/oauth2/token", "--client-secret-env", "M2M_SECRET"))

    assert code == 1
    assert "$M2M_SECRET" in capsys.readouterr().err


def test_token_unreachable_endpoint_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("M2M_SECRET", SECRET)

    code = main(_token("http://127.0.0.1:9/oauth2/token", "--client-secret-env", "M2M_SECRET"))

    err = capsys.readouterr().err
    assert code == 1
    assert "could not reach the token endpoint" in err
    assert SECRET not in err
