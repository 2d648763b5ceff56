# Managed login (hosted login pages v2) needs a branding style per app client. The resource exists
# only in aws provider >= 6.9, so it lives alone in this file: the rest of the module is plain 5.x
# and is applied with the real 5.100 provider against moto in the tests (without this file).
resource "aws_cognito_managed_login_branding" "interactive" {
  for_each = var.enable_managed_login_branding ? aws_cognito_user_pool_client.interactive : {}

  user_pool_id                = aws_cognito_user_pool.this.id
  client_id                   = each.value.id
  use_cognito_provided_values = true
}
