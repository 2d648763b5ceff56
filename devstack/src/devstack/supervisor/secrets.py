"""Secrets Manager, locally: moto's server on 127.0.0.1, with each demo user's API token.

The runtime in ``per_user`` mode reads ``<prefix>/<sub>`` (``{"api_token": "..."}``, the shape
``make user-token`` stores) through ``MCP_RUNTIME_SECRETS_ENDPOINT_URL``. Only Secrets Manager is
used; moto's server answers the other services too, nothing calls them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from devstack.supervisor.users import DemoUser

REGION = "eu-central-1"
# moto accepts any credentials; these only keep boto3 from looking for real ones.
LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "devstack",
    "AWS_SECRET_ACCESS_KEY": "devstack",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}


class LocalSecrets:
    """``start()`` serves, ``seed()`` stores the users' tokens, ``stop()`` ends it."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._server = ThreadedMotoServer(ip_address=host, port=0, verbose=False)
        self.endpoint = ""

    def start(self) -> None:
        # moto's server logs every request through werkzeug; the supervisor's log is for people.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"

    def stop(self) -> None:
        if self.endpoint:
            self._server.stop()
            self.endpoint = ""

    def client(self) -> Any:
        return boto3.client(
            "secretsmanager",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def seed(self, prefix: str, users: Iterable[DemoUser]) -> None:
        """One secret per user, named ``<prefix>/<sub>`` (replaced when it exists already:
        moto keeps its state per process, so a second stack in one process finds the first's)."""
        client = self.client()
        for user in users:
            name = f"{prefix.rstrip('/')}/{user.sub}"
            value = json.dumps({"api_token": user.api_token})
            try:
                client.create_secret(Name=name, SecretString=value)
            except client.exceptions.ResourceExistsException:
                client.put_secret_value(SecretId=name, SecretString=value)
