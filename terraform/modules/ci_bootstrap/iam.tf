# The environment's deploy roles: a read-only plan role (main; pull requests only where allowed),
# a push role for the runtime image (main), and an apply role only the GitHub environment of the
# same name can assume. All three are capped by the deploy boundary; every role the apply role
# creates must carry the workload boundary.

locals {
  p = local.partition
  a = local.account
  r = local.region

  n  = local.env_name    # agentcore-mcp-dev
  rn = local.env_runtime # agentcore_mcp_dev

  workload_boundary_name = "${var.name}-ci-${var.environment}-workload-boundary"
  workload_boundary_arn  = "arn:${local.p}:iam::${local.a}:policy/${local.workload_boundary_name}"

  agentcore   = "arn:${local.p}:bedrock-agentcore:${local.r}:${local.a}"
  token_vault = "${local.agentcore}:token-vault/default"
  workloads   = "${local.agentcore}:workload-identity-directory/default"
  logs        = "arn:${local.p}:logs:${local.r}:${local.a}:log-group"
  iot         = "arn:${local.p}:iot:${local.r}:${local.a}"
  lambda      = "arn:${local.p}:lambda:${local.r}:${local.a}:function"
  secrets     = "arn:${local.p}:secretsmanager:${local.r}:${local.a}:secret"
  role        = "arn:${local.p}:iam::${local.a}:role"

  # Log groups of this environment: its Lambdas, its topic rules, its runtimes (AgentCore names
  # them /aws/bedrock-agentcore/runtimes/<runtime id>-<endpoint>, the id starting with the name).
  env_log_groups = [
    "${local.logs}:/aws/lambda/${local.n}-*",
    "${local.logs}:/aws/iot/rules/${local.n}-*",
    "${local.logs}:/aws/bedrock-agentcore/runtimes/${local.rn}-*",
  ]

  # The runtime-identity service-linked role AgentCore creates with the account's first runtime
  # (AWS managed policy BedrockAgentCoreFullAccess, statement
  # CreateBedrockAgentCoreRuntimeIdentityServiceLinkedRolePermissions).
  runtime_identity_service = "runtime-identity.bedrock-agentcore.amazonaws.com"
  runtime_identity_slr     = "${local.role}/aws-service-role/${local.runtime_identity_service}/AWSServiceRoleForBedrockAgentCoreRuntimeIdentity"

  # Read calls Terraform makes while refreshing this project's resources, one by one (no `Get*`:
  # bedrock-agentcore:Get* includes GetResourceApiKey and GetResourceOauth2Token, which hand out
  # credentials). Checked against AWS's action list by terraform/tests/test_pipeline_iam.py.
  read_actions = [
    "bedrock-agentcore:GetAgentRuntime",
    "bedrock-agentcore:GetAgentRuntimeEndpoint",
    "bedrock-agentcore:GetApiKeyCredentialProvider",
    "bedrock-agentcore:GetGateway",
    "bedrock-agentcore:GetGatewayTarget",
    "bedrock-agentcore:GetOauth2CredentialProvider",
    "bedrock-agentcore:GetTokenVault",
    "bedrock-agentcore:GetWorkloadIdentity",
    "bedrock-agentcore:ListAgentRuntimeEndpoints",
    "bedrock-agentcore:ListAgentRuntimeVersions",
    "bedrock-agentcore:ListAgentRuntimes",
    "bedrock-agentcore:ListApiKeyCredentialProviders",
    "bedrock-agentcore:ListGatewayTargets",
    "bedrock-agentcore:ListGateways",
    "bedrock-agentcore:ListOauth2CredentialProviders",
    "bedrock-agentcore:ListTagsForResource",
    "bedrock-agentcore:ListWorkloadIdentities",
    "budgets:ListTagsForResource",
    "budgets:ViewBudget",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:GetDashboard",
    "cloudwatch:ListTagsForResource",
    "cognito-idp:DescribeManagedLoginBranding",
    "cognito-idp:DescribeManagedLoginBrandingByClient",
    "cognito-idp:DescribeResourceServer",
    "cognito-idp:DescribeUserPool",
    # Returns the client secret; Terraform cannot refresh a client without it. Hence no pull
    # request ever assumes a prod role (plan_from_pull_requests).
    "cognito-idp:DescribeUserPoolClient",
    "cognito-idp:DescribeUserPoolDomain",
    "cognito-idp:GetGroup",
    "cognito-idp:GetLogDeliveryConfiguration",
    "cognito-idp:GetUICustomization",
    "cognito-idp:GetUserPoolMfaConfig",
    "cognito-idp:ListGroups",
    "cognito-idp:ListResourceServers",
    "cognito-idp:ListTagsForResource",
    "cognito-idp:ListUserPoolClients",
    "ecr:DescribeImages",
    "ecr:DescribeRepositories",
    "ecr:GetLifecyclePolicy",
    "ecr:ListTagsForResource",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    "iam:ListRolePolicies",
    "iam:ListRoleTags",
    "iot:DescribeCertificate",
    "iot:DescribeEndpoint",
    "iot:DescribeThing",
    "iot:GetPolicy",
    "iot:GetTopicRule",
    "iot:ListAttachedPolicies",
    "iot:ListPolicyVersions",
    "iot:ListPrincipalThings",
    "iot:ListTagsForResource",
    "iot:ListTargetsForPolicy",
    "iot:ListThingPrincipals",
    "lambda:GetAlias",
    "lambda:GetFunction",
    "lambda:GetFunctionCodeSigningConfig",
    "lambda:GetFunctionConfiguration",
    "lambda:GetFunctionRecursionConfig",
    "lambda:GetPolicy",
    "lambda:GetRuntimeManagementConfig",
    "lambda:ListTags",
    "lambda:ListVersionsByFunction",
    "logs:DescribeLogGroups",
    "logs:DescribeMetricFilters",
    "logs:DescribeQueryDefinitions",
    "logs:ListTagsForResource",
    "logs:ListTagsLogGroup",
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetResourcePolicy",
    "sns:GetSubscriptionAttributes",
    "sns:GetTopicAttributes",
    "sns:ListSubscriptionsByTopic",
    "sns:ListTagsForResource",
    "sts:GetCallerIdentity",
  ]

  # Calls that return credentials or data, or act as a caller of the workloads: no deploy role
  # needs them, so they are denied outright (a Deny also beats any policy added later).
  credential_actions = [
    "bedrock-agentcore:CompleteResourceTokenAuth",
    "bedrock-agentcore:GetResourceApiKey",
    "bedrock-agentcore:GetResourceOauth2Token",
    "bedrock-agentcore:GetResourcePaymentToken",
    "bedrock-agentcore:GetWorkloadAccessToken",
    "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
    "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
    "bedrock-agentcore:InvokeAgentRuntime*",
    "bedrock-agentcore:InvokeGateway",
    "cognito-idp:Admin*",
    "cognito-idp:InitiateAuth",
    "iot:GetThingShadow",
    "iot:UpdateThingShadow",
    "lambda:InvokeFunction",
    "secretsmanager:BatchGetSecretValue",
    "secretsmanager:GetSecretValue",
  ]

  # Every service the environment's configuration manages: the deploy boundary's ceiling.
  managed_services = [
    "bedrock-agentcore", "budgets", "cloudwatch", "cognito-idp", "ecr", "iam", "iot", "lambda",
    "logs", "secretsmanager", "sns",
  ]

  state_prefix_arn = "arn:${local.p}:s3:::${var.state_bucket_name}/${var.state_key_prefix}/${var.environment}"
  state_bucket_arn = "arn:${local.p}:s3:::${var.state_bucket_name}"
}

