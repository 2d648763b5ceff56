##@ Terraform (ENV=dev|prod)

TF_ENV_DIR = terraform/envs/$(ENV)
TF_PLAN = $(ENV).tfplan
TF = terraform -chdir=$(TF_ENV_DIR)
# Every platform people and runners use, so `terraform init` anywhere finds its hash in the lock file.
TF_LOCK_PLATFORMS = linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64

.PHONY: tf-cli-config
tf-cli-config: ## Print the TF_CLI_CONFIG_FILE export for this machine (registry, or the aws filesystem mirror)
	@scripts/tf-cli-config

.PHONY: tf-env-check
tf-env-check: ## Check ENV is dev|prod and its backend.hcl exists (used by plan/apply/outputs)
	@case "$(ENV)" in dev|prod) ;; *) echo "ENV must be dev or prod (got '$(ENV)')"; exit 2;; esac
	@test -f $(TF_ENV_DIR)/backend.hcl || { echo "$(TF_ENV_DIR)/backend.hcl is missing: copy backend.hcl.example and fill in the state bucket (docs/deploy.md)"; exit 2; }

.PHONY: tf-init
tf-init: tf-env-check ## terraform init for ENV with its S3 backend (backend.hcl)
	$(TF) init -input=false -backend-config=backend.hcl

# What `make plan` builds first; the deploy workflow sets it empty: it plans with the zips its
# build job made (the same ones the apply uploads), never rebuilt.
PLAN_ZIPS ?= build-artifacts

.PHONY: plan
plan: tf-init $(PLAN_ZIPS) ## terraform plan for ENV (after building the Lambda zips it uploads) into a saved plan file (TF_VAR_runtime_image_digest: the image to run)
	$(TF) plan -input=false -out=$(TF_PLAN) $(addprefix -target=,$(TARGETS))
	@echo "Saved $(TF_ENV_DIR)/$(TF_PLAN); 'make apply ENV=$(ENV)' applies exactly this plan."

.PHONY: apply
apply: tf-init ## terraform apply of exactly the saved plan for ENV (ephemeral TF_VAR_* must be set again)
	@test -f $(TF_ENV_DIR)/$(TF_PLAN) || { echo "No saved plan for $(ENV): run 'make plan ENV=$(ENV)' first"; exit 2; }
	$(TF) apply -input=false $(TF_PLAN)
	@rm -f $(TF_ENV_DIR)/$(TF_PLAN)

.PHONY: destroy
destroy: tf-env-check ## Destroy every resource of ENV, after typing the environment name (CONFIRM=ENV skips the prompt)
	@answer="$(CONFIRM)"; \
	if [ -z "$$answer" ]; then read -r -p "Destroy everything in '$(ENV)'? Type the environment name: " answer; fi; \
	[ "$$answer" = "$(ENV)" ] || { echo "Not confirmed; nothing destroyed."; exit 1; }
	$(TF) init -input=false -backend-config=backend.hcl
	$(TF) destroy -input=false -auto-approve

.PHONY: outputs
outputs: tf-env-check ## Print what clients need (Gateway/Runtime URLs, Claude, Langdock, mcp.json); SHOW_SECRETS=1 adds secrets
	@test -d $(TF_ENV_DIR)/.terraform || $(TF) init -input=false -backend-config=backend.hcl >/dev/null
	@$(TF) output -json | python3 scripts/print_outputs.py --env $(ENV) $(if $(SHOW_SECRETS),--show-secrets)

.PHONY: lock
lock: ## Write .terraform.lock.hcl of the env roots and terraform/bootstrap for every platform (needs registry.terraform.io)
	@for root in terraform/envs/dev terraform/envs/prod terraform/bootstrap; do \
	  echo "== $$root"; \
	  terraform -chdir=$$root init -input=false -backend=false >/dev/null && \
	  terraform -chdir=$$root providers lock $(addprefix -platform=,$(TF_LOCK_PLATFORMS)) || exit 1; \
	done

.PHONY: tf-docs
tf-docs: bootstrap ## Regenerate the input/output tables of every module README from the HCL (python-hcl2)
	$(PY) terraform/tools/tfdocs.py
