# Presence: the bridge's last will and heartbeats arrive on its presence topic, IoT Core's lifecycle
# event marks the connect; each rule republishes a shadow update of the thing's presence shadow.
# Timestamps come from IoT Core's clock (epoch seconds), as naming.json's presence rule says.

locals {
  presence_update_topic = "$$aws/things/%s/shadow/name/${local.presence_shadow}/update"
  reported              = "state.reported"
  presence_rules = {
    offline = {
      description = "Bridge last will (or clean goodbye): mark the bridge disconnected"
      sql         = "SELECT false AS ${local.reported}.${local.presence_fields.connected}, floor(timestamp() / 1000) AS ${local.reported}.${local.presence_fields.disconnected_at} FROM '${local.presence_filter}' WHERE ${local.presence_fields.connected} = false AND startswith(topic(${local.presence_thing_level}), '${local.own_thing_prefix}')"
      thing       = "$${topic(${local.presence_thing_level})}"
    }
    heartbeat = {
      description = "Bridge heartbeat: mark the bridge connected and stamp the heartbeat"
      sql         = "SELECT true AS ${local.reported}.${local.presence_fields.connected}, floor(timestamp() / 1000) AS ${local.reported}.${local.presence_fields.heartbeat_at} FROM '${local.presence_filter}' WHERE ${local.presence_fields.connected} = true AND startswith(topic(${local.presence_thing_level}), '${local.own_thing_prefix}')"
      thing       = "$${topic(${local.presence_thing_level})}"
    }
    connected = {
      description = "IoT Core lifecycle event: stamp when the bridge (client id = thing name) connected"
      sql         = "SELECT true AS ${local.reported}.${local.presence_fields.connected}, floor(timestamp / 1000) AS ${local.reported}.${local.presence_fields.connected_at} FROM '$aws/events/presence/connected/+' WHERE startswith(clientId, '${local.own_thing_prefix}')"
      thing       = "$${clientId}"
    }
  }
}

resource "aws_cloudwatch_log_group" "rules" {
  #checkov:skip=CKV_AWS_158:Rule error logs hold no secrets; the AWS-managed key is enough here.
  #checkov:skip=CKV_AWS_338:Retention is the caller's choice (log_retention_days, 30 days by default).
  name              = local.rules_log_group
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iot_topic_rule" "presence" {
  for_each = local.presence_rules

  name        = "${replace(var.name, "-", "_")}_presence_${each.key}"
  description = each.value.description
  enabled     = true
  sql         = each.value.sql
  sql_version = "2016-03-23"

  republish {
    role_arn = aws_iam_role.rules.arn
    topic    = format(local.presence_update_topic, each.value.thing)
    qos      = 1
  }

  error_action {
    cloudwatch_logs {
      log_group_name = aws_cloudwatch_log_group.rules.name
      role_arn       = aws_iam_role.rules.arn
    }
  }

  tags = var.tags
}
