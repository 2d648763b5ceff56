terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.40 made `thumbprint_list` optional on the OIDC provider (IAM trusts GitHub's root CAs, so a
      # pinned thumbprint is only one more thing to rotate); tested on 5.100 and the 6.62 schema.
      version = ">= 5.40"
    }
  }
}
