output "repository_name" {
  description = "Name of the repository."
  value       = aws_ecr_repository.this.name
}

output "repository_arn" {
  description = "ARN of the repository, for scoping pull/push permissions to it alone."
  value       = aws_ecr_repository.this.arn
}

output "repository_url" {
  description = "Repository URL (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`) to tag and push images with."
  value       = aws_ecr_repository.this.repository_url
}

output "registry_id" {
  description = "Account id of the registry that holds the repository."
  value       = aws_ecr_repository.this.registry_id
}
