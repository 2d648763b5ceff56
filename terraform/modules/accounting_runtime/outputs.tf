output "runtime_arn" {
  description = "ARN of the AgentCore runtime."
  value       = aws_bedrockagentcore_agent_runtime.this.agent_runtime_arn
}

output "runtime_id" {
  description = "Id of the AgentCore runtime (`<name>-<suffix>`)."
  value       = aws_bedrockagentcore_agent_runtime.this.agent_runtime_id
}

output "invocation_url" {
  description = "MCP endpoint for clients: the runtime's invocation URL with the URL-encoded ARN and `qualifier=DEFAULT`. Call it with `Authorization: Bearer <Cognito access token>`."
  value       = "https://bedrock-agentcore.${local.region}.amazonaws.com/runtimes/${urlencode(aws_bedrockagentcore_agent_runtime.this.agent_runtime_arn)}/invocations?qualifier=DEFAULT"
}

output "role_arn" {
  description = "ARN of the runtime's execution role."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "Log group AgentCore writes for the runtime's DEFAULT endpoint (not defined here; the observability module manages its retention, see README)."
  value       = local.log_group_name
}

output "logs_insights_query_name" {
  description = "Name of the saved CloudWatch Logs Insights query that lists the server's tool calls."
  value       = aws_cloudwatch_query_definition.tool_calls.name
}
