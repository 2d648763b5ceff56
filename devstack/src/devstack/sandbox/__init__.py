"""Sandbox accounting API: the contract's endpoints over SQLite with seeded demo data.

A stand-in for the real API in `make dev` and tests, faithful to its wire format.
"""

from devstack.sandbox.app import API_PREFIX, create_app
from devstack.sandbox.server import running_sandbox

__all__ = ["API_PREFIX", "create_app", "running_sandbox"]
