##@ Build

# Each service's fragment adds itself as a prerequisite of `build`.
.PHONY: build
build: ## Build every artefact: Lambda zip (arm64), runtime container command, bridge wheel
	@echo "build: artefacts are in build/"
