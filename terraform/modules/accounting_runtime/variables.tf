variable "name" {
  description = "AgentCore runtime name, e.g. `accounting_mcp_dev`. Letters, digits and underscores; starts with a letter; at most 48 characters (no hyphens: AgentCore rejects them)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,47}$", var.name))
    error_message = "name must match [a-zA-Z][a-zA-Z0-9_]{0,47} (AgentCore's runtime name rule: no hyphens)."
  }
}

variable "image_uri" {
  description = "Container image to run: `<repository_url>:<tag>` or `<repository_url>@sha256:<digest>`, from the repository named by `ecr_repository_arn`. Must be built for linux/arm64."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$", var.image_uri))
    error_message = "image_uri must be an ECR image reference with a tag or a sha256 digest: <account>.dkr.ecr.<region>.amazonaws.com/<repo>(:<tag>|@sha256:<digest>)."
  }

  validation {
    # Same account, region and repository as the ARN: the role can pull from nowhere else.
    condition = try(
      join(",", [for i in [1, 0, 2] : regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.[^/]+/([^:@]+)", var.image_uri)[i]]) ==
      join(",", regex("^arn:[^:]+:ecr:([a-z0-9-]+):([0-9]{12}):repository/(.+)$", var.ecr_repository_arn)),
      false
    )
    error_message = "image_uri must come from the repository named by ecr_repository_arn (the role may pull from that repository only)."
  }
}

variable "ecr_repository_arn" {
  description = "ARN of the ECR repository holding the image (the `registry` module's `repository_arn`); the runtime role may pull from it alone."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9._/-]+$", var.ecr_repository_arn))
    error_message = "ecr_repository_arn must be an ECR repository ARN: arn:<partition>:ecr:<region>:<account>:repository/<name>."
  }
}

variable "discovery_url" {
  description = "OpenID discovery URL of the Cognito user pool: `https://cognito-idp.<region>.amazonaws.com/<pool id>/.well-known/openid-configuration`."
  type        = string

  validation {
    condition     = can(regex("^https://.+/\\.well-known/openid-configuration$", var.discovery_url))
    error_message = "discovery_url must be an https URL ending in /.well-known/openid-configuration."
  }
}

variable "allowed_client_ids" {
  description = "Cognito app client ids whose access tokens may call the runtime (Cognito access tokens carry `client_id`, not `aud`)."
  type        = list(string)

  validation {
    condition     = length(var.allowed_client_ids) >= 1 && alltrue([for id in var.allowed_client_ids : can(regex("^[a-zA-Z0-9_+]{1,128}$", id))])
    error_message = "allowed_client_ids must hold at least one Cognito app client id (letters, digits, _ and +)."
  }
}

variable "gateway_client_ids" {
  description = "Client ids of the Gateway's machine-to-machine client(s) (the outbound OAuth of its MCP-server target): accepted by the authorizer, and the only tokens the server lets carry a caller header (`MCP_RUNTIME_GATEWAY_CLIENT_IDS`)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.gateway_client_ids : can(regex("^[a-zA-Z0-9_+]{1,128}$", id))])
    error_message = "gateway_client_ids must be Cognito app client ids (letters, digits, _ and +)."
  }
}

variable "request_headers" {
  description = "Headers besides `Authorization` AgentCore passes to the container, e.g. the caller header `X-Amzn-Bedrock-AgentCore-Runtime-Custom-Caller` (read it from gateway_contract's gateway.json). AgentCore refuses other `X-Amzn-*` headers."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for h in var.request_headers : can(regex("^[A-Za-z0-9-]{1,256}$", h)) &&
      (!startswith(lower(h), "x-amzn-") || startswith(lower(h), "x-amzn-bedrock-agentcore-runtime-custom-")) &&
      !startswith(lower(h), "x-amz-")
    ])
    error_message = "request_headers must be header names; X-Amz-/X-Amzn- headers are refused by AgentCore except X-Amzn-Bedrock-AgentCore-Runtime-Custom-*."
  }

  validation {
    condition     = length(var.request_headers) <= 19
    error_message = "AgentCore passes at most 20 allowlisted headers (Authorization included)."
  }
}

