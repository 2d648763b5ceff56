terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.9 is the first release with aws_cognito_managed_login_branding (branding.tf; PR #43817).
      # Everything else (main.tf) needs only 5.95 (managed_login_version on the domain), which is
      # why the tests apply the module without branding.tf with the real 5.100 provider.
      version = ">= 6.9"
    }
  }
}
