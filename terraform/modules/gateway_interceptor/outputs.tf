output "alias_arn" {
  description = "ARN of the alias the Gateway's interceptor_configuration invokes (the gateway module grants its role invoke on it)."
  # Built from the configured names, so it is known at plan (the gateway's policy and counts
  # depend on it); the reference to the alias keeps the dependency on its creation.
  value = "arn:${data.aws_partition.current.partition}:lambda:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:function:${aws_lambda_function.this.function_name}:${aws_lambda_alias.live.name}"
}

output "function_name" {
  description = "Name of the interceptor function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "Unqualified ARN of the interceptor function."
  value       = aws_lambda_function.this.arn
}

output "role_arn" {
  description = "ARN of the function's role (own logs only)."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "The function's log group."
  value       = aws_cloudwatch_log_group.this.name
}
