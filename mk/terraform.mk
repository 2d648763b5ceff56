##@ Terraform (ENV=dev|prod)

TF_ENV_DIR = terraform/envs/$(ENV)

.PHONY: tf-cli-config
tf-cli-config: ## Print the TF_CLI_CONFIG_FILE export for this machine (registry, or the aws filesystem mirror)
	@scripts/tf-cli-config

.PHONY: plan
plan: ## terraform plan for ENV into a saved plan file (wired up by the Gateway-and-environments issue)
	@test -f $(TF_ENV_DIR)/main.tf || { echo "plan: $(TF_ENV_DIR) does not exist yet (the Gateway-and-environments issue adds it)"; exit 2; }

.PHONY: apply
apply: ## terraform apply of exactly the saved plan for ENV (wired up by the Gateway-and-environments issue)
	@test -f $(TF_ENV_DIR)/main.tf || { echo "apply: $(TF_ENV_DIR) does not exist yet (the Gateway-and-environments issue adds it)"; exit 2; }
