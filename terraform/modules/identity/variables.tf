variable "name" {
  description = "Prefix for every resource name, e.g. `agentcore-mcp-dev` (pool, app clients, resource server)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,62}$", var.name))
    error_message = "name must be 1-63 characters: lowercase letters, digits and hyphens, starting with a letter or digit."
  }
}

variable "domain_prefix" {
  description = "Prefix of the Cognito-hosted login domain `https://<prefix>.auth.<region>.amazoncognito.com`. Unique per region across all AWS accounts. Set this or `custom_domain`."
  type        = string
  default     = null

  validation {
    # `||` does not short-circuit in Terraform, hence the conditional around the null check.
    condition = var.domain_prefix == null ? true : (
      can(regex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", var.domain_prefix)) &&
      length(regexall("aws|amazon|cognito", var.domain_prefix)) == 0
    )
    error_message = "domain_prefix must be 1-63 lowercase letters, digits and inner hyphens, and must not contain the reserved words aws, amazon or cognito (Cognito rejects them at apply time)."
  }
}

variable "custom_domain" {
  description = "Own login domain, e.g. `login.example.com` (needs `certificate_arn` and a DNS alias to the domain's CloudFront distribution). Set this or `domain_prefix`."
  type        = string
  default     = null

  validation {
    condition     = (var.custom_domain == null) != (var.domain_prefix == null)
    error_message = "Set exactly one of domain_prefix (Cognito-hosted domain) and custom_domain."
  }

  validation {
    condition     = var.custom_domain == null || can(regex("^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.custom_domain))
    error_message = "custom_domain must be a lowercase DNS name such as login.example.com (no scheme, no path)."
  }
}

variable "certificate_arn" {
  description = "ACM certificate for `custom_domain`. Cognito serves custom domains through CloudFront, so the certificate must live in us-east-1."
  type        = string
  default     = null

  validation {
    condition     = (var.custom_domain == null) || can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/", var.certificate_arn))
    error_message = "custom_domain needs certificate_arn: an ACM certificate ARN in us-east-1 (arn:<partition>:acm:us-east-1:<account>:certificate/<id>)."
  }
}

variable "clients" {
  description = <<-EOT
    Interactive OAuth clients (authorization code + PKCE, confidential), keyed by a short name.
    `scopes` must be exactly what that client requests: Claude asks for `openid email phone profile`.
    Langdock's callback URL (`https://app.langdock.com/api/integrations/<id>/callback`) exists only
    once the integration is created in Langdock, so the env root adds it in a second apply.
    `http://localhost[:port]` callbacks are allowed for local development; everything else must be https.
  EOT
  type = map(object({
    callback_urls                 = list(string)
    logout_urls                   = optional(list(string), [])
    scopes                        = optional(list(string), ["openid", "email", "phone", "profile"])
    access_token_validity_minutes = optional(number, 60)
    id_token_validity_minutes     = optional(number, 60)
    refresh_token_validity_days   = optional(number, 30)
  }))
  default = {
    claude = {
      callback_urls = [
        "https://claude.ai/api/mcp/auth_callback",
        "https://claude.com/api/mcp/auth_callback",
      ]
    }
  }

  validation {
    condition     = alltrue([for k in keys(var.clients) : can(regex("^[a-z0-9][a-z0-9_-]{0,31}$", k))])
    error_message = "Client keys must be 1-32 lowercase letters, digits, '-' or '_' (they become part of the app client name)."
  }

  validation {
    condition = alltrue([
      for c in values(var.clients) : length(c.callback_urls) >= 1 && length(c.callback_urls) <= 100
    ])
    error_message = "Every client needs 1 to 100 callback URLs (Cognito's limit)."
  }

  validation {
    condition = alltrue(flatten([
      for c in values(var.clients) : [
        for u in concat(c.callback_urls, c.logout_urls) :
        can(regex("^https://[^/?#\\s]+(/[^#\\s]*)?$", u)) || can(regex("^http://localhost(:[0-9]{1,5})?(/[^#\\s]*)?$", u))
      ]
    ]))
    error_message = "Callback and logout URLs must be https:// URLs without a fragment; only http://localhost may use plain http (Cognito rejects other http URLs)."
  }

  validation {
    condition = alltrue(flatten([
      for c in values(var.clients) : [
        for s in c.scopes : contains(
          ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin", "${var.resource_server_identifier}/${var.automation_scope_name}"],
          s,
        )
      ]
    ]))
    error_message = "Client scopes must come from: openid, email, phone, profile, aws.cognito.signin.user.admin, or the custom scope <resource_server_identifier>/<automation_scope_name>."
  }

  validation {
    condition     = alltrue([for c in values(var.clients) : length(c.scopes) >= 1])
    error_message = "Every client needs at least one scope."
  }

  validation {
    condition = alltrue([
      for c in values(var.clients) :
      c.access_token_validity_minutes >= 5 && c.access_token_validity_minutes <= 1440 &&
      c.id_token_validity_minutes >= 5 && c.id_token_validity_minutes <= 1440
    ])
    error_message = "Access and ID token validity must be 5 to 1440 minutes (Cognito's range)."
  }

  validation {
    condition     = alltrue([for c in values(var.clients) : c.refresh_token_validity_days >= 1 && c.refresh_token_validity_days <= 3650])
    error_message = "Refresh token validity must be 1 to 3650 days (Cognito allows up to 10 years)."
  }
}

variable "resource_server_identifier" {
  description = "Identifier of the resource server that owns the automation scope; scopes read `<identifier>/<scope>`."
  type        = string
  default     = "mcp"

  validation {
    condition     = can(regex("^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,256}$", var.resource_server_identifier))
    error_message = "resource_server_identifier must be 1-256 printable characters without spaces, double quotes or backslashes."
  }
}

variable "automation_scope_name" {
  description = "Name of the custom scope the client-credentials (automation) client is granted."
  type        = string
  default     = "invoke"

  validation {
    condition     = can(regex("^[\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]{1,256}$", var.automation_scope_name))
    error_message = "automation_scope_name must be 1-256 printable characters without spaces, '/', double quotes or backslashes."
  }
}

variable "gateway_scope_name" {
  description = "Name of the custom scope of the Gateway's client (its token for the runtime)."
  type        = string
  default     = "gateway"

  validation {
    condition     = can(regex("^[\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]{1,256}$", var.gateway_scope_name)) && var.gateway_scope_name != var.automation_scope_name
    error_message = "gateway_scope_name must be 1-256 printable characters without spaces, '/', quotes or backslashes, and differ from automation_scope_name."
  }
}

variable "groups" {
  description = "Cognito groups to create, name => description: `home-<thing>` per home and `accounting-writers` (gateway_contract's gateway.json). Names are case-sensitive, at most 128 characters."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for g in keys(var.groups) : can(regex("^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]{1,128}$", g))])
    error_message = "Group names must be 1-128 characters without whitespace (Cognito's rule)."
  }
}

