"""The broker's access rules, generated from the naming rules the IoT policy is built from.

Every thing gets ``readwrite`` (publish, subscribe, receive) on the topic filters of
``naming.json`` with ``{thing}`` replaced by ``%u``: the broker sets the username to the client
certificate's CN (``use_identity_as_username``), which only the local CA can vouch for. The
broker also replaces the client id with that username (``use_username_as_clientid``), so a thing
is always connected under its own name, as the IoT policy's ``iot:Connect`` rule demands.
The shadow service gets a ``user`` block of its own: it answers on every thing's shadow topics.
"""

from __future__ import annotations

from smarthome_contract import naming

# Not a valid thing name ('.' is outside the thing-name alphabet), so no thing certificate can
# ever carry it.
SERVICE_IDENTITY = "devstack.shadow-service"

# The service's own rights. '#' does not match '$'-topics in mosquitto, hence the second line.
_SERVICE_TOPICS = ("#", "$aws/#")


def thing_patterns() -> list[str]:
    """The per-thing topic patterns, in mosquitto's ``%u`` syntax."""
    return [f.replace(naming.THING, "%u") for f in naming.rules().access.topic_filters]


def render_acl() -> str:
    """The mosquitto ``acl_file`` contents."""
    lines = [
        "# Generated from smarthome_contract/naming.json; do not edit.",
        f"user {SERVICE_IDENTITY}",
        *(f"topic readwrite {topic}" for topic in _SERVICE_TOPICS),
        "",
        "# Every thing: only its own topics and its own shadows.",
        *(f"pattern readwrite {pattern}" for pattern in thing_patterns()),
        "",
    ]
    return "\n".join(lines)
