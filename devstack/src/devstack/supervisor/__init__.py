"""``make dev``: the supervisor that runs the whole system on one machine."""

from devstack.supervisor.settings import StackSettings
from devstack.supervisor.stack import Stack

__all__ = ["Stack", "StackSettings"]
