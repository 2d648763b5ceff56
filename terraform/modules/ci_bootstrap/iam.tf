# Deploy roles: per environment a read-only plan role (pull requests, main) and an apply role that
# only the GitHub environment of the same name can assume, capped by one permissions boundary.

locals {
  p = local.partition
  a = local.account
  r = local.region

  # Read calls Terraform makes while refreshing this project's resources. Listed per service so the
  # plan role can read what the configuration manages and nothing else (no s3/secret contents).
  read_actions = [
    "bedrock-agentcore:Get*",
    "bedrock-agentcore:List*",
    "budgets:ViewBudget",
    "budgets:ListTagsForResource",
    "cloudwatch:Describe*",
    "cloudwatch:GetDashboard",
    "cloudwatch:GetMetricData",
    "cloudwatch:List*",
    "cognito-idp:Describe*",
    "cognito-idp:GetUICustomization",
    "cognito-idp:GetUserPoolMfaConfig",
    "cognito-idp:GetLogDeliveryConfiguration",
    "cognito-idp:List*",
    "ecr:Describe*",
    "ecr:GetLifecyclePolicy",
    "ecr:GetRepositoryPolicy",
    "ecr:List*",
    "iam:Get*",
    "iam:List*",
    "iot:Describe*",
    "iot:Get*",
    "iot:List*",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
    "lambda:Get*",
    "lambda:List*",
    "logs:Describe*",
    "logs:ListTagsForResource",
    "logs:ListTagsLogGroup",
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetResourcePolicy",
    "secretsmanager:ListSecrets",
    "sns:GetTopicAttributes",
    "sns:GetSubscriptionAttributes",
    "sns:ListTagsForResource",
    "sns:ListSubscriptionsByTopic",
    "sts:GetCallerIdentity",
  ]

  # Every service the environments' configuration manages: the boundary's ceiling.
  managed_services = [
    "bedrock-agentcore", "budgets", "cloudwatch", "cognito-idp", "ecr", "iam", "iot", "lambda",
    "logs", "secretsmanager", "sns",
  ]

  state_prefix_arn = { for env in var.environments : env => "${aws_s3_bucket.state.arn}/${var.state_key_prefix}/${env}" }
}

data "aws_iam_policy_document" "plan_trust" {
  statement {
    sid     = "GitHubPullRequestsAndMain"
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
      values = concat(
        ["repo:${var.github_repository}:pull_request"],
        [for ref in var.plan_refs : "repo:${var.github_repository}:ref:${ref}"],
      )
    }
  }
}

data "aws_iam_policy_document" "apply_trust" {
  for_each = var.environments

  statement {
    sid     = "GitHubEnvironment"
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
    # Only a job that declares `environment: <env>` gets this subject, so GitHub's environment
    # protection (required reviewers on prod) gates every apply.
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = ["repo:${var.github_repository}:environment:${each.key}"]
    }
  }
}

