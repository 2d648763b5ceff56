# Applied once per AWS account, by a person with administrator rights (`make bootstrap-aws ENV=…`).
# One account holds one environment: its state bucket, the GitHub OIDC provider, the runtime's
# image repository (images are promoted into it by digest) and the deploy roles the workflows assume.

locals {
  name = "agentcore-mcp"
}

module "registry" {
  source = "../modules/registry"

  # envs/common builds the same name (`agentcore-mcp/<env>/mcp-runtime`); terraform/tests checks
  # that the runtime role's pull grant and this repository agree.
  name         = "${local.name}/${var.environment}/mcp-runtime"
  force_delete = var.registry_force_delete
}

module "ci" {
  source = "../modules/ci_bootstrap"

  name                    = local.name
  github_repository       = var.github_repository
  environment             = var.environment
  plan_from_pull_requests = var.plan_from_pull_requests
  runtime_repository_arn  = module.registry.repository_arn
  state_bucket_name       = var.state_bucket_name
  create_oidc_provider    = var.create_oidc_provider
  oidc_provider_arn       = var.oidc_provider_arn
}
