variable "name" {
  description = "Prefix of every name here, e.g. `agentcore-mcp-dev` (function `<name>-gateway-interceptor`, its role and log group)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,39}$", var.name))
    error_message = "name must be 1-40 characters: a letter, then letters, digits or hyphens."
  }
}

variable "lambda_zip_path" {
  description = "Path of the interceptor's deployment zip (`make build-interceptor` writes build/gateway_interceptor.zip)."
  type        = string

  validation {
    condition     = endswith(var.lambda_zip_path, ".zip") && fileexists(var.lambda_zip_path)
    error_message = "lambda_zip_path must point to an existing .zip (run `make build-interceptor`)."
  }
}

variable "cognito_issuer" {
  description = "Issuer of the user pool (`https://cognito-idp.<region>.amazonaws.com/<pool id>`; identity module output `issuer`): the interceptor verifies tokens against its JWKS."
  type        = string

  validation {
    condition     = can(regex("^https://[^\\s/]+/[^\\s/]+$", var.cognito_issuer))
    error_message = "cognito_issuer must be an https issuer URL like https://cognito-idp.<region>.amazonaws.com/<pool id>."
  }
}

variable "allowed_client_ids" {
  description = "App clients whose access tokens the interceptor accepts (ALLOWED_CLIENT_IDS; identity module output `allowed_client_ids`). A token without groups sees no smart-home and no write tools."
  type        = list(string)

  validation {
    condition     = length(var.allowed_client_ids) >= 1 && alltrue([for id in var.allowed_client_ids : can(regex("^[a-zA-Z0-9_+]{1,128}$", id))])
    error_message = "allowed_client_ids must hold at least one Cognito app client id."
  }
}

variable "home_targets" {
  description = "Gateway targets whose tools act on homes: calls get the `_caller` argument (HOME_TARGETS)."
  type        = list(string)
  default     = ["home"]
}

variable "runtime_targets" {
  description = "Gateway targets that are MCP runtimes: calls get the caller header (RUNTIME_TARGETS)."
  type        = list(string)
  default     = ["accounting"]
}

variable "write_tools" {
  description = "Full tool names (`<target>___<tool>`) that need the accounting-writers group (WRITE_TOOLS)."
  type        = list(string)
  default     = ["accounting___create_contact"]
}

variable "memory_mb" {
  description = "Memory in MB (CPU scales with it; the interceptor runs on every call, so keep it fast)."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240
    error_message = "memory_mb must be from 128 to 10240."
  }
}

variable "timeout_seconds" {
  description = "Timeout in seconds: a JWKS fetch on a cold start plus the check."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 60 && floor(var.timeout_seconds) == var.timeout_seconds
    error_message = "timeout_seconds must be a whole number from 1 to 60."
  }
}

variable "log_level" {
  description = "Powertools LOG_LEVEL: DEBUG, INFO, WARNING or ERROR."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "alias_name" {
  description = "Alias the Gateway invokes; it follows every published version."
  type        = string
  default     = "live"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_-]{0,127}$", var.alias_name))
    error_message = "alias_name must start with a letter and hold letters, digits, - or _."
  }
}

variable "permissions_boundary" {
  description = "ARN of the permissions boundary the function's role carries; null for none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary))
    error_message = "permissions_boundary must be an IAM policy ARN or null."
  }
}

variable "tags" {
  description = "Tags for every taggable resource (merged with the provider's default_tags)."
  type        = map(string)
  default     = {}
}
