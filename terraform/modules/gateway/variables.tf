variable "name" {
  description = "Gateway name; also prefixes the IAM role and the API-key credential provider. Letters, digits and single hyphens, at most 48 characters (AgentCore's GatewayName rule)."
  type        = string

  validation {
    condition     = can(regex("^[0-9A-Za-z](-?[0-9A-Za-z])*$", var.name)) && length(var.name) <= 48
    error_message = "name must be 1-48 letters or digits, optionally separated by single hyphens (no leading/trailing hyphen, no underscores)."
  }
}

variable "description" {
  description = "Human-readable description of the gateway (1-200 characters)."
  type        = string
  default     = "MCP tools for accounting and the smart home"

  validation {
    condition     = length(var.description) >= 1 && length(var.description) <= 200
    error_message = "description must be 1-200 characters."
  }
}

variable "discovery_url" {
  description = "OpenID Connect discovery URL of the Cognito user pool (identity module output `discovery_url`)."
  type        = string

  validation {
    condition     = can(regex("^https://[^\\s?#]+/\\.well-known/openid-configuration$", var.discovery_url))
    error_message = "discovery_url must be an https URL ending in /.well-known/openid-configuration."
  }
}

variable "allowed_client_ids" {
  description = "Cognito app client ids whose access tokens the gateway accepts (identity module output `allowed_client_ids`). Cognito access tokens carry `client_id` and no `aud`, so clients, not audiences, are checked."
  type        = list(string)

  validation {
    condition     = length(var.allowed_client_ids) >= 1 && alltrue([for id in var.allowed_client_ids : length(id) >= 1 && length(id) <= 256])
    error_message = "allowed_client_ids must hold at least one client id of 1-256 characters."
  }
}

variable "lambda_function_arn" {
  description = "Alias ARN of the smart-home Lambda (smart_home module output `lambda_alias_arn`): the target invokes a published version through it, never $LATEST; the gateway role may invoke it and the interceptor's alias, nothing else."
  type        = string

  validation {
    # Qualified by an alias: a name starting with a letter (a number would pin one version; $LATEST is what this forbids).
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+:[A-Za-z][A-Za-z0-9_-]*$", var.lambda_function_arn))
    error_message = "lambda_function_arn must be an alias ARN (arn:<partition>:lambda:<region>:<account>:function:<name>:<alias>), not an unqualified ARN, a version or $LATEST."
  }
}

variable "interceptor_lambda_arn" {
  description = "Alias ARN of the interceptor Lambda (gateway_interceptor module output `alias_arn`), run at `interceptor_points` with the request headers; null for none."
  type        = string
  default     = null

  validation {
    condition     = var.interceptor_lambda_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+:[A-Za-z][A-Za-z0-9_-]*$", var.interceptor_lambda_arn))
    error_message = "interceptor_lambda_arn must be an alias ARN (…:function:<name>:<alias>) or null."
  }
}

variable "interceptor_points" {
  description = "Where the interceptor runs: REQUEST (caller identity in, forged identity out), RESPONSE (tools/list filtered per caller)."
  type        = list(string)
  default     = ["REQUEST", "RESPONSE"]

  validation {
    condition     = length(var.interceptor_points) >= 1 && length(var.interceptor_points) <= 2 && alltrue([for p in var.interceptor_points : contains(["REQUEST", "RESPONSE"], p)]) && length(distinct(var.interceptor_points)) == length(var.interceptor_points)
    error_message = "interceptor_points must be REQUEST and/or RESPONSE, each at most once."
  }
}

variable "gateway_rules_json" {
  description = "Content of gateway_contract's gateway.json (the env root passes `file(...)`): the target separator and the tool-name length limit."
  type        = string

  validation {
    condition     = can(jsondecode(var.gateway_rules_json).target_separator) && can(jsondecode(var.gateway_rules_json).tool_name_max_length)
    error_message = "gateway_rules_json must be gateway_contract's gateway.json (with target_separator and tool_name_max_length)."
  }
}

variable "enable_runtime_target" {
  description = "Add the accounting runtime as an MCP-server target (`runtime_target_name`) at `runtime_endpoint`. A flag of its own because the endpoint is known only after apply."
  type        = bool
  default     = false
}

