"""Who may use which tool (authorization model v2), as pure functions of the verified caller.

- ``home___*`` tools: callers with at least one home group (``home-<thing>``); which devices of
  which home is the smart-home Lambda's decision, from the same groups.
- the write tools (``WRITE_TOOLS``): members of ``accounting-writers`` only;
- every other tool (accounting reads, the read-only OpenAPI target): every verified caller.

The same rule hides a tool from ``tools/list`` and refuses a call to it, so a caller never sees a
tool they would be refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from gateway_contract.caller import Caller
from gateway_contract.rules import rules, split_tool_name

from gateway_interceptor.settings import InterceptorSettings


@dataclass(frozen=True)
class Policy:
    """The tool rules for one gateway's targets."""

    home_targets: frozenset[str]
    runtime_targets: frozenset[str]
    write_tools: frozenset[str]

    @classmethod
    def from_settings(cls, settings: InterceptorSettings) -> Policy:
        return cls(
            home_targets=frozenset(settings.home_targets),
            runtime_targets=frozenset(settings.runtime_targets),
            write_tools=frozenset(settings.write_tools),
        )

    def is_home_tool(self, tool: str) -> bool:
        """A tool of a smart-home Lambda target (it gets the caller as an argument)."""
        return split_tool_name(tool)[0] in self.home_targets

    def is_runtime_tool(self, tool: str) -> bool:
        """A tool of a runtime MCP-server target (it gets the caller as a header)."""
        return split_tool_name(tool)[0] in self.runtime_targets

    @cached_property
    def _targets_by_fold(self) -> dict[str, str]:
        return {t.casefold(): t for t in (*self.home_targets, *self.runtime_targets)}

    @cached_property
    def _writes_by_fold(self) -> dict[str, str]:
        return {w.casefold(): w for w in self.write_tools}

    def well_formed(self, tool: str) -> bool:
        """A name the Gateway can have listed, and no case variant of one of the guarded tools
        (the rules compare exactly; a router that matched loosely must not get a variant)."""
        if not re.fullmatch(rules().tool_name_pattern, tool):
            return False
        target = split_tool_name(tool)[0]
        if self._targets_by_fold.get(target.casefold(), target) != target:
            return False
        return self._writes_by_fold.get(tool.casefold(), tool) == tool

    def refusal(self, caller: Caller, tool: str) -> str | None:
        """Why ``caller`` may not use ``tool`` (a sentence for the caller), or ``None``."""
        if self.is_home_tool(tool) and not caller.homes:
            return (
                "You have no home assigned, so the smart-home tools are not available to you. "
                "Ask an administrator to add you to your home."
            )
        if tool in self.write_tools and not caller.is_accounting_writer:
            return (
                f"{split_tool_name(tool)[1]} changes accounting data and needs the "
                f"{rules().groups.accounting_writers} group. Ask an administrator for write "
                "access; reading is open to you."
            )
        return None

    def visible(self, caller: Caller, tool: str) -> bool:
        """Whether ``tools/list`` shows ``tool`` to ``caller``."""
        return self.refusal(caller, tool) is None
