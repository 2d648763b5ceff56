provider "aws" {
  region = var.region
  # Refuses to run against any other account: a dev backend.hcl with prod credentials stops here.
  allowed_account_ids = length(var.allowed_account_ids) > 0 ? var.allowed_account_ids : null

  default_tags {
    tags = {
      project    = "agentcore-mcp-platform"
      env        = local.env
      managed_by = "terraform"
    }
  }
}
