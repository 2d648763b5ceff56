"""The local gateway: the cloud Gateway's MCP surface (smart-home Lambda + accounting OpenAPI).

Entry points: :func:`devstack.gateway.server.create_gateway`, ``python -m devstack.gateway``.
Nothing is imported here, so Lambda worker processes that import ``lambda_worker`` stay light.
"""
