provider "aws" {
  region = var.region
  # Refuses to run against any other account: a dev backend.hcl with prod credentials stops here.
  # settings.tf names the account; terraform/tests/test_envs.py fails when two environments
  # name the same one (one account per environment).
  allowed_account_ids = [local.aws_account_id]

  default_tags {
    tags = {
      project    = "agentcore-mcp-platform"
      env        = local.env
      managed_by = "terraform"
    }
  }
}
