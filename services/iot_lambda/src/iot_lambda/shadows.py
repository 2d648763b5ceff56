"""Reads and writes device shadows through the ``iot-data`` API (boto3)."""

from __future__ import annotations

import json
from typing import Any, Protocol

from botocore.exceptions import ClientError
from smarthome_contract import naming
from smarthome_contract.shadow import DeviceShadow, PresenceShadow


class IotDataClient(Protocol):
    """The part of boto3's ``iot-data`` client this module uses."""

    def get_thing_shadow(self, **kwargs: Any) -> dict[str, Any]: ...
    def update_thing_shadow(self, **kwargs: Any) -> dict[str, Any]: ...
    def list_named_shadows_for_thing(self, **kwargs: Any) -> dict[str, Any]: ...


class ShadowStore:
    """Named shadows of the configured things: device shadows and the bridge presence shadow."""

    def __init__(self, client: IotDataClient) -> None:
        self._client = client

    def device_ids(self, thing: str) -> list[str]:
        """Ids of the devices a bridge has published (every named shadow except presence)."""
        names: list[str] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"thingName": thing, "pageSize": 100}
            if token:
                kwargs["nextToken"] = token
            try:
                page = self._client.list_named_shadows_for_thing(**kwargs)
            except ClientError as exc:
                if _not_found(exc):
                    return []
                raise
            names.extend(page.get("results", []))
            token = page.get("nextToken")
            if not token:
                break
        return sorted(n for n in names if n != naming.presence_shadow_name())

    def device(self, thing: str, device_id: str) -> DeviceShadow | None:
        """A device's shadow, or ``None`` when it does not exist."""
        doc = self._get(thing, device_id)
        return None if doc is None else DeviceShadow.model_validate(doc)

    def presence(self, thing: str) -> PresenceShadow | None:
        """The bridge's presence shadow, or ``None`` before the bridge ever connected."""
        doc = self._get(thing, naming.presence_shadow_name())
        return None if doc is None else PresenceShadow.model_validate(doc)

    def set_desired(self, thing: str, device_id: str, desired: dict[str, Any]) -> int | None:
        """Write ``state.desired`` keys; returns the new shadow version."""
        payload = json.dumps({"state": {"desired": desired}}).encode()
        resp = self._client.update_thing_shadow(
            thingName=thing, shadowName=device_id, payload=payload
        )
        body = json.loads(resp["payload"].read())
        version = body.get("version")
        return int(version) if version is not None else None

    def _get(self, thing: str, shadow: str) -> dict[str, Any] | None:
        try:
            resp = self._client.get_thing_shadow(thingName=thing, shadowName=shadow)
        except ClientError as exc:
            if _not_found(exc):
                return None
            raise
        doc: dict[str, Any] = json.loads(resp["payload"].read())
        return doc


def _not_found(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException"
