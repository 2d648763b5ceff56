locals {
  tools = jsondecode(var.lambda_tools_json).tools
  # gateway_contract's gateway.json: the separator and the length limit of `<target>___<tool>`.
  rules     = jsondecode(var.gateway_rules_json)
  separator = local.rules.target_separator
}

resource "aws_bedrockagentcore_gateway" "this" {
  name            = var.name
  description     = var.description
  role_arn        = aws_iam_role.this.arn
  protocol_type   = "MCP"
  authorizer_type = "CUSTOM_JWT"
  exception_level = var.exception_level
  kms_key_arn     = var.kms_key_arn

  authorizer_configuration {
    custom_jwt_authorizer {
      discovery_url = var.discovery_url
      # Cognito access tokens carry `client_id` and no `aud`: an audience check would reject them all.
      allowed_clients = var.allowed_client_ids
    }
  }

  # One Lambda at both points (a gateway takes at most one REQUEST and one RESPONSE interceptor):
  # REQUEST turns the verified token into the caller, RESPONSE hides tools from tools/list. It
  # needs the raw Authorization header, hence pass_request_headers.
  dynamic "interceptor_configuration" {
    for_each = var.interceptor_lambda_arn == null ? [] : [1]

    content {
      interception_points = var.interceptor_points

      interceptor {
        lambda {
          arn = var.interceptor_lambda_arn
        }
      }

      input_configuration {
        pass_request_headers = true
      }
    }
  }

  tags = var.tags

  lifecycle {
    postcondition {
      condition     = startswith(coalesce(self.gateway_url, "https://"), "https://")
      error_message = "AgentCore returned a gateway URL that is not https."
    }
  }

  # The interceptor must be invocable before the gateway routes a first call through it.
  depends_on = [aws_iam_role_policy.this, aws_lambda_permission.interceptor]
}

