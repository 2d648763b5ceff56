variable "name" {
  description = "Environment prefix of every name here, e.g. `agentcore-mcp-dev` (alarms, dashboard, queries, IoT rule)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,62}$", var.name))
    error_message = "name must start with a letter and hold only letters, digits and hyphens (at most 63): it names a dashboard and an IoT rule."
  }
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the metrics derived from logs, the bridges' presence messages and the smart-home Lambda's EMF (`AgentCoreMcp/<env>`): it carries the environment, so one environment's alarms never count another's data."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9._/#:-]{1,255}$", var.metric_namespace)) && !startswith(var.metric_namespace, "AWS/")
    error_message = "metric_namespace must be 1-255 characters of letters, digits or . _ / # : - and must not start with AWS/."
  }
}

variable "log_retention_days" {
  description = "Retention of the log groups this module manages (the runtime's), in days; one of CloudWatch Logs' allowed values."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "runtime_log_group_name" {
  description = "Log group of the runtime's default endpoint, `/aws/bedrock-agentcore/runtimes/<runtime_id>-DEFAULT` (accounting_runtime's `log_group_name`)."
  type        = string

  validation {
    condition     = startswith(var.runtime_log_group_name, "/aws/bedrock-agentcore/runtimes/")
    error_message = "runtime_log_group_name must be AgentCore's runtime group, under /aws/bedrock-agentcore/runtimes/."
  }
}

variable "manage_runtime_log_group" {
  description = "Create the runtime's log group here, with retention. AgentCore only creates it on the first invocation, so a new environment gets it from Terraform first; for an environment already invoked, import it once (README) or set false (then the group must already exist)."
  type        = bool
  default     = true
}

variable "lambda_function_name" {
  description = "The smart-home Lambda behind the Gateway (smart_home's `lambda_function_name`): its AWS/Lambda metrics go on the dashboard."
  type        = string
}

variable "lambda_log_group_name" {
  description = "The Lambda's log group (smart_home's `log_group_name`; smart_home owns it and its retention)."
  type        = string
}

variable "runtime_filters" {
  description = "CloudWatch Logs filter patterns over the runtime's JSON lines: every tool call (event `mcp_tool_call`), and the failed ones."
  type = object({
    calls  = optional(string, "{ $.event = \"mcp_tool_call\" }")
    errors = optional(string, "{ $.event = \"mcp_tool_call\" && ($.outcome = \"error\" || $.outcome = \"failed\") }")
  })
  default = {}
}

variable "lambda_filters" {
  description = "CloudWatch Logs filter patterns over the Lambda's Powertools JSON lines: every answered tool call, and the failed ones."
  type = object({
    calls  = optional(string, "{ $.tool = * && $.outcome = * }")
    errors = optional(string, "{ $.outcome = \"error\" || $.level = \"ERROR\" }")
  })
  default = {}
}

variable "tool_error_threshold" {
  description = "Tool errors within `alarm_period_seconds` (per path) that raise the tool-error alarms."
  type        = number
  default     = 1

  validation {
    condition     = var.tool_error_threshold >= 1
    error_message = "tool_error_threshold must be at least 1."
  }
}

variable "alarm_period_seconds" {
  description = "Period of the tool-error alarms, in seconds (the bridge alarm takes its period from heartbeat_seconds)."
  type        = number
  default     = 300

  validation {
    condition     = var.alarm_period_seconds >= 60 && var.alarm_period_seconds % 60 == 0
    error_message = "alarm_period_seconds must be a multiple of 60 (CloudWatch's period for standard-resolution metrics)."
  }
}

variable "bridge_thing_names" {
  description = "The bridges' IoT thing names (smart_home's `thing_names`); one \"bridge offline\" alarm each."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for t in var.bridge_thing_names : can(regex("^[a-zA-Z0-9:_-]{1,128}$", t))])
    error_message = "bridge_thing_names must be IoT thing names (letters, digits, : _ -; at most 128)."
  }
}

variable "presence_topic_prefix" {
  description = "First level of the bridges' presence topic `<prefix>/<thing>/presence` (smarthome_contract naming.json)."
  type        = string
  default     = "home"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]+$", var.presence_topic_prefix))
    error_message = "presence_topic_prefix must be one topic level without wildcards or slashes."
  }
}

variable "heartbeat_seconds" {
  description = "The bridges' heartbeat interval, naming.json `presence.heartbeat_seconds` (the env root reads the file): the alarm's period is the first multiple of 60 s covering two heartbeats."
  type        = number
  default     = 30

  validation {
    condition     = var.heartbeat_seconds >= 1 && var.heartbeat_seconds <= 3600
    error_message = "heartbeat_seconds must be between 1 and 3600."
  }
}

variable "bridge_offline_after_seconds" {
  description = "How long a bridge may be silent (no heartbeat on its presence topic) before its alarm fires, in seconds; rounded up to whole heartbeat periods."
  type        = number
  default     = 300

  validation {
    condition     = var.bridge_offline_after_seconds >= 60 && var.bridge_offline_after_seconds <= 86400
    error_message = "bridge_offline_after_seconds must be between 60 and 86400 (CloudWatch evaluates at most one day)."
  }

  validation {
    condition     = var.bridge_offline_after_seconds >= 2 * var.heartbeat_seconds
    error_message = "bridge_offline_after_seconds must cover at least two heartbeats (naming.json: a bridge is 'not heard' after 2 x heartbeat_seconds)."
  }
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic (each confirms once by mail); empty: none."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_emails must be e-mail addresses."
  }
}

variable "permissions_boundary" {
  description = "ARN of the permissions boundary the heartbeat rule's role carries; null for none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary))
    error_message = "permissions_boundary must be an IAM policy ARN or null."
  }
}

variable "alarm_actions" {
  description = "Further ARNs notified when an alarm fires or clears, besides the module's own topic."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.alarm_actions : startswith(a, "arn:")])
    error_message = "alarm_actions must be ARNs."
  }
}

variable "create_saved_queries" {
  description = "Save the Logs Insights queries (tool calls by outcome, slowest calls, errors) in the account's query list."
  type        = bool
  default     = true
}

variable "budget" {
  description = "Optional monthly AWS Budgets cost alert: limit in USD, who is mailed at 80% actual and 100% forecast, and an optional activated cost allocation tag (`key=value`) to narrow it to this project."
  type = object({
    monthly_limit_usd = number
    emails            = list(string)
    cost_tag          = optional(string)
  })
  default = null

  validation {
    condition     = var.budget == null || try(var.budget.monthly_limit_usd > 0 && length(var.budget.emails) > 0, false)
    error_message = "budget needs a positive monthly_limit_usd and at least one email."
  }

  validation {
    condition     = var.budget == null || try(var.budget.cost_tag == null || can(regex("^[^=]+=.*$", var.budget.cost_tag)), false)
    error_message = "budget.cost_tag must look like `key=value`."
  }
}
