output "state_bucket_name" {
  description = "S3 bucket of the environments' Terraform state (`bucket` in backend.hcl)."
  value       = aws_s3_bucket.state.id
}

output "state_bucket_arn" {
  description = "ARN of the state bucket."
  value       = aws_s3_bucket.state.arn
}

output "state_kms_key_arn" {
  description = "KMS key that encrypts the state (`kms_key_id` in backend.hcl)."
  value       = aws_kms_key.state.arn
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider the deploy roles trust."
  value       = local.oidc_arn
}

output "plan_role_arns" {
  description = "Read-only plan role per environment (repository variables `AWS_PLAN_ROLE_ARN_<ENV>`)."
  value       = { for env, role in aws_iam_role.plan : env => role.arn }
}

output "apply_role_arns" {
  description = "Apply role per environment (environment variable `AWS_APPLY_ROLE_ARN` of the GitHub environment)."
  value       = { for env, role in aws_iam_role.apply : env => role.arn }
}

output "permissions_boundary_arn" {
  description = "Managed policy that bounds every deploy role."
  value       = aws_iam_policy.boundary.arn
}

output "backend_configs" {
  description = "Per environment, the values of terraform/envs/<env>/backend.hcl."
  value = {
    for env in var.environments : env => {
      bucket     = aws_s3_bucket.state.id
      key        = "${var.state_key_prefix}/${env}/terraform.tfstate"
      region     = local.region
      kms_key_id = aws_kms_key.state.arn
    }
  }
}
