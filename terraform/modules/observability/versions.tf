terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Every resource and argument used here exists since 5.0; tested on 5.100 and the 6.62 schema.
      version = ">= 5.0"
    }
  }
}
