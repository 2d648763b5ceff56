output "lambda_function_arn" {
  description = "Unqualified ARN of the smart-home Lambda."
  value       = aws_lambda_function.this.arn
}

output "lambda_alias_arn" {
  description = "ARN of the `live` alias (the published version the Gateway's Lambda target invokes; the gateway module grants its role invoke on it)."
  # Built from the configured names, so it is known at plan (the gateway's policy and counts
  # depend on it); the reference to the alias keeps the dependency on its creation.
  value = "arn:${data.aws_partition.current.partition}:lambda:${local.region}:${local.account_id}:function:${aws_lambda_function.this.function_name}:${aws_lambda_alias.live.name}"
}

output "lambda_version" {
  description = "The published version the alias points at."
  value       = aws_lambda_function.this.version
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
  description = "The bridges' thing names (`<name>-<home key>`; MQTT client ids; the homes `make user-add HOMES=…` assigns)."
  value       = local.thing_names
}

output "things" {
  description = "Thing name per home key."
  value       = local.things
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

output "presence_rule_names" {
  description = "The presence topic rules by purpose: offline (last will -> connected false), heartbeat, connected (lifecycle event)."
  value       = { for k, r in aws_iot_topic_rule.presence : k => r.name }
}

output "log_group_name" {
  description = "The Lambda's CloudWatch log group."
  value       = aws_cloudwatch_log_group.lambda.name
}
