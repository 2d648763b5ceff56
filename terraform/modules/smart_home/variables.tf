variable "name" {
  description = "Prefix for every resource name (Lambda, roles, IoT policy, topic rules), e.g. `agentcore-mcp-dev`."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,39}$", var.name))
    error_message = "name must be 1-40 characters: a letter, then letters, digits or hyphens (it prefixes Lambda, IAM and IoT names)."
  }
}

variable "homes" {
  description = <<-EOT
    One entry per home bridge, keyed by a short home key; its IoT thing is `<name>-<key>`. `csr_pem` is the CSR made on the bridge
    (`python -m home_bridge keygen`), so the private key never reaches Terraform state.
    `next_csr_pem` adds a second certificate during a rotation (see docs/raspberry-pi.md); make it the
    new `csr_pem` and drop it once the bridge runs on the new certificate.
  EOT
  type = map(object({
    csr_pem      = string
    next_csr_pem = optional(string)
  }))

  validation {
    condition     = length(var.homes) >= 1
    error_message = "homes must hold at least one bridge."
  }

  validation {
    # The thing is `<name>-<key>`: the whole name must match naming.json's pattern (at most 123
    # characters, so that its Cognito group home-<thing> fits 128).
    condition     = alltrue([for key in keys(var.homes) : can(regex("^[a-zA-Z0-9:_-]+$", key)) && can(regex(jsondecode(var.naming_rules_json).thing_name_pattern, "${var.name}-${key}"))])
    error_message = "Every key of homes must be a home key (letters, digits, : _ -) whose thing name <name>-<key> matches naming.json thing_name_pattern (at most 123 characters)."
  }

  validation {
    condition = alltrue(flatten([
      for home in values(var.homes) : [
        for csr in compact([home.csr_pem, home.next_csr_pem]) : strcontains(csr, "-----BEGIN CERTIFICATE REQUEST-----")
      ]
    ]))
    error_message = "csr_pem and next_csr_pem must be PEM certificate signing requests (-----BEGIN CERTIFICATE REQUEST-----), never a private key or certificate."
  }
}

variable "lambda_zip_path" {
  description = "Path of the Lambda deployment zip that `make build-lambda` writes (build/iot_lambda.zip)."
  type        = string

  validation {
    condition     = endswith(var.lambda_zip_path, ".zip") && fileexists(var.lambda_zip_path)
    error_message = "lambda_zip_path must point to an existing .zip (run `make build-lambda`)."
  }
}

variable "lambda_timeout_seconds" {
  description = "Lambda timeout. Must leave room after `command_wait_seconds` for the answer."
  type        = number
  default     = 15

  validation {
    condition     = var.lambda_timeout_seconds >= 3 && var.lambda_timeout_seconds <= 900 && floor(var.lambda_timeout_seconds) == var.lambda_timeout_seconds
    error_message = "lambda_timeout_seconds must be a whole number from 3 to 900."
  }
}

variable "command_wait_seconds" {
  description = "How long a command waits for the bridge to confirm before answering \"stored\"."
  type        = number
  default     = 8

  validation {
    condition     = var.command_wait_seconds >= 0 && var.command_wait_seconds <= 60
    error_message = "command_wait_seconds must be between 0 and 60."
  }

  validation {
    condition     = var.command_wait_seconds + 3 <= var.lambda_timeout_seconds
    error_message = "command_wait_seconds must be at least 3 s below lambda_timeout_seconds, or the Lambda times out instead of answering \"stored\"."
  }
}

variable "lambda_memory_mb" {
  description = "Lambda memory in MB (CPU scales with it; 256 keeps the cold start short)."
  type        = number
  default     = 256

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be from 128 to 10240."
  }
}

variable "log_level" {
  description = "Lambda log level (Powertools LOG_LEVEL): DEBUG, INFO, WARNING or ERROR."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "log_retention_days" {
  description = "Retention of the Lambda's and the topic rules' log groups, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "naming_rules_json" {
  description = "Content of packages/smarthome_contract/src/smarthome_contract/naming.json (the env root passes `file(...)`), so the IoT policy and the bridge derive from one file."
  type        = string

  validation {
    condition     = can(jsondecode(var.naming_rules_json).access.topic_filters) && can(jsondecode(var.naming_rules_json).presence.topic) && can(jsondecode(var.naming_rules_json).thing_name_pattern)
    error_message = "naming_rules_json must be the JSON of smarthome_contract's naming.json (with access.topic_filters, presence.topic and thing_name_pattern)."
  }
}

variable "tags" {
  description = "Tags for every taggable resource (merged with the provider's default_tags)."
  type        = map(string)
  default     = {}
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the Lambda's EMF metrics (POWERTOOLS_METRICS_NAMESPACE), e.g. `AgentCoreMcp/dev`: it carries the environment, so two environments' alarms never see each other's errors."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9._/#:-]{1,255}$", var.metric_namespace)) && !startswith(var.metric_namespace, "AWS/")
    error_message = "metric_namespace must be 1-255 characters of letters, digits or . _ / # : - and must not start with AWS/."
  }
}

variable "alias_name" {
  description = "Name of the alias the Gateway invokes; it follows every published version."
  type        = string
  default     = "live"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_-]{0,127}$", var.alias_name))
    error_message = "alias_name must start with a letter (a numeric alias would read as a version) and hold letters, digits, - or _."
  }
}

variable "snap_start" {
  description = "SnapStart on published versions (python3.12+): cold starts restore a snapshot taken after init instead of importing again."
  type        = bool
  default     = true
}

variable "permissions_boundary" {
  description = "ARN of the permissions boundary every role of this module carries (the pipeline's apply role may create roles only with it); null for none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary))
    error_message = "permissions_boundary must be an IAM policy ARN or null."
  }
}
