output "state_bucket_name" {
  description = "State bucket: TF_STATE_BUCKET in the GitHub environments, `bucket` in backend.hcl."
  value       = module.ci.state_bucket_name
}

output "state_kms_key_arn" {
  description = "State key: TF_STATE_KMS_KEY_ARN in the GitHub environments, `kms_key_id` in backend.hcl."
  value       = module.ci.state_kms_key_arn
}

output "plan_role_arns" {
  description = "Repository variables AWS_PLAN_ROLE_ARN_<ENV> (read-only plans on pull requests)."
  value       = module.ci.plan_role_arns
}

output "apply_role_arns" {
  description = "Environment variable AWS_APPLY_ROLE_ARN of each GitHub environment."
  value       = module.ci.apply_role_arns
}

output "backend_configs" {
  description = "Contents of terraform/envs/<env>/backend.hcl per environment."
  value       = module.ci.backend_configs
}

output "github_variables" {
  description = "What to set in GitHub, ready to paste (docs/cicd.md)."
  value = {
    repository = merge(
      { AWS_REGION = var.region },
      { for env, arn in module.ci.plan_role_arns : "AWS_PLAN_ROLE_ARN_${upper(env)}" => arn },
    )
    environments = {
      for env, arn in module.ci.apply_role_arns : env => {
        AWS_APPLY_ROLE_ARN   = arn
        TF_STATE_BUCKET      = module.ci.state_bucket_name
        TF_STATE_KMS_KEY_ARN = module.ci.state_kms_key_arn
      }
    }
  }
}
