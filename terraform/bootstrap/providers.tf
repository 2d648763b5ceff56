provider "aws" {
  region = var.region
  # A bootstrap aimed at the wrong account would hand a repository deploy rights there: refuse it.
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = {
      project    = "agentcore-mcp-platform"
      component  = "ci-bootstrap"
      managed_by = "terraform"
    }
  }
}
