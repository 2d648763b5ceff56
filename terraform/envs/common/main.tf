# The wiring every environment shares; what makes an environment itself is its settings.tf
# (local.env, its account and the hardening switches), its backend.hcl and its terraform.tfvars.
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  name = "agentcore-mcp-${local.env}"
  repo = "${path.root}/../../.."

  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region

  # The contract files, read where they live (one source each).
  gateway_rules = jsondecode(file("${local.repo}/packages/gateway_contract/src/gateway_contract/gateway.json"))
  naming_json   = file("${local.repo}/packages/smarthome_contract/src/smarthome_contract/naming.json")

  # Made by the account's bootstrap (terraform/bootstrap): every role here must carry it, and the
  # image repository images are promoted into. terraform/tests/test_pipeline_iam.py checks that
  # these names match what the bootstrap creates and grants.
  permissions_boundary_arn = "arn:${local.partition}:iam::${local.account_id}:policy/agentcore-mcp-ci-${local.env}-workload-boundary"
  repository_name          = "agentcore-mcp/${local.env}/mcp-runtime"
  repository_arn           = "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${local.repository_name}"
  repository_url           = "${local.account_id}.dkr.ecr.${local.region}.amazonaws.com/${local.repository_name}"

  # Gateway target names (contract C2): each prefixes its tools as `<target>___<tool>`.
  targets = {
    lambda  = local.gateway_rules.targets.home
    runtime = local.gateway_rules.targets.accounting
    openapi = local.gateway_rules.targets.accounting_api
  }

  # Metrics of this environment only; POWERTOOLS_METRICS_NAMESPACE of the smart-home Lambda.
  metric_namespace = "AgentCoreMcp/${local.env}"

  # Langdock's callback URL exists only once the integration is created there: second apply.
  langdock_client          = length(var.langdock_callback_urls) > 0 ? { langdock = { callback_urls = var.langdock_callback_urls } } : {}
  user_token_secret_prefix = "${local.name}/accounting-token"

  # Rights travel as Cognito groups (gateway_contract): one per home, one for accounting writes.
  groups = merge(
    { for thing in module.smart_home.thing_names : "${local.gateway_rules.groups.home_prefix}${thing}" => "May see and control the home ${thing}" },
    { (local.gateway_rules.groups.accounting_writers) = "May create and change accounting records" },
  )
}

module "identity" {
  source = "../../modules/identity"

  name          = local.name
  domain_prefix = var.cognito_domain_prefix
  clients = merge({
    claude = {
      callback_urls = [
        "https://claude.ai/api/mcp/auth_callback",
        "https://claude.com/api/mcp/auth_callback",
      ]
    }
    # Claude Desktop / Kiro through mcp-remote, one local redirect port per endpoint (gateway, runtime).
    desktop = {
      callback_urls = ["http://localhost:3334/oauth/callback", "http://localhost:3335/oauth/callback"]
    }
  }, local.langdock_client)
  groups              = local.groups
  deletion_protection = local.cognito_deletion_protection
}

# The runtime runs the image the pipeline built once and promoted into this environment's
# repository, pinned by digest: a tag could be re-pointed, a digest names the bytes.
data "aws_ecr_image" "runtime" {
  count = var.runtime_image_digest == null ? 0 : 1

  repository_name = local.repository_name
  image_digest    = var.runtime_image_digest
}

resource "terraform_data" "runtime_image" {
  input = "${local.repository_url}@${coalesce(var.runtime_image_digest, "none")}"

  lifecycle {
    precondition {
      condition     = var.runtime_image_digest != null && length(data.aws_ecr_image.runtime) == 1
      error_message = "No runtime image yet: set runtime_image_digest (TF_VAR_runtime_image_digest) to the sha256 digest `make push-runtime ENV=${local.env}` printed (the pipeline passes it from its build job; docs/deploy.md)."
    }
  }
}

module "runtime" {
  source = "../../modules/accounting_runtime"

