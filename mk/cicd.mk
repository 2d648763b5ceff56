##@ CI/CD and operations (ENV=dev|prod; what .github/workflows run, runnable by hand: docs/cicd.md)

BOOTSTRAP_DIR := terraform/bootstrap
TF_BOOTSTRAP = terraform -chdir=$(BOOTSTRAP_DIR)
# The image tag is the commit (for people); what the environments run is pinned by digest.
IMAGE_TAG ?= $(shell git rev-parse HEAD 2>/dev/null)
RUNTIME_IMAGE_ARCHIVE := build/mcp_runtime.oci.tar
SMOKE_ARGS ?=
# For targets whose stdout is a value: init (once) with its chatter on stderr.
TF_INIT_QUIET = test -d $(TF_ENV_DIR)/.terraform || $(TF) init -input=false -backend-config=backend.hcl >&2
# The state's KMS key and region, from backend.hcl: they also seal the saved plan artefact.
BACKEND_VALUE = sed -n 's/^[[:space:]]*$(1)[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' $(TF_ENV_DIR)/backend.hcl

.PHONY: bootstrap-aws
bootstrap-aws: ## Once per AWS account (= per environment), with admin credentials: state, OIDC, deploy roles, boundaries, image repository (terraform/bootstrap/<ENV>.tfvars)
	@test -f $(BOOTSTRAP_DIR)/$(ENV).tfvars || { echo "Create $(BOOTSTRAP_DIR)/$(ENV).tfvars from terraform.tfvars.example first (docs/cicd.md)"; exit 2; }
	$(TF_BOOTSTRAP) init -input=false
	@# One local state per account, kept apart by workspace (terraform.tfstate.d/<ENV>).
	$(TF_BOOTSTRAP) workspace select -or-create $(ENV)
	$(TF_BOOTSTRAP) apply -var-file=$(ENV).tfvars
	@echo "Set these in GitHub (docs/cicd.md):"
	@$(TF_BOOTSTRAP) output -json github_variables

.PHONY: ci-config
ci-config: ## Write ENV's backend.hcl and terraform.tfvars from the env vars TF_BACKEND and TFVARS (CI: repository variables)
	@case "$(ENV)" in dev|prod) ;; *) echo "ENV must be dev or prod (got '$(ENV)')"; exit 2;; esac
	@test -n "$${TF_BACKEND:-}" || { echo "TF_BACKEND is empty: set the repository variable TF_BACKEND_$(shell echo $(ENV) | tr a-z A-Z) (docs/cicd.md)"; exit 2; }
	@printf '%s\n' "$$TF_BACKEND" > $(TF_ENV_DIR)/backend.hcl
	@if [ -n "$${TFVARS:-}" ]; then printf '%s\n' "$$TFVARS" > $(TF_ENV_DIR)/terraform.tfvars; fi
	@echo "wrote $(TF_ENV_DIR)/backend.hcl$${TFVARS:+ and terraform.tfvars}"

.PHONY: build-artifacts
build-artifacts: build-lambda build-interceptor ## The Lambda zips every plan and apply needs (build/iot_lambda.zip, build/gateway_interceptor.zip)

.PHONY: runtime-image-archive
runtime-image-archive: runtime-image-context ## Build the linux/arm64 runtime image ONCE into build/mcp_runtime.oci.tar and print its digest (promoted to every environment)
	docker buildx build --platform linux/arm64 --provenance=false \
	  --output type=oci,dest=$(RUNTIME_IMAGE_ARCHIVE) $(RUNTIME_IMAGE_CONTEXT)
	@$(OPSCTL) oci-digest $(RUNTIME_IMAGE_ARCHIVE)

