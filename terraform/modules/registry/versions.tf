terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.0 is the first major with the repository arguments used here; tested on 5.100 and 6.62.
      version = ">= 5.0"
    }
  }
}
