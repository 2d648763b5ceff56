"""What crosses the AgentCore Gateway: tool naming, Lambda context keys, caller identity, groups.

``gateway.json`` is data on purpose: Terraform reads it to create the Cognito groups and the
runtime's header allowlist, and every Python reader goes through this module, so a name is
written down once.
"""