variable "m2m_access_token_validity_minutes" {
  description = "Lifetime of access tokens issued to the client-credentials client (CI smoke tests, automation)."
  type        = number
  default     = 60

  validation {
    condition     = var.m2m_access_token_validity_minutes >= 5 && var.m2m_access_token_validity_minutes <= 1440
    error_message = "m2m_access_token_validity_minutes must be 5 to 1440 (Cognito's range)."
  }
}

variable "allow_self_signup" {
  description = "Let people create their own account on the hosted login page. Off: only `make user-add` (admin create) adds users."
  type        = bool
  default     = false
}

variable "mfa" {
  description = "MFA for people: OFF, OPTIONAL (users may enrol an authenticator app) or ON (required). TOTP only."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.mfa)
    error_message = "mfa must be OFF, OPTIONAL or ON."
  }
}

variable "password_minimum_length" {
  description = "Minimum password length; passwords also need upper and lower case letters, a digit and a symbol."
  type        = number
  default     = 12

  validation {
    condition     = var.password_minimum_length >= 8 && var.password_minimum_length <= 99 && floor(var.password_minimum_length) == var.password_minimum_length
    error_message = "password_minimum_length must be a whole number from 8 to 99."
  }
}

variable "enable_managed_login_branding" {
  description = "Use managed login (login pages v2) with Cognito's default branding per interactive client. Needs aws provider >= 6.9 and the Essentials tier; false keeps the classic hosted UI."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "ACTIVE stops the pool (and every user in it) from being deleted; tests and throwaway environments set INACTIVE."
  type        = string
  default     = "ACTIVE"

  validation {
    condition     = contains(["ACTIVE", "INACTIVE"], var.deletion_protection)
    error_message = "deletion_protection must be ACTIVE or INACTIVE."
  }
}

variable "tags" {
  description = "Tags for the user pool (merged with the provider's default_tags)."
  type        = map(string)
  default     = {}
}
