# The wiring every environment shares; what makes an environment itself is its settings.tf
# (local.env and the hardening switches), its backend.hcl and its terraform.tfvars.
locals {
  name = "agentcore-mcp-${local.env}"
  repo = "${path.root}/../../.."

  # Langdock's callback URL exists only once the integration is created there: second apply.
  langdock_client          = length(var.langdock_callback_urls) > 0 ? { langdock = { callback_urls = var.langdock_callback_urls } } : {}
  user_token_secret_prefix = "${local.name}/accounting-token"
}

module "registry" {
  source = "../../modules/registry"

  name         = "agentcore-mcp/${local.env}/mcp-runtime"
  force_delete = local.ecr_force_delete
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
  deletion_protection = local.cognito_deletion_protection
}

# First deploy: the runtime needs an image in the repository this configuration creates. Until one
# is pushed and runtime_image_tag set, the plan stops here with the steps (docs/deploy.md).
data "aws_ecr_image" "runtime" {
  count = var.runtime_image_tag == null ? 0 : 1

  repository_name = module.registry.repository_name
  image_tag       = var.runtime_image_tag
}

resource "terraform_data" "runtime_image" {
  input = "${module.registry.repository_url}:${coalesce(var.runtime_image_tag, "none")}"

  lifecycle {
    precondition {
      condition     = var.runtime_image_tag != null && length(data.aws_ecr_image.runtime) == 1
      error_message = "No runtime image yet. First deploy: `make plan ENV=${local.env} TARGETS=module.registry && make apply ENV=${local.env}`, push the mcp_runtime image (linux/arm64) to the new repository tagged with the commit SHA, set runtime_image_tag to that tag, then plan again (docs/deploy.md, first deploy checklist)."
    }
  }
}

module "runtime" {
  source = "../../modules/accounting_runtime"

  # AgentCore runtime names allow no hyphens.
  name                     = replace(local.name, "-", "_")
  image_uri                = terraform_data.runtime_image.output
  ecr_repository_arn       = module.registry.repository_arn
  discovery_url            = module.identity.discovery_url
  allowed_client_ids       = module.identity.allowed_client_ids
  user_token_secret_prefix = local.user_token_secret_prefix
  environment_variables    = { MCP_RUNTIME_API_BASE_URL = var.accounting_api_base_url }
}

module "smart_home" {
  source = "../../modules/smart_home"

  name              = local.name
  homes             = var.homes
  lambda_zip_path   = coalesce(var.lambda_zip_path, "${local.repo}/build/iot_lambda.zip")
  naming_rules_json = file("${local.repo}/packages/smarthome_contract/src/smarthome_contract/naming.json")
}

module "gateway" {
  source = "../../modules/gateway"

  name                = local.name
  discovery_url       = module.identity.discovery_url
  allowed_client_ids  = module.identity.allowed_client_ids
  lambda_function_arn = module.smart_home.lambda_function_arn
  lambda_tools_json   = file("${local.repo}/packages/smarthome_contract/src/smarthome_contract/tools.json")
  openapi_spec_json   = file("${local.repo}/openapi/accounting.gateway.json")

  enable_openapi_target     = var.enable_openapi_target
  api_key                   = var.accounting_api_key
  api_key_version           = var.accounting_api_key_version
  api_key_credential_prefix = var.accounting_api_key_credential_prefix
  # The variable wins when set; otherwise the environment's default (DEBUG in dev only).
  exception_level = try(coalesce(var.gateway_exception_level, local.gateway_exception_level), null)
}

module "observability" {
  source = "../../modules/observability"

  name                   = local.name
  runtime_log_group_name = module.runtime.log_group_name
  lambda_function_name   = module.smart_home.lambda_function_name
  lambda_log_group_name  = module.smart_home.log_group_name
  bridge_thing_names     = module.smart_home.thing_names
}
