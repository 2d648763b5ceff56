output "user_pool_id" {
  description = "Id of the user pool (`<region>_<id>`), for `make user-add` and `make user-token`."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "ARN of the user pool, for scoping IAM permissions (admin create user, lookups) to it."
  value       = aws_cognito_user_pool.this.arn
}

output "issuer" {
  description = "Token issuer (`iss`): `https://cognito-idp.<region>.amazonaws.com/<pool id>`."
  value       = local.issuer
}

output "discovery_url" {
  description = "OpenID Connect discovery document of the pool, for JWT authorizers (`discovery_url`)."
  value       = "${local.issuer}/.well-known/openid-configuration"
}

output "jwks_uri" {
  description = "JSON Web Key Set the pool signs tokens with, for verifiers such as mcp_runtime's."
  value       = "${local.issuer}/.well-known/jwks.json"
}

output "domain" {
  description = "Base URL of the hosted login pages: `https://<prefix>.auth.<region>.amazoncognito.com` or `https://<custom_domain>`."
  value       = local.domain
}

output "token_endpoint" {
  description = "OAuth 2.0 token endpoint (`<domain>/oauth2/token`)."
  value       = "${local.domain}/oauth2/token"
}

output "authorize_endpoint" {
  description = "OAuth 2.0 authorization endpoint (`<domain>/oauth2/authorize`)."
  value       = "${local.domain}/oauth2/authorize"
}

output "client_ids" {
  description = "App client id per interactive client name (paste into Claude's / Langdock's advanced OAuth settings)."
  value       = { for k, c in aws_cognito_user_pool_client.interactive : k => c.id }
}

output "client_secrets" {
  description = "App client secret per interactive client name."
  value       = { for k, c in aws_cognito_user_pool_client.interactive : k => c.client_secret }
  sensitive   = true
}

output "m2m_client_id" {
  description = "Id of the client-credentials client used by CI smoke tests and automation (`make token`)."
  value       = aws_cognito_user_pool_client.m2m.id
}

output "m2m_client_secret" {
  description = "Secret of the client-credentials client."
  value       = aws_cognito_user_pool_client.m2m.client_secret
  sensitive   = true
}

output "m2m_scopes" {
  description = "Scopes the client-credentials client may request, e.g. `[\"mcp/invoke\"]`."
  value       = [local.automation_scope]
}

output "allowed_client_ids" {
  description = "Every client id whose tokens the runtime and gateway JWT authorizers accept (`allowed_clients`): the interactive clients and the automation client."
  value       = concat([for k in sort(keys(aws_cognito_user_pool_client.interactive)) : aws_cognito_user_pool_client.interactive[k].id], [aws_cognito_user_pool_client.m2m.id])
}

output "resource_server_identifier" {
  description = "Identifier of the resource server that owns the automation scope."
  value       = aws_cognito_resource_server.this.identifier
}

output "callback_urls" {
  description = "Registered callback URLs per interactive client name."
  value       = { for k, c in var.clients : k => c.callback_urls }
}

output "gateway_client_id" {
  description = "Id of the Gateway's client-credentials client (its outbound OAuth to the runtime; the runtime's MCP_RUNTIME_GATEWAY_CLIENT_IDS)."
  value       = aws_cognito_user_pool_client.gateway.id
}

output "gateway_client_secret" {
  description = "Secret of the Gateway's client; it goes into the OAuth2 credential provider through write-only arguments."
  value       = aws_cognito_user_pool_client.gateway.client_secret
  sensitive   = true
}

output "gateway_scopes" {
  description = "Scopes the Gateway's client requests (`[\"mcp/gateway\"]`)."
  value       = [local.gateway_scope]
}

output "group_names" {
  description = "The Cognito groups that carry rights (home-<thing>, accounting-writers)."
  value       = sort(keys(aws_cognito_user_group.this))
}
