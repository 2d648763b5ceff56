terraform {
  # 1.11: write-only arguments (api_key_wo) fed from an ephemeral input variable.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.17 added the gateway, gateway target and API-key credential provider; 6.25 the arguments
      # of the gateway this module sets alongside them. Validated against the 6.62 schema.
      version = ">= 6.25"
    }
  }
}
