# Plan-only checks of the OAuth set-up and of every input rule (run by `terraform test`).

provider "aws" {
  region                      = "eu-central-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}

variables {
  name                = "agentcore-mcp-test"
  domain_prefix       = "agentcore-mcp-test"
  deletion_protection = "INACTIVE"
}

run "claude_client_uses_code_flow_with_discovery_scopes" {
  command = plan

  assert {
    condition     = aws_cognito_user_pool_client.interactive["claude"].allowed_oauth_flows == toset(["code"])
    error_message = "Claude needs authorization_code (and nothing else) on its client"
  }

  assert {
    condition     = aws_cognito_user_pool_client.interactive["claude"].allowed_oauth_scopes == toset(["openid", "email", "phone", "profile"])
    error_message = "Claude requests the scopes of Cognito's discovery document; the client must allow exactly those"
  }

  assert {
    condition = aws_cognito_user_pool_client.interactive["claude"].callback_urls == toset([
      "https://claude.ai/api/mcp/auth_callback",
      "https://claude.com/api/mcp/auth_callback",
    ])
    error_message = "both Claude callback URLs must be registered"
  }

  assert {
    condition     = aws_cognito_user_pool_client.interactive["claude"].generate_secret && aws_cognito_user_pool_client.interactive["claude"].allowed_oauth_flows_user_pool_client
    error_message = "the Claude client is confidential and OAuth-enabled"
  }
}

run "automation_client_is_separate_and_client_credentials_only" {
  command = plan

  assert {
    condition     = aws_cognito_user_pool_client.m2m.allowed_oauth_flows == toset(["client_credentials"])
    error_message = "the automation client uses client_credentials only"
  }

  assert {
    condition     = alltrue([for c in aws_cognito_user_pool_client.interactive : !contains(tolist(c.allowed_oauth_flows), "client_credentials") && !contains(tolist(c.allowed_oauth_flows), "implicit")])
    error_message = "interactive clients must not carry client_credentials or implicit"
  }

  assert {
    condition     = output.m2m_scopes == ["mcp/invoke"]
    error_message = "the automation scope reads <identifier>/<scope>"
  }
}

run "self_signup_is_off_and_branding_is_opt_in_by_default" {
  command = plan

  assert {
    condition     = aws_cognito_user_pool.this.admin_create_user_config[0].allow_admin_create_user_only
    error_message = "self sign-up must be off by default"
  }

  assert {
    condition     = length(aws_cognito_managed_login_branding.interactive) == 0 && aws_cognito_user_pool_domain.this.managed_login_version == 1
    error_message = "without branding the domain keeps the classic hosted UI"
  }

  assert {
    condition     = aws_cognito_user_pool.this.mfa_configuration == "OPTIONAL" && aws_cognito_user_pool.this.software_token_mfa_configuration[0].enabled
    error_message = "MFA defaults to optional TOTP"
  }
}

run "self_signup_and_branding_can_be_switched_on" {
  command = plan

  variables {
    allow_self_signup             = true
    enable_managed_login_branding = true
    clients = {
      claude   = { callback_urls = ["https://claude.ai/api/mcp/auth_callback", "https://claude.com/api/mcp/auth_callback"] }
      langdock = { callback_urls = ["https://app.langdock.com/api/integrations/abc123/callback"], scopes = ["openid", "email", "profile"] }
    }
  }

  assert {
    condition     = !aws_cognito_user_pool.this.admin_create_user_config[0].allow_admin_create_user_only
    error_message = "allow_self_signup = true must open sign-up"
  }

  assert {
    condition     = toset(keys(aws_cognito_managed_login_branding.interactive)) == toset(["claude", "langdock"]) && aws_cognito_user_pool_domain.this.managed_login_version == 2
    error_message = "managed login needs version 2 and a branding style per interactive client"
  }

  assert {
    condition     = aws_cognito_user_pool_client.interactive["langdock"].allowed_oauth_scopes == toset(["openid", "email", "profile"])
    error_message = "each client gets exactly the scopes it requests"
  }
}

run "mfa_off_drops_totp_block" {
  command = plan

  variables {
    mfa = "OFF"
  }

  assert {
    condition     = length(aws_cognito_user_pool.this.software_token_mfa_configuration) == 0
    error_message = "MFA OFF must not configure TOTP"
  }
}

run "custom_domain_with_us_east_1_certificate" {
  command = plan

  variables {
    domain_prefix   = null
    custom_domain   = "login.example.com"
    certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = output.domain == "https://login.example.com" && output.token_endpoint == "https://login.example.com/oauth2/token"
    error_message = "a custom domain becomes the login base URL"
  }
}

run "rejects_http_callback" {
  command = plan

  variables {
    clients = { bad = { callback_urls = ["http://example.com/callback"] } }
  }

  expect_failures = [var.clients]
}

run "accepts_localhost_callback" {
  command = plan

  variables {
    clients = { dev = { callback_urls = ["http://localhost:6274/oauth/callback"] } }
  }

  assert {
    condition     = aws_cognito_user_pool_client.interactive["dev"].callback_urls == toset(["http://localhost:6274/oauth/callback"])
    error_message = "http://localhost is allowed for development"
  }
}

run "rejects_unknown_scope" {
  command = plan

  variables {
    clients = { claude = { callback_urls = ["https://claude.ai/api/mcp/auth_callback"], scopes = ["openid", "offline_access"] } }
  }

  expect_failures = [var.clients]
}

run "accepts_custom_scope_on_interactive_client" {
  command = plan

  variables {
    clients = { claude = { callback_urls = ["https://claude.ai/api/mcp/auth_callback"], scopes = ["openid", "mcp/invoke"] } }
  }

  assert {
    condition     = contains(tolist(aws_cognito_user_pool_client.interactive["claude"].allowed_oauth_scopes), "mcp/invoke")
    error_message = "the resource server's custom scope is allowed"
  }
}

run "rejects_bad_client_key" {
  command = plan

  variables {
    clients = { "Claude Web" = { callback_urls = ["https://claude.ai/api/mcp/auth_callback"] } }
  }

  expect_failures = [var.clients]
}

run "rejects_client_without_callback" {
  command = plan

  variables {
    clients = { claude = { callback_urls = [] } }
  }

  expect_failures = [var.clients]
}

run "rejects_token_validity_out_of_range" {
  command = plan

  variables {
    clients = { claude = { callback_urls = ["https://claude.ai/api/mcp/auth_callback"], access_token_validity_minutes = 2 } }
  }

  expect_failures = [var.clients]
}

run "rejects_refresh_validity_out_of_range" {
  command = plan

  variables {
    clients = { claude = { callback_urls = ["https://claude.ai/api/mcp/auth_callback"], refresh_token_validity_days = 0 } }
  }

  expect_failures = [var.clients]
}

run "rejects_reserved_word_in_domain_prefix" {
  command = plan

  variables {
    domain_prefix = "my-cognito-login"
  }

  expect_failures = [var.domain_prefix]
}

run "rejects_both_domain_kinds" {
  command = plan

  variables {
    custom_domain   = "login.example.com"
    certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }

  expect_failures = [var.custom_domain]
}

run "rejects_certificate_outside_us_east_1" {
  command = plan

  variables {
    domain_prefix   = null
    custom_domain   = "login.example.com"
    certificate_arn = "arn:aws:acm:eu-central-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }

  expect_failures = [var.certificate_arn]
}

run "rejects_bad_custom_domain" {
  command = plan

  variables {
    domain_prefix   = null
    custom_domain   = "https://login.example.com/"
    certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }

  expect_failures = [var.custom_domain]
}

run "rejects_bad_name" {
  command = plan

  variables {
    name = "Agentcore MCP"
  }

  expect_failures = [var.name]
}

run "rejects_unknown_mfa_mode" {
  command = plan

  variables {
    mfa = "SMS"
  }

  expect_failures = [var.mfa]
}

run "rejects_short_passwords" {
  command = plan

  variables {
    password_minimum_length = 6
  }

  expect_failures = [var.password_minimum_length]
}

run "rejects_unknown_deletion_protection" {
  command = plan

  variables {
    deletion_protection = "ON"
  }

  expect_failures = [var.deletion_protection]
}

run "rejects_m2m_validity_out_of_range" {
  command = plan

  variables {
    m2m_access_token_validity_minutes = 2000
  }

  expect_failures = [var.m2m_access_token_validity_minutes]
}

run "rejects_resource_server_identifier_with_space" {
  command = plan

  variables {
    resource_server_identifier = "my api"
  }

  expect_failures = [var.resource_server_identifier]
}

run "rejects_scope_name_with_slash" {
  command = plan

  variables {
    automation_scope_name = "tools/invoke"
  }

  expect_failures = [var.automation_scope_name]
}
