terraform {
  required_version = ">= 1.11"

  # Local state on purpose: this root creates the bucket every other state lives in. Keep
  # terraform.tfstate safe (it holds no secrets), or migrate it into the bucket once it exists:
  # docs/cicd.md "Bootstrap".

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Same floor as modules/ci_bootstrap; the committed lock file (`terraform providers lock`) pins it.
      version = ">= 5.40"
    }
  }
}
