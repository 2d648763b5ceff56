locals {
  # Cognito names a custom scope "<resource server identifier>/<scope name>".
  automation_scope = "${var.resource_server_identifier}/${var.automation_scope_name}"
  gateway_scope    = "${var.resource_server_identifier}/${var.gateway_scope_name}"

  # Pool ARNs read arn:<partition>:cognito-idp:<region>:<account>:userpool/<id>; taking the region
  # from there keeps the module free of the aws_region data source, whose attribute names differ
  # between provider 5.x and 6.x.
  region = split(":", aws_cognito_user_pool.this.arn)[3]

  # The issuer Cognito writes into `iss`: https://cognito-idp.<region>.<dns suffix>/<pool id>.
  issuer = "https://${aws_cognito_user_pool.this.endpoint}"

  domain = (
    var.custom_domain != null
    ? "https://${var.custom_domain}"
    : "https://${var.domain_prefix}.auth.${local.region}.amazoncognito.com"
  )
}

resource "aws_cognito_user_pool" "this" {
  name                = var.name
  deletion_protection = var.deletion_protection

  # People sign in with their e-mail address; it is verified so password resets can reach them.
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]

  username_configuration {
    case_sensitive = false
  }

  admin_create_user_config {
    # Off by default: anyone who can reach the hosted login page could otherwise create an account
    # and call every tool of the deployment (see the authorization model in ARCHITECTURE.md).
    allow_admin_create_user_only = !var.allow_self_signup
  }

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 7
  }

  mfa_configuration = var.mfa

  # TOTP only: SMS MFA needs an SNS role and a spend limit, and is the weaker factor.
  dynamic "software_token_mfa_configuration" {
    for_each = var.mfa == "OFF" ? [] : [true]
    content {
      enabled = true
    }
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  tags = var.tags
}

resource "aws_cognito_user_pool_domain" "this" {
  user_pool_id    = aws_cognito_user_pool.this.id
  domain          = coalesce(var.custom_domain, var.domain_prefix)
  certificate_arn = var.custom_domain != null ? var.certificate_arn : null
  # Version 2 (managed login) shows "Login pages unavailable" for a client without a branding
  # style, so it is switched on together with branding.tf; version 1 is the classic hosted UI.
  managed_login_version = var.enable_managed_login_branding ? 2 : 1
}

resource "aws_cognito_resource_server" "this" {
  user_pool_id = aws_cognito_user_pool.this.id
  identifier   = var.resource_server_identifier
  name         = "${var.name}-mcp"

  scope {
    scope_name        = var.automation_scope_name
    scope_description = "Call the MCP tools of this deployment without a person signing in"
  }

  scope {
    scope_name        = var.gateway_scope_name
    scope_description = "The AgentCore Gateway reaching the accounting runtime on a caller's behalf"
  }
}

# One confidential authorization-code client per interactive MCP client (Claude, Langdock, ...).
resource "aws_cognito_user_pool_client" "interactive" {
  for_each = var.clients

  name            = "${var.name}-${each.key}"
  user_pool_id    = aws_cognito_user_pool.this.id
  generate_secret = true

  # Must be true before Cognito accepts the OAuth flows, scopes and callbacks below.
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  # Exactly what the client asks for: Claude falls back to the scopes of Cognito's discovery
  # document and gets invalid_scope for any of them the client does not allow.
  allowed_oauth_scopes         = each.value.scopes
  callback_urls                = each.value.callback_urls
  logout_urls                  = each.value.logout_urls
  supported_identity_providers = ["COGNITO"]

  # The hosted login page needs no API auth flow; refresh tokens keep connectors signed in.
  explicit_auth_flows           = ["ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true

  access_token_validity  = each.value.access_token_validity_minutes
  id_token_validity      = each.value.id_token_validity_minutes
  refresh_token_validity = each.value.refresh_token_validity_days

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }

  # A client may be given the custom scope, which exists only once the resource server does.
  depends_on = [aws_cognito_resource_server.this]
}

# The Gateway's outbound OAuth to the runtime (its MCP-server target): its own client and scope,
# so the runtime can tell a Gateway token from every other one (MCP_RUNTIME_GATEWAY_CLIENT_IDS).
resource "aws_cognito_user_pool_client" "gateway" {
  name            = "${var.name}-gateway"
  user_pool_id    = aws_cognito_user_pool.this.id
  generate_secret = true

  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["client_credentials"]
  allowed_oauth_scopes                 = [local.gateway_scope]
  supported_identity_providers         = ["COGNITO"]

  explicit_auth_flows           = ["ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true

  access_token_validity = var.m2m_access_token_validity_minutes

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }

  depends_on = [aws_cognito_resource_server.this]
}

# What a user may do travels as group membership in their access token (`cognito:groups`): a
# home group per thing and the accounting writers (names from gateway_contract's gateway.json).
resource "aws_cognito_user_group" "this" {
  for_each = var.groups

  name         = each.key
  user_pool_id = aws_cognito_user_pool.this.id
  description  = each.value
}

# Cognito rejects client_credentials together with code on one client, so automation gets its own.
resource "aws_cognito_user_pool_client" "m2m" {
  name            = "${var.name}-automation"
  user_pool_id    = aws_cognito_user_pool.this.id
  generate_secret = true

  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["client_credentials"]
  allowed_oauth_scopes                 = [local.automation_scope]
  supported_identity_providers         = ["COGNITO"]

  explicit_auth_flows           = ["ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true

  access_token_validity = var.m2m_access_token_validity_minutes

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}
