output "aws_region" {
  description = "Region of the environment."
  value       = var.region
}

output "gateway_url" {
  description = "The one MCP endpoint of this environment (AgentCore Gateway): smart-home tools (home___*) and the accounting runtime's tools (accounting___*), one OAuth sign-in."
  value       = module.gateway.gateway_url
}

output "gateway_tool_names" {
  description = "Smart-home tool names as clients see them through the Gateway."
  value       = module.gateway.tool_names
}

output "gateway_target_names" {
  description = "Gateway target per kind (lambda, runtime, openapi): the prefixes of `<target>___<tool>`."
  value       = module.gateway.target_names
}

output "openapi_target_enabled" {
  description = "Whether the Gateway serves the accounting OpenAPI target."
  value       = var.enable_openapi_target
}

output "runtime_invocation_url" {
  description = "Direct MCP endpoint of the accounting runtime (AgentCore Runtime invocation URL; Claude Desktop). The Gateway reaches the same runtime as its `accounting` target."
  value       = module.runtime.invocation_url
}

output "runtime_log_group_name" {
  description = "CloudWatch log group of the runtime."
  value       = module.runtime.log_group_name
}

output "cognito_user_pool_id" {
  description = "Id of the Cognito user pool."
  value       = module.identity.user_pool_id
}

output "cognito_domain" {
  description = "Base URL of the hosted login pages."
  value       = module.identity.domain
}

output "cognito_issuer" {
  description = "Token issuer of the user pool."
  value       = module.identity.issuer
}

output "cognito_token_endpoint" {
  description = "OAuth token endpoint."
  value       = module.identity.token_endpoint
}

output "cognito_authorize_endpoint" {
  description = "OAuth authorization endpoint."
  value       = module.identity.authorize_endpoint
}

output "cognito_discovery_url" {
  description = "OpenID Connect discovery URL of the user pool."
  value       = module.identity.discovery_url
}

output "cognito_client_ids" {
  description = "App client id per interactive client (claude, langdock)."
  value       = module.identity.client_ids
}

output "cognito_client_secrets" {
  description = "App client secret per interactive client."
  value       = module.identity.client_secrets
  sensitive   = true
}

output "cognito_callback_urls" {
  description = "Registered callback URLs per interactive client."
  value       = module.identity.callback_urls
}

output "cognito_m2m_client_id" {
  description = "Client-credentials client for CI smoke tests and automation."
  value       = module.identity.m2m_client_id
}

output "cognito_m2m_client_secret" {
  description = "Secret of the client-credentials client."
  value       = module.identity.m2m_client_secret
  sensitive   = true
}

output "cognito_m2m_scopes" {
  description = "Scopes the client-credentials client requests."
  value       = module.identity.m2m_scopes
}

output "accounting_token_secret_prefix" {
  description = "Secrets Manager prefix of per-user accounting API tokens (`<prefix>/<cognito sub>`)."
  value       = local.user_token_secret_prefix
}

output "ecr_repository_url" {
  description = "ECR repository of the mcp_runtime image (created by the account's bootstrap)."
  value       = local.repository_url
}

output "runtime_image" {
  description = "The runtime image this environment runs, pinned by digest."
  value       = terraform_data.runtime_image.input
}

output "iot_endpoint" {
  description = "AWS IoT Core data endpoint (ATS) the home bridges connect to."
  value       = module.smart_home.iot_endpoint
}

output "thing_names" {
  description = "The homes' IoT thing names (`agentcore-mcp-<env>-<home key>`): what `make user-add HOMES=…` takes, and each bridge's client id."
  value       = module.smart_home.thing_names
}

output "iot_things" {
  description = "IoT thing name per home key."
  value       = module.smart_home.things
}

output "cognito_group_names" {
  description = "Cognito groups that carry rights (home-<thing> per home, accounting-writers)."
  value       = module.identity.group_names
}

output "cognito_gateway_client_id" {
  description = "The Gateway's client-credentials client (its outbound OAuth to the runtime)."
  value       = module.identity.gateway_client_id
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm of this environment notifies."
  value       = module.observability.alarm_topic_arn
}

output "lambda_alias_arn" {
  description = "Alias of the smart-home Lambda the Gateway invokes (a published version, SnapStart on)."
  value       = module.smart_home.lambda_alias_arn
}

output "interceptor_function_name" {
  description = "Name of the Gateway's interceptor Lambda."
  value       = module.interceptor.function_name
}

output "iot_certificate_pems" {
  description = "Device certificate PEM per home (public; install next to the bridge's private key)."
  value       = module.smart_home.certificate_pems
}

output "iot_next_certificate_pems" {
  description = "Certificate PEM per home for a rotation in progress (`next_csr_pem`); empty otherwise."
  value       = module.smart_home.next_certificate_pems
}

output "lambda_function_name" {
  description = "Name of the smart-home Lambda behind the Gateway's Lambda target."
  value       = module.smart_home.lambda_function_name
}

output "dashboard_url" {
  description = "CloudWatch dashboard of this environment: tool calls, latency, errors, bridge heartbeats."
  value       = module.observability.dashboard_url
}
