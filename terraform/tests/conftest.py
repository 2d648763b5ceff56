"""Fixtures of the Terraform harness (defined in tfharness.py, importable by the tests)."""

import pytest
from bootstrap_fixture import bootstrap  # noqa: F401 - re-exported as a pytest fixture
from tfharness import (  # noqa: F401 - re-exported as pytest fixtures
    TOOLCHAINS_USED,
    moto_endpoint,
    real_provider,
    schema_provider,
    scratch_root,
    terraform,
    workspace_copy,
)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which Terraform toolchains the run used, next to pytest's own summary."""
    terminalreporter.section("Terraform toolchains")
    if not TOOLCHAINS_USED:
        terminalreporter.write_line("no Terraform check ran")
    for name, detail in sorted(TOOLCHAINS_USED.items()):
        terminalreporter.write_line(f"{name}: {detail}")
