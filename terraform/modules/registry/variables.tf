variable "name" {
  description = "Name of the ECR repository, e.g. `agentcore-mcp/dev/mcp-runtime`."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", var.name)) && length(var.name) >= 2 && length(var.name) <= 256
    error_message = "name must be 2-256 lowercase characters: letters, digits and . _ - separators, optionally in /-separated namespaces (ECR's naming rule)."
  }
}

variable "kms_key_arn" {
  description = "KMS key for image encryption. null uses AES256 with the ECR-managed key."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:...) or null."
  }
}

variable "keep_tagged_images" {
  description = "How many images tagged with one of `tag_prefixes` the lifecycle policy keeps (older ones expire)."
  type        = number
  default     = 30

  validation {
    condition     = var.keep_tagged_images >= 1 && var.keep_tagged_images <= 1000 && floor(var.keep_tagged_images) == var.keep_tagged_images
    error_message = "keep_tagged_images must be a whole number from 1 to 1000."
  }
}

variable "tag_prefixes" {
  description = "Tag prefixes the release images carry (the pipeline tags with the commit SHA, so hex digits by default)."
  type        = list(string)
  default     = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]

  validation {
    condition     = length(var.tag_prefixes) >= 1 && length(var.tag_prefixes) <= 100
    error_message = "tag_prefixes must hold 1 to 100 prefixes (an ECR lifecycle rule limit)."
  }
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images (superseded layers of multi-arch builds, failed pushes) expire."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_expiry_days >= 1 && floor(var.untagged_expiry_days) == var.untagged_expiry_days
    error_message = "untagged_expiry_days must be a whole number of days, at least 1."
  }
}

variable "force_delete" {
  description = "Let `terraform destroy` delete the repository while it still holds images. Keep false outside throwaway environments."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the repository (merged with the provider's default_tags)."
  type        = map(string)
  default     = {}
}
