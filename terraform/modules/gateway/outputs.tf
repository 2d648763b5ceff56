output "gateway_id" {
  description = "Id of the gateway."
  value       = aws_bedrockagentcore_gateway.this.gateway_id
}

output "gateway_arn" {
  description = "ARN of the gateway."
  value       = aws_bedrockagentcore_gateway.this.gateway_arn
}

output "gateway_url" {
  description = "MCP endpoint of the gateway (`https://<id>.gateway.bedrock-agentcore.<region>.amazonaws.com/mcp`): what MCP clients connect to."
  value       = aws_bedrockagentcore_gateway.this.gateway_url
}

output "role_arn" {
  description = "ARN of the gateway's IAM role."
  value       = aws_iam_role.this.arn
}

output "lambda_target_id" {
  description = "Id of the smart-home Lambda target."
  value       = aws_bedrockagentcore_gateway_target.lambda.target_id
}

output "openapi_target_id" {
  description = "Id of the accounting OpenAPI target; null while enable_openapi_target is false."
  value       = try(aws_bedrockagentcore_gateway_target.openapi[0].target_id, null)
}

output "api_key_credential_provider_arn" {
  description = "ARN of the API-key credential provider holding the accounting key; null while the OpenAPI target is off."
  value       = try(aws_bedrockagentcore_api_key_credential_provider.this[0].credential_provider_arn, null)
}

output "tool_names" {
  description = "Tool names as MCP clients see them (`<target>___<tool>`) for the Lambda target."
  value       = [for t in local.tools : "${var.lambda_target_name}${local.separator}${t.name}"]
}

output "runtime_target_id" {
  description = "Id of the accounting runtime's MCP-server target; null without runtime_endpoint."
  value       = try(aws_bedrockagentcore_gateway_target.runtime[0].target_id, null)
}

output "target_names" {
  description = "Target names by kind (lambda, runtime, openapi); each prefixes its tools as `<target>___<tool>`."
  value = {
    lambda  = var.lambda_target_name
    runtime = local.runtime_target ? var.runtime_target_name : null
    openapi = var.enable_openapi_target ? var.openapi_target_name : null
  }
}

output "runtime_oauth_provider_arn" {
  description = "ARN of the OAuth2 credential provider the runtime target signs in with; null without runtime_endpoint."
  value       = try(aws_bedrockagentcore_oauth2_credential_provider.runtime[0].credential_provider_arn, null)
}