.PHONY: push-runtime
push-runtime: tf-env-check ## Promote build/mcp_runtime.oci.tar into ENV's repository unchanged (same digest), tagged IMAGE_TAG; prints the digest
	@test -f $(RUNTIME_IMAGE_ARCHIVE) || { echo "No $(RUNTIME_IMAGE_ARCHIVE): run 'make runtime-image-archive' (CI: the build job's artefact)"; exit 2; }
	@set -e; digest="$$($(OPSCTL) oci-digest $(RUNTIME_IMAGE_ARCHIVE))"; \
	region="$$($(call BACKEND_VALUE,region))"; \
	account="$$(aws sts get-caller-identity --query Account --output text)"; \
	registry="$$account.dkr.ecr.$$region.amazonaws.com"; repo="agentcore-mcp/$(ENV)/mcp-runtime"; \
	if aws ecr describe-images --region "$$region" --repository-name "$$repo" --image-ids imageDigest="$$digest" >/dev/null 2>&1; then \
	  echo "push-runtime: $$registry/$$repo@$$digest is there already" >&2; \
	else \
	  skopeo copy --preserve-digests --dest-creds "AWS:$$(aws ecr get-login-password --region "$$region")" \
	    "oci-archive:$(RUNTIME_IMAGE_ARCHIVE)" "docker://$$registry/$$repo:$(IMAGE_TAG)" >&2; \
	  aws ecr describe-images --region "$$region" --repository-name "$$repo" --image-ids imageDigest="$$digest" >/dev/null \
	    || { echo "push-runtime: the registry holds a different digest than the build ($$digest)" >&2; exit 1; }; \
	fi; \
	echo "$$digest"

.PHONY: image-digest
image-digest: tf-env-check ## Print the digest of ENV's runtime image tagged IMAGE_TAG (rollback: TF_VAR_runtime_image_digest=$$(make -s image-digest IMAGE_TAG=<sha>))
	@region="$$($(call BACKEND_VALUE,region))"; \
	aws ecr describe-images --region "$$region" --repository-name "agentcore-mcp/$(ENV)/mcp-runtime" \
	  --image-ids imageTag=$(IMAGE_TAG) --query 'imageDetails[0].imageDigest' --output text

.PHONY: deployed-image-digest
deployed-image-digest: tf-env-check ## Print the runtime image digest ENV runs now (empty before the first deploy)
	@$(TF_INIT_QUIET)
	@$(TF) state pull | python3 -c 'import json, sys; \
	  text = sys.stdin.read(); \
	  resources = json.loads(text).get("resources", []) if text.strip() else []; \
	  uris = [i["attributes"]["input"] for r in resources if r["type"] == "terraform_data" and r["name"] == "runtime_image" for i in r["instances"]]; \
	  digest = uris[0].rpartition("@")[2] if uris else ""; \
	  print("" if digest == "none" else digest)'

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

.PHONY: plan-seal
plan-seal: tf-env-check ## Encrypt ENV's saved plan into build/<ENV>.tfplan.sealed with the state's KMS key (the CI artefact)
	@mkdir -p build
	@$(OPSCTL) plan-seal --key-id "$$($(call BACKEND_VALUE,kms_key_id))" --region "$$($(call BACKEND_VALUE,region))" \
	  --environment $(ENV) $(TF_ENV_DIR)/$(TF_PLAN) build/$(ENV).tfplan.sealed

.PHONY: plan-open
plan-open: tf-env-check ## Decrypt build/<ENV>.tfplan.sealed into ENV's saved plan (refuses another environment's or a changed one)
	@$(OPSCTL) plan-open --region "$$($(call BACKEND_VALUE,region))" --environment $(ENV) \
	  build/$(ENV).tfplan.sealed $(TF_ENV_DIR)/$(TF_PLAN)

.PHONY: smoke
smoke: bootstrap tf-env-check ## After a deploy: M2M token; ENV's Gateway and Runtime list tools, the Gateway none a caller without groups may not use
	@$(TF_INIT_QUIET)
	@set -e; gateway="$$($(TF_OUT) gateway_url)"; runtime="$$($(TF_OUT) runtime_invocation_url)"; \
	token="$$($(MAKE) -s token ENV=$(ENV))"; \
	MCP_TOKEN="$$token" $(PY) scripts/smoke_test.py --gateway-url "$$gateway" --runtime-url "$$runtime" $(SMOKE_ARGS)