variable "runtime_endpoint" {
  description = "Invocation URL of the accounting runtime (accounting_runtime output `invocation_url`), required with enable_runtime_target."
  type        = string
  default     = null

  validation {
    condition     = !var.enable_runtime_target || can(regex("^https://", var.runtime_endpoint))
    error_message = "runtime_endpoint must be the runtime's https invocation URL when enable_runtime_target is true."
  }
}

variable "runtime_target_name" {
  description = "Name of the runtime target; its tools surface as `<name>___<tool>` (e.g. `accounting___list_contacts`)."
  type        = string
  default     = "accounting"

  validation {
    condition     = can(regex("^[0-9A-Za-z](-?[0-9A-Za-z])*$", var.runtime_target_name)) && length(var.runtime_target_name) <= 100
    error_message = "runtime_target_name must be letters or digits, optionally separated by single hyphens, at most 100 characters."
  }
}

variable "runtime_oauth_client_id" {
  description = "The Gateway's client-credentials client (identity output `gateway_client_id`). Sent through a write-only argument."
  type        = string
  default     = null
  ephemeral   = true
}

variable "runtime_oauth_client_secret" {
  description = "Secret of that client (identity output `gateway_client_secret`). Sent through a write-only argument: neither in this module's state nor in the plan."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "runtime_oauth_credentials_version" {
  description = "Version of the client id/secret pair: bump it (or derive it from the client id) so a new pair reaches the credential provider."
  type        = number
  default     = 1

  validation {
    condition     = var.runtime_oauth_credentials_version >= 1 && floor(var.runtime_oauth_credentials_version) == var.runtime_oauth_credentials_version
    error_message = "runtime_oauth_credentials_version must be a whole number, at least 1."
  }
}

variable "runtime_oauth_scopes" {
  description = "Scopes the Gateway requests for the runtime (identity output `gateway_scopes`)."
  type        = list(string)
  default     = []

  validation {
    condition     = !var.enable_runtime_target || length(var.runtime_oauth_scopes) >= 1
    error_message = "The runtime target needs at least one scope (identity output gateway_scopes)."
  }
}

variable "permissions_boundary" {
  description = "ARN of the permissions boundary the gateway's role carries (the pipeline may create roles only with it); null for none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary))
    error_message = "permissions_boundary must be an IAM policy ARN or null."
  }
}

variable "lambda_tools_json" {
  description = "Content of the smart-home tool schema file (`packages/smarthome_contract/src/smarthome_contract/tools.json`): `{\"tools\": [{\"name\", \"description\", \"inputSchema\"}]}`."
  type        = string

  validation {
    condition = can([
      for t in jsondecode(var.lambda_tools_json).tools : [t.name, t.description, t.inputSchema.type]
      ]) && length(try(jsondecode(var.lambda_tools_json).tools, [])) >= 1 && alltrue([
      for t in try(jsondecode(var.lambda_tools_json).tools, []) : can(regex("^[A-Za-z0-9_-]{1,64}$", t.name))
    ])
    error_message = "lambda_tools_json must be JSON with a non-empty `tools` list; each tool needs name ([A-Za-z0-9_-]{1,64}), description and inputSchema.type."
  }

  validation {
    # `<target>___<tool>` is what the model sees; AgentCore's limit is gateway.json's.
    condition = alltrue([
      for t in try(jsondecode(var.lambda_tools_json).tools, []) :
      length("${var.lambda_target_name}${try(jsondecode(var.gateway_rules_json).target_separator, "___")}${t.name}") <= try(jsondecode(var.gateway_rules_json).tool_name_max_length, 64)
    ])
    error_message = "Every tool name with its target prefix (<lambda_target_name>___<tool>) must fit gateway.json's tool_name_max_length (64)."
  }
}

variable "lambda_target_name" {
  description = "Name of the Lambda target; tools surface as `<name>___<tool>` (e.g. `home___turn_on`)."
  type        = string
  default     = "home"

  validation {
    condition     = can(regex("^[0-9A-Za-z](-?[0-9A-Za-z])*$", var.lambda_target_name)) && length(var.lambda_target_name) <= 100
    error_message = "lambda_target_name must be letters or digits, optionally separated by single hyphens, at most 100 characters."
  }
}

variable "enable_openapi_target" {
  description = "Create the accounting OpenAPI target and its API-key credential provider. Off by default: AgentCore cannot be told to send the key without a prefix (see docs/gateway-api-key.md)."
  type        = bool
  default     = false
}

