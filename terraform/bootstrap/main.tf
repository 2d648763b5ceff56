# Applied once per AWS account, by a person with administrator rights (`make bootstrap-aws ENV=…`):
# the state bucket, the GitHub OIDC provider and the deploy roles the workflows assume.

module "ci" {
  source = "../modules/ci_bootstrap"

  name                 = "agentcore-mcp"
  github_repository    = var.github_repository
  environments         = var.environments
  state_bucket_name    = var.state_bucket_name
  create_oidc_provider = var.create_oidc_provider
  oidc_provider_arn    = var.oidc_provider_arn
}