  # AgentCore runtime names allow no hyphens.
  name                     = replace(local.name, "-", "_")
  image_uri                = terraform_data.runtime_image.input
  ecr_repository_arn       = local.repository_arn
  discovery_url            = module.identity.discovery_url
  allowed_client_ids       = module.identity.allowed_client_ids
  gateway_client_ids       = [module.identity.gateway_client_id]
  request_headers          = [local.gateway_rules.caller.runtime_header]
  user_token_secret_prefix = local.user_token_secret_prefix
  environment_variables    = { MCP_RUNTIME_API_BASE_URL = var.accounting_api_base_url }
  permissions_boundary     = local.permissions_boundary_arn
}

module "smart_home" {
  source = "../../modules/smart_home"

  name                 = local.name
  homes                = var.homes
  lambda_zip_path      = coalesce(var.lambda_zip_path, "${local.repo}/build/iot_lambda.zip")
  naming_rules_json    = local.naming_json
  metric_namespace     = local.metric_namespace
  permissions_boundary = local.permissions_boundary_arn
}

# allowed_client_ids includes the automation client: it counts as a caller with no groups (no
# smart-home, no write tools), which is what `make smoke` checks after every deploy.
module "interceptor" {
  source = "../../modules/gateway_interceptor"

  name                 = local.name
  lambda_zip_path      = coalesce(var.interceptor_zip_path, "${local.repo}/build/gateway_interceptor.zip")
  cognito_issuer       = module.identity.issuer
  allowed_client_ids   = module.identity.allowed_client_ids
  home_targets         = [local.targets.lambda]
  runtime_targets      = [local.targets.runtime]
  write_tools          = [for tool in local.gateway_rules.accounting_write_tools : "${local.targets.runtime}${local.gateway_rules.target_separator}${tool}"]
  permissions_boundary = local.permissions_boundary_arn
}

module "gateway" {
  source = "../../modules/gateway"

  name                   = local.name
  discovery_url          = module.identity.discovery_url
  allowed_client_ids     = module.identity.allowed_client_ids
  lambda_function_arn    = module.smart_home.lambda_alias_arn
  interceptor_lambda_arn = module.interceptor.alias_arn
  lambda_tools_json      = file("${local.repo}/packages/smarthome_contract/src/smarthome_contract/tools.json")
  openapi_spec_json      = file("${local.repo}/openapi/accounting.gateway.json")
  gateway_rules_json     = file("${local.repo}/packages/gateway_contract/src/gateway_contract/gateway.json")
  lambda_target_name     = local.targets.lambda
  runtime_target_name    = local.targets.runtime
  openapi_target_name    = local.targets.openapi

  enable_runtime_target       = true
  runtime_endpoint            = module.runtime.invocation_url
  runtime_oauth_client_id     = module.identity.gateway_client_id
  runtime_oauth_client_secret = module.identity.gateway_client_secret
  runtime_oauth_scopes        = module.identity.gateway_scopes
  # A new Gateway client (new id) must reach the credential provider: its version follows the id.
  runtime_oauth_credentials_version = parseint(substr(sha256(module.identity.gateway_client_id), 0, 7), 16) + 1

  enable_openapi_target     = var.enable_openapi_target
  api_key                   = var.accounting_api_key
  api_key_version           = var.accounting_api_key_version
  api_key_credential_prefix = var.accounting_api_key_credential_prefix
  # The variable wins when set; otherwise the environment's default (DEBUG in dev only).
  exception_level      = try(coalesce(var.gateway_exception_level, local.gateway_exception_level), null)
  permissions_boundary = local.permissions_boundary_arn
}

module "observability" {
  source = "../../modules/observability"

  name                   = local.name
  metric_namespace       = local.metric_namespace
  runtime_log_group_name = module.runtime.log_group_name
  lambda_function_name   = module.smart_home.lambda_function_name
  lambda_log_group_name  = module.smart_home.log_group_name
  bridge_thing_names     = module.smart_home.thing_names
  heartbeat_seconds      = jsondecode(local.naming_json).presence.heartbeat_seconds
  alarm_emails           = var.alarm_emails
  permissions_boundary   = local.permissions_boundary_arn
}
