# Smart home in AWS: one IoT thing per home bridge, the Gateway's Lambda target, and the presence
# rules. Split by concern: iot.tf (things, certificates, policy), iam.tf (roles and their documents),
# lambda.tf (function, log group), rules.tf (presence topic rules).

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

data "aws_iot_endpoint" "ats" {
  endpoint_type = "iot:Data-ATS"
}

locals {
  naming = jsondecode(var.naming_rules_json)
  # A home's thing carries the environment (`<name>-<home key>`): two environments never share a
  # thing, a shadow or a home group (contract C4).
  things      = { for key in keys(var.homes) : key => "${var.name}-${key}" }
  thing_names = sort(values(local.things))

  account_id = data.aws_caller_identity.current.account_id
  # `id` is the region name in aws 5 and 6 (`name` is deprecated in 6; `region` exists only in 6).
  region  = data.aws_region.current.id
  iot_arn = "arn:${data.aws_partition.current.partition}:iot:${local.region}:${local.account_id}"
  # Log group ARNs built from their names, so the role documents are known (and reviewable) at plan.
  logs_arn         = "arn:${data.aws_partition.current.partition}:logs:${local.region}:${local.account_id}"
  lambda_log_group = "/aws/lambda/${local.function_name}"
  rules_log_group  = "/aws/iot/rules/${var.name}-presence"

  # The IoT policy variable; `$${` keeps Terraform from interpolating it.
  connecting_thing = "$${iot:Connection.Thing.ThingName}"
  # naming.json topic filters in MQTT syntax -> IoT policy syntax ('#' becomes the policy wildcard).
  own_topics = [
    for f in local.naming.access.topic_filters : replace(replace(f, "{thing}", local.connecting_thing), "#", "*")
  ]

  presence_shadow = local.naming.presence.shadow_name
  presence_fields = local.naming.presence.fields
  presence_filter = replace(local.naming.presence.topic, "{thing}", "+")
  # MQTT wildcards fill whole levels, so the environment is filtered in the rules' WHERE clause:
  # a rule of dev never acts on a prod bridge's messages, even in one account.
  own_thing_prefix = "${var.name}-"
  # topic(n) of IoT SQL is 1-based: the position of {thing} in the presence topic.
  presence_thing_level = index(split("/", local.naming.presence.topic), "{thing}") + 1

  # Certificates keyed by thing and CSR fingerprint: promoting next_csr_pem to csr_pem keeps the key,
  # so the certificate the bridge already runs on is never replaced.
  certificates = merge([
    for key, home in var.homes : {
      for csr in compact([home.csr_pem, home.next_csr_pem]) :
      "${key}/${substr(sha256(trimspace(csr)), 0, 16)}" => { home = key, thing = local.things[key], csr = csr, current = csr == home.csr_pem }
    }
  ]...)

  function_name = "${var.name}-smart-home"
}
