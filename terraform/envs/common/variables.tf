variable "region" {
  description = "AWS region of the environment (AgentCore Runtime and Gateway must be available there)."
  type        = string
  default     = "eu-central-1"
}

variable "cognito_domain_prefix" {
  description = "Prefix of the hosted login domain `https://<prefix>.auth.<region>.amazoncognito.com`; unique per region across all AWS accounts."
  type        = string
}

variable "langdock_callback_urls" {
  description = "Callback URL(s) Langdock shows when you create the integration (`https://app.langdock.com/api/integrations/<id>/callback`). Empty: no Langdock client yet."
  type        = list(string)
  default     = []
}

variable "runtime_image_digest" {
  description = "Digest (`sha256:…`) of the mcp_runtime image in this environment's repository: the pipeline builds the image once and promotes the same digest to every environment. null: the plan stops and says how to get one."
  type        = string
  default     = null

  validation {
    condition     = var.runtime_image_digest == null || can(regex("^sha256:[a-f0-9]{64}$", var.runtime_image_digest))
    error_message = "runtime_image_digest must be sha256:<64 hex digits>."
  }
}

variable "accounting_api_base_url" {
  description = "Base URL of the accounting API the runtime calls."
  type        = string
  default     = "https://my.sevdesk.de/api/v1"
}

variable "homes" {
  description = "One entry per home bridge, keyed by a short home key (its thing is `agentcore-mcp-<env>-<key>`): the CSR its key generated (`python -m home_bridge keygen` on the bridge); the private key never leaves the bridge. `next_csr_pem` during a certificate rotation."
  type = map(object({
    csr_pem      = string
    next_csr_pem = optional(string)
  }))
}

variable "lambda_zip_path" {
  description = "Path of the iot_lambda deployment zip; null uses build/iot_lambda.zip (`make build-lambda`)."
  type        = string
  default     = null
}

variable "interceptor_zip_path" {
  description = "Path of the gateway_interceptor deployment zip; null uses build/gateway_interceptor.zip (`make build-interceptor`)."
  type        = string
  default     = null
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the environment's alarm topic (each confirms once by mail)."
  type        = list(string)
  default     = []
}

variable "enable_openapi_target" {
  description = "Expose the accounting API through the Gateway's OpenAPI target as well. Off until the API-key header is confirmed (docs/gateway-api-key.md)."
  type        = bool
  default     = false
}

variable "accounting_api_key" {
  description = "The organisation's accounting API token for the Gateway's OpenAPI target. Ephemeral: give it on every plan and apply as TF_VAR_accounting_api_key; it never reaches the plan file or the state."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "accounting_api_key_version" {
  description = "Bump to push a new accounting API key to the credential provider."
  type        = number
  default     = 1
}

variable "accounting_api_key_credential_prefix" {
  description = "Prefix AgentCore puts before the key; null = the raw token, what the accounting API wants."
  type        = string
  default     = null
}

variable "gateway_exception_level" {
  description = "\"DEBUG\" returns detailed tool errors to callers; null keeps the environment's default (settings.tf: DEBUG in dev, sanitized errors in prod)."
  type        = string
  default     = null
}
