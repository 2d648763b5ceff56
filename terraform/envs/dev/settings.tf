# What makes this environment dev. Every other .tf file here links to ../common, so dev and prod
# differ only in these values, their backend.hcl and their terraform.tfvars.
locals {
  env = "dev"

  # The AWS account of this environment, and no other environment's: one account per
  # environment (Cognito pools, IoT certificates and AgentCore resources carry generated ids, so
  # only the account keeps two environments apart). The bootstrap of this account uses the same id.
  aws_account_id = "111111111111"

  # Throwaway: destroy may delete the user pool.
  cognito_deletion_protection = "INACTIVE"

  # Detailed tool errors reach the caller (gateway_exception_level overrides).
  gateway_exception_level = "DEBUG"
}
