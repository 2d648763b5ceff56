variable "region" {
  description = "Region of the state bucket and of the environment deployed from this account."
  type        = string
  default     = "eu-central-1"
}

variable "account_id" {
  description = "The AWS account this bootstrap is for; the provider refuses any other (and envs/<environment>/settings.tf names the same account)."
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

variable "environment" {
  description = "The one environment of this account (`dev` here, `prod` in another account)."
  type        = string
}

variable "plan_from_pull_requests" {
  description = "Let pull requests plan this environment (dev only; refused for prod)."
  type        = bool
  default     = false
}

variable "registry_force_delete" {
  description = "Let a destroy of the bootstrap delete the image repository while it holds images (throwaway accounts only)."
  type        = bool
  default     = false
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
