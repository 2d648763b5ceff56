terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # A Lambda, its role and log group: everything here exists since 5.0; tested on 5.100
      # (apply against moto) and the 6.62 schema (plan).
      version = ">= 5.0"
    }
  }
}