# --- trust --------------------------------------------------------------------------------------

locals {
  # Who may assume each deploy role: the GitHub OIDC `sub` claims.
  subjects = {
    plan = concat(
      ["repo:${var.github_repository}:ref:refs/heads/main"],
      var.plan_from_pull_requests ? ["repo:${var.github_repository}:pull_request"] : [],
    )
    push = ["repo:${var.github_repository}:ref:refs/heads/main"]
    # Only a job that declares `environment: <env>` gets this subject, so GitHub's environment
    # protection (required reviewers on prod) gates every apply.
    apply = ["repo:${var.github_repository}:environment:${var.environment}"]
  }
  role_descriptions = {
    plan  = "terraform plan of ${var.environment} from ${var.github_repository} (read-only)"
    push  = "Pushes the runtime image of ${var.environment} from ${var.github_repository} main"
    apply = "terraform apply of ${var.environment} from the ${var.github_repository} GitHub environment ${var.environment}"
  }
  role_policies = {
    plan  = data.aws_iam_policy_document.plan.json
    push  = data.aws_iam_policy_document.push.json
    apply = data.aws_iam_policy_document.apply.json
  }
}

data "aws_iam_policy_document" "trust" {
  for_each = local.subjects

  statement {
    sid     = "GitHubOidc"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.oidc_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = each.value
    }
  }
}