data "aws_iam_policy_document" "plan" {
  for_each = var.environments

  statement {
    sid       = "StateList"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.state.arn]
  }

  statement {
    sid       = "StateRead"
    actions   = ["s3:GetObject"]
    resources = ["${local.state_prefix_arn[each.key]}/*"]
  }

  # The S3 backend's lock is an object next to the state: a plan writes and deletes only that.
  statement {
    sid       = "StateLock"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.state_prefix_arn[each.key]}/*.tflock"]
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
}

data "aws_iam_policy_document" "apply" {
  for_each = var.environments

  statement {
    sid       = "StateList"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.state.arn]
  }

  statement {
    sid       = "StateReadWrite"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.state_prefix_arn[each.key]}/*"]
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

  # Calls that IAM cannot scope to a resource (creation of id-named resources, account lookups).
  statement {
    sid = "UnscopableCalls"
    actions = [
      "cognito-idp:CreateUserPool",
      "ecr:GetAuthorizationToken",
      "iot:CreateCertificateFromCsr",
      "iot:DescribeEndpoint",
      "logs:DeleteQueryDefinition",
      "logs:DescribeQueryDefinitions",
      "logs:PutQueryDefinition",
    ]
    resources = ["*"]
  }

  # AgentCore, Cognito and IoT name their resources by generated ids, so these are scoped to this
  # account and region rather than to names.
  statement {
    sid     = "AccountScopedServices"
    actions = ["bedrock-agentcore:*", "cognito-idp:*", "iot:*"]
    resources = [
      "arn:${local.p}:bedrock-agentcore:${local.r}:${local.a}:*",
      "arn:${local.p}:cognito-idp:${local.r}:${local.a}:userpool/*",
      "arn:${local.p}:iot:${local.r}:${local.a}:*",
    ]
  }

  statement {
    sid       = "EnvironmentRegistry"
    actions   = ["ecr:*"]
    resources = ["arn:${local.p}:ecr:${local.r}:${local.a}:repository/${local.managed_prefix}/${each.key}/*"]
  }

  statement {
    sid       = "EnvironmentFunctions"
    actions   = ["lambda:*"]
    resources = ["arn:${local.p}:lambda:${local.r}:${local.a}:function:${local.managed_prefix}-${each.key}*"]
  }

  statement {
    sid     = "EnvironmentLogs"
    actions = ["logs:*"]
    resources = [
      "arn:${local.p}:logs:${local.r}:${local.a}:log-group:/aws/lambda/${local.managed_prefix}-${each.key}*",
      "arn:${local.p}:logs:${local.r}:${local.a}:log-group:/aws/bedrock-agentcore/*",
      "arn:${local.p}:logs:${local.r}:${local.a}:log-group:/aws/iot/rules/${local.managed_prefix}-${each.key}*",
      "arn:${local.p}:logs:${local.r}:${local.a}:log-group:${local.managed_prefix}-${each.key}*",
    ]
  }

  statement {
    sid     = "EnvironmentMonitoring"
    actions = ["cloudwatch:*", "sns:*", "budgets:*"]
    resources = [
      "arn:${local.p}:cloudwatch:${local.r}:${local.a}:alarm:${local.managed_prefix}-${each.key}*",
      "arn:${local.p}:cloudwatch::${local.a}:dashboard/${local.managed_prefix}-${each.key}*",
      "arn:${local.p}:sns:${local.r}:${local.a}:${local.managed_prefix}-${each.key}*",
      "arn:${local.p}:budgets::${local.a}:budget/${local.managed_prefix}-${each.key}*",
    ]
  }

  # The environment's own secrets, and the ones AgentCore Identity keeps for credential providers.
  statement {
    sid     = "EnvironmentSecrets"
    actions = ["secretsmanager:*"]
    resources = [
      "arn:${local.p}:secretsmanager:${local.r}:${local.a}:secret:${local.managed_prefix}-${each.key}*",
      "arn:${local.p}:secretsmanager:${local.r}:${local.a}:secret:bedrock-agentcore-identity!*",
    ]
  }

  statement {
    sid = "EnvironmentRoles"
    actions = [
      "iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
      "iam:TagRole", "iam:UntagRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
      "iam:DetachRolePolicy", "iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion",
      "iam:DeletePolicyVersion", "iam:TagPolicy", "iam:UntagPolicy",
    ]
    resources = [
      "arn:${local.p}:iam::${local.a}:role/${local.managed_prefix}-${each.key}*",
      "arn:${local.p}:iam::${local.a}:policy/${local.managed_prefix}-${each.key}*",
    ]
  }

  # Attaching a managed policy could hand a project role AdministratorAccess: only the
  # environment's own policies and AWS's service-role policies may be attached.
  statement {
    sid       = "AttachOwnPoliciesOnly"
    actions   = ["iam:AttachRolePolicy"]
    resources = ["arn:${local.p}:iam::${local.a}:role/${local.managed_prefix}-${each.key}*"]
    condition {
      test     = "ArnLike"
      variable = "iam:PolicyARN"
      values = [
        "arn:${local.p}:iam::${local.a}:policy/${local.managed_prefix}-${each.key}*",
        "arn:${local.p}:iam::aws:policy/service-role/*",
      ]
    }
  }

  statement {
    sid       = "PassRolesToTheirServices"
    actions   = ["iam:PassRole"]
    resources = ["arn:${local.p}:iam::${local.a}:role/${local.managed_prefix}-${each.key}*"]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["bedrock-agentcore.amazonaws.com", "iot.amazonaws.com", "lambda.amazonaws.com"]
    }
  }
}

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
    resources = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]
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
      "arn:${local.p}:iam::${local.a}:role/${var.name}-ci-*",
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

resource "aws_iam_policy" "boundary" {
  name        = "${var.name}-ci-boundary"
  description = "Permissions boundary of the ${var.name} deploy roles"
  policy      = data.aws_iam_policy_document.boundary.json
}

resource "aws_iam_role" "plan" {
  for_each = var.environments

  name                 = "${var.name}-ci-${each.key}-plan"
  description          = "terraform plan of ${each.key} from ${var.github_repository} pull requests (read-only)"
  assume_role_policy   = data.aws_iam_policy_document.plan_trust.json
  max_session_duration = var.max_session_duration
  permissions_boundary = aws_iam_policy.boundary.arn
}

resource "aws_iam_role_policy" "plan" {
  for_each = var.environments

  name   = "plan"
  role   = aws_iam_role.plan[each.key].id
  policy = data.aws_iam_policy_document.plan[each.key].json
}

resource "aws_iam_role" "apply" {
  for_each = var.environments

  name                 = "${var.name}-ci-${each.key}-apply"
  description          = "terraform apply of ${each.key} from the ${var.github_repository} GitHub environment ${each.key}"
  assume_role_policy   = data.aws_iam_policy_document.apply_trust[each.key].json
  max_session_duration = var.max_session_duration
  permissions_boundary = aws_iam_policy.boundary.arn
}

resource "aws_iam_role_policy" "apply" {
  for_each = var.environments

  name   = "apply"
  role   = aws_iam_role.apply[each.key].id
  policy = data.aws_iam_policy_document.apply[each.key].json
}
