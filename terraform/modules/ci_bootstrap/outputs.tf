output "state_bucket_name" {
  description = "S3 bucket of the environment's Terraform state (`bucket` in backend.hcl)."
  value       = aws_s3_bucket.state.id
}

output "state_bucket_arn" {
  description = "ARN of the state bucket."
  value       = aws_s3_bucket.state.arn
}

output "state_kms_key_arn" {
  description = "KMS key that encrypts the state and the saved plan artefacts (`kms_key_id` in backend.hcl)."
  value       = aws_kms_key.state.arn
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider the deploy roles trust."
  value       = local.oidc_arn
}

output "plan_role_arn" {
  description = "Read-only plan role (repository variable `AWS_PLAN_ROLE_ARN_<ENV>`)."
  value       = aws_iam_role.this["plan"].arn
}

output "push_role_arn" {
  description = "Role that pushes the runtime image into this environment's repository (repository variable `AWS_PUSH_ROLE_ARN_<ENV>`)."
  value       = aws_iam_role.this["push"].arn
}

output "apply_role_arn" {
  description = "Apply role (environment variable `AWS_APPLY_ROLE_ARN` of the GitHub environment)."
  value       = aws_iam_role.this["apply"].arn
}

output "permissions_boundary_arn" {
  description = "Managed policy that bounds the deploy roles."
  value       = aws_iam_policy.boundary.arn
}

output "workload_boundary_arn" {
  description = "Managed policy every role the environment's Terraform creates must carry (the env roots pass it to each module's `permissions_boundary`)."
  value       = aws_iam_policy.workload_boundary.arn
}

output "backend_config" {
  description = "The values of terraform/envs/<environment>/backend.hcl."
  value = {
    bucket     = aws_s3_bucket.state.id
    key        = "${var.state_key_prefix}/${var.environment}/terraform.tfstate"
    region     = local.region
    kms_key_id = aws_kms_key.state.arn
  }
}