# The smart-home tools. The schema comes from the contract file, one inline_payload per tool, so
# the Lambda, the local gateway and the cloud Gateway read one source. AgentCore's SchemaDefinition
# carries type/description/properties/required/items only: JSON-Schema keywords such as
# minimum/maximum/enum cannot be sent and are enforced by the Lambda instead.
resource "aws_bedrockagentcore_gateway_target" "lambda" {
  name               = var.lambda_target_name
  gateway_identifier = aws_bedrockagentcore_gateway.this.gateway_id
  description        = "Smart-home devices through AWS IoT device shadows"

  credential_provider_configuration {
    gateway_iam_role {}
  }

  target_configuration {
    mcp {
      lambda {
        lambda_arn = var.lambda_function_arn

        tool_schema {
          dynamic "inline_payload" {
            for_each = local.tools
            iterator = tool

            content {
              name        = tool.value.name
              description = tool.value.description

              input_schema {
                type        = tool.value.inputSchema.type
                description = try(tool.value.inputSchema.description, null)

                dynamic "property" {
                  for_each = try(tool.value.inputSchema.properties, {})
                  iterator = prop

                  content {
                    name        = prop.key
                    type        = prop.value.type
                    description = try(prop.value.description, null)
                    required    = contains(try(tool.value.inputSchema.required, []), prop.key)

                    # Array elements: one level as blocks, anything deeper as JSON.
                    dynamic "items" {
                      for_each = can(prop.value.items.type) ? [prop.value.items] : []
                      iterator = item

                      content {
                        type        = item.value.type
                        description = try(item.value.description, null)

                        dynamic "property" {
                          for_each = try(item.value.properties, {})
                          iterator = sub

                          content {
                            name            = sub.key
                            type            = sub.value.type
                            description     = try(sub.value.description, null)
                            required        = contains(try(item.value.required, []), sub.key)
                            items_json      = can(sub.value.items) ? jsonencode(sub.value.items) : null
                            properties_json = can(sub.value.properties) ? jsonencode(sub.value.properties) : null
                          }
                        }
                      }
                    }

                    # Object members: one level as blocks, anything deeper as JSON.
                    dynamic "property" {
                      for_each = try(prop.value.properties, {})
                      iterator = sub

                      content {
                        name            = sub.key
                        type            = sub.value.type
                        description     = try(sub.value.description, null)
                        required        = contains(try(prop.value.required, []), sub.key)
                        items_json      = can(sub.value.items) ? jsonencode(sub.value.items) : null
                        properties_json = can(sub.value.properties) ? jsonencode(sub.value.properties) : null
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  # The target is validated against the role on creation: the invoke permission must exist first.
  depends_on = [aws_iam_role_policy.this, aws_lambda_permission.this]
}

# The accounting runtime as an MCP-server target: its tools join the gateway's list as
# `accounting___<tool>`. The gateway signs in to the runtime with its own client-credentials token;
# the interceptor adds the caller's verified token in the caller header.
resource "aws_bedrockagentcore_oauth2_credential_provider" "runtime" {
  count = local.runtime_target ? 1 : 0

  name                       = local.runtime_provider_name
  credential_provider_vendor = "CustomOauth2"

  oauth2_provider_config {
    custom_oauth2_provider_config {
      # Write-only: the client secret reaches AgentCore Identity, never this state or the plan.
      client_id_wo                  = var.runtime_oauth_client_id
      client_secret_wo              = var.runtime_oauth_client_secret
      client_credentials_wo_version = var.runtime_oauth_credentials_version

      oauth_discovery {
        discovery_url = var.discovery_url
      }
    }
  }

  tags = var.tags
}

resource "aws_bedrockagentcore_gateway_target" "runtime" {
  count = local.runtime_target ? 1 : 0

  name               = var.runtime_target_name
  gateway_identifier = aws_bedrockagentcore_gateway.this.gateway_id
  description        = "Accounting MCP server on AgentCore Runtime (per-user API tokens)"

  credential_provider_configuration {
    oauth {
      provider_arn = aws_bedrockagentcore_oauth2_credential_provider.runtime[0].credential_provider_arn
      grant_type   = "CLIENT_CREDENTIALS"
      scopes       = var.runtime_oauth_scopes
    }
  }

  target_configuration {
    mcp {
      mcp_server {
        endpoint = var.runtime_endpoint
      }
    }
  }

  # The Gateway forwards a header the interceptor sets only when the target allowlists it
  # (devguide gateway-headers); without it every accounting call arrives without its caller and
  # the runtime refuses it.
  metadata_configuration {
    allowed_request_headers = [local.rules.caller.runtime_header]
  }

  depends_on = [aws_iam_role_policy.this]
}

# Holds the organisation's accounting API key in AgentCore Identity's token vault. The key goes
# through the write-only argument, so it is in neither the plan file nor the state.
resource "aws_bedrockagentcore_api_key_credential_provider" "this" {
  count = var.enable_openapi_target ? 1 : 0

  name               = local.api_key_provider_name
  api_key_wo         = var.api_key
  api_key_wo_version = var.api_key_version

  tags = var.tags
}

resource "aws_bedrockagentcore_gateway_target" "openapi" {
  count = var.enable_openapi_target ? 1 : 0

  name               = var.openapi_target_name
  gateway_identifier = aws_bedrockagentcore_gateway.this.gateway_id
  description        = "Accounting API, read-only subset, with the organisation's API key"

  credential_provider_configuration {
    api_key {
      provider_arn              = aws_bedrockagentcore_api_key_credential_provider.this[0].credential_provider_arn
      credential_location       = "HEADER"
      credential_parameter_name = var.api_key_header_name
      # null leaves the field out; AgentCore rejects "". See docs/gateway-api-key.md.
      credential_prefix = var.api_key_credential_prefix
    }
  }

  target_configuration {
    mcp {
      open_api_schema {
        inline_payload {
          payload = var.openapi_spec_json
        }
      }
    }
  }

  depends_on = [aws_iam_role_policy.this]
}
