variable "name" {
  description = "Prefix of every resource this module creates, e.g. `agentcore-mcp` (roles `<name>-ci-<environment>-plan|apply|push`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name))
    error_message = "name must be 3-32 lowercase letters, digits or hyphens, starting with a letter (it prefixes IAM role names, which are capped at 64 characters)."
  }
}

variable "github_repository" {
  description = "The repository whose workflows may assume the deploy roles, as `owner/name` (GitHub's OIDC `repository` claim)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like `owner/name`."
  }
}

variable "environment" {
  description = "The one deployment environment of this AWS account (and the GitHub environment of the same name), e.g. `dev` or `prod`. One account per environment: Cognito pools, IoT certificates and AgentCore runtimes/gateways are created under generated ids, so only an account boundary keeps two environments apart."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.environment))
    error_message = "environment must be a short lowercase name (letters and digits, 2-16 characters)."
  }
}

variable "plan_from_pull_requests" {
  description = "Let pull requests of the repository assume the read-only plan role. A plan reads the state and Cognito client secrets (DescribeUserPoolClient returns them, and Terraform needs it), so never for prod: prod plans only from `main`."
  type        = bool
  default     = false

  validation {
    condition     = !(var.plan_from_pull_requests && var.environment == "prod")
    error_message = "prod is planned from main only: a pull request must never assume a prod role (plan_from_pull_requests = false)."
  }
}

variable "runtime_repository_arn" {
  description = "ECR repository of this environment's runtime image (the registry module's `repository_arn`): the push role may push there alone, the workload boundary lets runtimes pull from it alone."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9._/-]+$", var.runtime_repository_arn))
    error_message = "runtime_repository_arn must be an ECR repository ARN."
  }
}

variable "state_bucket_name" {
  description = "Name of the S3 bucket that holds this account's Terraform state (globally unique)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name)) && !can(regex("\\.\\.|^xn--|-s3alias$", var.state_bucket_name))
    error_message = "state_bucket_name must be a valid S3 bucket name: 3-63 lowercase letters, digits, dots or hyphens."
  }
}

variable "state_key_prefix" {
  description = "Prefix of the state object keys: the environment keeps its state under `<prefix>/<environment>/` (see envs/*/backend.hcl.example)."
  type        = string
  default     = "agentcore-mcp"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*$", var.state_key_prefix))
    error_message = "state_key_prefix must be lowercase letters, digits and hyphens, without slashes."
  }
}

variable "managed_name_prefix" {
  description = "Name prefix of the resources the environment creates (`<prefix>-<environment>…`, runtimes `<prefix>_<environment>…`); the apply role may only touch names under it. null = `name`."
  type        = string
  default     = null
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider. false when the account already has one (there can be only one per URL): then give `oidc_provider_arn`."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of an existing `token.actions.githubusercontent.com` OIDC provider; used only when `create_oidc_provider` is false."
  type        = string
  default     = null

  validation {
    condition     = var.create_oidc_provider || can(regex("^arn:[a-z-]+:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "With create_oidc_provider = false, oidc_provider_arn must be the ARN of the existing token.actions.githubusercontent.com provider."
  }
}

variable "max_session_duration" {
  description = "Maximum session length of the deploy roles, in seconds (a first deploy with AgentCore creation can take over an hour; the apply job asks for 7200)."
  type        = number
  default     = 7200

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 3600 and 43200 seconds (IAM's limits)."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the state key is deleted once its deletion is scheduled (the state is unreadable without it)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30 (KMS's limits)."
  }
}

variable "noncurrent_version_days" {
  description = "How long superseded state versions are kept for recovery, in days."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "noncurrent_version_days must be at least 1."
  }
}
