# What makes this environment prod. Every other .tf file here links to ../common, so dev and prod
# differ only in these values, their backend.hcl and their terraform.tfvars.
locals {
  env = "prod"

  # The AWS account of this environment, and no other environment's: one account per
  # environment (Cognito pools, IoT certificates and AgentCore resources carry generated ids, so
  # only the account keeps two environments apart). The bootstrap of this account uses the same id.
  aws_account_id = "222222222222"

  # Hardened: the user pool survives a stray destroy.
  cognito_deletion_protection = "ACTIVE"

  # Callers get sanitized tool errors; details stay in the logs.
  gateway_exception_level = null
}