# --- shared statements ----------------------------------------------------------------------------

data "aws_iam_policy_document" "no_credentials" {
  statement {
    sid       = "NoCredentialsOrData"
    effect    = "Deny"
    actions   = local.credential_actions
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "plan" {
  source_policy_documents = [data.aws_iam_policy_document.no_credentials.json]

  statement {
    sid       = "StateList"
    actions   = ["s3:ListBucket"]
    resources = [local.state_bucket_arn]
  }

  statement {
    sid       = "StateRead"
    actions   = ["s3:GetObject"]
    resources = ["${local.state_prefix_arn}/*"]
  }

  # The S3 backend's lock is an object next to the state: a plan writes and deletes only that.
  statement {
    sid       = "StateLock"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.state_prefix_arn}/*.tflock"]
  }

  # Decrypt/GenerateDataKey: the state and the lock; Encrypt: sealing the saved plan artefact.
  statement {
    sid       = "StateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.state.arn]
  }

  statement {
    sid       = "ReadManagedResources"
    actions   = local.read_actions
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "push" {
  statement {
    # GetAuthorizationToken has no resource type: "*" is the only valid resource.
    sid       = "RegistryLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  # Tags are immutable in this repository, so a push cannot replace an image already there.
  statement {
    sid = "PushRuntimeImage"
    actions = [
      "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
      "ecr:DescribeImages", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
    ]
    resources = [var.runtime_repository_arn]
  }
}

data "aws_iam_policy_document" "apply" {
  source_policy_documents = [data.aws_iam_policy_document.no_credentials.json]

  statement {
    sid       = "StateList"
    actions   = ["s3:ListBucket"]
    resources = [local.state_bucket_arn]
  }

  statement {
    sid       = "StateReadWrite"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.state_prefix_arn}/*"]
  }

  statement {
    sid       = "StateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.state.arn]
  }

  statement {
    sid       = "ReadManagedResources"
    actions   = local.read_actions
    resources = ["*"]
  }

  # Calls AWS defines without a resource type (creation under generated ids, list calls): "*"
  # is the only resource they accept. The account holds this one environment alone.
  statement {
    sid = "CallsWithoutResourceTypes"
    actions = [
      "bedrock-agentcore:CreateAgentRuntime",
      "bedrock-agentcore:CreateGateway",
      "cognito-idp:CreateUserPool",
      "iot:CreateCertificateFromCsr",
      "logs:DeleteQueryDefinition",
      "logs:PutQueryDefinition",
    ]
    resources = ["*"]
  }

  statement {
    sid = "EnvironmentRuntimes"
    actions = [
      "bedrock-agentcore:DeleteAgentRuntime", "bedrock-agentcore:UpdateAgentRuntime",
      "bedrock-agentcore:TagResource", "bedrock-agentcore:UntagResource",
    ]
    resources = [
      "${local.agentcore}:runtime/${local.rn}-*",
      "${local.agentcore}:runtime/${local.rn}-*/runtime-endpoint/*",
    ]
  }

  statement {
    sid = "EnvironmentGateways"
    actions = [
      "bedrock-agentcore:CreateGatewayTarget", "bedrock-agentcore:DeleteGateway",
      "bedrock-agentcore:DeleteGatewayTarget", "bedrock-agentcore:UpdateGateway",
      "bedrock-agentcore:UpdateGatewayTarget", "bedrock-agentcore:TagResource",
      "bedrock-agentcore:UntagResource",
    ]
    # Gateway ids are the lowercased gateway name plus a generated suffix.
    resources = ["${local.agentcore}:gateway/${local.n}-*"]
  }

  # Credential providers are named after the environment; the token vault is the account's one.
  statement {
    sid = "EnvironmentCredentialProviders"
    actions = [
      "bedrock-agentcore:CreateApiKeyCredentialProvider",
      "bedrock-agentcore:CreateOauth2CredentialProvider",
      "bedrock-agentcore:DeleteApiKeyCredentialProvider",
      "bedrock-agentcore:DeleteOauth2CredentialProvider",
      "bedrock-agentcore:UpdateApiKeyCredentialProvider",
      "bedrock-agentcore:UpdateOauth2CredentialProvider",
      "bedrock-agentcore:TagResource", "bedrock-agentcore:UntagResource",
    ]
    resources = [
      local.token_vault,
      "${local.token_vault}/apikeycredentialprovider/${local.n}-*",
      "${local.token_vault}/oauth2credentialprovider/${local.n}-*",
    ]
  }

  # Gateways and runtimes get a workload identity named after them when they are created.
  statement {
    sid = "EnvironmentWorkloadIdentities"
    actions = [
      "bedrock-agentcore:CreateWorkloadIdentity", "bedrock-agentcore:DeleteWorkloadIdentity",
      "bedrock-agentcore:UpdateWorkloadIdentity",
    ]
    resources = [
      local.workloads,
      "${local.workloads}/workload-identity/${local.n}-*",
      "${local.workloads}/workload-identity/${local.rn}-*",
    ]
  }

  # AgentCore Identity keeps a credential provider's secret as
  # bedrock-agentcore-identity!default/<apikey|oauth2>/<provider name>-<suffix>, created with the
  # caller's permissions.
  statement {
    sid = "EnvironmentProviderSecrets"
    actions = [
      "secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:PutSecretValue",
      "secretsmanager:TagResource", "secretsmanager:UpdateSecret",
    ]
    resources = [
      "${local.secrets}:bedrock-agentcore-identity!default/apikey/${local.n}-*",
      "${local.secrets}:bedrock-agentcore-identity!default/oauth2/${local.n}-*",
    ]
  }

  # User pools carry generated ids: these act on the account's pools, which are this
  # environment's alone (one account per environment).
  statement {
    sid = "UserPools"
    actions = [
      "cognito-idp:CreateGroup", "cognito-idp:CreateManagedLoginBranding",
      "cognito-idp:CreateResourceServer", "cognito-idp:CreateUserPoolClient",
      "cognito-idp:CreateUserPoolDomain", "cognito-idp:DeleteGroup",
      "cognito-idp:DeleteManagedLoginBranding", "cognito-idp:DeleteResourceServer",
      "cognito-idp:DeleteUserPool", "cognito-idp:DeleteUserPoolClient",
      "cognito-idp:DeleteUserPoolDomain", "cognito-idp:SetUserPoolMfaConfig",
      "cognito-idp:TagResource", "cognito-idp:UntagResource", "cognito-idp:UpdateGroup",
      "cognito-idp:UpdateManagedLoginBranding", "cognito-idp:UpdateResourceServer",
      "cognito-idp:UpdateUserPool", "cognito-idp:UpdateUserPoolClient",
      "cognito-idp:UpdateUserPoolDomain",
    ]
    resources = ["arn:${local.p}:cognito-idp:${local.r}:${local.a}:userpool/*"]
  }

  statement {
    sid = "EnvironmentThings"
    actions = [
      "iot:CreateThing", "iot:DeleteThing", "iot:UpdateThing",
    ]
    resources = ["${local.iot}:thing/${local.n}-*"]
  }

  # Certificates carry generated ids; attach/detach are authorised on the certificate.
  statement {
    sid = "Certificates"
    actions = [
      "iot:AttachPolicy", "iot:AttachThingPrincipal", "iot:DeleteCertificate", "iot:DetachPolicy",
      "iot:DetachThingPrincipal", "iot:UpdateCertificate",
    ]
    resources = ["${local.iot}:cert/*"]
  }

  statement {
    sid = "EnvironmentIotPoliciesAndRules"
    actions = [
      "iot:CreatePolicy", "iot:CreatePolicyVersion", "iot:DeletePolicy", "iot:DeletePolicyVersion",
      "iot:CreateTopicRule", "iot:DeleteTopicRule", "iot:ReplaceTopicRule",
      "iot:TagResource", "iot:UntagResource",
    ]
    # Topic rule names allow no hyphens: the rules carry the environment as agentcore_mcp_dev_….
    resources = [
      "${local.iot}:policy/${local.n}-*",
      "${local.iot}:rule/${local.rn}_*",
    ]
  }

  statement {
    sid = "EnvironmentFunctions"
    actions = [
      "lambda:AddPermission", "lambda:CreateAlias", "lambda:CreateFunction", "lambda:DeleteAlias",
      "lambda:DeleteFunction", "lambda:PublishVersion", "lambda:PutFunctionRecursionConfig",
      "lambda:RemovePermission", "lambda:TagResource", "lambda:UntagResource",
      "lambda:UpdateAlias", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
    ]
    resources = ["${local.lambda}:${local.n}-*"]
  }

  statement {
    sid = "EnvironmentLogGroups"
    actions = [
      "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:DeleteMetricFilter",
      "logs:DeleteRetentionPolicy", "logs:PutMetricFilter", "logs:PutRetentionPolicy",
      "logs:TagLogGroup", "logs:TagResource", "logs:UntagLogGroup", "logs:UntagResource",
    ]
    resources = local.env_log_groups
  }

  statement {
    sid = "EnvironmentMonitoring"
    actions = [
      "cloudwatch:DeleteAlarms", "cloudwatch:DeleteDashboards", "cloudwatch:PutDashboard",
      "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource",
      "sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe",
      "sns:TagResource", "sns:Unsubscribe", "sns:UntagResource",
      "budgets:ModifyBudget", "budgets:TagResource", "budgets:UntagResource",
    ]
    resources = [
      "arn:${local.p}:cloudwatch:${local.r}:${local.a}:alarm:${local.n}-*",
      "arn:${local.p}:cloudwatch::${local.a}:dashboard/${local.n}",
      "arn:${local.p}:sns:${local.r}:${local.a}:${local.n}-*",
      "arn:${local.p}:budgets::${local.a}:budget/${local.n}-*",
    ]
  }

  # Roles of the environment, and only with the workload boundary: what a role may do can never
  # exceed it, whatever inline policy the apply role writes (no path to admin through a Lambda).
  statement {
    sid = "EnvironmentRolesWithBoundary"
    actions = [
      "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary",
      "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole",
      "iam:UpdateRoleDescription",
    ]
    resources = ["${local.role}/${local.n}-*"]
    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.workload_boundary_arn]
    }
  }

  # Tagging changes no permission (and IAM offers no boundary key for it).
  statement {
    sid       = "TagEnvironmentRoles"
    actions   = ["iam:TagRole", "iam:UntagRole"]
    resources = ["${local.role}/${local.n}-*"]
  }

  statement {
    sid       = "PassRolesToTheirServices"
    actions   = ["iam:PassRole"]
    resources = ["${local.role}/${local.n}-*"]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["bedrock-agentcore.amazonaws.com", "iot.amazonaws.com", "lambda.amazonaws.com"]
    }
  }

  statement {
    sid       = "RuntimeIdentityServiceLinkedRole"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = [local.runtime_identity_slr]
    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = [local.runtime_identity_service]
    }
  }
}

# --- boundaries -----------------------------------------------------------------------------------

# The ceiling of every deploy role, whatever policies it is later given: only the project's
# services, never the pipeline's own trust anchors, the state store, or long-lived credentials.
data "aws_iam_policy_document" "boundary" {
  #checkov:skip=CKV_AWS_107:a permissions boundary grants nothing by itself; the role policies scope credentials APIs
  #checkov:skip=CKV_AWS_108:a permissions boundary grants nothing by itself; the role policies scope data reads
  #checkov:skip=CKV_AWS_109:a permissions boundary grants nothing by itself; the role policies scope permission changes
  #checkov:skip=CKV_AWS_110:a permissions boundary grants nothing by itself; the Deny statements stop escalation
  #checkov:skip=CKV_AWS_111:a permissions boundary grants nothing by itself; the role policies scope writes
  #checkov:skip=CKV_AWS_356:a permissions boundary is a ceiling over service actions; resources are scoped in the role policies
  statement {
    sid       = "ManagedServices"
    actions   = concat([for s in local.managed_services : "${s}:*"], ["sts:GetCallerIdentity"])
    resources = ["*"]
  }

  statement {
    sid       = "StateStore"
    actions   = ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = [local.state_bucket_arn, "${local.state_bucket_arn}/*"]
  }

  statement {
    sid       = "StateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [aws_kms_key.state.arn]
  }

  statement {
    sid     = "ProtectPipelineIdentity"
    effect  = "Deny"
    actions = ["iam:*"]
    resources = [
      "${local.role}/${var.name}-ci-*",
      "arn:${local.p}:iam::${local.a}:policy/${var.name}-ci-*",
      "arn:${local.p}:iam::${local.a}:oidc-provider/*",
    ]
  }

  statement {
    sid    = "NoLongLivedCredentials"
    effect = "Deny"
    actions = [
      "iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
      "iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:DeleteRolePermissionsBoundary",
    ]
    resources = ["*"]
  }
}

# The ceiling of every role the environment's Terraform creates (runtime, gateway, Lambdas, topic
# rules): only what those workloads do, only on the environment's own names.
data "aws_iam_policy_document" "workload_boundary" {
  #checkov:skip=CKV_AWS_111:a permissions boundary grants nothing by itself; PutMetricData has no resource type
  #checkov:skip=CKV_AWS_356:a permissions boundary grants nothing by itself; the "*" entries are actions without resource types
  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    resources = concat(local.env_log_groups, [for g in local.env_log_groups : "${g}:log-stream:*"])
  }

  statement {
    sid       = "ListLogGroups"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["${local.logs}:*"]
  }

  statement {
    sid       = "PullRuntimeImage"
    actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [var.runtime_repository_arn]
  }

  statement {
    sid       = "RegistryLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid     = "OwnSecrets"
    actions = ["secretsmanager:GetSecretValue"]
    resources = [
      "${local.secrets}:${local.n}/*",
      "${local.secrets}:bedrock-agentcore-identity!default/apikey/${local.n}-*",
      "${local.secrets}:bedrock-agentcore-identity!default/oauth2/${local.n}-*",
    ]
  }

  statement {
    sid     = "OwnCredentialProviders"
    actions = ["bedrock-agentcore:GetResourceApiKey", "bedrock-agentcore:GetResourceOauth2Token", "bedrock-agentcore:GetWorkloadAccessToken"]
    resources = [
      local.token_vault,
      "${local.token_vault}/apikeycredentialprovider/${local.n}-*",
      "${local.token_vault}/oauth2credentialprovider/${local.n}-*",
      local.workloads,
      "${local.workloads}/workload-identity/${local.n}-*",
    ]
  }

  statement {
    sid       = "OwnThings"
    actions   = ["iot:GetThingShadow", "iot:ListNamedShadowsForThing", "iot:UpdateThingShadow"]
    resources = ["${local.iot}:thing/${local.n}-*"]
  }

  statement {
    sid       = "OwnShadowTopics"
    actions   = ["iot:Publish"]
    resources = ["${local.iot}:topic/$aws/things/${local.n}-*"]
  }

  statement {
    sid       = "OwnFunctions"
    actions   = ["lambda:InvokeFunction"]
    resources = ["${local.lambda}:${local.n}-*"]
  }

  statement {
    sid       = "OwnMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {
      test     = "StringLike"
      variable = "cloudwatch:namespace"
      values   = ["AgentCoreMcp/${var.environment}"]
    }
  }
}

resource "aws_iam_policy" "boundary" {
  name        = "${var.name}-ci-${var.environment}-boundary"
  description = "Permissions boundary of the ${var.environment} deploy roles"
  policy      = data.aws_iam_policy_document.boundary.json
}

resource "aws_iam_policy" "workload_boundary" {
  name        = local.workload_boundary_name
  description = "Permissions boundary every role of ${var.environment}'s Terraform must carry"
  policy      = data.aws_iam_policy_document.workload_boundary.json
}

# --- roles ----------------------------------------------------------------------------------------

resource "aws_iam_role" "this" {
  for_each = local.subjects

  name                 = "${var.name}-ci-${var.environment}-${each.key}"
  description          = local.role_descriptions[each.key]
  assume_role_policy   = data.aws_iam_policy_document.trust[each.key].json
  max_session_duration = var.max_session_duration
  permissions_boundary = aws_iam_policy.boundary.arn
}

resource "aws_iam_role_policy" "this" {
  for_each = local.subjects

  name   = each.key
  role   = aws_iam_role.this[each.key].id
  policy = local.role_policies[each.key]
}
