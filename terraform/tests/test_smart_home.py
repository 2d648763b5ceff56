"""The smart_home module: least-privilege policies read from the plan, and a real apply on moto."""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest
from tfharness import REGION, REPO, Toolchain

pytestmark = pytest.mark.terraform

NAMING = REPO / "packages" / "smarthome_contract" / "src" / "smarthome_contract" / "naming.json"
THING_VAR = "${iot:Connection.Thing.ThingName}"


def _csr(thing: str) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, thing)]))
        .sign(key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def _inputs(tmp_path: Path, name: str, things: list[str]) -> dict[str, Any]:
    zip_path = tmp_path / "iot_lambda.zip"
    with zipfile.ZipFile(zip_path, "w") as zf:
        zf.writestr("iot_lambda/__init__.py", "")
    return {
        "name": name,
        "homes": {t: {"csr_pem": _csr(t)} for t in things},
        "lambda_zip_path": str(zip_path),
        # An expression, not the text: the scratch root is Terraform JSON, where "${" interpolates.
        "naming_rules_json": f"${{file({json.dumps(str(NAMING))})}}",
        "command_wait_seconds": 8,
        "lambda_timeout_seconds": 15,
        "metric_namespace": "AgentCoreMcp/test",
    }


def _statements(document: str | dict[str, Any]) -> list[dict[str, Any]]:
    doc = json.loads(document) if isinstance(document, str) else document
    return [
        {**s, "Action": _list(s["Action"]), "Resource": _list(s["Resource"])}
        for s in doc["Statement"]
    ]


def _list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _assert_least_privilege(
    statements: list[dict[str, Any]], allowed: tuple[str, ...], star_ok: set[str] = frozenset()
) -> None:
    for st in statements:
        for action in st["Action"]:
            assert "*" not in action, f"wildcard action {action} in {st['Sid']}"
        for resource in st["Resource"]:
            if resource == "*":
                assert set(st["Action"]) <= star_ok, f"{st['Sid']} grants {st['Action']} on *"
                continue
            assert any(a in resource for a in allowed), f"{resource} ({st['Sid']}) is not scoped"


def test_iot_policy_confines_each_bridge_to_itself(schema_provider, scratch_root, tmp_path) -> None:
    root = scratch_root(schema_provider, "smart_home", _inputs(tmp_path, "sh-plan", ["a", "b"]))
    plan = root.plan()
    changes = plan.resource_changes
    policy = changes["module.under_test.aws_iot_policy.bridge"]["change"]["after"]["policy"]
    statements = _statements(policy)
    by_sid = {s["Sid"]: s for s in statements}

    connect = by_sid["ConnectAsItsOwnThing"]
    assert connect["Action"] == ["iot:Connect"]
    assert connect["Resource"] == [f"arn:aws:iot:{REGION}:123456789012:client/{THING_VAR}"]
    assert connect["Condition"] == {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}
    naming = json.loads(NAMING.read_text())
    expected = [
        f.replace("{thing}", THING_VAR).replace("#", "*") for f in naming["access"]["topic_filters"]
    ]
    assert sorted(by_sid["PublishAndReceiveOwnTopics"]["Action"]) == ["iot:Publish", "iot:Receive"]
    assert [r.split(":", 5)[5] for r in by_sid["PublishAndReceiveOwnTopics"]["Resource"]] == [
        f"topic/{t}" for t in expected
    ]
    assert [r.split(":", 5)[5] for r in by_sid["SubscribeOwnTopicFilters"]["Resource"]] == [
        f"topicfilter/{t}" for t in expected
    ]
    # Every resource names the connecting thing: one policy, no bridge can reach another's topics.
    _assert_least_privilege(statements, allowed=(THING_VAR,))

    lambda_doc = changes["module.under_test.aws_iam_role_policy.lambda"]["change"]["after"][
        "policy"
    ]
    lambda_statements = _statements(lambda_doc)
    _assert_least_privilege(
        lambda_statements,
        allowed=(
            ":thing/sh-plan-a",
            ":thing/sh-plan-b",
            ":log-group:/aws/lambda/sh-plan-smart-home",
        ),
    )
    (listing,) = (s for s in lambda_statements if s["Action"] == ["iot:ListNamedShadowsForThing"])
    assert sorted(listing["Resource"]) == [
        f"arn:aws:iot:{REGION}:123456789012:thing/sh-plan-{h}" for h in ("a", "b")
    ]
    deny = next(s for s in lambda_statements if s["Effect"] == "Deny")
    assert deny["Action"] == ["iot:UpdateThingShadow"]
    assert all(r.endswith("/bridge") for r in deny["Resource"])

    rules_doc = changes["module.under_test.aws_iam_role_policy.rules"]["change"]["after"]["policy"]
    _assert_least_privilege(
        _statements(rules_doc),
        allowed=(
            ":topic/$aws/things/sh-plan-a/shadow/name/bridge/update",
            ":topic/$aws/things/sh-plan-b/shadow/name/bridge/update",
            ":log-group:/aws/iot/rules/sh-plan-presence",
        ),
    )


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def moto_iot_tags(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto 5.2.5 has no IoT Tag/Untag/ListTagsForResource, which the provider calls for every
    taggable IoT resource (default_tags): fill that gap of the AWS stand-in, in memory."""
    from moto.iot.responses import IoTResponse

    tags: dict[str, dict[str, str]] = {}

    def list_tags_for_resource(self: Any) -> str:
        arn = self._get_param("resourceArn")
        return json.dumps({"tags": [{"Key": k, "Value": v} for k, v in tags.get(arn, {}).items()]})

    def tag_resource(self: Any) -> str:
        arn = self._get_param("resourceArn")
        tags.setdefault(arn, {}).update({t["Key"]: t["Value"] for t in self._get_param("tags")})
        return "{}"

    def untag_resource(self: Any) -> str:
        arn = self._get_param("resourceArn")
        for key in self.querystring.get("tagKeys", []):
            tags.get(arn, {}).pop(key, None)
        return "{}"

    monkeypatch.setattr(
        IoTResponse, "list_tags_for_resource", list_tags_for_resource, raising=False
    )
    monkeypatch.setattr(IoTResponse, "tag_resource", tag_resource, raising=False)
    monkeypatch.setattr(IoTResponse, "untag_resource", untag_resource, raising=False)


@pytest.mark.usefixtures("moto_iot_tags")
def test_apply_on_moto_creates_things_certificates_lambda_and_rules(
    real_provider: Toolchain, moto_endpoint: str, scratch_root, tmp_path: Path
) -> None:
    suffix = uuid.uuid4().hex[:6]
    name, homes = f"sh-{suffix}", ["a", "b"]
    things = [f"{name}-{home}" for home in homes]
    root = scratch_root(real_provider, "smart_home", _inputs(tmp_path, name, homes), moto_endpoint)

    out = root.apply()

    iot, lam = _client("iot", moto_endpoint), _client("lambda", moto_endpoint)
    assert out["thing_names"] == sorted(things)
    assert out["things"] == dict(zip(homes, things, strict=True))
    # moto makes up a new endpoint id per call; AWS's is stable. The shape is what matters.
    assert out["iot_endpoint"].endswith(f"-ats.iot.{REGION}.amazonaws.com")
    for thing in things:
        principals = iot.list_thing_principals(thingName=thing)["principals"]
        cert_id = out["certificate_ids"][thing]
        assert [p.rsplit("/", 1)[1] for p in principals] == [cert_id]
        assert out["certificate_pems"][thing].startswith("-----BEGIN CERTIFICATE-----")
        attached = iot.list_attached_policies(target=principals[0])["policies"]
        assert [p["policyName"] for p in attached] == [out["iot_policy_name"]]

    # The real provider's rendering of the policy: still scoped to the connecting thing.
    document = iot.get_policy(policyName=out["iot_policy_name"])["policyDocument"]
    _assert_least_privilege(_statements(document), allowed=(THING_VAR,))

    config = lam.get_function_configuration(FunctionName=out["lambda_function_name"])
    assert config["Architectures"] == ["arm64"]
    assert config["Handler"] == "iot_lambda.handler.handler"
    env = config["Environment"]["Variables"]
    assert env["THING_NAMES"] == ",".join(sorted(things))
    assert env["IOT_DATA_ENDPOINT"] == f"https://{out['iot_endpoint']}"
    assert env["COMMAND_WAIT_SECONDS"] == "8"
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "AgentCoreMcp/test"
    assert out["lambda_function_arn"] == config["FunctionArn"].removesuffix(":$LATEST")

    # The Gateway's target: an alias on the version this apply published.
    alias = lam.get_alias(FunctionName=out["lambda_function_name"], Name="live")
    assert alias["AliasArn"] == out["lambda_alias_arn"]
    assert alias["FunctionVersion"] == out["lambda_version"] != "$LATEST"

    rule = iot.get_topic_rule(ruleName=out["presence_rule_names"]["offline"])["rule"]
    assert "WHERE connected = false" in rule["sql"]
    assert f"startswith(topic(2), '{name}-')" in rule["sql"]
    republish = rule["actions"][0]["republish"]
    assert republish["topic"] == "$$aws/things/${topic(2)}/shadow/name/bridge/update"
