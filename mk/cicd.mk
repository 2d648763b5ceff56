##@ CI/CD and operations (ENV=dev|prod; what .github/workflows run, runnable by hand: docs/cicd.md)

BOOTSTRAP_DIR := terraform/bootstrap
TF_BOOTSTRAP = terraform -chdir=$(BOOTSTRAP_DIR)
# The image tag is the commit: immutable in ECR, and the same tag names the same code everywhere.
IMAGE_TAG ?= $(shell git rev-parse HEAD 2>/dev/null)
SMOKE_ARGS ?=
# For targets whose stdout is a value: init (once) with its chatter on stderr.
TF_INIT_QUIET = test -d $(TF_ENV_DIR)/.terraform || $(TF) init -input=false -backend-config=backend.hcl >&2

.PHONY: bootstrap-aws
bootstrap-aws: ## Once per AWS account, with admin credentials: state bucket, GitHub OIDC, deploy roles (terraform/bootstrap/<ENV>.tfvars)
	@test -f $(BOOTSTRAP_DIR)/$(ENV).tfvars || { echo "Create $(BOOTSTRAP_DIR)/$(ENV).tfvars from terraform.tfvars.example first (docs/cicd.md)"; exit 2; }
	$(TF_BOOTSTRAP) init -input=false
	@# One local state per account, kept apart by workspace (terraform.tfstate.d/<ENV>).
	$(TF_BOOTSTRAP) workspace select -or-create $(ENV)
	$(TF_BOOTSTRAP) apply -var-file=$(ENV).tfvars
	@echo "Set these in GitHub (docs/cicd.md), and write terraform/envs/<env>/backend.hcl from backend_configs:"
	@$(TF_BOOTSTRAP) output -json github_variables

.PHONY: ci-config
ci-config: ## Write ENV's backend.hcl and terraform.tfvars from the env vars TF_BACKEND and TFVARS (CI: repository variables)
	@case "$(ENV)" in dev|prod) ;; *) echo "ENV must be dev or prod (got '$(ENV)')"; exit 2;; esac
	@test -n "$${TF_BACKEND:-}" || { echo "TF_BACKEND is empty: set the repository variable TF_BACKEND_$(shell echo $(ENV) | tr a-z A-Z) (docs/cicd.md)"; exit 2; }
	@printf '%s\n' "$$TF_BACKEND" > $(TF_ENV_DIR)/backend.hcl
	@if [ -n "$${TFVARS:-}" ]; then printf '%s\n' "$$TFVARS" > $(TF_ENV_DIR)/terraform.tfvars; fi
	@echo "wrote $(TF_ENV_DIR)/backend.hcl$${TFVARS:+ and terraform.tfvars}"

.PHONY: deployed-image-tag
deployed-image-tag: tf-env-check ## Print the runtime image tag ENV runs now (empty before the first full deploy)
	@$(TF_INIT_QUIET)
	@$(TF) state pull | python3 -c 'import json, sys; \
	  text = sys.stdin.read(); \
	  resources = json.loads(text).get("resources", []) if text.strip() else []; \
	  uris = [i["attributes"]["output"] for r in resources if r["type"] == "terraform_data" and r["name"] == "runtime_image" for i in r["instances"]]; \
	  tag = uris[0].rpartition(":")[2] if uris else ""; \
	  print("" if tag == "none" else tag)'

.PHONY: deploy-registry
deploy-registry: tf-init ## First-deploy stage: create ENV's ECR repository alone when it does not exist yet (no-op afterwards)
	@if $(TF) state list module.registry 2>/dev/null | grep -q 'aws_ecr_repository'; then \
	  echo "deploy-registry: module.registry is deployed"; \
	else \
	  echo "deploy-registry: first deploy of $(ENV): creating the image repository alone"; \
	  $(MAKE) plan ENV=$(ENV) TARGETS=module.registry && $(MAKE) apply ENV=$(ENV); \
	fi

.PHONY: push-runtime
push-runtime: runtime-image-context tf-env-check ## Build the linux/arm64 runtime image and push it to ENV's ECR as IMAGE_TAG (default: HEAD); a tag already there is kept
	@test -n "$(IMAGE_TAG)" || { echo "IMAGE_TAG is empty (not a git checkout?): pass IMAGE_TAG=<tag>"; exit 2; }
	@$(TF_INIT_QUIET)
	@set -e; repo="$$($(TF_OUT) ecr_repository_url)"; registry="$${repo%%/*}"; name="$${repo#*/}"; \
	if aws ecr describe-images --repository-name "$$name" --image-ids imageTag=$(IMAGE_TAG) >/dev/null 2>&1; then \
	  echo "push-runtime: $$repo:$(IMAGE_TAG) exists already (tags are immutable): not rebuilt"; \
	else \
	  aws ecr get-login-password | docker login --username AWS --password-stdin "$$registry"; \
	  docker buildx build --platform linux/arm64 --provenance=false \
	    -t "$$repo:$(IMAGE_TAG)" --push $(RUNTIME_IMAGE_CONTEXT); \
	fi; \
	digest="$$(aws ecr describe-images --repository-name "$$name" --image-ids imageTag=$(IMAGE_TAG) \
	  --query 'imageDetails[0].imageDigest' --output text)"; \
	echo "push-runtime: $$repo:$(IMAGE_TAG) = $$repo@$$digest"

.PHONY: plan-summary
plan-summary: tf-env-check ## Print ENV's saved plan as Markdown (CI appends it to the job summary)
	@test -f $(TF_ENV_DIR)/$(TF_PLAN) || { echo "No saved plan for $(ENV): run 'make plan ENV=$(ENV)' first"; exit 2; }
	@$(TF) show -no-color $(TF_PLAN) > $(TF_ENV_DIR)/$(ENV).tfplan.txt
	@echo "### terraform plan: $(ENV)"
	@echo
	@echo "**$$(grep -E '^(Plan:|No changes\.)' $(TF_ENV_DIR)/$(ENV).tfplan.txt || echo 'see details')**"
	@echo
	@echo "<details><summary>Full plan</summary>"
	@echo
	@echo '```'
	@cat $(TF_ENV_DIR)/$(ENV).tfplan.txt
	@echo '```'
	@echo "</details>"
	@rm -f $(TF_ENV_DIR)/$(ENV).tfplan.txt

.PHONY: smoke
smoke: bootstrap tf-env-check ## After a deploy: M2M token, then list tools on ENV's Gateway and Runtime and call a read-only tool on each
	@$(TF_INIT_QUIET)
	@set -e; gateway="$$($(TF_OUT) gateway_url)"; runtime="$$($(TF_OUT) runtime_invocation_url)"; \
	token="$$($(MAKE) -s token ENV=$(ENV))"; \
	MCP_TOKEN="$$token" $(PY) scripts/smoke_test.py --gateway-url "$$gateway" --runtime-url "$$runtime" $(SMOKE_ARGS)
