# What makes this environment prod. Every other .tf file here links to ../common, so dev and prod
# differ only in these values, their backend.hcl and their terraform.tfvars.
locals {
  env = "prod"

  # Hardened: the image repository and the user pool survive a stray destroy.
  ecr_force_delete            = false
  cognito_deletion_protection = "ACTIVE"

  # Callers get sanitized tool errors; details stay in the logs.
  gateway_exception_level = null
}
