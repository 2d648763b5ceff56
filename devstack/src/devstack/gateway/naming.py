"""Gateway tool names on FastMCP providers: ``<target>___<tool>``.

FastMCP's mount and ``Namespace`` join a prefix with ``_``; AgentCore Gateway joins the target
name and the tool name with ``___`` (``gateway_contract``), so the transform swaps the separator.
"""

from __future__ import annotations

from fastmcp.server.transforms.namespace import Namespace
from gateway_contract.rules import full_tool_name


class TargetPrefix(Namespace):
    """``name`` -> ``<target>___name``, and back for lookups."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self._name_prefix = full_tool_name(target, "")
