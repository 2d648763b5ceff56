"""Which names a model's tool schema accepts (AgentCore Gateway / Bedrock / Anthropic ToolSpec).

A tool is named after its operationId; each parameter becomes a property of the tool's input
schema. One bad name makes the model reject the whole tool list (aws-agentcore-facts C.2).
"""

import re

TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
TOOL_PROPERTY_NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,64}$")