variable "openapi_spec_json" {
  description = "Content of the Gateway view of the accounting API (`openapi/accounting.gateway.json`), passed inline to the OpenAPI target. Read even when the target is off, so a broken file fails early."
  type        = string

  validation {
    condition     = can(regex("^3\\.", jsondecode(var.openapi_spec_json).openapi)) && can(keys(jsondecode(var.openapi_spec_json).paths))
    error_message = "openapi_spec_json must be an OpenAPI 3.x JSON document with `paths` (AgentCore rejects Swagger 2.0)."
  }

  validation {
    condition     = length(var.openapi_spec_json) <= 1000000
    error_message = "openapi_spec_json must stay under AgentCore's 1 MB inline payload limit; cut the subset further."
  }
}

variable "openapi_target_name" {
  description = "Name of the OpenAPI target; tools surface as `<name>___<operationId>` (`accounting-api___getContacts`), never under the runtime's prefix."
  type        = string
  default     = "accounting-api"

  validation {
    condition     = can(regex("^[0-9A-Za-z](-?[0-9A-Za-z])*$", var.openapi_target_name)) && length(var.openapi_target_name) <= 100
    error_message = "openapi_target_name must be letters or digits, optionally separated by single hyphens, at most 100 characters."
  }

  validation {
    # Distinct prefixes: the optional OpenAPI target can never shadow a runtime or Lambda tool.
    condition     = length(distinct([var.lambda_target_name, var.runtime_target_name, var.openapi_target_name])) == 3
    error_message = "lambda_target_name, runtime_target_name and openapi_target_name must all differ (each prefixes its tools)."
  }

  validation {
    condition = !var.enable_openapi_target || alltrue(flatten([
      for path in values(try(jsondecode(var.openapi_spec_json).paths, {})) : [
        for op in values(path) : length("${var.openapi_target_name}${try(jsondecode(var.gateway_rules_json).target_separator, "___")}${op.operationId}") <= try(jsondecode(var.gateway_rules_json).tool_name_max_length, 64)
        if can(op.operationId)
      ]
    ]))
    error_message = "Every OpenAPI operationId with its target prefix must fit gateway.json's tool_name_max_length (64)."
  }
}

variable "api_key" {
  description = "The organisation's accounting API token. Ephemeral: it feeds the write-only `api_key_wo` and is never stored in the plan or the state; pass it (e.g. TF_VAR_accounting_api_key) on every plan and apply while the OpenAPI target is on."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true

  validation {
    condition     = !var.enable_openapi_target || var.api_key != null
    error_message = "api_key is required while enable_openapi_target is true."
  }
}

variable "api_key_version" {
  description = "Version of the API key; bump it to push a new key (write-only values are only sent when this changes)."
  type        = number
  default     = 1

  validation {
    condition     = var.api_key_version >= 1 && floor(var.api_key_version) == var.api_key_version
    error_message = "api_key_version must be a whole number, at least 1."
  }
}

variable "api_key_header_name" {
  description = "Header the gateway puts the API key in. The accounting API reads `Authorization`."
  type        = string
  default     = "Authorization"

  validation {
    condition     = length(var.api_key_header_name) >= 1 && length(var.api_key_header_name) <= 64
    error_message = "api_key_header_name must be 1-64 characters (AgentCore's limit)."
  }
}

variable "api_key_credential_prefix" {
  description = "Prefix AgentCore puts before the key in the header. null omits the field (what the accounting API needs: the raw token); AgentCore rejects an empty string (min length 1)."
  type        = string
  default     = null

  validation {
    condition     = var.api_key_credential_prefix == null || try(length(var.api_key_credential_prefix) >= 1 && length(var.api_key_credential_prefix) <= 64, false)
    error_message = "api_key_credential_prefix must be null or 1-64 characters: AgentCore rejects an empty prefix (see docs/gateway-api-key.md)."
  }
}

variable "exception_level" {
  description = "null returns sanitized tool errors to callers; \"DEBUG\" returns detailed errors (the only value AgentCore accepts). Keep null outside dev."
  type        = string
  default     = null

  validation {
    condition     = var.exception_level == null || var.exception_level == "DEBUG"
    error_message = "exception_level must be null or \"DEBUG\"."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the gateway's data; null uses an AWS-owned key."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:...) or null."
  }
}

variable "tags" {
  description = "Tags for every taggable resource (merged with the provider's default_tags)."
  type        = map(string)
  default     = {}
}
