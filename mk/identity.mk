##@ Identity (ENV=dev|prod; values come from `terraform output` of terraform/envs/$(ENV))

# Every command takes explicit flags; these targets look the flags up in the env root's outputs.
OPSCTL = OPSCTL_ENVS_DIR=$(REPO_ROOT)/terraform/envs $(PY) -m opsctl
TF_OUT = $(OPSCTL) tf-output --env $(ENV)
# HOMES are thing names (`make outputs` lists them), checked against the environment's things.
ACCESS_FLAGS = --homes "$(HOMES)" --thing-names "$$($(TF_OUT) thing_names)" $(if $(WRITER),--writer "$(WRITER)")

.PHONY: user-add
user-add: bootstrap tf-env-check ## Create a Cognito user with rights: EMAIL=a@b.example [HOMES=thing,thing] [WRITER=1] [PRINT_PASSWORD=1]
	@test -n "$(EMAIL)" || { echo "usage: make user-add EMAIL=<e-mail> ENV=$(ENV) [HOMES=<thing>,<thing>] [WRITER=1] [PRINT_PASSWORD=1]"; exit 2; }
	@pool="$$($(TF_OUT) cognito_user_pool_id)"; \
	$(OPSCTL) user-add --email "$(EMAIL)" --user-pool-id "$$pool" $(ACCESS_FLAGS) $(if $(PRINT_PASSWORD),--print-password)

.PHONY: user-access
user-access: bootstrap tf-env-check ## Set exactly a user's homes and writer right: EMAIL=a@b.example HOMES=thing,thing [WRITER=0|1] (next token)
	@test -n "$(EMAIL)" || { echo "usage: make user-access EMAIL=<e-mail> ENV=$(ENV) HOMES=<thing>,… [WRITER=0|1]  (HOMES= empty removes every home)"; exit 2; }
	@pool="$$($(TF_OUT) cognito_user_pool_id)"; \
	$(OPSCTL) user-access --email "$(EMAIL)" --user-pool-id "$$pool" $(ACCESS_FLAGS)

.PHONY: token
token: bootstrap tf-env-check ## Print an access token of the automation (client-credentials) client [SCOPE=mcp/invoke]
	@endpoint="$$($(TF_OUT) cognito_token_endpoint)"; \
	client_id="$$($(TF_OUT) cognito_m2m_client_id)"; \
	secret="$$($(TF_OUT) cognito_m2m_client_secret)"; \
	OPSCTL_M2M_CLIENT_SECRET="$$secret" $(OPSCTL) token --token-endpoint "$$endpoint" \
	  --client-id "$$client_id" --client-secret-env OPSCTL_M2M_CLIENT_SECRET $(if $(SCOPE),--scope "$(SCOPE)")

.PHONY: user-token
user-token: bootstrap tf-env-check ## Store a user's accounting API token (typed hidden, or piped on stdin) for the runtime: EMAIL=a@b.example
	@test -n "$(EMAIL)" || { echo "usage: make user-token EMAIL=<e-mail> ENV=$(ENV)  (token on stdin or at the prompt)"; exit 2; }
	@pool="$$($(TF_OUT) cognito_user_pool_id)"; \
	prefix="$$($(TF_OUT) accounting_token_secret_prefix)"; \
	$(OPSCTL) user-token --email "$(EMAIL)" --user-pool-id "$$pool" --secret-prefix "$$prefix"
