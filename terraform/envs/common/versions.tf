terraform {
  required_version = ">= 1.11"

  # Partial configuration: bucket, key, region and kms_key_id come from backend.hcl (not committed;
  # copy backend.hcl.example). State holds Cognito client secrets, hence KMS and no local state.
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Every AgentCore resource and argument used is in 6.62; the lock file pins the hashes (`make lock`).
      version = "6.62.0"
    }
  }
}
