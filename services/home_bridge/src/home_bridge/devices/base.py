"""The driver interface every device implements, and the bridge's error tree.

A driver does I/O only in :meth:`Light.refresh` and :meth:`Light.apply`; everything else reads
what the last call learned. Adding a plug later means a new driver here, not a new design.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from smarthome_contract.shadow import DesiredState, ReportedState


class BridgeError(Exception):
    """Root of the bridge's own errors."""


class DeviceUnreachable(BridgeError):
    """The device did not answer (offline, wrong IP, Wi-Fi trouble); retried later."""


class DeviceRejected(BridgeError):
    """The device answered but refused the command (e.g. a value out of its range)."""


class DeviceConfigError(BridgeError):
    """The bridge's configuration cannot work with the device (wrong TP-Link login, wrong
    family or encryption). Not retried: a TP-Link account can be locked after repeated failed
    logins, and the fix is a configuration change and a restart."""


class Light(ABC):
    """A device the bridge controls, identified by the id that names its shadow."""

    def __init__(self, device_id: str, name: str) -> None:
        self.device_id = device_id
        self.name = name

    @abstractmethod
    async def refresh(self) -> ReportedState:
        """Read the device and return its full state.

        Raises :class:`DeviceUnreachable`, :class:`DeviceRejected` or :class:`DeviceConfigError`.
        """

    @abstractmethod
    async def apply(self, desired: DesiredState) -> ReportedState:
        """Set exactly the keys ``desired`` names, keep the others (``on`` included) as they
        are, then return the state the device reports afterwards. Call after :meth:`refresh`.

        Raises :class:`DeviceUnreachable`, :class:`DeviceRejected` or :class:`DeviceConfigError`.
        """

    @abstractmethod
    async def close(self) -> None:
        """Release connections."""
