output "lambda_function_arn" {
  description = "ARN of the smart-home Lambda (the Gateway's Lambda target; the gateway module grants its role invoke)."
  value       = aws_lambda_function.this.arn
}

output "lambda_function_name" {
  description = "Name of the smart-home Lambda."
  value       = aws_lambda_function.this.function_name
}

output "lambda_role_arn" {
  description = "ARN of the Lambda's execution role."
  value       = aws_iam_role.lambda.arn
}

output "iot_endpoint" {
  description = "The account's IoT Core ATS data endpoint (host name): the bridge's `endpoint` setting."
  value       = data.aws_iot_endpoint.ats.endpoint_address
}

output "thing_names" {
  description = "The bridges' thing names (MQTT client ids)."
  value       = local.thing_names
}

output "certificate_ids" {
  description = "Per thing: the id of the certificate issued for `csr_pem`."
  value       = { for k, c in local.certificates : c.thing => aws_iot_certificate.bridge[k].id if c.current }
}

output "certificate_pems" {
  description = "Per thing: the certificate (public PEM) for `csr_pem`; save it as bridge.crt on the bridge."
  # A certificate is public; the provider marks it sensitive only because it shares a schema with
  # the key-generating mode this module never uses (CSR only).
  value = { for k, c in local.certificates : c.thing => nonsensitive(aws_iot_certificate.bridge[k].certificate_pem) if c.current }
}

output "next_certificate_pems" {
  description = "Per thing in a rotation: the certificate for `next_csr_pem`; save it as next.crt on the bridge."
  value       = { for k, c in local.certificates : c.thing => nonsensitive(aws_iot_certificate.bridge[k].certificate_pem) if !c.current }
}

output "iot_policy_name" {
  description = "Name of the one IoT policy every bridge certificate carries."
  value       = aws_iot_policy.bridge.name
}

output "presence_rule_name" {
  description = "Name of the topic rule that turns a bridge's last will into `connected: false` in its presence shadow."
  value       = aws_iot_topic_rule.presence["offline"].name
}

output "presence_rule_names" {
  description = "All presence topic rules by purpose (offline, heartbeat, connected)."
  value       = { for k, r in aws_iot_topic_rule.presence : k => r.name }
}

output "log_group_name" {
  description = "The Lambda's CloudWatch log group."
  value       = aws_cloudwatch_log_group.lambda.name
}
