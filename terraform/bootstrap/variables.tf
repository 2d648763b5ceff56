variable "region" {
  description = "Region of the state bucket and of the environments deployed from this account."
  type        = string
  default     = "eu-central-1"
}

variable "account_id" {
  description = "The AWS account this bootstrap is for; the provider refuses any other."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account id."
  }
}

variable "github_repository" {
  description = "The repository (`owner/name`) whose workflows deploy into this account."
  type        = string
}

variable "environments" {
  description = "Environments deployed into this account (one account per environment is recommended: [\"dev\"] here, [\"prod\"] there)."
  type        = set(string)
}

variable "state_bucket_name" {
  description = "Globally unique name of the Terraform state bucket of this account."
  type        = string
}

variable "create_oidc_provider" {
  description = "false when the account already has the token.actions.githubusercontent.com provider; then set oidc_provider_arn."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of the account's existing GitHub OIDC provider (only with create_oidc_provider = false)."
  type        = string
  default     = null
}
