terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Everything used here (IoT thing/certificate from a CSR/policy/topic rule, arm64 Lambda)
      # exists since 5.0; tested on 5.100 (apply against moto) and 6.62 (plan).
      version = ">= 5.0"
    }
  }
}
