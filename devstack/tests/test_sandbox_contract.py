"""Contract test: schemathesis drives the sandbox with cases generated from the contract view
(`openapi/accounting.json`) and checks that no answer violates it.

Positive and negative cases are generated (wrong types, out-of-range values, missing bodies); the
sandbox must answer every one with a status, content type and body the contract declares.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from devstack.sandbox import running_sandbox
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

# SANDBOX_CONTRACT_EXAMPLES=300 for a longer run than CI's.
EXAMPLES = int(os.environ.get("SANDBOX_CONTRACT_EXAMPLES", "15"))
CONTRACT = Path(__file__).resolve().parents[2] / "openapi" / "accounting.json"
TOKEN = "0123456789abcdef0123456789abcdef"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_sandbox(tmp_path_factory.mktemp("contract") / "sandbox.db", [TOKEN]) as url:
        yield url


@pytest.fixture(scope="module")
def contract(sandbox_url: str) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_path(CONTRACT)
    schema.config.update(base_url=sandbox_url, headers={"Authorization": TOKEN})
    return schema


schema = schemathesis.pytest.from_fixture("contract")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_sandbox_answers_conform_to_the_contract(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
