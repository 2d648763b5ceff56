terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.17.0 added aws_bedrockagentcore_agent_runtime (provider CHANGELOG). The per-argument
      # history of lifecycle_configuration / request_header_configuration is not in the changelog;
      # they are in the resource's documented schema, and this module is validated against 6.62.
      version = ">= 6.17"
    }
  }
}
