"""Fixtures of the Terraform harness (defined in tfharness.py, importable by the tests)."""

from tfharness import (  # noqa: F401 - re-exported as pytest fixtures
    moto_endpoint,
    real_provider,
    schema_provider,
    scratch_root,
    terraform,
    workspace_copy,
)
