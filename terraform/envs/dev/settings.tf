# What makes this environment dev. Every other .tf file here links to ../common, so dev and prod
# differ only in these values, their backend.hcl and their terraform.tfvars.
locals {
  env = "dev"

  # Throwaway: destroy may delete the image repository with its images and the user pool.
  ecr_force_delete            = true
  cognito_deletion_protection = "INACTIVE"

  # Detailed tool errors reach the caller (gateway_exception_level overrides).
  gateway_exception_level = "DEBUG"
}
