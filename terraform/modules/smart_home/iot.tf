resource "aws_iot_thing" "bridge" {
  for_each = local.things

  name = each.value
}

resource "aws_iot_certificate" "bridge" {
  for_each = local.certificates

  # From the bridge's CSR: the private key was made on the bridge and is never in state.
  csr    = each.value.csr
  active = true
}

resource "aws_iot_thing_principal_attachment" "bridge" {
  for_each = local.certificates

  thing     = aws_iot_thing.bridge[each.value.home].name
  principal = aws_iot_certificate.bridge[each.key].arn
}

# One policy for every bridge: each may connect only as itself and touch only its own topics and
# shadows, through the connecting thing's name (the certificate must be attached to that thing).
data "aws_iam_policy_document" "bridge" {
  statement {
    sid       = "ConnectAsItsOwnThing"
    effect    = "Allow"
    actions   = ["iot:Connect"]
    resources = ["${local.iot_arn}:client/${replace(local.naming.client_id, "{thing}", local.connecting_thing)}"]

    condition {
      test     = "Bool"
      variable = "iot:Connection.Thing.IsAttached"
      values   = ["true"]
    }
  }

  statement {
    sid       = "PublishAndReceiveOwnTopics"
    effect    = "Allow"
    actions   = [for a in local.naming.access.actions : "iot:${title(a)}" if a != "subscribe"]
    resources = [for t in local.own_topics : "${local.iot_arn}:topic/${t}"]
  }

  statement {
    sid       = "SubscribeOwnTopicFilters"
    effect    = "Allow"
    actions   = [for a in local.naming.access.actions : "iot:${title(a)}" if a == "subscribe"]
    resources = [for t in local.own_topics : "${local.iot_arn}:topicfilter/${t}"]
  }
}

resource "aws_iot_policy" "bridge" {
  name   = "${var.name}-home-bridge"
  policy = data.aws_iam_policy_document.bridge.json
  tags   = var.tags
}

resource "aws_iot_policy_attachment" "bridge" {
  for_each = local.certificates

  policy = aws_iot_policy.bridge.name
  target = aws_iot_certificate.bridge[each.key].arn
}
