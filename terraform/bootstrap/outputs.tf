output "state_bucket_name" {
  description = "State bucket: `bucket` in backend.hcl."
  value       = module.ci.state_bucket_name
}

output "state_kms_key_arn" {
  description = "State key: `kms_key_id` in backend.hcl; it also seals the saved plan artefacts."
  value       = module.ci.state_kms_key_arn
}

output "runtime_repository_url" {
  description = "The environment's runtime image repository (the pipeline pushes by digest)."
  value       = module.registry.repository_url
}

output "backend_config" {
  description = "Contents of terraform/envs/<environment>/backend.hcl."
  value       = module.ci.backend_config
}

output "github_variables" {
  description = "What to set in GitHub, ready to paste (docs/cicd.md)."
  value = {
    repository = {
      AWS_REGION                                    = var.region
      "AWS_PLAN_ROLE_ARN_${upper(var.environment)}" = module.ci.plan_role_arn
      "AWS_PUSH_ROLE_ARN_${upper(var.environment)}" = module.ci.push_role_arn
      "TF_BACKEND_${upper(var.environment)}" = join("\n", [
        for k, v in module.ci.backend_config : "${k} = \"${v}\""
      ])
    }
    environment = {
      (var.environment) = { AWS_APPLY_ROLE_ARN = module.ci.apply_role_arn }
    }
  }
}