variable "role_name" {
  description = "Name of the execution role; null = `<name with hyphens>-runtime` (e.g. `agentcore-mcp-dev-runtime`), inside the pipeline's `agentcore-mcp-<env>-*` grant."
  type        = string
  default     = null

  validation {
    condition     = var.role_name == null || can(regex("^[\\w+=,.@-]{1,64}$", var.role_name))
    error_message = "role_name must be a valid IAM role name (at most 64 characters)."
  }
}

variable "permissions_boundary" {
  description = "ARN of the permissions boundary the execution role carries (the pipeline may create roles only with it); null for none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary))
    error_message = "permissions_boundary must be an IAM policy ARN or null."
  }
}

variable "idle_timeout_seconds" {
  description = "Seconds without a request after which AgentCore stops a session's microVM. Below the platform's 900 s default to cut idle billing; the next call after it cold-starts (~a few seconds)."
  type        = number
  default     = 300

  validation {
    condition     = var.idle_timeout_seconds >= 60 && var.idle_timeout_seconds <= 28800 && floor(var.idle_timeout_seconds) == var.idle_timeout_seconds
    error_message = "idle_timeout_seconds must be a whole number from 60 to 28800."
  }
}

variable "max_lifetime_seconds" {
  description = "Hard limit on one session's microVM life, in seconds (AgentCore's default 28800 = 8 h). Must not be below idle_timeout_seconds."
  type        = number
  default     = 28800

  validation {
    condition     = var.max_lifetime_seconds >= 60 && var.max_lifetime_seconds <= 28800 && floor(var.max_lifetime_seconds) == var.max_lifetime_seconds
    error_message = "max_lifetime_seconds must be a whole number from 60 to 28800."
  }

  validation {
    condition     = var.max_lifetime_seconds >= var.idle_timeout_seconds
    error_message = "max_lifetime_seconds must be at least idle_timeout_seconds (AgentCore rejects idle > max)."
  }
}

variable "credentials_mode" {
  description = "Where the server takes accounting API tokens from: `per_user` (each caller's own secret `<prefix>/<sub>`) or `static` (one shared token read from the secret `<prefix>/_shared`; development only)."
  type        = string
  default     = "per_user"

  validation {
    condition     = contains(["per_user", "static"], var.credentials_mode)
    error_message = "credentials_mode must be per_user or static."
  }
}

variable "user_token_secret_prefix" {
  description = "Secrets Manager name prefix of the per-user API tokens (`<prefix>/<cognito sub>`); the runtime role may read below it and nowhere else."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9/_+=.@-]{1,400}$", var.user_token_secret_prefix)) && !endswith(var.user_token_secret_prefix, "/") && !strcontains(var.user_token_secret_prefix, "*")
    error_message = "user_token_secret_prefix must be a Secrets Manager name prefix (A-Z a-z 0-9 / _ + = . @ -) without a trailing slash."
  }
}

variable "environment_variables" {
  description = "Extra environment variables for the container, e.g. `{ MCP_RUNTIME_API_BASE_URL = \"https://…\" , MCP_RUNTIME_MAX_CONCURRENT_REQUESTS_PER_TOKEN = \"4\" }`. The module sets the credential and Cognito ones itself; those keys are refused here."
  type        = map(string)
  default     = {}

  validation {
    condition = length(setintersection(keys(var.environment_variables), [
      "MCP_RUNTIME_CREDENTIALS_MODE", "MCP_RUNTIME_USER_TOKEN_SECRET_PREFIX", "MCP_RUNTIME_COGNITO_ISSUER",
      "MCP_RUNTIME_ALLOWED_CLIENT_IDS", "MCP_RUNTIME_STATIC_TOKEN", "MCP_RUNTIME_STATIC_TOKEN_SECRET_ID",
      "MCP_RUNTIME_GATEWAY_CLIENT_IDS",
    ])) == 0
    error_message = "environment_variables must not set the credential/Cognito settings (the module derives them) and never MCP_RUNTIME_STATIC_TOKEN (a token in plain text)."
  }
}

variable "description" {
  description = "Description of the runtime shown in the console."
  type        = string
  default     = "Accounting MCP server (FastMCP) for the company's accounting API"
}

variable "tags" {
  description = "Tags for every resource of the module (merged with the provider's default_tags)."
  type        = map(string)
  default     = {}
}
